#!/usr/bin/env python3
"""Scan benchmark: multiarch-lint scan beside `gzip -dc` (the floor every tar-based peer
stands on) and `tar -xzf` + `scanelf -R` (pax-utils), on the same layers, in one run."""
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def measure(cmd, **kw):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one process tree's main process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def best(cmd, runs=3, **kw):
    results = [measure(cmd, **kw) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def main():
    binary, work = sys.argv[1], sys.argv[2]
    layer = glob.glob(os.path.join(work, "image-amd64/blobs/sha256/*"))
    layer = max(layer, key=os.path.getsize)
    layers = [max(glob.glob(os.path.join(work, f"image-two-platforms/blobs/sha256/*")), key=os.path.getsize)]
    two = sorted(glob.glob(os.path.join(work, "image-two-platforms/blobs/sha256/*")), key=os.path.getsize)[-2:]
    size = os.path.getsize(layer) / 1e6
    tar_size = int(subprocess.run(f"gzip -dc {layer} | wc -c", shell=True, capture_output=True, text=True).stdout) / 1e6
    cache = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CACHE_HOME=cache)

    rows = []
    g = best(["sh", "-c", f"gzip -dc {layer} > /dev/null"])
    rows.append(("gzip -dc (one layer)", g))

    def tar_scanelf(paths):
        d = tempfile.mkdtemp()
        script = " && ".join(f"mkdir -p {d}/{i} && tar -xzf {p} -C {d}/{i}" for i, p in enumerate(paths))
        script += f" && scanelf -R -q -F '%a %F' {d} > /dev/null"
        try:
            return best(["sh", "-c", script], runs=2)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    t1 = tar_scanelf([layer])
    rows.append(("tar -xzf + scanelf -R (one layer)", t1))
    ours1 = best([binary, "scan", "--no-cache", "-f", "json", "-o", os.devnull, os.path.join(work, "image-amd64")], env=env)
    rows.append(("multiarch-lint scan (one layer)", ours1))
    t2 = tar_scanelf(two)
    rows.append(("tar -xzf + scanelf -R (two layers)", t2))
    ours2 = best([binary, "scan", "--no-cache", "-f", "json", "-o", os.devnull, os.path.join(work, "image-two-platforms")], env=env)
    rows.append(("multiarch-lint scan (two platforms)", ours2))
    subprocess.run([binary, "scan", "-f", "json", "-o", os.devnull, os.path.join(work, "image-two-platforms")], env=env)
    warm = best([binary, "scan", "-f", "json", "-o", os.devnull, os.path.join(work, "image-two-platforms")], env=env)
    rows.append(("multiarch-lint scan (two platforms, warm cache)", warm))

    report = json.loads(subprocess.run([binary, "scan", "--no-cache", "-f", "json", os.path.join(work, "image-two-platforms")],
                                       capture_output=True, text=True, env=env).stdout)
    shutil.rmtree(cache, ignore_errors=True)

    print(f"layer: {size:.1f} MB gzip, {tar_size:.1f} MB tar; image: two such layers (amd64, arm64)")
    for image in report.get("images", []):
        print(f"  {image['platform']}: {image['files']} files, ELF {image['elf']}")
    print(f"  findings on the debootstrap image: {len(report['findings'])} (expected: none)")
    print()
    print(f"{'':52} {'wall s':>8} {'cpu s':>8} {'peak RSS MiB':>13}")
    for name, (wall, cpu, rss) in rows:
        print(f"{name:52} {wall:8.2f} {cpu:8.2f} {rss:13.1f}")
    print()
    print(f"one layer vs gzip -dc:               {g[0] / ours1[0]:.2f}x the throughput (target >= 1.5x)")
    print(f"two platforms vs tar + scanelf:      {t2[0] / ours2[0]:.2f}x faster (target >= 3x)")
    print(f"peak RSS:                            {max(ours1[2], ours2[2]):.1f} MiB (target <= 128 MiB)")
    print(f"warm cache vs cold:                  {ours2[0] / warm[0]:.1f}x faster")


if __name__ == "__main__":
    main()
