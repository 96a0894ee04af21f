#!/usr/bin/env bash
# The shipped .pre-commit-hooks.yaml with Debian's real pre-commit: `try-repo` against
# this checkout in a throwaway git repository. It must fail on a broken Dockerfile with
# the findings shown, pass on the fixed one, leave a Dockerfile.rego and a
# Dockerfile.dockerignore alone, and stay offline. The scan hook runs in the manual stage
# on a good and a broken image fixture. Then the hook's `files`/`exclude` patterns are
# checked against the tool's own directory discovery, name by name.
set -euo pipefail
bin=$1; images=$2
root=$(cd "$(dirname "$0")/.." && pwd)
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit missing (scripts/setup installs it)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Debian's interpreter: the consumers (junitparser, jsonschema, yaml) are its packages.
python3() { /usr/bin/python3 "$@"; }

# The hook runs `multiarch-lint` from PATH (language: system), as an installed tool would.
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/multiarch-lint"
export PATH="$work/bin:$PATH" PRE_COMMIT_HOME="$work/cache" XDG_CACHE_HOME="$work/xdg-cache" GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
# Offline: in a network namespace with no interface but loopback where the machine allows
# one (else proxies that reach nothing), so a hook that needed the network would fail.
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy=
offline=()
if unshare -n true 2>/dev/null; then offline=(unshare -n); elif unshare -rn true 2>/dev/null; then offline=(unshare -rn); fi
git config --global user.email test@example.com
git config --global user.name test
git config --global init.defaultBranch main
git config --global --add safe.directory '*'

repo=$work/repo
mkdir -p "$repo/svc"
cd "$repo"
git init -q
cp "$root/fixtures/demo/Dockerfile" svc/Dockerfile
printf 'package docker\n\ndefault allow := false\n\nallow if {\n  input.image == "debian"\n}\n' >svc/Dockerfile.rego
printf 'node_modules\n*.log\n' >svc/Dockerfile.dockerignore
git add -A
git commit -qm broken

# try-repo clones this checkout (with its uncommitted changes) into PRE_COMMIT_HOME.
set +e
out=$(cd "$repo" && "${offline[@]}" pre-commit try-repo "$root" multiarch-lint --all-files 2>&1); code=$?
set -e
[ "$code" -eq 1 ] || { echo "$out" >&2; fail "broken Dockerfile: pre-commit exit $code, expected 1"; }
grep -q 'svc/Dockerfile:21:63: error: .*\[MA110 arch-specific-download\]' <<<"$out" || { echo "$out" >&2; fail "findings not shown"; }
! grep -q 'Dockerfile.rego\|Dockerfile.dockerignore\|MA001' <<<"$out" || { echo "$out" >&2; fail "a non-Dockerfile was linted"; }

cp "$root/fixtures/demo/Dockerfile.fixed" svc/Dockerfile
git add -A
git commit -qm fixed
out=$(cd "$repo" && "${offline[@]}" pre-commit try-repo "$root" multiarch-lint --all-files 2>&1) || { echo "$out" >&2; fail "fixed Dockerfile: pre-commit failed"; }
grep -q '^multiarch-lint (Dockerfiles).*Passed$' <<<"$out" || { echo "$out" >&2; fail "hook did not report Passed"; }

# The scan hook takes its image from `args:`, which try-repo cannot give: a config names
# a repository holding this checkout's manifest (as it is on disk) at its commit.
hooks=$work/hooks
mkdir -p "$hooks" && cp "$root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add -A && git -C "$hooks" commit -qm hooks
scan_config() {
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: multiarch-lint-scan\n        args: [%s]\n' \
    "$hooks" "$(git -C "$hooks" rev-parse HEAD)" "$1" >.pre-commit-config.yaml
}
scan_config "$images/good"
out=$("${offline[@]}" pre-commit run --hook-stage manual multiarch-lint-scan 2>&1) || { echo "$out" >&2; fail "scan hook on the good image failed"; }
grep -q '^multiarch-lint (built image).*Passed$' <<<"$out" || { echo "$out" >&2; fail "scan hook on the good image did not report Passed"; }
scan_config "$images/foreign-so"
set +e
out=$("${offline[@]}" pre-commit run --hook-stage manual multiarch-lint-scan 2>&1); code=$?
set -e
[ "$code" -eq 1 ] || { echo "$out" >&2; fail "scan hook on foreign-so: exit $code, expected 1"; }
grep -q 'MA201 foreign-arch-binary' <<<"$out" || { echo "$out" >&2; fail "scan hook: findings not shown"; }
rm .pre-commit-config.yaml

# The patterns against discovery: a tree of names, every letter case, through both.
names=(Dockerfile dockerfile DOCKERFILE Containerfile containerfile Dockerfile.dev dockerfile.prod Containerfile.arm
       api.Dockerfile api.dockerfile web.Containerfile web.containerfile Dockerfile.dockerignore api.Dockerfile.dockerignore
       DOCKERFILE.DOCKERIGNORE Dockerfile-old MyDockerfile Dockerfiles notes.md docker-compose.yml .dockerfile
       Containerfile.in x.Dockerfile.bak Dockerfile.MD Dockerfile.rego Dockerfile.template Dockerfile.j2 Dockerfile.jinja
       Dockerfile.Jinja2 Dockerfile.tmpl Dockerfile.tpl Dockerfile.txt Dockerfile.rst Dockerfile.markdown Dockerfile.orig
       Dockerfile.swp Dockerfile.bak notes.md.Dockerfile)
tree=$work/tree
for dir in . a a/b .hidden node_modules/pkg vendor/lib vendorized; do
  mkdir -p "$tree/$dir"
  for n in "${names[@]}"; do printf 'FROM debian\n' >"$tree/$dir/$n"; done
done
(cd "$tree" && multiarch-lint lint --no-config --no-context -f json . || true) |
  python3 -c 'import json,sys; print("\n".join(sorted(i["path"][2:] for i in json.load(sys.stdin)["inputs"])))' >"$work/discovered"
(cd "$tree" && find . -type f | sed 's|^\./||' | sort) >"$work/all"
python3 - "$root/.pre-commit-hooks.yaml" "$work/all" >"$work/matched" <<'PY'
import re, sys, yaml
hook = next(h for h in yaml.safe_load(open(sys.argv[1])) if h["id"] == "multiarch-lint")
files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
for path in open(sys.argv[2]).read().split():
    if files.search(path) and not exclude.search(path):  # as pre-commit filters
        print(path)
PY
diff -u "$work/discovered" "$work/matched" || fail "the hook's patterns and directory discovery disagree"
[ "$(wc -l <"$work/discovered")" -gt 20 ] || fail "too few files discovered to compare"
echo "pre-commit $(pre-commit --version | cut -d' ' -f2)${offline:+ (in a network namespace: ${offline[*]})}: try-repo failed on the broken Dockerfile, passed on the fixed one; the scan hook passed on good, failed on foreign-so; patterns match discovery on $(wc -l <"$work/discovered") of $(wc -l <"$work/all") files"
echo "1 passed, 0 failed"
