#include "analyzer/shell/shell_model.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <string_view>

#include "analyzer/shell/arch_vocabulary.h"

extern "C" const TSLanguage* tree_sitter_bash(void);

namespace mal::shell {

Span ScriptText::span(size_t begin, size_t end) const {
  if (origin.empty()) return {};
  begin = std::min(begin, text.size());
  end = std::min(std::max(end, begin), text.size());
  return {origin[begin], end > begin ? origin[end - 1] + 1 : origin[begin]};
}

std::string Command::name() const {
  if (words.empty()) return {};
  const std::string& n = words[0].literal;
  const size_t slash = n.rfind('/');
  return slash == std::string::npos ? n : n.substr(slash + 1);
}

bool Command::insideArchBranch() const {
  return std::any_of(branches.begin(), branches.end(), [](const Branch& b) { return b.onArchitecture; });
}

namespace {

// One parser per thread: creating a TSParser costs more than parsing a typical RUN.
TSParser* bashParser() {
  struct Holder {
    TSParser* parser = ts_parser_new();
    Holder() { ts_parser_set_language(parser, tree_sitter_bash()); }
    ~Holder() { ts_parser_delete(parser); }
  };
  thread_local Holder holder;
  return holder.parser;
}

bool is(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

class Walker {
 public:
  Walker(Script& out) : out_(out), src_(out.source.text) {}
  Walker(Script& out, std::vector<Branch> branches, int depth)
      : out_(out), src_(out.source.text), branches_(std::move(branches)), depth_(depth) {}

  void visit(TSNode node) {
    if (ts_node_is_null(node)) return;
    // Hostile input can nest without end ($($($(...))); stop well before the stack does.
    if (depth_ >= kMaxDepth) {
      out_.hasSyntaxError = true;
      return;
    }
    struct DepthGuard {
      int& depth;
      explicit DepthGuard(int& d) : depth(++d) {}
      ~DepthGuard() { --depth; }
    } guard(depth_);
    if (is(node, "simple_expansion") || is(node, "expansion")) recordUse(node);
    if (is(node, "program")) return visitProgram(node);
    if (is(node, "command")) return visitCommand(node);
    if (is(node, "variable_assignment")) return visitAssignment(node);
    if (is(node, "case_statement")) return visitCase(node);
    if (is(node, "if_statement")) return visitIf(node);
    if (is(node, "list")) return visitList(node);
    if (is(node, "pipeline")) return visitPipeline(node);
    if (is(node, "file_redirect")) recordRedirect(node);
    visitChildren(node);
  }

 private:
  std::string textOf(TSNode node) const {
    return src_.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
  }

  void recordUse(TSNode node) {
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode child = ts_node_named_child(node, i);
      if (is(child, "variable_name")) {
        out_.variableUses.push_back({textOf(child), ts_node_start_byte(node), ts_node_end_byte(node)});
        return;
      }
    }
  }

  void recordRedirect(TSNode node) {
    const TSNode target = ts_node_child_by_field_name(node, "destination", 11);
    if (ts_node_is_null(target)) return;
    out_.redirects.push_back({makeWord(target), branches_});
  }

  // `a | b | c`: each plain command (or redirected one) of the pipeline is told which command
  // reads its output. A command is recorded before its nested substitutions, so the first
  // command a stage adds is that stage's own.
  void visitPipeline(TSNode node) {
    constexpr size_t kNone = static_cast<size_t>(-1);
    size_t writer = kNone;
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode child = ts_node_named_child(node, i);
      const size_t first = out_.commands.size();
      visit(child);
      const bool plain = is(child, "command") || is(child, "redirected_statement");
      const bool added = out_.commands.size() > first;
      if (writer != kNone && added) out_.commands[writer].pipesInto = first;
      writer = plain && added ? first : kNone;
    }
  }

  void visitChildren(TSNode node) {
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) visit(ts_node_child(node, i));
  }

