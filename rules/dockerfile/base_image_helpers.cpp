#include "rules/dockerfile/base_image_helpers.h"

namespace mal::rules {

std::optional<std::vector<Platform>> platformsNeededFrom(const DockerfileContext& ctx, const dockerfile::Stage& stage) {
  const std::string& flag = stage.platformRaw;
  if (flag.empty() || flag == "$TARGETPLATFORM" || flag == "${TARGETPLATFORM}") return ctx.targets;
  if (flag.find('$') != std::string::npos) return std::nullopt;
  if (const auto platform = parsePlatform(flag)) return std::vector<Platform>{*platform};
  return std::nullopt;
}

}  // namespace mal::rules
