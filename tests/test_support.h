#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "analyzer/source_text.h"
#include "rules/finding.h"
#include "cli/lint_driver.h"
#include "rules/lint_engine.h"

namespace mal::test {

inline std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path sourceDir() { return MAL_SOURCE_DIR; }
inline std::filesystem::path sharedDir() { return MAL_SHARED_DIR; }

// Generated test data (real ELF samples, image fixtures): $MAL_TEST_DATA, set by CTest to
// the build directory; empty when unset.
inline std::filesystem::path testData(const char* name) {
  const char* root = std::getenv("MAL_TEST_DATA");
  return root ? std::filesystem::path(root) / name : std::filesystem::path();
}

// The same, for a test that cannot run without it.
#define MAL_REQUIRE_TEST_DATA(name)                          \
  [] {                                                       \
    std::filesystem::path dir = ::mal::test::testData(name); \
    REQUIRE(std::filesystem::is_directory(dir));             \
    return dir;                                              \
  }()

// `# expect: MA110 MA140` comments: each names the rules expected on the next line that is
// neither blank nor a comment. `# fixture-platforms: linux/amd64,...` sets the targets.
struct Expectation {
  std::string rule;
  int line;
};

inline std::vector<Expectation> expectations(const SourceText& source, std::vector<Platform>& platforms) {
  static const std::regex kExpect(R"(^\s*#\s*expect:\s*(.*)$)");
  static const std::regex kPlatforms(R"(^\s*#\s*fixture-platforms:\s*(\S+)\s*$)");
  auto skippable = [&](int line) {
    const std::string_view t = source.lineText(line);
    const size_t first = t.find_first_not_of(" \t\r");
    return first == std::string_view::npos || t[first] == '#';
  };
  std::vector<Expectation> out;
  for (int line = 1; line <= source.lineCount(); ++line) {
    const std::string text(source.lineText(line));
    std::smatch m;
    if (std::regex_match(text, m, kPlatforms)) {
      std::vector<std::string> errors;
      platforms = parsePlatformList(m[1].str(), errors);
    }
    if (!std::regex_match(text, m, kExpect)) continue;
    int target = line + 1;
    while (target <= source.lineCount() && skippable(target)) ++target;
    std::istringstream ids(m[1].str());
    for (std::string id; ids >> id;) out.push_back({id, target});
  }
  return out;
}

inline std::vector<Finding> lint(const std::string& dockerfile, std::vector<Platform> platforms = defaultTargetPlatforms(),
                                 const cli::BaseImageLookup* lookup = nullptr, const cli::DownloadProbe* probe = nullptr) {
  rules::LintSettings settings;
  settings.platforms = std::move(platforms);
  return cli::lintDockerfile(SourceText("Dockerfile", dockerfile), settings, nullptr, lookup, probe).findings;
}

// Stand-in server answers for the examples of the lint --probe-downloads rule (MA147):
// amd64-only.example.com has only the amd64/x86_64 assets, multi.example.com has every
// asset, flaky.example.com answers 503. The real prober is tested against real servers
// (tests/probe_downloads_end_to_end.sh).
inline const cli::DownloadProbe& standInDownloadServer() {
  static const cli::DownloadProbe probe = [](const std::vector<std::string>& urls) {
    using State = dockerfile::UrlAnswer::State;
    dockerfile::DownloadAnswers answers;
    for (const auto& url : urls) {
      auto& a = answers[url];
      const std::string host = "://amd64-only.example.com/";
      if (const size_t at = url.find(host); at != std::string::npos) {
        const std::string path = url.substr(at + host.size());
        const bool amd64 = path.find("amd64") != std::string::npos || path.find("x86_64") != std::string::npos;
        a = {amd64 ? State::Exists : State::Missing, amd64 ? 200L : 404L, ""};
      } else if (url.find("://multi.example.com/") != std::string::npos) {
        a = {State::Exists, 200, ""};
      } else {
        a = {State::Unknown, 503, "HTTP 503"};
      }
    }
    return answers;
  };
  return probe;
}

// Stand-in registry answers for the examples of the lint --resolve rules (MA104, MA105);
// the real lookups are tested against a real registry (tests/registry_end_to_end.sh).
inline const cli::BaseImageLookup& standInRegistry() {
  static const cli::BaseImageLookup lookup = [](const std::string& image) -> std::optional<registry::BaseImageFacts> {
    const auto all =
        std::vector<Platform>{*parsePlatform("linux/amd64"),   *parsePlatform("linux/arm64"), *parsePlatform("linux/arm/v7"),
                              *parsePlatform("linux/ppc64le"), *parsePlatform("linux/s390x"), *parsePlatform("linux/riscv64")};
    const auto amd64 = std::vector<Platform>{*parsePlatform("linux/amd64")};
    const std::string multi = "registry.example.com/multi";
    if (image == "registry.example.com/amd64-only:1") return registry::BaseImageFacts{image, true, amd64};
    if (image == "registry.example.com/single:1") return registry::BaseImageFacts{image, false, amd64};
    if (image == multi + ":1") return registry::BaseImageFacts{image, true, all};
    if (image == multi + "@sha256:" + std::string(64, 'a')) return registry::BaseImageFacts{image, false, amd64};
    if (image == multi + "@sha256:" + std::string(64, 'b')) return registry::BaseImageFacts{image, true, all};
    return std::nullopt;
  };
  return lookup;
}

// A rule's documented example (RuleInfo::example): a Dockerfile, then one comment line
// `# MA110: message` or `# MA106 with --platform linux/arm/v7: message` holding the
// message the rule prints on it. The catalogue tests run the Dockerfile and require that
// exact message, so the docs show what the tool really says.
struct DocExample {
  std::string dockerfile;
  std::string rule;
  std::vector<Platform> platforms = defaultTargetPlatforms();
  std::string message;
  bool wellFormed = false;
};

inline DocExample docExample(std::string_view example) {
  DocExample out;
  const size_t lastLine = example.rfind("\n# ");
  if (lastLine == std::string_view::npos) return out;
  out.dockerfile = std::string(example.substr(0, lastLine + 1));
  const std::string_view comment = example.substr(lastLine + 3);
  const size_t colon = comment.find(": ");
  if (colon == std::string_view::npos) return out;
  const std::string_view head = comment.substr(0, colon);
  out.rule = std::string(head.substr(0, head.find(' ')));
  constexpr std::string_view kWith = " with --platform ";
  if (const size_t with = head.find(kWith); with != std::string_view::npos) {
    std::vector<std::string> errors;
    out.platforms = parsePlatformList(std::string(head.substr(with + kWith.size())), errors);
    if (!errors.empty()) return out;
  }
  out.message = std::string(comment.substr(colon + 2));
  out.wellFormed = out.rule.size() == 5 && !out.message.empty() && out.dockerfile.find("FROM ") != std::string::npos;
  return out;
}

// The messages `rule` gives on `findings`, for a failing check to show.
inline std::string messagesOf(const std::vector<Finding>& findings, std::string_view rule) {
  std::string out;
  for (const auto& f : findings) {
    if (f.ruleId == rule) out += "  " + f.ruleId + ": " + f.message + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

inline std::vector<std::string> ruleIds(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  ids.reserve(findings.size());
  for (const auto& f : findings) ids.push_back(f.ruleId);
  return ids;
}

}  // namespace mal::test
