// Runs the image rules on every scanned platform and applies ignores and severities.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"
#include "rules/finding.h"
#include "rules/image/image_context.h"

namespace mal::rules {

struct ScanSettings {
  std::set<std::string> ignored;
  std::map<std::string, Severity> severities;
  ImageRuleOptions options;
};

std::vector<Finding> scanFindings(const image::ScannedImage& scanned, const ScanSettings& settings);

}  // namespace mal::rules
