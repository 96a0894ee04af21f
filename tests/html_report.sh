#!/usr/bin/env bash
# The HTML report rendered by a real browser (Debian's chromium, headless): a screenshot,
# and the rendered DOM checked against the JSON of the same run — every matrix cell's
# status and counts, every finding's article — for a lint run and for a scan; and an
# index's readiness matrix in JUnit (junitparser).
# Usage: html_report.sh BIN IMAGE_FIXTURES [SCREENSHOT_OUT]
set -euo pipefail
bin=$1; images=$2; screenshot_out=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v chromium >/dev/null || { echo "FAIL: chromium missing (scripts/setup installs it)" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Debian's interpreter: the consumers (junitparser, jsonschema, yaml) are its packages.
python3() { /usr/bin/python3 "$@"; }
export XDG_CACHE_HOME=$work/cache

# Runs chromium in the background and waits for it by PID, with a time bound.
browse() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXX")
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --no-first-run --disable-sync --user-data-dir="$profile" "$@" 2>"$work/chromium.log" &
  pid=$!
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill "$pid"; fail "chromium did not finish in 60 s"; fi
  wait "$pid" || { cat "$work/chromium.log" >&2; pid=; fail "chromium failed"; }
  pid=
}

cd "$root"
platforms=linux/amd64,linux/arm64,linux/arm/v7
"$bin" lint --no-config --platform "$platforms" -f html -o "$work/lint.html" fixtures/demo/Dockerfile fixtures/demo/Dockerfile.fixed fixtures/rules || true
"$bin" lint --no-config --platform "$platforms" -f json -o "$work/lint.json" fixtures/demo/Dockerfile fixtures/demo/Dockerfile.fixed fixtures/rules || true
"$bin" scan -f html -o "$work/scan.html" "$images/foreign-so" "$images/good" || true
"$bin" scan -f json -o "$work/scan.json" "$images/foreign-so" "$images/good" || true

# Self-contained: nothing in the file would be fetched.
for f in lint scan; do
  ! grep -Eiq '<(script|link|img|iframe)|src=|url\(|@import' "$work/$f.html" || fail "$f.html refers to something outside itself"
done

for f in lint scan; do
  browse --dump-dom "file://$work/$f.html" >"$work/$f.dom.html"
done
browse --screenshot="$work/lint.png" --window-size=1280,1400 --hide-scrollbars "file://$work/lint.html"
python3 - "$work/lint.png" <<'PY' || fail "screenshot"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert (width, height) == (1280, 1400), (width, height)
assert len(data) > 20000, "blank screenshot"
PY
[ -z "$screenshot_out" ] || cp "$work/lint.png" "$screenshot_out"

python3 - "$work" <<'PY' || fail "the rendered matrix and the JSON disagree"
import json, sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    """Matrix cells (input, platform) -> attributes, finding articles, image rows."""
    def __init__(self):
        super().__init__()
        self.row = None; self.in_matrix = False; self.in_article = 0
        self.cells, self.articles, self.images, self.texts = {}, [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "matrix": self.in_matrix = True
        if tag == "tr" and self.in_matrix and "data-input" in a: self.row = a["data-input"]
        if tag == "td" and self.in_matrix and self.row is not None: self.cells[(self.row, a["data-platform"])] = a
        if tag == "article": self.articles.append(a); self.texts.append(""); self.in_article += 1
        if tag == "tr" and not self.in_matrix and "data-platform" in a: self.images.append(a["data-platform"])
    def handle_endtag(self, tag):
        if tag == "table": self.in_matrix = False
        if tag == "article": self.in_article -= 1
    def handle_data(self, data):
        if self.in_article: self.texts[-1] += data

work = sys.argv[1]
for run in ("lint", "scan"):
    report = json.load(open(f"{work}/{run}.json"))
    dom = Dom(); dom.feed(open(f"{work}/{run}.dom.html").read())
    targets = report.get("targetPlatforms", [])
    expected = {}
    for inp in report["inputs"]:
        platforms = list(targets) + [i["platform"] for i in report.get("images", []) if i["input"] == inp["path"]]
        for p in dict.fromkeys(platforms):
            counts = {"error": 0, "warning": 0, "info": 0}
            for f in report["findings"]:
                if f["location"]["path"] != inp["path"] and f["location"].get("image") != inp["path"]:
                    continue
                where = f["location"].get("platform")
                if (where == p) if where else (p in f.get("breaks", [p])):
                    counts[f["severity"]] += 1
            status = "unreadable" if not inp["analysed"] else "breaks" if counts["error"] else "warns" if counts["warning"] else "works"
            expected[(inp["path"], p)] = (status, counts)
    assert expected, run
    for key, (status, counts) in expected.items():
        cell = dom.cells.get(key)
        assert cell is not None, (run, key, "no cell")
        assert cell["data-status"] == status, (run, key, cell, status)
        if status != "unreadable":
            got = (int(cell["data-errors"]), int(cell["data-warnings"]), int(cell["data-notes"]))
            assert got == (counts["error"], counts["warning"], counts["info"]), (run, key, got, counts)
    assert len(dom.articles) == len(report["findings"]), (run, len(dom.articles), len(report["findings"]))
    assert [a["data-rule"] for a in dom.articles] == [f["rule"] for f in report["findings"]], run
    # Each finding's own message is what its article says (not only the right rule in the
    # right order): whitespace aside, as the browser lays it out.
    squash = lambda text: " ".join(text.split())
    for article_text, f in zip(dom.texts, report["findings"]):
        assert squash(f["message"]) in squash(article_text), (run, f["rule"], f["message"], article_text[:300])
    if run == "scan":
        assert sorted(dom.images) == sorted(i["platform"] for i in report["images"]), dom.images
    statuses = {}
    for status, _ in expected.values(): statuses[status] = statuses.get(status, 0) + 1
    # Both runs hold a broken input and a clean one (the demo and its fixed twin, foreign-so
    # and good): two empty reports, or two all-clean ones, would agree as well.
    assert report["findings"] and {"breaks", "works"} <= set(statuses), (run, statuses)
    print(f"{run}: {len(expected)} matrix cells agree with the JSON ({statuses}), {len(dom.articles)} findings rendered")
PY
# The same matrix in JUnit for an index: the missing platform is the failing testcase.
"$bin" manifest -f junit -o "$work/manifest.xml" "$images/index-missing-platform" || true
python3 - "$work/manifest.xml" <<'PY' || fail "manifest junit"
import sys
from junitparser import JUnitXml
cases = {c.name: c for suite in JUnitXml.fromfile(sys.argv[1]) for c in suite}
assert set(cases) == {"linux/amd64", "linux/arm64"}, cases.keys()
assert not cases["linux/amd64"].result, cases["linux/amd64"].result
assert cases["linux/arm64"].result[0].type == "MA301", cases["linux/arm64"].result
PY
echo "$(chromium --version 2>/dev/null | head -1) rendered both reports"
echo "1 passed, 0 failed"
