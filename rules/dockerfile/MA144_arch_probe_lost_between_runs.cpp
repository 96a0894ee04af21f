// MA144: ARCH=$(uname -m) in one RUN, "$ARCH" in a later one. Each RUN is a new shell:
// the variable is empty there.
#include <algorithm>
#include <cctype>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

bool declaredByInstruction(const DockerfileContext& ctx, const dockerfile::Stage& stage, const std::string& name, size_t before) {
  for (size_t index : stage.instructions) {
    if (index >= before) break;
    const auto& in = ctx.instruction(index);
    if (in.command == "env") {
      for (size_t i = 0; i < in.args.size(); i += 3) {
        if (in.args[i].value == name) return true;
      }
    }
  }
  return stage.declaresArgBefore(name, before);
}

// Does the script read a file into its shell (`. /etc/profile`, `source ./env.sh`) before
// `position`? Then a variable an earlier RUN wrote there may be set again.
bool sourcesFileBefore(const shell::Script& script, size_t position) {
  for (const auto& command : script.commands) {
    if (command.begin >= position) break;
    const std::string name = command.name();
    if (name == "." || name == "source") return true;
  }
  return false;
}

// Is an assignment inside an architecture test a value some target of `stage` gets? Its test
// must name one of their architectures (`[ "$TARGETARCH" = arm64 ]`, `case ... in amd64)`) and
// the value must be non-empty. metallb sets VARIANT only for linux/arm/v6 and v7 (empty
// otherwise): built for amd64 and arm64 it is empty in every RUN, lost or not.
bool setForSomeTarget(const DockerfileContext& ctx, size_t stage, const shell::Assignment& a) {
  if (a.value.literal.empty()) return false;
  const auto targets = ctx.stages->targetsReaching(stage);
  for (const auto& branch : a.branches) {
    if (!branch.onArchitecture) continue;
    std::string text = branch.condition;
    for (const auto& pattern : branch.patterns) text += " " + pattern;
    for (const auto& token : vocab::findArchTokens(text::lower(text))) {
      for (const auto& target : targets) {
        if (token.platform.architecture == target.architecture) return true;
      }
    }
  }
  return false;
}

// The value holds the variable's own plain expansion (`$LD_LIBRARY_PATH`, `${PATH}`), as a list
// that is extended does. An expansion with an operator is a new value made from the old one
// (`ARCH=${ARCH/aarch64/arm64}`, `ARCH=${ARCH:-$(uname -m)}`): that variable stays a probe.
bool extendsItself(const shell::Assignment& a) {
  const std::string& v = a.value.literal;
  if (v.find("${" + a.name + "}") != std::string::npos) return true;
  const std::string plain = "$" + a.name;
  for (size_t at = v.find(plain); at != std::string::npos; at = v.find(plain, at + 1)) {
    const size_t end = at + plain.size();
    if (end == v.size() || !(std::isalnum(static_cast<unsigned char>(v[end])) || v[end] == '_')) return true;
  }
  return false;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    // Probe variables of earlier RUNs in this stage: name -> the RUN that set it.
    std::map<std::string, size_t> probed;
    for (const auto& run : ctx.model.scriptsIn(stage.index)) {
      std::set<std::string> reported;
      for (const auto& use : run.script.variableUses) {
        const auto it = probed.find(use.name);
        if (it == probed.end() || reported.count(use.name)) continue;
        const bool assignedHere = run.script.assignedBefore(use.name, use.begin).last != nullptr;
        if (assignedHere || declaredByInstruction(ctx, stage, use.name, run.instruction) ||
            sourcesFileBefore(run.script, use.begin))
          continue;
        reported.insert(use.name);
        out.report(
            rule, run.script.source.span(use.begin, use.end),
            "$" + use.name + " was set by architecture (a probe, $TARGETARCH or an architecture test) in the RUN on line " +
                std::to_string(ctx.instruction(it->second).startLine) + ", but each RUN starts a new shell: here it is empty",
            "probe again in this RUN, join the two RUNs, or use $TARGETARCH (declare `ARG TARGETARCH`)");
      }
      // Set from a probe (`ARCH=$(uname -m)`), from an architecture variable, or inside an
      // architecture test (`RUNNER_ARCH=x64; if [ "$TARGETARCH" = arm64 ]; then RUNNER_ARCH=arm64; fi`):
      // its value says which architecture this is, and a later RUN that tests it sees it empty.
      // (quipper/actions-runner Dockerfile before 06e29b5: the docker CLI was x86_64 on arm64.)
      // An assignment that extends the variable's own value
      // (`export LD_LIBRARY_PATH=/usr/local/Ascend/.../${ARCH}-linux/lib64:$LD_LIBRARY_PATH`) names
      // a variable the environment already has (the base image's ENV): a later RUN reads that
      // value, not an empty one, so the later use is no lost probe (vllm-ascend's Dockerfile).
      for (const auto& a : run.script.assignments) {
        if (extendsItself(a)) continue;
        if (a.value.archVarying || (a.archDerived && setForSomeTarget(ctx, stage.index, a))) probed[a.name] = run.instruction;
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA144 = {
    {.id = "MA144",
     .slug = "arch-probe-lost-between-runs",
     .severity = Severity::Warning,
     .analysis = Analysis::Dockerfile,
     .summary = "A variable set from an architecture probe in one RUN is used in a later RUN",
     .what = "`ARCH=$(uname -m)` (or `dpkg --print-architecture`, `apk --print-arch`, `$TARGETARCH`, or an assignment "
             "inside an architecture test such as `if [ \"$TARGETARCH\" = arm64 ]; then ARCH=arm64; fi`; exported or not) "
             "in one RUN, and `$ARCH` in a later RUN of the same stage that does not set it again, with no ENV or ARG of "
             "that name and no `.`/`source` of a file before the use.",
     .why = "Every RUN is a new shell: the variable is empty in the later one, and the URL or path built from it is "
            "wrong on every platform.",
     .example = "FROM debian\n"
                "RUN ARCH=$(uname -m)\n"
                "RUN curl -fsSLO \"https://x/tool-$ARCH\"\n"
                "# MA144",
     .fix = "Probe in the RUN that uses it, join the RUNs, or use $TARGETARCH with `ARG TARGETARCH`.",
     .bad = {"FROM debian\nRUN export ARCH=$(uname -m) && echo $ARCH\nRUN curl -fsSLO \"https://x/tool-$ARCH.tgz\"\n",
             "FROM debian\nARG TARGETARCH\nRUN A=x64 && if [ \"$TARGETARCH\" = arm64 ]; then A=arm64; fi && echo $A\n"
             "RUN D=x86_64 && if [ \"$A\" = arm64 ]; then D=aarch64; fi && curl -fsSLO \"https://x/docker-$D.tgz\"\n"},
     .good = {"FROM debian\nRUN ARCH=$(uname -m) && curl -fsSLO \"https://x/tool-$ARCH.tgz\"\n",
              "FROM debian\nRUN ARCH=$(uname -m)\nRUN ARCH=$(uname -m) && echo $ARCH\n",
              // A count of the CPUs is the same word on every architecture (no probe).
              "FROM debian\nRUN JOBS=`grep -c ^processor /proc/cpuinfo`\nRUN make -j$JOBS\n"}},
    check};

}  // namespace mal::rules
