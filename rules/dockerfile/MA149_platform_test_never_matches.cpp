// MA149: a test of BuildKit's automatic platform ARGs against a spelling BuildKit never
// gives them. TARGETPLATFORM is `platforms.Format(platforms.Normalize(p))`: the OS, the
// GOARCH name and a variant, where Normalize turns aarch64 into arm64 and x86_64 into amd64
// and drops arm64's default variant v8; TARGETARCH is the GOARCH name alone. So
// `[ "$TARGETPLATFORM" = "linux/arm64/v8" ]` or `[ "$TARGETARCH" = "x86_64" ]` is false on
// every platform, and what it guards never runs where it was meant to.
// (bitwarden/server docker-unified/Dockerfile before 743fdfc: confd downloaded only under
// `if [ "$TARGETPLATFORM" = "linux/arm64/v8" ]`, so the arm64 build had none.)
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {
namespace {

struct Misspelling {
  const char* written;
  const char* buildkit;  // what BuildKit gives for that platform
};

// Values TARGETPLATFORM / BUILDPLATFORM never have, and what they have instead.
constexpr Misspelling kPlatformSpellings[] = {
    {"linux/arm64/v8", "linux/arm64"}, {"linux/aarch64", "linux/arm64"}, {"linux/x86_64", "linux/amd64"},
    {"linux/x86-64", "linux/amd64"},   {"linux/arm64v8", "linux/arm64"}, {"linux/armhf", "linux/arm/v7"},
    {"linux/armv7", "linux/arm/v7"},   {"linux/armv7l", "linux/arm/v7"}, {"linux/amd64/v1", "linux/amd64"},
};
// Values TARGETARCH / BUILDARCH never have (they are GOARCH names).
constexpr Misspelling kArchSpellings[] = {
    {"x86_64", "amd64"},  {"x86-64", "amd64"}, {"x64", "amd64"}, {"aarch64", "arm64"},
    {"arm64v8", "arm64"}, {"armv8", "arm64"},  {"armhf", "arm"}, {"armv7l", "arm"},
    {"armv7", "arm"},     {"i386", "386"},     {"i686", "386"},  {"ppc64el", "ppc64le"},
};

// The one variable a test reads, when it reads exactly one and runs no command: then every
// word it compares with is a value of that variable.
std::string onlyVariable(const std::string& condition) {
  if (condition.find("$(") != std::string::npos || condition.find('`') != std::string::npos) return "";
  std::string found;
  for (size_t i = 0; i + 1 < condition.size(); ++i) {
    if (condition[i] != '$') continue;
    size_t at = i + 1 + (condition[i + 1] == '{' ? 1 : 0);
    size_t end = at;
    while (end < condition.size() && (std::isalnum(static_cast<unsigned char>(condition[end])) || condition[end] == '_')) ++end;
    if (end == at) continue;
    const std::string name = condition.substr(at, end - at);
    if (!found.empty() && found != name) return "";
    found = name;
    i = end - 1;
  }
  return found;
}

// The words a test compares with, in order and lower case: `text` split at quotes, blanks,
// brackets, `=`, `!`, `|`, `(`, `)` and `;`.
std::vector<std::string> wordsOf(const std::string& text) {
  std::vector<std::string> words;
  const auto isSeparator = [](char c) { return std::string_view(" \t\"'[]=!|();\n").find(c) != std::string_view::npos; };
  for (size_t begin = 0; begin < text.size();) {
    while (begin < text.size() && isSeparator(text[begin])) ++begin;
    size_t end = begin;
    while (end < text.size() && !isSeparator(text[end])) ++end;
    if (end > begin) words.push_back(text::lower(text.substr(begin, end - begin)));
    begin = end;
  }
  return words;
}

// The first word of `text` that is one of the misspellings, or null.
const Misspelling* misspellingIn(const std::string& text, const std::string& variable) {
  const bool platform = variable == "TARGETPLATFORM" || variable == "BUILDPLATFORM";
  const bool arch = variable == "TARGETARCH" || variable == "BUILDARCH";
  if (!platform && !arch) return nullptr;
  for (const auto& word : wordsOf(text)) {
    if (platform) {
      for (const auto& m : kPlatformSpellings) {
        if (word == m.written) return &m;
      }
    } else {
      for (const auto& m : kArchSpellings) {
        if (word == m.written) return &m;
      }
    }
  }
  return nullptr;
}

// Does a test text name a value BuildKit does give (amd64, arm64, linux/arm64, ...)? Then a
// misspelling next to it (`[ "$A" = amd64 ] || [ "$A" = x86_64 ]`, `x86_64 | amd64)`) is
// a harmless alias, not a test that is always false.
bool namesBuildKitValue(const std::string& text) {
  static const char* kValues[] = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64"};
  for (const auto& written : wordsOf(text)) {
    if (written == "linux/arm64/v8") continue;
    std::string word = text::startsWith(written, "linux/") ? written.substr(6) : written;
    word = word.substr(0, word.find('/'));
    for (const char* v : kValues) {
      if (word == v) return true;
    }
  }
  return false;
}

// A test command (`[ ... ]`, `[[ ... ]]`, `test ...`), not a compound statement: the
// condition of a command after `if ...; fi &&` is that whole `if`, body included.
bool isTestCommand(std::string_view condition) {
  while (!condition.empty() && (condition.front() == ' ' || condition.front() == '\t')) condition.remove_prefix(1);
  return text::startsWith(condition, "[") || text::startsWith(condition, "test ");
}

// Does the stage get the automatic value (declared without a default: MA145 judges a
// default, MA140 an undeclared use)?
bool automaticIn(const dockerfile::Stage& stage, const std::string& name, size_t instruction) {
  for (const auto& arg : stage.args) {
    if (arg.name == name && !arg.value) return stage.declaresArgBefore(name, instruction);
  }
  return false;
}

// Every platform test of a script: fn(subject, compared text, position).
template <typename Fn>
void forEachTest(const shell::Script& script, Fn&& fn) {
  for (const auto& sw : script.archSwitches) {
    // An if chain's subject is its first test, judged with the branches below.
    if (isTestCommand(sw.subject)) continue;
    // A case arm whose every pattern is a misspelling never runs.
    for (const auto& arm : sw.arms) fn(sw.subject, text::join(arm.patterns, " "), sw.begin);
  }
  const auto branches = [&](const std::vector<shell::Branch>& list) {
    for (const auto& branch : list) {
      if (branch.kind == shell::Branch::Kind::CaseArm || !isTestCommand(branch.condition)) continue;
      const size_t at = conditionRange(script, branch.condition).first;
      if (at == std::string::npos) continue;
      fn(branch.condition, branch.condition, at);
    }
  };
  for (const auto& command : script.commands) branches(command.branches);
  for (const auto& assignment : script.assignments) branches(assignment.branches);
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // What each stage's tests compare each variable with: a misspelled test beside one with
  // BuildKit's spelling of the same platform (`[ "$TARGETARCH" = "arm64" ]`, then
  // `[ "$TARGETARCH" = "aarch64" ]` doing the same, keletes/freecad-docker) is a redundant
  // alias, dead but harmless: that platform is served by the right test.
  std::vector<std::map<std::string, std::set<std::string>>> comparedInStage(ctx.model.stages.size());
  for (const auto& run : ctx.model.scripts) {
    if (run.stage >= comparedInStage.size()) continue;
    forEachTest(run.script, [&](const std::string& subject, const std::string& compared, size_t) {
      const std::string variable = onlyVariable(subject);
      if (variable.empty()) return;
      for (auto& word : wordsOf(compared)) comparedInStage[run.stage][variable].insert(std::move(word));
    });
  }
  for (const auto& run : ctx.model.scripts) {
    const auto& script = run.script;
    const auto& stage = ctx.model.stages[run.stage];
    std::set<size_t> reported;  // by position: one test is one mistake
    const auto judge = [&](const std::string& subject, const std::string& compared, size_t at) {
      const std::string variable = onlyVariable(subject);
      if (variable.empty() || !automaticIn(stage, variable, run.instruction)) return;
      const auto* m = misspellingIn(compared, variable);
      if (!m || namesBuildKitValue(compared) || !reported.insert(at).second) return;
      if (comparedInStage[run.stage][variable].count(m->buildkit)) return;
      out.report(rule, script.source.span(at, at + std::min<size_t>(subject.size(), 4)),
                 "compares $" + variable + " with '" + m->written + "', a value BuildKit never gives it (it says '" +
                     m->buildkit + "'): this test is false on every platform",
                 "compare with '" + std::string(m->buildkit) +
                     "' (BuildKit normalizes the platform: GOARCH names, no arm64 variant)" +
                     (variable == "TARGETARCH" || variable == "BUILDARCH"
                          ? ", or probe the machine with `uname -m`, whose names these are"
                          : ""));
    };
    forEachTest(script, judge);
  }
}

}  // namespace

extern const DockerfileRule kMA149 = {
    {.id = "MA149",
     .slug = "platform-test-never-matches",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A test compares $TARGETPLATFORM or $TARGETARCH with a spelling BuildKit never gives it",
     .what = "An `if`/`[ ]`/`case` on the automatic $TARGETPLATFORM (or $BUILDPLATFORM) against `linux/arm64/v8`, "
             "`linux/aarch64`, `linux/x86_64`, or on $TARGETARCH (or $BUILDARCH) against `x86_64`, `aarch64`, `x64`, "
             "`armhf`, `i386`, ...: names of `uname -m`, dpkg or vendors, not BuildKit's. Only tests that read that "
             "one variable and run no command, in a stage that declares it without a default. Not a test beside one in "
             "the same stage that compares the variable with BuildKit's spelling of that platform (`= arm64` and "
             "`= aarch64` doing the same thing): that platform takes the right branch, and the alias is only dead "
             "code.",
     .why = "BuildKit sets TARGETPLATFORM to `platforms.Format(platforms.Normalize(p))`: GOARCH names (amd64, "
            "arm64), and arm64's default variant v8 dropped, so `--platform linux/arm64/v8` still gives "
            "`linux/arm64`; TARGETARCH is the GOARCH name alone. The test is false on every platform: what it "
            "guards never runs (the arm64 download is skipped, and the build fails later or ships without it), "
            "or its else branch runs everywhere.",
     .example = "FROM debian\n"
                "ARG TARGETPLATFORM\n"
                "RUN if [ \"$TARGETPLATFORM\" = \"linux/arm64/v8\" ]; then curl -fsSLO https://example.com/tool-arm64.tgz; fi\n"
                "# MA149",
     .fix = "Compare with BuildKit's spelling (`linux/arm64`, `amd64`, `arm64`), or switch on `uname -m` when the "
            "vendor's names are wanted.",
     .bad = {"FROM debian\nARG TARGETPLATFORM\nRUN if [ \"$TARGETPLATFORM\" = \"linux/arm64/v8\" ]; then echo arm; fi\n",
             "FROM debian\nARG TARGETARCH\nRUN case \"$TARGETARCH\" in x86_64) A=x64 ;; aarch64) A=arm64 ;; *) exit 1 ;; esac\n"},
     .good = {"FROM debian\nARG TARGETPLATFORM\nRUN if [ \"$TARGETPLATFORM\" = \"linux/arm64\" ]; then echo arm; fi\n",
              "FROM debian\nRUN case \"$(uname -m)\" in x86_64) A=x64 ;; aarch64) A=arm64 ;; *) exit 1 ;; esac\n",
              "FROM debian\nARG TARGETARCH\nRUN case \"$TARGETARCH\" in amd64) A=x86_64 ;; arm64) A=aarch64 ;; *) exit 1 ;; "
              "esac\n"}},
    check};

}  // namespace mal::rules
