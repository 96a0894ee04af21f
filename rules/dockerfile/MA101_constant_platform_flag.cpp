#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

// BuildKit allows a constant platform when the stage name says which one it is
// (`FROM --platform=linux/arm64 ... AS build-arm64`): that stage is chosen per arch.
bool stageNameNamesPlatform(const std::string& stageName, const Platform& platform) {
  for (const auto& token : vocab::findArchTokens(stageName)) {
    if (token.platform.architecture == platform.architecture) return true;
  }
  return stageName.find(platform.architecture) != std::string::npos;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    if (stage.platformRaw.empty() || stage.platformRaw.find('$') != std::string::npos) continue;
    const auto platform = parsePlatform(stage.platformRaw);
    if (!platform || stageNameNamesPlatform(stage.name, *platform)) continue;
    const auto broken = ctx.targetsOtherThan(*platform);
    if (broken.empty()) continue;
    out.report(rule, stage.platformSpan,
               "FROM --platform=" + stage.platformRaw + " is a constant: every target gets the " + platform->str() +
                   " base, so the " + platformList(broken) + " image holds " + platform->architecture +
                   " binaries",
               "use --platform=$BUILDPLATFORM for a stage that cross-compiles, or drop the flag", std::nullopt, broken);
  }
}

}  // namespace

extern const DockerfileRule kMA101 = {
    {.id = "MA101",
     .slug = "constant-platform-flag",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "FROM --platform with a constant value pins every target to one architecture",
     .what = "`FROM --platform=linux/amd64 ...` (a constant, not $BUILDPLATFORM or $TARGETPLATFORM). Allowed when "
             "the stage name says the architecture (`AS build-amd64`), as BuildKit's "
             "FromPlatformFlagConstDisallowed allows it.",
     .why = "BuildKit pulls that platform's base for every target: the arm64 image silently contains amd64 "
            "binaries and fails with `exec format error`, or runs under emulation.",
     .example = "FROM --platform=linux/amd64 node:20\n# MA101: every target gets the linux/amd64 base",
     .fix = "Drop the flag, or use `--platform=$BUILDPLATFORM` on a stage that cross-compiles with $TARGETARCH.",
     .bad = {"FROM --platform=linux/amd64 node:20\nRUN npm ci\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n",
              "FROM --platform=linux/arm64 debian AS deps-arm64\n", "FROM node:20\n"}},
    check};

}  // namespace mal::rules
