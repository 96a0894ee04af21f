// What an index rule reads (the index model, the target platforms) and where it writes.
#pragma once

#include <vector>

#include "analyzer/image/index_reader.h"
#include "rules/rule.h"

namespace mal::rules {

struct IndexContext {
  const image::IndexModel& index;
  const std::vector<Platform>& targets;
};

class IndexFindingSink {
 public:
  explicit IndexFindingSink(const image::IndexModel& index) : index_(index) {}
  // breaks: for a finding about no one entry, the target platforms it concerns.
  void report(const RuleInfo& rule, const image::IndexEntry* entry, std::string message, std::string fix = {},
              std::vector<Platform> breaks = {});
  std::vector<Finding> take() { return std::move(findings_); }

 private:
  const image::IndexModel& index_;
  std::vector<Finding> findings_;
};

// A rule's runnable example: a bad index that gives it and a good one, one change apart, that
// does not, both read by the real reader from an in-memory layout (rules/index/example_models.h).
struct IndexRuleExamples {
  image::IndexModel bad, good;
};

struct IndexRule {
  RuleInfo info;
  void (*check)(const IndexContext&, const RuleInfo&, IndexFindingSink&);
  IndexRuleExamples (*examples)() = nullptr;
};

std::string entryPlatform(const image::IndexEntry& entry);  // "linux/arm64", or the raw text

}  // namespace mal::rules
