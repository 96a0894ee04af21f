// `multiarch-lint manifest IMAGE...`: the platform table and the index checks, without
// reading a single layer.
#include <filesystem>
#include <ostream>

#include "analyzer/image/index_reader.h"
#include "analyzer/file_util.h"
#include "analyzer/text_util.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/image_input.h"
#include "cli/shared_options.h"
#include "rules/catalog.h"
#include "rules/scan_engine.h"

namespace mal::cli {

int runManifest(const ManifestOptions& options, Streams streams) {
  const auto format = report::parseFormat(options.format);
  if (!format) {
    streams.err << "multiarch-lint: unknown format '" << options.format << "' (one of " << report::formatNames() << ")\n";
    return kExitInputError;
  }
  // Settings: the configuration file (as lint reads it), then the command line.
  const auto config = loadSettings(options.configPath, options.noConfig, streams.err);
  if (!config) return kExitInputError;
  std::vector<Platform> targets = config->platforms.value_or(defaultTargetPlatforms());
  if (!options.platforms.empty()) {
    std::vector<std::string> errors;
    targets = parsePlatformList(options.platforms, errors);
    if (!errors.empty() || targets.empty()) {
      streams.err << "multiarch-lint: --platform: " << (errors.empty() ? "no platform given" : errors.front()) << '\n';
      return kExitInputError;
    }
  }
  if (!options.cacheMax.empty() && !parseByteSize(options.cacheMax)) {
    streams.err << "multiarch-lint: --cache-max: '" << options.cacheMax << "' is not a size (e.g. 512M, 2G)\n";
    return kExitInputError;
  }
  rules::ScanSettings settings;
  settings.ignored.insert(config->ignore.begin(), config->ignore.end());
  settings.severities = config->severities;
  if (!addIgnoredRules(options.ignore, settings.ignored, streams.err)) return kExitInputError;
  const auto threshold =
      thresholdOption(options.failureThreshold, config->failureThreshold.value_or(kDefaultThreshold), streams.err);
  if (!threshold) return kExitInputError;

  report::Report result;
  result.rules = rules::allRules();
  result.inputNoun = "image";
  result.command = "manifest";
  for (const auto& t : targets) result.targetPlatforms.push_back(t.str());
  ImageInputs inputs(options.registry, options.noCache ? "" : cacheRoot());
  for (const auto& input : options.images) {
    if (!std::filesystem::exists(input)) result.references.insert(input);
    image::IndexModel index;
    std::string openError;
    bool opened = false;
    try {
      if (auto store = inputs.open(input, openError)) {
        opened = true;
        index = image::readIndex(*store, input);
      }
    } catch (const std::exception& e) {
      // This image only: the others are still read and reported.
      result.inputs.push_back({input, {}, std::string("not read: ") + e.what()});
      continue;
    }
    if (!opened) {
      index.input = input;
      index.errors.push_back(openError);
    }
    report::InputResult entry{input, rules::indexFindings(index, targets, settings), std::nullopt};
    entry.digest = index.digest;
    for (const auto& e : index.entries) {
      std::string platform = e.descriptor.platform ? e.descriptor.platform->str() : e.descriptor.rawPlatform;
      if (platform.empty() && e.config && e.config->platform()) platform = e.config->platform()->str();
      result.indexRows.push_back({input, platform.empty() ? "-" : platform, e.descriptor.digest, e.descriptor.size,
                                  e.descriptor.mediaType, e.descriptor.isAttestation()});
    }
    if (!index.errors.empty()) entry.error = text::join(index.errors, "; ");
    result.inputs.push_back(std::move(entry));
  }
  result.registry = registryCounts(inputs.client());
  if (!options.noCache) boundCache(options.cacheMax, streams.err);
  return finishReport(*format, result, options.output, options.color, *threshold, streams);
}

}  // namespace mal::cli
