#include "rules/image/example_models.h"

#include <memory>

namespace mal::rules::example_models {

image::LayerEntry file(const std::string& path, uint32_t mode) {
  image::LayerEntry e;
  e.path = path;
  e.mode = mode;
  e.size = 64;
  return e;
}

image::LayerEntry elfFile(const std::string& path, uint16_t machine, int bits) {
  auto e = file(path);
  e.isElf = true;
  elf::ElfFacts facts;
  facts.machine = machine;
  facts.bits = bits;
  e.elf = facts;
  return e;
}

image::ScannedImage imageOf(const std::string& platform, std::vector<image::LayerEntry> entries,
                            std::vector<std::string> entrypoint) {
  image::ScannedImage scanned;
  image::PlatformImage p;
  p.platform = *parsePlatform(platform);
  p.config.entrypoint = std::move(entrypoint);
  auto layer = std::make_shared<image::LayerContents>();
  for (auto& e : entries) layer->add(std::move(e));
  p.layers.push_back({"blobs/sha256/x", "sha256:" + std::string(64, 'a'), 1});
  p.inventory.apply(layer, 0);
  scanned.platforms.push_back(std::move(p));
  return scanned;
}

}  // namespace mal::rules::example_models
