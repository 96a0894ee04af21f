#include "analyzer/dockerfile/expand.h"

#include "analyzer/glob.h"

namespace mal::dockerfile {
namespace {

bool isNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

class Expander {
 public:
  Expander(const std::string& word, const Environment& env, char escape, Expansion& out, ExpansionBudget& budget, int depth = 0)
      : s_(word), env_(env), escape_(escape), out_(out), budget_(budget), depth_(depth) {}

  std::string run() {
    std::string result;
    while (pos_ < s_.size()) {
      if (result.size() > kMaxExpandedBytes) {
        result.resize(kMaxExpandedBytes);
        out_.bounded = true;
        break;
      }
      const char c = s_[pos_];
      if (c == '\'') {
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '\'') result += s_[pos_++];
        ++pos_;
      } else if (c == '"') {
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '"') {
          if (s_[pos_] == '$') {
            result += dollar();
          } else if (s_[pos_] == escape_ && pos_ + 1 < s_.size() &&
                     (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '$' || s_[pos_ + 1] == escape_)) {
            result += s_[pos_ + 1];
            pos_ += 2;
          } else {
            result += s_[pos_++];
          }
        }
        ++pos_;
      } else if (c == escape_) {
        if (pos_ + 1 < s_.size()) result += s_[pos_ + 1];
        pos_ += 2;
      } else if (c == '$') {
        result += dollar();
      } else {
        result += c;
        ++pos_;
      }
    }
    return result;
  }

 private:
  std::optional<std::string> lookup(const std::string& name) {
    out_.referenced.insert(name);
    const auto it = env_.find(name);
    if (it == env_.end() || !it->second) {
      out_.unset.insert(name);
      return std::nullopt;
    }
    return it->second;
  }

  // At '$': $name, ${name...}, or a lone '$'.
  std::string dollar() {
    ++pos_;
    if (pos_ >= s_.size()) return "$";
    if (s_[pos_] == '{') return braced();
    const size_t start = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    if (pos_ == start) return "$";
    return lookup(s_.substr(start, pos_ - start)).value_or("");
  }

