// MA141: a stage on $BUILDPLATFORM that compiles without being told the target, whose
// output another stage ships; or a final stage that itself sits on $BUILDPLATFORM.
#include <algorithm>
#include <filesystem>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// Base images with no native code of their own: scratch, and the static distroless images
// (certificates, tzdata, /etc/passwd).
bool hasNoNativeUserland(const std::string& image) {
  const std::string name = text::lower(image.substr(0, image.find_first_of(":@")));
  return name == "scratch" || name == "gcr.io/distroless/static" || name == "gcr.io/distroless/static-debian11" ||
         name == "gcr.io/distroless/static-debian12" || name == "cgr.dev/chainguard/static";
}

// Distroless images that hold shared libraries (glibc, libssl, libstdc++) but no program of
// their own: what a final stage on $BUILDPLATFORM gets from them is code that only a
// dynamically linked program would load.
bool holdsLibrariesOnly(const std::string& image) {
  const std::string name = text::lower(image.substr(0, image.find_first_of(":@")));
  for (std::string_view family : {"gcr.io/distroless/base", "gcr.io/distroless/cc"}) {
    if (text::startsWith(name, family) && (name.size() == family.size() || name[family.size()] == '-')) {
      return true;
    }
  }
  return false;
}

// A final stage on $BUILDPLATFORM that runs nothing of the build machine's: no RUN of its own,
// a base of libraries only (holdsLibrariesOnly), and every stage it copies from builds static Go
// for the target (`CGO_ENABLED=0` with GOOS/GOARCH from TARGETOS/TARGETARCH somewhere in its
// chain). A static program loads no library, so the image runs on its target; BuildKit labels
// each image with the target platform it was asked for (Sqooba/k8s-mutate-image-and-policy-webhook:
// `FROM --platform=$BUILDPLATFORM gcr.io/distroless/base` with a cross-compiled webhook).
bool runsOnlyStaticTargetPrograms(const DockerfileContext& ctx, const dockerfile::Stage& last) {
  const auto& graph = *ctx.stages;
  if (!holdsLibrariesOnly(last.baseExpanded) || !ctx.model.scriptsIn(last.index).empty()) return false;
  bool copiesSome = false;
  for (size_t u : graph.usesInto[last.index]) {
    const auto& use = graph.uses[u];
    if (use.kind == dockerfile::StageUse::Kind::Base) continue;
    copiesSome = true;
    if (!chainKnowsTarget(ctx.model, ctx.file, graph, use.source)) return false;
    bool staticGo = false;
    for (const auto& run : ctx.model.scriptsIn(use.source)) {
      const std::string& text = ctx.file.instructions[run.instruction].line.text;
      if (text.find("CGO_ENABLED=0") != std::string::npos && text.find("go build") != std::string::npos) staticGo = true;
    }
    if (!staticGo) return false;
  }
  return copiesSome;
}

// `pip install --prefix=/install -r requirements.txt` (also pip3, `python -m pip`, `uv pip`)
// into a directory a later stage copies: pip picks each wheel for the interpreter it runs
// with, so on $BUILDPLATFORM the directory holds the build machine's compiled extensions.
// Not when the command selects the wheels' platform (`--platform`, uv's `--python-platform`),
// which is a cross install.
// (element-hq/synapse docker/Dockerfile before 0bd2f7a: `uv pip install --prefix="/install"`.)
bool installsPythonPackagesInto(const shell::Command& command) {
  const auto words = programWords(command);
  size_t at = 0;
  while (at < words.size() && words[at]->literal.find('=') != std::string::npos && words[at]->literal[0] != '-') ++at;
  if (at >= words.size()) return false;
  const std::string program = baseName(words[at]->literal);
  size_t verb = at + 1;
  if (program == "uv" && verb < words.size() && words[verb]->literal == "pip") {
    ++verb;
  } else if (text::startsWith(program, "python") && verb + 1 < words.size() && words[verb]->literal == "-m" &&
             (words[verb + 1]->literal == "pip" || words[verb + 1]->literal == "pip3")) {
    verb += 2;
  } else if (program != "pip" && program != "pip3") {
    return false;
  }
  if (verb >= words.size() || words[verb]->literal != "install") return false;
  bool intoDirectory = false;
  for (size_t i = verb + 1; i < words.size(); ++i) {
    const std::string& w = words[i]->literal;
    if (w == "--platform" || text::startsWith(w, "--platform=") || w == "--python-platform" ||
        text::startsWith(w, "--python-platform="))
      return false;
    intoDirectory = intoDirectory || w == "--prefix" || text::startsWith(w, "--prefix=") || w == "--target" ||
                    text::startsWith(w, "--target=") || w == "-t" || w == "--root" || text::startsWith(w, "--root=");
  }
  return intoDirectory;
}

