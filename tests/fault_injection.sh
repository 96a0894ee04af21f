#!/usr/bin/env bash
# Fault injection: a layer worker, a registry worker and a download-probe worker throw what
# they never should (std::bad_alloc, std::logic_error) in multiarch-lint-faults, the
# binary built with tests/fault_injection_main.cpp. Each run must end in exit 2 with one
# error line that names the input, report the input as not analysed, and never say clean.
#
# Usage: fault_injection.sh MULTIARCH_LINT_FAULTS IMAGE_FIXTURES
set -euo pipefail
bin=$1; images=$2
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server_test_lib.sh
source "$root/tests/server_test_lib.sh"
export XDG_CACHE_HOME=$work/cache DOCKER_CONFIG=$work/docker HOME=$work/home

# expect_failure NAME FAULT INPUT_NAME COMMAND...: exit 2, one stderr line naming INPUT_NAME,
# the JSON report's input not analysed, and no "clean" anywhere.
expect_failure() {
  local name=$1 fault=$2 input=$3 code
  shift 3
  set +e
  MAL_INJECT_FAULT=$fault "$@" -f json >"$work/out" 2>"$work/err"; code=$?
  set -e
  [ "$code" -eq 2 ] || fail "$name: exit $code, expected 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$name: expected one error line, got: $(cat "$work/err")"
  grep -qF -- "$input" "$work/err" || fail "$name: the error does not name $input: $(cat "$work/err")"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["inputs"][0]; assert not i["analysed"] and d["errors"], d' \
    "$work/out" || fail "$name: the input is reported as analysed: $(cat "$work/out")"
  ! grep -qi clean "$work/out" "$work/err" || fail "$name: says clean"
  echo "ok: $name: $(cat "$work/err")"
}

# expect_clean_scan NAME INPUT: without a fault, the same binary scans INPUT: exit 0, both
# platforms analysed, no finding, no error (so the failures below are the injected ones).
expect_clean_scan() {
  MAL_INJECT_FAULT='' "$bin" scan --no-cache -f json "$2" >"$work/out" || fail "$1 does not scan clean without a fault"
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["inputs"][0]["analysed"] and d["errors"] == [] and d["findings"] == [], d
assert [i["platform"] for i in d["images"]] == ["linux/amd64", "linux/arm64"], d["images"]' "$work/out" ||
    fail "$1 without a fault: $(cat "$work/out")"
}
expect_clean_scan "the good image" "$images/good"
for kind in bad_alloc logic_error; do
  expect_failure "layer worker, $kind" "layer:$kind" "$images/good" "$bin" scan --no-cache "$images/good"
  # One worker per layer and per core, and one thread: the same answer either way.
  expect_failure "layer worker (one thread), $kind" "layer:$kind" "$images/good" "$bin" scan --no-cache --jobs 1 "$images/good"
done

start_server "the stand-in registry" "$work/server.log" "$work/port" \
  python3 "$root/tests/registry/hostile_registry.py" "$images/good" "$work/port"
host=127.0.0.1:$server_port
expect_clean_scan "the registry image" "$host/plain/img:1"
for kind in bad_alloc logic_error; do
  expect_failure "registry worker, $kind" "registry:$kind" "$host/plain/img:1" "$bin" scan --no-cache "$host/plain/img:1"
done

# A download probe worker (a URL that differs per platform is asked): the fault comes before
# any connection, so the URL need not answer.
cat >"$work/Dockerfile" <<'EOF'
FROM debian
ARG TARGETARCH
RUN curl -fsSLO https://example.invalid/tool-linux-${TARGETARCH}.tar.gz
EOF
for kind in bad_alloc logic_error; do
  expect_failure "download probe worker, $kind" "probe:$kind" "$work/Dockerfile" \
    "$bin" lint --no-config --no-context --probe-downloads "$work/Dockerfile"
done
