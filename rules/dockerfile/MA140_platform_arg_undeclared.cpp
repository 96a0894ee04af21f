// MA140: $TARGETARCH and friends used in a stage that never declared them. BuildKit's
// own UndefinedVar check skips shell-form RUN, which is exactly where this bites.
#include <algorithm>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
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

// `# syntax=docker/dockerfile:1.0` .. `1.1.1`: frontends from before a7e52bf (1.1.2, July 2019),
// which kept ARG values out of the stage's environment, so a stage based on another did not
// see them. Returns the pinned version, or empty.
std::string preInheritanceFrontend(const dockerfile::ParsedDockerfile& file) {
  for (const auto& directive : file.directives) {
    if (directive.name != "syntax") continue;
    const size_t colon = directive.value.rfind(':');
    if (colon == std::string::npos || directive.value.find("dockerfile") == std::string::npos) continue;
    std::string version = directive.value.substr(colon + 1);
    version = version.substr(0, version.find_first_of("-@"));
    if (version == "1.0" || text::startsWith(version, "1.0.") || version == "1.1.0" || version == "1.1.1") return version;
  }
  return {};
}

// Declared in the stage before `instruction`, or anywhere in a stage it is based on: BuildKit
// carries the base stage's state, whose environment holds its ARG values (dispatchState.init).
bool declaredForStage(const DockerfileContext& ctx, const dockerfile::Stage& stage, const std::string& name, size_t instruction,
                      bool& onlyInherited) {
  onlyInherited = false;
  if (stage.declaresArgBefore(name, instruction)) return true;
  onlyInherited = ctx.stages->platformArgsFromBases[stage.index].count(name) > 0;
  return onlyInherited;
}

// A stage that runs pinned or on the build machine and hands on only portable files (a web
// bundle, JARs): an empty $TARGETARCH there changes nothing in the images, and declaring it
// would make the stage fetch the target's tools on the wrong machine.
bool portableOnlyStage(const DockerfileContext& ctx, const dockerfile::Stage& stage) {
  return ctx.stages->platform[stage.index].runs != dockerfile::StageRuns::OnTarget && !ctx.stages->shipsNative[stage.index];
}

// `GOARCH=$TARGETARCH` / `GOOS=$TARGETOS` as the whole value, in a stage that runs on the
// target: empty, Go builds for the platform it runs on, which is the target. Harmless.
//
// Likewise `${TARGETARCH:-}` / `${TARGETARCH-}`: the author wrote out that the value may be
// unset and handed the empty string on (rqlite passes it to a script that then builds for
// the machine it runs on, which in such a stage is the target).
//
// And `${TARGETARCH:-$(go env GOARCH)}`, `${TARGETARCH:-$(uname -m)}`: unset, the use asks the
// machine it runs on for its own architecture, which in such a stage is the target's
// (open-feature/flagd-testbed's `GOARCH=${TARGETARCH:-$(go env GOARCH)} go build`). The value
// is never empty, so the rule's claim does not hold; a constant fallback (`:-amd64`) still is one.
bool fallsBackToNativeProbe(std::string_view written, const std::string& name) {
  for (std::string_view form : {":-", "-"}) {
    const std::string head = "${" + name + std::string(form);
    if (!text::startsWith(written, head) || !text::endsWith(written, "}")) continue;
    std::string fallback(written.substr(head.size(), written.size() - head.size() - 1));
    std::erase_if(fallback, [](char c) { return c == '"' || c == '\''; });
    // `$(COMMAND)` or `` `COMMAND` ``, and the command one of the vocabulary's architecture probes.
    std::string_view inner = fallback;
    if (text::startsWith(inner, "$(") && text::endsWith(inner, ")")) {
      inner = inner.substr(2, inner.size() - 3);
    } else if (inner.size() > 1 && inner.front() == '`' && inner.back() == '`') {
      inner = inner.substr(1, inner.size() - 2);
    } else {
      continue;
    }
    std::vector<std::string> words;
    for (const auto& word : text::split(std::string(inner), ' ')) {
      if (!word.empty()) words.push_back(word);
    }
    if (vocab::isArchProbe(words) || words == std::vector<std::string>{"go", "env", "GOOS"}) return true;
  }
  return false;
}

