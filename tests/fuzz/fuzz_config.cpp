// libFuzzer target: the configuration loader (`.multiarch-lint.yaml` comes with the
// repository being linted, so from a pull request): yaml-cpp and our reading of its keys.
// Every failure must be a ConfigError with a message; anything else escaping is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = mal::cli::parseConfig(bytes, ".multiarch-lint.yaml");
    if (config.platforms) {
      for (const auto& platform : *config.platforms) (void)platform.str();
    }
  } catch (const mal::cli::ConfigError& e) {
    if (std::string(e.what()).empty()) __builtin_trap();  // an error must say what is wrong
  }
  return 0;
}
