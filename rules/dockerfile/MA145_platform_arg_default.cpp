// MA145: an explicit default on an automatic platform ARG (`ARG TARGETARCH=amd64`). The
// automatic values are BuildKit's global ARGs; inside a stage, dispatchArg takes the ARG's
// own default unless a --build-arg names it (convert.go: `hasValue` comes from the build
// args only), and before the first FROM, buildMetaArgs replaces the automatic value with the
// default (AddOrReplace). Either way the value no longer follows --platform. The same holds for
// BUILDPLATFORM before the first FROM: `FROM --platform=$BUILDPLATFORM` then names the
// default, not the machine that builds.
#include <algorithm>
#include <set>

#include "analyzer/dockerfile/expand.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// The platform a default fixes, when it names one that some target is not. The default is
// read as BuildKit reads it: ProcessWord drops quotes and escapes, so `ARG
// TARGETPLATFORM="linux/amd64"` fixes linux/amd64 just as the unquoted spelling does. A
// default built from other variables is left alone.
std::optional<Platform> fixedPlatform(const std::string& name, const std::string& rawValue, char escapeToken) {
  if (name != "TARGETARCH" && name != "TARGETPLATFORM") return std::nullopt;
  const dockerfile::Expansion value = dockerfile::expandWord(rawValue, {}, escapeToken);
  if (value.value.empty() || !value.referenced.empty() || value.bounded) return std::nullopt;
  return parsePlatform(value.value);
}

// The targets for which the default names the wrong platform. In a stage that runs on the
// target, those it cannot run on. In a stage pinned to one platform or run on the build
// machine, the automatic TARGETARCH still names the target (BuildKit sets it from the build's
// target, not from the stage's --platform), and such a stage reads it to cross-build for the
// target (`dotnet publish -r linux-$TARGETARCH`, `GOARCH=$TARGETARCH`): the default then
// builds the default's architecture for every target that builds the stage.
// (JustArchiNET/ArchiSteamFarm before 1205f28: `FROM --platform=linux/amd64 .../sdk` with
// `ARG TARGETARCH=amd64`.)
std::vector<Platform> targetsMisnamed(const DockerfileContext& ctx, size_t stage, const Platform& fixed) {
  if (ctx.stages->platform[stage].runs == dockerfile::StageRuns::OnTarget) return ctx.brokenBy(stage, fixed);
  std::vector<Platform> out;
  for (const auto& target : ctx.stages->targetsReaching(stage)) {
    if (!dockerfile::runsOn(fixed, target)) out.push_back(target);
  }
  return out;
}

// Does some FROM --platform read $BUILDPLATFORM (as written, before expansion)?
bool someStageRunsOnBuildPlatform(const dockerfile::BuildModel& model, char escapeToken) {
  return std::any_of(model.stages.begin(), model.stages.end(), [escapeToken](const dockerfile::Stage& stage) {
    const dockerfile::Expansion flag = dockerfile::expandWord(stage.platformRaw, {}, escapeToken);
    return flag.referenced.count("BUILDPLATFORM") > 0;
  });
}

// `ARG BUILDPLATFORM=linux/amd64` before the first FROM, read by a `FROM
// --platform=$BUILDPLATFORM`: buildMetaArgs puts the default in place of the build machine's
// platform, so that stage runs as the default's platform on every builder. A native arm64
// build (an arm64 runner, Apple silicon) then runs it under emulation, or fails with `exec
// format error` where no emulator is registered. Older Dockerfiles wrote the default for the
// classic builder, which had no automatic BUILDPLATFORM; BuildKit honours it all the same.
// (projectcontour/contour Dockerfile before the fix that dropped the default.)
void checkBuildPlatformDefault(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out,
                               const dockerfile::ArgDeclaration& arg) {
  if (arg.name != "BUILDPLATFORM" || !arg.value) return;
  const dockerfile::Expansion value = dockerfile::expandWord(*arg.value, {}, ctx.file.escapeToken);
  if (value.value.empty() || !value.referenced.empty() || value.bounded) return;
  const auto platform = parsePlatform(value.value);
  if (!platform || !someStageRunsOnBuildPlatform(ctx.model, ctx.file.escapeToken)) return;
  // The targets whose native build (on a machine of their own architecture) is hit.
  std::vector<Platform> hit;
  for (const auto& target : ctx.targets) {
    if (!dockerfile::runsOn(*platform, target)) hit.push_back(target);
  }
  if (hit.empty()) return;
  out.report(rule, arg.span,
             "ARG BUILDPLATFORM=" + *arg.value +
                 " before the first FROM replaces BuildKit's automatic value: every FROM --platform=$BUILDPLATFORM stage "
                 "runs as " +
                 platform->str() + " whatever machine builds it, so building " + platformList(hit) +
                 " on its own architecture runs that stage under emulation, or fails where no emulator is installed",
             "declare it without a default (`ARG BUILDPLATFORM`), or drop it: BuildKit fills it in with the build "
             "machine's platform",
             // A warning: what is built is still right for each target; it is the build on the
             // other architecture's machines that is slow or fails.
             Severity::Warning, hit);
}

