#include "rules/index/index_context.h"

namespace mal::rules {

void IndexFindingSink::report(const RuleInfo& rule, const image::IndexEntry* entry, std::string message, std::string fix,
                              std::vector<Platform> breaks) {
  Finding f = findingFor(rule, std::move(message), std::move(fix));
  f.breaks = std::move(breaks);
  f.location.path = index_.input;
  f.location.image = index_.input;
  f.location.pointer = entry ? entry->pointer : "/manifests";
  if (entry) f.location.platform = entryPlatform(*entry);
  findings_.push_back(std::move(f));
}

std::string entryPlatform(const image::IndexEntry& entry) {
  if (entry.descriptor.platform) return entry.descriptor.platform->str();
  return entry.descriptor.rawPlatform.empty() ? "(no platform)" : entry.descriptor.rawPlatform;
}

}  // namespace mal::rules
