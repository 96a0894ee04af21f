// The subcommands, as functions of their options and streams, so tests call them
// in-process exactly as main() does.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mal::cli {

// Exit codes (docs/ARCHITECTURE.md): nothing at or above the threshold; findings at or
// above it; an input that could not be analysed (after all the others were).
enum ExitCode { kExitClean = 0, kExitFindings = 1, kExitInputError = 2 };

// How registries are reached (scan, manifest, lint --resolve).
struct RegistryFlags {
  std::vector<std::string> insecure;  // hosts where plain HTTP or unverified TLS is allowed
  std::string caFile;                 // extra CA certificates for private registries
  long timeoutSeconds = 30;           // connect, and silence while reading
};

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;      // empty: stdout
  std::string platforms;   // comma-separated; empty: config or default
  std::string configPath;  // empty: discover
  bool noConfig = false;
  std::string failureThreshold;  // empty: config or "info"
  std::vector<std::string> ignore;
  std::string color = "auto";             // auto | always | never
  std::string contextDir;                 // empty: each Dockerfile's directory
  bool noContext = false;                 // judge copied files by name only
  bool asDiscovered = false;              // skip named files a directory walk would skip (the pre-commit hook)
  bool resolve = false;                   // look base images up in their registries (MA104, MA105)
  std::optional<long> resolveTtlSeconds;  // how long a looked-up tag stays fresh (default: config, else a day)
  bool probeDownloads = false;            // ask servers whether each platform's download exists (MA147)
  std::optional<long> probeTtlSeconds;    // how long a server's answer stays fresh (default: config, else a day)
  RegistryFlags registry;
};

struct Streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool outIsTerminal = false;
};

int runLint(const LintOptions& options, Streams streams);

struct RulesOptions {
  std::string rule;             // empty: list all
  std::string format = "text";  // text | markdown | json
};
int runRules(const RulesOptions& options, Streams streams);

struct ParseOptions {
  std::string path;
  std::string format = "json";  // json | buildkit
};
int runParse(const ParseOptions& options, Streams streams);

struct ScanOptions {
  std::vector<std::string> images;  // OCI layout directories or tars, docker-save tars
  std::string format = "text";
  std::string output;
  std::string platforms;  // only these platforms of the image
  std::string failureThreshold;
  std::vector<std::string> ignore;
  std::string color = "auto";
  std::string dockerfile;  // locate findings also on the instruction that made their layer
  bool noCache = false;    // do not read or write the per-layer cache
  std::string cacheMax;    // the cache's size bound ("512M", "2G", bytes); empty: the default
  unsigned jobs = 0;       // layers read at once; 0: one per core
  std::string configPath;  // empty: discover (as lint does)
  bool noConfig = false;
  RegistryFlags registry;
};
int runScan(const ScanOptions& options, Streams streams);

struct ManifestOptions {
  std::vector<std::string> images;
  std::string format = "text";
  std::string output;
  std::string platforms;  // required platforms; empty: linux/amd64,linux/arm64
  std::string failureThreshold;
  std::vector<std::string> ignore;
  std::string color = "auto";
  bool noCache = false;
  std::string cacheMax;
  std::string configPath;  // empty: discover (as lint does)
  bool noConfig = false;
  RegistryFlags registry;
};
int runManifest(const ManifestOptions& options, Streams streams);

struct CacheOptions {
  std::string cacheMax;  // prune to this size; empty: the default bound
};
// `cache prune`: the least recently used entries go until the cache fits its bound.
int runCachePrune(const CacheOptions& options, Streams streams);
// "512M", "2G", "1024" (bytes; K, M, G are powers of 1024); nullopt when not a size.
std::optional<uint64_t> parseByteSize(const std::string& text);
// After a scan or manifest run: keep the cache under `cacheMax` (or the default). False,
// with a message on err, when cacheMax is not a size.
bool boundCache(const std::string& cacheMax, std::ostream& err);

// Reads a whole file ("-" is stdin), bounded; nullopt with a one-line reason in `error`.
std::optional<std::string> readInput(const std::string& path, std::istream& stdinStream, std::string& error);

}  // namespace mal::cli
