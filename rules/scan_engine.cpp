#include "rules/scan_engine.h"

#include "rules/catalog.h"

namespace mal::rules {

std::vector<Finding> scanFindings(const image::ScannedImage& scanned, const ScanSettings& settings) {
  std::vector<Finding> findings;
  for (const auto& platform : scanned.platforms) {
    if (!platform.error.empty()) continue;
    ImageFindingSink sink(scanned, platform);
    const ImageContext ctx{scanned, platform, settings.options};
    for (const auto* rule : imageRules()) {
      if (!settings.ignored.count(std::string(rule->info.id))) rule->check(ctx, rule->info, sink);
    }
    for (auto& f : sink.take()) findings.push_back(std::move(f));
  }
  for (auto& f : findings) {
    if (const auto it = settings.severities.find(f.ruleId); it != settings.severities.end()) f.severity = it->second;
  }
  return findings;
}

std::vector<Finding> indexFindings(const image::IndexModel& index, const std::vector<Platform>& targets,
                                   const ScanSettings& settings) {
  // An index that could not be read at all is an input error, not an image lacking platforms.
  if (index.entries.empty() && !index.errors.empty()) return {};
  IndexFindingSink sink(index);
  const IndexContext ctx{index, targets};
  for (const auto* rule : indexRules()) {
    if (!settings.ignored.count(std::string(rule->info.id))) rule->check(ctx, rule->info, sink);
  }
  auto findings = sink.take();
  for (auto& f : findings) {
    if (const auto it = settings.severities.find(f.ruleId); it != settings.severities.end()) f.severity = it->second;
  }
  return findings;
}

}  // namespace mal::rules
