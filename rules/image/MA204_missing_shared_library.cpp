#include <elf.h>

#include <map>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  struct Missing {
    std::string firstPath;
    size_t layer = 0;
    size_t count = 0;
  };
  std::map<std::string, Missing> missing;  // library -> who needs it
  const LibraryResolver libraries(ctx.image);
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->needed.empty() || !facts->runsOn(ctx.image.platform)) continue;
    const std::string loader = facts->interpreter.substr(facts->interpreter.rfind('/') + 1);
    for (const auto& needed : facts->needed) {
      if (needed == loader) continue;  // the interpreter itself: MA203's finding
      if (libraries.resolve(*facts, path, needed)) continue;
      auto& m = missing[needed];
      if (m.count++ == 0) {
        m.firstPath = path;
        m.layer = item.layer;
      }
    }
  }
  size_t reported = 0;
  for (const auto& [library, m] : missing) {
    if (++reported > kMaxFindingsPerRule) break;
    out.report(rule, m.firstPath, static_cast<int>(m.layer),
               displayPath(m.firstPath) + (m.count > 1 ? " (and " + std::to_string(m.count - 1) + " more)" : "") + " needs " +
                   library + ", which the dynamic loader does not find in the " + ctx.image.platform.str() + " image",
               "install the package that provides " + library + " for this platform, or fix RUNPATH/LD_LIBRARY_PATH");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  auto getfacl = elfFile("usr/bin/getfacl", EM_AARCH64);
  getfacl.elf->needed = {"libacl.so.1"};
  return {imageOf("linux/arm64", {app, getfacl}),
          imageOf("linux/arm64", {app, getfacl, elfFile("usr/lib/libacl.so.1", EM_AARCH64)})};
}

}  // namespace

extern const ImageRule kMA204 = {
    {.id = "MA204",
     .slug = "missing-shared-library",
     .severity = Severity::Warning,
     .analysis = Analysis::Image,
     .summary = "A DT_NEEDED library resolves nowhere in the image",
     .what = "A shared library an ELF needs is found neither through its RPATH/RUNPATH ($ORIGIN expanded), the "
             "config's LD_LIBRARY_PATH, ld.so.conf (with includes), musl's ld-musl-<arch>.path, nor the default "
             "directories for its machine; only ELF files of the same machine and class count, as for ld.so.",
     .why = "The program fails at start with `error while loading shared libraries: libfoo.so.1: cannot open shared "
            "object file`. A warning: the library may be provided at run time by a mounted volume.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Install the package that provides the library for the platform, or correct RUNPATH / LD_LIBRARY_PATH.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
