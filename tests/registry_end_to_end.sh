#!/usr/bin/env bash
# multiarch-lint against a real registry: Debian's docker-registry (the CNCF distribution
# registry 2.8), started here on 127.0.0.1 twice (plain HTTP, and htpasswd basic auth
# over TLS with a throwaway self-signed certificate), the image fixtures pushed into it
# with `skopeo copy --all`, and both registries stopped by PID at the end. What was
# downloaded is counted in the registry's own access log.
#
# Usage: registry_end_to_end.sh MULTIARCH_LINT IMAGE_FIXTURES
set -euo pipefail
bin=$1; images=$2
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server_test_lib.sh
source "$root/tests/server_test_lib.sh"
for tool in docker-registry skopeo htpasswd openssl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup installs it)"
done

export XDG_CACHE_HOME=$work/cache      # the layer, manifest and resolve caches
export DOCKER_CONFIG=$work/docker      # never the user's own credentials
mkdir -p "$DOCKER_CONFIG"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_registry NAME [EXTRA_YAML]: sets $port and $log; the registry's PID joins $server_pids.
start_registry() {
  local name=$1 extra=${2:-} dir=$work/$1
  mkdir -p "$dir"
  port=$(free_port)
  log=$dir/access.log
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
$extra
EOF
  docker-registry serve "$dir/config.yml" >"$log" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 100); do
    grep -q "listening on" "$log" && return 0
    sleep 0.1
  done
  cat "$log" >&2
  fail "registry $name did not start"
}

# push FIXTURE REGISTRY [SKOPEO OPTIONS...]: the whole index, digests kept.
push() {
  local fixture=$1 registry=$2; shift 2
  python3 "$root/tests/registry/pushable_layout.py" "$images/$fixture" "$work/push/$fixture"
  skopeo copy --quiet --all --preserve-digests "$@" "oci:$work/push/$fixture:latest" "docker://$registry/$fixture:1" >/dev/null
}

# The layer digests of a layout's image manifests (not its configs, not attestations' payloads).
layer_digests() {
  python3 - "$images/$1" <<'EOF'
import json, os, sys
root = sys.argv[1]
def blob(d): return json.load(open(os.path.join(root, "blobs", *d.split(":"))))
def walk(doc):
    for m in doc.get("manifests", []):
        if m.get("annotations", {}).get("vnd.docker.reference.type") != "attestation-manifest":
            yield from walk(blob(m["digest"]))
    for l in doc.get("layers", []):
        yield l["digest"]
print("\n".join(sorted(set(walk(json.load(open(os.path.join(root, "index.json"))))))))
EOF
}
# How many times the registry served any of these layer blobs.
layer_gets() { local n=0 d; for d in $2; do n=$((n + $(grep -c "GET /v2/[^ ]*/blobs/$d" "$1" || true))); done; echo $n; }

# ---------------------------------------------------------------- plain HTTP on loopback
start_registry plain
plain=127.0.0.1:$port; plain_log=$log
for fixture in good foreign-so missing-lib no-loader index-mislabeled index-missing-platform index-single-platform \
               index-duplicate index-fake-multi-arch index-unlabelled-unknown; do
  push "$fixture" "$plain" --dest-tls-verify=false
done

# manifest: the platform table, no findings, no layer downloaded.
good_layers=$(layer_digests good)
table=$("$bin" manifest "$plain/good:1") || fail "manifest of the good image did not exit 0: $table"
grep -q "linux/amd64" <<<"$table" && grep -q "linux/arm64" <<<"$table" && grep -q "(attestation)" <<<"$table" ||
  fail "manifest table: $table"
grep -q "^no findings" <<<"$table" || fail "findings on the good image: $table"
[ "$(layer_gets "$plain_log" "$good_layers")" -eq 0 ] || fail "manifest downloaded a layer"
# The client's own counters say the same: manifests fetched, no layer.
counts=$("$bin" manifest -f json --no-cache "$plain/good:1") || fail "manifest -f json failed"
python3 -c 'import json,sys; r=json.load(sys.stdin)["registry"]; assert r["layers"] == 0 and r["manifests"] >= 3, r' <<<"$counts" ||
  fail "manifest counters: $counts"
