#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analyzer/context/declared_platforms.h"
#include "analyzer/text_util.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/file_discovery.h"
#include "cli/image_input.h"
#include "analyzer/file_util.h"
#include "analyzer/registry/base_image.h"
#include "analyzer/registry/url_probe.h"
#include "cli/shared_options.h"
#include "report/reporter.h"
#include "rules/catalog.h"
#include "cli/lint_driver.h"

namespace mal::cli {

namespace {
constexpr size_t kMaxDockerfileBytes = 16 * 1024 * 1024;  // far above any real Dockerfile

bool severalArchitectures(const std::vector<Platform>& platforms) {
  return std::any_of(platforms.begin(), platforms.end(),
                     [&](const Platform& p) { return p.architecture != platforms.front().architecture; });
}
// The Dockerfile's directory from its repository root (context::repositoryRoot), '/'-joined;
// empty at the root or outside it.
std::string directoryFromRoot(const std::string& dockerfile) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path absolute = fs::absolute(dockerfile, ec);
  if (ec) return {};
  const fs::path file = fs::weakly_canonical(absolute, ec);
  if (ec) return {};
  const fs::path root = fs::weakly_canonical(context::repositoryRoot(file), ec);
  if (ec) return {};
  const fs::path relative = file.parent_path().lexically_relative(root);
  std::string text = relative.generic_string();
  if (relative.empty() || text == "." || text::startsWith(text, "..")) return {};
  return text;
}

}  // namespace

std::optional<std::string> readInput(const std::string& path, std::istream& stdinStream, std::string& error) {
  std::istream* in = &stdinStream;
  std::ifstream file;
  if (path != "-") {
    // Only a regular file: a FIFO would block for ever, a device never ends.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec) {
      error = ec.message();
      return std::nullopt;
    }
    if (std::filesystem::is_directory(status)) {
      error = "is a directory";
      return std::nullopt;
    }
    if (!std::filesystem::is_regular_file(status)) {
      error = "not a regular file";
      return std::nullopt;
    }
    file.open(path, std::ios::binary);
    if (!file) {
      error = std::strerror(errno);
      return std::nullopt;
    }
    in = &file;
  }
  std::string bytes;
  char buffer[65536];
  while (in->read(buffer, sizeof buffer) || in->gcount() > 0) {
    bytes.append(buffer, static_cast<size_t>(in->gcount()));
    if (bytes.size() > kMaxDockerfileBytes) {
      error = "larger than " + std::to_string(kMaxDockerfileBytes / (1024 * 1024)) + " MiB, not a Dockerfile";
      return std::nullopt;
    }
  }
  if (in->bad()) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  return bytes;
}

