#include <algorithm>
#include <map>

#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    const auto& raw = e.descriptor.rawPlatform;
    if (raw == "unknown/unknown") continue;
    if (raw.empty()) {
      if (ctx.index.entries.size() > 1) out.report(rule, &e, e.pointer + " has no platform", "add os and architecture");
      continue;
    }
    if (!e.descriptor.platform) {
      out.report(rule, &e, e.pointer + " has the platform '" + raw + "', which names no known os/architecture",
                 "write the canonical os/architecture[/variant]");
      continue;
    }
    if (raw == e.descriptor.platform->str()) continue;
    out.report(rule, &e, e.pointer + " has platform " + raw + "; the canonical form is " + e.descriptor.platform->str(),
               "write " + e.descriptor.platform->str());
  }
}

}  // namespace

extern const IndexRule kMA305 = {
    {.id = "MA305",
     .slug = "non-normalized-platform",
     .severity = Severity::Warning,
     .analysis = Analysis::Index,
     .summary = "A platform written in a non-canonical form",
     .what =
         "An index descriptor whose platform is not in canonical OCI form: `aarch64`, `x86_64`, `armhf`, `arm` without a variant, a missing os or architecture, or no platform at all in a multi-entry index.",
     .why =
         "Matchers that do not normalise (some registries, older runtimes, scripts) miss the entry; `arm` without a variant matches v6 and v7 alike.",
     .example = "/manifests/1 has platform linux/aarch64; the canonical form is linux/arm64",
     .fix = "Write the canonical platform (os/architecture[/variant] as GOOS/GOARCH name them).",
     .bad = {},
     .good = {}},
    check};

}  // namespace mal::rules
