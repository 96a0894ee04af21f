// MA210: 32-bit ARM code built for a newer architecture than the image's variant promises.
#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

// The ARM architecture version Tag_CPU_arch needs (4 to 9); 0 for M-profile
// (microcontroller) code, which no A-profile Linux CPU runs; -1 when unknown.
int versionNeeded(int cpuArch) {
  switch (cpuArch) {
    case 1:
    case 2: return 4;
    case 3:
    case 4:
    case 5: return 5;
    case 6:
    case 7:
    case 8:
    case 9: return 6;
    case 10: return 7;
    case 14:
    case 15: return 8;
    case 19: return 9;
    case 11:
    case 12:
    case 13:
    case 16:
    case 17:
    case 18: return 0;
    default: return -1;
  }
}

const char* cpuArchName(int cpuArch) {
  static const char* names[] = {
      "pre-v4",    "ARMv4",  "ARMv4T",  "ARMv5T",   "ARMv5TE",  "ARMv5TEJ", "ARMv6",   "ARMv6KZ",          "ARMv6T2",
      "ARMv6K",    "ARMv7",  "ARMv6-M", "ARMv6S-M", "ARMv7E-M", "ARMv8-A",  "ARMv8-R", "ARMv8-M baseline", "ARMv8-M mainline",
      "ARMv8.1-M", "ARMv9-A"};
  return cpuArch >= 0 && cpuArch < 20 ? names[cpuArch] : "a newer ARM architecture";
}

const char* fpArchName(int fpArch) {
  static const char* names[] = {"no FP", "VFPv1", "VFPv2", "VFPv3", "VFPv3-D16", "VFPv4", "VFPv4-D16", "FP-ARMv8", "FPv8-D16"};
  return fpArch >= 0 && fpArch < 9 ? names[fpArch] : "a newer FP unit";
}

const char* simdArchName(int simdArch) {
  static const char* names[] = {"no Advanced SIMD", "NEON (ARMv7 Advanced SIMD)", "NEON with fused multiply-add",
                                "ARMv8 Advanced SIMD", "ARMv8.1 Advanced SIMD"};
  return simdArch >= 0 && simdArch < 5 ? names[simdArch] : "a newer Advanced SIMD unit";
}

// Why the code needs more than the variant's CPUs have, or "". What a variant promises:
// v5 no FP unit (Debian armel), v6 VFPv2 (ARM1176, the Raspberry Pi Zero and 1), v7 up to
// VFPv4 (Cortex-A7 to A15), v8 the ARMv8 AArch32 FP. Advanced SIMD (NEON) came with ARMv7:
// no v5 or v6 CPU has it, a v7 one has at most NEON with FMA (Tag_Advanced_SIMD_arch 2).
// The tag is the linker's union of every object's: a v6 library whose NEON code is only
// picked at run time (hand-written assembly behind a CPU check) carries it too, and is
// reported; the message says so, for the reader to judge.
std::string tooNew(const elf::ElfFacts& f, int variant) {
  const int needed = versionNeeded(f.armCpuArch);
  if (needed == 0 || f.armProfile == 'M') {
    return std::string("is ") + cpuArchName(f.armCpuArch) + " (microcontroller, M-profile) code";
  }
  if (needed > variant) return std::string("is built for ") + cpuArchName(f.armCpuArch);
  const int fpAllowed = variant <= 5 ? 0 : variant == 6 ? 2 : variant == 7 ? 5 : 8;
  // FP arch values are not ordered by capability: 4 (VFPv3-D16) is less than 3 (VFPv3).
  static const int fpRank[] = {0, 1, 2, 4, 3, 6, 5, 8, 7};
  auto rank = [&](int fp) { return fp >= 0 && fp < 9 ? fpRank[fp] : 9; };
  if (f.armFpArch > 0 && rank(f.armFpArch) > rank(fpAllowed)) {
    return std::string("needs ") + fpArchName(f.armFpArch) + " floating point";
  }
  const int simdAllowed = variant <= 6 ? 0 : variant == 7 ? 2 : 4;
  if (f.armSimdArch > simdAllowed) {
    return std::string("has ") + simdArchName(f.armSimdArch) +
           " code (Tag_Advanced_SIMD_arch; unless it is only run after a CPU check)";
  }
  return {};
}

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  const auto& p = ctx.image.platform;
  if (p.architecture != "arm" || p.variant.size() != 2 || p.variant[0] != 'v') return;
  const int variant = p.variant[1] - '0';
  if (variant < 5 || variant > 8) return;
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->machine != 40 || facts->armCpuArch < 0) continue;
    const std::string why = tooNew(*facts, variant);
    if (why.empty() || ++count > kMaxFindingsPerRule) continue;
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " " + why + ", more than the " + p.str() +
                   " image promises: `illegal instruction` on the oldest CPUs of that variant",
               "install the build for " + p.str() +
                   " (e.g. Raspberry Pi OS or Alpine armhf for arm/v6), or label the "
                   "image with the variant its code needs");
  }
  if (count > kMaxFindingsPerRule) {
    out.report(rule, "", -1,
               std::to_string(count - kMaxFindingsPerRule) + " more ELF files built for a newer ARM in the " + p.str() +
                   " image (" + std::to_string(count) + " in all)");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_ARM, 32);
  auto v7 = elfFile("usr/bin/hello", EM_ARM, 32);
  v7.elf->armCpuArch = 10;
  v7.elf->armProfile = 'A';
  auto v6 = v7;
  v6.elf->armCpuArch = 7;
  return {imageOf("linux/arm/v6", {app, v7}), imageOf("linux/arm/v6", {app, v6})};
}

}  // namespace

extern const ImageRule kMA210 = {
    {.id = "MA210",
     .slug = "arm-isa-newer-than-variant",
     .severity = Severity::Error,
     .analysis = Analysis::Image,
     .summary = "32-bit ARM code built for a newer architecture than the platform's variant",
     .what = "A 32-bit ARM ELF whose build attributes (.ARM.attributes: Tag_CPU_arch, Tag_CPU_arch_profile, "
             "Tag_FP_arch, Tag_Advanced_SIMD_arch) need more than the platform's variant promises: ARMv7, VFPv3 or "
             "NEON code in arm/v6, ARMv6, any FP unit or NEON in arm/v5, ARMv8 code, FP or Advanced SIMD in arm/v7, "
             "M-profile code anywhere. Only 32-bit ARM is judged: an AArch64 ELF carries no ISA-level attribute "
             "(no .ARM.attributes; its GNU property note says whether the code uses BTI and PAC, which is not an "
             "ISA level), so arm64 variants (v8.x) cannot be judged from the ELF and are not.",
     .why = "The float ABI can match and the program still dies with `illegal instruction` on the older CPUs of the "
            "variant: Debian's armhf packages (ARMv7) in an image labelled linux/arm/v6 do not run on a Raspberry Pi "
            "Zero or 1.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Install the build for the platform's variant (Raspberry Pi OS or Alpine for arm/v6), or label the image "
            "with the variant its code needs.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
