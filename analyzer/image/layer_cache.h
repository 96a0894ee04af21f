// A content-addressed cache of per-layer results, keyed by the layer blob's digest (which
// was verified when the entry was written). Shared base layers are walked once per cache;
// their blobs are still hashed on every scan (the cache saves decompressing and walking,
// never the digest check). Entries are checked before they are believed (see load).
// Kept under cacheRoot()/layers (analyzer/file_util.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/image/layer.h"

namespace mal::image {

class LayerCache {
 public:
  explicit LayerCache(std::string directory) : dir_(std::move(directory)) {}

  std::optional<LayerContents> load(const std::string& digest) const;
  void store(const LayerContents& layer) const;  // best effort: a cache that cannot be written is skipped
  // An entry's body (after its checksummed header line), or nullopt when it is malformed.
  // What load believes once the checksum matches, so it must hold on any bytes: the layer
  // cache fuzzer (tests/fuzz/fuzz_layer_cache.cpp) feeds it.
  static std::optional<LayerContents> decode(std::string_view body, const std::string& digest);

 private:
  std::string pathFor(const std::string& digest) const;
  void drop(const std::string& path) const;  // a broken entry goes, so the next store replaces it
  std::string dir_;
};

}  // namespace mal::image
