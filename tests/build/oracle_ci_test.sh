#!/usr/bin/env bash
# ctest oracle.ci_subset, run by default (scripts/test, CI): the build oracle's CI tier. Builds
# the cases of bench/oracle/ci-cases for linux/amd64 and linux/arm64 (arm64 steps under QEMU) on
# busybox base images made in seconds from Debian's busybox-static, and fails on any
# disagreement between lint, the real build and scan that no disagreement.md explains.
# Exit 77 (ctest SKIP) with the reason where this machine cannot run the builder: not root,
# binfmt_misc refused, or buildah unable to run a step; never a silent pass.
#
# usage: tests/build/oracle_ci_test.sh MULTIARCH_LINT
# env:   ORACLE_CI_CACHE (default $ORACLE_CACHE/ci: the tier's images and step cache, apart from
#        the Debian subset's large storage; see bench/oracle/run --ci), ORACLE_WORK
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the build oracle needs root (buildah chroot isolation, binfmt_misc)" >&2; exit 77; }
"$root/tests/build/setup" --builder
start=$SECONDS
status=0
ORACLE_WORK=${ORACLE_WORK:-$root/build/oracle-ci} "$root/bench/oracle/run" --ci --bin "$1" || status=$?
echo "oracle.ci_subset: $((SECONDS - start)) s" >&2
exit "$status"
