// Drives one Dockerfile's lint through the sources it may need: the build context on disk,
// base images in registries (--resolve), download servers (--probe-downloads). The I/O
// happens here, through the readers and callers given; the engine (rules/lint_engine.h)
// only gets their answers as data.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/dockerfile/downloads.h"
#include "analyzer/registry/base_image.h"
#include "rules/lint_engine.h"

namespace mal::cli {

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

struct LintedFile {
  std::vector<Finding> findings;
  // What was not examined and why (the build context past a bound, a .dockerignore
  // BuildKit cannot read): the caller reports the file as not fully analysed.
  std::vector<std::string> notExamined;
};

LintedFile lintDockerfile(const SourceText& source, const rules::LintSettings& settings,
                          const ContextSource* contextSource = nullptr, const BaseImageLookup* lookupBaseImage = nullptr,
                          const DownloadProbe* probeDownloads = nullptr);

}  // namespace mal::cli
