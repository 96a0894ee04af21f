// The architecture vocabularies (RULES.md): tokens in URLs and file names, the commands
// that probe the architecture at build time, and BuildKit's automatic platform ARGs.
// Loaded once from data/arch-vocabulary.json, which is embedded in the binary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "analyzer/platform.h"

namespace mal::vocab {

struct ArchToken {
  size_t begin = 0;  // byte range in the searched text
  size_t end = 0;
  std::string token;  // as written
  Platform platform;  // what it names
};

// Every architecture token in `text` standing between non-alphanumeric boundaries (or
// beginning a camel-case word: `linuxX86_64`).
std::vector<ArchToken> findArchTokens(std::string_view input);

// True when a command (its words without quotes) prints the build's architecture:
// `dpkg --print-architecture`, `uname -m`, `apk --print-arch`, `xx-info`, ...
bool isArchProbe(const std::vector<std::string>& words);

// TARGETARCH, TARGETPLATFORM, BUILDARCH, ... : the automatic platform ARGs that carry the
// architecture into a build.
bool isPlatformArchVariable(std::string_view name);
// All automatic platform ARGs (including TARGETOS and BUILDOS).
bool isAutomaticPlatformArg(std::string_view name);

// A URL whose plain (un-suffixed) asset name is an x86-only build, e.g. tini's `tini`.
bool isX86OnlyAsset(std::string_view url);

int dataVersion();

// Docker Hub's single-architecture namespaces of the official images (`arm64v8/ubuntu`),
// and their former names, still found in old Dockerfiles: `armhf/` (now arm32v7),
// `aarch64/` (now arm64v8), `armel/` (now arm32v5). Matched whole and lowercase.
std::optional<Platform> dockerHubArchNamespace(std::string_view word);

// Accelerator hardware whose software exists for one CPU architecture (ROCm, AWS Neuron,
// Intel's GPU stack: x86-64; Jetson, L4T: arm64), by its lowercase word; from
// data/one-architecture-images.json "hardware", each entry with its source.
const std::vector<std::pair<std::string, Platform>>& oneArchitectureHardware();
std::optional<Platform> oneArchitectureHardwareNamed(std::string_view word);
// Is `word` (lowercase, from oneArchitectureHardware) marked `imageName`: read in an image's
// name too? `neuron` is not: in `metacell/jupyter-neuron` it is the NEURON simulator.
bool hardwareWordNamesImages(std::string_view word);

// Does a `case` pattern on an architecture probe or platform variable (`aarch64`, `arm64|aarch64`
// split into single patterns, `*-amd64`, `linux/arm*`) match what the probes say on `platform`
// (dpkg, uname, apk, GOARCH names and the platform string)?
bool switchPatternCovers(const std::string& pattern, const Platform& platform);

// The one platform a `case` pattern or an assigned word is, when the whole of it (quotes
// aside) is one architecture word (`armv7l`, `x86_64`, `arm64`) or a platform (`linux/arm/v7`);
// globs, alternatives and words with more in them name none.
std::optional<Platform> wholeWordPlatform(std::string_view written);

}  // namespace mal::vocab
