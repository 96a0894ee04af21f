#include "rules/documented_example.h"

#include <elf.h>

#include "rules/catalog.h"
#include "rules/index/example_models.h"
#include "rules/lint_engine.h"
#include "rules/scan_engine.h"

namespace mal::rules {

namespace {

// The example's last line, after "# ".
std::string_view messageLine(std::string_view example) {
  const size_t lastLine = example.rfind("\n# ");
  return lastLine == std::string_view::npos ? std::string_view() : example.substr(lastLine + 3);
}

// The world the examples that need evidence from outside the file are written in, given to
// the engine as its sources would give it (no I/O here). The suite runs each example against
// the real thing: a registry, a download server and real Debian amd64 files in a build
// context (tests/elf/test_build_context.cpp), and requires the same message.
// - registry.example.com/amd64-only:1 is an index of linux/amd64 alone; a digest of
//   registry.example.com/multi (`@sha256:aaa...`) is one linux/amd64 manifest, its tags and
//   other digests indexes of every target; other images cannot be looked up;
// - amd64-only.example.com serves only the amd64/x86_64 assets, multi.example.com every
//   asset, other hosts answer 503;
// - a build-context file named for x86 (proprietary-x86-lib.so, x86-only-installer.bin) is an
//   x86-64 ELF: a shared library when named *.so*, else a dynamically linked program.
std::map<std::string, registry::BaseImageFacts> documentedRegistry(const std::vector<std::string>& images,
                                                                   const std::vector<Platform>& targets) {
  std::map<std::string, registry::BaseImageFacts> out;
  const std::vector<Platform> amd64{*parsePlatform("linux/amd64")};
  for (const auto& image : images) {
    if (image.find("/amd64-only:") != std::string::npos) {
      out[image] = {image, true, amd64};
    } else if (image.find("/multi@sha256:" + std::string(64, 'a')) != std::string::npos) {
      out[image] = {image, false, amd64};
    } else if (image.find("/multi") != std::string::npos) {
      out[image] = {image, true, targets};
    }  // any other image could not be looked up: absent
  }
  return out;
}

dockerfile::DownloadAnswers documentedDownloadServer(const std::vector<std::string>& urls) {
  using State = dockerfile::UrlAnswer::State;
  dockerfile::DownloadAnswers answers;
  const std::string host = "://amd64-only.example.com/";
  for (const auto& url : urls) {
    if (const size_t at = url.find(host); at != std::string::npos) {
      const std::string path = url.substr(at + host.size());
      const bool exists = path.find("amd64") != std::string::npos || path.find("x86_64") != std::string::npos;
      answers[url] = {exists ? State::Exists : State::Missing, exists ? 200L : 404L, ""};
    } else if (url.find("://multi.example.com/") != std::string::npos) {
      answers[url] = {State::Exists, 200, ""};
    } else {
      answers[url] = {State::Unknown, 503, "HTTP 503"};
    }
  }
  return answers;
}

context::BuildContext documentedBuildContext(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                                             const std::vector<Platform>& targets) {
  std::vector<context::ContextFile> files;
  for (const auto& in : file.instructions) {
    if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
    for (size_t argument = 0; argument + 1 < in.args.size(); ++argument) {
      std::string path = in.args[argument].value;
      while (path.rfind("./", 0) == 0) path.erase(0, 2);
      const std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
      if (name.find("x86") == std::string::npos) continue;
      context::ContextFile elfFile;
      elfFile.path = path;
      elfFile.executable = true;
      elfFile.elf.isElf = true;
      elf::ElfFacts facts;
      facts.machine = EM_X86_64;
      facts.bits = 64;
      facts.type = ET_DYN;
      if (name.find(".so") == std::string::npos) facts.interpreter = "/lib64/ld-linux-x86-64.so.2";
      elfFile.elf.facts = facts;
      files.push_back(std::move(elfFile));
    }
  }
  // Where each source lands is resolved as for a context on disk.
  return context::buildContextOf(std::move(files), file, model, targets);
}

}  // namespace

bool exampleIsGenerated(const RuleInfo& rule) {
  if (rule.analysis != Analysis::Dockerfile) return rule.example.empty();
  const std::string_view head = messageLine(rule.example);
  return rule.analysis == Analysis::Dockerfile && !head.empty() && head.find(": ") == std::string_view::npos;
}

namespace {

// An image rule's example: `<platform>: <message>` as the rule says it on its bad model.
std::string imageExample(const RuleInfo& info) {
  for (const auto* rule : imageRules()) {
    if (rule->info.id != info.id || !rule->examples) continue;
    for (const auto& finding : scanFindings(rule->examples().bad, {})) {
      if (finding.ruleId == info.id) return finding.location.platform + ": " + finding.message;
    }
  }
  return "(the example gives no finding of this rule)";
}

// An index rule's example: what the rule says on its bad index (default targets), its digests
// elided.
std::string indexExample(const RuleInfo& info) {
  for (const auto* rule : indexRules()) {
    if (rule->info.id != info.id || !rule->examples) continue;
    for (const auto& finding : indexFindings(rule->examples().bad, defaultTargetPlatforms(), {})) {
      if (finding.ruleId == info.id) return example_models::digestsElided(finding.message);
    }
  }
  return "(the example gives no finding of this rule)";
}

}  // namespace

std::string documentedExample(const RuleInfo& rule) {
  std::string example(rule.example);
  if (!exampleIsGenerated(rule)) return example;
  if (rule.analysis == Analysis::Image) return imageExample(rule);
  if (rule.analysis == Analysis::Index) return indexExample(rule);
  const std::string dockerfile = example.substr(0, example.rfind("\n# ") + 1);
  const std::string head(messageLine(example));
  LintSettings settings;
  constexpr std::string_view kWith = " with --platform ";
  if (const size_t with = head.find(kWith); with != std::string::npos) {
    std::vector<std::string> errors;
    settings.platforms = parsePlatformList(head.substr(with + kWith.size()), errors);
    if (!errors.empty()) return example + ": (the example's platforms do not parse)";
  }
  const SourceText source("Dockerfile", dockerfile);
  DockerfileLint lint(source, settings);
  if (lint.file() && lint.model()) {
    lint.setBaseImages(documentedRegistry(lint.baseImagesToResolve(), settings.platforms));
    lint.setDownloadAnswers(documentedDownloadServer(lint.downloadUrlsToProbe()));
    lint.setBuildContext(documentedBuildContext(*lint.file(), *lint.model(), settings.platforms));
  }
  for (const auto& finding : lint.findings()) {
    if (finding.ruleId == rule.id) return example + ": " + finding.message;
  }
  return example + ": (the example gives no finding of this rule)";
}

}  // namespace mal::rules
