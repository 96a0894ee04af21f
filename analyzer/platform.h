// OCI platforms ("linux/arm/v7") and their normalisation as containerd does it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mal {

struct Platform {
  std::string os = "linux";
  std::string architecture;  // GOARCH: amd64, arm64, arm, 386, ppc64le, s390x, riscv64
  std::string variant;       // v7 for arm/v7; empty for arm64 (v8 is the default)

  std::string str() const;  // "linux/arm/v7"
  bool operator==(const Platform&) const = default;
};

// Parses and normalises "linux/aarch64", "arm64/v8", "linux/armhf"...; nullopt when the
// text is not a platform.
std::optional<Platform> parsePlatform(const std::string& text);
// A comma-separated list; unknown entries are reported in `errors`.
std::vector<Platform> parsePlatformList(const std::string& text, std::vector<std::string>& errors);
std::vector<Platform> defaultTargetPlatforms();
// An architecture container images are published for: the Docker Official Images' set
// (amd64, arm64, arm, 386, ppc64le, s390x, riscv64, mips64le) and loong64. Not 32-bit MIPS,
// big-endian ppc64 or mips64, nor wasm: code built for those runs on a device or in an
// emulator, never as an image's own platform.
bool isImageArchitecture(const std::string& architecture);
std::string platformList(const std::vector<Platform>& platforms);  // "linux/arm64, linux/arm/v7"
// Platform matching as containerd does it for a pull: same os and architecture, and the
// variant when the wanted one names it (arm64's v8 is the default and may be dropped).
bool platformMatches(const Platform& entry, const Platform& wanted);  // linux/amd64, linux/arm64

}  // namespace mal