  // The raw text after an operator, up to the matching '}' (consumed).
  std::string rawOperand() {
    std::string raw;
    int depth = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '}' && depth == 0) break;
      if (c == '{') ++depth;
      if (c == '}') --depth;
      if (c == escape_ && pos_ + 1 < s_.size()) raw += s_[pos_++];
      raw += s_[pos_++];
    }
    ++pos_;  // '}'
    return raw;
  }

  std::string expandRaw(const std::string& raw) {
    // ${a:-${b:-${c...}}} nests as deep as the input does; past a sane depth keep it as text.
    if (depth_ >= kMaxDepth) return raw;
    Expansion inner;
    std::string value = Expander(raw, env_, escape_, inner, budget_, depth_ + 1).run();
    out_.referenced.insert(inner.referenced.begin(), inner.referenced.end());
    out_.unset.insert(inner.unset.begin(), inner.unset.end());
    out_.bounded = out_.bounded || inner.bounded;
    return value;
  }

  // The word after an operator, up to the matching '}', itself expanded.
  std::string operand() { return expandRaw(rawOperand()); }

  // The lengths of v's prefixes (or, reversed, suffixes) the shell pattern matches,
  // ascending, within the budget; nullopt when the budget ran out.
  std::optional<std::vector<size_t>> matchingEnds(const std::string& pattern, const std::string& v, bool suffixes) {
    if (!spendOnCompiling(pattern)) return std::nullopt;
    const glob::Matcher matcher = glob::compileShellPattern(pattern, false);
    if (!suffixes) return spend(matcher.matchingPrefixes(v, &budget_.matchSteps));
    const std::string reversed(v.rbegin(), v.rend());
    return spend(matcher.reversed().matchingPrefixes(reversed, &budget_.matchSteps));
  }
  // Compiling costs a step per pattern byte, from the same budget as matching: a word of many
  // ${V%$LONG} would otherwise compile a long pattern per expansion with nothing to stop it.
  bool spendOnCompiling(const std::string& pattern) {
    if (budget_.matchSteps <= pattern.size()) {
      budget_.matchSteps = 0;
      out_.bounded = true;
      return false;
    }
    budget_.matchSteps -= pattern.size();
    return true;
  }
  std::optional<std::vector<size_t>> spend(std::vector<size_t> lengths) {
    if (budget_.matchSteps == 0) {
      out_.bounded = true;
      return std::nullopt;
    }
    return lengths;
  }

  std::string braced() {
    ++pos_;  // '{'
    const size_t start = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    const std::string name = s_.substr(start, pos_ - start);
    if (pos_ >= s_.size()) return {};
    const auto value = lookup(name);
    std::string v = value.value_or("");
    const char op = s_[pos_];
    if (op == '}') {
      ++pos_;
      return v;
    }
    if (op == ':' && pos_ + 1 < s_.size()) {
      const char op2 = s_[pos_ + 1];
      pos_ += 2;
      const std::string word = operand();
      if (op2 == '-') return v.empty() ? word : v;
      if (op2 == '+') return v.empty() ? "" : word;
      return v;  // :? reports an error at build time; the value is what it is
    }
    ++pos_;
    if (op == '-' || op == '+' || op == '?') {
      const std::string word = operand();
      if (op == '-') return value ? v : word;
      if (op == '+') return value ? word : "";
      return v;
    }
    if (op == '#' || op == '%') {
      const bool longest = pos_ < s_.size() && s_[pos_] == op;
      if (longest) ++pos_;
      const std::string pattern = operand();
      // One pass of the pattern's automaton over v (over v reversed for %), not a match
      // per candidate length: ${V%%*b} over a long V stays linear.
      const auto lengths = matchingEnds(pattern, v, op == '%');
      if (!lengths || lengths->empty()) return v;
      const size_t len = longest ? lengths->back() : lengths->front();
      return op == '#' ? v.substr(len) : v.substr(0, v.size() - len);
    }
    if (op == '/') {
      const bool all = pos_ < s_.size() && s_[pos_] == '/';
      if (all) ++pos_;
      // Split at the first unescaped '/', then expand pattern and replacement apart.
      const std::string rest = rawOperand();
      size_t slash = std::string::npos;
      for (size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == escape_) {
          ++i;
        } else if (rest[i] == '/') {
          slash = i;
          break;
        }
      }
      const std::string pattern = expandRaw(rest.substr(0, slash));
      const std::string replacement = slash == std::string::npos ? "" : expandRaw(rest.substr(slash + 1));
      if (!spendOnCompiling(pattern)) return v;
      const glob::Matcher matcher = glob::compileShellPattern(pattern, false);
      std::string result;
      size_t i = 0;
      bool replaced = false;
      while (i < v.size()) {
        if (result.size() > kMaxExpandedBytes) {
          out_.bounded = true;
          break;
        }
        size_t matchLen = 0;
        if ((!replaced || all) && matcher.minimumLength() <= v.size() - i) {
          // The longest match starting at i; the automaton stops where no match can go on.
          const auto lengths = matcher.matchingPrefixes(std::string_view(v).substr(i), &budget_.matchSteps);
          if (budget_.matchSteps == 0) {
            out_.bounded = true;
            return v;
          }
          if (!lengths.empty()) matchLen = lengths.back();
        }
        if (matchLen > 0) {
          result += replacement;
          i += matchLen;
          replaced = true;
        } else {
          result += v[i++];
        }
      }
      return result;
    }
    // Unsupported modifier: skip to the closing brace.
    operand();
    return v;
  }

  const std::string& s_;
  const Environment& env_;
  char escape_;
  static constexpr int kMaxDepth = 64;
  Expansion& out_;
  ExpansionBudget& budget_;
  int depth_;
  size_t pos_ = 0;
};

}  // namespace

Expansion expandWord(const std::string& word, const Environment& env, char escapeToken, ExpansionBudget* budget) {
  ExpansionBudget local;
  ExpansionBudget& spent = budget ? *budget : local;
  Expansion out;
  if (spent.bytes == 0 || spent.matchSteps == 0) {
    out.value = word;  // the file's budget is spent: the word stays as written
    out.bounded = true;
    return out;
  }
  out.value = Expander(word, env, escapeToken, out, spent).run();
  if (out.value.size() > kMaxExpandedBytes) {
    out.value.resize(kMaxExpandedBytes);
    out.bounded = true;
  }
  spent.bytes -= std::min(spent.bytes, out.value.size());
  return out;
}

}  // namespace mal::dockerfile
