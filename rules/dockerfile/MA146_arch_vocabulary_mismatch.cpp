// MA146: a download URL spells the architecture with a probe whose vocabulary is not the
// vendor's: `$(dpkg --print-architecture)` (amd64/arm64) in an AWS CLI URL that says
// x86_64/aarch64, `$(uname -m)` (x86_64/aarch64) in a kubectl URL that says amd64/arm64.
// The vendors' spellings are data (data/vendor-assets.json), each with its source.
#include <algorithm>
#include <map>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The probe a command substitution runs, by its words: "$(uname -m)" -> {"uname", "-m"}.
std::vector<std::string> substitutionWords(std::string_view inner) {
  std::vector<std::string> words;
  for (const auto& piece : text::split(std::string(inner), ' ')) {
    if (!piece.empty()) words.push_back(piece);
  }
  return words;
}

// One place in a URL where the architecture comes from: its text and the probe's vocabulary.
struct ArchSpelling {
  size_t begin = 0, end = 0;  // in the word's literal
  std::string expression;     // "$(uname -m)", "${ARCH}"
  std::string vocabulary;     // "kernel", "debian", "go", ...
  std::string origin;         // "`uname -m`", "$TARGETARCH"
};

// Inline probes: $(dpkg --print-architecture), `uname -m`.
void findInlineProbes(const std::string& literal, std::vector<ArchSpelling>& out) {
  for (size_t i = 0; i < literal.size(); ++i) {
    size_t innerBegin = 0, close = std::string::npos;
    if (literal.compare(i, 2, "$(") == 0 && literal.compare(i, 3, "$((") != 0) {
      innerBegin = i + 2;
      close = literal.find(')', innerBegin);
    } else if (literal[i] == '`') {
      innerBegin = i + 1;
      close = literal.find('`', innerBegin);
    } else {
      continue;
    }
    if (close == std::string::npos) return;
    const std::string inner = literal.substr(innerBegin, close - innerBegin);
    const auto words = substitutionWords(inner);
    if (const auto vocabulary = data::probeVocabulary(words); !vocabulary.empty()) {
      out.push_back({i, close + 1, literal.substr(i, close + 1 - i), vocabulary, "`" + text::trim(inner) + "`"});
    }
    i = close;
  }
}

// $NAME or ${NAME} exactly (a ${NAME/x/y} or ${NAME%-*} transforms the value: not judged).
void findVariable(const std::string& literal, const std::string& name, const std::string& vocabulary, const std::string& origin,
                  std::vector<ArchSpelling>& out) {
  for (size_t i = literal.find('$'); i != std::string::npos; i = literal.find('$', i + 1)) {
    if (literal.compare(i + 1, name.size() + 2, "{" + name + "}") == 0) {
      out.push_back({i, i + name.size() + 3, literal.substr(i, name.size() + 3), vocabulary, origin});
    } else if (literal.compare(i + 1, name.size(), name) == 0 &&
               (i + 1 + name.size() == literal.size() || !isIdentifierChar(literal[i + 1 + name.size()]))) {
      out.push_back({i, i + name.size() + 1, literal.substr(i, name.size() + 1), vocabulary, origin});
    }
  }
}

// Variables a switch on the architecture sets to a literal word in each arm:
// `case $(uname -m) in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; esac`. The word each
// compared platform gets is the one of the first arm whose pattern names it. A variable
// also set outside such an arm, or to a value built from anything, is not judged.
std::map<std::string, std::map<std::string, std::string>> switchVariables(const shell::Script& script,
                                                                          const Platform (&compared)[2]) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::set<std::string> unjudged;
  for (const auto& a : script.assignments) {
    const shell::Branch* arm = nullptr;
    for (const auto& b : a.branches) {
      if (b.kind == shell::Branch::Kind::CaseArm && b.onArchitecture) arm = &b;
    }
    if (!arm || a.value.literal.empty() || a.value.literal.find('$') != std::string::npos ||
        a.value.literal.find('`') != std::string::npos) {
      unjudged.insert(a.name);
      continue;
    }
    for (const auto& platform : compared) {
      const bool names = std::any_of(arm->patterns.begin(), arm->patterns.end(), [&](const std::string& pattern) {
        const auto p = vocab::wholeWordPlatform(pattern);
        return p && p->architecture == platform.architecture;
      });
      if (names) out[a.name].emplace(platform.str(), a.value.literal);  // the first arm wins
    }
  }
  for (const auto& name : unjudged) out.erase(name);
  return out;
}

