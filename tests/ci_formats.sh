#!/usr/bin/env bash
# The CI formats as their consumers read them, from the real binary: paths relative to
# the repository when run from a subdirectory, GitHub annotations and step summary,
# GitLab Code Quality fingerprints across an inserted line and unreadable inputs,
# Checkstyle's source for warnings-ng, JUnit parsed by junitparser, and directory
# discovery skipping Dockerfile.rego and Dockerfile.dockerignore.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Debian's interpreter: the consumers (junitparser, jsonschema, yaml) are its packages.
python3() { /usr/bin/python3 "$@"; }
lint() { "$bin" lint --no-config --no-context "$@"; }

repo=$work/repo
mkdir -p "$repo/.git" "$repo/services/api"   # a .git directory is what marks the root
cp "$root/fixtures/demo/Dockerfile" "$repo/services/api/Dockerfile"
cd "$repo/services"

# SARIF: repository-relative URIs under %SRCROOT%, the working directory, the category.
lint -f sarif -o "$work/sub.sarif" api/Dockerfile || true
python3 - "$work/sub.sarif" "$repo" <<'PY' || fail "sarif from a subdirectory"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
repo = sys.argv[2]
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
assert uris == {"services/api/Dockerfile"}, uris
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + repo + "/", run["originalUriBaseIds"]
assert run["invocations"][0]["workingDirectory"]["uri"] == "file://" + repo + "/services/"
assert run["automationDetails"]["id"] == "multiarch-lint/lint/"
assert all("multiarchLintFinding/v1" in r["partialFingerprints"] for r in run["results"])
PY

# GitHub: paths relative to GITHUB_WORKSPACE, a step summary, the summary line last.
set +e
GITHUB_WORKSPACE=$repo GITHUB_STEP_SUMMARY=$work/summary.md lint -f github api/Dockerfile >"$work/github.txt"; code=$?
set -e
[ "$code" -eq 1 ] || fail "github exit $code"
grep -q '^::error file=services/api/Dockerfile,line=21,endLine=21,col=63,endColumn=68,title=MA110 arch-specific-download::' "$work/github.txt" ||
  fail "github annotation: $(head -3 "$work/github.txt")"
# The demo's four findings: MA110 and MA140 (errors), MA150 twice (warnings).
tail -1 "$work/github.txt" | grep -q '^multiarch-lint: 2 error(s), 2 warning(s), 0 note(s) in 1 file(s)' ||
  fail "github summary line: $(tail -1 "$work/github.txt")"
# shellcheck disable=SC2016  # the backticks are Markdown, not a command
grep -q '^| error | MA110 arch-specific-download | `services/api/Dockerfile:21` |' "$work/summary.md" || fail "step summary: $(cat "$work/summary.md")"

# GitLab: repository paths, fingerprints that survive an inserted line, unreadable inputs.
lint -f gitlab api/Dockerfile >"$work/before.json" || true
{ echo '# a new first line'; cat api/Dockerfile; } >"$work/moved" && cp "$work/moved" api/Dockerfile
lint -f gitlab api/Dockerfile >"$work/after.json" || true
set +e
# shellcheck disable=SC2094  # api/Dockerfile is only read (as a path and as stdin)
lint -f gitlab api/Dockerfile does-not-exist - <api/Dockerfile >"$work/errors.json"; code=$?
set -e
[ "$code" -eq 2 ] || fail "gitlab with a missing input: exit $code"
python3 - "$work/before.json" "$work/after.json" "$work/errors.json" <<'PY' || fail "gitlab code quality"
import json, sys
before, after, errors = (json.load(open(p)) for p in sys.argv[1:])
assert len(before) >= 4, len(before)
assert [i["location"]["lines"]["begin"] + 1 for i in before] == [i["location"]["lines"]["begin"] for i in after]
kept = len({i["fingerprint"] for i in before} & {i["fingerprint"] for i in after})
assert kept == len(before), f"{kept} of {len(before)} fingerprints survive one inserted line"
paths = {i["location"]["path"] for i in errors}
assert paths == {"services/api/Dockerfile", "services/does-not-exist", "Dockerfile"}, paths
assert any(i["check_name"] == "multiarch-lint/input-error" and i["location"]["path"] == "services/does-not-exist" for i in errors)
for i in errors:
    assert set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
    assert i["severity"] in {"info", "minor", "major", "critical", "blocker"}
