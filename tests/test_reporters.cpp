#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

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
  CHECK(rulesJson.size() == rules::allRules().size());
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
  CHECK(run["invocations"][0]["toolExecutionNotifications"].size() == 1);
}

TEST_CASE("github: workflow commands with escaped properties", "[report]") {
  std::ostringstream out;
  report::writeGithub(sampleReport(), out);
  CHECK(out.str().find("::error file=dir with space/Dockerfile,line=2,col=48,endLine=2,endColumn=53,"
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
