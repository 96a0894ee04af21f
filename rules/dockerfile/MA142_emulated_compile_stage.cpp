// MA142: a cross-capable toolchain (Go, Rust, .NET, Zig) compiling in a stage that runs
// on the target platform, i.e. under QEMU on a foreign builder.
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  if (ctx.targets.size() < 2) return;  // one target: the build can run natively
  for (const auto& stage : ctx.model.stages) {
    if (hasPlatformFlag(ctx.model, stage)) continue;
    for (const auto& run : ctx.model.scripts) {
      if (run.stage != stage.index) continue;
      const auto it = std::find_if(run.script.commands.begin(), run.script.commands.end(),
                                   [](const shell::Command& c) { return isCrossCapableCompile(c); });
      if (it == run.script.commands.end()) continue;
      const std::string tool = baseName(programWords(*it)[0]->literal);
      out.report(rule, run.script.source.span(it->begin, it->end),
                 tool + " compiles in " + stage.label() + ", which runs on each target platform: on a builder of another "
                 "architecture that is QEMU emulation, typically 2-10x slower",
                 "run the stage on `--platform=$BUILDPLATFORM` and cross-compile with `ARG TARGETOS TARGETARCH` (GOOS/GOARCH, "
                 "a Rust triple, a .NET RID) or the xx helpers");
      break;
    }
  }
}

}  // namespace

extern const DockerfileRule kMA142 = {
    {.id = "MA142",
     .slug = "emulated-compile-stage",
     .severity = Severity::Info,
     .analysis = Analysis::Dockerfile,
     .summary = "A cross-capable toolchain compiles under emulation",
     .what = "go build, cargo build, dotnet publish/build or zig build in a stage that runs on the target platform "
             "(no --platform), when several platforms are targeted.",
     .why = "Each foreign platform's stage runs under QEMU on the builder: 2-10x slower builds, occasionally "
            "emulator bugs, for a toolchain that can cross-compile natively.",
     .example = "FROM golang:1.22 AS build\nRUN go build -o /app .\n# MA142: compiles under emulation",
     .fix = "`FROM --platform=$BUILDPLATFORM golang AS build`, `ARG TARGETOS TARGETARCH`, `GOOS=$TARGETOS "
            "GOARCH=$TARGETARCH go build`.",
     .bad = {"FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n"}},
    check};

}  // namespace mal::rules
