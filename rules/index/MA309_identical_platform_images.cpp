#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (size_t i = 0; i < ctx.index.entries.size(); ++i) {
    const auto& a = ctx.index.entries[i];
    if (a.descriptor.isAttestation() || !a.manifest) continue;
    for (size_t j = i + 1; j < ctx.index.entries.size(); ++j) {
      const auto& b = ctx.index.entries[j];
      if (b.descriptor.isAttestation() || !b.manifest || entryPlatform(a) == entryPlatform(b)) continue;
      const bool sameConfig = a.manifest->config.digest == b.manifest->config.digest;
      bool sameLayers = !a.manifest->layers.empty() && a.manifest->layers.size() == b.manifest->layers.size();
      for (size_t k = 0; sameLayers && k < a.manifest->layers.size(); ++k) {
        sameLayers = a.manifest->layers[k].digest == b.manifest->layers[k].digest;
      }
      if (!sameConfig && !sameLayers) continue;
      out.report(rule, &b,
                 b.pointer + " (" + entryPlatform(b) + ") has the same " + (sameConfig ? "config" : "layers") + " as " +
                     a.pointer + " (" + entryPlatform(a) + "): one of them holds the other's binaries",
                 "build each platform for real and create the index from those builds");
    }
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64", .layerOf = "linux/amd64"}}),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA309 = {
    {.id = "MA309",
     .slug = "identical-platform-images",
     .severity = Severity::Error,
     .analysis = Analysis::Index,
     .summary = "Two platforms share the same config or layers: one holds the other's binaries",
     .what = "Two entries for different platforms whose manifests point at the same config blob, or at the same list of layers.",
     .why =
         "A 'multi-arch' image made by listing one build under several platforms: the arm64 entry holds the amd64 binaries and fails with `exec format error`.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Build each platform for real (buildx with QEMU or cross-compilation) and create the index from those builds.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
