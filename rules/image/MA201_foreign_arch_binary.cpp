#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  size_t count = 0;
  std::string firstPath;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->runsOn(ctx.image.platform)) continue;
    if (++count > kMaxFindingsPerRule) continue;
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " is " + facts->describeWithArticle() + " ELF in the " + ctx.image.platform.str() +
                   " image: it cannot run or be loaded there",
               "build or install it for " + ctx.image.platform.architecture +
                   " in that platform's image (use $TARGETARCH when copying prebuilt files)");
  }
  if (count > kMaxFindingsPerRule) {
    out.report(rule, "", -1,
               std::to_string(count - kMaxFindingsPerRule) + " more foreign ELF files in the " + ctx.image.platform.str() +
                   " image (" + std::to_string(count) + " in all)");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  return {imageOf("linux/arm64", {app, elfFile("usr/lib/libvendor.so", EM_X86_64)}),
          imageOf("linux/arm64", {app, elfFile("usr/lib/libvendor.so", EM_AARCH64)})};
}

}  // namespace

extern const ImageRule kMA201 = {
    {.id = "MA201",
     .slug = "foreign-arch-binary",
     .severity = Severity::Error,
     .analysis = Analysis::Image,
     .summary = "An ELF file built for another architecture than its platform's",
     .what = "In a platform's merged filesystem (whiteouts applied), an ELF file whose machine, class or byte order "
             "is not the platform's: an x86-64 .so in the arm64 image.",
     .why = "The program fails with `exec format error`, the library with `wrong ELF class` / `cannot open shared "
            "object file` when something loads it (kube-green/kube-green#349).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Build or download the file for the platform's architecture (copy `.../${TARGETARCH}/...`).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
