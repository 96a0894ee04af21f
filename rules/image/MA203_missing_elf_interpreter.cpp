#include <elf.h>

#include <map>

#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  // One finding per missing interpreter, naming the first program that needs it.
  std::map<std::string, std::pair<std::string, size_t>> missing;  // interpreter -> (first path, count)
  std::map<std::string, size_t> layers;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& facts = item.entry.elf;
    if (!facts || facts->interpreter.empty() || !facts->runsOn(ctx.image.platform)) continue;
    if (ctx.image.inventory.resolve(facts->interpreter)) continue;
    auto& entry = missing[facts->interpreter];
    if (entry.second++ == 0) {
      entry.first = path;
      layers[facts->interpreter] = item.layer;
    }
  }
  for (const auto& [interpreter, found] : missing) {
    out.report(rule, found.first, static_cast<int>(layers[interpreter]),
               displayPath(found.first) + (found.second > 1 ? " (and " + std::to_string(found.second - 1) + " more)" : "") +
                   " needs the ELF interpreter " + interpreter + ", which is not in the " + ctx.image.platform.str() +
                   " image: running it fails with `no such file or directory`",
               "install the C library for the platform (libc6, musl), or build the program statically");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  auto hello = elfFile("usr/bin/hello", EM_AARCH64);
  hello.elf->interpreter = "/lib/ld-linux-aarch64.so.1";
  return {imageOf("linux/arm64", {app, hello}),
          imageOf("linux/arm64", {app, hello, elfFile("lib/ld-linux-aarch64.so.1", EM_AARCH64)})};
}

}  // namespace

extern const ImageRule kMA203 = {
    {.id = "MA203",
     .slug = "missing-elf-interpreter",
     .severity = Severity::Error,
     .analysis = Analysis::Image,
     .summary = "A dynamic program's ELF interpreter (the dynamic loader) is not in the image",
     .what = "An ELF whose PT_INTERP (`/lib/ld-linux-aarch64.so.1`, `/lib/ld-musl-x86_64.so.1`, ...) does not resolve "
             "in the platform's filesystem (symlinks followed).",
     .why = "The kernel cannot start it: `no such file or directory`, for a file that is plainly there. Typical of a "
            "glibc binary in an Alpine or scratch image, or an image assembled for another architecture.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Install the platform's C library, or link the program statically.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
