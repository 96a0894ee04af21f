#include "rules/lint_engine.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <set>
#include <tuple>

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
// So does an include written like an instruction (`IMPORT _base/_main AS base` of
// klakegg/docker-project-prepare, `INCLUDE common.df`, dockerfile-plus's `INCLUDE+`): no
// BuildKit Dockerfile frontend has such an instruction, and a file that pulls in other files
// before the build is the input of the tool that does so, not what BuildKit reads.
bool isIncludeDirective(std::string_view keyword) {
  return keyword == "IMPORT" || keyword == "INCLUDE" || keyword == "INCLUDE+" || keyword == "import" || keyword == "include" ||
         keyword == "include+";
}

const dockerfile::ModelError* templateDirective(const SourceText& source, const std::vector<dockerfile::ModelError>& errors) {
  for (const auto& error : errors) {
    if (!error.message.starts_with("unknown instruction: ") || error.span.empty()) continue;
    const std::string_view keyword = textAt(source, error.span);
    if (keyword.starts_with('@') || keyword.starts_with("{{") || keyword.starts_with("{%") || keyword.starts_with("%%") ||
        isIncludeDirective(keyword)) {
      return &error;
    }
  }
  return nullptr;
}

// A template language's tag on a line BuildKit refuses: ERB, EEx and EJS's `<%= erlang.version %>`
// (ne-sachirou/docker-elixir's priv/Dockerfile.elixir, rendered into one Dockerfile per version,
// Part ZZZZZZZ), Jinja's `{{ base }}` or `{% if %}` inside an instruction's arguments. The
// refusal comes from the unrendered tag, which no build sees. A tag only counts with its
// closer on the same line, so a stray `<%` or a Go template in a `--format '{{.Id}}'` on a
// line refused for another reason is not taken for one.
struct TemplateTag {
  Span span;
  std::string tag;
};

std::optional<TemplateTag> templateTagOnRefusedLine(const SourceText& source, const std::vector<int>& refusedLines) {
  static constexpr std::pair<std::string_view, std::string_view> kTags[] = {{"<%", "%>"}, {"{{", "}}"}, {"{%", "%}"}};
  for (const int line : refusedLines) {
    if (line < 1 || line > source.lineCount()) continue;
    const std::string_view text = source.lineText(line);
    for (const auto& [open, close] : kTags) {
      const size_t at = text.find(open);
      if (at == std::string_view::npos || text.find(close, at + open.size()) == std::string_view::npos) continue;
      const uint32_t begin = source.lineStart(line) + static_cast<uint32_t>(at);
      const bool echo = open == "<%" && at + 2 < text.size() && text[at + 2] == '=';
      return TemplateTag{{begin, begin + static_cast<uint32_t>(open.size() + (echo ? 1 : 0))},
                         std::string(text.substr(at, open.size() + (echo ? 1 : 0)))};
    }
  }
  return std::nullopt;
}

// A C-preprocessor template (xddxdd/dockerfiles: `#include "image/alpine_edge.Dockerfile"`,
// `#if defined(ARCH_AMD64)` / `#elif defined(ARCH_ARM64V8)` / `#endif` around one FROM per
// architecture, `#define PKG_INSTALL(pkgs) apk add pkgs`) is expanded by `cpp` into one
// Dockerfile per architecture before any build. BuildKit would read the directives as comments,
// so nothing refuses the text, yet it is no Dockerfile: every branch's FROM would be judged as a
// stage, and a `#define` continued with `\` leaves its next line where an instruction belongs.
// A directive is the keyword right after `#` (no space, as cpp writes it and comments seldom
// are) with what cpp needs after it: a quoted or bracketed file for include, a name for
// define/undef/ifdef/ifndef, a condition in capitals, `defined`, `!`, `(` or a digit for if/elif
// (so `#if you change the base...` stays a comment). Two such lines, one of them an include, a
// conditional or a define, make the file a template; its first directive is returned.
struct CppDirective {
  int line = 0;
  std::string keyword;  // `#include`, `#if`, ...
};

