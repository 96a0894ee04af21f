#!/usr/bin/env bash
# action.yml and the documented workflow against SchemaStore's published schemas
# (github-action.json, github-workflow.json), as embedded in action-validator; and a
# broken copy of each to show the validator rejects what the schema forbids.
set -euo pipefail
tools=$1
root=$(cd "$(dirname "$0")/.." && pwd)
validator=$tools/node_modules/@action-validator/cli/cli.mjs
[ -f "$validator" ] || { echo "FAIL: $validator missing (run tools/install-test-tools)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Debian's interpreter: the consumers (junitparser, jsonschema, yaml) are its packages.
python3() { /usr/bin/python3 "$@"; }

cd "$root"
node "$validator" action.yml || fail "action.yml does not match the github-action schema"
# The validator checks the workflow's path globs against the directory it runs in.
node "$validator" docs/examples/github-workflow.yml || fail "docs/examples/github-workflow.yml does not match the github-workflow schema"

mkdir -p "$work/bad"
sed 's/^  using: composite$/  using: compost/' action.yml >"$work/bad/action.yml"
! node "$validator" "$work/bad/action.yml" 2>/dev/null || fail "a broken action.yml was accepted"
sed 's/^    runs-on: ubuntu-latest$/    runs_on: ubuntu-latest/' docs/examples/github-workflow.yml >"$work/bad/workflow.yml"
! node "$validator" "$work/bad/workflow.yml" 2>/dev/null || fail "a broken workflow was accepted"

# A second, independent validator: python3-jsonschema (Draft 7) with the same published
# schemas, taken from the pinned npm package (they are embedded in its WebAssembly, each
# under its SchemaStore $id), not copied into this repository.
python3 - "$tools/node_modules/@action-validator/core/action_validator_bg.wasm" action.yml docs/examples/github-workflow.yml <<'PY' ||
import json, sys, yaml
from jsonschema import Draft7Validator
blob = sys.argv[1]; data = open(blob, "rb").read().decode("utf-8", "replace")
def schema(name):
    at = data.find('"$id": "https://json.schemastore.org/%s.json"' % name)
    assert at > 0, name + " schema not found in " + blob
    start = data.rfind("{", 0, at)
    while start >= 0:  # the innermost object around the $id that parses
        try:
            obj, _ = json.JSONDecoder().raw_decode(data[start:])
            if obj.get("$id", "").endswith(name + ".json"):
                return obj
        except ValueError:
            pass
        start = data.rfind("{", 0, start)
    raise AssertionError(name + " schema does not parse")
for path, name in ((sys.argv[2], "github-action"), (sys.argv[3], "github-workflow")):
    document = yaml.safe_load(open(path))
    # YAML 1.1 reads the key `on:` as True; GitHub reads it as "on".
    if True in document: document["on"] = document.pop(True)
    errors = list(Draft7Validator(schema(name)).iter_errors(document))
    for e in errors: print(path, list(e.path), e.message, file=sys.stderr)
    assert not errors, path
    print(f"jsonschema: {path} valid against {name}.json")
PY
  fail "python3-jsonschema rejected action.yml or the workflow"

# What the README and the action promise each other: every input the action declares is
# used by its steps.
python3 - "$root/action.yml" <<'PY' || fail "action.yml inputs and steps disagree"
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
steps = yaml.safe_dump(action["runs"]["steps"])
unused = [name for name in action["inputs"] if "inputs." + name not in steps]
if unused:
    sys.exit("inputs not used by any step: " + ", ".join(unused))
PY
echo "1 passed, 0 failed"