print(f"gitlab: {kept} of {len(before)} fingerprints survive one inserted line")
PY

# Checkstyle: warnings-ng reads <tool>.<category>.<type> from source.
lint -f checkstyle api/Dockerfile does-not-exist >"$work/checkstyle.xml" 2>/dev/null || true
python3 - "$work/checkstyle.xml" <<'PY' || fail "checkstyle"
import sys, xml.etree.ElementTree as ET
errors = list(ET.parse(sys.argv[1]).iter("error"))
sources = {e.get("source") for e in errors}
assert "multiarch-lint.dockerfile.MA110" in sources and "multiarch-lint.input.input-error" in sources, sources
ma110 = [(e.get("line"), e.get("column"), e.get("severity")) for e in errors if e.get("source").endswith(".MA110")]
assert ma110 == [("22", "63", "error")], ma110  # line 21 of the demo, one line down since the GitLab step
assert all(len(s.split(".")) == 3 for s in sources), sources
PY

# JUnit, read by a real consumer (junitparser): a suite per input, a case per platform.
lint -f junit --platform linux/amd64,linux/arm64,linux/arm/v7 api/Dockerfile "$root/fixtures/demo/Dockerfile.fixed" does-not-exist \
  >"$work/junit.xml" 2>/dev/null || true
python3 - "$work/junit.xml" <<'PY' || fail "junit"
import sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
suites = {s.name: s for s in xml}
assert set(suites) == {"services/api/Dockerfile", "services/does-not-exist"} | {n for n in suites if n.endswith("Dockerfile.fixed")}, suites.keys()
for name, suite in suites.items():
    cases = {c.name: c for c in suite}
    assert set(cases) == {"linux/amd64", "linux/arm64", "linux/arm/v7"}, (name, cases.keys())
    kinds = {c.name: type(c.result[0]).__name__ if c.result else "passed" for c in suite}
    if name == "services/api/Dockerfile":
        assert kinds == {"linux/amd64": "Failure", "linux/arm64": "Failure", "linux/arm/v7": "Failure"}, kinds
        assert "MA110" in cases["linux/arm64"].result[0].text
    elif name.endswith("Dockerfile.fixed"):
        assert set(kinds.values()) == {"passed"}, kinds
    else:
        assert set(kinds.values()) == {"Error"}, kinds
print(f"junitparser: {len(suites)} testsuites, {sum(len(list(s)) for s in suites.values())} testcases")
PY

# Discovery: a policy and an ignore file beside the Dockerfile are not Dockerfiles.
mkdir -p "$work/walk/app" "$work/walk/lower"
cp "$root/fixtures/demo/Dockerfile.fixed" "$work/walk/app/Dockerfile"
printf 'package docker\n\nimport rego.v1\n\ndefault allow := false\n' >"$work/walk/app/Dockerfile.rego"
printf 'node_modules\n' >"$work/walk/app/Dockerfile.dockerignore"
# shellcheck disable=SC2016  # Markdown backticks, written as they are
printf '# Building\n\nRun `docker build .` here.\n' >"$work/walk/app/Dockerfile.md"
printf '{{ range .Images }}\nFROM {{ .Base }}\n{{ end }}\n' >"$work/walk/app/Dockerfile.gotmpl"
printf 'This directory builds the API image.\n' >"$work/walk/app/Dockerfile.notes"
cp "$root/fixtures/demo/Dockerfile.fixed" "$work/walk/lower/api.dockerfile"
cp "$root/fixtures/demo/Dockerfile.fixed" "$work/walk/lower/web.Containerfile"
lint -f json "$work/walk" >"$work/walk.json" || fail "directory walk found problems: $(cat "$work/walk.json")"
python3 - "$work/walk.json" "$work/walk" <<'PY' || fail "discovery"
import json, sys
found = sorted(i["path"][len(sys.argv[2]) + 1:] for i in json.load(open(sys.argv[1]))["inputs"])
assert found == ["app/Dockerfile", "lower/api.dockerfile", "lower/web.Containerfile"], found
PY
echo "1 passed, 0 failed"
