// MA112: a foreign architecture added to the package system: `dpkg --add-architecture
// i386`, or an apt source pinned to one architecture (`deb [arch=amd64] ...`).
#include <algorithm>

#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// The platforms that can run a Debian architecture's packages natively.
std::vector<std::string> runnableOn(const std::string& debianArch) {
  if (debianArch == "i386") return {"amd64", "386"};
  if (debianArch == "armhf" || debianArch == "armel") return {"arm", "arm64"};
  const auto p = parsePlatform(debianArch);
  return p ? std::vector<std::string>{p->architecture} : std::vector<std::string>{};
}

std::vector<Platform> brokenBy(const DockerfileContext& ctx, size_t stage, const std::vector<std::string>& debianArchs) {
  return ctx.stages->brokenWhere(stage, [&](const Platform& target) {
    for (const auto& arch : debianArchs) {
      const auto runs = runnableOn(arch);
      if (std::find(runs.begin(), runs.end(), target.architecture) != runs.end()) return true;
    }
    return false;
  });
}

// The value of `arch=` inside the `[...]` options of a `deb` line, or empty.
std::string aptArchOption(const std::string& line) {
  const size_t open = line.find('[');
  const size_t close = open == std::string::npos ? std::string::npos : line.find(']', open);
  if (close == std::string::npos) return {};
  const std::string options = line.substr(open + 1, close - open - 1);
  for (const auto& option : text::split(options, ' ')) {
    if (!text::startsWith(option, "arch=")) continue;
    const std::string value = option.substr(5);
    const bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == ',' || c == '-';
    });
    return plain ? value : std::string();
  }
  return {};
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const auto crossStages = stagesInstallingCrossToolchain(ctx.model);
  for (const auto& run : ctx.model.scripts) {
    if (crossStages[run.stage]) continue;
    for (const auto& command : run.script.commands) {
      if (command.insideArchBranch()) continue;
      const auto words = programWords(command);
      if (words.empty()) continue;
      const std::string name = baseName(words[0]->literal);
      if (name == "dpkg") {
        for (size_t i = 1; i + 1 < words.size(); ++i) {
          if (words[i]->literal != "--add-architecture" || words[i + 1]->archVarying) continue;
          const std::string arch = words[i + 1]->literal;
          const auto broken = brokenBy(ctx, run.stage, {arch});
          if (broken.empty()) continue;
          out.report(rule, run.script.source.span(words[i]->begin, words[i + 1]->end),
                     "adds the foreign architecture '" + arch + "' to dpkg: its packages cannot run on " + platformList(broken),
                     "add it only in an arch switch for the platforms that run " + arch + " code, or do without it",
                     std::nullopt, broken);
        }
        continue;
      }
      // `echo "deb [arch=amd64 signed-by=...] https://... stable main" > /etc/apt/sources.list.d/x.list`
      for (const auto* word : words) {
        if (word->archVarying) continue;
        const std::string archs = aptArchOption(word->literal);
        if (archs.empty() || word->literal.find("deb") == std::string::npos) continue;
        const auto broken = brokenBy(ctx, run.stage, text::split(archs, ','));
        if (broken.empty()) continue;
        out.report(rule, run.script.source.span(word->begin, word->end),
                   "writes an apt source limited to arch=" + archs + ": on " + platformList(broken) +
                       " apt finds none of its packages",
                   "use arch=$(dpkg --print-architecture), or drop the arch option if the repository serves every platform",
                   std::nullopt, broken);
        break;
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA112 = {
    {.id = "MA112",
     .slug = "foreign-userland",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "Adds a foreign architecture's packages (dpkg --add-architecture, deb [arch=amd64])",
     .what = "`dpkg --add-architecture i386` (or amd64, ...) and apt sources pinned with `[arch=amd64]`, outside an "
             "architecture switch and not built from `$(dpkg --print-architecture)`. Not in a stage that installs a "
             "cross toolchain (crossbuild-essential-*, gcc-<triplet>, xx): there the foreign packages are a sysroot to "
             "link against.",
     .why = "On other platforms the foreign packages cannot run (i386 code needs an x86 CPU), and a source pinned to "
            "amd64 offers nothing to arm64's apt: `Unable to locate package`.",
     .example = "RUN dpkg --add-architecture i386 && apt-get update && apt-get install -y wine32\n"
                "# MA112: i386 packages cannot run on linux/arm64",
     .fix = "Write `arch=$(dpkg --print-architecture)`; add a foreign architecture only in the arm of an arch switch "
            "for the platforms that can run it.",
     .bad = {"FROM debian\nRUN dpkg --add-architecture i386 && apt-get update\n",
             "FROM debian\nRUN echo \"deb [arch=amd64 signed-by=/usr/share/keyrings/google.gpg] "
             "http://dl.google.com/linux/chrome/deb/ stable main\" > /etc/apt/sources.list.d/google.list\n"},
     .good = {"FROM debian\nRUN echo \"deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/docker.gpg] "
              "https://download.docker.com/linux/debian bookworm stable\" > /etc/apt/sources.list.d/docker.list\n",
              "FROM debian\nRUN if [ \"$(dpkg --print-architecture)\" = amd64 ]; then dpkg --add-architecture i386; fi\n",
              "FROM --platform=$BUILDPLATFORM debian AS build\nARG TARGETARCH\nRUN dpkg --add-architecture arm64 && apt-get update && "
              "apt-get install -y crossbuild-essential-arm64 libssl-dev:arm64\n"}},
    check};

}  // namespace mal::rules
