// The index of an image as the index rules (MA3xx) see it: every entry with its
// descriptor, what its manifest and config blobs really say, and whether they hash to
// their digests. No layer is read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"

namespace mal::image {

struct IndexEntry {
  Descriptor descriptor;
  std::string pointer;            // JSON pointer of the descriptor in its index: /manifests/2
  std::string declaredMediaType;  // what the manifest blob itself says
  std::optional<Manifest> manifest;
  std::optional<Config> config;
  std::string blobError;  // digest/size mismatch, missing or unreadable blob
  bool blobDigestMismatch = false;
};

struct IndexModel {
  std::string input;
  std::string mediaType;        // of the index that lists the platforms
  bool singleManifest = false;  // the image is one plain manifest, not an index of platforms
  // The digest a reference to this image would pin (what `imagetools inspect` calls Digest):
  // of the index, or of the lone manifest; empty for an index.json listing platforms itself.
  std::string digest;
  std::vector<IndexEntry> entries;
  std::vector<std::string> errors;
};

IndexModel readIndex(BlobStore& store, const std::string& input);
IndexModel readIndex(const std::string& input);

}  // namespace mal::image
