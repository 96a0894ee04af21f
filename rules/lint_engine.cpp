#include "rules/lint_engine.h"

#include <algorithm>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/dockerfile/build_model.h"
#include "rules/catalog.h"
#include "rules/dockerfile/stage_helpers.h"
#include "rules/dockerfile/message_values.h"
#include "rules/dockerfile/opt_in_guard.h"
#include "rules/pragmas.h"

namespace mal::rules {

extern const DockerfileRule kMA001, kMA002;

namespace {

// Drops findings silenced by pragmas; reports pragmas that name no rule (MA002).
void applyPragmas(const SourceText& source, const dockerfile::ParsedDockerfile* file, const LintSettings& settings,
                  std::vector<Finding>& findings, FindingSink& meta) {
  const auto pragmas = findPragmas(source);
  if (pragmas.empty()) return;
  struct Silence {
    std::string ruleId;
    int fromLine, toLine;
  };
  std::vector<Silence> silences;
  for (const auto& pragma : pragmas) {
    int from = 1, to = source.lineCount();
    if (!pragma.global) {
      // The next instruction after the pragma's comment block.
      const dockerfile::Instruction* next = nullptr;
      if (file) {
        for (const auto& in : file->instructions) {
          if (in.startLine > pragma.line) {
            next = &in;
            break;
          }
        }
      }
      if (!next) continue;
      from = next->startLine;
      to = next->endLine;
    }
    for (const auto& name : pragma.rules) {
      const RuleInfo* rule = findRule(name);
      if (!rule) {
        meta.report(kMA002.info, pragma.span, "the pragma names an unknown rule '" + name + "'",
                    "see `multiarch-lint rules` for the rule ids and names");
        continue;
      }
      if (settings.requirePragmaReason && pragma.reason.empty()) {
        meta.report(kMA002.info, pragma.span, "the pragma ignoring " + std::string(rule->id) + " gives no reason",
                    "add `-- why this does not apply` after the rule list");
      }
      silences.push_back({std::string(rule->id), from, to});
    }
  }
  std::erase_if(findings, [&](const Finding& f) {
    return std::any_of(silences.begin(), silences.end(), [&](const Silence& s) {
      return s.ruleId == f.ruleId && f.location.line >= s.fromLine && f.location.line <= s.toLine;
    });
  });
}

std::string_view textAt(const SourceText& source, Span span) {
  return std::string_view(source.bytes()).substr(span.begin, span.end - span.begin);
}

// A preprocessor's directive where BuildKit expects an instruction (`@INCLUDE`, `@IF` of
// PowerDNS's builder, Jinja's `{% if %}`, Go's `{{ if }}`, `%%VAR%%`) marks a template that the
// project expands into a Dockerfile before any build: no instruction can start with these, and
// BuildKit never sees the template's own text, so its lines are no parse errors to report.
const dockerfile::ModelError* templateDirective(const SourceText& source, const std::vector<dockerfile::ModelError>& errors) {
  for (const auto& error : errors) {
    if (!error.message.starts_with("unknown instruction: ") || error.span.empty()) continue;
    const std::string_view keyword = textAt(source, error.span);
    if (keyword.starts_with('@') || keyword.starts_with("{{") || keyword.starts_with("{%") || keyword.starts_with("%%")) {
      return &error;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<Finding> lintDockerfile(const SourceText& source, const LintSettings& settings, const ContextSource* contextSource,
                                    const BaseImageLookup* lookupBaseImage, const DownloadProbe* probeDownloads,
                                    std::vector<std::string>* notExamined) {
  FindingSink sink(source);
  std::vector<Finding> findings;
  const auto parsed = dockerfile::parse(source);
  std::optional<dockerfile::BuildModel> model;
  if (parsed.error) {
    const int line = std::clamp(parsed.error->line, 1, std::max(source.lineCount(), 1));
    const uint32_t start = source.lineStart(line);
    sink.report(kMA001.info, {start, start + static_cast<uint32_t>(source.lineText(line).size())}, parsed.error->describe());
  } else {
    model = dockerfile::buildModel(*parsed.dockerfile);
    if (const auto* directive = templateDirective(source, model->errors)) {
      // Nothing in a template's text is what a build runs: say what it is, once, and judge none of it.
      const std::string keyword(textAt(source, directive->span));
      sink.report(kMA001.info, directive->span,
                  "'" + keyword +
                      "' is a preprocessor directive: this file is a template expanded into a Dockerfile "
                      "before the build, not a Dockerfile; it was not analysed (lint the Dockerfile it expands to)",
                  {}, Severity::Info);
      model.reset();
    }
  }
  if (model) {
    // BuildKit refuses the file at its first bad instruction and says nothing of the rest:
    // one finding, the first in the file, with a count of the others (a fragment of forty
    // ENV lines before any FROM is one mistake).
    if (!model->errors.empty()) {
      const auto first = std::min_element(model->errors.begin(), model->errors.end(),
                                          [](const auto& a, const auto& b) { return a.span.begin < b.span.begin; });
      std::string message = first->message;
      if (const size_t others = model->errors.size() - 1; others > 0) {
        message += " (BuildKit stops here; " + std::to_string(others) + (others == 1 ? " more line" : " more lines") +
                   " would be refused too)";
      }
      sink.report(kMA001.info, first->span, message);
    }
    std::optional<context::BuildContext> buildContext;
    if (contextSource) {
      buildContext = context::readBuildContext(contextSource->root, contextSource->dockerfilePath, *parsed.dockerfile, *model,
                                               settings.platforms);
      if (notExamined) {
        for (const auto& what : buildContext->notExamined) {
          const std::string line = "build context: " + what;
          if (std::find(notExamined->begin(), notExamined->end(), line) == notExamined->end()) notExamined->push_back(line);
        }
      }
    }
    // Base images from registries: not `scratch`, not an earlier stage, and fully expanded.
    std::map<std::string, registry::BaseImageFacts> baseImages;
    if (lookupBaseImage) {
      std::set<std::string> asked;
      for (const auto& stage : model->stages) {
        const std::string& image = stage.baseExpanded;
        if (stage.parentStage || image.empty() || image == "scratch" || image.find('$') != std::string::npos ||
            !asked.insert(image).second) {
          continue;
        }
        if (auto facts = (*lookupBaseImage)(image)) baseImages.emplace(image, std::move(*facts));
      }
    }
    // A cross-toolchain image runs on the build machine and builds for the architecture its
    // path names: no target platform to judge its tokens against.
    const std::vector<Platform> targets =
        isCrossToolchainImage(source.path(), *model) ? std::vector<Platform>{} : settings.platforms;
    auto stageGraph = dockerfile::buildStageGraph(*parsed.dockerfile, *model, targets);
    stageGraph.argsPassedByBuilds = settings.buildArgsPassed;
    std::vector<dockerfile::Download> downloads;
    dockerfile::DownloadAnswers downloadAnswers;
    if (probeDownloads) {
      downloads = dockerfile::findDownloads(*parsed.dockerfile, *model, stageGraph);
      std::vector<std::string> urls;
      for (const auto& d : downloads) {
        for (const auto& u : d.urls) urls.push_back(u.url);
      }
      std::sort(urls.begin(), urls.end());
      urls.erase(std::unique(urls.begin(), urls.end()), urls.end());
      if (!urls.empty()) downloadAnswers = (*probeDownloads)(urls);
    }
    const DockerfileContext ctx{source,
                                *parsed.dockerfile,
                                *model,
                                targets,
                                buildContext && buildContext->available ? &*buildContext : nullptr,
                                &settings.ruleOptions,
                                lookupBaseImage ? &baseImages : nullptr,
                                &stageGraph,
                                probeDownloads ? &downloads : nullptr,
                                probeDownloads ? &downloadAnswers : nullptr};
    for (const auto* rule : dockerfileRules()) {
      if (rule->check && !settings.ignored.count(std::string(rule->info.id))) rule->check(ctx, rule->info, sink);
    }
    findings = sink.take();
    markOptInFindings(ctx, findings);
    showExpandedValues(ctx, findings);
  }
  if (!model) findings = sink.take();
  FindingSink meta(source);
  applyPragmas(source, parsed.dockerfile ? &*parsed.dockerfile : nullptr, settings, findings, meta);
  for (auto& f : meta.take()) findings.push_back(std::move(f));

  std::erase_if(findings, [&](const Finding& f) { return settings.ignored.count(f.ruleId) > 0; });
  for (auto& f : findings) {
    if (const auto it = settings.severities.find(f.ruleId); it != settings.severities.end()) f.severity = it->second;
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.line, a.location.column, a.ruleId) < std::tie(b.location.line, b.location.column, b.ruleId);
  });
  // One finding per rule and position: two paths to the same mistake are one mistake.
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) {
                               return a.ruleId == b.ruleId && a.location.line == b.location.line &&
                                      a.location.column == b.location.column;
                             }),
                 findings.end());
  return findings;
}

}  // namespace mal::rules
