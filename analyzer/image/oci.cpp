#include "analyzer/image/oci.h"

#include <nlohmann/json.hpp>

#include "analyzer/image/streams.h"

namespace mal::image {

using nlohmann::json;

bool isIndexMediaType(const std::string& mediaType) { return mediaType == media::kOciIndex || mediaType == media::kDockerList; }
bool isManifestMediaType(const std::string& mediaType) {
  return mediaType == media::kOciManifest || mediaType == media::kDockerManifest;
}
bool Descriptor::isIndex() const { return isIndexMediaType(mediaType); }
bool Descriptor::isManifest() const { return isManifestMediaType(mediaType); }
bool Descriptor::isAttestation() const {
  const auto it = annotations.find("vnd.docker.reference.type");
  if (it != annotations.end() && it->second == "attestation-manifest") return true;
  return rawPlatform == "unknown/unknown";
}

namespace {

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<Descriptor> parseDescriptor(const json& j, std::string& error) {
  if (!j.is_object()) {
    error = "a descriptor is not an object";
    return std::nullopt;
  }
  Descriptor d;
  d.mediaType = str(j, "mediaType");
  d.digest = str(j, "digest");
  if (!validDigest(d.digest)) {
    error = "descriptor has an invalid digest '" + d.digest.substr(0, 80) + "'";
    return std::nullopt;
  }
  if (j.contains("size") && j["size"].is_number_integer()) d.size = j["size"].get<int64_t>();
  if (d.size < 0) {
    error = "descriptor " + d.digest + " has no valid size";
    return std::nullopt;
  }
  if (j.contains("platform") && j["platform"].is_object()) {
    const auto& p = j["platform"];
    d.rawPlatform = str(p, "os") + "/" + str(p, "architecture");
    if (!str(p, "variant").empty()) d.rawPlatform += "/" + str(p, "variant");
    d.platform = parsePlatform(d.rawPlatform);
  }
  if (j.contains("annotations") && j["annotations"].is_object()) {
    for (const auto& [k, v] : j["annotations"].items()) {
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
    }
  }
  return d;
}

json parseJson(const std::string& text, std::string& error) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) error = "not valid JSON";
  else if (!j.is_object()) error = "not a JSON object";
  return j;
}

}  // namespace

std::string declaredMediaType(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  return j.is_object() ? str(j, "mediaType") : std::string();
}

std::string documentMediaType(const std::string& text, const std::string& contentType) {
  const json j = json::parse(text, nullptr, false);
  if (std::string declared = j.is_object() ? str(j, "mediaType") : ""; !declared.empty()) return declared;
  std::string served = contentType.substr(0, contentType.find(';'));
  if (!served.empty() && served != "application/json" && served != "application/octet-stream") return served;
  return j.is_object() && j.contains("manifests") ? media::kOciIndex : media::kOciManifest;
}

std::optional<Index> parseIndex(const std::string& text, std::string& error) {
  const json j = parseJson(text, error);
  if (!error.empty()) return std::nullopt;
  if (!j.contains("manifests") || !j["manifests"].is_array()) {
    error = "the index has no manifests array";
    return std::nullopt;
  }
  Index index;
  index.mediaType = str(j, "mediaType");
  for (const auto& m : j["manifests"]) {
    auto d = parseDescriptor(m, error);
    if (!d) return std::nullopt;
    index.manifests.push_back(std::move(*d));
    if (index.manifests.size() > 4096) {
      error = "the index lists more than 4096 manifests";
      return std::nullopt;
    }
  }
  return index;
}

std::optional<Manifest> parseManifest(const std::string& text, std::string& error) {
  const json j = parseJson(text, error);
  if (!error.empty()) return std::nullopt;
  Manifest m;
  m.mediaType = str(j, "mediaType");
  if (!j.contains("config")) {
    error = "the manifest has no config";
    return std::nullopt;
  }
  auto config = parseDescriptor(j["config"], error);
  if (!config) return std::nullopt;
  m.config = *config;
  if (!j.contains("layers") || !j["layers"].is_array()) {
    error = "the manifest has no layers array";
    return std::nullopt;
  }
  for (const auto& l : j["layers"]) {
    auto d = parseDescriptor(l, error);
    if (!d) return std::nullopt;
    m.layers.push_back(std::move(*d));
    if (m.layers.size() > 1024) {
      error = "the manifest lists more than 1024 layers";
      return std::nullopt;
    }
  }
  return m;
}

std::optional<Config> parseConfig(const std::string& text, std::string& error) {
  const json j = parseJson(text, error);
  if (!error.empty()) return std::nullopt;
  Config c;
  c.os = str(j, "os");
  c.architecture = str(j, "architecture");
  c.variant = str(j, "variant");
  if (j.contains("config") && j["config"].is_object()) {
    const auto& cfg = j["config"];
    c.entrypoint = strings(cfg, "Entrypoint");
    c.cmd = strings(cfg, "Cmd");
    c.env = strings(cfg, "Env");
    c.workingDir = str(cfg, "WorkingDir");
    c.user = str(cfg, "User");
  }
  if (j.contains("rootfs") && j["rootfs"].is_object()) c.diffIds = strings(j["rootfs"], "diff_ids");
  if (j.contains("history") && j["history"].is_array()) {
    for (const auto& h : j["history"]) {
      if (!h.is_object()) continue;
      c.history.push_back(
          {str(h, "created_by"), h.contains("empty_layer") && h["empty_layer"].is_boolean() && h["empty_layer"].get<bool>()});
    }
  }
  return c;
}

std::optional<Platform> Config::platform() const {
  return parsePlatform(os + "/" + architecture + (variant.empty() ? "" : "/" + variant));
}

std::string Config::envValue(const std::string& name) const {
  for (const auto& e : env) {
    if (e.compare(0, name.size() + 1, name + "=") == 0) return e.substr(name.size() + 1);
  }
  return {};
}

}  // namespace mal::image
