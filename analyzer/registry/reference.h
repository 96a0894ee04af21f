// Image references as Docker (distribution/reference) reads them: docker.io by default,
// `library/` for official images, `host[:port]/path`, `:tag`, `@sha256:...`. The first
// piece of the registry client (open issue): it names what the client will fetch.
#pragma once

#include <optional>
#include <string>

namespace mal::registry {

struct Reference {
  std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "library/alpine", "org/app"
  std::string tag;         // "latest" when neither tag nor digest is given
  std::string digest;      // "sha256:..." or empty

  // Where the distribution API lives (Docker Hub's API host differs from its name).
  std::string apiHost() const;
  // The canonical form: docker.io/library/alpine:3.20@sha256:...
  std::string str() const;
  // Plain HTTP is allowed only for loopback registries (and an explicit flag, later).
  bool isLoopback() const;
};

// Docker Hub's other names (index.docker.io, registry-1.docker.io) are docker.io.
std::string canonicalRegistry(const std::string& host);
// localhost, 127.x.x.x or [::1], with or without a port.
bool isLoopbackHost(const std::string& hostPort);

// Parses `text`; nullopt with `error` set to a one-line reason when it is not a reference.
std::optional<Reference> parseReference(const std::string& text, std::string& error);

}  // namespace mal::registry
