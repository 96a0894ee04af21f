// Runs the image rules on every scanned platform and applies ignores and severities.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"
#include "analyzer/image/index_reader.h"
#include "rules/finding.h"
#include "rules/image/image_context.h"

namespace mal::rules {

struct ScanSettings {
  std::set<std::string> ignored;
  std::map<std::string, Severity> severities;
  ImageRuleOptions options;
};

std::vector<Finding> scanFindings(const image::ScannedImage& scanned, const ScanSettings& settings);

// The index rules (MA3xx) on an image's index, for the target platforms.
std::vector<Finding> indexFindings(const image::IndexModel& index, const std::vector<Platform>& targets,
                                   const ScanSettings& settings);

}  // namespace mal::rules
