// MA148: a switch written to vary by architecture whose subject never varies: `case "$ARCH"
// in amd64) ... arm64) ...` where ARCH is `ARG ARCH=amd64` or `ENV ARCH=amd64` in the stage.
// The subject's value is the same for every target platform (valueForEveryTarget), so every
// image takes the one arm, and the others are dead code.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {
namespace {

// The one architecture a fixed value is (amd64, x86_64, linux/amd64), or none.
std::optional<vocab::ArchToken> oneArchitecture(const std::string& value) {
  const auto tokens = vocab::findArchTokens(value);
  if (tokens.size() != 1) return std::nullopt;
  const std::string_view rest = std::string_view(value).substr(0, tokens[0].begin);
  if (tokens[0].end != value.size() || !(rest.empty() || rest == "linux/")) return std::nullopt;
  return tokens[0];
}

// The variables a test reads: `$NAME`, `${NAME}`, `${NAME:-x}`.
std::vector<std::string> variablesIn(const std::string& text) {
  std::vector<std::string> out;
  const auto isNameChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '$') continue;
    size_t at = i + 1 + (text[i + 1] == '{' ? 1 : 0);
    if (at >= text.size() || std::isdigit(static_cast<unsigned char>(text[at])) || !isNameChar(text[at])) continue;
    size_t end = at;
    while (end < text.size() && isNameChar(text[end])) ++end;
    std::string name = text.substr(at, end - at);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    i = end - 1;
  }
  return out;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& run : ctx.model.scripts) {
    const auto& script = run.script;
    std::set<std::string> judged;    // conditions already looked at (an if chain is a switch and a branch)
    std::set<std::string> reported;  // one fixed variable tested in one RUN is one mistake
    // `subject` is a case subject ("$ARCH") or an if/&& test ('[ "$ARCH" = arm64 ]'): each
    // variable it reads whose value is one architecture for every target makes the test the
    // same everywhere.
    const auto judge = [&](const std::string& subject, Span span) {
      if (!judged.insert(subject).second) return;
      for (const auto& name : variablesIn(subject)) {
        const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, run, "${" + name + "}");
        if (!fixed || fixed->variables.empty()) continue;
        const auto token = oneArchitecture(fixed->value);
        if (!token) continue;
        const auto broken = ctx.brokenBy(run.stage, token->platform);
        if (broken.empty()) continue;
        const auto& [variable, source] = *fixed->variables.begin();
        if (!reported.insert(variable).second) return;
        const auto& definition = ctx.instruction(source.instruction);
        out.report(rule, span,
                   "this switch on the architecture reads $" + variable + ", which is '" + fixed->value + "' for every target (" +
                       text::upper(definition.command) + " on line " + std::to_string(definition.startLine) +
                       "): every image takes the " + token->platform.str() + " arm, also on " + platformList(broken),
                   "switch on the target's architecture: declare `ARG TARGETARCH` and use $TARGETARCH, or probe it with "
                   "`dpkg --print-architecture` / `uname -m`",
                   {{definition.span, variable + " is set here"}}, broken);
        return;
      }
    };
    for (const auto& sw : script.archSwitches) judge(sw.subject, script.source.span(sw.begin, std::min(sw.end, sw.begin + 4)));
    // A lone `if [ "$V" = arm64 ]; then X=aarch64; fi` after a default (`X=x86_64`) is a
    // switch too, though not a chain: on a fixed $V the default is taken everywhere.
    // (actions/runner images/Dockerfile before 96690d7: `ARG RUNNER_ARCH="x64"`, then the
    // Docker CLI's architecture chosen by `if [ "$RUNNER_ARCH" = "arm64" ]`.)
    const auto judgeBranches = [&](const std::vector<shell::Branch>& branches) {
      for (const auto& branch : branches) {
        if (!branch.onArchitecture || branch.kind == shell::Branch::Kind::CaseArm) continue;
        // Only a test command: the condition of a command after `if ...; fi &&` is that whole
        // `if`, whose body may read other variables.
        std::string_view test = branch.condition;
        while (!test.empty() && (test.front() == ' ' || test.front() == '\t')) test.remove_prefix(1);
        if (!text::startsWith(test, "[") && !text::startsWith(test, "test ")) continue;
        const auto [at, end] = conditionRange(script, branch.condition);
        if (at == std::string::npos) continue;
        judge(branch.condition, script.source.span(at, end));
      }
    };
    for (const auto& command : script.commands) judgeBranches(command.branches);
    for (const auto& assignment : script.assignments) judgeBranches(assignment.branches);
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
             "... ;; arm64) ... ;; esac`, or an `if`/`&&` test on it (`X=x86_64; if [ \"$ARCH\" = arm64 ]; then "
             "X=aarch64; fi`). Not when the value comes from TARGETARCH or a probe, differs per target, "
             "or is a global ARG re-declared without a default (the caller's --build-arg).",
     .why = "The switch is written to vary, but BuildKit gives the variable one value for every platform (an ARG "
            "keeps its default unless a --build-arg names it, and a --build-arg is one value for the whole "
            "multi-platform build): every image takes the same arm and downloads or builds that architecture's "
            "code.",
     .example = "FROM debian\n"
                "ARG ARCH=amd64\n"
                "RUN case \"$ARCH\" in amd64) echo x86_64 ;; arm64) echo aarch64 ;; esac\n"
                "# MA148",
     .fix = "Switch on `$TARGETARCH` (declared with `ARG TARGETARCH`, no default), or on `dpkg --print-architecture` "
            "/ `uname -m`.",
     .bad =
         {"FROM debian\nARG ARCH=amd64\nRUN case \"$ARCH\" in \\\n"
          "  amd64) curl -fsSLO https://example.com/tool-amd64.tgz ;; \\\n"
          "  arm64) curl -fsSLO https://example.com/tool-arm64.tgz ;; \\\n"
          "  *) exit 1 ;; esac\n",
          "FROM debian\nENV ARCH=x86_64\nRUN case \"${ARCH}\" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; *) exit 1 ;; esac; echo $A\n",
          "FROM debian\nARG RUNNER_ARCH=x64\nRUN export DOCKER_ARCH=x86_64 && if [ \"$RUNNER_ARCH\" = \"arm64\" ]; then "
          "export DOCKER_ARCH=aarch64; fi && echo $DOCKER_ARCH\n"},
     .good =
         {"FROM debian\nARG TARGETARCH\nRUN case \"$TARGETARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac; echo $A\n",
          "FROM debian\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n",
          "ARG ARCH=amd64\nFROM debian\nARG ARCH\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n",
          "FROM debian\nARG ARCH\nRUN case \"$ARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; esac\n"}},
    check};

}  // namespace mal::rules
