// Reporters only format: they receive every input's findings (or the reason it could
// not be analysed) and write one document. No reporter decides anything.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "rules/finding.h"
#include "rules/rule.h"

namespace mal::report {

struct InputResult {
  std::string path;  // as given on the command line ("-" for stdin)
  std::vector<Finding> findings;
  std::optional<std::string> error;  // set when the input could not be analysed
  size_t attestations = 0;           // scan: attestation manifests skipped
  size_t layersRead = 0;             // scan: layers decompressed and walked
  size_t layersFromCache = 0;        // scan: layers taken from the cache
  std::string digest;                // manifest: the digest of the index (or lone manifest), when it has one
  // lint: the platforms the file was checked for, and where they came from: "--platform",
  // "the configuration", "the default", or a declaration ("docker-bake.hcl target \"app\"").
  struct Targets {
    std::vector<std::string> platforms;
    std::string source;
    bool declared = false;  // read from the project's files (the text report names them)
  };
  std::optional<Targets> targets;
};

// Per scanned platform: what was read (the text reporter's summary, the JSON `images`).
struct PlatformSummary {
  std::string input;
  std::string platform;
  std::string manifestDigest;
  size_t layers = 0;
  size_t files = 0;
  std::map<std::string, size_t> elfByMachine;  // "AArch64" -> 412
  std::vector<std::string> layerDigests;       // in manifest order
  std::string error;
};

// One row of `manifest`'s platform table (what `buildx imagetools inspect` shows).
struct IndexRow {
  std::string input;
  std::string platform;
  std::string digest;
  int64_t size = 0;
  std::string mediaType;
  bool attestation = false;
};

struct Report {
  std::vector<IndexRow> indexRows;  // manifest only
  std::vector<InputResult> inputs;
  std::vector<PlatformSummary> platforms;     // scan only
  std::vector<const rules::RuleInfo*> rules;  // the catalogue, for rule metadata
  std::string inputNoun = "file";             // what the summary line counts: "file" or "image"
  // What was asked of registries (requests, manifests, blobs, layers, retries, tokens);
  // empty when no registry was asked anything.
  std::map<std::string, size_t> registry;

  // What the command line decided, for the formats that need it. Reporters do no I/O:
  // the CLI fills these in.
  std::string command = "lint";              // lint, scan or manifest: SARIF's automationDetails
  std::vector<std::string> targetPlatforms;  // lint: the platforms each Dockerfile is checked for
  std::optional<Severity> failAt;            // the failure threshold (JUnit fails what makes the exit code 1)
  // Absolute directories: the working directory the input paths are relative to, and the
  // root the CI formats make paths relative to (the git top level, else the working
  // directory; GITHUB_WORKSPACE for -f github). Empty: paths are written as given.
  std::string workingDirectory;
  std::string rootDirectory;
  std::set<std::string> references;  // inputs that are registry references, not paths
};

enum class Format { Text, Json, Sarif, Github, Checkstyle, Gitlab, Junit, Html };
std::optional<Format> parseFormat(const std::string& name);
std::string formatNames();  // "text, json, sarif, github, checkstyle, gitlab, junit, html"

struct TextOptions {
  bool color = false;
  size_t width = 160;  // source lines wider than this are clipped around the caret (0: never)
};

void writeText(const Report& report, std::ostream& out, const TextOptions& options);
void writeJson(const Report& report, std::ostream& out);
void writeSarif(const Report& report, std::ostream& out);
void writeGithub(const Report& report, std::ostream& out);
void writeCheckstyle(const Report& report, std::ostream& out);
void writeGitlab(const Report& report, std::ostream& out);
void writeJunit(const Report& report, std::ostream& out);
void writeHtml(const Report& report, std::ostream& out);
// The markdown table GitHub shows on a run's summary page ($GITHUB_STEP_SUMMARY).
void writeGithubStepSummary(const Report& report, std::ostream& out);

// Writes `report` in `format`. Text carries the input's bytes as they are; every other
// format gets them as valid UTF-8 (an invalid byte is one U+FFFD: columns stay right).
void write(Format format, const Report& report, std::ostream& out, const TextOptions& options);
Report withValidUtf8(const Report& report);

// The URL of a rule's documentation page.
std::string ruleHelpUri(const rules::RuleInfo& rule);

}  // namespace mal::report
