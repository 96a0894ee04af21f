#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    const auto& described = e.descriptor.mediaType;
    if (!e.declaredMediaType.empty() && !described.empty() && e.declaredMediaType != described) {
      out.report(rule, &e, e.pointer + " is described as " + described + " but declares " + e.declaredMediaType,
                 "describe each manifest with the media type it declares");
    } else if (ctx.index.mediaType == image::media::kDockerList && described == image::media::kOciManifest) {
      out.report(rule, &e, e.pointer + " is an OCI manifest inside a Docker manifest list",
                 "use an OCI index for OCI manifests, or Docker manifests in a Docker list");
    }
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64", .declares = image::media::kDockerManifest}}),
          layoutOf({{.platform = "linux/amd64"}, {.platform = "linux/arm64"}})};
}

}  // namespace

extern const IndexRule kMA307 = {
    {.id = "MA307",
     .slug = "media-type-mismatch",
     .severity = Severity::Warning,
     .analysis = Analysis::Index,
     .summary = "A descriptor's media type disagrees with the content, or a Docker list mixes OCI manifests",
     .what =
         "A descriptor whose mediaType differs from the mediaType the manifest declares itself, or a Docker manifest list holding OCI manifests.",
     .why =
         "Clients choose the parser by the declared type: a mismatch makes strict registries and runtimes reject the manifest, and older Docker clients cannot read OCI entries in a Docker list.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Keep one family of media types per index (all OCI or all Docker) and describe each manifest with its own type.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