std::optional<CppDirective> cppDirective(const SourceText& source) {
  const auto skipBlanks = [](std::string_view t) {
    size_t i = 0;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    return t.substr(i);
  };
  const auto startsWithName = [](std::string_view t, bool capitalsOnly) {
    size_t n = 0;
    while (n < t.size() && (std::isalnum(static_cast<unsigned char>(t[n])) || t[n] == '_')) {
      if (capitalsOnly && std::islower(static_cast<unsigned char>(t[n]))) return false;
      ++n;
    }
    return n > 0 && !std::isdigit(static_cast<unsigned char>(t[0]));
  };
  CppDirective first;
  int directives = 0;
  bool opensTemplate = false;
  for (int line = 1; line <= source.lineCount(); ++line) {
    std::string_view text = skipBlanks(source.lineText(line));
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.size() < 3 || text[0] != '#') continue;
    size_t n = 1;
    while (n < text.size() && std::islower(static_cast<unsigned char>(text[n]))) ++n;
    const std::string_view keyword = text.substr(1, n - 1), rest = text.substr(n);
    const std::string_view argument = skipBlanks(rest);
    const bool spaced = !rest.empty() && argument.size() < rest.size();
    bool directive = false, opens = false;
    if (keyword == "include") {
      directive = opens = spaced && (argument.starts_with('"') || argument.starts_with('<'));
    } else if (keyword == "if" || keyword == "elif") {
      directive = spaced && (argument.starts_with("defined") || argument.starts_with('!') || argument.starts_with('(') ||
                             std::isdigit(static_cast<unsigned char>(argument.front())) || startsWithName(argument, true));
      opens = directive && keyword == "if";
    } else if (keyword == "ifdef" || keyword == "ifndef" || keyword == "define" || keyword == "undef") {
      directive = spaced && startsWithName(argument, false);
      opens = directive && keyword != "undef";
    } else if (keyword == "else" || keyword == "endif") {
      directive = rest.empty() || argument.starts_with("//") || argument.starts_with("/*");
    }
    if (!directive) continue;
    if (first.line == 0) first = {line, "#" + std::string(keyword)};
    ++directives;
    opensTemplate = opensTemplate || opens;
  }
  if (directives >= 2 && opensTemplate) return first;
  return std::nullopt;
}

// A file with no FROM at all whose lines are all instructions (docker-stacks-style parts:
// `gpulibs.Dockerfile` holding RUN and ENV lines that a script appends to a Dockerfile that
// has the FROM) is a fragment. BuildKit would refuse it alone ("no build stage in current
// context"), but nothing builds it alone: a Dockerfile without any FROM can never have built,
// so the file is the input of the script that joins it, and is said so once, as info. A file
// with a FROM and an instruction before it is still an error (the first instruction is refused).
// So is a file with no FROM whose lines start with a shell list operator (`&& apt -y autoclean \`,
// jihuacao/ProjectManager's DockerfileModule/ snippets that `@import:` lines splice into a RUN):
// the continuation of a RUN of the file it is joined into, never a line of its own.
bool isFragmentWithoutFrom(const dockerfile::BuildModel& model) {
  const auto continuesARun = [](const std::string& message) {
    for (const char* op : {"&&", "||", "|", ";"}) {
      if (message == std::string("unknown instruction: ") + op) return true;
    }
    return false;
  };
  return model.stages.empty() && !model.errors.empty() &&
         std::all_of(model.errors.begin(), model.errors.end(),
                     [&](const auto& e) { return e.message == "no build stage in current context" || continuesARun(e.message); });
}

