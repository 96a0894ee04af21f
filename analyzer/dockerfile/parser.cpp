// The Dockerfile front end. It follows BuildKit's frontend/dockerfile/parser behaviour
// step by step (the conformance corpus in ../shared/corpora/buildkit-parser holds us to
// it), and in addition records where every byte of every instruction came from.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/text_util.h"

namespace mal::dockerfile {
namespace {

// ---------------------------------------------------------------------------------
// Byte and rune helpers with Go's semantics.

// BuildKit's reWhitespace: `[\t\v\f\r ]+`.
bool isSplitSpace(char c) { return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' '; }

// unicode.IsSpace applied to rune(byte) -- the way extractBuilderFlags and
// parseHealthConfig look at a line, byte by byte (so 0x85 and 0xA0 count as spaces).
bool isSpaceByteAsRune(unsigned char c) {
  return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ' || c == 0x85 || c == 0xA0;
}

struct LineStream {
  const std::string& bytes;
  size_t pos = 0;
  // bufio.Scanner with BuildKit's scanLines: each token keeps its trailing newline.
  bool next(size_t& begin, size_t& end) {
    if (pos >= bytes.size()) return false;
    begin = pos;
    const size_t nl = bytes.find('\n', pos);
    end = nl == std::string::npos ? bytes.size() : nl + 1;
    pos = end;
    return true;
  }
};

// A physical line as a [begin, end) slice of the file, trimmed the way processLine does.
struct Slice {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

Slice trimNewline(const std::string& bytes, Slice s) {
  while (s.end > s.begin && (bytes[s.end - 1] == '\n' || bytes[s.end - 1] == '\r')) --s.end;
  return s;
}

Slice trimLeadingWhitespace(const std::string& bytes, Slice s) {
  while (s.begin < s.end) {
    const size_t width = text::runeWidth(bytes, s.begin, s.end);
    if (!text::isGoSpace(text::decodeRune(bytes, s.begin, s.end))) break;
    s.begin += width;
  }
  return s;
}

bool isComment(const std::string& bytes, Slice raw) {
  const Slice s = trimLeadingWhitespace(bytes, trimNewline(bytes, raw));
  return s.size() > 0 && bytes[s.begin] == '#';
}

// ---------------------------------------------------------------------------------
// Parser directives: only in the leading block of `# key=value` comment lines.

class Directives {
 public:
  char escapeToken = '\\';
  std::vector<Directive> found;

  // Returns an error message, or empty.
  std::string possibleDirective(std::string_view line, int lineNumber) {
    if (done_) return {};
    // BuildKit's reDirective, `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, read by hand:
    // a regex engine that backtracks recurses once per byte and a long comment line
    // exhausts the stack.
    std::string keyText, value;
    if (!matchDirective(line, keyText, value)) {
      done_ = true;
      return {};
    }
    const std::string key = text::lower(keyText);
    if (key != "syntax" && key != "escape" && key != "check") {
      done_ = true;
      return {};
    }
    for (const auto& d : found) {
      if (d.name == key) return "only one " + key + " parser directive can be used";
    }
    found.push_back({key, value, lineNumber});
    if (key == "escape") {
      if (value != "`" && value != "\\") {
        return "invalid escape token '" + value + "' does not match ` or \\";
      }
      escapeToken = value[0];
    }
    return {};
  }

  // BuildKit's lineContinuationRegex, `([^\\])\\[ \t]*$|^\\[ \t]*$`: the escape token
  // then only blanks at the end, unless the token is itself escaped.
  bool trimContinuation(const std::string& bytes, Slice& s) const {
    size_t end = s.end;
    while (end > s.begin && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) --end;
    if (end > s.begin && bytes[end - 1] == escapeToken && (end - 1 == s.begin || bytes[end - 2] != escapeToken)) {
      s.end = end - 1;
      return true;
    }
    return false;
  }

 private:
  // Go's \s: [\t\n\f\r ].
  static bool isRegexSpace(char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; }