  // The word's value with shell quoting removed; expansions stay as written.
  std::string literalOf(TSNode node, int depth = 0) const {
    std::string text = textOf(node);
    if (depth > kMaxDepth) return text;
    if (is(node, "raw_string") || is(node, "string")) {
      if (text.size() >= 2) return text.substr(1, text.size() - 2);
      return text;
    }
    if (is(node, "concatenation")) {
      std::string out;
      uint32_t at = ts_node_start_byte(node);
      const uint32_t count = ts_node_child_count(node);
      for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(node, i);
        out += src_.substr(at, ts_node_start_byte(child) - at);
        out += literalOf(child, depth + 1);
        at = ts_node_end_byte(child);
      }
      return out + src_.substr(at, ts_node_end_byte(node) - at);
    }
    if (is(node, "word") || is(node, "command_name")) {
      if (is(node, "command_name") && ts_node_named_child_count(node) == 1) {
        return literalOf(ts_node_named_child(node, 0), depth + 1);
      }
      std::string out;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        out += text[i];
      }
      return out;
    }
    return text;
  }

  void collectVariables(TSNode node, std::vector<std::string>& names, bool& substitution, int depth = 0) const {
    if (depth > kMaxDepth) return;
    if (is(node, "simple_expansion") || is(node, "expansion")) {
      const uint32_t count = ts_node_named_child_count(node);
      for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_named_child(node, i);
        if (is(child, "variable_name")) names.push_back(textOf(child));
      }
    }
    if (is(node, "command_substitution")) substitution = true;
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) collectVariables(ts_node_child(node, i), names, substitution, depth + 1);
  }

  // The words of a command node (name and arguments), without its redirects.
  std::vector<TSNode> commandWordNodes(TSNode command) const {
    std::vector<TSNode> nodes;
    TSTreeCursor cursor = ts_tree_cursor_new(command);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        const char* field = ts_tree_cursor_current_field_name(&cursor);
        if (field && (std::strcmp(field, "name") == 0 || std::strcmp(field, "argument") == 0)) {
          nodes.push_back(ts_tree_cursor_current_node(&cursor));
        }
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return nodes;
  }

  // Does this subtree carry the architecture: an arch variable, or a probe command?
  bool archVarying(TSNode node, int depth = 0) const {
    if (depth > kMaxDepth) return false;
    if (is(node, "simple_expansion") || is(node, "expansion")) {
      const uint32_t count = ts_node_named_child_count(node);
      for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_named_child(node, i);
        if (is(child, "variable_name") && isArchVariable(textOf(child))) return true;
      }
    }
    if (is(node, "command")) {
      std::vector<std::string> words;
      for (const TSNode w : commandWordNodes(node)) words.push_back(literalOf(w));
      if (vocab::isArchProbe(words)) return true;
    }
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      if (archVarying(ts_node_child(node, i), depth + 1)) return true;
    }
    return false;
  }

  bool isArchVariable(const std::string& name) const {
    return vocab::isPlatformArchVariable(name) || out_.archVariables.count(name) > 0;
  }

  // The names of the `$name` and `${name...}` expansions in a word's text (not inside single
  // quotes; `\$` is a dollar sign).
  static std::vector<std::string> expandedNames(std::string_view text) {
    std::vector<std::string> names;
    bool single = false;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\\' && !single) {
        ++i;
        continue;
      }
      if (c == '\'') single = !single;
      if (c != '$' || single || i + 1 >= text.size()) continue;
      size_t at = i + 1;
      if (text[at] == '{') ++at;
      const size_t start = at;
      while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_')) ++at;
      if (at > start && !std::isdigit(static_cast<unsigned char>(text[start])))
        names.emplace_back(text.substr(start, at - start));
    }
    return names;
  }

  Word makeWord(TSNode node) const {
    Word w;
    w.text = textOf(node);
    w.literal = literalOf(node);
    w.begin = ts_node_start_byte(node);
    w.end = ts_node_end_byte(node);
    collectVariables(node, w.variables, w.hasCommandSubstitution);
    w.archVarying = archVarying(node);
    return w;
  }

  // `sh -c 'script'`, `bash -ec "script"`: the quoted argument is a script the shell runs (an
  // option word with `c` among its letters takes the first argument that is not an option's
  // value). Quoted as one word, so its inside is exactly the script's text: single quotes,
  // or double quotes with no backslash, whose inside the shell passes on as written but for
  // the expansions, which read the same variables either way. Null when there is none.
  std::optional<TSNode> shellScriptArgument(const std::vector<TSNode>& words) const {
    if (words.size() < 3) return std::nullopt;
    std::string name = literalOf(words[0]);
    name = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    static const std::set<std::string, std::less<>> kShells{"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"};
    if (!kShells.count(name)) return std::nullopt;
    bool commandString = false;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string text = textOf(words[i]);
      if (commandString) {
        const bool singleQuoted = is(words[i], "raw_string");
        const bool plainDoubleQuoted = is(words[i], "string") && text.find('\\') == std::string::npos;
        if (!singleQuoted && !plainDoubleQuoted) return std::nullopt;
        return words[i];
      }
      if (text == "-o" || text == "+o" || text == "-O" || text == "+O") {
        ++i;  // the option's name
        continue;
      }
      if (text.size() < 2 || (text[0] != '-' && text[0] != '+') || text == "--") return std::nullopt;
      if (text.find('c') != std::string::npos && text[0] == '-' && text[1] != '-') commandString = true;
    }
    return std::nullopt;
  }

  // Reads the script of `sh -c '...'` as commands of this script, at their own places: the
  // text around it is blanked, so the parser's offsets are the outer script's. They run
  // where the `sh -c` does: inside its branches.
  void visitNestedScript(TSNode argument) {
    const uint32_t begin = ts_node_start_byte(argument) + 1, end = ts_node_end_byte(argument) - 1;
    if (end <= begin) return;
    std::string masked(src_.size(), ' ');
    std::copy(src_.begin() + begin, src_.begin() + end, masked.begin() + begin);
    TSTree* tree = ts_parser_parse_string(bashParser(), nullptr, masked.data(), static_cast<uint32_t>(masked.size()));
    if (!tree) return;
    if (ts_node_has_error(ts_tree_root_node(tree))) out_.hasSyntaxError = true;
    Walker nested(out_, branches_, depth_ + 1);
    nested.visit(ts_tree_root_node(tree));
    ts_tree_delete(tree);
  }

  void visitCommand(TSNode node) {
    Command command;
    command.begin = ts_node_start_byte(node);
    command.end = ts_node_end_byte(node);
    command.branches = branches_;
    const auto wordNodes = commandWordNodes(node);
    const auto nestedScript = shellScriptArgument(wordNodes);
    for (const TSNode w : wordNodes) {
      // The script of `sh -c` is read as commands (below), not kept as one word.
      if (nestedScript && ts_node_eq(w, *nestedScript)) continue;
      Word word = makeWord(w);
      // Nodes that touch are one shell word: tree-sitter-bash ends an unquoted `$A` at the
      // next `$`, so `$A$B` and `https://x/$V/t-$V.tgz` come as several argument nodes, which
      // the shell (and BuildKit's lexer) expands as one word, like `${A}${B}`.
      if (!command.words.empty() && command.words.size() > 1 && command.words.back().end == word.begin) {
        Word& joined = command.words.back();
        joined.text += word.text;
        joined.literal += word.literal;
        joined.end = word.end;
        joined.hasCommandSubstitution = joined.hasCommandSubstitution || word.hasCommandSubstitution;
        joined.archVarying = joined.archVarying || word.archVarying;
        // The split leaves a `$` at the end of one node and the name at the start of the
        // next: the names are read again from the joined text.
        for (const auto& name : expandedNames(joined.text)) {
          if (std::find(joined.variables.begin(), joined.variables.end(), name) == joined.variables.end()) {
            joined.variables.push_back(name);
          }
          joined.archVarying = joined.archVarying || isArchVariable(name);
        }
        continue;
      }
      command.words.push_back(std::move(word));
    }
    out_.commands.push_back(std::move(command));
    // Prefix assignments and nested command substitutions; a `sh -c` script is read whole.
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode child = ts_node_child(node, i);
      if (nestedScript && ts_node_eq(child, *nestedScript)) {
        visitNestedScript(child);
      } else {
        visit(child);
      }
    }
  }

  void visitAssignment(TSNode node) {
    const TSNode nameNode = ts_node_child_by_field_name(node, "name", 4);
    const TSNode valueNode = ts_node_child_by_field_name(node, "value", 5);
    Assignment a;
    a.name = ts_node_is_null(nameNode) ? std::string() : textOf(nameNode);
    if (!ts_node_is_null(valueNode)) a.value = makeWord(valueNode);
    a.branches = branches_;
    const bool inArchBranch = std::any_of(branches_.begin(), branches_.end(), [](const Branch& b) { return b.onArchitecture; });
    a.archDerived = a.value.archVarying || inArchBranch;
    if (a.archDerived) {
      out_.archVariables.insert(a.name);
    } else if (branches_.empty()) {
      out_.archVariables.erase(a.name);  // an unconditional plain reassignment
    }
    out_.assignments.push_back(std::move(a));
    if (!ts_node_is_null(valueNode)) visit(valueNode);
  }

  // `false`, or `exit N` / `return N` with N not 0. A bare `exit` returns the last status (an
  // `echo`'s 0), so it does not fail. `firstArgument` is null for a command with none.
  static bool failsWith(std::string_view name, const std::string* firstArgument) {
    if (name == "false") return true;
    return (name == "exit" || name == "return") && firstArgument && *firstArgument != "0";
  }

  static bool bodyFails(const Script& script, size_t firstCommand) {
    for (size_t i = firstCommand; i < script.commands.size(); ++i) {
      const Command& c = script.commands[i];
      if (failsWith(c.name(), c.words.size() >= 2 ? &c.words[1].literal : nullptr)) return true;
    }
    return false;
  }

  // Does any arm of this case match an architecture name (`amd64)`, `x86_64|amd64)`)?
  bool armsNameArchitectures(TSNode node) const {
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode item = ts_node_named_child(node, i);
      if (!is(item, "case_item")) continue;
      TSTreeCursor cursor = ts_tree_cursor_new(item);
      bool named = false;
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
          const char* field = ts_tree_cursor_current_field_name(&cursor);
          // `amd64)`, `linux-arm64|linux-aarch64)`: a pattern that names an architecture.
          if (field && std::strcmp(field, "value") == 0) {
            named = named || !vocab::findArchTokens(literalOf(ts_tree_cursor_current_node(&cursor))).empty();
          }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
      }
      ts_tree_cursor_delete(&cursor);
      if (named) return true;
    }
    return false;
  }

  void visitCase(TSNode node) {
    const TSNode subject = ts_node_child_by_field_name(node, "value", 5);
    const std::string subjectText = ts_node_is_null(subject) ? std::string() : textOf(subject);
    // A switch on an architecture probe or variable; or on any expansion whose arms are
    // architecture names (`case "$PACKAGE_ARCH" in amd64) ...`: a build ARG carrying it).
    const bool onArch = !ts_node_is_null(subject) &&
                        (archVarying(subject) || (subjectText.find('$') != std::string::npos && armsNameArchitectures(node)));
    if (!ts_node_is_null(subject)) visit(subject);
    ArchSwitch archSwitch;
    archSwitch.subject = subjectText;
    archSwitch.begin = ts_node_start_byte(node);
    archSwitch.end = ts_node_end_byte(node);
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode item = ts_node_named_child(node, i);
      if (!is(item, "case_item")) continue;
      Branch branch{Branch::Kind::CaseArm, subjectText, {}, onArch};
      std::vector<TSNode> body;
      TSTreeCursor cursor = ts_tree_cursor_new(item);
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
          const TSNode child = ts_tree_cursor_current_node(&cursor);
          const char* field = ts_tree_cursor_current_field_name(&cursor);
          if (field && std::strcmp(field, "value") == 0) {
            branch.patterns.push_back(literalOf(child));
          } else if (ts_node_is_named(child)) {
            body.push_back(child);
          }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
      }
      ts_tree_cursor_delete(&cursor);
      archSwitch.arms.push_back(visitClause(branch, body, branch.patterns));
    }
    if (onArch) out_.archSwitches.push_back(std::move(archSwitch));
  }

  // The architecture names an if/elif condition compares against (`[ "$arch" = amd64 ]`,
  // `[[ $(uname -m) == x86_64 || ... ]]`): the arm's patterns when the chain is read as a
  // switch. Empty when the condition negates (`!=`, `!`): such an arm is no switch arm.
  static std::vector<std::string> comparedArchNames(const std::string& condition) {
    std::vector<std::string> names;
    if (condition.find("!=") != std::string::npos || condition.find("! ") != std::string::npos) return names;
    size_t i = 0;
    while (i < condition.size()) {
      const auto wordChar = [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/' || c == '.';
      };
      if (!wordChar(condition[i])) {
        ++i;
        continue;
      }
      const size_t start = i;
      while (i < condition.size() && wordChar(condition[i])) ++i;
      const std::string word = condition.substr(start, i - start);
      const auto tokens = vocab::findArchTokens(word);
      if (tokens.size() == 1 && tokens[0].begin == 0 && tokens[0].end == word.size()) names.push_back(word);
    }
    return names;
  }

  // `[ "$PACKAGE_ARCH" = amd64 ]`: an expansion compared with an architecture name is an
  // architecture condition, whatever the variable is called.
  static bool comparesToArchitecture(const std::string& condition) {
    return condition.find('$') != std::string::npos && !comparedArchNames(condition).empty();
  }

  // Visits one clause's body under its branch; returns what the arm does, for the switch view.
  ArchSwitch::Arm visitClause(const Branch& branch, const std::vector<TSNode>& body, std::vector<std::string> patterns) {
    const size_t firstCommand = out_.commands.size();
    const size_t firstAssignment = out_.assignments.size();
    branches_.push_back(branch);
    for (const TSNode statement : body) visit(statement);
    branches_.pop_back();
    bool acts = false;
    for (size_t c = firstCommand; c < out_.commands.size(); ++c) {
      const std::string name = out_.commands[c].name();
      acts = acts || !(name.empty() || name == "echo" || name == "printf" || name == "true" || name == ":");
    }
    return {std::move(patterns), bodyFails(out_, firstCommand), out_.assignments.size() > firstAssignment, acts};
  }

  void visitIf(TSNode node) {
    bool chainOnArch = false;
    std::string conditionText;
    std::vector<TSNode> body;
    // Children: `if`, condition statements (field "condition"), `then`, body statements,
    // elif_clause*, else_clause?, `fi`.
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    std::vector<TSNode> clauses;
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        const TSNode child = ts_tree_cursor_current_node(&cursor);
        const char* field = ts_tree_cursor_current_field_name(&cursor);
        if (field && std::strcmp(field, "condition") == 0) {
          conditionText += textOf(child);
          chainOnArch = chainOnArch || archVarying(child) || comparesToArchitecture(textOf(child));
          visit(child);
        } else if (is(child, "elif_clause") || is(child, "else_clause")) {
          clauses.push_back(child);
        } else if (ts_node_is_named(child)) {
          body.push_back(child);
        }
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    // An if/elif chain on the architecture is a switch too: each clause an arm, `else` the default.
    ArchSwitch chain;
    chain.subject = conditionText;
    chain.begin = ts_node_start_byte(node);
    chain.end = ts_node_end_byte(node);
    bool readableAsSwitch = true;
    auto addArm = [&](ArchSwitch::Arm arm, bool isElse) {
      if (!isElse && arm.patterns.empty()) readableAsSwitch = false;
      chain.arms.push_back(std::move(arm));
    };
    addArm(visitClause({Branch::Kind::IfThen, conditionText, {}, chainOnArch}, body, comparedArchNames(conditionText)), false);

    for (const TSNode clause : clauses) {
      if (is(clause, "else_clause")) {
        std::vector<TSNode> elseBody;
        const uint32_t count = ts_node_named_child_count(clause);
        for (uint32_t i = 0; i < count; ++i) elseBody.push_back(ts_node_named_child(clause, i));
        addArm(visitClause({Branch::Kind::IfElse, conditionText, {}, chainOnArch}, elseBody, {"*"}), true);
        continue;
      }
      // elif: statements before `then` are its condition.
      bool seenThen = false;
      std::string elifCondition;
      std::vector<TSNode> elifBody;
      const uint32_t count = ts_node_child_count(clause);
      for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(clause, i);
        if (!ts_node_is_named(child)) {
          if (std::strcmp(ts_node_type(child), "then") == 0) seenThen = true;
          continue;
        }
        if (!seenThen) {
          elifCondition += textOf(child);
          chainOnArch = chainOnArch || archVarying(child) || comparesToArchitecture(textOf(child));
          visit(child);
        } else {
          elifBody.push_back(child);
        }
      }
      addArm(visitClause({Branch::Kind::IfThen, elifCondition, {}, chainOnArch}, elifBody, comparedArchNames(elifCondition)),
             false);
    }
    // A lone `if [ arch = x ]` is optional work for x, not a switch; a chain of two or more
    // arms on the architecture is one.
    if (chainOnArch && readableAsSwitch && chain.arms.size() >= 2) out_.archSwitches.push_back(std::move(chain));
  }

  // `[ "$arch" = amd64 ] && curl ...`: the right side runs only when the test holds.
  void visitList(TSNode node) {
    const uint32_t count = ts_node_child_count(node);
    if (count != 3) return visitChildren(node);
    const TSNode left = ts_node_child(node, 0);
    const TSNode op = ts_node_child(node, 1);
    const TSNode right = ts_node_child(node, 2);
    TSNode condition = left;
    while (is(condition, "list") && ts_node_child_count(condition) == 3) condition = ts_node_child(condition, 2);
    const bool isTest = isTestCommand(condition) || is(condition, "negated_command");
    visit(left);
    const bool onArch = isTest && archVarying(condition);
    const bool andThen = std::strcmp(ts_node_type(op), "&&") == 0;
    // `if [ "$(uname -m)" != x86_64 ]; then exit 1; fi && curl ...`: a guard earlier in the
    // `&&` chain puts the right side under its condition (see visitProgram).
    std::optional<Branch> guard;
    if (andThen && !onArch) {
      for (TSNode element = left; !guard;) {
        const bool chained = is(element, "list") && ts_node_child_count(element) == 3 &&
                             std::strcmp(ts_node_type(ts_node_child(element, 1)), "&&") == 0;
        guard = archGuard(chained ? ts_node_child(element, 2) : element, false);
        if (!chained) break;
        element = ts_node_child(element, 0);
      }
    }
    branches_.push_back(guard ? *guard
                              : Branch{andThen ? Branch::Kind::AndThen : Branch::Kind::OrElse, textOf(condition), {}, onArch});
    visit(right);
    branches_.pop_back();
  }

  // The script's top-level statements in order. After an architecture guard, the statements
  // that follow run only where it let the script go on: they carry a `guard` branch with its
  // condition, as if written inside `if`. The guards:
  //   `[ "$(uname -m)" = x86_64 ] || exit 1` (or `|| { echo ...; exit 1; }`, `|| false`);
  //   `test "$(uname -m)" = "x86_64"` alone after `set -e` (errexit ends the script there);
  //   `if [ "$(uname -m)" != x86_64 ]; then echo ...; exit 1; fi`, and an `if` on an equality
  //   whose only `else` fails.
  // (wischner/docker-toolchains' xcc-z80-idp, Part ZZZZZZZC: `test "$(uname -m)" = "x86_64"`
  // before the x86_64 release assets it says upstream only publishes.)
  void visitProgram(TSNode node) {
    size_t pushed = 0;
    bool errexit = false;
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode statement = ts_node_named_child(node, i);
      visit(statement);
      errexit = errexit || setsErrexit(statement);
      if (auto guard = archGuard(statement, errexit)) {
        branches_.push_back(std::move(*guard));
        ++pushed;
      }
    }
    branches_.resize(branches_.size() - pushed);
  }

  // `set -e`, `set -eux`, `set -o errexit`.
  bool setsErrexit(TSNode statement) const {
    if (!is(statement, "command")) return false;
    const auto words = commandWordNodes(statement);
    if (words.empty() || literalOf(words[0]) != "set") return false;
    for (size_t w = 1; w < words.size(); ++w) {
      const std::string word = literalOf(words[w]);
      if (word == "errexit" && w > 1 && literalOf(words[w - 1]) == "-o") return true;
      if (word.size() > 1 && word[0] == '-' && word[1] != '-' && word != "-o" && word.find('e') != std::string::npos) return true;
    }
    return false;
  }

  // Does the subtree end the script with a failure (failsWith)?
  bool fails(TSNode node, int depth = 0) const {
    if (depth > kMaxDepth || ts_node_is_null(node)) return false;
    if (is(node, "command")) {
      const auto words = commandWordNodes(node);
      if (words.empty()) return false;
      const std::string argument = words.size() >= 2 ? literalOf(words[1]) : std::string();
      return failsWith(literalOf(words[0]), words.size() >= 2 ? &argument : nullptr);
    }
    if (is(node, "command_substitution") || is(node, "subshell")) return false;  // a child shell's exit ends only it
    const uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      if (fails(ts_node_named_child(node, i), depth + 1)) return true;
    }
    return false;
  }

  // A test command (`[ ... ]`, `[[ ... ]]`, `test ...`), or tests joined by `||`/`&&`, on the architecture.
  bool isArchTest(TSNode node, int depth = 0) const {
    if (depth > kMaxDepth) return false;
    if (is(node, "list")) {
      const uint32_t count = ts_node_named_child_count(node);
      for (uint32_t i = 0; i < count; ++i) {
        if (!isArchTest(ts_node_named_child(node, i), depth + 1)) return false;
      }
      return count > 0;
    }
    return isTestCommand(node) && (archVarying(node) || comparesToArchitecture(textOf(node)));
  }

  // `[[ ... ]]` (tree-sitter's test_command), or a `test ...` / `[ ... ]` command.
  bool isTestCommand(TSNode node) const {
    if (is(node, "test_command")) return true;
    if (!is(node, "command")) return false;
    const std::string text = textOf(node);
    return text.rfind("test ", 0) == 0 || text.rfind("[ ", 0) == 0;
  }

  static bool negates(const std::string& condition) {
    return condition.find("!=") != std::string::npos || condition.rfind("! ", 0) == 0 ||
           condition.find("[ ! ") != std::string::npos || condition.find("[[ ! ") != std::string::npos;
  }

  std::optional<Branch> archGuard(TSNode statement, bool errexit) const {
    const auto guardOn = [](std::string condition, Branch::Kind kind) {
      Branch branch{kind, std::move(condition), {}, true};
      branch.guard = true;
      return branch;
    };
    if (errexit && isArchTest(statement) && !is(statement, "list") && !negates(textOf(statement))) {
      return guardOn(textOf(statement), Branch::Kind::AndThen);
    }
    if (is(statement, "list") && ts_node_child_count(statement) == 3 &&
        std::strcmp(ts_node_type(ts_node_child(statement, 1)), "||") == 0) {
      const TSNode left = ts_node_child(statement, 0);
      if (isArchTest(left) && !negates(textOf(left)) && fails(ts_node_child(statement, 2))) {
        return guardOn(textOf(left), Branch::Kind::AndThen);
      }
      return std::nullopt;
    }
    if (!is(statement, "if_statement")) return std::nullopt;
    std::optional<TSNode> condition, elseClause;
    std::vector<TSNode> body;
    const uint32_t count = ts_node_child_count(statement);
    for (uint32_t i = 0; i < count; ++i) {
      const TSNode child = ts_node_child(statement, i);
      const char* field = ts_node_field_name_for_child(statement, i);
      if (field && std::strcmp(field, "condition") == 0) {
        if (!ts_node_is_named(child)) continue;  // the `;` that ends the condition
        if (condition) return std::nullopt;      // several condition statements: not read
        condition = child;
      } else if (is(child, "elif_clause")) {
        return std::nullopt;
      } else if (is(child, "else_clause")) {
        elseClause = child;
      } else if (ts_node_is_named(child)) {
        body.push_back(child);
      }
    }
    if (!condition || !isArchTest(*condition)) return std::nullopt;
    const std::string text = textOf(*condition);
    const bool bodyFails = std::any_of(body.begin(), body.end(), [&](TSNode n) { return fails(n); });
    // `if [ arch != x86_64 ]; then exit 1; fi`: what follows runs where the test is false.
    if (!elseClause && bodyFails && negates(text)) return guardOn(text, Branch::Kind::IfElse);
    // `if [ arch = x86_64 ]; then ...; else exit 1; fi`: where it is true.
    if (elseClause && !bodyFails && fails(*elseClause) && !negates(text)) return guardOn(text, Branch::Kind::AndThen);
    return std::nullopt;
  }

  static constexpr int kMaxDepth = 400;
  Script& out_;
  const std::string& src_;
  std::vector<Branch> branches_;
  int depth_ = 0;
};

}  // namespace

