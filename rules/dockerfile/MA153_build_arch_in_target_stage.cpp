// MA153: a stage that runs on the target platform hands the build machine's architecture
// ($BUILDARCH, $BUILDPLATFORM) to what it installs. BuildKit fills the BUILD* ARGs from the
// machine that runs the build (dispatchArg takes them from the global scope, set by
// defaultArgs from the build platform), whatever platform the stage runs as. Building
// linux/arm64 on an amd64 runner (under emulation) runs such a stage as arm64 and tells it
// amd64: the image gets the machine's download. (gohugoio/hugo Dockerfile before b5852d0:
// `ENV BUILDARCH=${BUILDARCH}` in the final stage, read by the script that fetches Dart Sass,
// gave the arm64 image the x64 Dart Sass.)
#include <algorithm>
#include <filesystem>
#include <set>

#include "analyzer/dockerfile/expand.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// The build machine's architecture spelled as BuildKit's automatic ARGs spell it (BUILDOS is
// linux on every Linux builder and names no architecture).
bool isBuildArchVariable(const std::string& name) {
  return name == "BUILDARCH" || name == "BUILDPLATFORM" || name == "BUILDVARIANT";
}

bool isDownloader(const shell::Command& command) {
  static const std::set<std::string> kDownloaders = {"curl", "wget", "aria2c", "axel"};
  return kDownloaders.count(command.name()) > 0;
}

// The first BUILD* variable `written` expands that the stage declared before `instruction`
// (undeclared, it is empty: MA140's case).
std::optional<std::string> buildArchRead(const dockerfile::Stage& stage, size_t instruction, const std::string& written,
                                         char escapeToken) {
  const auto expansion = dockerfile::expandWord(written, {}, escapeToken);
  for (const auto& name : expansion.referenced) {
    if (isBuildArchVariable(name) && stage.declaresArgBefore(name, instruction)) return name;
  }
  return std::nullopt;
}

