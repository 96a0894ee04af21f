#!/usr/bin/env python3
"""Lint benchmark: multiarch-lint beside dockerfile-utils on the same Dockerfiles, in one run.

Prints files/s for
  - multiarch-lint, all rules, one process for every file (each file listed PASSES times);
  - dockerfile-utils validate() in a warmed-up in-process loop (the peer's best case);
and the wall time of one process per file for both (a pre-commit hook runs one file at a
time), plus peak RSS. Ratios are what to compare: machines are noisy.
"""
import json, os, statistics, subprocess, sys, tempfile, time

def measure(cmd):
    """Wall seconds and peak RSS (MiB) of one process, from its own rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0

def wall(cmd):
    return measure(cmd)[0]

def main():
    binary, corpus, passes, sample = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    here = os.path.dirname(os.path.abspath(__file__))
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f != "SOURCE.md")
    print(f"input: {len(files)} Dockerfiles from {corpus}, {passes} passes = {len(files) * passes} lints per tool")

    # multiarch-lint: one process, every file listed `passes` times.
    args = [binary, "lint", "--no-config", "--format", "json", "--output", os.devnull] + files * passes
    runs = [wall(args) for _ in range(3)]
    ours = len(files) * passes / min(runs)

    # dockerfile-utils in-process.
    with tempfile.NamedTemporaryFile("w", delete=False) as listing:
        listing.write("\n".join(files))
    out = subprocess.run(["node", os.path.join(here, "du_inprocess.js"), listing.name, str(passes)],
                         cwd=here, capture_output=True, text=True, check=True)
    du = json.loads(out.stdout)
    peer = du["files"] / du["seconds"]
    os.unlink(listing.name)

    # One process per file, on a sample.
    step = max(1, len(files) // sample)
    chosen = files[::step][:sample]
    ours_runs = [measure([binary, "lint", "--no-config", f]) for f in chosen]
    du_bin = os.path.join(here, "node_modules/dockerfile-utils/bin/dockerfile-utils")
    du_runs = [measure(["node", du_bin, "lint", f]) for f in chosen]
    ours_each, ours_rss = [w for w, _ in ours_runs], max(r for _, r in ours_runs)
    du_each, du_rss = [w for w, _ in du_runs], max(r for _, r in du_runs)

    print()
    print(f"{'tool':52} {'files/s':>10} {'ratio':>7}")
    print(f"{'multiarch-lint (all rules, 1 process)':52} {ours:10.0f} {ours / peer:6.1f}x")
    print(f"{'dockerfile-utils validate() in-process loop':52} {peer:10.0f} {1.0:6.1f}x")
    print()
    print(f"{'one process per file (' + str(len(chosen)) + ' files)':52} {'median ms':>10} {'p95 ms':>7} {'peak RSS MiB':>13}")
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000
    print(f"{'multiarch-lint lint FILE':52} {statistics.median(ours_each) * 1000:10.1f} {q(ours_each, .95):7.1f} {ours_rss:13.1f}")
    print(f"{'dockerfile-utils lint FILE':52} {statistics.median(du_each) * 1000:10.1f} {q(du_each, .95):7.1f} {du_rss:13.1f}")
    print()
    ok_speed = ours > peer
    ok_startup = statistics.median(ours_each) < 0.010
    print(f"target: faster per file than dockerfile-utils in-process: {'met' if ok_speed else 'NOT met'}")
    print(f"target: a one-file lint process under 10 ms wall:       {'met' if ok_startup else 'NOT met'}")

if __name__ == "__main__":
    main()