namespace {
void indexAssignments(Script& script) {
  for (size_t i = 0; i < script.assignments.size(); ++i)
    script.assignmentsByName[script.assignments[i].name].indices.push_back(i);
  for (auto& [name, named] : script.assignmentsByName) {
    std::stable_sort(named.indices.begin(), named.indices.end(),
                     [&](size_t x, size_t y) { return script.assignments[x].value.end < script.assignments[y].value.end; });
    // A script that does not parse has lost its if/case structure: of several assignments, which
    // one holds depends on branches the parse no longer shows (azinchen/actions_playground's
    // `if [[ $TARGETPLATFORM == ... ]]; then && s6_platform="amd64" && elif ...`), so none is
    // taken as the value every platform gets.
    bool archChosen = script.hasSyntaxError && named.indices.size() > 1, unknown = false, plain = false;
    for (size_t index : named.indices) {
      const Assignment& a = script.assignments[index];
      archChosen = archChosen || a.archDerived ||
                   std::any_of(a.branches.begin(), a.branches.end(), [](const Branch& b) { return b.onArchitecture; });
      unknown = unknown || archChosen || a.value.hasCommandSubstitution;
      plain = plain || a.branches.empty();
      named.archChosenUpTo.push_back(archChosen);
      named.unknownUpTo.push_back(unknown);
      named.plainUpTo.push_back(plain);
    }
  }
}
}  // namespace

