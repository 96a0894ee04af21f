// What lint --resolve's rules (MA104, MA105) share: the platforms a stage's base image
// must provide.
#pragma once

#include <optional>
#include <vector>

#include "rules/dockerfile/context.h"

namespace mal::rules {

// The target platforms when the stage follows them (no --platform, or $TARGETPLATFORM);
// a constant --platform's one platform; nullopt when it is the build machine's or a
// variable this analysis cannot know.
std::optional<std::vector<Platform>> platformsNeededFrom(const DockerfileContext& ctx, const dockerfile::Stage& stage);

}  // namespace mal::rules
