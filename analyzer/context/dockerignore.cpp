#include "analyzer/context/dockerignore.h"

#include <numeric>

#include "analyzer/text_util.h"

namespace mal::context {
namespace {

// strings.TrimSpace: Unicode white space at both ends.
std::string goTrimSpace(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && text::isGoSpace(text::decodeRune(s, begin, end))) begin += text::runeWidth(s, begin, end);
  while (end > begin) {
    const size_t start = text::lastRuneStart(s, begin, end);
    if (!text::isGoSpace(text::decodeRune(s, start, end))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

// The runes of a pattern as text/scanner hands them to patternmatcher (an invalid byte is U+FFFD).
struct Rune {
  uint32_t code;
  std::string bytes;
};
std::vector<Rune> runesOf(const std::string& s) {
  std::vector<Rune> out;
  for (size_t i = 0; i < s.size();) {
    const size_t width = text::runeWidth(s, i, s.size());
    const uint32_t code = text::decodeRune(s, i, s.size());
    out.push_back({code, code == 0xFFFD ? std::string("\xEF\xBF\xBD") : s.substr(i, width)});
    i += width;
  }
  return out;
}

// filepath.Match's syntax check, which patternmatcher.New runs on every pattern.
bool validMatchSyntax(const std::vector<Rune>& p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].code == '\\') {
      if (++i >= p.size()) return false;
    } else if (p[i].code == '[') {
      ++i;
      if (i < p.size() && p[i].code == '^') ++i;
      bool any = false;
      while (true) {
        if (i >= p.size()) return false;
        if (p[i].code == ']' && any) break;
        // lo
        if (p[i].code == '-' || p[i].code == ']') return false;
        if (p[i].code == '\\' && ++i >= p.size()) return false;
        ++i;
        if (i < p.size() && p[i].code == '-') {
          ++i;
          if (i >= p.size() || p[i].code == '-' || p[i].code == ']') return false;
          if (p[i].code == '\\' && ++i >= p.size()) return false;
          ++i;
        }
        any = true;
      }
    }
  }
  return true;
}

bool isAsciiWord(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string goCleanPath(const std::string& path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  const size_t n = path.size();
  std::string out;
  size_t r = 0, dotdot = 0;
  if (rooted) {
    out += '/';
    r = dotdot = 1;
  }
  while (r < n) {
    if (path[r] == '/' || (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))) {
      ++r;  // an empty element or "."
    } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {  // back up to the previous separator
        size_t w = out.size() - 1;
        while (w > dotdot && out[w] != '/') --w;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out += '/';
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out += '/';
      for (; r < n && path[r] != '/'; ++r) out += path[r];
    }
  }
  return out.empty() ? "." : out;
}

bool DockerIgnore::compile(const std::string& cleaned, Pattern& out, std::string& error) {
  // patternmatcher's compile(): which match type, and the steps of its regexp.
  const auto runes = runesOf(cleaned);
  if (!validMatchSyntax(runes)) {
    error = "syntax error in pattern";
    return false;
  }
  std::vector<glob::Step> steps;
  Kind kind = Kind::Exact;
  const auto literal = [&](const std::string& bytes) {
    glob::Step s;
    s.literal = bytes;
    steps.push_back(std::move(s));
  };
  const auto step = [&](glob::Step::Kind k) {
    glob::Step s;
    s.kind = k;
    s.notSlash = true;
    steps.push_back(std::move(s));
  };
  for (size_t i = 0, k = 0; k < runes.size(); ++i) {
    const Rune& ch = runes[k++];
    if (ch.code == '*') {
      if (k < runes.size() && runes[k].code == '*') {
        ++k;
        if (k < runes.size() && runes[k].code == '/') ++k;  // `**/` reads as `**`
        if (k >= runes.size()) {
          // `**` at the end: everything below, as .gitignore has it.
          if (kind == Kind::Exact) {
            kind = Kind::Prefix;
          } else {
            step(glob::Step::DotStar);
            kind = Kind::Pattern;
          }
        } else {
          step(glob::Step::OptionalDirs);
          kind = Kind::Pattern;
        }
        if (i == 0) kind = Kind::Suffix;
      } else {
        step(glob::Step::Star);
        kind = Kind::Pattern;
      }
    } else if (ch.code == '?') {
      step(glob::Step::AnyOne);
      kind = Kind::Pattern;
    } else if (ch.code == '\\') {
      if (k >= runes.size()) {
        literal("\\");
        continue;
      }
      const Rune& escaped = runes[k++];
      if (isAsciiWord(escaped.code)) {
        // patternmatcher hands `\d`, `\w`, `\n`... to Go's regexp, which reads them as
        // classes or control characters, not as the letter filepath.Match means.
        error = "the escape \\" + escaped.bytes + " means something else to BuildKit's regexp; not applied";
        return false;
      }
      literal(escaped.bytes);
      kind = Kind::Pattern;
    } else if (ch.code == '[') {
      // A bracket expression: patternmatcher copies it into the regexp rune by rune, so
      // `*`, `?` and `[` inside it turn into regexp syntax nobody meant; refuse those.
      glob::Step s;
      s.kind = glob::Step::Class;
      if (k < runes.size() && runes[k].code == '^') {
        s.negated = true;
        ++k;
      }
      while (k < runes.size() && runes[k].code != ']') {
        const auto read = [&](uint32_t& value) -> bool {
          if (runes[k].code == '*' || runes[k].code == '?' || runes[k].code == '[') return false;
          if (runes[k].code == '\\') {
            ++k;
            if (isAsciiWord(runes[k].code)) return false;
          }
          value = runes[k++].code;
          return true;
        };
        uint32_t lo = 0, hi = 0;
        if (!read(lo)) {
          error = "a wildcard or escape inside [...] reads differently in BuildKit's regexp; not applied";
          return false;
        }
        hi = lo;
        if (k < runes.size() && runes[k].code == '-') {
          ++k;
          if (!read(hi)) {
            error = "a wildcard or escape inside [...] reads differently in BuildKit's regexp; not applied";
            return false;
          }
        }
        s.ranges.emplace_back(lo, hi);
      }
      ++k;  // ']' (the syntax check saw it)
      steps.push_back(std::move(s));
      kind = Kind::Pattern;
    } else if (ch.code == ']') {
      literal("]");
      kind = Kind::Pattern;
    } else if (ch.code == '^') {
      glob::Step s;
      s.kind = glob::Step::BeginAnchor;  // unescaped, it is the regexp's anchor
      steps.push_back(std::move(s));
    } else {
      literal(ch.bytes);
    }
  }
  out.cleaned = cleaned;
  out.kind = kind;
  if (kind == Kind::Pattern) out.matcher = glob::Matcher(std::move(steps), true);
  return true;
}

bool DockerIgnore::Pattern::matches(std::string_view path) const {
  switch (kind) {
    case Kind::Exact: return path == cleaned;
    case Kind::Prefix: return text::startsWith(path, std::string_view(cleaned).substr(0, cleaned.size() - 2));
    case Kind::Suffix: {
      const std::string_view suffix = std::string_view(cleaned).substr(2);
      return text::endsWith(path, suffix) || (!suffix.empty() && suffix[0] == '/' && path == suffix.substr(1));
    }
    case Kind::Pattern: return matcher.matches(path);
  }
  return false;
}

DockerIgnore DockerIgnore::parse(const std::string& content, size_t matchBudget) {
  DockerIgnore out;
  out.budget_ = matchBudget;
  // bufio.Scanner's lines: split at '\n', a trailing '\r' dropped, no empty last line.
  size_t lineNumber = 0;
  for (size_t start = 0; start < content.size();) {
    size_t end = content.find('\n', start);
    const size_t next = end == std::string::npos ? content.size() : end + 1;
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    start = next;
    ++lineNumber;
    if (line.size() >= size_t{64} * 1024) {
      // bufio.Scanner's token limit: ReadAll fails and BuildKit with it.
      out.errors_.push_back(".dockerignore line " + std::to_string(lineNumber) +
                            " is longer than 64 KiB: BuildKit cannot read the file");
      break;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineNumber == 1 && text::startsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);
    if (text::startsWith(line, "#")) continue;
    std::string pattern = goTrimSpace(line);
    if (pattern.empty()) continue;
    const bool invert = pattern[0] == '!';
    if (invert) pattern = goTrimSpace(pattern.substr(1));
    if (!pattern.empty()) {
      pattern = goCleanPath(pattern);
      if (pattern.size() > 1 && pattern[0] == '/') pattern.erase(0, 1);
    }
    if (invert) pattern.insert(0, 1, '!');
    // patternmatcher.New
    pattern = goCleanPath(goTrimSpace(pattern));
    Pattern p;
    if (pattern[0] == '!') {
      if (pattern.size() == 1) {
        out.errors_.push_back(".dockerignore line " + std::to_string(lineNumber) + ": illegal exclusion pattern: \"!\"");
        continue;
      }
      p.exclusion = true;
      pattern.erase(0, 1);
    }
    std::string error;
    if (!compile(pattern, p, error)) {
      out.errors_.push_back(".dockerignore line " + std::to_string(lineNumber) + ": " + error);
      continue;
    }
    out.hasExceptions_ = out.hasExceptions_ || p.exclusion;
    out.patterns_.push_back(std::move(p));
  }
  return out;
}

DockerIgnore::PathState DockerIgnore::rootState() const {
  PathState state;
  state.matched.assign(patterns_.size(), false);
  for (size_t i = 0; i < patterns_.size(); ++i) {
    if (patterns_[i].kind != Kind::Pattern) continue;
    auto cursor = patterns_[i].matcher.start();
    if (!cursor.states.empty()) state.live.emplace_back(static_cast<uint32_t>(i), std::move(cursor));
  }
  return state;
}

DockerIgnore::PathState DockerIgnore::childState(const PathState& parent, std::string_view path, size_t segment) const {
  PathState state;
  state.matched = parent.matched;
  const std::string_view text = path.substr(segment);
  auto live = parent.live.begin();
  for (size_t i = 0; i < patterns_.size() && budget_ > 0; ++i) {
    const Pattern& pattern = patterns_[i];
    while (live != parent.live.end() && live->first < i) ++live;
    const bool hasCursor = live != parent.live.end() && live->first == i;
    if (state.matched[i]) continue;  // a parent matched: everything below it does
    if (pattern.kind != Kind::Pattern) {
      // A plain comparison with the path: charged by the bytes it may compare.
      const size_t cost = 1 + pattern.cleaned.size();
      budget_ = budget_ > cost ? budget_ - cost : 0;
      state.matched[i] = pattern.matches(path);
      continue;
    }
    if (!hasCursor) continue;  // the pattern can match nothing below the parent
    glob::Matcher::Cursor cursor = live->second;
    budget_ = budget_ > 1 ? budget_ - 1 : 0;
    pattern.matcher.advance(cursor, text, &budget_);
    if (cursor.accepting) {
      state.matched[i] = true;
    } else if (!cursor.states.empty()) {
      state.live.emplace_back(static_cast<uint32_t>(i), std::move(cursor));
    }
  }
  return state;
}

bool DockerIgnore::excluded(const std::string& relativePath) const {
  if (patterns_.empty()) return false;
  if (budget_ == 0) return true;
  std::string path = relativePath;
  while (text::startsWith(path, "./")) path.erase(0, 2);
  path = goCleanPath(path);
  if (path == ".") return false;
  // MatchesOrParentMatches: a pattern that matched a parent directory matches the path.
  // Segments end at each '/' but a leading one; each after the first keeps its '/'.
  std::vector<size_t> ends;
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    if (slash > 0) ends.push_back(slash);
  }
  ends.push_back(path.size());
  if (!root_) {
    root_ = std::make_unique<Directory>();
    root_->state = rootState();
  }
  // The parent directories from the tree, made (and kept, within a memory bound) as met.
  constexpr size_t kMaxCachedBytes = size_t{64} << 20;
  Directory* directory = root_.get();
  std::unique_ptr<Directory> transient;  // a parent past the memory bound, not kept
  size_t begin = 0;
  for (size_t k = 0; k + 1 < ends.size() && budget_ > 0; ++k) {
    const std::string key = path.substr(begin, ends[k] - begin);
    Directory* next = nullptr;
    if (!transient) {
      auto& children = directory->children;
      if (const auto it = children.find(key); it != children.end()) next = it->second.get();
    }
    if (!next) {
      auto made = std::make_unique<Directory>();
      made->state = childState(directory->state, std::string_view(path).substr(0, ends[k]), begin);
      const size_t bytes = key.size() + made->state.matched.size() / 8 + 64 +
                           std::accumulate(made->state.live.begin(), made->state.live.end(), size_t{0},
                                           [](size_t sum, const auto& l) { return sum + 48 + 4 * l.second.states.size(); });
      if (!transient && cachedBytes_ + bytes <= kMaxCachedBytes) {
        cachedBytes_ += bytes;
        auto& slot = directory->children[key];
        slot = std::move(made);
        next = slot.get();
      } else {
        transient = std::move(made);
        next = transient.get();
      }
    }
    directory = next;
    begin = ends[k];
  }
  if (budget_ == 0) return true;
  const PathState state = childState(directory->state, path, begin);
  if (budget_ == 0) return true;
  // The last matching line wins.
  for (size_t i = patterns_.size(); i-- > 0;) {
    if (state.matched[i]) return !patterns_[i].exclusion;
  }
  return false;
}

}  // namespace mal::context
