#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "report/report_util.h"
#include "report/reporter.h"
#include "rules/catalog.h"
#include "test_support.h"

using namespace mal;

namespace {

report::Report sampleReport() {
  report::Report r;
  r.rules = rules::allRules();
  const std::string dockerfile = "FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n";
  rules::LintSettings settings;
  r.inputs.push_back({"dir with space/Dockerfile",
                      rules::lintDockerfile(SourceText("dir with space/Dockerfile", dockerfile), settings), std::nullopt});
  r.inputs.push_back({"missing/Dockerfile", {}, std::string("cannot read: No such file or directory")});
  return r;
}

}  // namespace

TEST_CASE("text: compiler-style line, the source line and a caret under the range", "[report]") {
  std::ostringstream out;
  report::writeText(sampleReport(), out, {false});
  const std::string text = out.str();
  CHECK(text.find("dir with space/Dockerfile:2:48: error: downloads the linux/amd64 build") == 0);
  CHECK(text.find("[MA110 arch-specific-download]\n") != std::string::npos);
  CHECK(text.find(" 2 | RUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n") != std::string::npos);
  CHECK(text.find("   | " + std::string(47, ' ') + "^~~~~\n") != std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);  // no colour unless asked
  std::ostringstream coloured;
  report::writeText(sampleReport(), coloured, {true});
  CHECK(coloured.str().find("\033[1;31merror") != std::string::npos);
}

TEST_CASE("json: the documented schema", "[report]") {
  std::ostringstream out;
  report::writeJson(sampleReport(), out);
  const auto doc = nlohmann::json::parse(out.str());
  CHECK(doc["schemaVersion"] == 1);
  REQUIRE(doc["findings"].size() == 1);
  const auto& f = doc["findings"][0];
  CHECK(f["rule"] == "MA110");
  CHECK(f["name"] == "arch-specific-download");
  CHECK(f["severity"] == "error");
  CHECK(f["location"]["path"] == "dir with space/Dockerfile");
  CHECK(f["location"]["line"] == 2);
  CHECK(f["location"]["column"] == 48);
  CHECK(f["location"]["endLine"] == 2);
  CHECK(f["location"]["endColumn"] == 53);
  CHECK(doc["errors"][0]["path"] == "missing/Dockerfile");
}

