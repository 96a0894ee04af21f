#include "analyzer/registry/registry_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mal::registry {

namespace fs = std::filesystem;

RegistryStore::RegistryStore(RegistryClient& client, Reference ref, std::string cacheRoot)
    : client_(client), ref_(std::move(ref)), cacheRoot_(std::move(cacheRoot)) {}

bool RegistryStore::has(const std::string& key) const { return key == "index.json" || key.rfind("blobs/", 0) == 0; }

std::optional<std::string> RegistryStore::cached(const std::string& digest) const {
  if (cacheRoot_.empty()) return std::nullopt;
  std::ifstream file(cacheRoot_ + "/" + image::blobKey(digest), std::ios::binary);
  if (!file) return std::nullopt;
  std::stringstream bytes;
  bytes << file.rdbuf();
  // The cache is only a copy: what does not hash to its name is ignored (and refetched).
  if (image::digestOf(bytes.str(), digest.substr(0, digest.find(':'))) != digest) return std::nullopt;
  return bytes.str();
}

void RegistryStore::keep(const std::string& digest, const std::string& bytes) const {
  if (cacheRoot_.empty()) return;
  const fs::path path = cacheRoot_ + "/" + image::blobKey(digest);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path temporary = path.string() + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::binary);
    out << bytes;
    if (!out) return;
  }
  fs::rename(temporary, path, ec);
  if (ec) fs::remove(temporary, ec);
}

void RegistryStore::remember(const std::string& digest, const std::string& bytes) {
  keep(digest, bytes);
  std::lock_guard lock(mutex_);
  documents_.emplace(digest, bytes);
}

void RegistryStore::learnManifests(const std::string& bytes) {
  const auto json = nlohmann::json::parse(bytes, nullptr, false);
  if (!json.is_object() || !json.contains("manifests") || !json["manifests"].is_array()) return;
  std::lock_guard lock(mutex_);
  for (const auto& d : json["manifests"]) {
    if (d.is_object() && d.contains("digest") && d["digest"].is_string()) manifestDigests_.insert(d["digest"].get<std::string>());
  }
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
  if (image::digestOf(bytes, digest.substr(0, digest.find(':'))) == digest) remember(digest, bytes);
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
      const std::string declared = image::declaredMediaType(top.bytes);
      std::string mediaType = !declared.empty() ? declared : top.mediaType;
      if (mediaType.rfind("application/vnd.docker.distribution.manifest.v1", 0) == 0) {
        error = ref_.str() + " is a Docker schema 1 manifest, which no current builder makes; it is not analysed";
        return std::nullopt;
      }
      if (mediaType.empty() || mediaType == "application/json") {
        mediaType = top.bytes.find("\"manifests\"") != std::string::npos ? image::media::kOciIndex : image::media::kOciManifest;
      }
      nlohmann::json index = {{"schemaVersion", 2},
                              {"mediaType", image::media::kOciIndex},
                              {"manifests", nlohmann::json::array({{{"mediaType", mediaType},
                                                                    {"digest", top.digest},
                                                                    {"size", top.bytes.size()}}})}};
      return index.dump();
    }
    const std::string prefix = "blobs/";
    const size_t slash = key.find('/', prefix.size());
    if (key.rfind(prefix, 0) != 0 || slash == std::string::npos) {
      error = key + ": not in a registry";
      return std::nullopt;
    }
    return document(key.substr(prefix.size(), slash - prefix.size()) + ":" + key.substr(slash + 1), maxBytes);
  } catch (const image::StreamError& e) {
    error = e.what();
    return std::nullopt;
  }
}

void RegistryStore::streamFiles(const std::set<std::string>& keys,
                                const std::function<void(const std::string& key, image::ByteSource& source)>& visit) {
  for (const auto& key : keys) {
    const std::string rest = key.substr(std::string("blobs/").size());
    const std::string digest = rest.substr(0, rest.find('/')) + ":" + rest.substr(rest.find('/') + 1);
    auto source = client_.openBlob(ref_, digest);
    visit(key, *source);
  }
}

}  // namespace mal::registry