// A symbolic link checked out where links are not supported (git's core.symlinks=false, an
// archive or a copy that does not keep links) leaves a file whose whole text is the path it
// points at, with no newline: `../Dockerfile`. BuildKit would refuse it as an unknown
// instruction, but the build reads the file the link names, so it is said once, as info.
std::optional<std::string_view> linkTargetText(const SourceText& source, const std::vector<dockerfile::ModelError>& errors) {
  std::string_view text = source.bytes();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty() || text.size() > 4096 || errors.size() != 1 || !errors.front().message.starts_with("unknown instruction: ")) {
    return std::nullopt;
  }
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' || c == '\0') return std::nullopt;
  }
  const size_t slash = text.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? text : text.substr(slash + 1);
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string lowerName = lower(name);
  const bool namesADockerfile =
      lowerName.find("dockerfile") != std::string::npos || lowerName.find("containerfile") != std::string::npos;
  if (!namesADockerfile) return std::nullopt;
  return text;
}

// A file whose name starts like a Dockerfile but whose extension is a programming language's,
// a data format's or an editor's syntax file's (`dockerfile.lua`, `Dockerfile.go`,
// `dockerfile_test.py`, `Dockerfile.nanorc`) is that
// language's source, found by its name: when BuildKit would refuse its text, it is no broken
// Dockerfile. Only asked when the text does not parse as one.
std::optional<std::string> sourceCodeExtension(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string extension(name.substr(dot + 1));
  for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string> kSourceExtensions{
      "lua", "py", "go", "rs", "js", "mjs", "cjs", "ts", "rb", "java", "kt", "scala", "c", "cc", "cpp", "h", "hpp", "cs", "php",
      "pl", "pm", "hs", "ex", "exs", "erl", "clj", "swift", "dart", "r", "jl", "sh", "bash", "zsh", "ps1", "md", "rst", "txt",
      "json", "yml", "yaml", "toml", "xml", "html", "ini", "cfg", "nix", "bzl", "mk",
      // Configuration languages whose programs render Dockerfiles (haskell/docker-haskell's
      // template/Dockerfile.ncl is Nickel: `let render = fun cfg => ... m%"FROM %{image}..."%`).
      "ncl", "cue", "jsonnet", "libsonnet", "dhall",
      // Editors' syntax definitions for Dockerfiles (nano's Dockerfile.nanorc, Vim's dockerfile.vim,
      // Emacs' dockerfile-mode.el, Sublime's and TextMate's grammars), shipped in images' rootfs.
      "nanorc", "vim", "el", "sublime-syntax", "tmlanguage"};
  if (!kSourceExtensions.count(extension)) return std::nullopt;
  return "." + extension;
}

}  // namespace

DockerfileLint::DockerfileLint(const SourceText& source, const LintSettings& settings)
    : source_(source), settings_(settings), parsed_(dockerfile::parse(source)) {
  if (parsed_.error) return;
  model_ = dockerfile::buildModel(*parsed_.dockerfile);
  // A cross-toolchain image runs on the build machine and builds for the architecture its
  // path names: no target platform to judge its tokens against. The path is read from the
  // repository root, so the verdict is the same however the file is named on the command line
  // (`Dockerfile` from its directory, or a path through a checkout under `arm64-work/`).
  const std::string name = std::filesystem::path(source.path()).filename().string();
  const std::string& directory = settings.ruleOptions.dockerfileDirectoryFromRoot;
  if (!isCrossToolchainImage(directory.empty() ? name : directory + "/" + name, *parsed_.dockerfile, *model_)) {
    targets_ = settings.platforms;
  }
  stageGraph_ = dockerfile::buildStageGraph(*parsed_.dockerfile, *model_, targets_, settings.platformsByTargetStage);
  stageGraph_->argsPassedByBuilds = settings.buildArgsPassed;
}

std::vector<std::string> DockerfileLint::baseImagesToResolve() const {
  std::vector<std::string> images;
  if (!model_) return images;
  std::set<std::string> asked;
  for (const auto& stage : model_->stages) {
    const std::string& image = stage.baseExpanded;
    if (stage.parentStage || image.empty() || image == "scratch" || image.find('$') != std::string::npos ||
        !asked.insert(image).second) {
      continue;
    }
    images.push_back(image);
  }
  return images;
}

