#include "cli/lint_driver.h"

#include <algorithm>
#include <map>

#include "analyzer/context/build_context.h"
#include "analyzer/text_util.h"

namespace mal::cli {
namespace {

std::string kib(size_t bytes) {
  return bytes < 1024 ? std::to_string(bytes) + " bytes" : std::to_string((bytes + 1023) / 1024) + " KiB";
}

// The scripts the model left unparsed (dockerfile::kMaxScriptBytes and the file's budget):
// one line per reason, naming the first RUN by its line and counting the rest.
std::vector<std::string> scriptsNotExamined(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model) {
  std::vector<std::string> out;
  for (const bool fileBudget : {false, true}) {
    std::vector<const dockerfile::ScriptNotParsed*> these;
    for (const auto& skipped : model.scriptsNotParsed) {
      if (skipped.fileBudget == fileBudget) these.push_back(&skipped);
    }
    if (these.empty()) continue;
    const auto& first = *these.front();
    const auto& in = file.instructions[first.instruction];
    std::string line =
        text::upper(in.command) + " at line " + std::to_string(in.startLine) + ": its script (" + kib(first.bytes) + ")";
    if (these.size() > 1) line += " and " + std::to_string(these.size() - 1) + " more";
    line += these.size() > 1 ? " were not examined: " : " was not examined: ";
    line += fileBudget ? "the file's scripts are over the shell parser's bound of " + kib(dockerfile::kMaxScriptBytesPerFile)
                       : "over the shell parser's bound of " + kib(dockerfile::kMaxScriptBytes) + " a script";
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

LintedFile lintDockerfile(const SourceText& source, const rules::LintSettings& settings, const ContextSource* contextSource,
                          const BaseImageLookup* lookupBaseImage, const DownloadProbe* probeDownloads) {
  LintedFile out;
  rules::DockerfileLint lint(source, settings);
  // A file that does not parse has no model to read a context or ask a registry for.
  if (!lint.model()) {
    out.findings = lint.findings();
    return out;
  }
  // A script the shell parser was not given is not examined: said, never a silent "clean".
  out.notExamined = scriptsNotExamined(*lint.file(), *lint.model());
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
