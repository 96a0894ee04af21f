// MA112: a foreign architecture added to the package system: `dpkg --add-architecture
// i386`, or an apt source pinned to one architecture (`deb [arch=amd64] ...`).
#include <regex>

#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {
namespace {

// The platforms that can run a Debian architecture's packages natively.
std::vector<std::string> runnableOn(const std::string& debianArch) {
  if (debianArch == "i386") return {"amd64", "386"};
  if (debianArch == "armhf" || debianArch == "armel") return {"arm", "arm64"};
  const auto p = parsePlatform(debianArch);
  return p ? std::vector<std::string>{p->architecture} : std::vector<std::string>{};
}

std::vector<Platform> brokenBy(const DockerfileContext& ctx, const std::vector<std::string>& debianArchs) {
  std::vector<Platform> broken;
  for (const auto& target : ctx.targets) {
    bool ok = false;
    for (const auto& arch : debianArchs) {
      const auto runs = runnableOn(arch);
      ok = ok || std::find(runs.begin(), runs.end(), target.architecture) != runs.end();
    }
    if (!ok) broken.push_back(target);
  }
  return broken;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  static const std::regex kArchOption(R"(\[[^\]]*\barch=([a-z0-9_,\-]+)[^\]]*\])");
  for (const auto& run : ctx.model.scripts) {
    for (const auto& command : run.script.commands) {
      if (command.insideArchBranch()) continue;
      const auto words = programWords(command);
      if (words.empty()) continue;
      const std::string name = baseName(words[0]->literal);
      if (name == "dpkg") {
        for (size_t i = 1; i + 1 < words.size(); ++i) {
          if (words[i]->literal != "--add-architecture" || words[i + 1]->archVarying) continue;
          const std::string arch = words[i + 1]->literal;
          const auto broken = brokenBy(ctx, {arch});
          if (broken.empty()) continue;
          out.report(rule, run.script.source.span(words[i]->begin, words[i + 1]->end),
                     "adds the foreign architecture '" + arch + "' to dpkg: its packages cannot run on " + platformList(broken),
                     "add it only in an arch switch for the platforms that run " + arch + " code, or do without it");
        }
        continue;
      }
      // `echo "deb [arch=amd64 signed-by=...] https://... stable main" > /etc/apt/sources.list.d/x.list`
      for (const auto* word : words) {
        if (word->archVarying) continue;
        std::smatch m;
        if (!std::regex_search(word->literal, m, kArchOption) || word->literal.find("deb") == std::string::npos) continue;
        const auto broken = brokenBy(ctx, text::split(m[1].str(), ','));
        if (broken.empty()) continue;
        out.report(rule, run.script.source.span(word->begin, word->end),
                   "writes an apt source limited to arch=" + m[1].str() + ": on " + platformList(broken) +
                       " apt finds none of its packages",
                   "use arch=$(dpkg --print-architecture), or drop the arch option if the repository serves every platform");
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
             "architecture switch and not built from `$(dpkg --print-architecture)`.",
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
              "FROM debian\nRUN if [ \"$(dpkg --print-architecture)\" = amd64 ]; then dpkg --add-architecture i386; fi\n"}},
    check};

}  // namespace mal::rules
