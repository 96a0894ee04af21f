// libFuzzer target: what a registry (or a hostile server posing as one) sends that is
// parsed before any digest can vouch for it: WWW-Authenticate challenges, Retry-After,
// image references, and the index / manifest / config documents.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/image/oci.h"
#include "analyzer/registry/client.h"
#include "analyzer/registry/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)mal::registry::parseChallenge(text);
  (void)mal::registry::parseRetryAfter(text);
  std::string error;
  if (const auto ref = mal::registry::parseReference(text, error)) (void)ref->str();
  (void)mal::image::parseIndex(text, error);
  (void)mal::image::parseManifest(text, error);
  (void)mal::image::parseConfig(text, error);
  (void)mal::image::declaredMediaType(text);
  return 0;
}
