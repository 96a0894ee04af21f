// MA140: $TARGETARCH and friends used in a stage that never declared them. BuildKit's
// own UndefinedVar check skips shell-form RUN, which is exactly where this bites.
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// The byte offset of `$NAME` or `${NAME` in `text`, or npos.
size_t findReference(std::string_view text, const std::string& name) {
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    size_t start = at + 1;
    if (start < text.size() && text[start] == '{') ++start;
    if (text.compare(start, name.size(), name) != 0) continue;
    const size_t end = start + name.size();
    const bool boundary = end >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
    if (boundary) return at;
  }
  return std::string_view::npos;
}

void reportUse(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, const dockerfile::Stage& stage,
               const std::string& name, Span span) {
  (void)ctx;
  out.report(rule, span,
             "$" + name + " is used in " + stage.label() + " but not declared there: it expands to an empty string",
             "add `ARG " + name + "` to this stage before its first use (global ARGs and the automatic platform "
             "ARGs do not reach a stage unless it declares them)");
}

void checkScript(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, const dockerfile::RunScript& run) {
  const auto& stage = ctx.model.stages[run.stage];
  // An ONBUILD trigger runs in the downstream build right after its FROM, before any of
  // that build's own ARGs: only an earlier `ONBUILD ARG` declares a variable for it.
  const bool trigger = ctx.instruction(run.instruction).command == "onbuild";
  auto declared = [&](const std::string& name) {
    if (!trigger) return stage.declaresArgBefore(name, run.instruction);
    for (size_t index : stage.instructions) {
      if (index >= run.instruction) break;
      const auto& in = ctx.instruction(index);
      if (in.command != "onbuild" || in.effective().command != "arg") continue;
      for (const auto& arg : in.effective().args) {
        if (arg.value.substr(0, arg.value.find('=')) == name) return true;
      }
    }
    return false;
  };
  std::set<std::string> reported;
  for (const auto& use : run.script.variableUses) {
    if (!vocab::isAutomaticPlatformArg(use.name) || reported.count(use.name)) continue;
    if (declared(use.name)) continue;
    // `TARGETARCH=$(dpkg --print-architecture)` earlier in the same RUN defines it.
    bool assignedBefore = false;
    for (const auto& a : run.script.assignments) assignedBefore = assignedBefore || (a.name == use.name && a.value.end <= use.begin);
    if (assignedBefore) continue;
    reportUse(ctx, rule, out, stage, use.name, run.script.source.span(use.begin, use.end));
    reported.insert(use.name);
  }
}

void checkInstruction(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, const dockerfile::Stage& stage,
                      size_t index) {
  const auto& in = ctx.instruction(index);
  // Build-time expansion happens in these; CMD/ENTRYPOINT/HEALTHCHECK expand at run time,
  // RUN is handled through its shell syntax tree, ONBUILD runs in another build.
  static const std::set<std::string> kExpanding = {"copy", "add", "env", "arg", "label", "workdir",
                                                   "user", "expose", "volume", "stopsignal"};
  if (!kExpanding.count(in.command)) return;
  std::set<std::string> reported;
  for (const auto& arg : in.args) {
    const auto expansion = dockerfile::expandWord(arg.value, {}, ctx.file.escapeToken);
    for (const auto& name : expansion.referenced) {
      if (!vocab::isAutomaticPlatformArg(name) || reported.count(name)) continue;
      if (stage.declaresArgBefore(name, index)) continue;
      const size_t at = findReference(arg.value, name);
      Span span = arg.span;
      if (at != std::string_view::npos && !in.json) {
        span.begin = arg.span.begin + static_cast<uint32_t>(at);
        span.end = span.begin + static_cast<uint32_t>(1 + name.size() + (arg.value[at + 1] == '{' ? 1 : 0));
      }
      reportUse(ctx, rule, out, stage, name, span);
      reported.insert(name);
    }
  }
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& run : ctx.model.scripts) checkScript(ctx, rule, out, run);
  for (const auto& stage : ctx.model.stages) {
    for (size_t index : stage.instructions) checkInstruction(ctx, rule, out, stage, index);
  }
}

}  // namespace

extern const DockerfileRule kMA140 = {
    {.id = "MA140",
     .slug = "platform-arg-undeclared",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "$TARGETARCH (or another platform ARG) is used in a stage that does not declare it",
     .what = "A use of TARGETARCH, TARGETOS, TARGETPLATFORM, TARGETVARIANT or a BUILD* platform ARG in a stage "
             "with no `ARG` for it before the use: in RUN (through the shell syntax tree), COPY, ADD, ENV, "
             "WORKDIR, LABEL and the other instructions BuildKit expands.",
     .why = "BuildKit defines the platform ARGs only in the global scope; inside a stage they are empty until "
            "redeclared. The URL becomes `.../linux//kubectl` or the switch takes its default arm, and "
            "BuildKit's UndefinedVar check skips shell-form RUN, so nobody warns.",
     .example = "FROM debian\nRUN curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n"
                "# MA140: $TARGETARCH is not declared in this stage",
     .fix = "Add `ARG TARGETARCH` in the stage, before the first instruction that uses it.",
     .bad = {"FROM debian\nRUN echo \"building for $TARGETARCH\"\n", "ARG TARGETARCH\nFROM debian\nRUN echo $TARGETARCH\n",
             "FROM debian\nARG TARGETARCH\nONBUILD RUN echo $TARGETARCH\n",
             "FROM debian\nCOPY bin/${TARGETARCH}/tool /usr/local/bin/tool\n",
             "FROM debian\nRUN echo $TARGETARCH\nARG TARGETARCH\n"},
     .good = {"FROM debian\nARG TARGETARCH\nRUN echo \"building for $TARGETARCH\"\n",
              "FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\n",
              "FROM debian\nRUN TARGETARCH=$(dpkg --print-architecture) && echo $TARGETARCH\n",
              "FROM debian\nCMD echo $TARGETARCH\n", "FROM debian\nONBUILD ARG TARGETARCH\nONBUILD RUN echo $TARGETARCH\n"}},
    check};

}  // namespace mal::rules