// Does anything after a stage's `ARG NAME=default` read it? Its later instructions, and those
// of the stages built FROM it (which inherit the value), that name `$NAME`/`${NAME` in their
// text or heredocs; or a RUN that starts a script or a build tool, which reads the ARG from
// its environment (BuildKit puts a stage's ARGs there). A default nothing reads
// (semaphoreui/semaphore's final stage, Part EJ) builds nothing for the wrong target.
bool stageArgRead(const DockerfileContext& ctx, size_t stageIndex, const dockerfile::ArgDeclaration& arg) {
  const auto mentions = [&](std::string_view text) {
    for (size_t at = text.find(arg.name); at != std::string_view::npos; at = text.find(arg.name, at + 1)) {
      if (at > 0 && (text[at - 1] == '$' || (at > 1 && text[at - 1] == '{' && text[at - 2] == '$'))) return true;
    }
    return false;
  };
  // Build tools and script runners that hand their environment to project scripts (a Makefile's
  // $(TARGETARCH), a package.json script); a program named by a path or with an extension is
  // one of the project's own.
  static const std::set<std::string_view> kEnvironmentReaders = {"make", "sh", "bash", "npm", "yarn", "pnpm", "env"};
  std::vector<size_t> stages = {stageIndex};
  for (size_t i = 0; i < stages.size(); ++i) {
    for (const auto& other : ctx.model.stages) {
      if (other.parentStage && *other.parentStage == stages[i]) stages.push_back(other.index);
    }
  }
  for (size_t s : stages) {
    for (size_t index : ctx.model.stages[s].instructions) {
      if (s == stageIndex && index <= arg.instruction) continue;
      const auto& in = ctx.instruction(index);
      if (mentions(in.line.text)) return true;
      for (const auto& doc : in.heredocs) {
        if (mentions(doc.content)) return true;
      }
    }
  }
  for (const auto& run : ctx.model.scripts) {
    if (std::find(stages.begin(), stages.end(), run.stage) == stages.end()) continue;
    if (run.stage == stageIndex && run.instruction <= arg.instruction) continue;
    for (const auto& command : run.script.commands) {
      const std::string name = command.name();
      if (kEnvironmentReaders.count(name) || name.find('.') != std::string::npos ||
          (!command.words.empty() && text::startsWith(command.words[0].literal, "./")))
        return true;
    }
  }
  // A script too long to parse is not known not to read it.
  return std::any_of(ctx.model.scriptsNotParsed.begin(), ctx.model.scriptsNotParsed.end(), [&](const auto& skipped) {
    return std::find(stages.begin(), stages.end(), ctx.model.stageOf[skipped.instruction].value_or(~size_t{0})) != stages.end();
  });
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // A default the project's own build commands replace (`docker buildx build --platform
  // linux/arm64 --build-arg TARGETPLATFORM=linux/arm64` in its Makefile or workflow) is not the
  // value any of its builds uses: a --build-arg wins over the default in both places.
  const auto passedByBuilds = [&](const std::string& name) { return ctx.stages->argsPassedByBuilds.count(name) > 0; };
  // Before the first FROM: every FROM line, and every stage that declares the ARG, gets it.
  for (const auto& arg : ctx.model.globalArgs) {
    if (!arg.value || passedByBuilds(arg.name)) continue;
    checkBuildPlatformDefault(ctx, rule, out, arg);
    const auto platform = fixedPlatform(arg.name, *arg.value, ctx.file.escapeToken);
    if (!platform) continue;
    std::vector<Platform> broken;
    for (const auto& target : ctx.targets) {
      if (!dockerfile::runsOn(*platform, target)) broken.push_back(target);
    }
    if (broken.empty()) continue;
    out.report(rule, arg.span,
               "ARG " + arg.name + "=" + *arg.value +
                   " before the first FROM replaces BuildKit's automatic value: "
                   "FROM lines and every stage that declares " +
                   arg.name + " get " + *arg.value + " on " + platformList(broken) + " too",
               "declare it without a default (`ARG " + arg.name + "`): BuildKit fills it in for each target platform",
               std::nullopt, broken);
  }
  for (const auto& stage : ctx.model.stages) {
    for (const auto& arg : stage.args) {
      if (!arg.value || passedByBuilds(arg.name)) continue;
      const auto platform = fixedPlatform(arg.name, *arg.value, ctx.file.escapeToken);
      if (!platform) continue;
      const auto broken = targetsMisnamed(ctx, stage.index, *platform);
      if (broken.empty() || !stageArgRead(ctx, stage.index, arg)) continue;
      out.report(rule, arg.span,
                 "ARG " + arg.name + "=" + *arg.value + " in " + stage.label() +
                     " keeps its default under --platform "
                     "(only --build-arg replaces it): everything below that uses $" +
                     arg.name + " builds for " + platform->str() + ", also on " + platformList(broken),
                 "declare it without a default (`ARG " + arg.name + "`): BuildKit fills it in for each target platform",
                 std::nullopt, broken);
    }
  }
}

}  // namespace