TEST_CASE("sarif: rule metadata, ruleIndex, regions, notifications", "[report][sarif]") {
  std::ostringstream out;
  report::writeSarif(sampleReport(), out);
  const auto doc = nlohmann::json::parse(out.str());
  CHECK(doc["version"] == "2.1.0");
  const auto& run = doc["runs"][0];
  const auto& rulesJson = run["tool"]["driver"]["rules"];
  // Every rule of the catalogue, in its order (ruleIndex points into this list).
  std::vector<std::string> ids, catalogueIds;
  for (const auto& rule : rulesJson) ids.push_back(rule["id"]);
  for (const auto* rule : rules::allRules()) catalogueIds.emplace_back(rule->id);
  CHECK(ids == catalogueIds);
  const auto& result = run["results"][0];
  const int index = result["ruleIndex"];
  CHECK(rulesJson[index]["id"] == "MA110");
  CHECK(rulesJson[index]["name"] == "ArchSpecificDownload");
  CHECK(rulesJson[index]["defaultConfiguration"]["level"] == "error");
  CHECK_FALSE(rulesJson[index]["help"]["text"].get<std::string>().empty());
  const auto& location = result["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "dir%20with%20space/Dockerfile");
  CHECK(location["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(location["region"]["startColumn"] == 48);
  CHECK(location["region"]["endColumn"] == 53);
  CHECK(run["columnKind"] == "unicodeCodePoints");
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
  // The unreadable input is a notification that names it and says why.
  const auto& notes = run["invocations"][0]["toolExecutionNotifications"];
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["level"] == "error");
  CHECK(notes[0]["message"]["text"] == "cannot read: No such file or directory");
  CHECK(notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing/Dockerfile");
}

TEST_CASE("github: workflow commands with escaped properties", "[report]") {
  std::ostringstream out;
  report::writeGithub(sampleReport(), out);
  CHECK(out.str().find("::error file=dir with space/Dockerfile,line=2,endLine=2,col=48,endColumn=53,"
                       "title=MA110 arch-specific-download::downloads") == 0);
}

TEST_CASE("checkstyle and gitlab are well-formed", "[report]") {
  std::ostringstream xml, gitlab;
  report::writeCheckstyle(sampleReport(), xml);
  CHECK(xml.str().find("<error line=\"2\" column=\"48\" severity=\"error\"") != std::string::npos);
  report::writeGitlab(sampleReport(), gitlab);
  const auto doc = nlohmann::json::parse(gitlab.str());
  CHECK(doc[0]["check_name"] == "MA110");
  CHECK(doc[0]["location"]["lines"]["begin"] == 2);
  CHECK(doc[0]["fingerprint"].get<std::string>().size() == 64);
}

namespace {

report::Report lintReport(const std::string& path, const std::string& dockerfile) {
  report::Report r;
  r.rules = rules::allRules();
  rules::LintSettings settings;
  settings.platforms = {*parsePlatform("linux/amd64"), *parsePlatform("linux/arm64"), *parsePlatform("linux/arm/v7")};
  for (const auto& p : settings.platforms) r.targetPlatforms.push_back(p.str());
  r.inputs.push_back({path, rules::lintDockerfile(SourceText(path, dockerfile), settings), std::nullopt});
  r.failAt = Severity::Info;
  return r;
}

const std::string kTwoDownloads =
    "FROM debian\n"
    "RUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n"
    "RUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n"
    "RUN apt-get install -y libc6:arm64\n";

// Runs a python3 check on `document` (in a temporary file, argv[1]): true when it exits 0.
bool parsedByPython(const std::string& document, const char* script) {
  char name[] = "/tmp/mal-report-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return false;
  close(fd);
  std::ofstream(name, std::ios::binary) << document;
  const std::string command = "python3 -c '" + std::string(script) + "' " + name + " 2>&1";
  const int status = std::system(command.c_str());
  std::remove(name);
  return status == 0;
}

// JUnit: Python's XML parser, and the document is a <testsuites> of <testsuite>s.
constexpr const char* kJunitParses =
    "import sys, xml.etree.ElementTree as E\n"
    "root = E.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == \"testsuites\" and all(s.tag == \"testsuite\" for s in root), root.tag";
// HTML: Python's HTML tokenizer; every element but the void ones is closed, in order, and
// no markup is left unparsed at the end.
constexpr const char* kHtmlParses =
    "import sys\n"
    "from html.parser import HTMLParser\n"
    "VOID = {\"meta\", \"br\", \"hr\", \"img\", \"input\", \"link\", \"wbr\", \"col\", \"area\", \"base\", "
    "\"source\"}\n"
    "class P(HTMLParser):\n"
    "  def __init__(self):\n"
    "    super().__init__(); self.open = []\n"
    "  def handle_starttag(self, tag, attrs):\n"
    "    if tag not in VOID: self.open.append(tag)\n"
    "  def handle_endtag(self, tag):\n"
    "    assert self.open and self.open.pop() == tag, (tag, self.open[-3:])\n"
    "p = P(); p.feed(open(sys.argv[1], encoding=\"utf-8\").read()); p.close()\n"
    "assert not p.open and not p.rawdata, (p.open, p.rawdata[:80])";

bool validUtf8Without(const std::string& s, bool forbidControls) {
  if (report::validUtf8(s) != s) return false;
  for (const char c : s) {
    if (forbidControls && static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

TEST_CASE("findings carry the platforms they break, in JSON and SARIF", "[report]") {
  const auto r = lintReport("Dockerfile", kTwoDownloads);
  REQUIRE(r.inputs[0].findings.size() == 3);
  CHECK(platformList(r.inputs[0].findings[0].breaks) == "linux/arm64, linux/arm/v7");
  CHECK(platformList(r.inputs[0].findings[2].breaks) == "linux/amd64, linux/arm/v7");
  std::ostringstream json, sarif;
  report::writeJson(r, json);
  report::writeSarif(r, sarif);
  CHECK(nlohmann::json::parse(json.str())["findings"][0]["breaks"] == nlohmann::json({"linux/arm64", "linux/arm/v7"}));
  CHECK(nlohmann::json::parse(json.str())["targetPlatforms"] == nlohmann::json({"linux/amd64", "linux/arm64", "linux/arm/v7"}));
  const auto run = nlohmann::json::parse(sarif.str())["runs"][0];
  CHECK(run["results"][2]["properties"]["breaks"] == nlohmann::json({"linux/amd64", "linux/arm/v7"}));
  CHECK(run["automationDetails"]["id"] == "multiarch-lint/lint/");
  CHECK(run["results"][0]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == "amd64");
  const int index = run["results"][0]["ruleIndex"];
  CHECK(run["tool"]["driver"]["rules"][index]["properties"]["precision"] == "high");
  CHECK(run["tool"]["driver"]["rules"][index]["properties"]["problem.severity"] == "error");
}

TEST_CASE("fingerprints survive a line inserted above, and tell equal findings apart", "[report]") {
  const auto before = lintReport("Dockerfile", kTwoDownloads);
  const auto after = lintReport("Dockerfile", "# a comment\n" + kTwoDownloads);
  const auto a = report::fingerprints(before, before.inputs[0]);
  const auto b = report::fingerprints(after, after.inputs[0]);
  CHECK(after.inputs[0].findings[0].location.line == before.inputs[0].findings[0].location.line + 1);
  CHECK(a == b);
  CHECK(a[0] != a[1]);  // the same download twice: two findings, two fingerprints
  std::ostringstream g1, g2, s1, s2;
  report::writeGitlab(before, g1);
  report::writeGitlab(after, g2);
  for (size_t i = 0; i < 3; ++i)
    CHECK(nlohmann::json::parse(g1.str())[i]["fingerprint"] == nlohmann::json::parse(g2.str())[i]["fingerprint"]);
  report::writeSarif(before, s1);
  report::writeSarif(after, s2);
  CHECK(nlohmann::json::parse(s1.str())["runs"][0]["results"][1]["partialFingerprints"] ==
        nlohmann::json::parse(s2.str())["runs"][0]["results"][1]["partialFingerprints"]);
}

TEST_CASE("paths are made relative to the repository root", "[report]") {
  auto r = lintReport("../Dockerfile", kTwoDownloads);
  r.workingDirectory = "/repo/sub";
  r.rootDirectory = "/repo";
  CHECK(report::repoPath(r, "../Dockerfile") == "Dockerfile");
  CHECK(report::repoPath(r, "./x/Dockerfile") == "sub/x/Dockerfile");
  CHECK(report::repoPath(r, "/elsewhere/Dockerfile") == "/elsewhere/Dockerfile");
  CHECK(report::repoPath(r, "-", "Dockerfile") == "Dockerfile");
  r.references.insert("ghcr.io/org/app:1");
  CHECK(report::repoPath(r, "ghcr.io/org/app:1") == "ghcr.io/org/app:1");
  std::ostringstream sarif;
  report::writeSarif(r, sarif);
  const auto run = nlohmann::json::parse(sarif.str())["runs"][0];
  CHECK(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile");
  CHECK(run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///repo/");
  CHECK(run["invocations"][0]["workingDirectory"]["uri"] == "file:///repo/sub/");
}

TEST_CASE("github: most severe first, ten annotations per level, then one summary line", "[report]") {
  std::string dockerfile = "FROM debian\n";
  for (int i = 0; i < 12; ++i) dockerfile += "RUN curl -O https://example.com/linux/amd64/tool" + std::to_string(i) + "\n";
  // A switch that misses linux/arm/v7 and has no failing default (MA143, a warning).
  for (int i = 0; i < 3; ++i)
    dockerfile +=
        "RUN case \"$(uname -m)\" in x86_64) A=x86_64 ;; aarch64) A=aarch64 ;; esac; curl -fsSLO "
        "\"https://example.com/t-$A-" +
        std::to_string(i) + ".tgz\"\n";
  const auto r = lintReport("Dockerfile", dockerfile);
  std::ostringstream out;
  report::writeGithub(r, out);
  const std::string text = out.str();
  size_t errors = 0, warnings = 0, plain = 0;
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (line.rfind("::error ", 0) == 0) ++errors;
    else if (line.rfind("::warning ", 0) == 0) ++warnings;
    else if (line.rfind("Dockerfile:", 0) == 0) ++plain;
    last = line;
  }
  CHECK(errors == 10);
  CHECK(warnings == 3);
  CHECK(plain == 2);
  CHECK(text.find("::warning") > text.rfind("::error"));
  CHECK(last ==
        "multiarch-lint: 12 error(s), 3 warning(s), 0 note(s) in 1 file(s); 2 printed above without an annotation "
        "(a runner shows 10 per level per step)");
  std::ostringstream summary;
  report::writeGithubStepSummary(r, summary);
  CHECK(summary.str().find("| error | MA110 arch-specific-download | `Dockerfile:2` |") != std::string::npos);

  // A summary over 1 MiB is refused: the table stops at 1,000 rows.
  report::Report many;
  many.rules = rules::allRules();
  many.inputs.push_back({"Dockerfile", std::vector<Finding>(1200, r.inputs[0].findings[0]), std::nullopt});
  std::ostringstream big;
  report::writeGithubStepSummary(many, big);
  CHECK(big.str().find("\n200 more finding(s) not listed here") != std::string::npos);
  CHECK(big.str().size() < 1024 * 1024);
}

TEST_CASE("github: no column on a multi-line region", "[report]") {
  report::Report r;
  r.rules = rules::allRules();
  Finding f;
  f.ruleId = "MA141";
  f.slug = "buildplatform-stage-builds-for-host";
  f.severity = Severity::Error;
  f.message = "m";
  f.location = {"Dockerfile", 3, 5, 6, 2};
  r.inputs.push_back({"Dockerfile", {f}, std::nullopt});
  std::ostringstream out;
  report::writeGithub(r, out);
  CHECK(out.str().find("::error file=Dockerfile,line=3,endLine=6,title=") == 0);
}

TEST_CASE("gitlab: an input that could not be read is an entry", "[report]") {
  std::ostringstream out;
  report::writeGitlab(sampleReport(), out);
  const auto doc = nlohmann::json::parse(out.str());
  REQUIRE(doc.size() == 2);
  CHECK(doc[0]["check_name"] == "MA110");
  CHECK(doc[0]["location"]["path"] == "dir with space/Dockerfile");
  CHECK(doc[1]["check_name"] == "multiarch-lint/input-error");
  CHECK(doc[1]["location"]["path"] == "missing/Dockerfile");
}

TEST_CASE("checkstyle: source names the category and the rule", "[report]") {
  std::ostringstream out;
  report::writeCheckstyle(sampleReport(), out);
  CHECK(out.str().find("source=\"multiarch-lint.dockerfile.MA110\"") != std::string::npos);
  CHECK(out.str().find("source=\"multiarch-lint.input.input-error\"") != std::string::npos);
  // Read back by an XML parser (the well-formedness the case above names, but only searched):
  // each input a <file>, its finding or its error an <error> in it.
  CHECK(parsedByPython(out.str(),
                       "import sys, xml.etree.ElementTree as E\n"
                       "root = E.parse(sys.argv[1]).getroot()\n"
                       "got = [(f.get(\"name\"), e.get(\"line\"), e.get(\"source\")) for f in root for e in f]\n"
                       "assert root.tag == \"checkstyle\" and got == [(\"dir with space/Dockerfile\", \"2\", "
                       "\"multiarch-lint.dockerfile.MA110\"), (\"missing/Dockerfile\", \"0\", "
                       "\"multiarch-lint.input.input-error\")], got"));
}

TEST_CASE("junit: a testsuite per input, a testcase per platform", "[report]") {
  auto r = lintReport("Dockerfile", kTwoDownloads);
  r.inputs.push_back({"missing/Dockerfile", {}, std::string("cannot read: No such file or directory")});
  std::ostringstream out;
  report::writeJunit(r, out);
  const std::string xml = out.str();
  CHECK(xml.find("<testsuites name=\"multiarch-lint lint\" tests=\"6\" failures=\"3\" errors=\"3\">") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"Dockerfile\" name=\"linux/arm64\">\n      <failure type=\"MA110\" "
                 "message=\"2 finding(s) for linux/arm64") != std::string::npos);
  CHECK(xml.find("<error type=\"input-error\"") != std::string::npos);
}

TEST_CASE("html: the matrix says what each platform gets", "[report]") {
  const auto r = lintReport("Dockerfile", kTwoDownloads);
  std::ostringstream out;
  report::writeHtml(r, out);
  const std::string html = out.str();
  CHECK(html.find("<td data-platform=\"linux/amd64\" class=\"breaks\" data-status=\"breaks\" data-errors=\"1\"") !=
        std::string::npos);
  CHECK(html.find("<td data-platform=\"linux/arm64\" class=\"breaks\" data-status=\"breaks\" data-errors=\"2\"") !=
        std::string::npos);
  CHECK(html.find("<td data-platform=\"linux/arm/v7\" class=\"breaks\" data-status=\"breaks\" data-errors=\"3\"") !=
        std::string::npos);
  CHECK(html.find("<mark>amd64</mark>") != std::string::npos);
  // Self-contained: nothing a browser would fetch.
  for (const char* fetches : {"<script", "<link", "<img", "src=", "url(", "@import"})
    CHECK(html.find(fetches) == std::string::npos);
}

TEST_CASE("junit and html: any bytes in, valid UTF-8 without control characters out", "[report][property]") {
  std::mt19937 random(12);
  for (int round = 0; round < 200; ++round) {
    std::string bytes = "FROM debian\nRUN curl -O https://x/linux/amd64/";
    const int n = static_cast<int>(random() % 40);
    for (int i = 0; i < n; ++i) bytes += static_cast<char>(random() % 256);
    bytes += "\n";
    std::string path = "dir/";
    path += static_cast<char>(0x80 + random() % 64);
    path += "\x01Dockerfile";
    auto r = lintReport(path, bytes);
    r.inputs.push_back({path + "2", {}, std::string("cannot read: \xff\x02")});
    std::ostringstream junit, html;
    report::writeJunit(r, junit);
    report::writeHtml(r, html);
    REQUIRE(validUtf8Without(junit.str(), true));
    REQUIRE(validUtf8Without(html.str(), true));
    if (round < 20) {  // python3 per round costs ~50 ms
      CHECK(parsedByPython(junit.str(), kJunitParses));
      CHECK(parsedByPython(html.str(), kHtmlParses));
    }
  }
}
