#!/usr/bin/env bash
# Declared platforms, as a user meets them: lint run from a repository's root (no .git)
# with relative paths picks up the file name and the bake file, says so, and --platform
# still wins; a malformed declaration file changes nothing.
set -euo pipefail
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Each file downloads one architecture's kubectl: right for its declared platform only.
printf 'FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/arm64/kubectl\n' > Dockerfile.aarch64
mkdir -p svc
printf 'FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n' > svc/Dockerfile
cat > docker-bake.hcl <<'HCL'
variable "PLATFORM" { default = "linux/amd64" }
target "svc" {
  context   = "svc"
  platforms = ["${PLATFORM}"]
}
HCL
printf 'services: [\n  {{{\n' > compose.yaml  # malformed: ignored

set +e
out=$("$bin" lint --no-config Dockerfile.aarch64 svc/Dockerfile 2>&1); code=$?
set -e
[ "$code" -eq 0 ] || fail "declared platforms: exit $code, expected 0: $out"
grep -qx 'Dockerfile.aarch64: targets linux/arm64 (from the file name)' <<<"$out" || fail "file name header: $out"
grep -qx 'svc/Dockerfile: targets linux/amd64 (from docker-bake.hcl target "svc")' <<<"$out" || fail "bake header: $out"

set +e
out=$("$bin" lint --no-config --platform linux/amd64,linux/arm64 Dockerfile.aarch64 svc/Dockerfile); code=$?
set -e
[ "$code" -eq 1 ] || fail "--platform: exit $code, expected 1"
! grep -q 'targets' <<<"$out" || fail "--platform still printed a declaration header"
grep -q '^Dockerfile.aarch64:2:48: error: .*breaks linux/amd64 \[MA110 ' <<<"$out" || fail "--platform: no MA110 for amd64 in Dockerfile.aarch64: $out"
grep -q '^svc/Dockerfile:2:48: error: .*breaks linux/arm64 \[MA110 ' <<<"$out" || fail "--platform: no MA110 for arm64 in svc/Dockerfile: $out"

printf 'platforms: [linux/s390x]\n' > .multiarch-lint.yaml
set +e
out=$("$bin" lint svc/Dockerfile); code=$?
set -e
[ "$code" -eq 1 ] || fail "configuration platforms: exit $code, expected 1"
# The configuration's platform wins over the bake file's amd64: the amd64 download breaks s390x.
grep -q '^svc/Dockerfile:2:48: error: .*breaks linux/s390x \[MA110 ' <<<"$out" || fail "configuration platforms: $out"
rm .multiarch-lint.yaml

json=$("$bin" lint --no-config --format json Dockerfile.aarch64 svc/Dockerfile)
python3 -c 'import json, sys
report = json.load(sys.stdin)
assert report["inputs"] == [
    {"path": "Dockerfile.aarch64", "analysed": True, "platforms": ["linux/arm64"], "platformsSource": "the file name"},
    {"path": "svc/Dockerfile", "analysed": True, "platforms": ["linux/amd64"],
     "platformsSource": "docker-bake.hcl target \"svc\""}], report["inputs"]
assert report["findings"] == [] and report["errors"] == [], report' <<<"$json" || fail "JSON inputs: $json"
sarif=$("$bin" lint --no-config --format sarif Dockerfile.aarch64)
python3 -c 'import json, sys
got = json.load(sys.stdin)["runs"][0]["properties"]["targetPlatforms"]
assert got == [{"path": "Dockerfile.aarch64", "platforms": ["linux/arm64"], "source": "the file name"}], got' <<<"$sarif" ||
  fail "SARIF targetPlatforms property: $sarif"

# A Dockerfile nothing declares keeps the default and prints no header.
mkdir -p other
printf 'FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n' > other/Dockerfile
set +e
out=$("$bin" lint --no-config other/Dockerfile); code=$?
set -e
[ "$code" -eq 1 ] || fail "default platforms: exit $code, expected 1"
! grep -q 'targets' <<<"$out" || fail "default platforms printed a header: $out"
# The default pair: the amd64 download breaks linux/arm64.
grep -q '^other/Dockerfile:2:48: error: .*breaks linux/arm64 \[MA110 ' <<<"$out" || fail "default platforms: $out"

# The verdict is the file's, not the command line's: a checkout under a directory named for an
# architecture (`aarch64-work/`) is not a cross-toolchain image's path. The same file, named
# from its repository and through that parent, gets the same findings.
mkdir -p aarch64-work/tool/.git
printf 'FROM debian\nRUN apt-get install -y gcc-aarch64-linux-gnu\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/arm64/kubectl\n' \
  > aarch64-work/tool/Dockerfile
set +e
inside=$(cd aarch64-work/tool && "$bin" lint --no-config --format json Dockerfile); code=$?
through=$("$bin" lint --no-config --format json "$work/aarch64-work/tool/Dockerfile")
set -e
[ "$code" -eq 1 ] || fail "path invariance: exit $code, expected 1: $inside"
python3 -c 'import json, sys
rules = [sorted((f["rule"], f["location"]["line"]) for f in json.loads(text)["findings"]) for text in sys.argv[1:]]
assert rules[0] == rules[1] and ("MA110", 3) in rules[0], rules' "$inside" "$through" ||
  fail "path invariance: findings differ by the path given: $inside / $through"
echo "1 passed, 0 failed"
