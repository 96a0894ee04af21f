#include <algorithm>

#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // `ARG TARGETPLATFORM=linux/amd64` before the first FROM replaces the automatic value
  // (buildMetaArgs), so the flag pins the stage instead of restating the default: MA145's case.
  const bool globalDefault = std::any_of(ctx.model.globalArgs.begin(), ctx.model.globalArgs.end(),
                                         [](const auto& arg) { return arg.name == "TARGETPLATFORM" && arg.value.has_value(); });
  if (globalDefault) return;
  for (const auto& stage : ctx.model.stages) {
    if (stage.platformRaw != "$TARGETPLATFORM" && stage.platformRaw != "${TARGETPLATFORM}") continue;
    out.report(rule, stage.platformSpan, "--platform=" + stage.platformRaw + " is the default and can be removed",
               "remove the --platform flag");
  }
}

}  // namespace

extern const DockerfileRule kMA102 = {
    {.id = "MA102",
     .slug = "redundant-target-platform",
     .severity = Severity::Info,
     .analysis = Analysis::Dockerfile,
     .summary = "--platform=$TARGETPLATFORM is the default",
     .what = "`FROM --platform=$TARGETPLATFORM image`.",
     .why = "Nothing breaks, but it suggests the author meant $BUILDPLATFORM (a cross-compiling stage) and "
            "makes the one meaningful use of the flag harder to spot.",
     .example = "FROM --platform=$TARGETPLATFORM alpine\n"
                "# MA102",
     .fix = "Remove the flag, or use $BUILDPLATFORM if the stage should run on the build machine.",
     .bad = {"FROM --platform=$TARGETPLATFORM alpine\n", "FROM --platform=${TARGETPLATFORM} alpine\n"},
     .good = {"FROM alpine\n", "FROM --platform=$BUILDPLATFORM alpine AS tools\n"}},
    check};

}  // namespace mal::rules