extern const DockerfileRule kMA145 = {
    {.id = "MA145",
     .slug = "platform-arg-default",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "An automatic platform ARG is given a default (ARG TARGETARCH=amd64), which wins over --platform",
     .what = "`ARG TARGETARCH=<arch>` or `ARG TARGETPLATFORM=<platform>` with a constant default, in a stage or before "
             "the first FROM, where some target platform is another architecture. (`ARG TARGETARCH amd64`, without "
             "`=`, declares two ARGs and sets no default.) A quoted default counts: `ARG TARGETPLATFORM=\"linux/amd64\"` is read "
             "as BuildKit's ProcessWord reads it, without the quotes. Also `ARG BUILDPLATFORM=<platform>` before the "
             "first FROM when a `FROM --platform=$BUILDPLATFORM` reads it (a warning: the images are right, the build "
             "on the other architecture's machines is emulated or fails). Not when the project's own build commands pass "
             "that ARG (`--build-arg TARGETPLATFORM=linux/arm64` next to `--platform linux/arm64` in a Makefile, script "
             "or workflow): a --build-arg replaces the default in both places, so no build of the project uses it. Not "
             "a stage's default that nothing after it reads: no later instruction of the stage, or of a stage built "
             "FROM it, names the variable, and no RUN there starts a script or build tool (`make`, `sh file`, "
             "`./script`, `npm`) that could take it from the environment BuildKit puts a stage's ARGs in.",
     .why = "BuildKit's automatic platform values are its global ARGs. Inside a stage, an ARG's own default is used "
            "unless a --build-arg names it (dispatchArg); before the first FROM, the default replaces the automatic "
            "value (buildMetaArgs). Every use of the variable then builds for that one architecture: the arm64 image "
            "gets the amd64 download, GOARCH=amd64, and so on. This holds in a stage pinned with --platform or run on "
            "$BUILDPLATFORM too: BuildKit fills the automatic TARGETARCH from the build's target, not from the "
            "stage's platform, so a cross-building stage that reads it (`dotnet publish -r linux-$TARGETARCH`) "
            "builds the default's architecture for every target. A global `ARG BUILDPLATFORM=linux/amd64` (written "
            "for the classic builder, which had no automatic BUILDPLATFORM) likewise replaces the build machine's "
            "platform: `FROM --platform=$BUILDPLATFORM` stages run as amd64 on an arm64 builder too, under emulation "
            "or not at all.",
     .example = "FROM golang:1.22\n"
                "ARG TARGETARCH=amd64\n"
                "RUN GOARCH=$TARGETARCH go build -o /app .\n"
                "# MA145",
     .fix = "Declare it without a default: `ARG TARGETARCH`.",
     .bad = {"FROM golang:1.22\nARG TARGETARCH=amd64\nRUN GOARCH=$TARGETARCH go build -o /app .\n",
             "ARG TARGETPLATFORM=linux/amd64\nFROM --platform=$TARGETPLATFORM debian\n",
             "ARG TARGETPLATFORM=\"linux/amd64\"\nFROM --platform=$TARGETPLATFORM debian\n",
             "ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\n"
             "RUN GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
             "FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nARG TARGETARCH=amd64\n"
             "RUN dotnet publish -r linux-$TARGETARCH -o /out\nFROM mcr.microsoft.com/dotnet/runtime:8.0\n"
             "COPY --from=build /out /app\n"},
     .good = {"FROM golang:1.22\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n",
              "FROM golang:1.22\nARG TARGETARCH amd64\nRUN echo $TARGETARCH\n", "FROM debian\nARG TARGETOS=linux\n",
              "ARG BUILDPLATFORM\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\n"
              "RUN GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n",
              "ARG BUILDPLATFORM=linux/amd64\nFROM golang:1.22\nRUN echo \"$BUILDPLATFORM\"\n"}},
    check};

}  // namespace mal::rules
