// Lints one Dockerfile: parse, build the model, run every rule, then apply inline
// pragmas, ignores and severity overrides. Pure: the caller reads the file.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "analyzer/source_text.h"
#include "rules/finding.h"

namespace mal::rules {

struct LintSettings {
  std::vector<Platform> platforms = defaultTargetPlatforms();
  std::set<std::string> ignored;                 // rule ids, e.g. "MA150"
  std::map<std::string, Severity> severities;    // rule id -> severity
  bool requirePragmaReason = false;
};

std::vector<Finding> lintDockerfile(const SourceText& source, const LintSettings& settings);

}  // namespace mal::rules
