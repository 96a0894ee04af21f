// MA148: a switch written to vary by architecture whose subject never varies: `case "$ARCH"
// in amd64) ... arm64) ...` where ARCH is `ARG ARCH=amd64` or `ENV ARCH=amd64` in the stage.
// The subject's value is the same for every target platform (valueForEveryTarget), so every
// image takes the one arm, and the others are dead code.
#include <algorithm>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& run : ctx.model.scripts) {
    const auto& script = run.script;
    for (const auto& sw : script.archSwitches) {
      const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, run, sw.subject);
      if (!fixed || fixed->variables.empty()) continue;
      // The value must be one architecture name (amd64, x86_64, linux/amd64), nothing more.
      const auto tokens = vocab::findArchTokens(fixed->value);
      if (tokens.size() != 1) continue;
      const std::string_view rest = std::string_view(fixed->value).substr(0, tokens[0].begin);
      if (tokens[0].end != fixed->value.size() || !(rest.empty() || rest == "linux/")) continue;
      const auto broken = ctx.brokenBy(run.stage, tokens[0].platform);
      if (broken.empty()) continue;
      const auto& [name, source] = *fixed->variables.begin();
      const auto& definition = ctx.instruction(source.instruction);
      out.report(rule, script.source.span(sw.begin, std::min(sw.end, sw.begin + 4)),
                 "this switch on the architecture reads $" + name + ", which is '" + fixed->value + "' for every target (" +
                     text::upper(definition.command) + " on line " + std::to_string(definition.startLine) +
                     "): every image takes the " + tokens[0].platform.str() + " arm, also on " + platformList(broken),
                 "switch on the target's architecture: declare `ARG TARGETARCH` and use $TARGETARCH, or probe it with "
                 "`dpkg --print-architecture` / `uname -m`",
                 {{definition.span, name + " is set here"}}, broken);
    }
  }
}

}  // namespace

extern const DockerfileRule kMA148 = {
    {.id = "MA148",
     .slug = "switch-on-fixed-arch",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A switch on the architecture reads a variable that is the same for every target",
     .what = "A `case` whose arms name architectures, on a variable that an ARG default or an ENV in the stage (or "
             "the stage it is based on) sets to one architecture: `ARG ARCH=amd64`, then `case \"$ARCH\" in amd64) "
             "... ;; arm64) ... ;; esac`. Not when the value comes from TARGETARCH or a probe, differs per target, "
             "or is a global ARG re-declared without a default (the caller's --build-arg).",
     .why = "The switch is written to vary, but BuildKit gives the variable one value for every platform (an ARG "
            "keeps its default unless a --build-arg names it, and a --build-arg is one value for the whole "
            "multi-platform build): every image takes the same arm and downloads or builds that architecture's "
            "code.",
     .example = "ARG ARCH=amd64\nRUN case \"$ARCH\" in amd64) ... ;; arm64) ... ;; esac\n"
                "# MA148: every image takes the linux/amd64 arm",
     .fix = "Switch on `$TARGETARCH` (declared with `ARG TARGETARCH`, no default), or on `dpkg --print-architecture` "
            "/ `uname -m`.",
     .bad =
         {"FROM debian\nARG ARCH=amd64\nRUN case \"$ARCH\" in \\\n"
          "  amd64) curl -fsSLO https://example.com/tool-amd64.tgz ;; \\\n"
          "  arm64) curl -fsSLO https://example.com/tool-arm64.tgz ;; \\\n"
          "  *) exit 1 ;; esac\n",
          "FROM debian\nENV ARCH=x86_64\nRUN case \"${ARCH}\" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; *) exit 1 ;; esac; echo $A\n"},
     .good =
         {"FROM debian\nARG TARGETARCH\nRUN case \"$TARGETARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac; echo $A\n",
          "FROM debian\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n",
          "ARG ARCH=amd64\nFROM debian\nARG ARCH\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n",
          "FROM debian\nARG ARCH\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n"}},
    check};

}  // namespace mal::rules
