// The catalogue test (ShellCheck's verify / verifyNot): every rule's `bad` snippets fire
// it, its `good` snippets stay silent, and its docs are complete. docs/rules.md is the
// generated catalogue and must match the code.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "cli/commands.h"
#include "rules/catalog.h"
#include "rules/documented_example.h"
#include "test_support.h"

using namespace mal;

TEST_CASE("every rule has an id, a slug, complete docs and examples", "[rules][catalog]") {
  std::set<std::string_view> ids, slugs;
  for (const auto* rule : rules::allRules()) {
    INFO(rule->id);
    CHECK(ids.insert(rule->id).second);
    CHECK(slugs.insert(rule->slug).second);
    CHECK(rule->id.size() == 5);
    CHECK_FALSE(rule->summary.empty());
    CHECK_FALSE(rule->what.empty());
    CHECK_FALSE(rule->why.empty());
    // What `rules ID` shows: typed, or generated from the rule's runnable example.
    CHECK_FALSE(rules::documentedExample(*rule).empty());
    CHECK((!rule->example.empty() || rules::exampleIsGenerated(*rule)));
    CHECK_FALSE(rule->fix.empty());
    if (rule->analysis == rules::Analysis::Dockerfile) {
      CHECK((rule->needsBuildContext || !rule->bad.empty()));
      CHECK_FALSE(rule->good.empty());
    }
    CHECK(rules::findRule(rule->id) == rule);
    CHECK(rules::findRule(rule->slug) == rule);
  }
}

TEST_CASE("every bad example fires its rule and every good example stays silent", "[rules][catalog]") {
  for (const auto* rule : rules::allRules()) {
    if (rule->analysis != rules::Analysis::Dockerfile) continue;  // image rules: tests/image
    for (const auto bad : rule->bad) {
      INFO(rule->id << " bad example:\n" << bad);
      const auto ids = test::ruleIds(
          test::lint(std::string(bad), defaultTargetPlatforms(), &test::standInRegistry(), &test::standInDownloadServer()));
      CHECK(std::count(ids.begin(), ids.end(), std::string(rule->id)) >= 1);
      if (rule->needsRegistry) {  // and silent without --resolve
        const auto offline = test::ruleIds(test::lint(std::string(bad)));
        CHECK(std::count(offline.begin(), offline.end(), std::string(rule->id)) == 0);
      }
      if (rule->needsDownloadProbe) {  // and silent without --probe-downloads
        const auto offline = test::ruleIds(test::lint(std::string(bad)));
        CHECK(std::count(offline.begin(), offline.end(), std::string(rule->id)) == 0);
      }
    }
    for (const auto good : rule->good) {
      INFO(rule->id << " good example:\n" << good);
      const auto ids = test::ruleIds(
          test::lint(std::string(good), defaultTargetPlatforms(), &test::standInRegistry(), &test::standInDownloadServer()));
      CHECK(std::count(ids.begin(), ids.end(), std::string(rule->id)) == 0);
    }
  }
}

TEST_CASE("docs/rules.md is the output of `rules --format markdown`", "[rules][docs]") {
  std::stringstream in, out, err;
  REQUIRE(cli::runRules({"", "markdown"}, {in, out, err}) == 0);
  const std::string committed = test::readFile(test::sourceDir() / "docs/rules.md");
  INFO("regenerate with: multiarch-lint rules --format markdown > docs/rules.md");
  CHECK(committed == out.str());
}
