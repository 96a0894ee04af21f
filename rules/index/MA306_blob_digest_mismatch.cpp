#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    if (e.blobDigestMismatch) out.report(rule, &e, e.pointer + ": " + e.blobError, "re-push the image; blobs are immutable");
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64", .tampered = true}}),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA306 = {
    {.id = "MA306",
     .slug = "blob-digest-mismatch",
     .severity = Severity::Error,
     .analysis = Analysis::Index,
     .summary = "A manifest or config does not hash to its descriptor's digest or size",
     .what =
         "A manifest or config blob whose SHA-256 (or SHA-512) or length is not what the descriptor pointing at it says (layers are verified by `scan`).",
     .why = "Registries and runtimes refuse it (`manifest digest mismatch`), or the content was altered after it was referenced.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Re-push the image; never edit a blob in place.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