# Attestations are not platforms: with linux/s390x required, only s390x is missing.
json=$("$bin" manifest -f json --platform linux/amd64,linux/arm64,linux/s390x "$plain/good:1") && fail "s390x not missing"
python3 -c '
import json, sys
d = json.load(sys.stdin)
rules = [f["rule"] for f in d["findings"]]
assert rules == ["MA301"], rules
assert "linux/s390x" in d["findings"][0]["message"] and "unknown" not in d["findings"][0]["message"], d["findings"][0]["message"]
assert sum(m["attestation"] for m in d["manifests"]) == 2, d["manifests"]' <<<"$json" || fail "attestation counting: $json"

# Each defect fixture: the same MA3xx findings (rule and JSON pointer) as from its OCI layout.
for fixture in index-mislabeled index-missing-platform index-single-platform index-duplicate index-fake-multi-arch \
               index-unlabelled-unknown; do
  set +e
  remote=$("$bin" manifest -f json "$plain/$fixture:1"); remote_code=$?
  local=$("$bin" manifest -f json "$images/$fixture"); local_code=$?
  set -e
  [ "$remote_code" -eq 1 ] && [ "$local_code" -eq 1 ] || fail "$fixture: exit $remote_code (registry), $local_code (layout)"
  python3 -c '
import json, sys
remote, local, fixture = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
expected = {"index-mislabeled": "MA303", "index-missing-platform": "MA301", "index-single-platform": "MA302",
            "index-duplicate": "MA304", "index-fake-multi-arch": "MA309", "index-unlabelled-unknown": "MA308"}[fixture]
key = lambda d: sorted((f["rule"], f["location"].get("pointer", ""), f["message"]) for f in d["findings"])
assert key(remote) == key(local), (key(remote), key(local))
assert expected in [f["rule"] for f in remote["findings"]], (expected, key(remote))' "$remote" "$local" "$fixture" ||
    fail "$fixture: registry and layout disagree"
done
[ "$(layer_gets "$plain_log" "$(for f in index-mislabeled index-duplicate; do layer_digests $f; done)")" -eq 0 ] ||
  fail "manifest downloaded a layer of a defect fixture"

# scan REF: the same findings as the OCI layout, each layer downloaded once, then cached.
for fixture in good foreign-so missing-lib no-loader; do
  set +e
  remote=$("$bin" scan -f json --no-cache "$plain/$fixture:1"); remote_code=$?
  local=$("$bin" scan -f json --no-cache "$images/$fixture"); local_code=$?
  set -e
  [ "$remote_code" -eq "$local_code" ] || fail "$fixture: scan exit $remote_code (registry), $local_code (layout)"
  python3 -c '
import json, sys
remote, local = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def key(d):
    return sorted((f["rule"], f["message"], f["location"].get("platform", ""), f["location"].get("imagePath", ""),
                   f["location"].get("layerDigest", "")) for f in d["findings"])
assert key(remote) == key(local), (key(remote), key(local))
assert remote["errors"] == [] and remote["inputs"][0]["analysed"], remote["errors"]' "$remote" "$local" ||
    fail "$fixture: scan findings differ between the registry and the layout"
done
# Docker's media types: a manifest list of v2 manifests (skopeo --format v2s2) and a single
# v2 manifest (pushed from a docker-save archive): the same findings as from the local files.
python3 "$root/tests/registry/pushable_layout.py" "$images/foreign-so" "$work/push/foreign-so-docker"
skopeo copy --quiet --all --format v2s2 --dest-tls-verify=false "oci:$work/push/foreign-so-docker:latest" \
  "docker://$plain/foreign-so-docker:1" >/dev/null
skopeo copy --quiet --dest-tls-verify=false "docker-archive:$images/docker-save-legacy.tar" "docker://$plain/legacy:1" >/dev/null
for pair in "foreign-so-docker:1 $images/foreign-so" "legacy:1 $images/docker-save-legacy.tar"; do
  # shellcheck disable=SC2086  # split on purpose: a reference and a local path
  set -- $pair
  set +e
  remote=$("$bin" scan -f json --no-cache "$plain/$1"); remote_code=$?
  local=$("$bin" scan -f json --no-cache "$2"); local_code=$?
  set -e
  [ "$remote_code" -eq "$local_code" ] || fail "$1: scan exit $remote_code (registry), $local_code (local)"
  python3 -c '
