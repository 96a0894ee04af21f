#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  const auto& p = ctx.image.platform;
  if (p.architecture != "arm") return;
  // arm/v7 userlands are hard-float (armhf); arm/v5 is Debian's soft-float armel. arm/v6
  // is hard-float on Alpine and Raspberry Pi OS but soft-float elsewhere: not judged.
  elf::FloatAbi expected = elf::FloatAbi::Unknown;
  if (p.variant == "v7" || p.variant == "v8") expected = elf::FloatAbi::Hard;
  if (p.variant == "v5") expected = elf::FloatAbi::Soft;
  if (expected == elf::FloatAbi::Unknown) return;
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->machine != 40 || facts->armFloatAbi == elf::FloatAbi::Unknown || facts->armFloatAbi == expected)
      continue;
    if (++count > kMaxFindingsPerRule) continue;
    const bool hard = facts->armFloatAbi == elf::FloatAbi::Hard;
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " is " + (hard ? "hard-float (armhf)" : "soft-float (armel)") + " code in the " + p.str() +
                   " image, whose userland is " + (hard ? "soft-float" : "hard-float") + ": its loader and libraries do not fit",
               std::string("use the ") + (hard ? "armel" : "armhf") + " build of it");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  auto app = elfFile("bin/app", EM_ARM, 32);
  app.elf->armFloatAbi = elf::FloatAbi::Hard;
  auto soft = elfFile("usr/bin/tool", EM_ARM, 32);
  soft.elf->armFloatAbi = elf::FloatAbi::Soft;
  auto hard = soft;
  hard.elf->armFloatAbi = elf::FloatAbi::Hard;
  return {imageOf("linux/arm/v7", {app, soft}), imageOf("linux/arm/v7", {app, hard})};
}

}  // namespace

extern const ImageRule kMA207 = {
    {.id = "MA207",
     .slug = "arm-float-abi-mismatch",
     .severity = Severity::Error,
     .analysis = Analysis::Image,
     .summary = "ARM hard-float code in a soft-float image, or the reverse",
     .what = "A 32-bit ARM ELF whose float ABI (EF_ARM_ABI_FLOAT_HARD / _SOFT) is not that of the platform: soft-float "
             "in arm/v7, hard-float in arm/v5.",
     .why = "The two ABIs pass floating-point arguments differently and use different loaders (`ld-linux.so.3` vs "
            "`ld-linux-armhf.so.3`): the program does not start, or a library fails to load.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Use the build for the platform's ABI (armhf for arm/v7, armel for arm/v5).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
