#!/usr/bin/env python3
"""Registry benchmark: multiarch-lint against a local registry beside skopeo, in one run.

scan REF streams each layer from the socket through the digest check and decompression
into the layer walker; the way without it is `skopeo copy` to a directory, then a scan
of that directory. manifest REF reads the index, every manifest and every config (to
check them against each other); skopeo inspect --raw reads the index only, and
skopeo inspect reads one platform's manifest and config."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scan"))
from run_bench import best  # noqa: E402  (the same timing as the scan benchmark)


def main():
    binary, ref, layout = sys.argv[1:4]
    cache = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    insecure = ["--src-tls-verify=false"]
    rows = []

    rows.append(("skopeo inspect --raw (the index)", best(["skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref], runs=5)))
    rows.append(("skopeo inspect (one manifest + config)", best(["skopeo", "inspect", "--tls-verify=false", "docker://" + ref], runs=5)))
    manifest = best([binary, "manifest", "--no-cache", "-f", "json", "-o", os.devnull, ref], runs=5, env=env)
    rows.append(("multiarch-lint manifest (index, manifests, configs)", manifest))

    copy_dir = tempfile.mkdtemp()

    def copy_then_scan():
        shutil.rmtree(copy_dir, ignore_errors=True)
        copy = best(["skopeo", "copy", "--quiet", "--all"] + insecure + ["docker://" + ref, "oci:" + copy_dir + ":x"], runs=1)
        scan = best([binary, "scan", "--no-cache", "-f", "json", "-o", os.devnull, copy_dir], runs=1, env=env)
        return copy, scan

    results = [copy_then_scan() for _ in range(2)]
    copy, scan_local = min(results, key=lambda r: r[0][0] + r[1][0])
    rows.append(("skopeo copy --all to a directory", copy))
    rows.append(("  then multiarch-lint scan of that directory", scan_local))
    both = (copy[0] + scan_local[0], copy[1] + scan_local[1], max(copy[2], scan_local[2]))
    rows.append(("  together", both))
    remote = best([binary, "scan", "--no-cache", "-f", "json", "-o", os.devnull, ref], runs=3, env=env)
    rows.append(("multiarch-lint scan REF (streamed)", remote))
    subprocess.run([binary, "scan", "-f", "json", "-o", os.devnull, ref], env=env, check=False)
    warm = best([binary, "scan", "-f", "json", "-o", os.devnull, ref], runs=3, env=env)
    rows.append(("multiarch-lint scan REF (warm cache)", warm))

    report = json.loads(subprocess.run([binary, "scan", "--no-cache", "-f", "json", ref], capture_output=True, text=True,
                                       env=env).stdout)
    local = json.loads(subprocess.run([binary, "scan", "--no-cache", "-f", "json", layout], capture_output=True, text=True,
                                      env=env).stdout)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(copy_dir, ignore_errors=True)

    size = sum(os.path.getsize(os.path.join(layout, "blobs", "sha256", b)) for b in os.listdir(os.path.join(layout, "blobs", "sha256")))
    print(f"image: {ref}, two platforms (amd64, arm64), {size / 1e6:.1f} MB of blobs; registry on 127.0.0.1")
    print(f"  registry requests for one cold scan: {report.get('registry')}")
    print(f"  findings from the registry: {len(report['findings'])}, from the layout: {len(local['findings'])} (expected: equal, none)")
    print()
    print(f"{'':56} {'wall s':>8} {'cpu s':>8} {'peak RSS MiB':>13}")
    for name, (wall, cpu, rss) in rows:
        print(f"{name:56} {wall:8.2f} {cpu:8.2f} {rss:13.1f}")
    print()
    print(f"scan REF vs skopeo copy + scan:      {both[0] / remote[0]:.2f}x faster, no temporary copy on disk")
    print(f"scan REF peak RSS:                   {remote[2]:.1f} MiB")
    print(f"warm cache vs cold:                  {remote[0] / warm[0]:.1f}x faster")
    print(f"manifest vs skopeo inspect:          {rows[1][1][0] / manifest[0]:.2f}x the speed, checking every platform's config")


if __name__ == "__main__":
    main()
