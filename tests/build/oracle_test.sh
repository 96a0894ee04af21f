#!/usr/bin/env bash
# ctest: the build oracle's fast subset. Installs the builder (tests/build/setup), makes or
# reuses the cached base images, builds each case for linux/amd64 and linux/arm64, and fails on
# any disagreement between lint, the real build and scan that no disagreement.md explains.
# Exit 77 (ctest SKIP) when this machine cannot run the builder: not root, or binfmt refused.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# Opt-in: real QEMU builds take about 5 minutes on a machine that ran them before and about
# 50 on a new one (cold mmdebstrap of the arm64 bases); CI runs the rest of the suite without it.
[ "${MAL_ORACLE:-}" = 1 ] || { echo "SKIP: the build oracle runs real multi-platform builds; set MAL_ORACLE=1 to run it (bench/oracle/run prints the whole table)" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the build oracle needs root (buildah chroot isolation, binfmt_misc)" >&2; exit 77; }
"$root/tests/build/setup"
ORACLE_WORK=${ORACLE_WORK:-$root/build/oracle-test} exec "$root/bench/oracle/run" --fast --bin "$1"
