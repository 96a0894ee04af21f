// multiarch-lint: will this container build work on every CPU architecture it targets?
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "report/reporter.h"

namespace {

int run(int argc, char** argv) {
  using namespace mal::cli;
  std::ios::sync_with_stdio(false);
  // A reader that closes the pipe early (`| head -1`) must not kill us with SIGPIPE (exit
  // 141, which no caller can tell from a crash): the write fails with EPIPE instead, and
  // that is a lost report like a full disk -- exit 2 with one line (writeReport).
  std::signal(SIGPIPE, SIG_IGN);
  // The registry options scan, manifest and lint --resolve share.
  const auto addRegistryOptions = [](CLI::App* command, RegistryFlags& flags) {
    command->add_option("--insecure-registry", flags.insecure,
                        "A registry (host[:port]) reached over plain HTTP or unverified TLS (repeatable)");
    command->add_option("--registry-ca", flags.caFile,
                        "CA certificates (PEM) a private registry's TLS certificate is checked against");
    command
        ->add_option("--registry-timeout", flags.timeoutSeconds,
                     "Seconds to connect, and of silence while reading, before a registry request fails")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600));
  };

  // The report options lint, scan and manifest share (their option structs name them alike).
  const auto addReportOptions = [](CLI::App* command, auto& options) {
    command->add_option("-f,--format", options.format, "Output format: " + mal::report::formatNames())->capture_default_str();
    command->add_option("-o,--output", options.output, "Write the report to FILE instead of stdout");
    command->add_option("-t,--failure-threshold", options.failureThreshold,
                        "Exit 1 on findings at or above: error, warning (default), info or none");
    command->add_option("--ignore", options.ignore, "Rule ids or names to skip (repeatable, or comma-separated)");
    command->add_option("--color", options.color, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  };

  CLI::App app{"multiarch-lint: finds what breaks a container build on other CPU architectures"};
  app.set_version_flag("--version", std::string("multiarch-lint ") + MAL_VERSION);
  app.require_subcommand(1);

  LintOptions lint;
  auto* lintCmd = app.add_subcommand("lint", "Lint Dockerfiles (no PATH: Dockerfile or Containerfile here; - reads stdin)");
  lintCmd->add_option("paths", lint.paths, "Dockerfiles or directories to search");
  lintCmd->add_option("--platform", lint.platforms,
                      "Target platforms, e.g. linux/amd64,linux/arm64 (default: config, else those two)");
  // The configuration options lint, scan and manifest share.
  const auto addConfigOptions = [](CLI::App* command, auto& options) {
    command->add_option("-c,--config", options.configPath,
                        "Configuration file (default: ./.multiarch-lint.yaml, then $XDG_CONFIG_HOME/multiarch-lint/config.yaml)");
    command->add_flag("--no-config", options.noConfig, "Do not read any configuration file");
  };
  addConfigOptions(lintCmd, lint);
  lintCmd->add_option(
      "--context", lint.contextDir,
      "The build context: COPY/ADD sources are read and their ELF machine checked (default: the Dockerfile's directory)");
  lintCmd->add_flag(
      "--as-discovered", lint.asDiscovered,
      "Judge named files as a directory walk does: skip .dockerignore files and files whose content is not a Dockerfile");
  lintCmd->add_flag("--no-context", lint.noContext, "Do not read the build context (copied files are judged by name)");
  lintCmd->add_flag(
      "--resolve", lint.resolve,
      "Look each base image up in its registry: MA104 (a target platform missing) and MA105 (a digest of one platform)");
  lintCmd->add_flag(
      "--probe-downloads", lint.probeDownloads,
      "Ask each download's server whether the URL exists for every target platform: MA147 (a platform's asset missing)");
  lintCmd
      ->add_option("--probe-ttl", lint.probeTtlSeconds,
                   "Seconds a server's answer is trusted from the cache (0: always ask; default 86400)")
      ->check(CLI::Range(0L, 365L * 24 * 3600));
  lintCmd
      ->add_option("--resolve-ttl", lint.resolveTtlSeconds,
                   "Seconds a looked-up tag is trusted from the cache (0: always ask the registry; default 86400)")
      ->check(CLI::Range(0L, 365L * 24 * 3600));
  addRegistryOptions(lintCmd, lint.registry);
  addReportOptions(lintCmd, lint);

  ScanOptions scan;
  auto* scanCmd = app.add_subcommand(
      "scan", "Scan built images: OCI layout (directory or tar), docker-save archive, or a registry image reference");
  scanCmd->add_option("images", scan.images, "Images to scan")->required();
  scanCmd->add_option("--platform", scan.platforms, "Only these platforms of the image, e.g. linux/arm64");
  scanCmd->add_option(
      "--dockerfile", scan.dockerfile,
      "The Dockerfile the image was built from: findings are also located on the instruction that made their layer");
  scanCmd->add_flag("--no-cache", scan.noCache, "Do not use the per-layer cache ($XDG_CACHE_HOME/multiarch-lint)");
  scanCmd->add_option(
      "--cache-max", scan.cacheMax,
      "Bound on the cache's size after the scan, e.g. 512M, 2G (default 512M; least recently used entries go first)");
  scanCmd->add_option("--jobs", scan.jobs, "Layers read at once (default: one per core); peak memory stays within the same bound")
      ->check(CLI::Range(1u, 256u));
  addConfigOptions(scanCmd, scan);
  addRegistryOptions(scanCmd, scan.registry);
  addReportOptions(scanCmd, scan);

  ManifestOptions manifest;
  auto* manifestCmd = app.add_subcommand("manifest", "Check an image's index: platforms, configs, digests (no layer is read)");
  manifestCmd
      ->add_option("images", manifest.images,
                   "OCI layouts (directory or tar), docker-save archives, or registry image references")
      ->required();
  manifestCmd->add_option("--platform", manifest.platforms, "Required platforms (default linux/amd64,linux/arm64)");
  manifestCmd->add_flag("--no-cache", manifest.noCache, "Do not use the manifest cache ($XDG_CACHE_HOME/multiarch-lint)");
  manifestCmd->add_option("--cache-max", manifest.cacheMax,
                          "Bound on the cache's size after the run, e.g. 512M, 2G (default 512M)");
  addConfigOptions(manifestCmd, manifest);
  addRegistryOptions(manifestCmd, manifest.registry);
  addReportOptions(manifestCmd, manifest);

  RulesOptions rules;
  auto* rulesCmd = app.add_subcommand("rules", "List the rules, or explain one");
  rulesCmd->add_option("rule", rules.rule, "A rule id (MA110) or name (arch-specific-download)");
  rulesCmd->add_option("-f,--format", rules.format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));

  ParseOptions parse;
  auto* parseCmd = app.add_subcommand("parse", "Print a Dockerfile's syntax tree (json, or BuildKit's dump format)");
  parseCmd->add_option("path", parse.path, "The Dockerfile (- for stdin)")->required();
  parseCmd->add_option("-f,--format", parse.format, "json or buildkit")->capture_default_str();

  CacheOptions cache;
  auto* cacheCmd = app.add_subcommand("cache", "Manage the cache ($XDG_CACHE_HOME/multiarch-lint)");
  cacheCmd->require_subcommand(1);
  auto* pruneCmd = cacheCmd->add_subcommand("prune", "Remove the least recently used entries until the cache fits its bound");
  pruneCmd->add_option("--cache-max", cache.cacheMax, "The bound, e.g. 512M, 2G, 0 (default 512M)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitInputError;
  }
  Streams streams{std::cin, std::cout, std::cerr, isatty(STDOUT_FILENO) == 1};
  int code = kExitClean;
  // The commands turn an input's failure into its own error line; anything that still
  // escapes is the documented exit 2 with one line, never an abort.
  const auto guarded = [&](const char* command, auto run) {
    try {
      return run();
    } catch (const std::bad_alloc&) {
      std::cerr << "multiarch-lint: " << command << ": out of memory\n";
    } catch (const std::exception& e) {
      std::cerr << "multiarch-lint: " << command << ": " << e.what() << '\n';
    }
    return static_cast<int>(kExitInputError);
  };
  if (*lintCmd) code = guarded("lint", [&] { return runLint(lint, streams); });
  if (*rulesCmd) code = guarded("rules", [&] { return runRules(rules, streams); });
  if (*scanCmd) code = guarded("scan", [&] { return runScan(scan, streams); });
  if (*manifestCmd) code = guarded("manifest", [&] { return runManifest(manifest, streams); });
  if (*parseCmd) code = guarded("parse", [&] { return runParse(parse, streams); });
  if (*pruneCmd) code = guarded("cache prune", [&] { return runCachePrune(cache, streams); });
  std::cout.flush();
  if (!std::cout && code != kExitInputError) {
    std::cerr << "multiarch-lint: cannot write to standard output\n";
    return kExitInputError;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Building the command line can fail too (out of memory): that is the documented exit 2
  // with one line, never std::terminate.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fputs("multiarch-lint: ", stderr);
    std::fputs(e.what(), stderr);
    std::fputs("\n", stderr);
  } catch (...) {
    std::fputs("multiarch-lint: unexpected failure\n", stderr);
  }
  return mal::cli::kExitInputError;
}
