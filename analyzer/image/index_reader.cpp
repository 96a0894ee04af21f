#include "analyzer/image/index_reader.h"

namespace mal::image {
namespace {

// Returns the bytes it read (the manifest and its config).
size_t addEntry(BlobStore& store, const Descriptor& d, const std::string& pointer, IndexModel& out) {
  size_t bytesRead = 0;
  IndexEntry entry{d, pointer};
  std::string error;
  bool mismatch = false;
  const auto bytes = fetchBlob(store, d, error, mismatch);
  entry.blobDigestMismatch = mismatch;
  if (bytes) {
    bytesRead += bytes->size();
    entry.declaredMediaType = declaredMediaType(*bytes);
    std::string parseError;
    entry.manifest = parseManifest(*bytes, parseError);
    if (entry.manifest) {
      std::string configError;
      bool configMismatch = false;
      const auto config = fetchBlob(store, entry.manifest->config, configError, configMismatch);
      if (configMismatch) {
        entry.blobDigestMismatch = true;
        error = "config " + configError;
      }
      if (config) bytesRead += config->size();
      if (config) entry.config = parseConfig(*config, parseError);
      else if (error.empty()) error = configError;
    } else if (error.empty()) {
      error = "manifest " + d.digest + ": " + parseError;
    }
  }
  entry.blobError = error;
  out.entries.push_back(std::move(entry));
  return bytesRead;
}

}  // namespace

IndexModel readIndex(BlobStore& store, const std::string& input) {
  IndexModel out;
  out.input = input;
  std::string error;
  if (!store.has("index.json")) {
    out.errors.push_back("not an OCI layout: no index.json");
    return out;
  }
  const auto json = store.readFile("index.json", kMaxDocumentBytes, error);
  auto index = json ? parseIndex(*json, error) : std::nullopt;
  if (!index) {
    out.errors.push_back(store.indexLabel() + error);
    return out;
  }
  out.mediaType = index->mediaType;
  std::string prefix;
  // index.json often holds one descriptor of the image index (buildx, skopeo): descend.
  if (index->manifests.size() == 1 && index->manifests[0].isIndex()) {
    bool mismatch = false;
    const auto& d = index->manifests[0];
    const auto nested = fetchBlob(store, d, error, mismatch);
    auto parsed = nested ? parseIndex(*nested, error) : std::nullopt;
    if (!parsed || mismatch) {
      out.errors.push_back("index " + d.digest + ": " + error);
      if (!parsed) return out;
    }
    out.mediaType = d.mediaType;
    out.digest = d.digest;
    index = std::move(parsed);
  }
  size_t platformEntries = 0;
  size_t documentBytes = 0;
  for (size_t i = 0; i < index->manifests.size(); ++i) {
    const auto& d = index->manifests[i];
    if (documentBytes > kMaxDocumentTotal) {
      out.errors.push_back("the index's manifests and configs take more than " + std::to_string(kMaxDocumentTotal) +
                           " bytes: /manifests/" + std::to_string(i) + " and after are not read");
      break;
    }
    if (d.isIndex()) {
      out.errors.push_back("nested index " + d.digest + " at /manifests/" + std::to_string(i) + " is not followed");
      continue;
    }
    documentBytes += addEntry(store, d, "/manifests/" + std::to_string(i), out);
    if (!d.isAttestation()) ++platformEntries;
  }
  // One plain manifest with no platform of its own: a single-platform image.
  out.singleManifest = platformEntries == 1 && out.entries.size() == 1 && !out.entries[0].descriptor.platform;
  if (out.singleManifest) out.digest = out.entries[0].descriptor.digest;
  return out;
}

IndexModel readIndex(const std::string& input) {
  try {
    auto store = openBlobStore(input);
    return readIndex(*store, input);
  } catch (const StreamError& e) {
    IndexModel out;
    out.input = input;
    out.errors.push_back(e.what());
    return out;
  }
}

}  // namespace mal::image