bool emptyMeansNative(const DockerfileContext& ctx, const dockerfile::RunScript& run, const shell::VariableUse& use) {
  if (ctx.stages->platform[run.stage].runs != dockerfile::StageRuns::OnTarget) return false;
  if (use.end <= run.script.source.text.size() && use.begin < use.end) {
    const std::string_view written = std::string_view(run.script.source.text).substr(use.begin, use.end - use.begin);
    if (fallsBackToNativeProbe(written, use.name)) return true;
    // Only as a whole word or value handed on: inside a URL or a path (`tool-${TARGETARCH:-}.tgz`)
    // the empty string still breaks it.
    if (written == "${" + use.name + ":-}" || written == "${" + use.name + "-}") {
      for (const auto& command : run.script.commands) {
        for (const auto& w : command.words) {
          if (w.begin <= use.begin && use.end <= w.end) return w.literal == written;
        }
      }
      for (const auto& a : run.script.assignments) {
        if (a.value.begin <= use.begin && use.end <= a.value.end) return a.value.literal == written;
      }
    }
  }
  for (const auto& a : run.script.assignments) {
    if (a.name != "GOARCH" && a.name != "GOOS" && a.name != "GOARM") continue;
    if (a.value.begin <= use.begin && use.end <= a.value.end) {
      const std::string& v = a.value.literal;
      return v == "$" + use.name || v == "${" + use.name + "}";
    }
  }
  for (const auto& command : run.script.commands) {
    for (const auto& w : command.words) {
      if (w.begin > use.begin || use.end > w.end) continue;
      for (const char* key : {"GOARCH=", "GOOS=", "GOARM="}) {
        if (w.literal == key + ("$" + use.name) || w.literal == key + ("${" + use.name + "}")) return true;
      }
    }
  }
  return false;
}

// `if [ -z "$TARGETPLATFORM" ]; then ... TARGETPLATFORM=linux/amd64 ...`: the script tests the
// value for emptiness and, in that branch, sets it itself (infinity derives it from `uname -m`).
// The empty value the rule warns of is the case the script handles; the uses after the
// assignment read the script's own value.
bool emptinessTestThenAssigned(const shell::Script& script, const shell::VariableUse& use) {
  std::string_view before = std::string_view(script.source.text).substr(0, use.begin);
  while (!before.empty() && (before.back() == '"' || before.back() == ' ' || before.back() == '\t')) before.remove_suffix(1);
  if (!text::endsWith(before, "-z")) return false;
  before.remove_suffix(2);
  if (!before.empty() && before.back() != ' ' && before.back() != '\t' && before.back() != '[') return false;
  return std::any_of(script.assignments.begin(), script.assignments.end(), [&](const shell::Assignment& a) {
    return a.name == use.name && a.value.begin > use.end &&
           std::any_of(a.branches.begin(), a.branches.end(), [&](const shell::Branch& b) {
             return b.kind == shell::Branch::Kind::IfThen && b.condition.find("-z") != std::string::npos &&
                    b.condition.find(use.name) != std::string::npos;
           });
  });
}

