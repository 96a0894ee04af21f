#!/usr/bin/env bash
# The .deb as a user gets it: CPack builds it from this build directory, its Depends are
# what dpkg-shlibdeps computed (and apt can satisfy them), and the binary unpacked into a
# scratch root runs: it lints the demo and prints a rule page.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/multiarch-lint_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libarchive13 libcurl4 libelf1 libisal2 libyaml-cpp0.7 libzstd1 libssl3 libstdc++6 libc6; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(dpkg-deb -f "$deb" Architecture)"
# apt resolves those dependencies (simulated: nothing is installed), given package lists
# to resolve them from (scripts/setup's apt-get update leaves them).
if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  apt-get install --simulate -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt cannot install the .deb"; }
  resolved="apt resolves its dependencies"
else
  resolved="no apt package lists here: dependency resolution not checked"
fi

dpkg -x "$deb" "$work/root"
installed=$work/root/usr/bin/multiarch-lint
[ -x "$installed" ] || fail "no /usr/bin/multiarch-lint in the package: $(dpkg-deb -c "$deb")"
[ -f "$work/root/usr/share/doc/multiarch-lint/rules.md" ] || fail "no rules.md in the package"
cd "$root"
set +e
out=$("$installed" lint --no-config --no-context fixtures/demo/Dockerfile); code=$?
set -e
[ "$code" -eq 1 ] || fail "installed binary: exit $code on the demo"
# The findings of the binary it was packaged from, word for word.
expected=$("$build/multiarch-lint" lint --no-config --no-context fixtures/demo/Dockerfile || true)
grep -q '\[MA110 arch-specific-download\]' <<<"$expected" && [ "$out" = "$expected" ] ||
  fail "installed binary: findings on the demo differ from the build's: $(diff <(echo "$expected") <(echo "$out"))"
# Whole output first: `grep -q` stops reading at the first match, and a closed pipe is an
# error the tool reports (exit 2), which pipefail would take for this check failing.
rules_text=$("$installed" rules MA110)
grep -q '^MA110 arch-specific-download' <<<"$rules_text" || fail "installed binary: rules MA110"
echo "$(basename "$deb"): Depends: $depends; $resolved"
echo "1 passed, 0 failed"
