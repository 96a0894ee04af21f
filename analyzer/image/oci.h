// OCI image index / manifest / config, and Docker's v2 manifest list / manifest, as plain
// data. Parsers take untrusted JSON and return an error string instead of throwing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/platform.h"

namespace mal::image {

namespace media {
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
}  // namespace media

struct Descriptor {
  std::string mediaType;
  std::string digest;
  int64_t size = -1;
  std::optional<Platform> platform;
  std::string rawPlatform;  // os/architecture/variant as written, before normalisation
  std::map<std::string, std::string> annotations;

  bool isIndex() const;
  bool isManifest() const;
  // A BuildKit attestation (unknown/unknown, vnd.docker.reference.type=attestation-manifest).
  bool isAttestation() const;
};

struct Index {
  std::string mediaType;
  std::vector<Descriptor> manifests;
};

struct Manifest {
  std::string mediaType;
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct HistoryEntry {
  std::string createdBy;
  bool emptyLayer = false;
};

struct Config {
  std::string os, architecture, variant;
  std::vector<std::string> entrypoint, cmd, env;
  std::string workingDir, user;
  std::vector<std::string> diffIds;
  std::vector<HistoryEntry> history;
  std::optional<Platform> platform() const;
  std::string envValue(const std::string& name) const;  // "" when unset
};

std::optional<Index> parseIndex(const std::string& text, std::string& error);
std::optional<Manifest> parseManifest(const std::string& text, std::string& error);
std::optional<Config> parseConfig(const std::string& text, std::string& error);
// The media type a document declares, or "" (Docker's manifest.json has none).
std::string declaredMediaType(const std::string& text);
// What a manifest document is: its declared media type, else the Content-Type it was
// served with, else by its shape (an index lists "manifests").
std::string documentMediaType(const std::string& text, const std::string& contentType);
bool isIndexMediaType(const std::string& mediaType);     // OCI index or Docker manifest list
bool isManifestMediaType(const std::string& mediaType);  // OCI or Docker v2 image manifest

}  // namespace mal::image
