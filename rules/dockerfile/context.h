// What a Dockerfile rule reads (the parsed file, the build model, the target platforms)
// and where it writes (a sink that turns spans into located findings). Rules never do
// I/O: everything they need is in the context.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analyzer/context/build_context.h"
#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/downloads.h"
#include "analyzer/dockerfile/stage_graph.h"
#include "analyzer/platform.h"
#include "analyzer/registry/base_image.h"
#include "rules/rule.h"

namespace mal::rules {

// What the configuration adds to the rules' data.
struct RuleOptions {
  std::vector<std::string> extraArchOnlyPackages;  // apt/pip names (or prefixes ending in '*'), taken as amd64-only
  // Who says that one build makes this file's images for several architectures from one
  // build context ("--platform", "the configuration", ".github/workflows/ci.yml job build");
  // empty when the targets are only the default.
  std::string multiPlatformBuildDeclaredBy;
  // The project builds with goreleaser's `dockers:`: each platform's build has its own
  // context (context::buildsWithGoreleaserDockers).
  bool perPlatformContexts = false;
  // The file's only declared build names no platform and runs on a machine of the one target
  // platform (a GitHub-hosted runner, Cloud Build: DeclaredPlatforms::onlyMachineDefaults), or
  // each of its builds is for the machine that runs it (a compose service with no platforms:
  // DeclaredPlatforms::forBuildMachine): $BUILDPLATFORM is the target there, and what that
  // machine built into the context is the target's code.
  bool targetIsBuildMachine = false;
  // Every build of the file the project declares exports nothing (bake `output =
  // ["type=cacheonly"]`: a lint or validation): no image of it ships
  // (DeclaredPlatforms::shipsNoImage).
  bool shipsNoImage = false;
  // The Dockerfile's directory from the repository root (`apps/pdftk` for
  // apps/pdftk/Dockerfile), with '/' between components; empty when the file is at the root,
  // is read from stdin, or lies outside the root.
  std::string dockerfileDirectoryFromRoot;
};

struct DockerfileContext {
  const SourceText& source;
  const dockerfile::ParsedDockerfile& file;
  const dockerfile::BuildModel& model;
  const std::vector<Platform>& targets;
  const context::BuildContext* buildContext = nullptr;  // null when no context was read
  const RuleOptions* options = nullptr;
  // lint --resolve: what the registries say of each stage's base image (by baseExpanded);
  // null when not resolving, and an image that could not be looked up is absent.
  const std::map<std::string, registry::BaseImageFacts>* baseImages = nullptr;
  // Where each stage runs, which targets build it, what it ships (built once per file).
  const dockerfile::StageGraph* stages = nullptr;
  // lint --probe-downloads: the platform-dependent downloads and what their servers said
  // (by URL); null when not probing.
  const std::vector<dockerfile::Download>* downloads = nullptr;
  const dockerfile::DownloadAnswers* downloadAnswers = nullptr;

  const dockerfile::Instruction& instruction(size_t index) const { return file.instructions[index]; }
  // The target platforms that content of one architecture in `stage` breaks: those that
  // build the stage on their own platform and cannot run `content` (StageGraph::brokenBy).
  std::vector<Platform> brokenBy(size_t stage, const Platform& content) const { return stages->brokenBy(stage, content); }
  // The same for a program, which an i386 build runs on amd64 (StageGraph::programBrokenBy).
  std::vector<Platform> programBrokenBy(size_t stage, const Platform& content) const {
    return stages->programBrokenBy(stage, content);
  }
};

class FindingSink {
 public:
  explicit FindingSink(const SourceText& source) : source_(source) {}
  // A place that explains the finding: a span of this file and what it says.
  struct RelatedSpan {
    Span span;
    std::string message;
  };
  void report(const RuleInfo& rule, Span span, std::string message, std::string fix, std::vector<RelatedSpan> related,
              std::vector<Platform> breaks);
  void report(const RuleInfo& rule, Span span, std::string message, std::string fix = {},
              std::optional<Severity> severity = std::nullopt, std::vector<Platform> breaks = {});
  // A finding made elsewhere (a rule that buffers its findings to group them).
  void add(Finding finding) { findings_.push_back(std::move(finding)); }
  std::vector<Finding> take() { return std::move(findings_); }
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  const SourceText& source_;
  std::vector<Finding> findings_;
};

struct DockerfileRule {
  RuleInfo info;
  void (*check)(const DockerfileContext&, const RuleInfo&, FindingSink&);
};

}  // namespace mal::rules
