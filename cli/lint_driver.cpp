#include "cli/lint_driver.h"

#include <algorithm>
#include <map>

#include "analyzer/context/build_context.h"

namespace mal::cli {

LintedFile lintDockerfile(const SourceText& source, const rules::LintSettings& settings, const ContextSource* contextSource,
                          const BaseImageLookup* lookupBaseImage, const DownloadProbe* probeDownloads) {
  LintedFile out;
  rules::DockerfileLint lint(source, settings);
  // A file that does not parse has no model to read a context or ask a registry for.
  if (!lint.model()) {
    out.findings = lint.findings();
    return out;
  }
  if (contextSource) {
    auto buildContext = context::readBuildContext(contextSource->root, contextSource->dockerfilePath, *lint.file(), *lint.model(),
                                                  settings.platforms);
    for (const auto& what : buildContext.notExamined) {
      std::string line = "build context: " + what;
      if (std::find(out.notExamined.begin(), out.notExamined.end(), line) == out.notExamined.end()) {
        out.notExamined.push_back(std::move(line));
      }
    }
    lint.setBuildContext(std::move(buildContext));
  }
  if (lookupBaseImage) {
    std::map<std::string, registry::BaseImageFacts> baseImages;
    for (const auto& image : lint.baseImagesToResolve()) {
      if (auto facts = (*lookupBaseImage)(image)) baseImages.emplace(image, std::move(*facts));
    }
    lint.setBaseImages(std::move(baseImages));
  }
  if (probeDownloads) {
    const auto urls = lint.downloadUrlsToProbe();
    lint.setDownloadAnswers(urls.empty() ? dockerfile::DownloadAnswers{} : (*probeDownloads)(urls));
  }
  out.findings = lint.findings();
  return out;
}

}  // namespace mal::cli
