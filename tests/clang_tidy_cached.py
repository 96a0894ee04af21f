#!/usr/bin/env python3
"""clang-tidy on the project's sources, remembering the ones found clean.

usage: clang_tidy_cached.py CLANG_TIDY BUILD_DIR SOURCE...

A source is checked again unless clang-tidy already found it clean with exactly the same
input: the key hashes clang-tidy's version, .clang-tidy, the compile command and the
translation unit as the preprocessor sees it with comments kept (every header it includes,
and NOLINT comments). So the answer does not depend on git history, and a fresh clone gets
the same verdict as a warm machine; only the time differs (about 7 minutes of 2 cores cold).
The cache lives outside the tree ($MAL_TIDY_CACHE, else $XDG_CACHE_HOME or ~/.cache, under
multiarch-lint-dev/clang-tidy) as one empty file per clean key; entries unused for 30 days go.
"""
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time


def cache_dir():
    if os.environ.get("MAL_TIDY_CACHE"):
        return os.environ["MAL_TIDY_CACHE"]
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "multiarch-lint-dev", "clang-tidy")


def preprocess_command(entry):
    """The compile command, made to print the preprocessed unit with its comments."""
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "-o":
            skip = True
            continue
        if arg == "-c":
            continue
        out.append(arg)
    return out + ["-E", "-C", "-o", "-"]


def key_of(entry, common):
    unit = subprocess.run(preprocess_command(entry), cwd=entry["directory"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if unit.returncode != 0:
        return None  # cannot key it: check it
    digest = hashlib.sha256(common)
    digest.update(entry.get("command", " ".join(entry.get("arguments", []))).encode())
    digest.update(b"\0")
    digest.update(unit.stdout)
    return digest.hexdigest()


def main():
    clang_tidy, build, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
    if not sources:
        print("clang_tidy_cached: no source to check (compile_commands.json lists none of the project's)")
        return 1
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    entries = {os.path.relpath(e["file"], root): e for e in json.load(open(os.path.join(build, "compile_commands.json")))}
    version = subprocess.run([clang_tidy, "--version"], stdout=subprocess.PIPE, check=True).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as f:
        common = version + b"\0" + f.read() + b"\0"
    cache = cache_dir()
    os.makedirs(cache, exist_ok=True)
    jobs = int(os.environ.get("MAL_TIDY_JOBS", os.cpu_count() or 1))

    def check(source):
        entry = entries[source]
        key = key_of(entry, common)
        marker = os.path.join(cache, key) if key else None
        if marker and os.path.exists(marker):
            os.utime(marker)
            return source, True, True, ""
        run = subprocess.run([clang_tidy, "-p", build, "--quiet", "--warnings-as-errors=*",
                              "--extra-arg=-Wno-unknown-warning-option", source],
                             cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        # "N warnings generated" counts third-party headers' warnings, which the header
        # filter leaves out: not findings.
        output = "\n".join(line for line in run.stdout.decode(errors="replace").splitlines()
                           if not line.endswith(("warning generated.", "warnings generated.")))
        clean = run.returncode == 0
        if clean and marker:
            with open(marker, "w"):
                pass
        return source, clean, False, output

    started = time.monotonic()
    failed, cached = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for source, clean, hit, output in pool.map(check, sources):
            cached += hit
            if not clean:
                failed.append(source)
                print(output, flush=True)
    # Entries unused for 30 days: the cache stays small without a bound of its own.
    for name in os.listdir(cache):
        path = os.path.join(cache, name)
        if time.time() - os.path.getmtime(path) > 30 * 86400:
            os.remove(path)
    seconds = time.monotonic() - started
    print(f"{os.path.basename(clang_tidy)}: {len(sources) - len(failed)} of {len(sources)} files clean "
          f"({cached} known clean from {cache}, {len(sources) - cached} checked, {seconds:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
