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
for f in demo clean; do
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