import json, sys
remote, local = json.loads(sys.argv[1]), json.loads(sys.argv[2])
key = lambda d: sorted((f["rule"], f["message"], f["location"].get("imagePath", "")) for f in d["findings"])
assert key(remote) == key(local), (key(remote), key(local))
summary = lambda d: [(i["platform"], i["files"], i["elf"]) for i in d["images"]]
assert summary(remote) == summary(local), (summary(remote), summary(local))' "$remote" "$local" || fail "$1: differs from $2"
done
types=$("$bin" manifest -f json "$plain/foreign-so-docker:1" "$plain/legacy:1" || true)
python3 -c '
import json, sys
types = sorted({m["mediaType"] for m in json.load(sys.stdin)["manifests"]})
assert types == ["application/vnd.docker.distribution.manifest.v2+json"], types' <<<"$types" || fail "Docker media types: $types"

before=$(layer_gets "$plain_log" "$good_layers")
"$bin" scan -f json "$plain/good:1" >/dev/null || fail "scan of the good image did not exit 0"
first=$(layer_gets "$plain_log" "$good_layers")
[ $((first - before)) -eq "$(wc -l <<<"$good_layers")" ] || fail "first scan: $((first - before)) layer downloads"
again=$("$bin" scan -f json "$plain/good:1") || fail "second scan did not exit 0"
[ "$(layer_gets "$plain_log" "$good_layers")" -eq "$first" ] || fail "the second scan downloaded layers again"
python3 -c '
import json, sys
d = json.load(sys.stdin)
i = d["inputs"][0]
assert i["layersRead"] == 0 and i["layersFromCache"] == 4, i
assert d["registry"]["layers"] == 0 and d["registry"]["blobs"] == 0, d["registry"]  # configs from the document cache too' <<<"$again" ||
  fail "the second scan did not take its layers from the cache"
# --platform filters what is downloaded: the arm64 layers only.
platform_json=$("$bin" scan -f json --no-cache --platform linux/arm64 "$plain/good:1") || fail "scan --platform failed"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [i["platform"] for i in d["images"]] == ["linux/arm64"], d["images"]' <<<"$platform_json" ||
  fail "--platform linux/arm64 scanned other platforms"

# lint --resolve: MA104 for a single-platform image and an index lacking arm64, MA105 for a
# platform manifest's digest; nothing for the good index. Offline (no --resolve): silent.
arm64_digest=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(sys.stdin)["manifests"] if m["platform"]=="linux/arm64"][0])' \
  <<<"$("$bin" manifest -f json "$plain/good:1")")
# The digest `manifest` prints is the index's, as the registry itself names it; pinned, it is fine.
index_digest=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"][0]["digest"])' <<<"$("$bin" manifest -f json "$plain/good:1")")
served=$(curl -sI -H "Accept: application/vnd.oci.image.index.v1+json" "http://$plain/v2/good/manifests/1" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}')
[ "$index_digest" = "$served" ] || fail "manifest's digest $index_digest, the registry's $served"
cat >"$work/Dockerfile" <<EOF
FROM --platform=\$BUILDPLATFORM $plain/index-single-platform:1 AS tools
FROM $plain/index-single-platform:1 AS single
FROM $plain/good@$arm64_digest AS pinned
FROM $plain/index-missing-platform:1 AS partial
FROM $plain/good@$index_digest AS pinned-index
FROM $plain/good:1 AS fine
EOF
set +e
resolved=$("$bin" lint --no-context --resolve -f json "$work/Dockerfile"); resolved_code=$?
offline=$("$bin" lint --no-context -f json "$work/Dockerfile"); offline_code=$?
set -e
[ "$resolved_code" -eq 1 ] || fail "lint --resolve exit $resolved_code: $resolved"
[ "$offline_code" -eq 0 ] || fail "lint without --resolve exit $offline_code: $offline"
python3 -c '
import json, sys
found = sorted((f["rule"], f["location"]["line"]) for f in json.load(sys.stdin)["findings"])
assert found == [("MA104", 2), ("MA104", 4), ("MA105", 3)], found' <<<"$resolved" || fail "lint --resolve findings: $resolved"
# `resolve: true` in the configuration does the same without the flag.
printf 'resolve: true\n' >"$work/resolve.yaml"
set +e
configured=$("$bin" lint --no-context -c "$work/resolve.yaml" -f json "$work/Dockerfile"); configured_code=$?
set -e
# The same findings, message for message, as --resolve gave.
findings_of() { python3 -c 'import json,sys; [print(f["rule"], f["location"]["line"], f["message"]) for f in json.load(sys.stdin)["findings"]]'; }
[ "$configured_code" -eq 1 ] && [ "$(findings_of <<<"$configured")" = "$(findings_of <<<"$resolved")" ] ||
  fail "resolve: true in the configuration: exit $configured_code: $configured"
