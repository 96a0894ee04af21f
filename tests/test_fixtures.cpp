// The data-driven fixture runner: fixtures/rules/*.Dockerfile (and the demo) carry their
// expectations as `# expect: MA110` comments above the lines they concern.
#include <catch2/catch.hpp>

#include <map>
#include <regex>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/text_util.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

using test::Expectation;

// A finding meets an expectation on its line, or anywhere in the instruction starting there.
bool meets(const Finding& f, const Expectation& e, const dockerfile::ParsedDockerfile* file) {
  if (f.ruleId != e.rule) return false;
  if (f.location.line == e.line) return true;
  if (!file) return false;
  for (const auto& in : file->instructions) {
    if (in.startLine == e.line) return f.location.line >= in.startLine && f.location.line <= in.endLine;
  }
  return false;
}

void runFixture(const fs::path& path) {
  INFO("fixture " << path.filename().string());
  const SourceText source(path.string(), test::readFile(path));
  std::vector<Platform> platforms = defaultTargetPlatforms();
  auto expected = test::expectations(source, platforms);
  rules::LintSettings settings;
  settings.platforms = platforms;
  // As the CLI gives it: the file's directory from the root (here the source tree), which
  // names a cross-toolchain image's target (`builders/linux.aarch64/`).
  settings.ruleOptions.dockerfileDirectoryFromRoot = path.parent_path().lexically_relative(test::sourceDir()).generic_string();
  const auto findings = rules::lintDockerfile(source, settings);
  const auto parsed = dockerfile::parse(source);
  const auto* file = parsed.dockerfile ? &*parsed.dockerfile : nullptr;
  for (const auto& f : findings) {
    const auto it = std::find_if(expected.begin(), expected.end(), [&](const Expectation& e) { return meets(f, e, file); });
    if (it != expected.end()) {
      expected.erase(it);
      continue;
    }
    FAIL_CHECK("unexpected " << f.ruleId << " at line " << f.location.line << ": " << f.message);
  }
  for (const auto& e : expected) FAIL_CHECK("expected " << e.rule << " at line " << e.line << ", none found");
}

}  // namespace

TEST_CASE("rule fixtures: findings sit exactly where the fixtures expect them", "[rules][fixtures]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(test::sourceDir() / "fixtures/rules")) {
    if (entry.path().extension() == ".Dockerfile") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const auto& path : files) runFixture(path);
}

TEST_CASE("MA111 points at the COPY that brought a one-architecture package into the stage", "[rules][MA111]") {
  const auto path = test::sourceDir() / "fixtures/rules/MA111-package-copied-from-native-stage.Dockerfile";
  const auto findings = rules::lintDockerfile(SourceText(path.string(), test::readFile(path)), {});
  const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.ruleId == "MA111"; });
  REQUIRE(it != findings.end());
  CHECK(it->location.line == 16);
  REQUIRE(it->related.size() == 1);
  CHECK(it->related[0].location.line == 14);
  CHECK(it->related[0].message == "copied here from 'stage-compile'");
  // A package the RUN itself fetched has no COPY to point at.
  const auto fetched =
      rules::lintDockerfile(SourceText("Dockerfile", "FROM debian\nRUN dpkg -i /tmp/vendor-agent_2.1_amd64.deb\n"), {});
  REQUIRE(fetched.size() == 1);
  CHECK(fetched[0].ruleId == "MA111");
  CHECK(fetched[0].location.line == 2);
  CHECK(fetched[0].related.empty());
}

TEST_CASE("MA120 quotes the path of a default value without the operator's dash", "[rules][MA120]") {
  // weatheredwatcher/container-siege (Part ZZB): `ENV SSL_PATH=${SSL_PATH:-/usr/lib/x86_64-linux-gnu}`
  // was quoted as '-/usr/lib/x86_64-linux-gnu'.
  const auto findings = rules::lintDockerfile(
      SourceText("Dockerfile", "FROM ubuntu:22.04\nENV SSL_PATH=${SSL_PATH:-/usr/lib/x86_64-linux-gnu}\nRUN ls $SSL_PATH\n"), {});
  const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.ruleId == "MA120"; });
  REQUIRE(it != findings.end());
  CHECK(it->message.find("'/usr/lib/x86_64-linux-gnu'") != std::string::npos);
  CHECK(it->message.find("'-/usr") == std::string::npos);
}

TEST_CASE("the demo gives MA110 and MA150 on their lines, the fixed twin gives nothing", "[demo]") {
  const auto demo = test::sourceDir() / "fixtures/demo/Dockerfile";
  const auto findings = rules::lintDockerfile(SourceText(demo.string(), test::readFile(demo)), {});
  std::map<std::string, std::vector<int>> lines;
  for (const auto& f : findings) lines[f.ruleId].push_back(f.location.line);
  // These and no other finding.
  CHECK(lines == std::map<std::string, std::vector<int>>{{"MA110", {21}}, {"MA140", {26}}, {"MA150", {13, 16}}});
  const auto fixed = test::sourceDir() / "fixtures/demo/Dockerfile.fixed";
  CHECK(rules::lintDockerfile(SourceText(fixed.string(), test::readFile(fixed)), {}).empty());
}
