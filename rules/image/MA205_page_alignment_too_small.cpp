#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  const auto& arch = ctx.image.platform.architecture;
  if (arch != "arm64" && arch != "ppc64le") return;  // the platforms whose kernels use 16K/64K pages
  uint64_t largest = 0;
  for (const auto size : ctx.options.pageSizes) largest = std::max(largest, size);
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || !facts->runsOn(ctx.image.platform) || facts->minLoadAlign == 0 || facts->minLoadAlign >= largest) continue;
    if (++count > kMaxFindingsPerRule) continue;
    std::string fails;
    for (const auto size : ctx.options.pageSizes) {
      if (facts->minLoadAlign < size) fails += (fails.empty() ? "" : " and ") + std::to_string(size / 1024) + "K";
    }
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " aligns its segments to " + std::to_string(facts->minLoadAlign / 1024) +
                   " KiB: it cannot be loaded on " + fails + "-page kernels (`ELF load command alignment not page-aligned`)",
               "link with -Wl,-z,max-page-size=65536 (the default of Debian's and Fedora's arm64 toolchains)");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  auto tool4k = elfFile("usr/local/bin/tool", EM_AARCH64);
  tool4k.elf->minLoadAlign = 4096;
  auto tool64k = tool4k;
  tool64k.elf->minLoadAlign = 65536;
  return {imageOf("linux/arm64", {app, tool4k}), imageOf("linux/arm64", {app, tool64k})};
}

}  // namespace

extern const ImageRule kMA205 = {
    {.id = "MA205",
     .slug = "page-alignment-too-small",
     .severity = Severity::Warning,
     .analysis = Analysis::Image,
     .summary = "An arm64/ppc64le ELF is aligned for 4K pages only",
     .what = "An arm64 or ppc64le ELF whose PT_LOAD segments are aligned to less than the page sizes to support "
             "(16 KiB and 64 KiB by default).",
     .why = "64K-page kernels (RHEL/Ampere arm64, ppc64le) and 16K-page systems (Apple-silicon Linux, Raspberry Pi 5, "
            "Android 15+) refuse to map it: `ELF load command alignment not page-aligned` (chromiumembedded/cef#3695, "
            "vgteam/vg#3705, falcosecurity/falco#3476).",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Link with `-Wl,-z,max-page-size=65536` (Go and Debian's toolchains already do).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
