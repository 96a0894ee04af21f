#include "analyzer/registry/registry_store.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "analyzer/fault_injection.h"
#include "analyzer/file_util.h"

namespace mal::registry {

RegistryStore::RegistryStore(RegistryClient& client, Reference ref, std::string cacheRoot)
    : client_(client), ref_(std::move(ref)), cacheRoot_(std::move(cacheRoot)) {}

bool RegistryStore::has(const std::string& key) const { return key == "index.json" || key.rfind("blobs/", 0) == 0; }

std::optional<std::string> RegistryStore::cached(const std::string& digest) const {
  if (cacheRoot_.empty()) return std::nullopt;
  const std::string path = cacheRoot_ + "/" + image::blobKey(digest);
  auto bytes = readCacheEntry(path, image::kMaxDocumentBytes);
  // The cache is only a copy: what does not hash to its name is dropped (and refetched).
  if (bytes && !image::hasDigest(*bytes, digest)) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return std::nullopt;
  }
  return bytes;
}

void RegistryStore::keep(const std::string& digest, const std::string& bytes) const {
  if (!cacheRoot_.empty()) writeFileAtomically(cacheRoot_ + "/" + image::blobKey(digest), bytes);
}

void RegistryStore::remember(const std::string& digest, const std::string& bytes) {
  keep(digest, bytes);
  std::lock_guard lock(mutex_);
  documents_.emplace(digest, bytes);
}

void RegistryStore::learnManifests(const std::string& bytes) {
  std::string error;
  const auto index = image::parseIndex(bytes, error);
  if (!index) return;  // not an index (its readers report a broken one)
  std::lock_guard lock(mutex_);
  for (const auto& d : index->manifests) manifestDigests_.insert(d.digest);
}

std::string RegistryStore::document(const std::string& digest, size_t maxBytes) {
  bool isManifest;
  {
    std::lock_guard lock(mutex_);
    // Asked twice in one run (the tag's index, then by its digest): one request.
    if (const auto it = documents_.find(digest); it != documents_.end()) return it->second;
    isManifest = manifestDigests_.count(digest) > 0;
  }
  if (auto bytes = cached(digest)) {
    learnManifests(*bytes);
    return *bytes;
  }
  std::string bytes = isManifest ? client_.manifest(ref_, digest, maxBytes).bytes : client_.blob(ref_, digest, maxBytes);
  // Only verified bytes are kept; the caller reports a mismatch (MA306) from what it got.
  if (image::hasDigest(bytes, digest)) remember(digest, bytes);
  learnManifests(bytes);
  return bytes;
}

std::optional<std::string> RegistryStore::readFile(const std::string& key, size_t maxBytes, std::string& error) {
  try {
    if (key == "index.json") {
      // The reference's own manifest, as the one descriptor of an OCI layout's index.json.
      RegistryClient::Document top;
      if (!ref_.digest.empty()) {
        {
          std::lock_guard lock(mutex_);
          manifestDigests_.insert(ref_.digest);
        }
        top.bytes = document(ref_.digest, maxBytes);
        top.digest = ref_.digest;
      } else {
        top = client_.manifest(ref_, ref_.tag, maxBytes);
        remember(top.digest, top.bytes);
        learnManifests(top.bytes);
        std::lock_guard lock(mutex_);
        manifestDigests_.insert(top.digest);
      }
      // (A digest's bytes may come from the cache, without the Content-Type they were served with.)
      const std::string mediaType = image::documentMediaType(top.bytes, top.mediaType);
      nlohmann::json index = {
          {"schemaVersion", 2},
          {"mediaType", image::media::kOciIndex},
          {"manifests", nlohmann::json::array({{{"mediaType", mediaType}, {"digest", top.digest}, {"size", top.bytes.size()}}})}};
      return index.dump();
    }
    const auto digest = image::digestOfBlobKey(key);
    if (!digest) {
      error = key + ": not in a registry";
      return std::nullopt;
    }
    return document(*digest, maxBytes);
  } catch (const image::StreamError& e) {
    error = e.what();
    return std::nullopt;
  }
}

void RegistryStore::streamFiles(const std::set<std::string>& keys,
                                const std::function<void(const std::string& key, image::ByteSource& source)>& visit) {
  for (const auto& key : keys) {
    const auto digest = image::digestOfBlobKey(key);
    if (!digest) throw image::StreamError(key + ": not in a registry");
    testing::faultPoint("registry");
    auto source = client_.openBlob(ref_, *digest);
    visit(key, *source);
  }
}

}  // namespace mal::registry
