// What lint --resolve's rules (MA104, MA105) share: each stage whose base image a registry
// described, with the platforms the stage is built for and those the image lacks.
#pragma once

#include <vector>

#include "rules/dockerfile/context.h"

namespace mal::rules {

struct ResolvedBase {
  const dockerfile::Stage& stage;
  const registry::BaseImageFacts& facts;
  std::vector<Platform> missing;  // platforms the stage is built for that the image does not provide
  bool pinnedByDigest() const { return stage.baseExpanded.find('@') != std::string::npos; }
};

// Stages whose base image was looked up and whose platforms are known: the targets when
// the stage follows them (no --platform, or $TARGETPLATFORM), a constant --platform's
// one platform. A $BUILDPLATFORM stage (or any other variable) is left out: the build
// machine is not known here.
std::vector<ResolvedBase> resolvedBases(const DockerfileContext& ctx);

}  // namespace mal::rules
