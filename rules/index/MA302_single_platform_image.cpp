#include <algorithm>
#include <map>

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
     .example = "the image is a single linux/amd64 manifest, not an index: linux/amd64, linux/arm64 are required",
     .fix = "Publish a multi-platform index (`docker buildx build --platform linux/amd64,linux/arm64`).",
     .bad = {},
     .good = {}},
    check};

}  // namespace mal::rules