# The answers are cached: a second run asks the registry nothing; --resolve-ttl 0 asks again.
requests=$(grep -c '"GET /v2/' "$plain_log")
"$bin" lint --no-context --resolve "$work/Dockerfile" >/dev/null && fail "cached lint --resolve found nothing"
[ "$(grep -c '"GET /v2/' "$plain_log")" -eq "$requests" ] || fail "lint --resolve asked the registry again within the TTL"
"$bin" lint --no-context --resolve --resolve-ttl 0 "$work/Dockerfile" >/dev/null && fail "uncached lint --resolve found nothing"
[ "$(grep -c '"GET /v2/' "$plain_log")" -gt "$requests" ] || fail "--resolve-ttl 0 did not ask the registry"
# An image that does not exist is an input error (exit 2), not a clean result.
printf 'FROM %s/does-not-exist:1\n' "$plain" >"$work/Dockerfile.missing"
set +e
err=$("$bin" lint --no-context --resolve "$work/Dockerfile.missing" 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "unknown base image exit $code"
grep -q "MANIFEST_UNKNOWN" <<<"$err" || fail "unknown base image error: $err"

# ------------------------------------------------- htpasswd basic auth over TLS (self-signed)
tls=$work/tls; mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$tls/key.pem" -out "$tls/ca.crt" 2>/dev/null
password="s3cret-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
htpasswd -Bbc "$tls/htpasswd" tester "$password" 2>/dev/null
start_registry secure "  tls:
    certificate: $tls/ca.crt
    key: $tls/key.pem
auth:
  htpasswd:
    realm: multiarch-lint-test
    path: $tls/htpasswd"
secure=127.0.0.1:$port
push good "$secure" --dest-cert-dir "$tls" --dest-creds "tester:$password"
outputs=$work/outputs; : >"$outputs"
# run_json ARGS...: JSON on stdout, kept in $outputs too (stderr in $errors; no secret may appear in either).
errors=$work/errors; : >"$errors"
run_json() { "$bin" "$@" -f json 2>>"$errors" | tee -a "$outputs"; }
# platforms_of: the platforms of the image manifests in `manifest -f json` on stdin, attestations left out.
platforms_of() { python3 -c 'import json,sys; print(*sorted(m["platform"] for m in json.load(sys.stdin)["manifests"] if not m["attestation"]))'; }

# Without the CA: a certificate error that says how to fix it, never a silent downgrade.
set +e
err=$("$bin" manifest "$secure/good:1" 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] && grep -q -- "--registry-ca" <<<"$err" || fail "untrusted certificate: exit $code: $err"
# With the CA but no credentials: a login is required.
set +e
err=$("$bin" manifest --registry-ca "$tls/ca.crt" "$secure/good:1" 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] && grep -q "requires a login" <<<"$err" || fail "no credentials: exit $code: $err"
# Credentials from config.json's auths (base64 user:password).
auth=$(printf '%s' "tester:$password" | base64 -w0)
printf '{"auths":{"%s":{"auth":"%s"}}}' "$secure" "$auth" >"$DOCKER_CONFIG/config.json"
json=$(run_json manifest --registry-ca "$tls/ca.crt" "$secure/good:1") ||
  fail "manifest with auths credentials failed: $(tail -3 "$errors")"
[ "$(platforms_of <<<"$json")" = "linux/amd64 linux/arm64" ] || fail "manifest with auths credentials: $json"
json=$(run_json scan --no-cache --registry-ca "$tls/ca.crt" "$secure/good:1") ||
  fail "scan with auths credentials failed: $(tail -3 "$errors")"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["findings"] == [] and d["errors"] == [] and d["inputs"][0]["layersRead"] == 4, (d["findings"], d["errors"], d["inputs"])
assert [i["platform"] for i in d["images"]] == ["linux/amd64", "linux/arm64"], d["images"]' <<<"$json" ||
  fail "scan with auths credentials did not read the image: $json"
# A wrong password: refused, exit 2, and the password appears nowhere.
printf '{"auths":{"%s":{"auth":"%s"}}}' "$secure" "$(printf 'tester:wrong-%s' "$password" | base64 -w0)" >"$DOCKER_CONFIG/config.json"
set +e
err=$("$bin" manifest --registry-ca "$tls/ca.crt" "$secure/good:1" 2>&1 >/dev/null); code=$?
set -e
echo "$err" >>"$outputs"
[ "$code" -eq 2 ] && grep -qF "HTTP 401 access denied (the credentials were refused" <<<"$err" ||
  fail "wrong password: exit $code: $err"
# Credentials from a credential helper (credHelpers), through the docker-credential protocol.
mkdir -p "$work/bin"
cat >"$work/bin/docker-credential-mal-test" <<EOF
#!/bin/sh
read server
[ "\$1" = get ] && [ "\$server" = "$secure" ] || exit 1
printf '{"ServerURL":"%s","Username":"tester","Secret":"%s"}' "\$server" "$password"
EOF
chmod +x "$work/bin/docker-credential-mal-test"
printf '{"credHelpers":{"%s":"mal-test"}}' "$secure" >"$DOCKER_CONFIG/config.json"
json=$(PATH=$work/bin:$PATH run_json manifest --registry-ca "$tls/ca.crt" "$secure/good:1") ||
  fail "manifest with a credential helper failed: $(tail -3 "$errors")"
[ "$(platforms_of <<<"$json")" = "linux/amd64 linux/arm64" ] || fail "manifest with a credential helper: $json"
! grep -q -- "$password" "$outputs" "$errors" || fail "the password appeared in multiarch-lint's output"
grep -q "tester" "$tls/../secure/access.log" || fail "the registry did not see the user (no basic auth was sent)"

# ------------------------------------ bearer tokens: the registry's token auth, anonymous pull
# The registry trusts tokens signed by the harness's token service (tests/registry/token_service.py),
# which gives pull to anyone and push to the pusher: the flow of Docker Hub and GHCR.
issuer=$work/issuer; mkdir -p "$issuer"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mal-token-issuer \
  -keyout "$issuer/key.pem" -out "$issuer/cert.pem" 2>/dev/null
start_server "the token service" "$issuer/token.log" "$issuer/port" \
  python3 "$root/tests/registry/token_service.py" "$issuer/key.pem" "$issuer/cert.pem" mal-test-issuer "pusher:$password" \
  "$issuer/port"
start_registry token "auth:
  token:
    realm: http://127.0.0.1:$server_port/token
    service: mal-test-registry
    issuer: mal-test-issuer
    rootcertbundle: $issuer/cert.pem"
tokened=127.0.0.1:$port
push good "$tokened" --dest-tls-verify=false --dest-creds "pusher:$password"
rm -f "$DOCKER_CONFIG/config.json"
json=$(run_json manifest "$tokened/good:1") || fail "manifest through a bearer token failed: $(tail -3 "$errors")"
[ "$(platforms_of <<<"$json")" = "linux/amd64 linux/arm64" ] || fail "manifest through a bearer token: $json"
json=$("$bin" scan --no-cache -f json "$tokened/good:1") || fail "scan through a bearer token failed: $json"
python3 -c 'import json,sys; i=json.load(sys.stdin)["inputs"][0]; assert i["layersRead"] == 4, i' <<<"$json" ||
  fail "scan through a bearer token read no layers"
grep -q '"GET /token?service=mal-test-registry&scope=repository%3Agood%3Apull HTTP' "$issuer/token.log" ||
  fail "no anonymous pull token was asked for: $(cat "$issuer/token.log")"
grep -q '"GET /v2/good/manifests/1 HTTP/1.1" 401' "$log" && grep -q '"GET /v2/good/manifests/1 HTTP/1.1" 200' "$log" ||
  fail "the registry did not challenge and then serve the manifest"
# An identity token (docker login through OAuth) is exchanged with the OAuth2 POST form.
printf '{"auths":{"%s":{"identitytoken":"%s"}}}' "$tokened" "$password" >"$DOCKER_CONFIG/config.json"
json=$(run_json manifest --no-cache "$tokened/good:1") || fail "manifest with an identity token failed: $(tail -3 "$errors")"
[ "$(platforms_of <<<"$json")" = "linux/amd64 linux/arm64" ] || fail "manifest with an identity token: $json"
grep -q '"POST /token HTTP/1.1" 200' "$issuer/token.log" || fail "the identity token was not exchanged: $(cat "$issuer/token.log")"
! grep -q -- "$password" "$outputs" "$errors" || fail "a secret appeared in multiarch-lint's output"
echo "1 passed, 0 failed"
