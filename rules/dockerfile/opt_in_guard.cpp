#include "rules/dockerfile/opt_in_guard.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"

namespace mal::rules {
namespace {

// One test on one variable: `[ "$X" = v ]`, `[[ $X != v ]]`, `test -n "$X"`, `[ "$X" ]`.
struct VariableTest {
  enum class Op { Equals, NotEquals, NonEmpty, Empty } op;
  std::string variable;
  std::string value;

  bool holds(const std::string& actual) const {
    switch (op) {
      case Op::Equals: return actual == value;
      case Op::NotEquals: return actual != value;
      case Op::NonEmpty: return !actual.empty();
      case Op::Empty: return actual.empty();
    }
    return false;
  }
};

// `$NAME` or `${NAME}` (quotes already removed), else empty.
std::string variableOf(const std::string& word) {
  if (word.size() < 2 || word[0] != '$') return {};
  std::string name = word.substr(1);
  if (name.front() == '{') {
    if (name.back() != '}') return {};
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return {};
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return {};
  }
  return name;
}

bool isLiteral(const std::string& word) { return word.find_first_of("$`(){}*?[]") == std::string::npos; }

// The condition of a branch as one variable test; nullopt for anything else (several tests,
// commands, globs): only a plain test can be evaluated with the ARG's default.
std::optional<VariableTest> parseTest(const std::string& condition) {
  std::vector<std::string> words;
  for (auto& word : text::split(text::trim(condition), ' ')) {
    std::string w = text::trim(word);
    while (!w.empty() && w.back() == ';') w.pop_back();
    if (w.size() >= 2 && (w.front() == '"' || w.front() == '\'') && w.back() == w.front()) w = w.substr(1, w.size() - 2);
    if (!w.empty() || (!word.empty() && (word.front() == '"' || word.front() == '\''))) words.push_back(w);
  }
  if (words.size() >= 2 && ((words.front() == "[" && words.back() == "]") || (words.front() == "[[" && words.back() == "]]"))) {
    words = std::vector<std::string>(words.begin() + 1, words.end() - 1);
  } else if (!words.empty() && words.front() == "test") {
    words.erase(words.begin());
  } else {
    return std::nullopt;
  }
  if (words.size() == 1 && !variableOf(words[0]).empty())
    return VariableTest{VariableTest::Op::NonEmpty, variableOf(words[0]), ""};
  if (words.size() == 2 && (words[0] == "-n" || words[0] == "-z") && !variableOf(words[1]).empty()) {
    return VariableTest{words[0] == "-n" ? VariableTest::Op::NonEmpty : VariableTest::Op::Empty, variableOf(words[1]), ""};
  }
  if (words.size() != 3 || (words[1] != "=" && words[1] != "==" && words[1] != "!=")) return std::nullopt;
  const auto op = words[1] == "!=" ? VariableTest::Op::NotEquals : VariableTest::Op::Equals;
  if (!variableOf(words[0]).empty() && isLiteral(words[2])) return VariableTest{op, variableOf(words[0]), words[2]};
  if (!variableOf(words[2]).empty() && isLiteral(words[0])) return VariableTest{op, variableOf(words[2]), words[0]};
  return std::nullopt;
}

// Is the branch off in the default build, and is the variable a build argument that turns it
// on? Then what a person passes to turn it on, in words.
std::optional<std::string> optInOf(const DockerfileContext& ctx, const dockerfile::RunScript& run, const shell::Branch& branch) {
  if (branch.onArchitecture) return std::nullopt;  // an architecture switch: the rules read those themselves
  if (branch.kind == shell::Branch::Kind::CaseArm) return std::nullopt;
  const auto test = parseTest(branch.condition);
  if (!test || vocab::isPlatformArchVariable(test->variable)) return std::nullopt;
  if (run.script.assigns(test->variable)) return std::nullopt;  // the script sets it itself
  const bool wantsTrue = branch.kind == shell::Branch::Kind::IfThen || branch.kind == shell::Branch::Kind::AndThen;
  std::string defaultValue;
  for (size_t target = 0; target < ctx.stages->targets.size(); ++target) {
    const auto& at = dockerfile::environmentAt(ctx.file, ctx.model, *ctx.stages, run.stage, run.instruction, target);
    const auto& env = at.values;
    const auto& definedAt = at.definedAt;
    const auto where = definedAt.find(test->variable);
    // Only a build argument can be turned on from outside (`--build-arg`); an ENV is fixed.
    if (where == definedAt.end() || ctx.file.instructions[where->second].command != "arg") return std::nullopt;
    const auto value = env.find(test->variable);
    const std::string actual = value == env.end() || !value->second ? std::string() : *value->second;
    if (test->holds(actual) == wantsTrue) return std::nullopt;  // taken by default
    if (target > 0 && actual != defaultValue) return std::nullopt;
    defaultValue = actual;
  }
  if (ctx.stages->targets.empty()) return std::nullopt;
  const std::string shownDefault = defaultValue.empty() ? "empty" : "'" + defaultValue + "'";
  if (test->op == VariableTest::Op::Equals && wantsTrue) {
    return "only with --build-arg " + test->variable + "=" + test->value + " (by default " + test->variable + " is " +
           shownDefault + " and the build skips this branch)";
  }
  return "only when the build argument " + test->variable + " is changed from its default (" + shownDefault +
         "); the default build skips this branch";
}

struct Guard {
  Position begin, end;
  std::string note;
};

bool within(const Location& l, const Guard& g) {
  return std::tie(l.line, l.column) >= std::tie(g.begin.line, g.begin.column) &&
         std::tie(l.line, l.column) < std::tie(g.end.line, g.end.column);
}

}  // namespace

void markOptInFindings(const DockerfileContext& ctx, std::vector<Finding>& findings) {
  if (!ctx.stages) return;
  // Most files have no error or warning: then no branch needs evaluating.
  if (std::none_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity != Severity::Info; })) return;
  std::vector<Guard> guards;
  // A command, or an assignment (`export CFLAGS="-mavx512f"` is one), inside a branch that only
  // an opt-in build argument turns on: its byte range is a guard.
  auto guard = [&](const dockerfile::RunScript& run, const std::vector<shell::Branch>& branches, size_t begin, size_t end) {
    for (const auto& branch : branches) {
      if (auto note = optInOf(ctx, run, branch)) {
        const Span span = run.script.source.span(begin, end);
        guards.push_back({ctx.source.position(span.begin), ctx.source.position(span.end), std::move(*note)});
        return;
      }
    }
  };
  for (const auto& run : ctx.model.scripts) {
    for (const auto& command : run.script.commands) guard(run, command.branches, command.begin, command.end);
    for (const auto& a : run.script.assignments) guard(run, a.branches, a.value.begin, a.value.end);
  }
  if (guards.empty()) return;
  // Guards by the lines they cover, so each finding looks only at its own line's (a file of
  // many guarded RUNs and many findings stays linear).
  std::map<int, std::vector<size_t>> byLine;
  for (size_t i = 0; i < guards.size(); ++i) {
    for (int line = guards[i].begin.line; line <= guards[i].end.line; ++line) byLine[line].push_back(i);
  }
  for (auto& f : findings) {
    if (f.severity == Severity::Info || f.location.line == 0) continue;
    const auto onLine = byLine.find(f.location.line);
    if (onLine == byLine.end()) continue;
    for (const size_t i : onLine->second) {
      if (!within(f.location, guards[i])) continue;
      f.severity = Severity::Info;
      f.message += "; applies " + guards[i].note;
      break;
    }
  }
}

}  // namespace mal::rules
