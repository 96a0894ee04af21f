#include <algorithm>
#include <map>

#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    if (e.blobDigestMismatch) out.report(rule, &e, e.pointer + ": " + e.blobError, "re-push the image; blobs are immutable");
  }
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
     .example = "/manifests/1: blob sha256:… does not match its digest (it hashes to sha256:…)",
     .fix = "Re-push the image; never edit a blob in place.",
     .bad = {},
     .good = {}},
    check};

}  // namespace mal::rules
