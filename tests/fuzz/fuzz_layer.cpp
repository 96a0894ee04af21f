// libFuzzer target: the layer walker (gzip/zstd detection, ISA-L, libarchive, whiteouts,
// ELF and #! reading) on untrusted bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/image/layer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mal::image::MemorySource source(std::string(reinterpret_cast<const char*>(data), size));
  mal::image::LayerLimits limits;
  limits.maxUncompressed = 64 * 1024 * 1024;  // keep decompression bombs inside the fuzzer's memory
  try {
    mal::image::FileInventory inventory;
    inventory.apply(std::make_shared<mal::image::LayerContents>(mal::image::readLayer(source, limits)), 0);
    (void)inventory.resolve("usr/bin/x");
  } catch (const mal::image::StreamError&) {
  }
  return 0;
}
