// Messages that quote a word holding variables (`'.../${VERSION}/tool_${VERSION}_linux_amd64.tgz'`)
// also say what it expands to where the stage model knows every value (ARG defaults, ENV,
// the base stage's environment), so a person sees the URL or path the build really uses.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/dockerfile/context.h"
#include "rules/finding.h"

namespace mal::rules {

// Appends ` (= 'expanded')` after each quoted word of a Dockerfile finding's message that
// holds `$` and expands, at the finding's instruction, to one value for every target
// platform. Words with command substitutions, shell variables the Dockerfile does not set,
// or values that differ per target are left as written.
// `word` expanded with the stage's values before `instruction` (ARG defaults, ENV, the base
// stage's environment), when that is one value for every target; nullopt when a variable is
// unknown there (a shell variable, a substitution), varies by target, or nothing expands.
std::optional<std::string> expandedForEveryTarget(const DockerfileContext& ctx, size_t stage, size_t instruction,
                                                  const std::string& word);

void showExpandedValues(const DockerfileContext& ctx, std::vector<Finding>& findings);

}  // namespace mal::rules
