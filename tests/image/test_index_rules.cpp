// The index rules (MA3xx) and `manifest` on OCI layouts: each fixture isolates one defect.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include "analyzer/image/index_reader.h"
#include "rules/catalog.h"
#include "rules/documented_example.h"
#include "rules/index/example_models.h"
#include "rules/scan_engine.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

fs::path fixtures() { return MAL_REQUIRE_TEST_DATA("image-fixtures"); }

std::vector<std::pair<std::string, std::string>> check(const std::string& name) {
  const auto index = image::readIndex((fixtures() / name).string());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : rules::indexFindings(index, defaultTargetPlatforms(), {})) out.emplace_back(f.ruleId, f.location.pointer);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("the good multi-arch index: no findings, attestations understood", "[index]") {
  CHECK(check("good").empty());
  CHECK(check("good.tar").empty());
  CHECK(check("docker-media-types").empty());
  const auto index = image::readIndex((fixtures() / "good").string());
  // amd64, its attestation, arm64, its attestation (as buildx writes them).
  REQUIRE(index.entries.size() == 4);
  CHECK(index.entries[0].config->architecture == "amd64");
  CHECK(index.entries[1].descriptor.isAttestation());
  CHECK(index.entries[2].config->architecture == "arm64");
  CHECK(index.entries[3].descriptor.isAttestation());
  CHECK_FALSE(index.entries[0].descriptor.isAttestation());
  CHECK_FALSE(index.entries[2].descriptor.isAttestation());
}

TEST_CASE("each index defect gives its rule at its JSON pointer", "[index]") {
  CHECK(check("index-missing-platform") == Pairs{{"MA301", "/manifests"}});
  CHECK(check("index-single-platform") == Pairs{{"MA302", "/manifests/0"}});
  CHECK(check("index-mislabeled") == Pairs{{"MA303", "/manifests/0"}, {"MA303", "/manifests/1"}});
  CHECK(check("index-duplicate") == Pairs{{"MA304", "/manifests/2"}});
  CHECK(check("index-non-normalized") == Pairs{{"MA305", "/manifests/1"}});
  CHECK(check("index-digest-mismatch") == Pairs{{"MA306", "/manifests/1"}});
  CHECK(check("index-media-type-mismatch") == Pairs{{"MA307", "/manifests/1"}});
  CHECK(check("index-unlabelled-unknown") == Pairs{{"MA308", "/manifests/2"}});
  CHECK(check("index-fake-multi-arch") == Pairs{{"MA309", "/manifests/1"}});
}

TEST_CASE("the target platforms decide MA301, arm64/v8 is arm64", "[index]") {
  const auto index = image::readIndex((fixtures() / "good").string());
  CHECK(rules::indexFindings(index, {*parsePlatform("linux/arm64/v8")}, {}).empty());
  const auto missing = rules::indexFindings(index, {*parsePlatform("linux/amd64"), *parsePlatform("linux/s390x")}, {});
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message.find("linux/s390x is not in the index") == 0);
}

TEST_CASE("manifest reads no layer: it works with every layer blob gone", "[index]") {
  char tmpl[] = "/tmp/mal-index-XXXXXX";
  const fs::path work = mkdtemp(tmpl);
  fs::copy(fixtures() / "good", work / "good", fs::copy_options::recursive);
  const auto full = image::readIndex((work / "good").string());
  int removed = 0;
  for (const auto& entry : full.entries) {
    if (!entry.manifest) continue;
    for (const auto& layer : entry.manifest->layers) removed += fs::remove(work / "good/blobs/sha256" / layer.digest.substr(7));
  }
  REQUIRE(removed > 0);  // or the test would prove nothing
  const auto index = image::readIndex((work / "good").string());
  CHECK(index.errors.empty());
  CHECK(rules::indexFindings(index, defaultTargetPlatforms(), {}).empty());
  // Still read whole: both platforms' configs, without a layer.
  REQUIRE(index.entries.size() == 4);
  CHECK(index.entries[0].config->architecture == "amd64");
  CHECK(index.entries[2].config->architecture == "arm64");
  fs::remove_all(work);
}

// Every index rule's runnable example is an OCI layout held in memory beside the rule
// (examples(): real JSON documents under their sha256 digests, read by the real reader): the
// bad one gives the rule, the good one does not. The documented example (`rules ID`,
// docs/rules.md) is generated from the bad one, each sha256 digest written `sha256:…`, and
// must also be what the rule gives on the image fixture that isolates the same defect (OCI
// layouts built from Debian packages, fixtures/images/build-image-fixtures). A new index
// rule without examples or a fixture here fails the test.
TEST_CASE("every index rule: its fixture gives it with the documented message, the good image does not", "[index][rules][docs]") {
  const std::map<std::string, std::string> fixtureOf = {
      {"MA301", "index-missing-platform"},    {"MA302", "index-single-platform"},    {"MA303", "index-mislabeled"},
      {"MA304", "index-duplicate"},           {"MA305", "index-non-normalized"},     {"MA306", "index-digest-mismatch"},
      {"MA307", "index-media-type-mismatch"}, {"MA308", "index-unlabelled-unknown"}, {"MA309", "index-fake-multi-arch"}};
  const auto good = image::readIndex((fixtures() / "good").string());
  const auto onGood = rules::indexFindings(good, defaultTargetPlatforms(), {});
  auto said = [](const image::IndexModel& index, std::string_view id) {
    std::vector<std::string> messages;
    for (const auto& f : rules::indexFindings(index, defaultTargetPlatforms(), {})) {
      if (f.ruleId == id) messages.push_back(rules::example_models::digestsElided(f.message));
    }
    return messages;
  };
  for (const auto* rule : rules::indexRules()) {
    INFO(rule->info.id);
    REQUIRE(rule->examples);
    CHECK(rules::exampleIsGenerated(rule->info));
    const std::string documented = rules::documentedExample(rule->info);
    INFO("documented: " << documented);
    const auto models = rule->examples();
    const auto onBad = said(models.bad, rule->info.id);
    CHECK(std::find(onBad.begin(), onBad.end(), documented) != onBad.end());
    CHECK(said(models.good, rule->info.id).empty());
    const auto fixture = fixtureOf.find(std::string(rule->info.id));
    REQUIRE(fixture != fixtureOf.end());
    const auto onFixture = said(image::readIndex((fixtures() / fixture->second).string()), rule->info.id);
    INFO("on the fixture " << fixture->second << ": " << onFixture.size() << " findings");
    CHECK(std::find(onFixture.begin(), onFixture.end(), documented) != onFixture.end());
    CHECK(std::none_of(onGood.begin(), onGood.end(), [&](const Finding& f) { return f.ruleId == rule->info.id; }));
  }
}
