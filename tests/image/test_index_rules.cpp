// The index rules (MA3xx) and `manifest` on OCI layouts: each fixture isolates one defect.
#include <catch2/catch.hpp>

#include "analyzer/image/index_reader.h"
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
  REQUIRE(index.entries.size() == 4);
  CHECK(index.entries[1].descriptor.isAttestation());
  CHECK(index.entries[0].config->architecture == "amd64");
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

TEST_CASE("the target platforms decide MA301; arm64/v8 is arm64", "[index]") {
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
  for (const auto& entry : full.entries) {
    if (!entry.manifest) continue;
    for (const auto& layer : entry.manifest->layers) fs::remove(work / "good/blobs/sha256" / layer.digest.substr(7));
  }
  const auto index = image::readIndex((work / "good").string());
  CHECK(index.errors.empty());
  CHECK(rules::indexFindings(index, defaultTargetPlatforms(), {}).empty());
  fs::remove_all(work);
}
