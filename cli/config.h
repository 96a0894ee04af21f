// `.multiarch-lint.yaml`, discovered like hadolint's: --config FILE, else ./.multiarch-lint.yaml
// (or .yml), else $XDG_CONFIG_HOME/multiarch-lint/config.yaml (~/.config when unset).
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "rules/finding.h"

namespace mal::cli {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a failure threshold can be: a severity, or none (never fail on findings).
struct Threshold {
  std::optional<Severity> atLeast;  // nullopt = none
};
std::optional<Threshold> parseThreshold(const std::string& text);

struct Config {
  std::string path;  // where it was read from; empty when none
  std::optional<std::vector<Platform>> platforms;
  std::vector<std::string> ignore;             // rule ids or slugs
  std::map<std::string, Severity> severities;  // rule id or slug -> severity
  std::optional<Threshold> failureThreshold;
  bool requireReason = false;
  std::vector<std::string> extraArchOnlyPackages;
  // lint --resolve and the registry options, for CI repositories that always want them.
  bool resolve = false;
  std::optional<long> resolveTtlSeconds;
  // lint --probe-downloads, and how long a server's answer is trusted.
  bool probeDownloads = false;
  std::optional<long> probeTtlSeconds;
  std::vector<std::string> insecureRegistries;
  std::string registryCa;
};

std::optional<std::string> discoverConfig();
Config loadConfig(const std::string& path);  // throws ConfigError with a one-line message
// The same from the file's bytes (`path` only names it in messages): what loadConfig reads,
// and what the configuration fuzzer (tests/fuzz/fuzz_config.cpp) feeds. Any failure is a
// ConfigError.
Config parseConfig(const std::string& bytes, const std::string& path);

}  // namespace mal::cli
