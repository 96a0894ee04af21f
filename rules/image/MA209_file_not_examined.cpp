// MA209: what the scan could not judge is said, never taken as clean.
#include <elf.h>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

// Why the entry was not examined, or "" when it was.
std::string whyNotExamined(const image::EntryRef& e) {
  if (e.type == image::LayerEntry::Type::Hardlink) {
    // apply() gives a hard link its target's entry; one still a Hardlink found no target.
    return "is a hard link to /" + e.linkTarget +
           ", which no layer up to this one holds: the layer cannot be "
           "unpacked as written, and the file's contents are unknown";
  }
  if (e.isElf && !e.elfError.empty()) return "is an ELF file the scan did not fully examine (" + e.elfError + ")";
  return {};
}

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const std::string why = whyNotExamined(item.entry);
    if (why.empty() || ++count > kMaxFindingsPerRule) continue;
    out.report(rule, path, static_cast<int>(item.layer), displayPath(path) + " " + why,
               "check the file by hand, or rebuild the layer so that it holds a well-formed file");
  }
  if (count > kMaxFindingsPerRule) {
    out.report(rule, "", -1,
               std::to_string(count - kMaxFindingsPerRule) + " more files not examined in the " + ctx.image.platform.str() +
                   " image (" + std::to_string(count) + " in all)");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  auto damaged = file("usr/bin/tool");
  damaged.isElf = true;
  damaged.elfError = "damaged ELF header: unknown class or byte order";
  return {imageOf("linux/arm64", {app, damaged}), imageOf("linux/arm64", {app, elfFile("usr/bin/tool", EM_AARCH64)})};
}

}  // namespace

extern const ImageRule kMA209 = {
    {.id = "MA209",
     .slug = "file-not-examined",
     .severity = Severity::Warning,
     .analysis = Analysis::Image,
     .summary = "A file the scan could not examine: an unreadable ELF, a dangling hard link",
     .what = "An ELF file whose headers the reader gives up on (an unknown class or byte order, damaged headers), "
             "one past the bounds on ELF bytes read (see the README's limits), or only partly read; a hard link whose "
             "target no layer holds.",
     .why = "A readiness check that stays silent about what it could not read reports a false \"clean\": the kernel "
            "looks at little more than `e_machine` before it runs a file, and a runtime cannot unpack a hard link to "
            "nothing.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Check the file by hand, or rebuild the layer with a well-formed file.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