std::vector<std::string> DockerfileLint::downloadUrlsToProbe() {
  std::vector<std::string> urls;
  if (!model_) return urls;
  if (!downloads_) downloads_ = dockerfile::findDownloads(*parsed_.dockerfile, *model_, *stageGraph_);
  for (const auto& d : *downloads_) {
    for (const auto& u : d.urls) urls.push_back(u.url);
  }
  std::sort(urls.begin(), urls.end());
  urls.erase(std::unique(urls.begin(), urls.end()), urls.end());
  return urls;
}

void DockerfileLint::setBuildContext(context::BuildContext buildContext) { buildContext_ = std::move(buildContext); }

void DockerfileLint::setBaseImages(std::map<std::string, registry::BaseImageFacts> baseImages) {
  baseImages_ = std::move(baseImages);
}

void DockerfileLint::setDownloadAnswers(dockerfile::DownloadAnswers answers) {
  if (!model_) return;
  if (!downloads_) downloads_ = dockerfile::findDownloads(*parsed_.dockerfile, *model_, *stageGraph_);
  downloadAnswers_ = std::move(answers);
}

std::vector<Finding> DockerfileLint::findings() const {
  FindingSink sink(source_);
  std::vector<Finding> findings;
  const bool refused = parsed_.error || !model_->errors.empty();
  if (const auto extension = refused ? sourceCodeExtension(source_.path()) : std::nullopt) {
    sink.report(kMA001.info, {0, source_.lineCount() > 0 ? static_cast<uint32_t>(source_.lineText(1).size()) : 0U},
                "BuildKit would refuse this text, and the file's extension '" + *extension +
                    "' says it is source code or data named like a Dockerfile, not one; it was not analysed",
                {}, Severity::Info);
    return sink.take();
  }
  if (parsed_.error && parsed_.error->message == "file with no instructions") {
    // BuildKit's parser refuses a file that holds no instruction at all (empty, blank, or only
    // comments and directives: parser.Parse's "file with no instructions"). Nothing can have
    // built it, so it is a placeholder (arhat-dev/dockerfile's 0-byte `app/freeipa/Dockerfile`,
    // beside the dukkha.yaml that builds another file), said once, as info, like a fragment
    // without FROM.
    sink.report(kMA001.info, {0, source_.lineCount() > 0 ? static_cast<uint32_t>(source_.lineText(1).size()) : 0U},
                "this file holds no instruction (empty, or only comments): a placeholder that no build uses as it "
                "is (BuildKit would refuse it: \"file with no instructions\"); nothing to analyse",
                {}, Severity::Info);
    return sink.take();
  }
  if (const auto directive = cppDirective(source_)) {
    // Nothing in a cpp template is what a build runs until cpp has chosen its branches: say
    // what it is, once, and judge none of it (as for the other preprocessors below).
    const uint32_t start = source_.lineStart(directive->line);
    sink.report(kMA001.info, {start, start + static_cast<uint32_t>(source_.lineText(directive->line).size())},
                "'" + directive->keyword +
                    "' is a C preprocessor directive: this file is a template that cpp expands into a Dockerfile "
                    "before the build, not a Dockerfile; it was not analysed (lint the Dockerfile it expands to)",
                {}, Severity::Info);
    return sink.take();
  }
  std::vector<int> refusedLines;
  if (parsed_.error) refusedLines.push_back(parsed_.error->line);
  for (const auto& error : model_ ? model_->errors : std::vector<dockerfile::ModelError>{}) {
    refusedLines.push_back(source_.position(error.span.begin).line);
  }
  if (const auto tag = templateTagOnRefusedLine(source_, refusedLines)) {
    sink.report(kMA001.info, tag->span,
                "'" + tag->tag +
                    "' is a template tag: this file is a template rendered into a Dockerfile before the build, "
                    "not a Dockerfile; it was not analysed (lint the Dockerfile it renders to)",
                {}, Severity::Info);
    return sink.take();
  }
  if (parsed_.error) {
    const int line = std::clamp(parsed_.error->line, 1, std::max(source_.lineCount(), 1));
    const uint32_t start = source_.lineStart(line);
    sink.report(kMA001.info, {start, start + static_cast<uint32_t>(source_.lineText(line).size())}, parsed_.error->describe());
    findings = sink.take();
  } else {
    if (const auto* directive = templateDirective(source_, model_->errors)) {
      // Nothing in a template's text is what a build runs: say what it is, once, and judge none of it.
      const std::string keyword(textAt(source_, directive->span));
      sink.report(kMA001.info, directive->span,
                  "'" + keyword +
                      "' is a preprocessor directive: this file is a template expanded into a Dockerfile "
                      "before the build, not a Dockerfile; it was not analysed (lint the Dockerfile it expands to)",
                  {}, Severity::Info);
      return sink.take();
    }
    if (isFragmentWithoutFrom(*model_)) {
      const auto& error = model_->errors.front();
      sink.report(kMA001.info, error.span,
                  "this file has no FROM: a fragment that a script joins into a Dockerfile before the build (BuildKit "
                  "would refuse it alone); it was not analysed (lint the Dockerfile it is joined into)",
                  {}, Severity::Info);
      return sink.take();
    }
    if (const auto target = linkTargetText(source_, model_->errors)) {
      const auto& error = model_->errors.front();
      sink.report(kMA001.info, error.span,
                  "this file holds only the path '" + std::string(*target) +
                      "': a symbolic link checked out as text (git core.symlinks=false, or a copy that does "
                      "not keep links); it was not analysed (lint the file it names)",
                  {}, Severity::Info);
      return sink.take();
    }
    // BuildKit refuses the file at its first bad instruction and says nothing of the rest:
    // one finding, the first in the file, with a count of the others (a fragment of forty
    // ENV lines before any FROM is one mistake).
    if (!model_->errors.empty()) {
      const auto first = std::min_element(model_->errors.begin(), model_->errors.end(),
                                          [](const auto& x, const auto& y) { return x.span.begin < y.span.begin; });
      std::string message = first->message;
      if (const size_t others = model_->errors.size() - 1; others > 0) {
        message += " (BuildKit stops here; " + std::to_string(others) + (others == 1 ? " more line" : " more lines") +
                   " would be refused too)";
      }
      sink.report(kMA001.info, first->span, message);
    }
    const DockerfileContext ctx{source_,
                                *parsed_.dockerfile,
                                *model_,
                                targets_,
                                buildContext_ && buildContext_->available ? &*buildContext_ : nullptr,
                                &settings_.ruleOptions,
                                baseImages_ ? &*baseImages_ : nullptr,
                                &*stageGraph_,
                                downloadAnswers_ ? &*downloads_ : nullptr,
                                downloadAnswers_ ? &*downloadAnswers_ : nullptr};
    for (const auto* rule : dockerfileRules()) {
      if (rule->check && !settings_.ignored.count(std::string(rule->info.id))) rule->check(ctx, rule->info, sink);
    }
    findings = sink.take();
    markOptInFindings(ctx, findings);
    showExpandedValues(ctx, findings);
  }
  FindingSink meta(source_);
  applyPragmas(source_, file(), settings_, findings, meta);
  for (auto& f : meta.take()) findings.push_back(std::move(f));

  std::erase_if(findings, [&](const Finding& f) { return settings_.ignored.count(f.ruleId) > 0; });
  for (auto& f : findings) {
    if (const auto it = settings_.severities.find(f.ruleId); it != settings_.severities.end()) f.severity = it->second;
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

std::vector<Finding> lintDockerfile(const SourceText& source, const LintSettings& settings) {
  const DockerfileLint lint(source, settings);
  return lint.findings();
}

}  // namespace mal::rules
