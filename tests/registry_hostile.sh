#!/usr/bin/env bash
# multiarch-lint against a registry that misbehaves (tests/registry/hostile_registry.py,
# started here and stopped by PID): every bad answer ends in bounded time with a one-line
# error and exit 2, and nothing unchecked is reported clean. The bearer-token flow is
# checked here too, against the same server's token endpoint.
#
# Usage: registry_hostile.sh MULTIARCH_LINT IMAGE_FIXTURES
set -euo pipefail
bin=$1; images=$2
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server_test_lib.sh
source "$root/tests/server_test_lib.sh"
export XDG_CACHE_HOME=$work/cache DOCKER_CONFIG=$work/docker

start_server "the hostile registry" "$work/server.log" "$work/port" \
  python3 "$root/tests/registry/hostile_registry.py" "$images/good" "$work/port"
host=127.0.0.1:$server_port

# expect_error SCENARIO COMMAND PATTERN MAX_SECONDS: exit 2, one error line matching PATTERN, in time.
expect_error() {
  local scenario=$1 command=$2 pattern=$3 limit=$4 start code out err
  start=$(now)
  set +e
  out=$("$bin" "$command" --no-cache --registry-timeout 2 -f json "$host/$scenario/img:1" 2>"$work/err"); code=$?
  set -e
  within "$start" "$limit" || fail "$scenario took $(seconds_since "$start") s (limit $limit s)"
  err=$(cat "$work/err")
  [ "$code" -eq 2 ] || fail "$scenario: exit $code, expected 2 ($err)"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$scenario: expected one error line, got: $err"
  grep -q -- "$pattern" <<<"$err" || fail "$scenario: error does not say '$pattern': $err"
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert not d["inputs"][0]["analysed"] and d["errors"], d' <<<"$out" ||
    fail "$scenario: reported as analysed"
  echo "ok: $scenario: $err"
}

# The bearer flow, anonymous: 401 with a challenge, a token from the realm, then the image.
"$bin" scan --no-cache -f json "$host/token/img:1" >"$work/token.json" || fail "token flow: $(cat "$work/token.json")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["inputs"][0]["layersRead"] == 4, d["inputs"]' "$work/token.json" ||
  fail "token flow: layers not read"
grep -q '"GET /token?service=hostile&scope=repository%3Atoken%2Fimg%3Apull' "$work/server.log" || fail "no token was asked for"
# Layers redirected to blob storage are followed (and still verified).
json=$("$bin" scan --no-cache -f json "$host/redirected/img:1") || fail "redirected layers: $json"
python3 -c 'import json,sys; i=json.load(sys.stdin)["inputs"][0]; assert i["layersRead"] == 4, i' <<<"$json" ||
  fail "redirected layers were not read"
grep -q '"GET /storage/sha256:' "$work/server.log" || fail "the redirect was not followed"
# Redirected to another host, the registry's token is not sent along (blob storage would
# refuse it, and it is not theirs to see).
json=$("$bin" scan --no-cache -f json "$host/token-redirected/img:1") || fail "token and redirect: $json"
python3 -c 'import json,sys; i=json.load(sys.stdin)["inputs"][0]; assert i["layersRead"] == 4, i' <<<"$json" ||
  fail "layers behind a token and a redirect were not read"
grep -q '"GET /foreign-storage/sha256:[0-9a-f]* HTTP/1.1" 200' "$work/server.log" || fail "the foreign storage was not used"
# 429 once with Retry-After: 1, then fine: the answer waits a second and succeeds.
start=$(now)
json=$("$bin" manifest --no-cache -f json "$host/ratelimited/img:1") || fail "a single 429 was not retried: $json"
! within "$start" 1 || fail "Retry-After: 1 was not honoured"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert sorted(m["platform"] for m in d["manifests"] if not m["attestation"]) == ["linux/amd64", "linux/arm64"], d["manifests"]
assert d["registry"]["retries"] == 1 and d["findings"] == [], (d["registry"], d["findings"])' <<<"$json" ||
  fail "after the 429 the index was not read: $json"
awk -v asked='"GET /v2/ratelimited/img/manifests/1 HTTP/1.1"' 'index($0, asked " 429") {refused = 1}
  refused && index($0, asked " 200") {answered = 1} END {exit !answered}' "$work/server.log" ||
  fail "the request refused with 429 was not asked again and answered"

expect_error truncated scan "layer sha256:.*transfer closed" 20
expect_error wrong-digest scan "does not match its digest" 20
expect_error ratelimited-forever manifest "HTTP 429 after 3 attempts" 10
expect_error retry-after-huge manifest "retry after 3600 s" 5
expect_error slow manifest "too slow\|timed out" 20
expect_error redirect-loop scan "redirects" 20
expect_error oversized manifest "over the 4194304-byte limit" 10
expect_error oversized-stream manifest "over the 4194304-byte limit" 10
echo "1 passed, 0 failed"
