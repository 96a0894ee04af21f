#!/usr/bin/env bash
# The real binary, as a user runs it: the demo and its fixed twin, exit codes, stdin,
# a missing file beside a readable one, and the one-line error.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
out=$("$bin" lint --no-config --no-context fixtures/demo/Dockerfile); code=$?
set -e
[ "$code" -eq 1 ] || fail "demo exit $code, expected 1"
grep -q '^fixtures/demo/Dockerfile:21:63: error: .*\[MA110 arch-specific-download\]$' <<<"$out" || fail "no MA110 at 21:63"
grep -q '^fixtures/demo/Dockerfile:13:6: warning: .*\[MA150 prebuilt-binary-copied\]$' <<<"$out" || fail "no MA150 at 13:6"
# Every finding of a JSON report, one line each: rule, position, message.
findings() { python3 -c 'import json,sys; [print(f["rule"], f["location"].get("line"), f["location"].get("column"), f["message"]) for f in json.load(sys.stdin)["findings"]]'; }
fixed=$("$bin" lint --no-config --no-context -f json fixtures/demo/Dockerfile.fixed) || fail "fixed demo did not exit 0"
[ -z "$(findings <<<"$fixed")" ] || fail "fixed demo: not even an info finding expected: $fixed"

set +e
err=$("$bin" lint --no-config does-not-exist fixtures/demo/Dockerfile 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "missing input exit $code, expected 2"
[ "$(wc -l <<<"$err")" -eq 1 ] || fail "expected a one-line error, got: $err"
grep -q "^multiarch-lint: does-not-exist: cannot read: No such file or directory$" <<<"$err" || fail "error text: $err"

# stdin: the same findings as the file gives (no build context either way).
set +e
from_stdin=$("$bin" lint --no-config --platform linux/amd64,linux/arm64 -f json - <fixtures/demo/Dockerfile); code=$?
from_file=$("$bin" lint --no-config --no-context --platform linux/amd64,linux/arm64 -f json fixtures/demo/Dockerfile)
set -e
[ "$code" -eq 1 ] || fail "stdin exit $code"
[ -n "$(findings <<<"$from_file")" ] && [ "$(findings <<<"$from_stdin")" = "$(findings <<<"$from_file")" ] ||
  fail "stdin: findings differ from the file's: $from_stdin"

"$bin" parse --format buildkit ../shared/corpora/buildkit-parser/testfiles/flags/Dockerfile |
  cmp -s - ../shared/corpora/buildkit-parser/testfiles/flags/result || fail "parse --format buildkit differs"
# Whole output first: `grep -q` stops reading at the first match, and a closed pipe is an
# error the tool reports (exit 2), which pipefail would take for this check failing.
rules_text=$("$bin" rules MA110)
grep -q '^MA110 arch-specific-download' <<<"$rules_text" || fail "rules MA110"
set +e
err=$("$bin" lint --bogus-flag 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] && grep -q -- "--bogus-flag" <<<"$err" || fail "usage error: exit $code, expected 2 naming the flag: $err"
echo "1 passed, 0 failed"
