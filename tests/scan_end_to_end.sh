#!/usr/bin/env bash
# `multiarch-lint scan` as a user runs it, on the image fixtures: exit codes, a one-line
# error for a damaged image beside a readable one, --platform filtering, and SARIF that
# Microsoft's Multitool validates.
set -euo pipefail
bin=$1; images=$2; tools=$3
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache  # the per-layer cache, kept out of the user's home

good=$("$bin" scan -f json "$images/good") || fail "good image did not exit 0"
# Clean because it was read and judged: both platforms analysed, every layer read, no finding.
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["findings"] == [], d["findings"]
assert all(i["analysed"] for i in d["inputs"]) and not d.get("errors"), d["inputs"]
assert sorted(i["platform"] for i in d["images"]) == ["linux/amd64", "linux/arm64"], d["images"]' <<<"$good" ||
  fail "the good image is not clean for the right reason: $good"
set +e
"$bin" scan "$images/foreign-so" >/dev/null; code=$?
err=$("$bin" scan "$images/corrupt-gzip" "$images/good" 2>&1 >/dev/null); damaged=$?
out=$("$bin" scan --platform linux/arm64 -f json "$images/good"); filtered=$?
set -e
[ "$code" -eq 1 ] || fail "foreign-so exit $code, expected 1"
[ "$damaged" -eq 2 ] || fail "damaged image exit $damaged, expected 2"
[ "$(wc -l <<<"$err")" -eq 1 ] || fail "expected one error line, got: $err"
grep -q "corrupt gzip data" <<<"$err" || fail "error text: $err"
[ "$filtered" -eq 0 ] || fail "--platform exit $filtered"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [i["platform"] for i in d["images"]] == ["linux/arm64"], d["images"]' <<<"$out" ||
  fail "--platform linux/arm64 scanned other platforms"

# SARIF that Microsoft's Multitool validates: located on the Dockerfile, on the image alone, and for an index.
"$bin" scan -f sarif -o "$work/scan.sarif" --dockerfile "$root/fixtures/images/foreign-so.Dockerfile" "$images/foreign-so" || true
"$bin" scan -f sarif -o "$work/image.sarif" "$images/foreign-so" || true
"$bin" manifest -f sarif -o "$work/index.sarif" "$images/index-missing-platform" || true
for sarif in scan image index; do
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" validate \
    "$work/$sarif.sarif" --output "$work/v.sarif" --log ForceOverwrite --level Error Warning >/dev/null
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/v.sarif")
  [ "$count" -eq 0 ] || fail "$sarif SARIF: $count validation errors/warnings"
done
# manifest: the platform table, findings per defect, exit codes.
table=$("$bin" manifest "$images/good") || fail "manifest of the good image did not exit 0"
# Both platforms, their two attestations, and no finding.
grep -qE '^  linux/amd64 +sha256:' <<<"$table" && grep -qE '^  linux/arm64 +sha256:' <<<"$table" &&
  [ "$(grep -c '(attestation)$' <<<"$table")" -eq 2 ] && grep -qx 'no findings in 1 image' <<<"$table" ||
  fail "manifest table: $table"
set +e
fake_out=$("$bin" manifest "$images/index-fake-multi-arch"); fake=$?
"$bin" manifest "$images/does-not-exist" 2>/dev/null; missing=$?
set -e
[ "$fake" -eq 1 ] || fail "fake multi-arch exit $fake"
grep -q '\[linux/arm64\]: error: /manifests/1 (linux/arm64) has the same layers as /manifests/0 (linux/amd64).*\[MA309 identical-platform-images\]$' \
  <<<"$fake_out" || fail "fake multi-arch: no MA309 naming both manifests: $fake_out"
[ "$missing" -eq 2 ] || fail "missing input exit $missing"
# An input that cannot be opened gets no index findings (it was not checked), only its error.
set +e
out=$("$bin" manifest -f json ./does-not-exist 2>/dev/null)
set -e
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["findings"] == [] and d["errors"], d' <<<"$out" ||
  fail "an unopened input got findings: $out"

# scan and manifest read the configuration lint reads (.multiarch-lint.yaml in the working
# directory): platforms:, ignore:, severity: and failure-threshold:, and --no-config skips it.
mkdir "$work/project"
cd "$work/project"
printf 'ignore: [MA201]\n' >.multiarch-lint.yaml
set +e
ignored=$("$bin" scan -f json "$images/foreign-so"); ignored_code=$?
unconfigured=$("$bin" scan --no-config -f json "$images/foreign-so"); unconfigured_code=$?
set -e
python3 -c 'import json,sys; d=json.load(sys.stdin); assert not [f for f in d["findings"] if f["rule"] == "MA201"], d["findings"]' \
  <<<"$ignored" || fail "scan ignored the configuration's ignore: [MA201]"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [f for f in d["findings"] if f["rule"] == "MA201"], d["findings"]' \
  <<<"$unconfigured" || fail "scan --no-config still read the configuration"
[ "$unconfigured_code" -eq 1 ] || fail "scan --no-config of foreign-so: exit $unconfigured_code"
printf 'severity:\n  foreign-arch-binary: info\n' >.multiarch-lint.yaml
set +e
demoted=$("$bin" scan -f json "$images/foreign-so"); demoted_code=$?
set -e
python3 -c '
import json, sys
d = json.load(sys.stdin)
ma201 = [f["severity"] for f in d["findings"] if f["rule"] == "MA201"]
assert ma201 and set(ma201) == {"info"}, d["findings"]' <<<"$demoted" || fail "scan ignored severity: in the configuration"
[ "$demoted_code" -eq "$ignored_code" ] || fail "MA201 as info: exit $demoted_code, ignored: exit $ignored_code"
printf 'platforms: [linux/arm64]\n' >.multiarch-lint.yaml
out=$("$bin" scan -f json "$images/good") || fail "scan of good with platforms: [linux/arm64]"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [i["platform"] for i in d["images"]] == ["linux/arm64"], d["images"]' <<<"$out" ||
  fail "scan ignored platforms: in the configuration"
printf 'platforms: [linux/amd64, linux/arm64, linux/s390x]\n' >.multiarch-lint.yaml
set +e
out=$("$bin" manifest -f json "$images/good"); required=$?
set -e
[ "$required" -eq 1 ] || fail "manifest with linux/s390x required: exit $required"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [f["rule"] for f in d["findings"]] == ["MA301"] and "linux/s390x" in d["findings"][0]["message"], d["findings"]' \
  <<<"$out" || fail "manifest ignored platforms: in the configuration: $out"
printf 'ignore: [MA301]\nplatforms: [linux/amd64, linux/arm64, linux/s390x]\n' >.multiarch-lint.yaml
out=$("$bin" manifest -f json "$images/good") || fail "manifest ignored ignore: [MA301] in the configuration: $out"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["findings"] == [] and d["inputs"][0]["analysed"], d' <<<"$out" ||
  fail "manifest with ignore: [MA301]: $out"
cd "$root"

# The second scan of the same image takes every layer from the cache.
"$bin" scan -f json "$images/good" >/dev/null
again=$("$bin" scan -f json "$images/good")
python3 -c 'import json,sys; i=json.load(sys.stdin)["inputs"][0]; assert i["layersRead"] == 0 and i["layersFromCache"] == 4, i' <<<"$again" ||
  fail "the second scan read layers again"
echo "1 passed, 0 failed"
