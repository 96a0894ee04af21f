// What an image rule reads (one platform's filesystem and config) and where it writes.
#pragma once

#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"
#include "rules/rule.h"

namespace mal::rules {

struct ImageRuleOptions {
  std::vector<uint64_t> pageSizes = {16384, 65536};  // arm64/ppc64le kernels to support (MA205)
};

struct ImageContext {
  const image::ScannedImage& scanned;
  const image::PlatformImage& image;
  const ImageRuleOptions& options;
};

class ImageFindingSink {
 public:
  ImageFindingSink(const image::ScannedImage& scanned, const image::PlatformImage& image) : scanned_(scanned), image_(image) {}
  // `path` is the inventory path (no leading '/'); layer < 0 when no layer applies.
  void report(const RuleInfo& rule, const std::string& path, int layer, std::string message, std::string fix = {});
  std::vector<Finding> take() { return std::move(findings_); }

 private:
  const image::ScannedImage& scanned_;
  const image::PlatformImage& image_;
  std::vector<Finding> findings_;
};

// A rule's runnable example: a bad platform model that gives it and a good one, one change
// apart, that does not (rules/image/example_models.h).
struct ImageRuleExamples {
  image::ScannedImage bad, good;
};

struct ImageRule {
  RuleInfo info;
  void (*check)(const ImageContext&, const RuleInfo&, ImageFindingSink&);
  ImageRuleExamples (*examples)() = nullptr;
};

// How many findings of one rule a platform reports one by one before summarising.
inline constexpr size_t kMaxFindingsPerRule = 25;

}  // namespace mal::rules