Script parseScript(ScriptText source, const std::set<std::string>& archVariables) {
  Script script;
  script.source = std::move(source);
  script.archVariables = archVariables;
  TSParser* parser = bashParser();
  TSTree* tree =
      ts_parser_parse_string(parser, nullptr, script.source.text.data(), static_cast<uint32_t>(script.source.text.size()));
  if (!tree) {
    script.hasSyntaxError = true;
    return script;
  }
  const TSNode root = ts_tree_root_node(tree);
  script.hasSyntaxError = ts_node_has_error(root);
  Walker walker(script);
  walker.visit(root);
  ts_tree_delete(tree);
  indexAssignments(script);
  return script;
}

Script::AssignedBefore Script::assignedBefore(std::string_view name, size_t position) const {
  const auto named = assignmentsByName.find(name);
  if (named == assignmentsByName.end()) return {};
  const auto& indices = named->second.indices;
  const auto after = std::upper_bound(indices.begin(), indices.end(), position,
                                      [&](size_t at, size_t index) { return at < assignments[index].value.end; });
  if (after == indices.begin()) return {};
  const auto k = static_cast<size_t>(after - indices.begin()) - 1;
  return {&assignments[indices[k]], named->second.archChosenUpTo[k], named->second.unknownUpTo[k], named->second.plainUpTo[k]};
}

}  // namespace mal::shell
