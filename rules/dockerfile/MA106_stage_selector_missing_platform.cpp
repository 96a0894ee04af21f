// MA106: `FROM name-${TARGETARCH}` picks a stage per target platform, and some target has
// no such stage. BuildKit expands FROM with the global ARGs, which start with the automatic
// platform ARGs (buildDispatchStates), and only then looks the name up among the earlier
// stages (dispatchStates.addState); a name that is no stage is pulled as an image.
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // One finding per FROM, naming every platform left without its stage.
  std::map<size_t, std::vector<const dockerfile::MissingSelection*>> byStage;
  for (const auto& missing : ctx.stages->missingSelections) byStage[missing.stage].push_back(&missing);
  for (const auto& [stageIndex, missing] : byStage) {
    const auto& stage = ctx.model.stages[stageIndex];
    std::vector<Platform> platforms;
    std::string names;
    for (const auto* m : missing) {
      platforms.push_back(m->target);
      if (names.find("'" + m->expanded + "'") == std::string::npos) names += (names.empty() ? "'" : ", '") + m->expanded + "'";
    }
    out.report(rule, stage.baseSpan,
               "FROM " + stage.baseRaw + " picks a stage per platform, but there is no stage " + names + " for " +
                   platformList(platforms) + ": BuildKit looks for an image of that name instead, and that build fails",
               "add a stage for each target platform (`FROM ... AS " + missing.front()->expanded +
                   "`), or build only for the platforms that have one",
               std::nullopt, platforms);
  }
}

}  // namespace

extern const DockerfileRule kMA106 = {
    {.id = "MA106",
     .slug = "stage-selector-missing-platform",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "FROM picks a stage per platform, and a target platform has no stage",
     .what = "A FROM whose name is built from the platform (`FROM base-${TARGETARCH}`, or a global ARG made from it) "
             "that names an earlier stage for some target platforms and nothing for others.",
     .why = "BuildKit expands FROM with the global ARGs, which start with the automatic platform ARGs, and only "
            "then looks the name up among the stages before it. For a platform without its stage the name is "
            "pulled as an image (`docker.io/library/base-arm:latest`), which normally does not exist: that "
            "platform's build fails.",
     .example = "FROM alpine AS base-amd64\n"
                "FROM alpine AS base-arm64\n"
                "FROM base-${TARGETARCH}\n"
                "# MA106 with --platform linux/amd64,linux/arm64,linux/arm/v7",
     .fix = "Add a stage for every target platform, or leave the platforms without one out of --platform.",
     .bad = {"FROM alpine AS base-amd64\nFROM base-${TARGETARCH}\n"},
     .good = {"FROM alpine AS base-amd64\nFROM alpine AS base-arm64\nFROM base-${TARGETARCH}\n",
              "ARG VARIANT=slim\nFROM debian:bookworm-${VARIANT}\n"}},
    check};

}  // namespace mal::rules
