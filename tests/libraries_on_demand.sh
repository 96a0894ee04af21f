#!/usr/bin/env bash
# libcurl, libarchive and libcrypto are loaded when a command first needs them, not at
# start-up (analyzer/shared_library.h):
#   1. `lint` (text report, without --resolve or --probe-downloads) loads none of them (the
#      dynamic loader's own record, LD_DEBUG=files), and its output is the same without them;
#   2. a command that makes a request loads libcurl, one that reads an archive libarchive, a
#      report with fingerprints (SARIF) libcrypto;
#   3. where the library found is unusable (a stand-in without its functions, first on
#      LD_LIBRARY_PATH), each command that needs it fails with exit 2 and one line naming the
#      input and the cause, and `lint --probe-downloads` says the download was not checked.
#
# usage: tests/libraries_on_demand.sh MULTIARCH_LINT
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
# The demo's findings, so that the comparisons without the libraries below compare a real report.
grep -q '^.*/fixtures/demo/Dockerfile:21:63: error: .*\[MA110 arch-specific-download\]$' lint.out ||
  fail "lint of the demo: no MA110 at 21:63: $(head -3 lint.out)"
grep -q 'file=libelf' lint.debug || fail "LD_DEBUG recorded no library load: $(head -3 lint.debug)"
for lib in libcurl libarchive libcrypto; do
  ! grep -q "file=$lib" lint.debug || fail "lint loaded $lib: $(grep "file=$lib" lint.debug | head -2)"
done

# Reading an archive loads libarchive (here to find it is not one); fingerprints, libcrypto.
head -c 4096 /dev/urandom >garbage.tar
set +e
LD_DEBUG=files "$bin" scan garbage.tar >scan.out 2>scan.debug; code=$?
set -e
[ "$code" -eq 2 ] || fail "scan of random bytes: exit $code"
grep -q 'file=libarchive.so.13' scan.debug || fail "scan did not load libarchive"
grep -q '^multiarch-lint: garbage.tar: .*not a tar archive' scan.debug || fail "no archive error: $(grep -v '^ *[0-9]*:' scan.debug)"
set +e
LD_DEBUG=files "$bin" lint --no-config --no-context -f sarif "$demo" >lint.sarif 2>sarif.debug; code=$?
set -e
[ "$code" -eq 1 ] || fail "lint -f sarif of the demo: exit $code"
grep -q 'file=libcrypto.so.3' sarif.debug || fail "lint -f sarif did not load libcrypto"
grep -q '"partialFingerprints"' lint.sarif || fail "the SARIF report has no fingerprints"

# A request, refused at once (port 1 on loopback): libcurl is loaded for it.
set +e
LD_DEBUG=files "$bin" manifest 127.0.0.1:1/nothing:1 >manifest.out 2>manifest.debug; code=$?
set -e
[ "$code" -eq 2 ] || fail "manifest of a closed port: exit $code"
grep -q 'file=libcurl.so.4' manifest.debug || fail "manifest did not load libcurl"
grep -q '^multiarch-lint: 127.0.0.1:1/nothing:1: .*onnect' manifest.debug || fail "no connection error: $(grep -v '^ *[0-9]*:' manifest.debug)"

# An unusable library of each, found before the system's: one directory each (libcurl needs
# the real libcrypto).
echo 'int multiarch_lint_stand_in;' >stand_in.c
for lib in libcurl.so.4 libarchive.so.13 libcrypto.so.3; do
  mkdir "stub-$lib"
  cc -shared -fPIC -o "stub-$lib/$lib" stand_in.c
done
for lib in libarchive.so.13 libcrypto.so.3; do
  set +e
  LD_LIBRARY_PATH=$work/stub-$lib "$bin" lint --no-config --no-context "$demo" >lint-stub.out 2>lint-stub.err; code=$?
  set -e
  [ "$code" -eq 1 ] || fail "lint without $lib: exit $code"
  cmp -s lint.out lint-stub.out || fail "lint's output differs without $lib: $(diff lint.out lint-stub.out | head -5)"
done
set +e
LD_LIBRARY_PATH=$work/stub-libarchive.so.13 "$bin" scan garbage.tar >stub.out 2>stub.err; code=$?
set -e
[ "$code" -eq 2 ] || fail "scan without libarchive: exit $code"
[ "$(cat stub.err)" = "multiarch-lint: garbage.tar: libarchive.so.13 has no archive_read_new" ] ||
  fail "scan without libarchive said: $(cat stub.err)"
set +e
LD_LIBRARY_PATH=$work/stub-libcrypto.so.3 "$bin" lint --no-config --no-context -f sarif "$demo" >stub.out 2>stub.err; code=$?
set -e
[ "$code" -eq 2 ] || fail "lint -f sarif without libcrypto: exit $code"
[ "$(wc -l <stub.err)" -eq 1 ] && grep -q 'libcrypto.so.3 has no EVP_sha256' stub.err ||
  fail "lint -f sarif without libcrypto said: $(cat stub.err)"

export LD_LIBRARY_PATH=$work/stub-libcurl.so.4
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
echo "libraries on demand: none loaded by lint, each by what needs it, an unusable one said in one line"
