// Findings inside a shell branch that only an opt-in build argument turns on
// (`if [ "$BUILD_WITH_IPEX" = "true" ]; then ...` with ARG BUILD_WITH_IPEX left empty): the
// default build never runs that code, so the finding concerns a build that asks for it.
#pragma once

#include <vector>

#include "rules/dockerfile/context.h"
#include "rules/finding.h"

namespace mal::rules {

// Lowers error and warning findings that sit in such a branch to info, and says in the
// message which build argument turns the branch on. Findings of other places are left alone.
void markOptInFindings(const DockerfileContext& ctx, std::vector<Finding>& findings);

}  // namespace mal::rules
