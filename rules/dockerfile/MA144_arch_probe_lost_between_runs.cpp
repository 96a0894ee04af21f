// MA144: ARCH=$(uname -m) in one RUN, "$ARCH" in a later one. Each RUN is a new shell:
// the variable is empty there.
#include <set>

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

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    // Probe variables of earlier RUNs in this stage: name -> the RUN that set it.
    std::map<std::string, size_t> probed;
    for (const auto& run : ctx.model.scripts) {
      if (run.stage != stage.index) continue;
      std::set<std::string> reported;
      for (const auto& use : run.script.variableUses) {
        const auto it = probed.find(use.name);
        if (it == probed.end() || reported.count(use.name)) continue;
        bool assignedHere = false;
        for (const auto& a : run.script.assignments)
          assignedHere = assignedHere || (a.name == use.name && a.value.end <= use.begin);
        if (assignedHere || declaredByInstruction(ctx, stage, use.name, run.instruction)) continue;
        reported.insert(use.name);
        out.report(rule, run.script.source.span(use.begin, use.end),
                   "$" + use.name + " was set from an architecture probe in the RUN on line " +
                       std::to_string(ctx.instruction(it->second).startLine) +
                       ", but each RUN starts a new shell: here it is empty",
                   "probe again in this RUN, join the two RUNs, or use $TARGETARCH (declare `ARG TARGETARCH`)");
      }
      for (const auto& a : run.script.assignments) {
        if (a.value.archVarying && a.value.hasCommandSubstitution) probed[a.name] = run.instruction;
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
     .what = "`ARCH=$(uname -m)` (or `dpkg --print-architecture`, `apk --print-arch`, ... ; exported or not) in one RUN, "
             "and `$ARCH` in a later RUN of the same stage that does not set it again, with no ENV or ARG of that name.",
     .why = "Every RUN is a new shell: the variable is empty in the later one, and the URL or path built from it is "
            "wrong on every platform.",
     .example = "FROM debian\n"
                "RUN ARCH=$(uname -m)\n"
                "RUN curl -fsSLO \"https://x/tool-$ARCH\"\n"
                "# MA144",
     .fix = "Probe in the RUN that uses it, join the RUNs, or use $TARGETARCH with `ARG TARGETARCH`.",
     .bad = {"FROM debian\nRUN export ARCH=$(uname -m) && echo $ARCH\nRUN curl -fsSLO \"https://x/tool-$ARCH.tgz\"\n"},
     .good = {"FROM debian\nRUN ARCH=$(uname -m) && curl -fsSLO \"https://x/tool-$ARCH.tgz\"\n",
              "FROM debian\nRUN ARCH=$(uname -m)\nRUN ARCH=$(uname -m) && echo $ARCH\n"}},
    check};

}  // namespace mal::rules
