#!/usr/bin/env bash
# ctest (opt-in, MAL_ORACLE=1): multiarch-lint's own image, built as its users build it.
#   1. the root Dockerfile lints clean with the multiarch-lint under test;
#   2. it is built for linux/amd64 and linux/arm64 with the oracle's harness (buildah, the cached
#      Debian base images, the apt archive through --network host), from a context made of the
#      tracked files plus the tree-sitter sources, as a clone after scripts/setup holds them;
#   3. `multiarch-lint scan` of the two-platform OCI layout is clean;
#   4. each image runs `multiarch-lint --version`, the arm64 one under QEMU, and lints the demo
#      with the same findings as the binary under test.
# Prints how long each part took. Exit 77 (ctest SKIP) where the builder cannot run.
#
# usage: tests/build/self_image_test.sh MULTIARCH_LINT
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "$1")
[ "${MAL_ORACLE:-}" = 1 ] || { echo "SKIP: building multiarch-lint's image takes many minutes; set MAL_ORACLE=1 to run it" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the build oracle needs root (buildah chroot isolation, binfmt_misc)" >&2; exit 77; }
"$root/tests/build/setup"
. "$root/tests/build/lib.sh"
oracle_require_binfmt
work=${ORACLE_WORK:-$root/build/oracle-test}/self-image
rm -rf "$work"; mkdir -p "$work"
phase_start=$SECONDS
phase() { echo "self-image: $1 took $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" lint --no-config "$root/Dockerfile" || fail "the root Dockerfile does not lint clean"

"$root/tests/build/base-images"
phase "base images"

# The context a clone has after scripts/setup: tracked (and new, unignored) files, and the
# tree-sitter sources as real files (here they may be a symlink to another checkout).
mkdir "$work/context"
git -C "$root" ls-files -z --cached --others --exclude-standard |
  (cd "$root" && tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$work/context"
mkdir -p "$work/context/third_party/node_modules"
for package in tree-sitter tree-sitter-bash; do
  cp -rL "$root/third_party/node_modules/$package" "$work/context/third_party/node_modules/"
done
# One timestamp for every file: buildah's step cache keys a COPY by what it copies, times
# included, so unchanged sources reuse the compile step of the last run (tens of minutes).
find "$work/context" -exec touch -h -d @0 {} +

"$root/tests/build/build-case" "$root/Dockerfile" "$work/context" "$work/multiarch-lint" | tee "$work/result.txt"
phase "the two-platform build"
for platform in "${ORACLE_PLATFORMS[@]}"; do
  grep -q "^$platform	ok	" "$work/multiarch-lint/result.tsv" ||
    fail "$platform did not build: $(grep "^$platform" "$work/multiarch-lint/result.tsv"; tail -20 "$work/multiarch-lint/${platform//\//-}.log")"
done

# scanned_platforms: the platforms a `scan -f json` report on stdin analysed, with no error.
scanned_platforms() { python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["errors"] == [] and all(i["analysed"] for i in d["inputs"]), (d["errors"], d["inputs"])
print(*[i["platform"] for i in d["images"]])'; }
scan_json=$("$bin" scan --no-config --no-cache -f json --dockerfile "$root/Dockerfile" "$work/multiarch-lint/image") ||
  fail "scan of the built image is not clean: $scan_json"
# Exit 0 alone would also be an image with one platform, or none examined.
[ "$(scanned_platforms <<<"$scan_json")" = "linux/amd64 linux/arm64" ] ||
  fail "scan did not examine both platforms of the built image: $scan_json"
phase "scan"

# The demo and its build context, with the real x86-64 ELF files the demo names.
"$root/fixtures/fetch-elf-samples" "$root/build/elf-samples" >/dev/null
cp -r "$root/fixtures/demo" "$work/demo"
cp "$root/build/elf-samples/amd64/libacl.so.1" "$work/demo/proprietary-x86-lib.so"
cp "$root/build/elf-samples/amd64/hello" "$work/demo/x86-only-installer.bin"
findings_of() { python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    print(f["rule"], f["location"].get("line"), f["message"])'; }
# lint exits 1 on the demo (it has findings): under pipefail that status must not end the script.
status=0; demo_json=$(cd "$work/demo" && "$bin" lint --no-config -f json Dockerfile) || status=$?
[ "$status" -eq 1 ] || fail "the binary under test exited $status on the demo, not 1"
expected=$(findings_of <<<"$demo_json")
[ -n "$expected" ] || fail "the binary under test finds nothing in the demo"

containers=()
cleanup() {
  for entry in "${containers[@]}"; do ORACLE_STORAGE=${entry%%|*} oracle_buildah rm "${entry#*|}" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
version=$(sed -n 's/^project(multiarch-lint VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
for platform in "${ORACLE_PLATFORMS[@]}"; do
  ORACLE_STORAGE=$(oracle_storage "$platform")
  ctr=$(oracle_buildah from --pull=never "localhost/oracle-built/oracle-multiarch-lint:${platform//\//-}")
  containers+=("$ORACLE_STORAGE|$ctr")
  in_image() { oracle_buildah run --isolation chroot -v "$work/demo:/work:ro" "$ctr" -- "$@"; }
  machine=$(in_image uname -m)
  echo "self-image: $platform runs as $machine" >&2
  case "$platform" in linux/arm64) [ "$machine" = aarch64 ] || fail "the arm64 image ran as $machine, not under QEMU" ;; esac
  reported=$(in_image multiarch-lint --version)
  [[ "$reported" == *"$version"* ]] || fail "$platform: multiarch-lint --version printed '$reported', not $version"
  status=0; got=$(in_image multiarch-lint lint --no-config -f json Dockerfile) || status=$?
  [ "$status" -eq 1 ] || fail "$platform: lint of the demo exited $status, not 1"
  [ "$(findings_of <<<"$got")" = "$expected" ] ||
    fail "$platform: the image's findings on the demo differ from the binary under test's:
$(diff <(echo "$expected") <(findings_of <<<"$got"))"
  phase "$platform: --version and the demo's lint in the image"
done
echo "self-image: both images build, scan clean, run and lint the demo as the binary under test does" >&2