// The URL with the values the stage's ARGs and ENVs have for every target put in, the script's
// own variables left as written: which of a vendor's vocabularies a URL is in can depend on the
// release it names (`download/v${S6_OVERLAY_VERSION}/` with ENV S6_OVERLAY_VERSION=2.2.0.3 is
// s6-overlay v2, whose assets say amd64; v3's say x86_64). A value not known stays as written,
// and then no versioned entry matches.
std::string withStageValues(const DockerfileContext& ctx, const dockerfile::RunScript& run, const std::string& literal,
                            const std::map<std::string, int>& scriptAssigned) {
  if (!ctx.stages) return literal;
  return text::substituteShellVariables(literal, [&](const std::string& name) -> std::optional<std::string> {
    if (scriptAssigned.count(name) || text::endsWith(name, "[@]")) return std::nullopt;
    const auto fixed =
        dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, run.stage, run.instruction, "${" + name + "}");
    if (!fixed) return std::nullopt;
    return fixed->value;
  });
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const Platform compared[] = {*parsePlatform("linux/amd64"), *parsePlatform("linux/arm64")};
  for (const auto& run : ctx.model.scripts) {
    // Variables set once in this script, straight from a probe: ARCH=$(uname -m).
    std::map<std::string, int> assignments;
    for (const auto& a : run.script.assignments) ++assignments[a.name];
    std::map<std::string, std::pair<std::string, std::string>> probeVariables;  // name -> vocabulary, origin
    for (const auto& a : run.script.assignments) {
      if (assignments[a.name] != 1) continue;
      std::vector<ArchSpelling> inline_;
      findInlineProbes(a.value.literal, inline_);
      if (inline_.size() == 1 && inline_[0].expression == text::trim(a.value.literal)) {
        probeVariables[a.name] = {inline_[0].vocabulary, inline_[0].origin};
      }
    }
    for (const auto& command : run.script.commands) {
      for (const auto& word : command.words) {
        if (word.literal.find("://") == std::string::npos) continue;
        const auto* vendor = data::findVendor(withStageValues(ctx, run, word.literal, assignments));
        if (!vendor) continue;
        std::vector<ArchSpelling> spellings;
        findInlineProbes(word.literal, spellings);
        for (const auto& [name, probe] : probeVariables) {
          findVariable(word.literal, name, probe.first, "$" + name + " (" + probe.second + ")", spellings);
        }
        // Set per architecture by a switch: judged by the word each platform's arm gives.
        for (const auto& [name, words] : switchVariables(run.script, compared)) {
          std::vector<ArchSpelling> uses;
          findVariable(word.literal, name, "", "", uses);
          for (const auto& use : uses) {
            for (const auto& platform : compared) {
              const auto given = words.find(platform.str());
              const std::string wanted = data::archWord(vendor->vocabulary, platform);
              if (given == words.end() || wanted.empty() || given->second == wanted) continue;
              const auto namedPlatform = vocab::wholeWordPlatform(given->second);
              if (!namedPlatform || namedPlatform->architecture != platform.architecture) continue;
              const std::string expanded = word.literal.substr(0, use.begin) + given->second + word.literal.substr(use.end);
              out.report(
                  rule, run.script.source.span(word.begin, word.end),
                  "$" + name + " is '" + given->second + "' on " + platform.str() + " (set in an architecture switch), but " +
                      vendor->name + " names that asset '" + wanted + "': " + expanded + " does not exist",
                  "set it to " + vendor->name + "'s words in the switch (" + data::archWord(vendor->vocabulary, compared[0]) +
                      "/" + data::archWord(vendor->vocabulary, compared[1]) + ")");
              break;  // one finding per use
            }
          }
        }
        // A name set by the script itself shadows the ARG.
        if (!assignments.count("TARGETARCH")) findVariable(word.literal, "TARGETARCH", "go", "$TARGETARCH", spellings);
        for (const auto& spelling : spellings) {
          for (const auto& platform : compared) {
            const std::string given = data::archWord(spelling.vocabulary, platform);
            const std::string wanted = data::archWord(vendor->vocabulary, platform);
            if (given.empty() || wanted.empty() || given == wanted) continue;
            const std::string expanded = word.literal.substr(0, spelling.begin) + given + word.literal.substr(spelling.end);
            out.report(rule, run.script.source.span(word.begin, word.end),
                       spelling.origin + " gives '" + given + "' on " + platform.str() + ", but " + vendor->name +
                           " names that asset '" + wanted + "': " + expanded + " does not exist",
                       "spell the architecture as " + vendor->name + " does (" + data::archWord(vendor->vocabulary, compared[0]) +
                           "/" + data::archWord(vendor->vocabulary, compared[1]) + "): map it with a `case`, or use " +
                           (vendor->vocabulary == "go"       ? "$TARGETARCH or `dpkg --print-architecture`"
                            : vendor->vocabulary == "kernel" ? "`uname -m`"
                                                             : "a `case` on $TARGETARCH"));
            break;  // one finding per spelling
          }
        }
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA146 = {
    {.id = "MA146",
     .slug = "arch-vocabulary-mismatch",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A download URL spells the architecture in another vocabulary than the vendor's",
     .what = "A URL of a known vendor (data/vendor-assets.json: kubectl, AWS CLI, Docker, Node.js, Go, Helm, "
             "HashiCorp, ...) built from `$(dpkg --print-architecture)`, `$(uname -m)`, `$(apk --print-arch)`, "
             "a variable set once from one of them, a variable an architecture switch sets to one word per arm "
             "(`x86_64) ARCH=amd64`), or $TARGETARCH, where that source's word for linux/amd64 or "
             "linux/arm64 is not the vendor's. Where a vendor renamed its assets between releases, the release the "
             "URL names, with the stage's ARG and ENV values put in, chooses the vocabulary (s6-overlay v2 says "
             "amd64, v3 x86_64); a URL whose release is not known is not judged. A variable changed after the "
             "probe (a second assignment outside a switch, `${ARCH/x86_64/amd64}`) is not judged.",
     .why = "Each source has its own vocabulary: `dpkg --print-architecture` and BuildKit's $TARGETARCH say "
            "amd64/arm64, `uname -m` and `apk --print-arch` say x86_64/aarch64, Node.js says x64/arm64. A URL "
            "built in the wrong one is a 404 (or an error page saved as the binary) on every platform.",
     .example = "FROM debian\n"
                "RUN curl -fsSLo aws.zip \"https://awscli.amazonaws.com/awscli-exe-linux-$(dpkg --print-architecture).zip\"\n"
                "# MA146",
     .fix = "Use the source whose vocabulary is the vendor's (`uname -m` for x86_64/aarch64, $TARGETARCH or "
            "`dpkg --print-architecture` for amd64/arm64), or map it with a `case`.",
     .bad = {"FROM debian\nRUN curl -fsSLO \"https://awscli.amazonaws.com/awscli-exe-linux-$(dpkg --print-architecture).zip\"\n",
             "FROM alpine\nRUN ARCH=$(uname -m) && wget -O /usr/local/bin/kubectl "
             "https://dl.k8s.io/release/v1.30.0/bin/linux/$ARCH/kubectl\n"},
     .good = {"FROM debian\nRUN curl -fsSLO \"https://awscli.amazonaws.com/awscli-exe-linux-$(uname -m).zip\"\n",
              "FROM alpine\nARG TARGETARCH\nRUN wget -O /usr/local/bin/kubectl "
              "https://dl.k8s.io/release/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n"}},
    check};

}  // namespace mal::rules
