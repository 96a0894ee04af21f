#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  std::map<std::string, std::string> first;
  for (const auto& e : ctx.index.entries) {
    if (e.descriptor.isAttestation() || !e.descriptor.platform) continue;
    const auto [it, inserted] = first.emplace(e.descriptor.platform->str(), e.pointer);
    if (inserted) continue;
    out.report(rule, &e, e.pointer + " repeats " + it->first + " (first at " + it->second + "): only the first is used",
               "keep one entry per platform");
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}, {.platform = "linux/amd64"}}),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA304 = {
    {.id = "MA304",
     .slug = "duplicate-platform",
     .severity = Severity::Warning,
     .analysis = Analysis::Index,
     .summary = "Two index entries for one platform",
     .what = "Two or more non-attestation entries whose (normalised) platforms are the same.",
     .why =
         "Runtimes take the first match: the other entry is dead weight at best, a stale or different build at worst, depending on the order a tool wrote.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Keep one entry per platform.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
