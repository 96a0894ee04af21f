#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "analyzer/source_text.h"
#include "rules/finding.h"
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

inline std::vector<Finding> lint(const std::string& dockerfile,
                                 std::vector<Platform> platforms = defaultTargetPlatforms()) {
  rules::LintSettings settings;
  settings.platforms = std::move(platforms);
  return rules::lintDockerfile(SourceText("Dockerfile", dockerfile), settings);
}

inline std::vector<std::string> ruleIds(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.ruleId);
  return ids;
}

}  // namespace mal::test
