// Lints one Dockerfile: parse, build the model, run every rule, then apply inline
// pragmas, ignores and severity overrides. Pure: the caller reads the file.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/platform.h"
#include "analyzer/source_text.h"
#include "rules/dockerfile/context.h"
#include "rules/finding.h"

namespace mal::rules {

struct LintSettings {
  std::vector<Platform> platforms = defaultTargetPlatforms();
  std::set<std::string> ignored;               // rule ids, e.g. "MA150"
  std::map<std::string, Severity> severities;  // rule id -> severity
  bool requirePragmaReason = false;
  // Build arguments the project's build commands pass (read by the caller from its workflows,
  // Makefiles, bake and compose files): their ARG defaults are not the values it builds with.
  std::set<std::string> buildArgsPassed;
  RuleOptions ruleOptions;
};

// Where the build context is: its directory and the Dockerfile's own path (for
// <Dockerfile>.dockerignore). Without one, rules judge copied files by name only.
struct ContextSource {
  std::string root;
  std::string dockerfilePath;
};

// lint --resolve: looks a base image up in its registry (nullopt when it cannot; the
// caller records why). Called once per distinct base image, before the rules run.
using BaseImageLookup = std::function<std::optional<registry::BaseImageFacts>(const std::string& image)>;

// lint --probe-downloads: asks the servers whether each URL exists (all of one file's
// platform-dependent download URLs at once, so the caller can ask them concurrently).
using DownloadProbe = std::function<dockerfile::DownloadAnswers(const std::vector<std::string>& urls)>;

// `notExamined` receives what was not examined and why (the build context past a bound,
// a .dockerignore BuildKit cannot read): the caller reports the file as not fully analysed.
std::vector<Finding> lintDockerfile(const SourceText& source, const LintSettings& settings,
                                    const ContextSource* contextSource = nullptr,
                                    const BaseImageLookup* lookupBaseImage = nullptr,
                                    const DownloadProbe* probeDownloads = nullptr,
                                    std::vector<std::string>* notExamined = nullptr);

}  // namespace mal::rules
