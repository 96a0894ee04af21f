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
"$bin" lint --no-config --no-context fixtures/demo/Dockerfile.fixed >/dev/null || fail "fixed demo did not exit 0"

set +e
err=$("$bin" lint --no-config does-not-exist fixtures/demo/Dockerfile 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "missing input exit $code, expected 2"
[ "$(wc -l <<<"$err")" -eq 1 ] || fail "expected a one-line error, got: $err"
grep -q "^multiarch-lint: does-not-exist: cannot read: No such file or directory$" <<<"$err" || fail "error text: $err"

set +e
"$bin" lint --no-config - < fixtures/demo/Dockerfile >/dev/null; code=$?
set -e
[ "$code" -eq 1 ] || fail "stdin exit $code"

"$bin" parse --format buildkit ../shared/corpora/buildkit-parser/testfiles/flags/Dockerfile |
  cmp -s - ../shared/corpora/buildkit-parser/testfiles/flags/result || fail "parse --format buildkit differs"
"$bin" rules MA110 | grep -q '^MA110 arch-specific-download' || fail "rules MA110"
set +e
"$bin" lint --bogus-flag >/dev/null 2>&1; code=$?
set -e
[ "$code" -eq 2 ] || fail "usage error exit $code, expected 2"
echo "1 passed, 0 failed"
