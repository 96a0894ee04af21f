// The negative corpus: official images that are correct multi-arch builds. No error or
// warning may fire on the Linux ones; the Windows ones must parse.
#include <catch2/catch.hpp>

#include "analyzer/dockerfile/ast.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace mal;

TEST_CASE("official-image Dockerfiles: no error or warning on Linux, all parse", "[corpus][official-images]") {
  const fs::path root = test::sharedDir() / "corpora/official-images";
  REQUIRE(fs::is_directory(root));
  rules::LintSettings settings;
  settings.platforms = {*parsePlatform("linux/amd64"),   *parsePlatform("linux/arm64"), *parsePlatform("linux/arm/v7"),
                        *parsePlatform("linux/ppc64le"), *parsePlatform("linux/s390x"), *parsePlatform("linux/386")};
  int files = 0, windows = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "SOURCE.md") continue;
    ++files;
    const std::string path = entry.path().string();
    INFO(path);
    const SourceText source(path, test::readFile(entry.path()));
    const auto parsed = dockerfile::parse(source);
    REQUIRE_FALSE(parsed.error.has_value());
    if (path.find("windows") != std::string::npos) {
      ++windows;
      continue;
    }
    for (const auto& f : rules::lintDockerfile(source, settings)) {
      if (f.severity == Severity::Info) continue;
      FAIL_CHECK(f.ruleId << " at line " << f.location.line << ": " << f.message);
    }
  }
  // Every file the corpus says it holds was linted (its SOURCE.md counts them), not a
  // number copied here that would outlive the corpus.
  const std::string sourceMd = test::readFile(root / "SOURCE.md");
  const std::string marker = "Files: ";
  const size_t at = sourceMd.find(marker);
  REQUIRE(at != std::string::npos);
  CHECK(files == std::stoi(sourceMd.substr(at + marker.size())));
  CHECK(windows > 0);
}
