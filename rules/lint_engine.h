// Lints one Dockerfile: parse, build the model, run every rule, then apply inline
// pragmas, ignores and severity overrides. Pure: no file, registry or network access.
// What sources add (the build context's files, base-image facts from registries, answers
// of download servers) is handed in as data by a driver (cli/lint_driver.h), which asks
// this engine first what to look up.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/dockerfile/ast.h"
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
  // Per target stage ("" the last), the platforms the project builds it for, when its builds
  // name target stages (context::DeclaredPlatforms::platformsByTargetStage).
  std::map<std::string, std::vector<Platform>> platformsByTargetStage;
  RuleOptions ruleOptions;
};

// One Dockerfile's lint, in two steps: the constructor parses and models the file (and
// says what a driver may look up for it); findings() runs the rules on the model and on
// whatever evidence the driver added. `source` and `settings` must outlive it. Not
// copied or moved: the models point into each other.
class DockerfileLint {
 public:
  DockerfileLint(const SourceText& source, const LintSettings& settings);
  DockerfileLint(const DockerfileLint&) = delete;
  DockerfileLint& operator=(const DockerfileLint&) = delete;

  // The parsed file and its build model; null when the file does not parse (MA001).
  const dockerfile::ParsedDockerfile* file() const { return parsed_.dockerfile ? &*parsed_.dockerfile : nullptr; }
  const dockerfile::BuildModel* model() const { return model_ ? &*model_ : nullptr; }

  // lint --resolve: the base images to look up, each once: not `scratch`, not an earlier
  // stage, and fully expanded.
  std::vector<std::string> baseImagesToResolve() const;
  // lint --probe-downloads: the platform-dependent download URLs, sorted and unique.
  std::vector<std::string> downloadUrlsToProbe();

  // Evidence from sources. Without a call, the rules that need it stay silent.
  void setBuildContext(context::BuildContext buildContext);
  // What registries said, by image (an image that could not be looked up is absent).
  void setBaseImages(std::map<std::string, registry::BaseImageFacts> baseImages);
  // What the servers said, by URL (downloadUrlsToProbe() first).
  void setDownloadAnswers(dockerfile::DownloadAnswers answers);

  std::vector<Finding> findings() const;

 private:
  const SourceText& source_;
  const LintSettings& settings_;
  dockerfile::ParseResult parsed_;
  std::optional<dockerfile::BuildModel> model_;
  std::vector<Platform> targets_;
  std::optional<dockerfile::StageGraph> stageGraph_;
  std::optional<context::BuildContext> buildContext_;
  std::optional<std::map<std::string, registry::BaseImageFacts>> baseImages_;
  std::optional<std::vector<dockerfile::Download>> downloads_;
  std::optional<dockerfile::DownloadAnswers> downloadAnswers_;
};

// A lint with no evidence from sources: the file's text and the settings only.
std::vector<Finding> lintDockerfile(const SourceText& source, const LintSettings& settings);

}  // namespace mal::rules