// `GOARCH=${ARCH}` (GOARCH, CARGO_BUILD_TARGET, CROSS_COMPILE) from a build argument the
// project's own build commands pass (`--build-arg ARCH=$(ARCH)` in its Makefile, workflow or
// scripts: context::buildArgsPassed): the project tells the stage its target, as buildx tells
// TARGETARCH, and BuildKit gives a passed --build-arg to the stage's ARG (dispatchArg). An ARG
// nothing passes keeps its default, the same for every target, and is still reported.
// (ev-smoke/devops, bench/precision Part L: the Makefile passes ARCH from `uname -m`.)
bool targetFromPassedArg(const dockerfile::RunScript& run, const std::set<std::string>& passed) {
  if (passed.empty()) return false;
  const auto setsTarget = [](std::string_view name) {
    return name == "GOARCH" || name == "CARGO_BUILD_TARGET" || name == "CROSS_COMPILE";
  };
  const auto readsPassed = [&](const shell::Word& value) {
    return std::any_of(value.variables.begin(), value.variables.end(), [&](const auto& v) { return passed.count(v) > 0; });
  };
  for (const auto& a : run.script.assignments) {
    if (setsTarget(a.name) && readsPassed(a.value)) return true;
  }
  for (const auto& command : run.script.commands) {
    for (const auto& word : command.words) {
      const size_t eq = word.literal.find('=');
      if (eq != std::string::npos && setsTarget(std::string_view(word.literal).substr(0, eq)) && readsPassed(word)) return true;
    }
  }
  return false;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const auto& stages = ctx.model.stages;
  if (stages.empty()) return;
  // A development container (.devcontainer/) is built by the editor on the machine that runs
  // it, with no --platform: there $BUILDPLATFORM is the target platform.
  for (const auto& part : std::filesystem::path(ctx.source.path())) {
    if (part == ".devcontainer") return;
  }
  // Nor where the only build names no platform and runs on a machine of the one target
  // platform (a plain `docker build` on a GitHub-hosted runner): there too $BUILDPLATFORM is
  // the target.
  if (ctx.options && ctx.options->targetIsBuildMachine) return;
  // Nor where every declared build is a check that exports nothing (a bake target with
  // `output = ["type=cacheonly"]`, docker/buildx's lint.Dockerfile, whose last stage is the
  // lint run): no image of the final stage ships.
  if (ctx.options && ctx.options->shipsNoImage) return;
  const auto& graph = *ctx.stages;
  // The final stage on the build platform: the image is the build machine's architecture.
  // (`FROM --platform=$BUILDPLATFORM scratch` that gathers cross-compiled files, or a
  // distroless static base that holds no executable, ships nothing of the build machine.)
  const auto& last = stages.back();
  const auto& lastRuns = graph.platform[last.index];
  // `ARG BUILDPLATFORM=linux/amd64` before the first FROM (a fallback "if the builder fails to
  // provide it") replaces the automatic value (buildMetaArgs), so the final stage is that
  // platform on every builder: every image is its userland, arm64 included.
  const bool onDefaultedBuilder =
      lastRuns.runs == dockerfile::StageRuns::Pinned && lastRuns.pinned && lastRuns.pinnedThroughArg == "BUILDPLATFORM" &&
      std::any_of(graph.targets.begin(), graph.targets.end(),
                  [&](const Platform& target) { return !dockerfile::runsOn(*lastRuns.pinned, target); });
  // Unless every declared build stops at another stage (`target: runner` in each workflow,
  // the last stage a `dev` target compose builds on the developer's machine:
  // cnoe-io/ai-platform-engineering's caipe-ui): BuildKit solves only the named target.
  const bool lastIsBuilt = graph.builtByNamedTarget.empty() || graph.builtByNamedTarget[last.index];
  if (lastIsBuilt && (lastRuns.runs == dockerfile::StageRuns::OnBuilder || onDefaultedBuilder) &&
      !hasNoNativeUserland(last.baseExpanded) && !runsOnlyStaticTargetPrograms(ctx, last)) {
    const Span span = last.platformRaw.empty() ? last.baseSpan : last.platformSpan;
    out.report(rule, span,
               "the final stage runs on $BUILDPLATFORM" +
                   std::string(last.platformRaw.empty() ? " (through the stage it is based on)" : "") +
                   (onDefaultedBuilder ? ", which ARG BUILDPLATFORM's default fixes to " + lastRuns.pinned->str() +
                                             ": every image gets the " + lastRuns.pinned->str() + " userland"
                                       : ": every image gets the build machine's userland") +
                   ", whatever platform it is tagged for",
               "base the final stage on the target platform (drop --platform, or use a stage that is not on "
               "$BUILDPLATFORM) and copy the cross-compiled output into it");
  }
  for (const auto& stage : stages) {
    if (&stage == &last || graph.platform[stage.index].runs != dockerfile::StageRuns::OnBuilder) continue;
    // Only native output that a target-platform stage takes matters: a web bundle built on
    // the build machine is the same for every target.
    if (!graph.shipsNative[stage.index] || !graph.feedsTargetNatively(stage.index)) continue;
    // Nor does output that only a stage cross-compiling for the target takes (a web bundle a
    // `GOARCH=$TARGETARCH` build embeds): that stage's binary is what the image gets.
    if (!nativeReachesImageUncompiled(ctx.model, ctx.file, graph, stage.index)) continue;
    if (chainKnowsTarget(ctx.model, ctx.file, *ctx.stages, stage.index)) continue;
    const dockerfile::Stage* consumer = nullptr;
    for (size_t u : graph.usesFrom[stage.index]) {
      const auto& use = graph.uses[u];
      if (use.payload == dockerfile::Payload::Native && !consumer) consumer = &stages[use.consumer];
    }
    for (const auto& run : ctx.model.scriptsIn(stage.index)) {
      const shell::Command* compile = nullptr;
      for (const auto& command : run.script.commands) {
        if (isNativeCompile(command) || installsPythonPackagesInto(command)) {
          compile = &command;
          break;
        }
      }
      if (!compile || targetFromPassedArg(run, graph.argsPassedByBuilds)) continue;
      // The place to fix may as well be the stage's --platform: point at it.
      std::vector<FindingSink::RelatedSpan> related;
      if (!stage.platformRaw.empty()) related.push_back({stage.platformSpan, "the stage runs on $BUILDPLATFORM here"});
      // At the command's name: a compile command often runs over many continuation lines,
      // and a finding's region is read as lying within its first line (SARIF contextRegion).
      const Span at = compile->words.empty() ? run.script.source.span(compile->begin, compile->end)
                                             : run.script.source.span(compile->words[0].begin, compile->words[0].end);
      out.report(rule, at,
                 stage.label() + " runs on $BUILDPLATFORM and compiles without the target platform; " +
                     (consumer ? consumer->label() : std::string("a later stage")) +
                     " copies its output, so every image gets build-machine binaries",
                 "declare `ARG TARGETOS TARGETARCH` in the stage and pass them to the toolchain (GOOS/GOARCH, a Rust "
                 "triple, a .NET RID), or use the xx helpers; an ARG such as ARCH is never set by buildx",
                 std::move(related), std::vector<Platform>{});
      break;
    }
  }
}

}  // namespace

