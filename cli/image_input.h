// What `scan` and `manifest` read: a local OCI layout or docker-save archive when the
// input names an existing path, otherwise an image reference pulled from its registry.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "analyzer/image/image_reader.h"
#include "analyzer/registry/client.h"
#include "cli/commands.h"

namespace mal::cli {

registry::ClientOptions clientOptions(const RegistryFlags& flags);
// The client's counters for the report; empty when it sent no request.
std::map<std::string, size_t> registryCounts(const registry::RegistryClient& client);

class ImageInputs {
 public:
  // cacheRoot: the document cache for registry images; empty: none.
  ImageInputs(const RegistryFlags& flags, std::string cacheRoot);
  // The store for `input`; nullptr with a one-line `error` when it cannot be opened.
  std::unique_ptr<image::BlobStore> open(const std::string& input, std::string& error);
  const registry::RegistryClient& client() const { return client_; }

 private:
  registry::RegistryClient client_;
  std::string cacheRoot_;
};

}  // namespace mal::cli
