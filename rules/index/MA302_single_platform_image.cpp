#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  if (!ctx.index.singleManifest || ctx.targets.size() < 2) return;
  const auto& e = ctx.index.entries.front();
  const std::string required = platformList(ctx.targets);
  const std::string platform = e.config && e.config->platform() ? e.config->platform()->str() : "unknown";
  out.report(rule, &e, "the image is a single " + platform + " manifest, not an index: " + required + " are required",
             "publish an index with one manifest per platform (docker buildx build --platform " + required + ")");
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "", .configPlatform = "linux/amd64"}}, true),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA302 = {
    {.id = "MA302",
     .slug = "single-platform-image",
     .severity = Severity::Error,
     .analysis = Analysis::Index,
     .summary = "The image is a single manifest where several platforms are required",
     .what =
         "An image whose root is one plain platform manifest (no index of platforms) while more than one target platform is required.",
     .why =
         "Every platform pulls the one architecture's image: on the others it fails with `exec format error` or runs under emulation (SREGym/SREGym#1001).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Publish a multi-platform index (`docker buildx build --platform linux/amd64,linux/arm64`).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