extern const DockerfileRule kMA141 = {
    {.id = "MA141",
     .slug = "buildplatform-stage-builds-for-host",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A $BUILDPLATFORM stage compiles for the build machine, and its output is shipped",
     .what =
         "A `FROM --platform=$BUILDPLATFORM` stage (directly or through the stage it is based on) that compiles "
         "(go build, cargo build, gcc/clang/make, dotnet publish, or jlink, which assembles a native Java runtime; "
         "`make` in a Node or Java stage, beside npm or Maven and no C toolchain, is that ecosystem's task runner, and "
         "what such a stage leaves is judged as a web or JVM build's output) "
         "or installs Python packages into a directory (`pip install --prefix=/install`, `--target`, `--root`, "
         "also `uv pip` and `python -m pip`: pip picks each wheel, compiled extensions included, for the "
         "interpreter it runs with; not with `--platform` or uv's `--python-platform`, which choose the target's) "
         "without using a TARGET* ARG or an xx- helper, nor a variable that a base chosen per target sets (`FROM "
         "build-$TARGETARCH`, whose candidates set `ENV HOST=x86_64-linux-gnu` and `HOST=aarch64-linux-gnu`, then "
         "`--host=$HOST`: BuildKit picks the base by the target) "
         "(or setting GOARCH, CARGO_BUILD_TARGET or CROSS_COMPILE from a "
         "build argument the project's own build commands pass, `--build-arg ARCH=...` in its Makefile or workflow: "
         "BuildKit gives that value to the stage's ARG), "
         "while a stage that is not on $BUILDPLATFORM copies its output (directly, or through stages that do not "
         "cross-compile: a stage told the target turns what it takes into the target's code); and a final stage "
         "that itself sits on "
         "$BUILDPLATFORM, also when a global `ARG BUILDPLATFORM=<platform>` default fixes it to one platform "
         "(BuildKit's buildMetaArgs puts a global ARG's default in place of the automatic value, so every image is "
         "that platform's userland), unless every declared build names another `--target` (BuildKit builds only "
         "the named stage and what it takes from); not a final stage on scratch or a static distroless base, nor one on a "
         "distroless base of libraries only (`gcr.io/distroless/base`, `cc`) that runs nothing itself and ships only "
         "static Go built for the target (`CGO_ENABLED=0` with GOOS/GOARCH from TARGETOS/TARGETARCH): a static "
         "program loads none of the build machine's libraries, and BuildKit labels each image with the platform it was "
         "asked for (dockerfile2llb sets the image config's OS and architecture to the target platform when one is "
         "given). Not where the file's only declared build names no platform and runs on a machine of its "
         "one target platform (a plain `docker build` on a GitHub-hosted runner, Cloud Build, Travis CI, CircleCI or a Drone pipeline), nor where every declared build exports "
         "no image (bake targets with `output = [\"type=cacheonly\"]`, a lint or validation, or a local directory: "
         "docker/buildx's lint.Dockerfile, whose last stage is the lint run). Not in a development container's Dockerfile (a `.devcontainer/` directory): "
         "the editor builds it on the machine that runs it, where $BUILDPLATFORM is the target.",
     .why = "$BUILDPLATFORM is the machine running the build: without the target passed in, the compiler builds for "
            "it, and the arm64 image built on an amd64 runner ships amd64 binaries.",
     .example = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
                "RUN go build -o /app .\n"
                "FROM alpine\n"
                "COPY --from=build /app /app\n"
                "# MA141",
     .fix = "Declare `ARG TARGETOS TARGETARCH` in the builder and pass GOOS/GOARCH (or the Rust triple / .NET RID), or "
            "use tonistiigi/xx; keep the final stage on the target platform.",
     .bad =
         {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
          "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG ARCH=amd64\nRUN GOARCH=$ARCH go build -o /app .\n"
          "FROM alpine\nCOPY --from=build /app /app\n",
          "FROM --platform=$BUILDPLATFORM node:20 AS base\nFROM base\nCOPY . /app\n",
          "ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM python:3-alpine AS base\nFROM base\nCOPY . /app\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
              "FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
              "COPY --from=xx / /\nARG TARGETPLATFORM\nRUN xx-go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
              "FROM --platform=$BUILDPLATFORM node:20 AS assets\nRUN npm ci && npm run build\nFROM nginx\n"
              "COPY --from=assets /dist /usr/share/nginx/html\n",
              "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN make build\n"
              "FROM alpine\nCOPY --from=build /out/app /app\n",
              "FROM --platform=$BUILDPLATFORM maven:3-eclipse-temurin-21 AS build\nRUN mvn package\n"
              "FROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\n"}},
    check};

}  // namespace mal::rules
