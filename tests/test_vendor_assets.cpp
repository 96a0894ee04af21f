// data/vendor-assets.json: every vendor entry has a source and an example URL, and the
// example proves the entry: spelled with a source of the vendor's vocabulary it is quiet,
// spelled with one of another vocabulary MA146 names the vendor. Every toolchain image's
// example is reported by MA103 in a two-platform build. Every portable bundle's example is quiet
// under MA110 (downloaded) and MA150 (copied from the context), and the same name without the
// bundle's mention is reported by both.
#include <catch2/catch.hpp>

#include "analyzer/text_util.h"
#include <algorithm>
#include <map>

#include "rules/data/rule_data.h"
#include "rules/lint_engine.h"
#include "test_support.h"

using namespace mal;

namespace {

std::vector<Finding> lint(const std::string& dockerfile) {
  rules::LintSettings settings;
  settings.platforms = {*parsePlatform("linux/amd64"), *parsePlatform("linux/arm64")};
  return rules::lintDockerfile(SourceText("Dockerfile", dockerfile), settings);
}

size_t count(const std::vector<Finding>& findings, const std::string& id) {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.ruleId == id; }));
}

std::string withArch(std::string url, const std::string& spelling) {
  const size_t at = url.find("{arch}");
  REQUIRE(at != std::string::npos);
  return url.replace(at, 6, spelling);
}

}  // namespace

TEST_CASE("vendor vocabularies: each entry's example is judged by its vocabulary", "[data][MA146]") {
  REQUIRE(rules::data::vendors().size() >= 10);
  // One source per vocabulary that differs on amd64 or arm64 from the others.
  const std::map<std::string, std::string> sourceOf = {
      {"go", "${TARGETARCH}"}, {"debian", "$(dpkg --print-architecture)"}, {"kernel", "$(uname -m)"}};
  for (const auto& vendor : rules::data::vendors()) {
    INFO(vendor.name);
    CHECK(text::startsWith(vendor.source, "https://"));
    for (const auto& [vocabulary, spelling] : sourceOf) {
      INFO(vocabulary);
      const std::string dockerfile =
          "FROM debian:bookworm\nARG TARGETARCH\nRUN curl -fsSLO \"" + withArch(vendor.example, spelling) + "\"\n";
      const bool same = rules::data::archWord(vocabulary, *parsePlatform("linux/amd64")) ==
                            rules::data::archWord(vendor.vocabulary, *parsePlatform("linux/amd64")) &&
                        rules::data::archWord(vocabulary, *parsePlatform("linux/arm64")) ==
                            rules::data::archWord(vendor.vocabulary, *parsePlatform("linux/arm64"));
      const auto findings = lint(dockerfile);
      CHECK(count(findings, "MA146") == (same ? 0u : 1u));
      for (const auto& f : findings) {
        if (f.ruleId == "MA146") CHECK(f.message.find(vendor.name) != std::string::npos);
      }
    }
  }
}

TEST_CASE("toolchain images: each entry's example fixes the target", "[data][MA103]") {
  REQUIRE_FALSE(rules::data::toolchainImages().empty());
  for (const auto& image : rules::data::toolchainImages()) {
    INFO(image.example);
    CHECK(text::startsWith(image.source, "https://"));
    const auto findings = lint("FROM " + image.example + " AS build\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n");
    REQUIRE(count(findings, "MA103") == 1);
    // On the toolchain's FROM, naming it as the image that fixes the target.
    const auto ma103 = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.ruleId == "MA103"; });
    CHECK(ma103->location.line == 1);
    CHECK(ma103->message.find("the toolchain image '" + image.example + "' builds for linux/") == 0);
  }
}

TEST_CASE("arch-only packages: every apt entry is reported exactly for the platforms it lacks", "[data][MA111]") {
  const std::vector<std::string> all = {"linux/amd64", "linux/arm64",   "linux/arm/v7",
                                        "linux/386",   "linux/ppc64le", "linux/s390x"};
  rules::LintSettings settings;
  settings.platforms.clear();
  for (const auto& p : all) settings.platforms.push_back(*parsePlatform(p));
  size_t withSource = 0;
  for (const auto& package : rules::data::archOnlyPackages(rules::data::Ecosystem::Apt)) {
    INFO(package.name);
    withSource += package.source.empty() ? 0 : 1;
    const std::string name = package.name + (package.prefix ? "x" : "");
    const auto findings =
        rules::lintDockerfile(SourceText("Dockerfile", "FROM debian:bookworm\nRUN apt-get install -y " + name + "\n"), settings);
    std::vector<std::string> broken;
    for (const auto& f : findings) {
      if (f.ruleId != "MA111") continue;
      for (const auto& p : f.breaks) broken.push_back(p.str());
    }
    std::vector<std::string> expected;
    for (const auto& p : settings.platforms) {
      if (!package.existsFor(p)) expected.push_back(p.str());
    }
    std::sort(broken.begin(), broken.end());
    std::sort(expected.begin(), expected.end());
    CHECK(broken == expected);
    // The same name held in an ENV value is the same finding, pointing at the ENV.
    const auto throughValue = rules::lintDockerfile(
        SourceText("Dockerfile", "FROM debian:bookworm\nENV PKGS=\"curl " + name + "\"\nRUN apt-get install -y $PKGS\n"),
        settings);
    const auto it = std::find_if(throughValue.begin(), throughValue.end(), [](const Finding& f) { return f.ruleId == "MA111"; });
    CHECK((it != throughValue.end()) == !expected.empty());
    if (it != throughValue.end()) {
      CHECK(it->location.line == 3);
      REQUIRE(it->related.size() == 1);
      CHECK(it->related[0].location.line == 2);
    }
  }
  // The entries read from Debian's Packages indexes and Microsoft's pools say so.
  CHECK(withSource >= 20);
}

TEST_CASE("portable bundles: each entry's example is neither MA110's nor MA150's, another product's is", "[data][MA110][MA150]") {
  REQUIRE_FALSE(rules::data::portableBundles().empty());
  for (const auto& bundle : rules::data::portableBundles()) {
    INFO(bundle.example);
    CHECK(bundle.source.size() > 40);
    const std::string name = bundle.example.substr(bundle.example.rfind('/') + 1);
    REQUIRE(text::lower(name).find(bundle.mentions) != std::string::npos);
    std::string other = text::lower(name);
    other.replace(other.find(bundle.mentions), bundle.mentions.size(), "otherproduct");
    const auto downloads = [](const std::string& url) {
      return count(lint("FROM debian:bookworm\nRUN curl -fsSLo /tmp/b.zip \"" + url + "\" && unzip /tmp/b.zip -d /opt\n"),
                   "MA110");
    };
    const auto copies = [](const std::string& file) {
      return count(lint("FROM debian:bookworm\nCOPY dist/" + file + " /tmp/\n"), "MA150");
    };
    CHECK(downloads(bundle.example) == 0);
    CHECK(copies(name) == 0);
    const std::string otherUrl = bundle.example.substr(0, bundle.example.rfind('/') + 1) + other;
    CHECK(downloads(otherUrl) == 1);
    CHECK(copies(other) == 1);
  }
}
