// libFuzzer target: the layer-cache entry decoder. An entry's checksum only turns damage into
// a miss; whoever can write the cache directory can forge one that passes it, so the
// decoder behind the checksum must hold on any bytes (and whatever it accepts must make a
// usable file inventory).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "analyzer/image/layer_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto layer = mal::image::LayerCache::decode(body, "sha256:" + std::string(64, 'a'));
  if (!layer) return 0;
  mal::image::FileInventory inventory;
  inventory.apply(std::make_shared<mal::image::LayerContents>(std::move(*layer)), 0);
  (void)inventory.resolve("usr/bin/x");
  (void)inventory.fileCount();
  return 0;
}
