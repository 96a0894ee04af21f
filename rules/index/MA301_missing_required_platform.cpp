#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  if (ctx.index.singleManifest) return;  // MA302 says it once
  std::vector<Platform> platforms;
  for (const auto& e : ctx.index.entries) {
    if (!e.descriptor.isAttestation() && e.descriptor.platform) platforms.push_back(*e.descriptor.platform);
  }
  const std::string present = platformList(platforms);
  for (const auto& target : ctx.targets) {
    const bool found = std::any_of(ctx.index.entries.begin(), ctx.index.entries.end(), [&](const image::IndexEntry& e) {
      return !e.descriptor.isAttestation() && e.descriptor.platform && platformMatches(*e.descriptor.platform, target);
    });
    if (found) continue;
    out.report(rule, nullptr, target.str() + " is not in the index" + (present.empty() ? "" : " (it has " + present + ")"),
               "build and push " + target.str() + " too, e.g. docker buildx build --platform ... --push", {target});
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}}), layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA301 = {
    {.id = "MA301",
     .slug = "missing-required-platform",
     .severity = Severity::Error,
     .analysis = Analysis::Index,
     .summary = "A target platform has no entry in the index",
     .what =
         "A platform required by `--platform` / the configuration (default linux/amd64, linux/arm64) that no entry of the index provides, variants matched as containerd does.",
     .why =
         "Pulling the tag on that platform fails with `no matching manifest for linux/arm64 in the manifest list entries`, or a runtime falls back to emulating another platform's image.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Build and push every target platform (`docker buildx build --platform linux/amd64,linux/arm64 --push`).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
