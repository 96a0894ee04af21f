#include "rules/image/image_context.h"

namespace mal::rules {

void ImageFindingSink::report(const RuleInfo& rule, const std::string& path, int layer, std::string message, std::string fix) {
  Finding f = findingFor(rule, std::move(message), std::move(fix));
  f.location.path = scanned_.input;
  f.location.image = scanned_.input;
  f.location.platform = image_.platform.str();
  f.location.imagePath = path.empty() ? "" : "/" + path;
  if (layer >= 0 && static_cast<size_t>(layer) < image_.layers.size()) {
    f.location.layerIndex = layer;
    f.location.layerDigest = image_.layers[static_cast<size_t>(layer)].expectedDigest;
  }
  findings_.push_back(std::move(f));
}

}  // namespace mal::rules
