// Build-context fixtures (fixtures/context/*): real ELF samples placed as context.list
// says, linted with the context read, expectations checked on their lines.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>

#include "analyzer/text_util.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

using test::Expectation;

}  // namespace

TEST_CASE("build-context fixtures: findings sit where the fixtures expect them", "[elf][context][fixtures]") {
  const fs::path samples = MAL_REQUIRE_TEST_DATA("elf-samples");
  int fixtures = 0;
  for (const auto& entry : fs::directory_iterator(test::sourceDir() / "fixtures/context")) {
    if (!entry.is_directory()) continue;
    ++fixtures;
    INFO("fixture " << entry.path().filename().string());
    char tmpl[] = "/tmp/mal-ctx-fixture-XXXXXX";
    const fs::path root = mkdtemp(tmpl);
    fs::copy(entry.path(), root, fs::copy_options::recursive);
    std::istringstream list(test::readFile(entry.path() / "context.list"));
    for (std::string sample, to; list >> sample >> to;) {
      fs::create_directories((root / to).parent_path());
      fs::copy_file(samples / sample, root / to, fs::copy_options::overwrite_existing);
    }
    const SourceText source((root / "Dockerfile").string(), test::readFile(root / "Dockerfile"));
    std::vector<Platform> platforms = defaultTargetPlatforms();
    auto expected = test::expectations(source, platforms);
    rules::LintSettings settings;
    settings.platforms = platforms;
    const cli::ContextSource context{root.string(), (root / "Dockerfile").string()};
    for (const auto& f : cli::lintDockerfile(source, settings, &context).findings) {
      const auto it = std::find_if(expected.begin(), expected.end(),
                                   [&](const Expectation& e) { return e.rule == f.ruleId && e.line == f.location.line; });
      if (it != expected.end()) {
        expected.erase(it);
      } else {
        FAIL_CHECK("unexpected " << f.ruleId << " at line " << f.location.line << ": " << f.message);
      }
    }
    for (const auto& e : expected) FAIL_CHECK("expected " << e.rule << " at line " << e.line << ", none found");
    fs::remove_all(root);
  }
  CHECK(fixtures >= 3);
}
