#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

int levelOf(uint32_t needed) {
  if (needed & 8) return 4;
  if (needed & 4) return 3;
  if (needed & 2) return 2;
  return 1;
}

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  if (ctx.image.platform.architecture != "amd64") return;
  // The platform's own variant (amd64/v2, v3) is what it promises; plain amd64 means v1.
  int promised = 1;
  if (ctx.image.platform.variant.size() == 2 && ctx.image.platform.variant[0] == 'v')
    promised = ctx.image.platform.variant[1] - '0';
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->machine != 62) continue;
    const int level = levelOf(facts->x86IsaNeeded);
    if (level <= promised) continue;
    if (++count > kMaxFindingsPerRule) continue;
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " requires x86-64-v" + std::to_string(level) +
                   " (GNU property ISA_1_NEEDED) but the "
                   "platform is " +
                   ctx.image.platform.str() + ": on older x86-64 CPUs it dies with `illegal instruction`",
               "build it for the baseline (-march=x86-64), or publish the image as linux/amd64/v" + std::to_string(level));
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  auto v3 = elfFile("usr/bin/app", EM_X86_64);
  v3.elf->x86IsaNeeded = 4;
  auto baseline = v3;
  baseline.elf->x86IsaNeeded = 1;
  const auto app = elfFile("bin/app", EM_X86_64);
  return {imageOf("linux/amd64", {app, v3}), imageOf("linux/amd64", {app, baseline})};
}

}  // namespace

extern const ImageRule kMA206 = {
    {.id = "MA206",
     .slug = "x86-isa-level-required",
     .severity = Severity::Warning,
     .analysis = Analysis::Image,
     .summary = "An x86-64 ELF needs a newer ISA level than its platform entry promises",
     .what = "An x86-64 ELF whose GNU_PROPERTY_X86_ISA_1_NEEDED asks for x86-64-v2, v3 or v4 in a platform entry that "
             "is plain `amd64` (or a lower variant).",
     .why = "On CPUs without those instructions it crashes with `illegal instruction` or `CPU ISA level is lower than "
            "required` (RHEL 10 / ubi10: kuvasz-uptime/kuvasz#346, chainguard-images/images#1658).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Build for the baseline, or publish the image with the `amd64/v3` variant so schedulers know.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
