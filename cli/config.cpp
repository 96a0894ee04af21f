#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "rules/catalog.h"

namespace fs = std::filesystem;

namespace mal::cli {

std::optional<Threshold> parseThreshold(const std::string& text) {
  if (text == "none") return Threshold{std::nullopt};
  if (const auto s = parseSeverity(text)) return Threshold{*s};
  return std::nullopt;
}

std::optional<std::string> discoverConfig() {
  for (const char* name : {".multiarch-lint.yaml", ".multiarch-lint.yml"}) {
    if (fs::is_regular_file(name)) return std::string(name);
  }
  std::string base;
  // A relative XDG_CONFIG_HOME is invalid and ignored (the XDG base directory spec).
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && xdg[0] == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && home[0] == '/') {
    base = std::string(home) + "/.config";
  }
  if (!base.empty()) {
    for (const char* name : {"/multiarch-lint/config.yaml", "/multiarch-lint/config.yml"}) {
      if (fs::is_regular_file(base + name)) return base + name;
    }
  }
  return std::nullopt;
}

namespace {

constexpr size_t kMaxConfigBytes = 1024 * 1024;  // a configuration is a few lines
constexpr size_t kMaxListItems = 10000;

std::string ruleIdOf(const std::string& path, const std::string& name) {
  const auto* rule = rules::findRule(name);
  if (!rule) throw ConfigError(path + ": unknown rule '" + name + "'");
  return std::string(rule->id);
}

// Where a node is, for a message: "FILE:LINE".
std::string at(const std::string& path, const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.is_null() ? path : path + ":" + std::to_string(mark.line + 1);
}

// The typed readers: a wrong type is an error naming the key, never yaml-cpp's
// "bad conversion".
std::string scalar(const YAML::Node& node, const std::string& path, const std::string& key) {
  if (!node.IsScalar()) throw ConfigError(at(path, node) + ": '" + key + "' must be a string");
  return node.Scalar();
}

bool boolean(const YAML::Node& node, const std::string& path, const std::string& key) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw ConfigError(at(path, node) + ": '" + key + "' must be true or false");
  }
  return value;
}

long integer(const YAML::Node& node, const std::string& path, const std::string& key) {
  long value = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, value)) {
    throw ConfigError(at(path, node) + ": '" + key + "' must be a whole number");
  }
  return value;
}

std::vector<std::string> stringList(const YAML::Node& node, const std::string& path, const char* key) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    // Aliases make a small file a huge tree (a "billion laughs"): only plain strings count.
    if (node.size() > kMaxListItems) throw ConfigError(at(path, node) + ": '" + key + "' has more than 10000 items");
    for (const auto& item : node) {
      if (!item.IsScalar()) throw ConfigError(at(path, item) + ": '" + key + "' must be a string or a list of strings");
      out.push_back(item.Scalar());
    }
  } else {
    throw ConfigError(at(path, node) + ": '" + key + "' must be a string or a list of strings");
  }
  return out;
}

}  // namespace

Config loadConfig(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw ConfigError(path + ": cannot read the configuration file: it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConfigError(path + ": cannot read the configuration file: " + std::strerror(errno));
  std::string bytes(kMaxConfigBytes + 1, '\0');
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(file.gcount()));
  if (bytes.size() > kMaxConfigBytes) throw ConfigError(path + ": larger than 1 MiB, not a configuration file");
  return parseConfig(bytes, path);
}

Config parseConfig(const std::string& bytes, const std::string& path) {
  Config config;
  config.path = path;
  YAML::Node root;
  try {
    root = YAML::Load(bytes);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw ConfigError(path + ": the configuration must be a mapping");
  try {
    for (const auto& entry : root) {
      const std::string key = scalar(entry.first, path, "a key");
      const YAML::Node& value = entry.second;
      if (key == "platforms") {
        std::vector<std::string> errors;
        std::vector<Platform> platforms;
        for (const auto& item : stringList(value, path, "platforms")) {
          for (const auto& p : parsePlatformList(item, errors)) platforms.push_back(p);
        }
        if (!errors.empty()) throw ConfigError(at(path, value) + ": platforms: " + errors.front());
        config.platforms = platforms;
      } else if (key == "ignore" || key == "ignored") {
        for (const auto& name : stringList(value, path, "ignore")) config.ignore.push_back(ruleIdOf(path, name));
      } else if (key == "severity") {
        if (!value.IsMap()) throw ConfigError(at(path, value) + ": 'severity' must map rule ids to error, warning or info");
        for (const auto& item : value) {
          const std::string rule = scalar(item.first, path, "severity");
          const auto level = parseSeverity(scalar(item.second, path, "severity: " + rule));
          if (!level) throw ConfigError(at(path, item.second) + ": severity of '" + rule + "' must be error, warning or info");
          config.severities[ruleIdOf(path, rule)] = *level;
        }
      } else if (key == "failure-threshold") {
        const auto threshold = parseThreshold(scalar(value, path, key));
        if (!threshold) throw ConfigError(at(path, value) + ": failure-threshold must be error, warning, info or none");
        config.failureThreshold = threshold;
      } else if (key == "extra-arch-only-packages") {
        config.extraArchOnlyPackages = stringList(value, path, "extra-arch-only-packages");
      } else if (key == "resolve") {
        config.resolve = boolean(value, path, key);
      } else if (key == "resolve-ttl") {
        const long seconds = integer(value, path, key);
        if (seconds < 0) throw ConfigError(at(path, value) + ": resolve-ttl must be a number of seconds, 0 or more");
        config.resolveTtlSeconds = seconds;
      } else if (key == "probe-downloads") {
        config.probeDownloads = boolean(value, path, key);
      } else if (key == "probe-ttl") {
        const long seconds = integer(value, path, key);
        if (seconds < 0) throw ConfigError(at(path, value) + ": probe-ttl must be a number of seconds, 0 or more");
        config.probeTtlSeconds = seconds;
      } else if (key == "insecure-registries") {
        config.insecureRegistries = stringList(value, path, "insecure-registries");
      } else if (key == "registry-ca") {
        config.registryCa = scalar(value, path, key);
      } else if (key == "require-reason") {
        config.requireReason = boolean(value, path, key);
      } else {
        throw ConfigError(at(path, entry.first) + ": unknown key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return config;
}

}  // namespace mal::cli
