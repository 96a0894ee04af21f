// `multiarch-lint scan IMAGE...`: every platform's filesystem, every ELF, and can it start.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>

#include "analyzer/image/image_reader.h"
#include "analyzer/file_util.h"
#include "analyzer/text_util.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/image_input.h"
#include "cli/shared_options.h"
#include "report/reporter.h"
#include "rules/catalog.h"
#include "rules/layer_mapping.h"
#include "rules/scan_engine.h"

namespace mal::cli {

int runScan(const ScanOptions& options, Streams streams) {
  const auto format = report::parseFormat(options.format);
  if (!format) {
    streams.err << "multiarch-lint: unknown format '" << options.format << "' (one of " << report::formatNames() << ")\n";
    return kExitInputError;
  }
  if (!options.cacheMax.empty() && !parseByteSize(options.cacheMax)) {
    streams.err << "multiarch-lint: --cache-max: '" << options.cacheMax << "' is not a size (e.g. 512M, 2G)\n";
    return kExitInputError;
  }
  image::ScanOptions scan;
  if (!options.noCache) scan.cacheDirectory = cacheRoot();
  scan.threads = options.jobs;
  // A progress line on stderr, only for a person watching a terminal.
  const bool progressLine = isatty(STDERR_FILENO) == 1;
  std::string current;
  if (progressLine) {
    scan.progress = [&](size_t done, size_t total) {
      std::cerr << "\r\033[Kscanning " << current << ": " << done << "/" << total << " layers" << std::flush;
      if (done == total) std::cerr << "\r\033[K" << std::flush;
    };
  }
  // Settings: the configuration file (as lint reads it), then the command line.
  const auto config = loadSettings(options.configPath, options.noConfig, streams.err);
  if (!config) return kExitInputError;
  if (config->platforms) scan.platforms = *config->platforms;  // the targets: those platforms of the image
  if (!options.platforms.empty()) {
    std::vector<std::string> errors;
    scan.platforms = parsePlatformList(options.platforms, errors);
    if (!errors.empty()) {
      streams.err << "multiarch-lint: --platform: " << errors.front() << '\n';
      return kExitInputError;
    }
  }
  rules::ScanSettings settings;
  settings.ignored.insert(config->ignore.begin(), config->ignore.end());
  settings.severities = config->severities;
  if (!addIgnoredRules(options.ignore, settings.ignored, streams.err)) return kExitInputError;
  const auto threshold =
      thresholdOption(options.failureThreshold, config->failureThreshold.value_or(kDefaultThreshold), streams.err);
  if (!threshold) return kExitInputError;

  // --dockerfile: parse it once; each platform's layers are mapped through its history.
  std::optional<rules::DockerfileOrigin> origin;
  if (!options.dockerfile.empty()) {
    std::string error;
    auto bytes = readInput(options.dockerfile, streams.in, error);
    if (!bytes) {
      streams.err << "multiarch-lint: --dockerfile " << options.dockerfile << ": cannot read: " << error << '\n';
      return kExitInputError;
    }
    origin.emplace(SourceText(options.dockerfile, std::move(*bytes)));
    if (origin->error()) {
      streams.err << "multiarch-lint: --dockerfile " << options.dockerfile << ": " << *origin->error() << '\n';
      return kExitInputError;
    }
  }
  report::Report result;
  result.rules = rules::allRules();
  result.inputNoun = "image";
  result.command = "scan";
  ImageInputs inputs(options.registry, options.noCache ? "" : cacheRoot());
  for (const auto& input : options.images) {
    current = input;
    if (!std::filesystem::exists(input)) result.references.insert(input);
    image::ScannedImage scanned;
    std::string openError;
    bool opened = false;
    try {
      if (auto store = inputs.open(input, openError)) {
        opened = true;
        scanned = image::scanImage(*store, input, scan);
      }
    } catch (const std::exception& e) {
      // This image only: the others are still scanned and reported.
      result.inputs.push_back({input, {}, std::string("not scanned: ") + e.what()});
      continue;
    }
    if (!opened) {
      scanned.input = input;
      scanned.errors.push_back(openError);
    }
    report::InputResult entry{input,
                              rules::scanFindings(scanned, settings),
                              std::nullopt,
                              scanned.attestations,
                              scanned.counters.layersRead,
                              scanned.counters.layersFromCache};
    if (origin) origin->locate(entry.findings, scanned);
    std::vector<std::string> problems = scanned.errors;
    for (const auto& platform : scanned.platforms) {
      report::PlatformSummary summary{input, platform.platform.str(), platform.manifestDigest, platform.layers.size()};
      summary.error = platform.error;
      for (const auto& layer : platform.layers) summary.layerDigests.push_back(layer.expectedDigest);
      if (!platform.error.empty()) problems.push_back(platform.platform.str() + ": " + platform.error);
      summary.files = platform.inventory.fileCount();
      for (const auto& [path, item] : platform.inventory.entries()) {
        if (item.entry.elf) ++summary.elfByMachine[item.entry.elf->describe()];
        else if (item.entry.isElf) ++summary.elfByMachine["not examined"];  // MA209 names each
      }
      result.platforms.push_back(std::move(summary));
    }
    if (scanned.platforms.empty() && problems.empty()) problems.push_back("no platform to scan");
    if (!problems.empty()) entry.error = text::join(problems, "; ");
    result.inputs.push_back(std::move(entry));
  }
  result.registry = registryCounts(inputs.client());
  if (!options.noCache) boundCache(options.cacheMax, streams.err);
  return finishReport(*format, result, options.output, options.color, *threshold, streams);
}

}  // namespace mal::cli
