#include "rules/dockerfile/shell_helpers.h"

#include <set>

namespace mal::rules {

std::string baseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<const shell::Word*> programWords(const shell::Command& command) {
  static const std::set<std::string> kWrappers = {"sudo", "env", "time", "nice", "nohup", "command", "exec", "xargs"};
  std::vector<const shell::Word*> out;
  size_t i = 0;
  while (i < command.words.size()) {
    const std::string name = baseName(command.words[i].literal);
    if (!kWrappers.count(name)) break;
    ++i;
    // Skip the wrapper's own options and env's VAR=value words.
    while (i < command.words.size() &&
           (command.words[i].literal.rfind('-', 0) == 0 || command.words[i].literal.find('=') != std::string::npos)) {
      ++i;
    }
  }
  for (; i < command.words.size(); ++i) out.push_back(&command.words[i]);
  return out;
}

std::vector<Piece> pieces(const shell::Word& word) {
  std::vector<Piece> out;
  const std::string& t = word.text;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '"' || t[i] == '\'' || t[i] == '\n')) ++i;
    const size_t start = i;
    while (i < t.size() && t[i] != ' ' && t[i] != '\t' && t[i] != '"' && t[i] != '\'' && t[i] != '\n') ++i;
    if (i > start) out.push_back({t.substr(start, i - start), start});
  }
  return out;
}

bool failureIgnored(const shell::Script& script, const shell::Command& command) {
  const std::string& text = script.source.text;
  for (const auto& fallback : script.commands) {
    if (fallback.begin < command.end) continue;
    // The first command after this one: the fallback when it is the right side of an `||`
    // whose left side ends with this command (`a && cmd || true` runs `true` when cmd fails).
    if (fallback.branches.empty() || fallback.branches.back().kind != shell::Branch::Kind::OrElse) return false;
    // Between the two only blanks, line continuations, the command's redirections
    // (`2>/dev/null`, `> /dev/null 2>&1`) and the one `||`: not `a || b; c || true`.
    const std::string_view between = std::string_view(text).substr(command.end, fallback.begin - command.end);
    const size_t orAt = between.find("||");
    if (orAt == std::string_view::npos || between.find("||", orAt + 2) != std::string_view::npos) return false;
    for (size_t i = 0; i < between.size(); ++i) {
      if (i == orAt || i == orAt + 1) continue;
      const char c = between[i];
      if (c == '\\' && i + 1 < between.size() && between[i + 1] == '\n') {
        ++i;
        continue;
      }
      const bool redirectAmpersand =
          c == '&' && ((i > 0 && between[i - 1] == '>') || (i + 1 < between.size() && between[i + 1] == '>'));
      if ((c == '&' && !redirectAmpersand) || c == ';' || c == '|' || c == '\n' || c == '(' || c == ')') return false;
    }
    const auto words = programWords(fallback);
    if (words.empty()) return false;
    const std::string name = baseName(words[0]->literal);
    if (name == "true" || name == ":" || name == "echo" || name == "printf") return true;
    return name == "exit" && words.size() == 2 && words[1]->literal == "0";
  }
  return false;
}

bool variesByArch(const shell::Command& command, const shell::Word& word) {
  return word.archVarying || command.insideArchBranch();
}

std::pair<size_t, size_t> conditionRange(const shell::Script& script, std::string_view condition) {
  // The condition's text is its statements joined, terminators included (`[ ... ];`), so it
  // is looked for without them: `[ ... ] ;` is written with a blank.
  while (!condition.empty() && std::string_view(" \t\n;&").find(condition.back()) != std::string_view::npos)
    condition.remove_suffix(1);
  if (condition.empty()) return {std::string::npos, std::string::npos};
  const size_t at = script.source.text.find(condition);
  if (at == std::string::npos) return {std::string::npos, std::string::npos};
  return {at, at + condition.size()};
}

OutputFile outputFileOf(const shell::Script& script, size_t index) {
  const auto& command = script.commands[index];
  const std::string& text = script.source.text;
  size_t i = command.end;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == '>' && (i + 1 >= text.size() || text[i + 1] != '&')) {
    ++i;
    const bool appends = i < text.size() && text[i] == '>';
    if (appends) ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t end = i;
    while (end < text.size() && std::string_view(" \t\n;&|)").find(text[end]) == std::string_view::npos) ++end;
    return {text.substr(i, end - i), appends};
  }
  if (command.pipesInto < script.commands.size()) {
    const auto words = programWords(script.commands[command.pipesInto]);
    if (words.empty() || baseName(words[0]->literal) != "tee") return {};
    if (words.size() == 2) return {words[1]->literal, false};
    if (words.size() == 3 && (words[1]->literal == "-a" || words[1]->literal == "--append")) return {words[2]->literal, true};
  }
  return {};
}

bool valueDiesWithRun(const shell::Script& script, std::string_view name, size_t valueEnd, bool exported) {
  for (const auto& use : script.variableUses) {
    if (use.name == name) return false;
  }
  static const std::set<std::string_view> kBuiltins = {"export", "echo",    "printf", "cd",      "true", "false",
                                                       ":",      "set",     "unset",  "test",    "[",    "readonly",
                                                       "shift",  "declare", "local",  "typeset", "exit", "return"};
  for (const auto& command : script.commands) {
    const std::string program = command.name();
    if (program == "." || program == "source" || program == "eval") return false;
    if (exported && command.begin >= valueEnd && !program.empty() && !kBuiltins.count(program)) return false;
  }
  return true;
}

}  // namespace mal::rules
