// The catalogue: every rule in one table you can read on a screen.
#pragma once

#include <string_view>
#include <vector>

#include "rules/dockerfile/context.h"
#include "rules/image/image_context.h"
#include "rules/index/index_context.h"

namespace mal::rules {

const std::vector<const DockerfileRule*>& dockerfileRules();
const std::vector<const ImageRule*>& imageRules();
const std::vector<const IndexRule*>& indexRules();
std::vector<const RuleInfo*> allRules();
// By id (MA110) or slug (arch-specific-download); nullptr when unknown.
const RuleInfo* findRule(std::string_view idOrSlug);

}  // namespace mal::rules
