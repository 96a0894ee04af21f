#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

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
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
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

std::string ruleIdOf(const std::string& path, const std::string& name) {
  const auto* rule = rules::findRule(name);
  if (!rule) throw ConfigError(path + ": unknown rule '" + name + "'");
  return std::string(rule->id);
}

std::vector<std::string> stringList(const YAML::Node& node, const std::string& path, const char* key) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.as<std::string>());
  } else if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(item.as<std::string>());
  } else {
    throw ConfigError(path + ": '" + key + "' must be a string or a list of strings");
  }
  return out;
}

}  // namespace

Config loadConfig(const std::string& path) {
  Config config;
  config.path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot read the configuration file");
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw ConfigError(path + ": the configuration must be a mapping");
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (key == "platforms") {
        std::vector<std::string> errors;
        std::vector<Platform> platforms;
        for (const auto& item : stringList(value, path, "platforms")) {
          for (const auto& p : parsePlatformList(item, errors)) platforms.push_back(p);
        }
        if (!errors.empty()) throw ConfigError(path + ": " + errors.front());
        config.platforms = platforms;
      } else if (key == "ignore" || key == "ignored") {
        for (const auto& name : stringList(value, path, "ignore")) config.ignore.push_back(ruleIdOf(path, name));
      } else if (key == "severity") {
        if (!value.IsMap()) throw ConfigError(path + ": 'severity' must map rule ids to error, warning or info");
        for (const auto& item : value) {
          const auto level = parseSeverity(item.second.as<std::string>());
          if (!level) throw ConfigError(path + ": severity of '" + item.first.as<std::string>() + "' must be error, warning or info");
          config.severities[ruleIdOf(path, item.first.as<std::string>())] = *level;
        }
      } else if (key == "failure-threshold") {
        const auto threshold = parseThreshold(value.as<std::string>());
        if (!threshold) throw ConfigError(path + ": failure-threshold must be error, warning, info or none");
        config.failureThreshold = threshold;
      } else if (key == "extra-arch-only-packages") {
        config.extraArchOnlyPackages = stringList(value, path, "extra-arch-only-packages");
      } else if (key == "resolve") {
        config.resolve = value.as<bool>();
      } else if (key == "resolve-ttl") {
        const long seconds = value.as<long>();
        if (seconds < 0) throw ConfigError(path + ": resolve-ttl must be a number of seconds, 0 or more");
        config.resolveTtlSeconds = seconds;
      } else if (key == "probe-downloads") {
        config.probeDownloads = value.as<bool>();
      } else if (key == "probe-ttl") {
        const long seconds = value.as<long>();
        if (seconds < 0) throw ConfigError(path + ": probe-ttl must be a number of seconds, 0 or more");
        config.probeTtlSeconds = seconds;
      } else if (key == "insecure-registries") {
        config.insecureRegistries = stringList(value, path, "insecure-registries");
      } else if (key == "registry-ca") {
        config.registryCa = value.as<std::string>();
      } else if (key == "require-reason") {
        config.requireReason = value.as<bool>();
      } else {
        throw ConfigError(path + ": unknown key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return config;
}

}  // namespace mal::cli
