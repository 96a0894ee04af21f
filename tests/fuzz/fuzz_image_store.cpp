// libFuzzer target: an image archive as scan reads it, through the store reader: an OCI
// layout packed as a tar (index.json, oci-layout, blobs) or a `docker save` archive (the
// legacy manifest.json form or Docker 25+'s OCI form), the documents they name and the
// layers. The bytes are written to a file (scan reads a path); nothing may escape scanImage
// but its own errors in the result.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analyzer/image/image_reader.h"

namespace {

const std::string& archivePath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/fuzz_image_store." + std::to_string(getpid()) + ".tar";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FILE* out = std::fopen(archivePath().c_str(), "wb");
  if (!out) return 0;
  std::fwrite(data, 1, size, out);
  std::fclose(out);
  mal::image::ScanOptions options;
  options.threads = 1;
  options.limits.maxUncompressed = 64 * 1024 * 1024;  // keep decompression bombs inside the fuzzer's memory
  const auto scanned = mal::image::scanImage(archivePath(), options);
  for (const auto& platform : scanned.platforms) (void)platform.inventory.fileCount();
  std::remove(archivePath().c_str());
  return 0;
}
