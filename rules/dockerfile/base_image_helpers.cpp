#include "rules/dockerfile/base_image_helpers.h"

namespace mal::rules {
namespace {

std::optional<std::vector<Platform>> platformsNeededFrom(const DockerfileContext& ctx, const dockerfile::Stage& stage) {
  const std::string& flag = stage.platformRaw;
  if (flag.empty() || flag == "$TARGETPLATFORM" || flag == "${TARGETPLATFORM}") return ctx.targets;
  if (flag.find('$') != std::string::npos) return std::nullopt;
  if (const auto platform = parsePlatform(flag)) return std::vector<Platform>{*platform};
  return std::nullopt;
}

}  // namespace

std::vector<ResolvedBase> resolvedBases(const DockerfileContext& ctx) {
  std::vector<ResolvedBase> out;
  if (!ctx.baseImages) return out;
  for (const auto& stage : ctx.model.stages) {
    const auto found = ctx.baseImages->find(stage.baseExpanded);
    if (found == ctx.baseImages->end()) continue;
    const auto needed = platformsNeededFrom(ctx, stage);
    if (!needed) continue;
    ResolvedBase base{stage, found->second, {}};
    for (const auto& wanted : *needed) {
      bool present = false;
      for (const auto& p : base.facts.platforms) present = present || platformMatches(p, wanted);
      if (!present) base.missing.push_back(wanted);
    }
    out.push_back(std::move(base));
  }
  return out;
}

}  // namespace mal::rules
