#include "analyzer/registry/base_image.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "analyzer/file_util.h"
#include "analyzer/image/image_reader.h"

namespace mal::registry {

namespace {

long long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

BaseImageResolver::BaseImageResolver(RegistryClient& client, std::string cacheRoot, long ttlSeconds)
    : client_(client), cacheRoot_(std::move(cacheRoot)), ttlSeconds_(ttlSeconds) {}

std::string BaseImageResolver::cachePath(const Reference& ref) const {
  const std::string digest = image::digestOf(ref.str());
  return cacheRoot_ + "/resolve/" + digest.substr(digest.find(':') + 1) + ".json";
}

std::optional<BaseImageFacts> BaseImageResolver::cached(const Reference& ref) const {
  if (cacheRoot_.empty() || (ttlSeconds_ <= 0 && ref.digest.empty())) return std::nullopt;
  const auto text = readCacheEntry(cachePath(ref), 1024 * 1024);
  if (!text) return std::nullopt;
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || json.value("reference", "") != ref.str() || !json.contains("fetched") ||
      !json["fetched"].is_number_integer() || !json.contains("platforms") || !json["platforms"].is_array()) {
    return std::nullopt;
  }
  if (ref.digest.empty() && now() - json["fetched"].get<long long>() > ttlSeconds_) return std::nullopt;
  BaseImageFacts facts{ref.str(), json.value("isIndex", false), {}};
  for (const auto& p : json["platforms"]) {
    if (const auto platform = p.is_string() ? parsePlatform(p.get<std::string>()) : std::nullopt)
      facts.platforms.push_back(*platform);
  }
  return facts;
}

void BaseImageResolver::keep(const Reference& ref, const BaseImageFacts& facts) const {
  if (cacheRoot_.empty()) return;
  nlohmann::json json = {
      {"reference", ref.str()}, {"fetched", now()}, {"isIndex", facts.isIndex}, {"platforms", nlohmann::json::array()}};
  for (const auto& p : facts.platforms) json["platforms"].push_back(p.str());
  writeFileAtomically(cachePath(ref), json.dump());
}

std::optional<BaseImageFacts> BaseImageResolver::resolve(const std::string& image, std::string& error) {
  auto it = answers_.find(image);
  if (it == answers_.end()) {
    std::string lookupError;
    auto facts = lookUp(image, lookupError);
    it = answers_.emplace(image, std::make_pair(std::move(facts), lookupError)).first;
  }
  error = it->second.second;
  return it->second.first;
}

std::optional<BaseImageFacts> BaseImageResolver::lookUp(const std::string& image, std::string& error) {
  const auto ref = parseReference(image, error);
  if (!ref) {
    error = "'" + image + "' is not an image reference: " + error;
    return std::nullopt;
  }
  if (auto facts = cached(*ref)) return facts;
  try {
    const auto document = client_.manifest(*ref, ref->digest.empty() ? ref->tag : ref->digest, image::kMaxDocumentBytes);
    BaseImageFacts facts{ref->str(), false, {}};
    std::string parseError;
    if (image::isIndexMediaType(document.mediaType)) {
      const auto index = image::parseIndex(document.bytes, parseError);
      if (!index) {
        error = ref->str() + ": the index does not parse: " + parseError;
        return std::nullopt;
      }
      facts.isIndex = true;
      for (const auto& d : index->manifests) {
        if (!d.isAttestation() && d.platform) facts.platforms.push_back(*d.platform);
      }
    } else {
      // One platform's manifest: its platform is in its config.
      const auto manifest = image::parseManifest(document.bytes, parseError);
      std::string configBytes;
      if (manifest) {
        configBytes = client_.blob(*ref, manifest->config.digest, image::kMaxDocumentBytes);
        if (!image::hasDigest(configBytes, manifest->config.digest)) {
          error = ref->str() + ": config " + manifest->config.digest + " does not match its digest";
          return std::nullopt;
        }
      }
      const auto config = manifest ? image::parseConfig(configBytes, parseError) : std::nullopt;
      if (!config) {
        error = ref->str() + ": " + parseError;
        return std::nullopt;
      }
      if (const auto platform = config->platform()) facts.platforms.push_back(*platform);
    }
    keep(*ref, facts);
    return facts;
  } catch (const image::StreamError& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace mal::registry
