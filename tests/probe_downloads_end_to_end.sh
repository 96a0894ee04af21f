#!/usr/bin/env bash
# lint --probe-downloads against a real HTTP server (tests/probe/download_server.py, started
# here on 127.0.0.1 and stopped by PID) that serves some architectures' assets and not
# others: MA147 names the platform and the expanded URL that is missing; a server that
# refuses HEAD is asked with a ranged GET; answers are cached for --probe-ttl; and a slow
# server, a redirect loop and a 503 each end in bounded time as "could not be checked",
# never as missing.
#
# Usage: probe_downloads_end_to_end.sh MULTIARCH_LINT
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server_test_lib.sh
source "$root/tests/server_test_lib.sh"
export XDG_CACHE_HOME=$work/cache

start_server "the download server" "$work/server.log" "$work/port" python3 "$root/tests/probe/download_server.py" "$work/port"
url=http://127.0.0.1:$server_port

requests() { wc -l <"$work/server.log"; }
# lint_json NAME DOCKERFILE-TEXT [OPTIONS...]: lints with --probe-downloads, JSON to $work/NAME.json.
lint_json() {
  local name=$1 text=$2; shift 2
  printf '%s' "$text" >"$work/$name.Dockerfile"
  set +e
  "$bin" lint --no-config --no-context -f json "$@" "$work/$name.Dockerfile" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.code"
  set -e
}
# ma147 NAME: "severity|message" of each MA147 finding.
ma147() {
  python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "MA147": print(f["severity"] + "|" + f["message"])' "$work/$1.json"
}

# 1. TARGETARCH: the vendor has tool-linux-amd64 and no tool-linux-arm64.
lint_json targetarch "FROM debian:12
ARG TARGETARCH
RUN curl -fsSLO $url/assets/tool-linux-\${TARGETARCH}.tar.gz
" --probe-downloads
out=$(ma147 targetarch)
[ "$(wc -l <<<"$out")" -eq 1 ] || fail "targetarch: expected one MA147 finding, got: $out"
grep -q "^error|.*linux/arm64 ('$url/assets/tool-linux-arm64.tar.gz', HTTP 404)" <<<"$out" ||
  fail "targetarch: MA147 does not name linux/arm64 and its URL: $out"
grep -q "'$url/assets/tool-linux-amd64.tar.gz' exists for linux/amd64" <<<"$out" || fail "targetarch: the present URL is not named: $out"
[ "$(cat "$work/targetarch.code")" -eq 1 ] || fail "targetarch: exit $(cat "$work/targetarch.code"), expected 1"
grep -q "^HEAD /assets/tool-linux-arm64.tar.gz" "$work/server.log" || fail "targetarch: no HEAD request"
echo "ok: TARGETARCH: $out"

# 2. The same vendor through `uname -m`, whose vocabulary it shares, and through a redirect: silent.
lint_json uname "FROM debian:12
RUN curl -fsSLO $url/assets/tool-\$(uname -m).tgz && curl -fsSLO $url/redirect/tool-\$(uname -m).tgz
" --probe-downloads
[ -z "$(ma147 uname)" ] || fail "uname: MA147 on assets that exist: $(ma147 uname)"
grep -q "^HEAD /assets/tool-aarch64.tgz" "$work/server.log" || fail "uname: not probed as aarch64"
grep -q "^HEAD /redirect/tool-aarch64.tgz" "$work/server.log" || fail "uname: the redirected URL was not probed"
echo "ok: uname -m names the assets the vendor has (redirects followed)"

# 3. dpkg's vocabulary says arm64 where this vendor says aarch64, in a case arm.
lint_json dpkg "FROM debian:12
RUN case \"\$(dpkg --print-architecture)\" in amd64) A=x86_64;; *) A=\$(dpkg --print-architecture);; esac && \\
    curl -fsSLO $url/assets/tool-\$A.tgz
" --probe-downloads
ma147 dpkg | grep -q "^error|.*linux/arm64 ('$url/assets/tool-arm64.tgz', HTTP 404)" || fail "dpkg: $(ma147 dpkg)"
echo "ok: dpkg vocabulary in a case arm"

# 4. HEAD refused (405): a one-byte ranged GET decides.
lint_json nohead "FROM debian:12
ARG TARGETARCH
ADD $url/nohead/tool-linux-\${TARGETARCH}.tar.gz /opt/
" --probe-downloads
ma147 nohead | grep -q "^error|.*linux/arm64 ('$url/nohead/tool-linux-arm64.tar.gz', HTTP 404)" || fail "nohead: $(ma147 nohead)"
grep -q "^GET /nohead/tool-linux-amd64.tar.gz bytes=0-0" "$work/server.log" || fail "nohead: no ranged GET after the 405"
echo "ok: HEAD refused, ranged GET used"

# 5. Off by default: no request, no MA147.
before=$(requests)
lint_json off "FROM debian:12
ARG TARGETARCH
RUN curl -fsSLO $url/assets/other-\${TARGETARCH}.tar.gz
"
[ -z "$(ma147 off)" ] && [ "$(requests)" -eq "$before" ] || fail "without --probe-downloads the server was asked"
lint_json off-targetarch "$(cat "$work/targetarch.Dockerfile")
"
[ -z "$(ma147 off-targetarch)" ] || fail "without --probe-downloads MA147 fired"
# ... and on through the configuration file.
printf 'probe-downloads: true\n' >"$work/config.yaml"
code=0; "$bin" lint --config "$work/config.yaml" --no-context -f json "$work/targetarch.Dockerfile" >"$work/config.json" || code=$?
[ "$code" -eq 1 ] && [ "$(ma147 config)" = "$(ma147 targetarch)" ] ||
  fail "probe-downloads: true in the configuration did not probe as the flag does: exit $code: $(ma147 config)"
echo "ok: off by default, on by configuration"

# 6. The cache: a second run asks nothing within the TTL; --probe-ttl 0 asks again.
before=$(requests)
lint_json cached "$(cat "$work/targetarch.Dockerfile")
" --probe-downloads
[ "$(requests)" -eq "$before" ] || fail "cache: the server was asked again within the TTL"
[ "$(ma147 cached)" = "$(ma147 targetarch)" ] || fail "cache: the cached answer is not the first one: $(ma147 cached)"
lint_json uncached "$(cat "$work/targetarch.Dockerfile")
" --probe-downloads --probe-ttl 0
[ "$(requests)" -gt "$before" ] || fail "cache: --probe-ttl 0 did not ask the server"
echo "ok: answers cached for the TTL"

# 7. Hostile servers: bounded time, "could not be checked", never "does not exist".
hostile() {
  local kind=$1 pattern=$2 limit=$3 start out
  start=$(now)
  lint_json "$kind" "FROM debian:12
ARG TARGETARCH
RUN curl -fsSLO $url/$kind/tool-linux-\${TARGETARCH}.tar.gz
" --probe-downloads
  within "$start" "$limit" || fail "$kind took $(seconds_since "$start") s (limit $limit s)"
  out=$(ma147 "$kind")
  grep -q "^warning|the download could not be checked for linux/amd64 .*linux/arm64" <<<"$out" || fail "$kind: $out"
  grep -q -- "$pattern" <<<"$out" || fail "$kind: the reason is not '$pattern': $out"
  ! grep -q "does not exist" <<<"$out" || fail "$kind: reported as missing: $out"
  echo "ok: $kind: $out"
}
hostile error "HTTP 503" 10
hostile loop "redirect" 10
hostile slow "" 25  # the per-request timeout (10 s without a byte) ends it