int runLint(const LintOptions& options, Streams streams) {
  // Settings: defaults, then the configuration file, then the command line.
  const auto loaded = loadSettings(options.configPath, options.noConfig, streams.err);
  if (!loaded) return kExitInputError;
  const Config& config = *loaded;
  rules::LintSettings settings;
  if (config.platforms) settings.platforms = *config.platforms;
  if (!options.platforms.empty()) {
    std::vector<std::string> errors;
    settings.platforms = parsePlatformList(options.platforms, errors);
    if (!errors.empty() || settings.platforms.empty()) {
      streams.err << "multiarch-lint: --platform: " << (errors.empty() ? "no platform given" : errors.front()) << '\n';
      return kExitInputError;
    }
  }
  for (const auto& id : config.ignore) settings.ignored.insert(id);
  if (!addIgnoredRules(options.ignore, settings.ignored, streams.err)) return kExitInputError;
  settings.severities = config.severities;
  settings.requirePragmaReason = config.requireReason;
  settings.ruleOptions.extraArchOnlyPackages = config.extraArchOnlyPackages;
  const auto threshold =
      thresholdOption(options.failureThreshold, config.failureThreshold.value_or(kDefaultThreshold), streams.err);
  if (!threshold) return kExitInputError;
  const auto format = report::parseFormat(options.format);
  if (!format) {
    streams.err << "multiarch-lint: unknown format '" << options.format << "' (one of " << report::formatNames() << ")\n";
    return kExitInputError;
  }

  if (!options.contextDir.empty() && !std::filesystem::is_directory(options.contextDir)) {
    streams.err << "multiarch-lint: --context: '" << options.contextDir << "' is not a directory\n";
    return kExitInputError;
  }

  // --resolve: base images are looked up once per run (and cached for --resolve-ttl).
  std::optional<registry::RegistryClient> client;
  std::optional<registry::BaseImageResolver> resolver;
  std::vector<std::string> lookupErrors;  // of the Dockerfile being linted
  BaseImageLookup lookup = [&](const std::string& image) {
    std::string error;
    auto facts = resolver->resolve(image, error);
    if (!facts) lookupErrors.push_back("cannot resolve base image '" + image + "': " + error);
    return facts;
  };
  // The command line adds to (insecure registries) or wins over (the rest) the configuration.
  const bool resolve = options.resolve || config.resolve;
  if (resolve) {
    RegistryFlags registry = options.registry;
    registry.insecure.insert(registry.insecure.end(), config.insecureRegistries.begin(), config.insecureRegistries.end());
    if (registry.caFile.empty()) registry.caFile = config.registryCa;
    client.emplace(clientOptions(registry));
    resolver.emplace(*client, cacheRoot(), options.resolveTtlSeconds.value_or(config.resolveTtlSeconds.value_or(24 * 3600)));
  }

  // Which platforms each file is checked for: --platform, else the configuration, else what
  // the project declares for that file (bake, compose, workflows, Makefile, its name, its
  // base images), else the default.
  const bool platformsGiven = !options.platforms.empty() || config.platforms.has_value();
  const std::string givenSource = !options.platforms.empty() ? "--platform"
                                  : config.platforms         ? "the configuration"
                                                             : "the default";
  const std::vector<Platform> givenPlatforms = settings.platforms;
  context::DeclarationCache declarationFiles;  // each bake, compose, workflow file read once per run
  // --probe-downloads: each URL is asked once per run (and cached for --probe-ttl).
  const bool probe = options.probeDownloads || config.probeDownloads;
  std::optional<registry::UrlProber> prober;
  if (probe) {
    registry::UrlProbeOptions probeOptions;
    probeOptions.cacheRoot = cacheRoot();
    probeOptions.ttlSeconds = options.probeTtlSeconds.value_or(config.probeTtlSeconds.value_or(24 * 3600));
    prober.emplace(std::move(probeOptions));
  }
  const DownloadProbe probeDownloads = [&](const std::vector<std::string>& urls) { return prober->probe(urls); };

  // Analyse every input; one that cannot be read does not stop the others.
  report::Report result;
  result.rules = rules::allRules();
  for (const auto& p : settings.platforms) result.targetPlatforms.push_back(p.str());
  const Discovery discovery = discoverDockerfiles(options.paths, options.asDiscovered);
  for (const auto& missing : discovery.missing) {
    result.inputs.push_back({missing, {}, std::string("no Dockerfile found")});
  }
  for (const auto& path : discovery.files) {
    std::string error;
    auto bytes = readInput(path, streams.in, error);
    if (!bytes) {
      result.inputs.push_back({path, {}, "cannot read: " + error});
      continue;
    }
    report::InputResult::Targets targets{{}, givenSource, false};
    LintedFile linted;
    lookupErrors.clear();
    // One file that cannot be analysed (its declarations, its context, its lint) does not
    // stop the others.
    try {
      settings.platforms = givenPlatforms;
      settings.ruleOptions.multiPlatformBuildDeclaredBy =
          platformsGiven && severalArchitectures(givenPlatforms) ? givenSource : "";
      settings.ruleOptions.targetIsBuildMachine = false;
      settings.ruleOptions.shipsNoImage = false;
      settings.platformsByTargetStage.clear();
      if (!platformsGiven && path != "-") {
        if (auto declared = context::findDeclaredPlatforms(path, *bytes, declarationFiles);
            declared && declared->forBuildMachine) {
          // Built for whichever machine runs the build: the default targets, each built on itself.
          targets.source = givenSource + "; " + declared->source;
          targets.declared = true;
          settings.ruleOptions.targetIsBuildMachine = true;
        } else if (declared && declared->platforms.empty()) {
          // Built only for checks that name no platform: the default targets, no image.
          targets.source = givenSource + "; " + declared->source;
          targets.declared = true;
          settings.ruleOptions.shipsNoImage = declared->shipsNoImage;
        } else if (declared) {
          settings.platforms = declared->platforms;
          settings.platformsByTargetStage = declared->platformsByTargetStage;
          targets.source = declared->source;
          targets.declared = true;
          if (declared->oneBuildForSeveral) settings.ruleOptions.multiPlatformBuildDeclaredBy = declared->source;
          settings.ruleOptions.targetIsBuildMachine = declared->onlyMachineDefaults && declared->platforms.size() == 1;
          settings.ruleOptions.shipsNoImage = declared->shipsNoImage;
        }
      }
      settings.ruleOptions.perPlatformContexts = path != "-" && context::buildsWithGoreleaserDockers(path, declarationFiles);
      settings.ruleOptions.dockerfileDirectoryFromRoot = path == "-" ? "" : directoryFromRoot(path);
      settings.buildArgsPassed.clear();
      if (path != "-") settings.buildArgsPassed = context::buildArgsPassed(path, declarationFiles);
      for (const auto& platform : settings.platforms) targets.platforms.push_back(platform.str());
      const SourceText source(path, std::move(*bytes));
      // The build context: --context, else the Dockerfile's directory (none for stdin).
      std::optional<ContextSource> context;
      if (!options.noContext && (!options.contextDir.empty() || path != "-")) {
        const std::string dir =
            !options.contextDir.empty() ? options.contextDir : std::filesystem::path(path).parent_path().string();
        context = ContextSource{dir.empty() ? "." : dir, path == "-" ? "" : path};
      }
      linted = lintDockerfile(source, settings, context ? &*context : nullptr, resolve ? &lookup : nullptr,
                              probe ? &probeDownloads : nullptr);
    } catch (const std::exception& e) {
      result.inputs.push_back({path, {}, std::string("not analysed: ") + e.what()});
      continue;
    }
    // What the build context reader could not examine is said, never reported clean.
    lookupErrors.insert(lookupErrors.end(), linted.notExamined.begin(), linted.notExamined.end());
    // A base image that could not be looked up was not checked: the file is not reported clean.
    result.inputs.push_back(
        {path, std::move(linted.findings), lookupErrors.empty() ? std::nullopt : std::optional(text::join(lookupErrors, "; "))});
    result.inputs.back().targets = std::move(targets);
  }

  if (client) result.registry = registryCounts(*client);
  return finishReport(*format, result, options.output, options.color, *threshold, streams);
}

}  // namespace mal::cli
