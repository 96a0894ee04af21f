#!/usr/bin/env bash
# libcurl is loaded when the first request is made, not at start-up (analyzer/registry/curl_api.h):
#   1. `lint` without --resolve or --probe-downloads never loads it (the dynamic loader's own
#      record, LD_DEBUG=files), and its output is the same without a usable libcurl;
#   2. a command that makes a request loads it;
#   3. where the libcurl found is unusable (a stand-in libcurl.so.4 without its functions, first
#      on LD_LIBRARY_PATH), each command that needs it fails with exit 2 and one line naming
#      the input and the cause, and `lint --probe-downloads` says the download was not checked.
#
# usage: tests/libcurl_on_demand.sh MULTIARCH_LINT
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"
demo=$root/fixtures/demo/Dockerfile

set +e
LD_DEBUG=files "$bin" lint --no-config --no-context "$demo" >lint.out 2>lint.debug; code=$?
set -e
[ "$code" -eq 1 ] || fail "lint of the demo: exit $code"
# The demo's findings, so that the comparison without libcurl below compares a real report.
grep -q '^.*/fixtures/demo/Dockerfile:21:63: error: .*\[MA110 arch-specific-download\]$' lint.out ||
  fail "lint of the demo: no MA110 at 21:63: $(head -3 lint.out)"
grep -q 'file=libarchive' lint.debug || fail "LD_DEBUG recorded no library load: $(head -3 lint.debug)"
! grep -q 'libcurl' lint.debug || fail "lint loaded libcurl: $(grep libcurl lint.debug | head -2)"

# A request, refused at once (port 1 on loopback): libcurl is loaded for it.
set +e
LD_DEBUG=files "$bin" manifest 127.0.0.1:1/nothing:1 >manifest.out 2>manifest.debug; code=$?
set -e
[ "$code" -eq 2 ] || fail "manifest of a closed port: exit $code"
grep -q 'file=libcurl.so.4' manifest.debug || fail "manifest did not load libcurl"
grep -q '^multiarch-lint: 127.0.0.1:1/nothing:1: .*onnect' manifest.debug || fail "no connection error: $(grep -v '^ *[0-9]*:' manifest.debug)"

# An unusable libcurl.so.4, found before the system's.
mkdir stub
echo 'int multiarch_lint_stand_in;' >stub/stand_in.c
cc -shared -fPIC -o stub/libcurl.so.4 stub/stand_in.c
export LD_LIBRARY_PATH=$work/stub
set +e
"$bin" lint --no-config --no-context "$demo" >lint-stub.out 2>lint-stub.err; code=$?
set -e
[ "$code" -eq 1 ] || fail "lint without libcurl: exit $code"
cmp -s lint.out lint-stub.out || fail "lint's output differs without libcurl: $(diff lint.out lint-stub.out | head -5)"
[ ! -s lint-stub.err ] || fail "lint without libcurl wrote: $(cat lint-stub.err)"

expect_error() {  # expected-line, command...
  local expected=$1; shift
  set +e
  "$@" >stub.out 2>stub.err; code=$?
  set -e
  [ "$code" -eq 2 ] || fail "$*: exit $code, expected 2"
  [ "$(cat stub.err)" = "$expected" ] || fail "$*: stderr $(cat stub.err), expected: $expected"
}
expect_error "multiarch-lint: 127.0.0.1:1/nothing:1: libcurl.so.4 has no curl_global_init" "$bin" manifest 127.0.0.1:1/nothing:1
expect_error "multiarch-lint: 127.0.0.1:1/nothing:1: libcurl.so.4 has no curl_global_init" "$bin" scan 127.0.0.1:1/nothing:1
printf 'FROM 127.0.0.1:1/base:1\nRUN true\n' >Dockerfile
expect_error "multiarch-lint: $work/Dockerfile: cannot resolve base image '127.0.0.1:1/base:1': libcurl.so.4 has no curl_global_init" \
  "$bin" lint --no-config --resolve "$work/Dockerfile"

# shellcheck disable=SC2016  # ${TARGETARCH} is the Dockerfile's, not the shell's
printf 'FROM debian\nARG TARGETARCH\nRUN wget https://downloads.invalid/tool-linux-${TARGETARCH}.tar.gz\n' >Dockerfile.probe
set +e
"$bin" lint --no-config --no-context --probe-downloads -f json "$work/Dockerfile.probe" >probe.json; code=$?
set -e
[ "$code" -eq 1 ] || fail "probe without libcurl: exit $code"
python3 - probe.json <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
assert [f["rule"] for f in findings] == ["MA147"], findings
message = findings[0]["message"]
assert "could not be checked for linux/amd64 ('https://downloads.invalid/tool-linux-amd64.tar.gz'" in message, message
assert "linux/arm64 ('https://downloads.invalid/tool-linux-arm64.tar.gz'" in message, message
assert message.count("libcurl.so.4 has no curl_global_init") == 2, message
PY
echo "libcurl on demand: not loaded by lint, loaded by a request, an unusable one said in one line"