// `arch=$([ "$TARGETARCH" = arm64 ] && echo aarch64 || echo "$TARGETARCH")` where nothing of
// the RUN reads `arch` afterwards (supabase/postgres names aarch64 in the URL outright): the
// empty value lands in a shell variable that dies with the RUN. BuildKit runs every RUN in a
// fresh shell; only ENV and ARG values reach the next instruction, and a plain (not
// exported) shell variable reaches no program the RUN starts. Not when the assignment is a
// command's prefix (`ARCH=$TARGETARCH make`), is exported or declared, or the RUN sources a
// file or evals text that could read it.
bool feedsOnlyUnreadVariable(const shell::Script& script, const shell::VariableUse& use) {
  const std::string& source = script.source.text;
  for (const auto& a : script.assignments) {
    if (a.name == use.name || a.value.begin > use.begin || use.end > a.value.end) continue;
    // A plain assignment: nothing but a separator between the previous command and its name.
    const size_t nameBegin = a.value.begin >= a.name.size() + 1 ? a.value.begin - a.name.size() - 1 : 0;
    if (source.compare(nameBegin, a.name.size(), a.name) != 0) return false;
    size_t at = nameBegin;
    while (at > 0 && (source[at - 1] == ' ' || source[at - 1] == '\t')) --at;
    if (at > 0 && std::string_view(";&|\n({").find(source[at - 1]) == std::string_view::npos) {
      const std::string_view head = std::string_view(source).substr(0, at);
      if (!text::endsWith(head, "then") && !text::endsWith(head, "do") && !text::endsWith(head, "else")) return false;
    }
    // ... and not a command's prefix: only a separator (or the end) after its value.
    size_t after = a.value.end;
    while (after < source.size() && (source[after] == ' ' || source[after] == '\t')) ++after;
    if (after < source.size() && std::string_view(";&|\n)}").find(source[after]) == std::string_view::npos) return false;
    for (const auto& other : script.variableUses) {
      if (other.name == a.name) return false;
    }
    for (const auto& command : script.commands) {
      const std::string name = command.name();
      if (name == "." || name == "source" || name == "eval") return false;
      if (name == "set" && std::any_of(command.words.begin(), command.words.end(),
                                       [](const shell::Word& w) { return w.literal == "-a" || w.literal == "allexport"; }))
        return false;
      if (name == "export" || name == "declare" || name == "typeset" || name == "readonly" || name == "local") {
        for (const auto& w : command.words) {
          if (w.literal == a.name || text::startsWith(w.literal, a.name + "=")) return false;
        }
      }
    }
    return true;
  }
  return false;
}

// `echo "building for $TARGETPLATFORM"`: the use is an argument of echo or printf whose output
// goes to the build log only (not redirected, piped or captured by `$(...)`). The empty value
// makes the log line wrong and nothing else: no file, variable or program of the build reads
// it (tygerlord/docker-domoticz-dev, Part ZZZZZZZZZZZZZQ). Such a use is reported at info level.
bool onlyPrinted(const shell::Script& script, const shell::VariableUse& use) {
  const shell::Command* printer = nullptr;
  for (const auto& command : script.commands) {
    const bool holds = std::any_of(command.words.begin() + (command.words.empty() ? 0 : 1), command.words.end(),
                                   [&](const shell::Word& w) { return w.begin <= use.begin && use.end <= w.end; });
    if (holds) printer = &command;  // the innermost: nested commands come after their enclosing one
  }
  if (!printer || (printer->name() != "echo" && printer->name() != "printf")) return false;
  if (printer->pipesInto != static_cast<size_t>(-1)) return false;
  // Captured: a word of another command or an assignment's value spans it (`x=$(echo ...)`).
  auto spans = [&](const shell::Word& w) { return w.begin <= printer->begin && printer->end <= w.end; };
  for (const auto& command : script.commands) {
    if (&command != printer && std::any_of(command.words.begin(), command.words.end(), spans)) return false;
  }
  for (const auto& a : script.assignments) {
    if (spans(a.value)) return false;
  }
  // Redirected: a `>` before the end of its statement (one inside quotes counts too: the
  // finding is then kept at its own level, the safe side).
  const std::string& source = script.source.text;
  for (size_t at = printer->begin; at < source.size(); ++at) {
    const char c = source[at];
    if (c == '>') return false;
    if (at >= printer->end && (c == ';' || c == '&' || c == '|' || c == '\n' || c == ')')) break;
  }
  return true;
}

