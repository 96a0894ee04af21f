#include <algorithm>
#include <map>

#include "rules/index/example_models.h"
#include "rules/index/index_context.h"

namespace mal::rules {
namespace {

void check(const IndexContext& ctx, const RuleInfo& rule, IndexFindingSink& out) {
  for (const auto& e : ctx.index.entries) {
    if (e.descriptor.isAttestation() || !e.descriptor.platform || !e.config) continue;
    const auto configPlatform = e.config->platform();
    const Platform& d = *e.descriptor.platform;
    if (configPlatform && configPlatform->os == d.os && configPlatform->architecture == d.architecture &&
        (configPlatform->variant == d.variant || configPlatform->variant.empty() || d.variant.empty())) {
      continue;
    }
    const std::string said = configPlatform ? configPlatform->str() : e.config->os + "/" + e.config->architecture;
    out.report(rule, &e, e.pointer + " says " + d.str() + ", but its config says " + said,
               "recreate the index from the images' configs (docker buildx imagetools create)");
  }
}

// The runnable example: the bad index gives the rule, the good one (one change apart) not.
IndexRuleExamples examples() {
  using namespace example_models;
  return {layoutOf({{.platform = "linux/arm64", .configPlatform = "linux/amd64"},
                    {.platform = "linux/amd64", .configPlatform = "linux/arm64"}}),
          layoutOf({{.platform = "linux/arm64"}, {.platform = "linux/amd64"}})};
}

}  // namespace

extern const IndexRule kMA303 = {
    {.id = "MA303",
     .slug = "platform-config-mismatch",
     .severity = Severity::Error,
     .analysis = Analysis::Index,
     .summary = "An index entry's platform disagrees with its image config",
     .what =
         "The os/architecture/variant of an index descriptor differ from the `os`, `architecture` and `variant` of the config blob its manifest points to (normalised, as containerd compares them).",
     .why =
         "Runtimes pick the entry by its descriptor and then run the config's architecture: the image tagged arm64 holds amd64 binaries (kubernetes/kube-state-metrics#1615).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Rebuild the index from the images' own configs (docker buildx imagetools create), not hand-written platforms.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
