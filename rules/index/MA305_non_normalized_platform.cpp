#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
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

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/aarch64", .configPlatform = "linux/arm64"}}),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
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
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Write the canonical platform (os/architecture[/variant] as GOOS/GOARCH name them).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