  static bool matchDirective(std::string_view line, std::string& key, std::string& value) {
    size_t i = 0;
    if (i >= line.size() || line[i] != '#') return false;
    ++i;
    while (i < line.size() && isRegexSpace(line[i])) ++i;
    const auto isAlpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (i >= line.size() || !isAlpha(line[i])) return false;
    const size_t keyBegin = i;
    while (i < line.size() && (isAlpha(line[i]) || isDigit(line[i]))) ++i;
    key = std::string(line.substr(keyBegin, i - keyBegin));
    while (i < line.size() && isRegexSpace(line[i])) ++i;
    if (i >= line.size() || line[i] != '=') return false;
    const std::string_view rest = line.substr(i + 1);
    // `\s*(.+?)\s*$`: the value is `rest` without its blanks at either end, or, when
    // `rest` is all blanks, its last blank (the lazy group needs one character).
    if (rest.empty()) return false;
    size_t begin = 0, end = rest.size();
    while (begin < end && isRegexSpace(rest[begin])) ++begin;
    if (begin == end) {
      value = std::string(rest.substr(rest.size() - 1));
      return true;
    }
    while (end > begin && isRegexSpace(rest[end - 1])) --end;
    value = std::string(rest.substr(begin, end - begin));
    return true;
  }

  bool done_ = false;
};

// ---------------------------------------------------------------------------------
// The argument grammars of BuildKit's line_parsers.go, on a window of a LogicalLine.

struct ParseFailure {
  std::string message;
};

class LineParser {
 public:
  LineParser(const LogicalLine& line, const Directives& directives)
      : line_(line), text_(line.text), escape_(directives.escapeToken) {}

  // newNodeFromLine over text_[begin, end).
  Instruction instruction(size_t begin, size_t end) const;

 private:
  struct Word {
    std::string value;
    size_t begin;
    size_t end;
  };

  Argument arg(std::string value, size_t begin, size_t end) const {
    return Argument{std::move(value), line_.span(begin, end), nullptr};
  }
  void extractFlags(size_t& pos, size_t end, Instruction& out) const;
  std::vector<Word> words(size_t begin, size_t end) const;
  void whitespaceDelimited(size_t begin, size_t end, Instruction& out) const;
  bool tryJson(size_t begin, size_t end, Instruction& out) const;
  void maybeJson(size_t begin, size_t end, Instruction& out) const;
  void maybeJsonToList(size_t begin, size_t end, Instruction& out) const;
  void nameVal(size_t begin, size_t end, const std::string& key, Instruction& out) const;
  void nameOrNameVal(size_t begin, size_t end, Instruction& out) const;
  void healthConfig(size_t begin, size_t end, Instruction& out) const;
  void subCommand(size_t begin, size_t end, Instruction& out) const;