// Does the script set the variable itself before `position`? Then the URL reads the script's
// value, not BuildKit's: openeuler's loki image sets `BUILDARCH="x86_64"` or `"aarch64"` from
// $TARGETARCH in an if/elif before its downloads (openeuler-mirror/openeuler-docker-images,
// Part ZZZJ).
bool assignedBefore(const shell::Script& script, const std::string& name, size_t position) {
  return std::any_of(script.assignments.begin(), script.assignments.end(),
                     [&](const shell::Assignment& a) { return a.name == name && a.value.begin < position; });
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // A development container (.devcontainer/) is built by the editor on the machine that runs
  // it, with no --platform: there the build machine is the target, and $BUILDARCH names it
  // (as MA141 holds for $BUILDPLATFORM stages). (BitPatty/next-image-s3-imgproxy-loader
  // .devcontainer/Dockerfile after 0c5ef42: `linux-$BUILDARCH/mc` is the editor machine's.)
  for (const auto& part : std::filesystem::path(ctx.source.path())) {
    if (part == ".devcontainer") return;
  }
  auto report = [&](const dockerfile::Stage& stage, Span span, const std::string& variable, const std::string& where) {
    const auto targets = ctx.stages->targetsReaching(stage.index);
    if (targets.empty()) return;
    out.report(rule, span,
               where + " reads $" + variable + ", the architecture of the machine that runs the build, in " + stage.label() +
                   ", which runs as the target platform: building " + platformList(targets) +
                   " on a machine of another architecture (an amd64 runner under emulation) gives the image the "
                   "machine's architecture",
               "use the target's architecture: declare `ARG TARGETARCH` and read $TARGETARCH, or probe it in the RUN "
               "(`uname -m`, `dpkg --print-architecture`)",
               std::nullopt, targets);
  };
  for (const auto& stage : ctx.model.stages) {
    if (ctx.stages->platform[stage.index].runs != dockerfile::StageRuns::OnTarget) continue;
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if (in.command != "env") continue;
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        if (const auto variable = buildArchRead(stage, index, in.args[i + 1].value, ctx.file.escapeToken)) {
          report(stage, in.args[i + 1].span, *variable, "ENV " + in.args[i].value);
        }
      }
    }
  }
  for (const auto& run : ctx.model.scripts) {
    const auto& stage = ctx.model.stages[run.stage];
    if (ctx.stages->platform[run.stage].runs != dockerfile::StageRuns::OnTarget) continue;
    for (const auto& command : run.script.commands) {
      if (!isDownloader(command) || command.insideArchBranch()) continue;
      for (const auto& word : command.words) {
        if (word.literal.find("://") == std::string::npos) continue;
        const auto variable = buildArchRead(stage, run.instruction, word.literal, ctx.file.escapeToken);
        if (!variable || assignedBefore(run.script, *variable, command.begin)) continue;
        report(stage, run.script.source.span(word.begin, word.end), *variable, "the download URL");
        break;
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA153 = {
    {.id = "MA153",
     .slug = "build-arch-in-target-stage",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A stage that runs as the target platform is given the build machine's architecture ($BUILDARCH)",
     .what =
         "In a stage that runs as the target platform (no `--platform=$BUILDPLATFORM`), an ENV whose value reads "
         "$BUILDARCH, $BUILDPLATFORM or $BUILDVARIANT (passing it to every script and to the image), or a "
         "curl/wget URL built from one, outside an architecture branch and not after the RUN sets the variable "
         "itself (`BUILDARCH=aarch64` in an `if` on $TARGETARCH: the URL reads the script's value). The ARG must "
         "be declared in the stage (undeclared, it is empty: MA140). Not in a development container's Dockerfile (a `.devcontainer/` directory): "
         "the editor builds it on the machine that runs it, with no --platform, where the build machine is the target.",
     .why = "BuildKit fills the BUILD* ARGs from the machine that runs the build, whatever platform the stage runs "
            "as. A multi-platform build runs some targets on a machine of another architecture (an amd64 runner "
            "builds linux/arm64 under emulation): that stage then runs as arm64 and is told amd64, and downloads or "
            "installs the amd64 build into the arm64 image.",
     .example = "FROM golang:1.22-alpine\nARG BUILDARCH\nENV BUILDARCH=${BUILDARCH}\nRUN scripts/install_runtimedeps.sh\n"
                "# MA153",
     .fix = "Use $TARGETARCH (declare `ARG TARGETARCH`), or probe the architecture in the RUN that needs it (`uname -m`, "
            "`dpkg --print-architecture`). $BUILDARCH belongs in a `FROM --platform=$BUILDPLATFORM` stage, for the "
            "tools that run there.",
     .bad = {"FROM golang:1.22-alpine\nARG BUILDARCH\nENV BUILDARCH=${BUILDARCH}\nRUN scripts/install_runtimedeps.sh\n",
             "FROM debian\nARG BUILDARCH\nRUN curl -fsSLO https://example.com/v1/tool-linux-${BUILDARCH}.tar.gz\n"},
     .good = {"FROM golang:1.22-alpine\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\nRUN scripts/install_runtimedeps.sh\n",
              "FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nARG BUILDARCH\n"
              "RUN curl -fsSLO https://example.com/v1/protoc-linux-${BUILDARCH}.zip\n"
              "FROM alpine\nCOPY --from=build /go/bin/app /app\n",
              "FROM debian\nARG BUILDPLATFORM\nARG TARGETPLATFORM\nRUN echo \"building on $BUILDPLATFORM for $TARGETPLATFORM\"\n",
              "FROM debian\nARG BUILDARCH\nLABEL org.example.build-arch=$BUILDARCH\n",
              "FROM fedora\nARG TARGETARCH\nARG BUILDARCH\nRUN if [ \"$TARGETARCH\" = amd64 ]; then BUILDARCH=x86_64; "
              "elif [ \"$TARGETARCH\" = arm64 ]; then BUILDARCH=aarch64; fi && \\\n"
              "    curl -fsSLO https://example.com/v1/tool-${BUILDARCH}.rpm\n"}},
    check};

}  // namespace mal::rules
