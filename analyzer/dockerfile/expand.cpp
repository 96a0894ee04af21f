#include "analyzer/dockerfile/expand.h"

#include <fnmatch.h>

namespace mal::dockerfile {
namespace {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Expander {
 public:
  Expander(const std::string& word, const Environment& env, char escape, Expansion& out, int depth = 0)
      : s_(word), env_(env), escape_(escape), out_(out), depth_(depth) {}

  std::string run() {
    std::string result;
    while (pos_ < s_.size()) {
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
    std::string value = Expander(raw, env_, escape_, inner, depth_ + 1).run();
    out_.referenced.insert(inner.referenced.begin(), inner.referenced.end());
    out_.unset.insert(inner.unset.begin(), inner.unset.end());
    return value;
  }

  // The word after an operator, up to the matching '}', itself expanded.
  std::string operand() { return expandRaw(rawOperand()); }

  static bool matches(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
  }

  std::string braced() {
    ++pos_;  // '{'
    const size_t start = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    const std::string name = s_.substr(start, pos_ - start);
    if (pos_ >= s_.size()) return {};
    const auto value = lookup(name);
    const std::string v = value.value_or("");
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
      if (op == '#') {
        for (size_t n = 0; n <= v.size(); ++n) {
          const size_t len = longest ? v.size() - n : n;
          if (matches(pattern, v.substr(0, len))) return v.substr(len);
        }
      } else {
        for (size_t n = 0; n <= v.size(); ++n) {
          const size_t len = longest ? v.size() - n : n;
          if (matches(pattern, v.substr(v.size() - len))) return v.substr(0, v.size() - len);
        }
      }
      return v;
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
      std::string result;
      size_t i = 0;
      bool replaced = false;
      while (i < v.size()) {
        size_t matchLen = 0;
        if (!replaced || all) {
          for (size_t len = v.size() - i; len > 0; --len) {
            if (matches(pattern, v.substr(i, len))) {
              matchLen = len;
              break;
            }
          }
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
  int depth_;
  size_t pos_ = 0;
};

}  // namespace

Expansion expandWord(const std::string& word, const Environment& env, char escapeToken) {
  Expansion out;
  out.value = Expander(word, env, escapeToken, out).run();
  return out;
}

}  // namespace mal::dockerfile
