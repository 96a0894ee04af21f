// What a registry says about a Dockerfile's base image, for `lint --resolve`: is the
// reference an index (and of which platforms) or one platform's manifest. Looked up
// before the rules run (rules do no I/O), and kept in a small cache with a TTL so a
// pre-commit hook can stay offline and CI can ask once a day.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "analyzer/registry/client.h"

namespace mal::registry {

struct BaseImageFacts {
  std::string reference;            // canonical: docker.io/library/alpine:3.20
  bool isIndex = false;             // an index (manifest list) rather than one platform's manifest
  std::vector<Platform> platforms;  // the index's platforms (attestations left out), or the manifest's own
};

class BaseImageResolver {
 public:
  // cacheRoot: where answers are kept (resolve/...); empty: no cache. ttlSeconds: how long
  // an answer for a tag is trusted (a digest's answer never changes).
  BaseImageResolver(RegistryClient& client, std::string cacheRoot, long ttlSeconds);
  // nullopt with a one-line `error` when the image cannot be looked up. Each image is
  // asked once per run, however many Dockerfiles name it (a failure too).
  std::optional<BaseImageFacts> resolve(const std::string& image, std::string& error);

 private:
  std::optional<BaseImageFacts> lookUp(const std::string& image, std::string& error);
  std::optional<BaseImageFacts> cached(const Reference& ref) const;
  void keep(const Reference& ref, const BaseImageFacts& facts) const;
  std::string cachePath(const Reference& ref) const;

  RegistryClient& client_;
  std::string cacheRoot_;
  long ttlSeconds_;
  std::map<std::string, std::pair<std::optional<BaseImageFacts>, std::string>> answers_;  // this run's, by image
};

}  // namespace mal::registry
