#include "cli/image_input.h"

#include <filesystem>

#include "analyzer/registry/registry_store.h"

namespace mal::cli {

registry::ClientOptions clientOptions(const RegistryFlags& flags) {
  registry::ClientOptions options;
  options.insecureRegistries.insert(flags.insecure.begin(), flags.insecure.end());
  options.caFile = flags.caFile;
  options.timeouts.connectSeconds = std::max(1L, flags.timeoutSeconds);
  options.timeouts.readSeconds = std::max(1L, flags.timeoutSeconds);
  return options;
}

std::map<std::string, size_t> registryCounts(const registry::RegistryClient& client) {
  const auto& c = client.counters();
  if (c.requests == 0) return {};
  return {{"requests", c.requests}, {"manifests", c.manifests}, {"blobs", c.blobs},
          {"layers", c.layers},     {"retries", c.retries},     {"tokens", c.tokens}};
}

ImageInputs::ImageInputs(const RegistryFlags& flags, std::string cacheRoot)
    : client_(clientOptions(flags)), cacheRoot_(std::move(cacheRoot)) {}

std::unique_ptr<image::BlobStore> ImageInputs::open(const std::string& input, std::string& error) {
  std::error_code ec;
  // What is spelled like a path is a path, even when it does not exist: a mistyped
  // directory must say "no such file", not send its name to Docker Hub.
  const bool pathLike = input.rfind('/', 0) == 0 || input.rfind("./", 0) == 0 || input.rfind("../", 0) == 0 || input == "." ||
                        input.ends_with(".tar");
  if (pathLike || std::filesystem::exists(input, ec)) {
    try {
      return image::openBlobStore(input);
    } catch (const image::StreamError& e) {
      error = e.what();
      return nullptr;
    }
  }
  // skopeo's and crane's spelling of a registry image is accepted too.
  const std::string text = input.rfind("docker://", 0) == 0 ? input.substr(9) : input;
  std::string referenceError;
  const auto ref = registry::parseReference(text, referenceError);
  if (!ref) {
    error = "not a file, a directory or an image reference (" + referenceError + ")";
    return nullptr;
  }
  return std::make_unique<registry::RegistryStore>(client_, *ref, cacheRoot_);
}

}  // namespace mal::cli
