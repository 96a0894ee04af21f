#include "rules/index/example_models.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "analyzer/image/memory_store.h"

namespace mal::rules::example_models {

namespace {

nlohmann::json platformJson(const std::string& platform) {
  const auto parts = [&] {
    std::vector<std::string> out;
    size_t from = 0;
    for (size_t slash = platform.find('/'); slash != std::string::npos; slash = platform.find('/', from)) {
      out.push_back(platform.substr(from, slash - from));
      from = slash + 1;
    }
    out.push_back(platform.substr(from));
    return out;
  }();
  nlohmann::json out = {{"os", parts[0]}, {"architecture", parts.size() > 1 ? parts[1] : ""}};
  if (parts.size() > 2) out["variant"] = parts[2];
  return out;
}

// Keeps `bytes` as a blob and returns its descriptor.
nlohmann::json put(image::MemoryStore& store, const std::string& mediaType, const std::string& bytes) {
  return {{"mediaType", mediaType}, {"digest", store.put(bytes)}, {"size", bytes.size()}};
}

}  // namespace

image::IndexModel layoutOf(const std::vector<ExampleEntry>& entries, bool single) {
  image::MemoryStore store;
  nlohmann::json manifests = nlohmann::json::array();
  for (const auto& e : entries) {
    const std::string configPlatform = e.configPlatform.empty() ? e.platform : e.configPlatform;
    const std::string layerPlatform = e.layerOf.empty() ? configPlatform : e.layerOf;
    auto config = platformJson(configPlatform);
    config["rootfs"] = {{"type", "layers"}, {"diff_ids", {image::digestOf("layer of " + layerPlatform)}}};
    const auto configDescriptor = put(store, "application/vnd.oci.image.config.v1+json", config.dump());
    const auto layer = put(store, "application/vnd.oci.image.layer.v1.tar+gzip", "layer of " + layerPlatform);
    const nlohmann::json manifest = {
        {"schemaVersion", 2}, {"mediaType", e.declares}, {"config", configDescriptor}, {"layers", {layer}}};
    auto descriptor = put(store, e.describedAs, manifest.dump());
    if (e.tampered) {
      const std::string key = "blobs/sha256/" + descriptor["digest"].get<std::string>().substr(7);
      store.set(key, store.at(key) + "\n");
    }
    if (!e.platform.empty()) descriptor["platform"] = platformJson(e.platform);
    if (!e.annotations.empty()) descriptor["annotations"] = e.annotations;
    manifests.push_back(descriptor);
  }
  const nlohmann::json index = {{"schemaVersion", 2}, {"mediaType", image::media::kOciIndex}, {"manifests", manifests}};
  if (single) {
    store.set("index.json", index.dump());
  } else {
    const nlohmann::json top = {{"schemaVersion", 2},
                                {"mediaType", image::media::kOciIndex},
                                {"manifests", {put(store, image::media::kOciIndex, index.dump())}}};
    store.set("index.json", top.dump());
  }
  return image::readIndex(store, "example");
}

std::string digestsElided(const std::string& message) {
  std::string out;
  for (size_t i = 0; i < message.size();) {
    const bool digest = message.compare(i, 7, "sha256:") == 0 && i + 7 + 64 <= message.size() &&
                        std::all_of(message.begin() + static_cast<std::ptrdiff_t>(i + 7),
                                    message.begin() + static_cast<std::ptrdiff_t>(i + 7 + 64),
                                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    out += digest ? "sha256:…" : message.substr(i, 1);
    i += digest ? 7 + 64 : 1;
  }
  return out;
}

}  // namespace mal::rules::example_models
