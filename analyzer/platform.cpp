#include "analyzer/platform.h"

#include "analyzer/text_util.h"

namespace mal {

std::string Platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

std::optional<Platform> parsePlatform(const std::string& text) {
  const auto parts = text::split(text::lower(text::trim(text)), '/');
  if (parts.empty() || parts.size() > 3) return std::nullopt;
  Platform p;
  size_t archIndex = 0;
  if (parts.size() >= 2 || parts[0] == "linux" || parts[0] == "windows") {
    p.os = parts[0];
    archIndex = 1;
  }
  if (archIndex >= parts.size()) return std::nullopt;
  std::string arch = parts[archIndex];
  std::string variant = archIndex + 1 < parts.size() ? parts[archIndex + 1] : "";
  if (arch == "x86_64" || arch == "x86-64") arch = "amd64";
  if (arch == "aarch64") arch = "arm64";
  if (arch == "armhf") arch = "arm", variant = "v7";
  if (arch == "armel") arch = "arm", variant = "v6";
  if (arch == "i386" || arch == "i686") arch = "386";
  if (arch == "ppc64el") arch = "ppc64le";
  static const char* kKnown[] = {"amd64",    "arm64",   "arm",   "386",  "ppc64le", "s390x",  "riscv64",
                                 "mips64le", "loong64", "ppc64", "mips", "mipsle",  "mips64", "wasm"};
  bool known = false;
  for (const char* k : kKnown) known = known || arch == k;
  if (!known || p.os.empty()) return std::nullopt;
  if (arch == "arm64" && variant == "v8") variant.clear();
  if (arch == "arm" && variant.empty()) variant = "v7";
  if (arch == "arm" && variant == "7") variant = "v7";
  p.architecture = arch;
  p.variant = variant;
  return p;
}

bool isImageArchitecture(const std::string& architecture) {
  static const char* kImageArchitectures[] = {"amd64", "arm64",   "arm",      "386",    "ppc64le",
                                              "s390x", "riscv64", "mips64le", "loong64"};
  for (const char* a : kImageArchitectures) {
    if (architecture == a) return true;
  }
  return false;
}

std::vector<Platform> parsePlatformList(const std::string& textList, std::vector<std::string>& errors) {
  std::vector<Platform> out;
  for (const auto& item : text::split(textList, ',')) {
    if (text::trim(item).empty()) continue;
    if (auto p = parsePlatform(item)) {
      out.push_back(*p);
    } else {
      errors.push_back("unknown platform '" + text::trim(item) + "'");
    }
  }
  return out;
}

std::vector<Platform> defaultTargetPlatforms() { return {Platform{"linux", "amd64", ""}, Platform{"linux", "arm64", ""}}; }

std::string platformList(const std::vector<Platform>& platforms) {
  std::string out;
  for (const auto& p : platforms) out += (out.empty() ? "" : ", ") + p.str();
  return out;
}

bool platformMatches(const Platform& entry, const Platform& wanted) {
  if (entry.os != wanted.os || entry.architecture != wanted.architecture) return false;
  return wanted.variant.empty() || entry.variant == wanted.variant;
}

}  // namespace mal
