#!/usr/bin/env bash
# Validates our SARIF with Microsoft's SARIF Multitool: zero errors and zero warnings,
# on the demo (findings) and on a clean file (no results).
set -euo pipefail
bin=$1
tools=$2
root=$(cd "$(dirname "$0")/.." && pwd)
multitool=$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -x "$multitool" ] || { echo "FAIL: $multitool missing (run tools/install-test-tools)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$root"
"$bin" lint --no-config -f sarif -o "$work/demo.sarif" fixtures/demo/Dockerfile fixtures/rules || true
"$bin" lint --no-config -f sarif -o "$work/clean.sarif" fixtures/demo/Dockerfile.fixed
# From a subdirectory: URIs relative to the repository root, the working directory beside.
(cd fixtures && "$bin" lint --no-config -f sarif -o "$work/subdir.sarif" demo/Dockerfile || true)
# Over GitHub's 25,000 results per run: the most severe kept, a notification says so.
{ echo "FROM debian"; for i in $(seq 1 25010); do echo "RUN curl -O https://example.com/linux/amd64/tool$i"; done; } >"$work/Dockerfile"
"$bin" lint --no-config --no-context -f sarif -o "$work/truncated.sarif" "$work/Dockerfile" || true
# The demo's results are the findings of the same run in JSON, rule and position; the clean file has none.
"$bin" lint --no-config -f json -o "$work/demo.json" fixtures/demo/Dockerfile fixtures/rules || true
python3 - "$work/truncated.sarif" "$work/subdir.sarif" "$work/demo.sarif" "$work/demo.json" "$work/clean.sarif" <<'PY'
import json, sys
sarif = json.load(open(sys.argv[3]))["runs"][0]["results"]
position = lambda r: r["locations"][0]["physicalLocation"]["region"]
got = sorted((r["ruleId"], position(r)["startLine"], position(r)["startColumn"]) for r in sarif)
want = sorted((f["rule"], f["location"]["line"], f["location"]["column"]) for f in json.load(open(sys.argv[4]))["findings"])
assert got and got == want, (got[:5], want[:5])
assert json.load(open(sys.argv[5]))["runs"][0]["results"] == [], "the fixed demo has results"
run = json.load(open(sys.argv[1]))["runs"][0]
assert len(run["results"]) == 25000, len(run["results"])
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any("25000 most severe of 25010" in n["message"]["text"] for n in notes), notes
run = json.load(open(sys.argv[2]))["runs"][0]
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
assert uris == {"fixtures/demo/Dockerfile"}, uris
PY
# (The truncated file, 35 MB, is checked above but not by the Multitool: it validates it
# cleanly with --max-file-size-in-kb, but takes 40 s of CPU to.)
for f in demo clean subdir; do
  "$multitool" validate "$work/$f.sarif" --output "$work/$f.validation.sarif" --log ForceOverwrite --level Error Warning >/dev/null
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/$f.validation.sarif")
  if [ "$count" -ne 0 ]; then
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["runs"][0]["results"]: print(r["level"], r["ruleId"], r["message"])' "$work/$f.validation.sarif" >&2
    echo "FAIL: $f.sarif: $count validation errors/warnings" >&2; exit 1
  fi
  results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/$f.sarif")
  echo "$f.sarif: valid SARIF 2.1.0 with $results results"
done
echo "1 passed, 0 failed"