  const LogicalLine& line_;
  const std::string& text_;
  char escape_;
};

// strings.TrimSpace on a window.
void trimSpace(const std::string& s, size_t& begin, size_t& end) {
  while (begin < end) {
    const size_t w = text::runeWidth(s, begin, end);
    if (!text::isGoSpace(text::decodeRune(s, begin, end))) break;
    begin += w;
  }
  while (end > begin) {
    const size_t start = text::lastRuneStart(s, begin, end);
    if (!text::isGoSpace(text::decodeRune(s, start, end))) break;
    end = start;
  }
}

// extractBuilderFlags: leading `--name=value` words, with '\\' escapes and quotes.
void LineParser::extractFlags(size_t& pos, size_t end, Instruction& out) const {
  enum { inSpaces, inWord, inQuote } phase = inSpaces;
  std::string word;
  size_t wordBegin = pos;
  char quote = 0;
  bool blankOK = false;
  auto emit = [&](size_t wordEnd) { out.flags.push_back(Flag{word, line_.span(wordBegin, wordEnd)}); };
  for (size_t p = pos; p <= end; ++p) {
    const char ch = p < end ? text_[p] : 0;
    if (phase == inSpaces) {
      if (p == end) break;
      if (isSpaceByteAsRune(static_cast<unsigned char>(ch))) continue;
      if (ch != '-' || p + 1 == end || text_[p + 1] != '-') {
        pos = p;
        return;
      }
      phase = inWord;
      wordBegin = p;
    }
    if (p == end) {
      if (word != "--" && (blankOK || !word.empty())) emit(p);
      break;
    }
    if (phase == inWord) {
      if (isSpaceByteAsRune(static_cast<unsigned char>(ch))) {
        phase = inSpaces;
        if (word == "--") {
          pos = p;
          return;
        }
        if (blankOK || !word.empty()) emit(p);
        word.clear();
        blankOK = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blankOK = true;
        phase = inQuote;
        continue;
      }
      char c = ch;
      if (c == '\\') {
        if (p + 1 == end) continue;
        c = text_[++p];
      }
      word += c;
      continue;
    }
    // inQuote
    if (ch == quote) {
      phase = inWord;
      continue;
    }
    char c = ch;
    if (c == '\\') {
      if (p + 1 == end) {
        phase = inWord;
        continue;
      }
      c = text_[++p];
    }
    word += c;
  }
  pos = end;
}

// parseWords: shell-ish words whose quotes and escapes are kept, split on Unicode space.
std::vector<LineParser::Word> LineParser::words(size_t begin, size_t end) const {
  enum { inSpaces, inWord, inQuote } phase = inSpaces;
  std::vector<Word> result;
  std::string word;
  size_t wordBegin = begin;
  uint32_t quote = 0;
  bool blankOK = false;
  uint32_t ch = 0;
  size_t width = 0;
  for (size_t p = begin; p <= end; p += width) {
    if (p != end) {
      ch = text::decodeRune(text_, p, end);
      width = text::runeWidth(text_, p, end);
    } else {
      width = 1;
    }
    if (phase == inSpaces) {
      if (p == end) break;
      if (text::isGoSpace(ch)) continue;
      phase = inWord;
      wordBegin = p;
    }
    if (p == end) {
      if (blankOK || !word.empty()) result.push_back({word, wordBegin, p});
      break;
    }
    if (phase == inWord) {
      if (text::isGoSpace(ch)) {
        phase = inSpaces;
        if (blankOK || !word.empty()) result.push_back({word, wordBegin, p});
        word.clear();
        blankOK = false;
        continue;
      }
      if (ch == '\'' || ch == '"') {
        quote = ch;
        blankOK = true;
        phase = inQuote;
      }
      if (ch == static_cast<unsigned char>(escape_)) {
        if (p + width == end) continue;  // an escape token at the very end is dropped
        word.append(text_, p, width);
        p += width;
        ch = text::decodeRune(text_, p, end);
        width = text::runeWidth(text_, p, end);
      }
      word.append(text_, p, width);
      continue;
    }
    // inQuote
    if (ch == quote) phase = inWord;
    if (ch == static_cast<unsigned char>(escape_) && quote != '\'') {
      if (p + width == end) {
        phase = inWord;
        continue;
      }
      word.append(text_, p, width);
      p += width;
      ch = text::decodeRune(text_, p, end);
      width = text::runeWidth(text_, p, end);
    }
    word.append(text_, p, width);
  }
  return result;
}

void LineParser::whitespaceDelimited(size_t begin, size_t end, Instruction& out) const {
  if (begin >= end) return;
  size_t p = begin;
  while (true) {
    size_t q = p;
    while (q < end && !isSplitSpace(text_[q])) ++q;
    out.args.push_back(arg(text_.substr(p, q - p), p, q));
    if (q >= end) break;
    while (q < end && isSplitSpace(text_[q])) ++q;
    p = q;
    if (p >= end) {  // regexp.Split leaves an empty final element after a separator
      out.args.push_back(arg("", p, p));
      break;
    }
  }
}

// Locates the string elements of a JSON array that nlohmann already accepted, so each
// element keeps the span of its quoted source text.
std::vector<std::pair<size_t, size_t>> jsonStringSpans(const std::string& s, size_t begin, size_t end) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t p = begin; p < end; ++p) {
    if (s[p] != '"') continue;
    const size_t start = p++;
    while (p < end && s[p] != '"') {
      if (s[p] == '\\') ++p;
      ++p;
    }
    spans.emplace_back(start, std::min(p + 1, end));
  }
  return spans;
}

// parseJSON: true when the window is a JSON array of strings. A JSON array holding
// anything else is BuildKit's errDockerfileNotStringArray, thrown as ParseFailure.
bool LineParser::tryJson(size_t begin, size_t end, Instruction& out) const {
  while (begin < end) {
    const size_t w = text::runeWidth(text_, begin, end);
    if (!text::isGoSpace(text::decodeRune(text_, begin, end))) break;
    begin += w;
  }
  if (begin >= end || text_[begin] != '[') return false;
  const auto parsed =
      nlohmann::json::parse(text_.begin() + static_cast<long>(begin), text_.begin() + static_cast<long>(end), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return false;
  for (const auto& element : parsed) {
    if (!element.is_string()) {
      throw ParseFailure{"when using JSON array syntax, arrays must be comprised of strings only"};
    }
  }
  const auto spans = jsonStringSpans(text_, begin, end);
  for (size_t i = 0; i < parsed.size(); ++i) {
    const auto [b, e] = i < spans.size() ? spans[i] : std::pair<size_t, size_t>{begin, end};
    out.args.push_back(arg(parsed[i].get<std::string>(), b, e));
  }
  out.json = true;
  return true;
}

void LineParser::maybeJson(size_t begin, size_t end, Instruction& out) const {
  if (begin >= end) return;
  if (tryJson(begin, end, out)) return;
  out.args.push_back(arg(text_.substr(begin, end - begin), begin, end));
}

void LineParser::maybeJsonToList(size_t begin, size_t end, Instruction& out) const {
  if (tryJson(begin, end, out)) return;
  whitespaceDelimited(begin, end, out);
}

void LineParser::nameVal(size_t begin, size_t end, const std::string& key, Instruction& out) const {
  const auto ws = words(begin, end);
  if (ws.empty()) return;
  if (ws[0].value.find('=') == std::string::npos) {
    // The legacy `KEY name value` form: name, then the rest of the line verbatim.
    size_t q = begin;
    while (q < end && !isSplitSpace(text_[q])) ++q;
    size_t v = q;
    while (v < end && isSplitSpace(text_[v])) ++v;
    if (q >= end) throw ParseFailure{key + " must have two arguments"};
    out.args.push_back(arg(text_.substr(begin, q - begin), begin, q));
    out.args.push_back(arg(text_.substr(v, end - v), v, end));
    out.args.push_back(arg("", end, end));
    return;
  }
  for (const auto& w : ws) {
    const size_t eq = w.value.find('=');
    if (eq == std::string::npos) {
      throw ParseFailure{"Syntax error - can't find = in \"" + w.value + "\". Must be of the form: name=value"};
    }
    // The key's bytes are verbatim in the source, so the split point is exact.
    const size_t split = w.begin + eq;
    out.args.push_back(arg(w.value.substr(0, eq), w.begin, split));
    out.args.push_back(arg(w.value.substr(eq + 1), split + 1, w.end));
    out.args.push_back(arg("=", split, split + 1));
  }
}

void LineParser::nameOrNameVal(size_t begin, size_t end, Instruction& out) const {
  for (const auto& w : words(begin, end)) out.args.push_back(arg(w.value, w.begin, w.end));
}

void LineParser::healthConfig(size_t begin, size_t end, Instruction& out) const {
  size_t sep = begin;
  while (sep < end && !isSpaceByteAsRune(static_cast<unsigned char>(text_[sep]))) ++sep;
  size_t next = sep;
  while (next < end && isSpaceByteAsRune(static_cast<unsigned char>(text_[next]))) ++next;
  if (sep == begin) return;
  out.args.push_back(arg(text_.substr(begin, sep - begin), begin, sep));
  maybeJson(next, end, out);
}

void LineParser::subCommand(size_t begin, size_t end, Instruction& out) const {
  if (begin >= end) return;
  auto nested = std::make_shared<Instruction>(instruction(begin, end));
  nested->line = line_;  // the trigger's offsets (restBegin, ...) index the same joined line
  Argument a;
  a.span = line_.span(begin, end);
  a.nested = std::move(nested);
  out.args.push_back(std::move(a));
}

Instruction LineParser::instruction(size_t begin, size_t end) const {
  Instruction out;
  trimSpace(text_, begin, end);
  // splitCommand: the keyword, then flags, then the trimmed rest.
  size_t keywordEnd = begin;
  while (keywordEnd < end && !isSplitSpace(text_[keywordEnd])) ++keywordEnd;
  out.keyword = text_.substr(begin, keywordEnd - begin);
  out.command = text::lower(out.keyword);
  out.keywordSpan = line_.span(begin, keywordEnd);
  size_t restBegin = keywordEnd;
  while (restBegin < end && isSplitSpace(text_[restBegin])) ++restBegin;
  size_t restEnd = end;
  if (restBegin < end) {
    extractFlags(restBegin, end, out);
    trimSpace(text_, restBegin, restEnd);
  } else {
    restBegin = restEnd = end;
  }
  out.restBegin = restBegin;
  out.restEnd = restEnd;

  const std::string& c = out.command;
  if (c == "add" || c == "copy" || c == "volume") {
    maybeJsonToList(restBegin, restEnd, out);
  } else if (c == "cmd" || c == "entrypoint" || c == "run" || c == "shell") {
    maybeJson(restBegin, restEnd, out);
  } else if (c == "expose" || c == "from") {
    whitespaceDelimited(restBegin, restEnd, out);
  } else if (c == "env" || c == "label") {
    nameVal(restBegin, restEnd, c == "env" ? "ENV" : "LABEL", out);
  } else if (c == "arg") {
    nameOrNameVal(restBegin, restEnd, out);
  } else if (c == "healthcheck") {
    healthConfig(restBegin, restEnd, out);
  } else if (c == "onbuild") {
    subCommand(restBegin, restEnd, out);
  } else if (c == "maintainer" || c == "stopsignal" || c == "user" || c == "workdir") {
    if (restBegin < restEnd) {
      out.args.push_back(arg(text_.substr(restBegin, restEnd - restBegin), restBegin, restEnd));
    }
  } else {
    // parseIgnore: an unknown instruction keeps one empty argument node.
    out.args.push_back(arg("", restBegin, restBegin));
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Heredocs: BuildKit lexes the joined line into words (quotes kept raw) and takes each
// word of the form `[fd]<<[-]NAME`. Since BuildKit 0.22 (0b77373ab, "dockerfile: allow
// whitespace in heredocs") its lexer keeps the blanks after an unquoted `<<` in the word
// (shell/lex.go processPossibleHeredoc), so `RUN cat << 'EOF' > f` opens a heredoc too;
// `heredocWords` asks for that, as heredocsFromLine does.

std::vector<std::string> rawShellWords(const std::string& line, bool heredocWords = false) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (heredocWords && c == '<' && i + 1 < line.size() && line[i + 1] == '<') {
      inWord = true;
      word += "<<";
      ++i;
      while (i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t' || line[i + 1] == '\r')) word += line[++i];
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (inWord) words.push_back(word);
      word.clear();
      inWord = false;
      continue;
    }
    inWord = true;
    if (c == '\'' || c == '"') {
      const char q = c;
      word += c;
      for (++i; i < line.size() && line[i] != q; ++i) {
        if (q == '"' && line[i] == '\\' && i + 1 < line.size()) word += line[i++];
        word += line[i];
      }
      if (i < line.size()) word += q;
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      word += c;
      word += line[++i];
      continue;
    }
    word += c;
  }
  if (inWord) words.push_back(word);
  return words;
}

// Removes shell quoting from a heredoc delimiter word.
std::string unquoteWord(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\'') {
      for (++i; i < raw.size() && raw[i] != '\''; ++i) out += raw[i];
    } else if (c == '"') {
      for (++i; i < raw.size() && raw[i] != '"'; ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
        out += raw[i];
      }
    } else if (c == '\\' && i + 1 < raw.size()) {
      out += raw[++i];
    } else {
      out += c;
    }
  }
  return out;
}

// BuildKit's reHeredoc, `^(\d*)<<(-?)\s*([^<]*)$`, on one word: digits, `<<`, an optional
// `-`, blanks, then no `<`. Read by hand (no backtracking on untrusted text).
bool matchHeredocWord(const std::string& word, std::string& digits, bool& chomp, std::string& rest) {
  size_t i = 0;
  while (i < word.size() && word[i] >= '0' && word[i] <= '9') ++i;
  if (word.compare(i, 2, "<<") != 0) return false;
  digits = word.substr(0, i);
  i += 2;
  chomp = i < word.size() && word[i] == '-';
  if (chomp) ++i;
  // Go's \s: space, \t, \n, \f, \r (and \v in RE2's Perl class).
  while (i < word.size() &&
         (word[i] == ' ' || word[i] == '\t' || word[i] == '\n' || word[i] == '\f' || word[i] == '\r' || word[i] == '\v'))
    ++i;
  rest = word.substr(i);
  return rest.find('<') == std::string::npos;
}

std::vector<Heredoc> heredocsFromLine(const std::string& line) {
  std::vector<Heredoc> docs;
  for (const auto& word : rawShellWords(line, /*heredocWords=*/true)) {
    std::string digits, rest;
    bool chomp = false;
    if (!matchHeredocWord(word, digits, chomp, rest)) continue;
    if (rest.empty()) continue;
    if (rawShellWords(rest).size() != 1) continue;
    Heredoc doc;
    // strconv.ParseUint's result, its error ignored as BuildKit does: too many digits
    // saturate instead of throwing.
    unsigned long long fd = 0;
    for (const char d : digits) fd = fd > (~0ull - 9) / 10 ? ~0ull : fd * 10 + static_cast<unsigned>(d - '0');
    doc.fileDescriptor = static_cast<unsigned>(std::min<unsigned long long>(fd, ~0u));
    doc.chomp = chomp;
    doc.name = unquoteWord(rest);
    doc.expand = rest.find_first_of("'\"") == std::string::npos;
    docs.push_back(std::move(doc));
  }
  return docs;
}

bool canContainHeredoc(const Instruction& instruction) {
  const Instruction& target = instruction.effective();
  if (target.command != "run" && target.command != "copy" && target.command != "add") return false;
  return !target.json;
}

}  // namespace

