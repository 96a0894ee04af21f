#!/usr/bin/env bash
# ctest oracle.prune_policy: when tests/build/build-case drops buildah's step cache. Past
# ORACLE_STORAGE_GB it must prune before a build that will add layers, and never before a build
# the storage already made (unchanged, it adds nothing, and a prune would only make the next
# run compile again). buildah is replaced by a stub that logs its calls and fails every build
# (a failed build's steps are cached too), so this runs in a second, without root.
#
# usage: tests/build/prune_policy_test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/context"
cat >"$tmp/bin/buildah" <<'STUB'
#!/usr/bin/env bash
# Skips the global options build-case gives (--storage-driver vfs --root R --runroot R).
while [ "${1:-}" != "${1#--}" ]; do shift 2; done
echo "$*" >>"$STUB_LOG"
case $1 in
  images) [ -n "${STUB_BASE_ID:-}" ] && echo "$STUB_BASE_ID   localhost/oracle-base/debian:bookworm-amd64"; exit 0 ;;
  bud) echo "STEP 1/1: RUN false"; echo "error building at STEP \"RUN false\": exit status 1"; exit 1 ;;
esac
STUB
chmod +x "$tmp/bin/buildah"
export PATH=$tmp/bin:$PATH STUB_LOG=$tmp/calls ORACLE_CACHE=$tmp/cache STUB_BASE_ID=1111
# Any content counts as 1 GB to `du --block-size=1G`: over a bound of 0.
mkdir -p "$ORACLE_CACHE/storage-linux-amd64" && head -c 4096 /dev/urandom >"$ORACLE_CACHE/storage-linux-amd64/layer"
printf 'FROM debian:bookworm-slim\nRUN false\n' >"$tmp/a.Dockerfile"
printf 'FROM debian:bookworm-slim\nRUN true\n' >"$tmp/b.Dockerfile"
echo one >"$tmp/context/file"

failures=0
# build DOCKERFILE BOUND EXPECTED(prune|keep) WHY
build() {
  : >"$STUB_LOG"
  ORACLE_STORAGE_GB=$2 "$root/tests/build/build-case" --platforms linux/amd64 "$1" "$tmp/context" "$tmp/out" >/dev/null 2>&1
  local got=keep pruned built
  pruned=$(grep -n -m1 '^rmi --prune' "$STUB_LOG" | cut -d: -f1 || true)
  built=$(grep -n -m1 '^bud ' "$STUB_LOG" | cut -d: -f1 || true)
  [ -n "$pruned" ] && got=prune
  [ -n "$built" ] || { echo "FAIL: $4: build-case did not build"; failures=$((failures + 1)); }
  # A prune after the build would drop the steps the build just made, and free nothing for it.
  if [ -n "$pruned" ] && [ -n "$built" ] && [ "$pruned" -gt "$built" ]; then
    echo "FAIL: $4: the prune came after the build"; failures=$((failures + 1))
  fi
  if [ "$got" != "$3" ]; then echo "FAIL: $4: expected $3, got $got"; failures=$((failures + 1)); else echo "ok: $4: $got"; fi
}
build "$tmp/a.Dockerfile" 0 prune "over the bound, a build never made"
build "$tmp/a.Dockerfile" 0 keep "over the bound, the same build again"
echo two >"$tmp/context/file"
build "$tmp/a.Dockerfile" 0 prune "the context changed"
build "$tmp/a.Dockerfile" 0 keep "the changed build again"
STUB_BASE_ID=2222 build "$tmp/a.Dockerfile" 0 prune "the base image was imported again"
build "$tmp/b.Dockerfile" 12 keep "under the bound, a build never made"
build "$tmp/b.Dockerfile" 0 keep "over the bound, a build made under it"
build "$tmp/a.Dockerfile" 0 prune "a build whose steps the last prune dropped"
exit $((failures > 0))
