#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    if (e.descriptor.rawPlatform != "unknown/unknown") continue;
    if (e.descriptor.annotations.count("vnd.docker.reference.type")) continue;
    out.report(rule, &e, e.pointer + " is unknown/unknown without a vnd.docker.reference.type annotation",
               "annotate it as an attestation (vnd.docker.reference.type=attestation-manifest) or remove it");
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}, {.platform = "unknown/unknown"}}),
          layoutOf({{.platform = "linux/amd64"},
                    {.platform = "linux/arm64"},
                    {.platform = "unknown/unknown", .annotations = {{"vnd.docker.reference.type", "attestation-manifest"}}}})};
}

}  // namespace

extern const IndexRule kMA308 = {
    {.id = "MA308",
     .slug = "unlabelled-unknown-platform",
     .severity = Severity::Warning,
     .analysis = Analysis::Index,
     .summary = "An unknown/unknown entry that is not an annotated attestation",
     .what =
         "An index entry with platform unknown/unknown and no `vnd.docker.reference.type` annotation (BuildKit's attestations carry `attestation-manifest` and are understood and skipped).",
     .why =
         "Tools that do not know it is metadata list it as a platform, and `unknown/unknown` may be picked by a lenient matcher (docker/build-push-action#1339).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Annotate attestations (BuildKit does), or drop the entry.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
