// MA202: the static twin of `exec format error` and `no such file or directory` at start.

#include <elf.h>

#include "analyzer/text_util.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

// Where the kernel (and, for a bare name, the runtime's PATH lookup) finds argv[0].
std::optional<std::string> locate(const ImageContext& ctx, const std::string& program) {
  const auto& inv = ctx.image.inventory;
  if (program.find('/') != std::string::npos) {
    const std::string workdir = ctx.image.config.workingDir.empty() ? "/" : ctx.image.config.workingDir;
    const std::string path = program[0] == '/' ? program : workdir + "/" + program;
    return inv.resolve(path);
  }
  for (const auto& dir : searchPath(ctx.image.config)) {
    if (auto resolved = inv.resolve(dir + "/" + program)) {
      const auto e = inv.find(*resolved);
      if (e && e->entry.type != image::LayerEntry::Type::Directory) return resolved;
    }
  }
  return std::nullopt;
}

// Why the program cannot start, or "" when it can (as far as a static look can tell).
std::string whyNot(const ImageContext& ctx, const std::string& program, int& layer, std::string& where, int depth) {
  const auto& inv = ctx.image.inventory;
  const auto resolved = locate(ctx, program);
  if (!resolved) {
    return "'" + program + "' is not in the image" +
           std::string(program.find('/') == std::string::npos ? " (searched the config's PATH)" : "");
  }
  const auto item = inv.find(*resolved);
  where = *resolved;
  layer = static_cast<int>(item->layer);
  const auto& e = item->entry;
  if (e.type == image::LayerEntry::Type::Directory) return displayPath(*resolved) + " is a directory";
  if ((e.mode & 0111) == 0) {
    // Octal, as ls, chmod and tar show a mode: 0644, never its decimal 420.
    std::string octal;
    for (int shift = 9; shift >= 0; shift -= 3) octal += static_cast<char>('0' + ((e.mode >> shift) & 7));
    return displayPath(*resolved) + " is not executable (mode " + octal + ")";
  }
  if (e.elf) {
    if (!e.elf->runsOn(ctx.image.platform)) {
      return displayPath(*resolved) + " is " + e.elf->describeWithArticle() + " ELF: `exec format error` on " +
             ctx.image.platform.str();
    }
    if (!e.elf->interpreter.empty() && !inv.resolve(e.elf->interpreter)) {
      return displayPath(*resolved) + " needs the ELF interpreter " + e.elf->interpreter +
             ", which is not in the image: `no such file or directory`";
    }
    return {};
  }
  if (e.isElf) return {};  // an ELF the reader gave up on: MA209 says it was not examined
  if (e.shebang.empty() && e.type == image::LayerEntry::Type::File) {
    // The kernel starts ELF files and `#!` scripts; a Mach-O or PE file, an empty file or
    // a bare `#!` is ENOEXEC.
    return displayPath(*resolved) + " is neither an ELF executable nor a `#!` script: `exec format error` on " +
           ctx.image.platform.str();
  }
  if (!e.shebang.empty() && depth < 4) {
    const auto parts = text::split(e.shebang, ' ');
    std::string interpreter = parts[0];
    std::string innerWhere;
    int innerLayer = -1;
    if (baseName(interpreter) == "env" && parts.size() > 1) {
      // `#!/usr/bin/env python3`: env must exist, then python3 on PATH.
      if (const std::string why = whyNot(ctx, interpreter, innerLayer, innerWhere, depth + 1); !why.empty()) {
        return displayPath(*resolved) + " starts with `#!" + e.shebang + "`, but " + why;
      }
      interpreter = parts.size() > 1 && parts[1].rfind('-', 0) == 0 && parts.size() > 2 ? parts[2] : parts[1];
    }
    if (const std::string why = whyNot(ctx, interpreter, innerLayer, innerWhere, depth + 1); !why.empty()) {
      return displayPath(*resolved) + " starts with `#!" + e.shebang + "`, but " + why;
    }
  }
  return {};
}

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  const auto& config = ctx.image.config;
  const auto& argv = !config.entrypoint.empty() ? config.entrypoint : config.cmd;
  if (argv.empty() || argv[0].empty()) return;
  int layer = -1;
  std::string where;
  const std::string why = whyNot(ctx, argv[0], layer, where, 0);
  if (why.empty()) return;
  const char* field = !config.entrypoint.empty() ? "ENTRYPOINT" : "CMD";
  out.report(rule, where, layer, std::string("the ") + field + " cannot start on " + ctx.image.platform.str() + ": " + why,
             "ship the program (and its interpreter and loader) for this platform, or point the " + std::string(field) +
                 " at one that exists");
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  auto script = file("entrypoint.sh");
  script.shebang = "/bin/bash";
  return {imageOf("linux/arm64", {script}, {"/entrypoint.sh"}),
          imageOf("linux/arm64", {script, elfFile("bin/bash", EM_AARCH64)}, {"/entrypoint.sh"})};
}

}  // namespace

extern const ImageRule kMA202 = {
    {.id = "MA202",
     .slug = "entrypoint-cannot-start",
     .severity = Severity::Error,
     .analysis = Analysis::Image,
     .summary = "The image's ENTRYPOINT/CMD cannot start on its platform",
     .what =
         "argv[0] of ENTRYPOINT (else CMD), resolved through WorkingDir, the config's PATH and symlinks, is "
         "missing, a directory, not executable, neither ELF nor `#!` (a Mach-O or PE file), a foreign-architecture "
         "ELF, an ELF whose interpreter is missing, or a script whose `#!` interpreter (through `/usr/bin/env` too) is missing.",
     .why = "The container dies at start with `exec format error` or `no such file or directory` (moby/moby#29420, "
            "opencontainers/runc#1773): the image is broken on that platform even though it pulled fine.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Ship the program, its loader and its script interpreter for the platform, or point ENTRYPOINT at one "
            "that exists.",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