// Is the use undeclared? Reports it, saying when an old frontend is the reason.
void reportUse(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, const dockerfile::Stage& stage,
               const std::string& name, size_t instruction, Span span, bool printed = false) {
  bool onlyInherited = false;
  if (declaredForStage(ctx, stage, name, instruction, onlyInherited)) {
    const std::string old = onlyInherited ? preInheritanceFrontend(ctx.file) : "";
    if (old.empty()) return;
    out.report(rule, span,
               "$" + name + " is declared only in the stage " + stage.label() +
                   " is based on, and `# syntax=` pins "
                   "Dockerfile frontend " +
                   old +
                   ", which does not carry ARG values into stages based on another (1.1.2 "
                   "and later do): it expands to an empty string",
               "add `ARG " + name + "` to this stage, or move the syntax line to docker/dockerfile:1");
    return;
  }
  if (portableOnlyStage(ctx, stage)) return;
  const std::string fix = "add `ARG " + name +
                          "` to this stage before its first use (global ARGs and the automatic platform "
                          "ARGs do not reach a stage unless it, or a stage it is based on, declares them)";
  if (printed) {
    out.report(rule, span,
               "$" + name + " is used in " + stage.label() +
                   " but not declared there: the line it prints to the build log shows an empty string (nothing "
                   "the build makes reads it)",
               fix, Severity::Info);
    return;
  }
  out.report(rule, span, "$" + name + " is used in " + stage.label() + " but not declared there: it expands to an empty string",
             fix);
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
    if (trigger && declared(use.name)) continue;
    // `TARGETARCH=$(dpkg --print-architecture)` earlier in the same RUN defines it.
    if (run.script.assignedBefore(use.name, use.begin).last) continue;
    if (!trigger && emptyMeansNative(ctx, run, use)) continue;
    if (!trigger && (emptinessTestThenAssigned(run.script, use) || feedsOnlyUnreadVariable(run.script, use))) continue;
    if (trigger) {
      out.report(rule, run.script.source.span(use.begin, use.end),
                 "$" + use.name + " is used in an ONBUILD trigger with no `ONBUILD ARG " + use.name +
                     "` before it: it expands to an empty string in the downstream build",
                 "add `ONBUILD ARG " + use.name + "` before this trigger");
    } else {
      reportUse(ctx, rule, out, stage, use.name, run.instruction, run.script.source.span(use.begin, use.end),
                onlyPrinted(run.script, use));
    }
    reported.insert(use.name);
  }
}

