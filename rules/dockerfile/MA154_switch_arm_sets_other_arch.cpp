// MA154: an arm of a switch on the target's architecture that sets a variable to another
// architecture's word: `case $(uname -m) in ... aarch64|arm64|armv7l) ARCH=arm64 ;; esac`, or
// `"linux/arm/v7") CONFTEST_ARCH=x86_64 ;;` (no armv7 build, so the amd64 one instead). The
// switch is written to pick each platform's asset, and that arm picks one its platform cannot
// run: the image builds, and its program fails with `exec format error`.
// (runatlantis/atlantis Dockerfile and testing/Dockerfile, bench/precision misses, Part K.)
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "analyzer/dockerfile/stage_graph.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// A word as the message shows it, without its quotes.
std::string unquoted(std::string_view text) { return std::string(text::withoutQuotes(text)); }

// Does a switch arm for `platform` choose a build it can run on purpose? The same
// architecture (a 32-bit arm variant on any arm), and the 32-bit code that 64-bit machines
// commonly run: i386 on amd64 (dockerfile::executesOn) and, for intent only, 32-bit arm on
// arm64 (not every arm64 core has AArch32, but a switch that maps arm64 to armhf is choosing
// a compatibility build, not confusing two machines).
bool canRun(const Platform& platform, const Platform& content) {
  if (platform.architecture == content.architecture) return true;
  return dockerfile::executesOn(content, platform) || (platform.architecture == "arm64" && content.architecture == "arm");
}

// Does a subject name the build machine ($BUILDARCH, $BUILDPLATFORM)? A switch on it maps
// the machine that compiles to a target on purpose (cross-compilation).
bool onBuildMachine(const std::string& subject) { return subject.find("BUILD") != std::string::npos; }

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& run : ctx.model.scripts) {
    // A stage on $BUILDPLATFORM or pinned probes a machine that is not the target's.
    if (run.stage >= ctx.stages->platform.size() || ctx.stages->platform[run.stage].runs != dockerfile::StageRuns::OnTarget)
      continue;
    const auto targets = ctx.stages->targetsReaching(run.stage);
    if (targets.empty()) continue;
    const auto& script = run.script;
    // Per (switch subject, platform, variable): the first arm naming the platform decides, as
    // `case` takes the first pattern that matches.
    std::set<std::tuple<std::string, std::string, std::string>> decided;
    for (const auto& assignment : script.assignments) {
      const shell::Branch* arm = nullptr;
      for (const auto& branch : assignment.branches) {
        if (branch.kind == shell::Branch::Kind::CaseArm && branch.onArchitecture) arm = &branch;
      }
      if (!arm || onBuildMachine(arm->condition)) continue;
      const auto& value = assignment.value;
      if (value.literal.find('$') != std::string::npos || value.hasCommandSubstitution) continue;
      const auto content = vocab::wholeWordPlatform(value.literal);
      if (!content) continue;
      for (const auto& pattern : arm->patterns) {
        const auto named = vocab::wholeWordPlatform(pattern);
        if (!named || !decided.emplace(arm->condition, named->str(), assignment.name).second) continue;
        if (canRun(*named, *content)) continue;
        // Only where that platform is built, and the value is read after it is set.
        std::vector<Platform> broken;
        for (const auto& target : targets) {
          if (target.architecture == named->architecture && (named->variant.empty() || target.variant == named->variant))
            broken.push_back(target);
        }
        if (broken.empty()) continue;
        const bool read = std::any_of(script.variableUses.begin(), script.variableUses.end(),
                                      [&](const auto& use) { return use.name == assignment.name && use.begin >= value.end; });
        if (!read) continue;
        const size_t begin = value.begin >= assignment.name.size() + 1 ? value.begin - assignment.name.size() - 1 : value.begin;
        out.report(rule, script.source.span(begin, value.end),
                   "the arm for '" + unquoted(pattern) + "'" +
                       (unquoted(pattern) == named->str() ? "" : " (" + named->str() + ")") + " sets " + assignment.name +
                       " to '" + unquoted(value.literal) + "', the " + content->str() + " word: the " + platformList(broken) +
                       " image gets " + content->architecture + " code it cannot run",
                   "give " + named->str() +
                       " its own build in the switch, or make that arm fail (`echo unsupported >&2; "
                       "exit 1`) and drop the platform from the build",
                   std::nullopt, broken);
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA154 = {
    {.id = "MA154",
     .slug = "switch-arm-sets-other-arch",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "An arm of an architecture switch sets another architecture's word",
     .what = "An arm of a `case` on the target's architecture (`$TARGETARCH`, `$TARGETPLATFORM`, `uname -m`, "
             "`dpkg --print-architecture`, in a stage that runs as the target) whose pattern is one platform "
             "(`armv7l`, `\"linux/arm/v7\"`) and that sets a variable the RUN goes on to read to a word that is "
             "wholly another architecture's (`x86_64`, `arm64`). Not the 32-bit builds 64-bit machines commonly run "
             "(`x86_64) A=i386`, `aarch64) A=armhf`), not a switch on `$BUILDARCH`/`$BUILDPLATFORM` (mapping the "
             "build machine to a target is cross-compilation), not a value built from anything, and only for the "
             "platforms that build the stage. The first arm that names a platform decides, as `case` does.",
     .why = "The switch exists to pick each platform's asset; this arm picks one its platform cannot execute. The "
            "build succeeds (the download exists), and the image fails at run time with `exec format error`.",
     .example = "FROM debian\n"
                "ARG TARGETPLATFORM\n"
                "RUN case \"$TARGETPLATFORM\" in \"linux/amd64\") A=x86_64 ;; \"linux/arm64\") A=arm64 ;; "
                "\"linux/arm/v7\") A=x86_64 ;; esac && curl -fsSLO \"https://example.com/tool_Linux_${A}.tar.gz\"\n"
                "# MA154 with --platform linux/amd64,linux/arm64,linux/arm/v7",
     .fix = "Give that platform its own build in the switch, or make its arm fail and drop the platform from the "
            "build's platforms.",
     .bad = {"FROM debian\nRUN case \"$(uname -m)\" in x86_64) A=amd64 ;; aarch64) A=amd64 ;; *) exit 1 ;; esac && "
             "curl -fsSLO \"https://example.com/tool_linux_${A}.zip\"\n",
             "FROM debian\nARG TARGETARCH\nRUN case \"$TARGETARCH\" in \"amd64\") B=x86_64 ;; \"arm64\") B='x86_64' ;; esac && "
             "tar -xf \"tool-$B.tgz\"\n"},
     .good = {"FROM debian\nRUN case \"$(uname -m)\" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; esac && "
              "curl -fsSLO \"https://example.com/tool_linux_${A}.zip\"\n",
              "FROM debian\nRUN case \"$(uname -m)\" in x86_64) A=amd64 ;; aarch64|armv7l) A=arm64 ;; esac && "
              "curl -fsSLO \"https://example.com/tool_linux_${A}.zip\"\n",
              "FROM --platform=$BUILDPLATFORM golang\nARG BUILDARCH\nRUN case \"$BUILDARCH\" in amd64) CC=aarch64-linux-gnu-gcc "
              ";; esac && echo $CC\n",
              "FROM debian\nRUN case \"$(uname -m)\" in x86_64) A=i386 ;; esac && echo $A\n"}},
    check};

}  // namespace mal::rules
