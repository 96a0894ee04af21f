// MA142: a cross-capable toolchain (Go, Rust, .NET, Zig) compiling in a stage that runs
// on the target platform, i.e. under QEMU on a foreign builder.
#include <set>

#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// Does the stage (or a stage it is based on) set up cgo: CGO_ENABLED=1, or a C toolchain
// installed for the Go build? Then cross-compiling needs a cross C toolchain too, and
// emulation is the realistic way.
bool usesCgo(const DockerfileContext& ctx, size_t stage) {
  std::set<size_t> visited;
  std::vector<size_t> work{stage};
  while (!work.empty()) {
    const size_t s = work.back();
    work.pop_back();
    if (s >= ctx.model.stages.size() || !visited.insert(s).second) continue;
    for (size_t index : ctx.model.stages[s].instructions) {
      const std::string text = ctx.instruction(index).line.text;
      if (text.find("CGO_ENABLED=1") != std::string::npos || text.find("CGO_ENABLED 1") != std::string::npos) return true;
    }
    for (const auto& run : ctx.model.scriptsIn(s)) {
      for (const auto& command : run.script.commands) {
        const std::string name = command.name();
        if (name != "apk" && name != "apt-get" && name != "apt" && name != "yum" && name != "dnf") continue;
        for (const auto& w : command.words) {
          const std::string& l = w.literal;
          if (l == "gcc" || l == "g++" || l == "build-base" || l == "build-essential" || l == "musl-dev" || l == "libc-dev" ||
              l == "libc6-dev" || l == "clang") {
            return true;
          }
        }
      }
    }
    work.insert(work.end(), ctx.stages->baseFor[s].begin(), ctx.stages->baseFor[s].end());
  }
  return false;
}

// Toolchains with a realistic cross path from the build machine: Go without cgo (GOOS/GOARCH),
// .NET (a RID), Zig. Rust needs a cross linker and C toolchain, CUDA builds cannot leave the
// target's base image: those stay quiet.
std::string crossableToolchain(const DockerfileContext& ctx, const dockerfile::Stage& stage, const shell::Command& command) {
  std::string tool = baseName(programWords(command)[0]->literal);
  if (tool == "go") return usesCgo(ctx, stage.index) ? "" : tool;
  if (tool == "dotnet" || tool == "zig") return tool;
  return "";
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const auto& graph = *ctx.stages;
  for (const auto& stage : ctx.model.stages) {
    if (graph.platform[stage.index].runs != dockerfile::StageRuns::OnTarget || !graph.shipsNative[stage.index]) continue;
    // One architecture builds it: that build can run natively.
    std::set<std::string> architectures;
    for (const auto& target : graph.targetsReaching(stage.index)) architectures.insert(target.architecture);
    if (architectures.size() < 2) continue;
    if (text::lower(stage.baseExpanded).find("cuda") != std::string::npos) continue;
    for (const auto& run : ctx.model.scriptsIn(stage.index)) {
      const auto it = std::find_if(run.script.commands.begin(), run.script.commands.end(),
                                   [](const shell::Command& c) { return isCrossCapableCompile(c); });
      if (it == run.script.commands.end()) continue;
      const std::string tool = crossableToolchain(ctx, stage, *it);
      if (tool.empty()) continue;
      const std::string how = tool == "go"       ? "GOOS=$TARGETOS GOARCH=$TARGETARCH"
                              : tool == "dotnet" ? "a runtime identifier mapped from $TARGETARCH (-r linux-x64 / linux-arm64)"
                                                 : "-target mapped from $TARGETARCH";
      out.report(rule, run.script.source.span(it->begin, it->end),
                 tool + " compiles in " + stage.label() +
                     ", which runs on each target platform: on a builder of another "
                     "architecture that is QEMU emulation, typically 2-10x slower",
                 "run the stage on `--platform=$BUILDPLATFORM`, declare `ARG TARGETOS TARGETARCH` and cross-compile with " + how +
                     ", or use the xx helpers");
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
     .what = "go build (without cgo), dotnet publish/build or zig build in a stage that runs on the target "
             "platform (no --platform) and is built for several architectures. Quiet where cross-compiling is not "
             "realistic: cgo (CGO_ENABLED=1 or a C toolchain installed for the build), Rust (it needs a cross "
             "linker and C toolchain), CUDA base images, and stages one architecture builds.",
     .why = "Each foreign platform's stage runs under QEMU on the builder: 2-10x slower builds, occasionally "
            "emulator bugs, for a toolchain that can cross-compile natively.",
     .example = "FROM golang:1.22 AS build\n"
                "RUN go build -o /app .\n"
                "FROM alpine\n"
                "COPY --from=build /app /app\n"
                "# MA142",
     .fix = "`FROM --platform=$BUILDPLATFORM golang AS build`, `ARG TARGETOS TARGETARCH`, `GOOS=$TARGETOS "
            "GOARCH=$TARGETARCH go build`.",
     .bad = {"FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
              "FROM golang:1.22-alpine AS build\nRUN apk add --no-cache gcc musl-dev\nRUN go build -o /app .\n"
              "FROM alpine\nCOPY --from=build /app /app\n",
              "FROM rust:1.80 AS build\nRUN cargo build --release\nFROM debian\nCOPY --from=build /target/release/app /app\n"}},
    check};

}  // namespace mal::rules