// ---------------------------------------------------------------------------------

std::string Flag::name() const {
  std::string n = text.rfind("--", 0) == 0 ? text.substr(2) : text;
  return n.substr(0, n.find('='));
}
std::string Flag::value() const {
  const size_t eq = text.find('=');
  return eq == std::string::npos ? std::string() : text.substr(eq + 1);
}
bool Flag::hasValue() const { return text.find('=') != std::string::npos; }

const Flag* Instruction::flag(std::string_view name) const {
  for (const auto& f : flags) {
    if (text::lower(f.name()) == name) return &f;
  }
  return nullptr;
}

const Instruction& Instruction::effective() const {
  if (command == "onbuild" && !args.empty() && args[0].nested) return *args[0].nested;
  return *this;
}

std::string ParseError::describe() const { return "dockerfile parse error on line " + std::to_string(line) + ": " + message; }

ParseResult parse(const SourceText& source) {
  const std::string& bytes = source.bytes();
  ParseResult result;
  ParsedDockerfile out;
  Directives directives;
  LineStream scanner{bytes};
  int currentLine = 0;
  std::vector<std::string> comments;
  auto fail = [&](std::string message, int line, int endLine) {
    result.error = ParseError{std::move(message), line, endLine};
    return result;
  };

  size_t rawBegin = 0, rawEnd = 0;
  while (scanner.next(rawBegin, rawEnd)) {
    Slice raw{rawBegin, rawEnd};
    if (currentLine == 0 && bytes.compare(raw.begin, 3, "\xEF\xBB\xBF") == 0 && raw.size() >= 3) {
      raw.begin += 3;  // byte-order mark
    }
    if (isComment(bytes, raw)) {
      const Slice c = trimLeadingWhitespace(bytes, trimNewline(bytes, raw));
      size_t b = c.begin + 1, e = c.end;
      trimSpace(bytes, b, e);
      if (b == e) {
        comments.clear();
      } else {
        comments.push_back(bytes.substr(b, e - b));
      }
    }
    Slice first = trimLeadingWhitespace(bytes, trimNewline(bytes, raw));
    if (auto err = directives.possibleDirective(std::string_view(bytes).substr(first.begin, first.size()), currentLine + 1);
        !err.empty()) {
      return fail(err, currentLine + 1, currentLine + 1);
    }
    if (isComment(bytes, raw)) first.end = first.begin;
    ++currentLine;
    const int startLine = currentLine;

    const bool continues = directives.trimContinuation(bytes, first);
    if (!continues && first.size() == 0) continue;

    LogicalLine line;
    auto append = [&](Slice s) {
      line.text.append(bytes, s.begin, s.size());
      for (size_t i = s.begin; i < s.end; ++i) line.origin.push_back(static_cast<uint32_t>(i));
    };
    append(first);
    size_t lastEnd = first.end;
    bool endOfLine = !continues;
    bool hasEmptyContinuationLine = false;
    while (!endOfLine && scanner.next(rawBegin, rawEnd)) {
      const Slice next{rawBegin, rawEnd};
      Slice cont = trimNewline(bytes, next);
      if (auto err = directives.possibleDirective(std::string_view(bytes).substr(cont.begin, cont.size()), currentLine + 1);
          !err.empty()) {
        return fail(err, currentLine + 1, currentLine + 1);
      }
      ++currentLine;
      if (isComment(bytes, next)) continue;
      if (trimLeadingWhitespace(bytes, cont).size() == 0) {
        hasEmptyContinuationLine = true;
        continue;
      }
      endOfLine = !directives.trimContinuation(bytes, cont);
      append(cont);
      lastEnd = trimNewline(bytes, next).end;
    }
    line.origin.push_back(static_cast<uint32_t>(line.origin.empty() ? first.begin : line.origin.back() + 1));

    if (hasEmptyContinuationLine) {
      out.warnings.push_back({"Empty continuation line found in: " + line.text, startLine});
    }

    Instruction instruction;
    try {
      LineParser parser(line, directives);
      instruction = parser.instruction(0, line.text.size());
    } catch (const ParseFailure& failure) {
      return fail(failure.message, startLine, currentLine);
    }
    instruction.line = std::move(line);
    instruction.comments = std::move(comments);
    comments.clear();
    instruction.startLine = startLine;
    instruction.span = {instruction.keywordSpan.begin, static_cast<uint32_t>(lastEnd)};

    if (canContainHeredoc(instruction) && instruction.line.text.find("<<") != std::string::npos) {
      for (auto& doc : heredocsFromLine(instruction.line.text)) {
        bool terminated = false;
        doc.contentBegin = static_cast<uint32_t>(scanner.pos);
        while (scanner.next(rawBegin, rawEnd)) {
          ++currentLine;
          Slice candidate = trimNewline(bytes, Slice{rawBegin, rawEnd});
          if (doc.chomp) {
            while (candidate.begin < candidate.end && bytes[candidate.begin] == '\t') ++candidate.begin;
          }
          if (bytes.compare(candidate.begin, candidate.size(), doc.name) == 0 && candidate.size() == doc.name.size()) {
            terminated = true;
            instruction.span.end = static_cast<uint32_t>(trimNewline(bytes, Slice{rawBegin, rawEnd}).end);
            break;
          }
          doc.content.append(bytes, rawBegin, rawEnd - rawBegin);
        }
        if (!terminated) return fail("unterminated heredoc", startLine, currentLine);
        instruction.heredocs.push_back(std::move(doc));
      }
    }
    instruction.endLine = currentLine;
    out.instructions.push_back(std::move(instruction));
  }

  if (out.instructions.empty()) return fail("file with no instructions", std::max(currentLine, 1), 0);
  out.directives = std::move(directives.found);
  out.escapeToken = directives.escapeToken;
  result.dockerfile = std::move(out);
  return result;
}

}  // namespace mal::dockerfile