void checkInstruction(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, const dockerfile::Stage& stage,
                      size_t index) {
  const auto& in = ctx.instruction(index);
  // Build-time expansion happens in these; CMD/ENTRYPOINT/HEALTHCHECK expand at run time,
  // RUN is handled through its shell syntax tree, ONBUILD runs in another build.
  static const std::set<std::string> kExpanding = {"copy",    "add",  "env",    "arg",    "label",
                                                   "workdir", "user", "expose", "volume", "stopsignal"};
  if (!kExpanding.count(in.command)) return;
  std::set<std::string> reported;
  for (const auto& arg : in.args) {
    const auto expansion = dockerfile::expandWord(arg.value, {}, ctx.file.escapeToken);
    for (const auto& name : expansion.referenced) {
      if (!vocab::isAutomaticPlatformArg(name) || reported.count(name)) continue;
      const size_t at = findReference(arg.value, name);
      Span span = arg.span;
      if (at != std::string_view::npos && !in.json) {
        span.begin = arg.span.begin + static_cast<uint32_t>(at);
        span.end = span.begin + static_cast<uint32_t>(1 + name.size() + (arg.value[at + 1] == '{' ? 1 : 0));
      }
      reportUse(ctx, rule, out, stage, name, index, span);
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
     .what =
         "A use of TARGETARCH, TARGETOS, TARGETPLATFORM, TARGETVARIANT or a BUILD* platform ARG in a stage "
         "with no `ARG` for it before the use, neither in the stage nor in a stage it is based on: in RUN "
         "(through the shell syntax tree), COPY, ADD, ENV, WORKDIR, LABEL and the other instructions BuildKit "
         "expands. A stage based on another sees that stage's ARG values: BuildKit puts them in the stage's "
         "environment (frontend 1.1.2 and later, a7e52bf) and carries the base stage's state over "
         "(dispatchState.init; 1.10's c7c2f0e also carries the declarations for its UndefinedVar check). A "
         "`# syntax=` line pinning 1.0 to 1.1.1 keeps the old behaviour, and the message says so. Not reported "
         "in a stage that runs pinned or on $BUILDPLATFORM and hands on only portable files, nor where empty means "
         "native in a stage that runs on the target: `GOARCH=$TARGETARCH`, and `${TARGETARCH:-}` handed on as a whole word, written "
         "to allow the unset value, or `${TARGETARCH:-$(go env GOARCH)}` (also `$(uname -m)`, `$(dpkg --print-architecture)`), "
         "whose fallback asks the machine it runs on, the target, for its architecture. Nor where the RUN tests the value for emptiness and sets it itself in that "
         "branch (`if [ -z \"$TARGETPLATFORM\" ]; then TARGETPLATFORM=...`), nor where the value only feeds a plain "
         "shell variable that nothing in the RUN reads: BuildKit runs every RUN in a fresh shell, so such a variable "
         "dies with it. A use that only echo or printf prints to the build log (not redirected, piped or captured) "
         "is reported at info level: the log line is wrong, nothing the build makes is.",
     .why = "BuildKit defines the platform ARGs only in the global scope; inside a stage they are empty until "
            "redeclared. The URL becomes `.../linux//kubectl` or the switch takes its default arm, and "
            "BuildKit's UndefinedVar check skips shell-form RUN, so nobody warns.",
     .example = "FROM debian\n"
                "RUN curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n"
                "# MA140",
     .fix = "Add `ARG TARGETARCH` in the stage, before the first instruction that uses it.",
     .bad = {"FROM debian\nRUN curl -fsSLO \"https://example.org/tool-linux-$TARGETARCH.tar.gz\"\n",
             "ARG TARGETARCH\nFROM debian\nRUN echo $TARGETARCH > /etc/build-arch\n",
             "FROM debian\nRUN echo \"building for $TARGETARCH\"\n",
             "FROM golang:1.24 AS builder\nRUN GOARCH=${TARGETARCH:-amd64} go build -o /app .\n",
             "FROM debian\nARG TARGETARCH\nONBUILD RUN echo $TARGETARCH\n",
             "FROM debian\nCOPY bin/${TARGETARCH}/tool /usr/local/bin/tool\n",
             "FROM debian\nRUN echo $TARGETARCH\nARG TARGETARCH\n",
             "# syntax=docker/dockerfile:1.0\nFROM debian AS base\nARG TARGETARCH\nFROM base\nRUN echo $TARGETARCH\n"},
     .good = {"FROM debian\nARG TARGETARCH\nRUN echo \"building for $TARGETARCH\"\n",
              "FROM debian AS base\nARG TARGETARCH\nFROM base\nRUN echo \"building for $TARGETARCH\"\n",
              "FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\n",
              "FROM debian\nRUN TARGETARCH=$(dpkg --print-architecture) && echo $TARGETARCH\n",
              "FROM debian\nCMD echo $TARGETARCH\n",
              "FROM golang:1.22 AS build\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n",
              "FROM debian\nONBUILD ARG TARGETARCH\nONBUILD RUN echo $TARGETARCH\n",
              "FROM golang:1.24 AS builder\nRUN GOARCH=${TARGETARCH:-$(go env GOARCH)} go build -o /app .\n",
              "FROM debian\nRUN if [ -z \"$TARGETPLATFORM\" ]; then TARGETPLATFORM=linux/$(dpkg --print-architecture); fi && "
              "echo $TARGETPLATFORM\n"}},
    check};

}  // namespace mal::rules
