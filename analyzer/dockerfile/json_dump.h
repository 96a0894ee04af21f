// `multiarch-lint parse FILE`: the syntax tree as JSON, every piece with its exact
// range. Schema: docs/parse-json.md.
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/dockerfile/ast.h"

namespace mal::dockerfile {

nlohmann::json toJson(const ParsedDockerfile& dockerfile, const SourceText& source);

}  // namespace mal::dockerfile
