#include "analyzer/glob.h"

#include <algorithm>

#include "analyzer/text_util.h"

namespace mal::glob {
namespace {

bool nullable(const Step& s) { return s.kind == Step::Star || s.kind == Step::OptionalDirs || s.kind == Step::DotStar; }

// Two neighbouring steps that read the same as one: `**` twice, `*` twice, `(.*/)?.*`.
bool absorbs(const Step& a, const Step& b) {
  if (a.kind == Step::Star && b.kind == Step::Star) return a.notSlash == b.notSlash;
  if (a.kind == Step::OptionalDirs && b.kind == Step::OptionalDirs) return true;
  const bool aAny = a.kind == Step::DotStar || a.kind == Step::OptionalDirs;
  const bool bAny = b.kind == Step::DotStar || b.kind == Step::OptionalDirs;
  return aAny && bAny;  // with a `.*` on either side the pair is `.*`
}

constexpr const char* kReplacement = "\xEF\xBF\xBD";

}  // namespace

Matcher::Matcher(std::vector<Step> steps, bool runes) : steps_(std::move(steps)), runes_(runes) { simplify(); }

void Matcher::simplify() {
  std::vector<Step> out;
  for (auto& step : steps_) {
    if (step.kind == Step::BeginAnchor) {
      // `^` holds only at the start: what comes before it must have matched nothing.
      if (std::any_of(out.begin(), out.end(), [](const Step& s) { return !nullable(s); })) impossible_ = true;
      out.clear();
      continue;
    }
    if (!out.empty() && absorbs(out.back(), step)) {
      if (step.kind == Step::DotStar) out.back() = step;
      continue;
    }
    out.push_back(std::move(step));
  }
  steps_ = std::move(out);
  minimum_ = static_cast<size_t>(std::count_if(steps_.begin(), steps_.end(), [](const Step& s) { return !nullable(s); }));
  // Byte steps and stars that agree on '/': the segment search decides alone.
  const auto star = std::find_if(steps_.begin(), steps_.end(), [](const Step& s) { return s.kind == Step::Star; });
  starsOnly_ = !runes_ && std::all_of(steps_.begin(), steps_.end(), [&](const Step& s) {
    if (s.kind == Step::Literal) return s.literal.size() == 1;
    if (s.kind == Step::Star) return s.notSlash == star->notSlash;
    return s.kind == Step::AnyOne || s.kind == Step::Class;
  });
}

void Matcher::addState(std::vector<uint32_t>& set, std::vector<uint32_t>& mark, uint32_t generation, uint32_t state) const {
  const auto n = static_cast<uint32_t>(steps_.size());
  // A nullable step may also be skipped: its successors join the set (epsilon closure).
  while (mark[state] != generation) {
    mark[state] = generation;
    set.push_back(state);
    if (state < n && nullable(steps_[state])) {
      ++state;
    } else {
      break;
    }
  }
}

size_t Matcher::stepUnit(const std::vector<uint32_t>& current, std::vector<uint32_t>& next, std::vector<uint32_t>& mark,
                         uint32_t generation, uint32_t rune, std::string_view unit) const {
  // States 0..n: the next step to match (n: done). States n+1+s: inside the `.*/` of an
  // OptionalDirs step s, where it may no longer match nothing.
  const auto n = static_cast<uint32_t>(steps_.size());
  const uint32_t inner = n + 1;
  const bool slash = rune == '/';
  const auto add = [&](uint32_t state) { addState(next, mark, generation, state); };
  for (const uint32_t state : current) {
    if (state >= inner) {  // inside `.*/`
      if (rune == '\n') continue;
      add(state);
      if (slash) add(state - inner + 1);
      continue;
    }
    if (state == n) continue;
    const Step& step = steps_[state];
    switch (step.kind) {
      case Step::Literal:
        if (unit == step.literal) add(state + 1);
        break;
      case Step::AnyOne:
        if (!(step.notSlash && slash)) add(state + 1);
        break;
      case Step::Class: {
        bool in = false;
        for (const auto& [lo, hi] : step.ranges) in = in || (rune >= lo && rune <= hi);
        if (in != step.negated && !(step.notSlash && slash)) add(state + 1);
        break;
      }
      case Step::Star:
        if (!(step.notSlash && slash)) add(state);
        break;
      case Step::DotStar:
        if (rune != '\n') add(state);
        break;
      case Step::OptionalDirs:
        if (rune == '\n') break;
        add(inner + state);
        if (slash) add(state + 1);
        break;
      case Step::BeginAnchor: break;
    }
  }
  return current.size();
}

Matcher::Cursor Matcher::start() const {
  Cursor cursor;
  if (impossible_) return cursor;
  std::vector<uint32_t> mark(2 * (steps_.size() + 1), 0);
  addState(cursor.states, mark, 1, 0);
  cursor.accepting = mark[steps_.size()] == 1;
  return cursor;
}

void Matcher::advance(Cursor& cursor, std::string_view text, size_t* budget) const {
  if (text.empty() || cursor.states.empty()) return;
  // The rune decoder reads a std::string; byte mode (long ${V%%...} values) reads the view.
  const std::string copy = runes_ ? std::string(text) : std::string();
  const size_t n = steps_.size();
  std::vector<uint32_t> mark(2 * (n + 1), 0);
  uint32_t generation = 1;
  std::vector<uint32_t> next;
  size_t work = 0;
  for (size_t pos = 0; pos < text.size() && !cursor.states.empty();) {
    const size_t width = runes_ ? text::runeWidth(copy, pos, copy.size()) : 1;
    uint32_t rune = static_cast<unsigned char>(text[pos]);
    std::string_view unit(text.data() + pos, width);
    if (runes_) {
      rune = text::decodeRune(copy, pos, copy.size());
      if (rune == 0xFFFD) unit = kReplacement;  // Go reads an invalid byte as U+FFFD
    }
    next.clear();
    work += stepUnit(cursor.states, next, mark, ++generation, rune, unit);
    if (budget && work > *budget) {
      *budget = 0;
      cursor = Cursor();
      return;
    }
    std::swap(cursor.states, next);
    pos += width;
  }
  cursor.accepting = !cursor.states.empty() && mark[n] == generation;
  if (budget) *budget -= work;
}

std::vector<size_t> Matcher::matchingPrefixes(std::string_view text, size_t* budget) const {
  std::vector<size_t> accepted;
  if (impossible_) return accepted;
  const std::string copy = runes_ ? std::string(text) : std::string();
  const size_t n = steps_.size();
  std::vector<uint32_t> mark(2 * (n + 1), 0);
  uint32_t generation = 1;
  std::vector<uint32_t> current, next;
  size_t work = 0;
  addState(current, mark, generation, 0);
  if (mark[n] == generation) accepted.push_back(0);
  for (size_t pos = 0; pos < text.size() && !current.empty();) {
    const size_t width = runes_ ? text::runeWidth(copy, pos, copy.size()) : 1;
    uint32_t rune = static_cast<unsigned char>(text[pos]);
    std::string_view unit(text.data() + pos, width);
    if (runes_) {
      rune = text::decodeRune(copy, pos, copy.size());
      if (rune == 0xFFFD) unit = kReplacement;
    }
    next.clear();
    work += stepUnit(current, next, mark, ++generation, rune, unit);
    if (budget && work > *budget) {
      *budget = 0;
      return {};
    }
    std::swap(current, next);
    pos += width;
    if (mark[n] == generation) accepted.push_back(pos);
  }
  if (budget) *budget -= work;
  return accepted;
}

namespace {

// One byte against a step that reads one byte.
bool stepMatchesByte(const Step& step, unsigned char c) {
  if (step.notSlash && c == '/') return false;
  switch (step.kind) {
    case Step::Literal: return step.literal.size() == 1 && static_cast<unsigned char>(step.literal[0]) == c;
    case Step::AnyOne: return true;
    case Step::Class: {
      bool in = false;
      for (const auto& [lo, hi] : step.ranges) in = in || (c >= lo && c <= hi);
      return in != step.negated;
    }
    default: return false;
  }
}

bool segmentAt(const std::vector<Step>& steps, size_t from, size_t to, std::string_view text, size_t at) {
  for (size_t k = from; k < to; ++k) {
    if (!stepMatchesByte(steps[k], static_cast<unsigned char>(text[at + (k - from)]))) return false;
  }
  return true;
}

}  // namespace

// Shell patterns (bytes, stars only): the stars split the pattern into fixed-length
// segments, and placing each segment at its leftmost fit is always right, so one
// left-to-right search decides. O(text × pattern) at worst, about linear in practice,
// and far cheaper than the automaton for `*a*a*a...*b`.
bool Matcher::matchesByStars(std::string_view text) const {
  const size_t n = text.size();
  std::vector<size_t> stars;
  for (size_t k = 0; k < steps_.size(); ++k) {
    if (steps_[k].kind == Step::Star) stars.push_back(k);
  }
  const bool notSlash = !stars.empty() && steps_[stars[0]].notSlash;
  const size_t firstEnd = stars.empty() ? steps_.size() : stars[0];
  if (firstEnd > n || !segmentAt(steps_, 0, firstEnd, text, 0)) return false;
  if (stars.empty()) return firstEnd == n;
  const size_t lastBegin = stars.back() + 1, lastLength = steps_.size() - lastBegin;
  if (n < firstEnd + lastLength) return false;
  const size_t lastAt = n - lastLength;
  // What a star spans may not hold '/' under FNM_PATHNAME.
  const auto gapOk = [&](size_t from, size_t to) {
    return !notSlash || text.substr(from, to - from).find('/') == std::string_view::npos;
  };
  size_t pos = firstEnd;
  for (size_t s = 0; s + 1 < stars.size(); ++s) {
    const size_t begin = stars[s] + 1, end = stars[s + 1], length = end - begin;
    size_t at = pos;
    while (at + length <= lastAt && !segmentAt(steps_, begin, end, text, at)) {
      if (notSlash && text[at] == '/') return false;  // the star cannot reach past it
      ++at;
    }
    if (at + length > lastAt || !gapOk(pos, at)) return false;
    pos = at + length;
  }
  return gapOk(pos, lastAt) && segmentAt(steps_, lastBegin, steps_.size(), text, lastAt);
}

bool Matcher::matches(std::string_view text) const {
  if (impossible_) return false;
  // Too short for the runes the pattern needs (bytes bound runes from above).
  if (minimum_ > text.size()) return false;
  if (starsOnly_) return matchesByStars(text);
  const auto prefixes = matchingPrefixes(text);
  return !prefixes.empty() && prefixes.back() == text.size();
}

Matcher Matcher::reversed() const {
  Matcher out;
  out.steps_.assign(steps_.rbegin(), steps_.rend());
  for (auto& step : out.steps_) std::reverse(step.literal.begin(), step.literal.end());
  out.runes_ = runes_;
  out.impossible_ = impossible_;
  out.minimum_ = minimum_;
  out.starsOnly_ = starsOnly_;
  return out;
}

namespace {

// Where a bracket item starting at `at` ends: one byte or an escaped pair, then an optional
// `-hi` range end (itself possibly escaped), read as compileShellPattern reads them.
size_t afterBracketItem(std::string_view pattern, size_t at) {
  at += (pattern[at] == '\\' && at + 1 < pattern.size()) ? 2 : 1;
  if (at + 1 < pattern.size() && pattern[at] == '-' && pattern[at + 1] != ']') {
    at += 2;
    if (pattern[at - 1] == '\\' && at < pattern.size()) ++at;
  }
  return at;
}

// For each position, the ']' that closes a bracket expression whose items are read from there
// (npos when none does). Filled right to left in one pass, so a pattern of many unclosed '['
// costs linear time instead of one scan to the end per '['.
std::vector<size_t> bracketClosers(std::string_view pattern) {
  std::vector<size_t> closer(pattern.size() + 1, std::string_view::npos);
  for (size_t at = pattern.size(); at-- > 0;) {
    if (pattern[at] == ']') {
      closer[at] = at;
    } else {
      closer[at] = closer[std::min(afterBracketItem(pattern, at), pattern.size())];
    }
  }
  return closer;
}

}  // namespace

Matcher compileShellPattern(std::string_view pattern, bool pathname) {
  std::vector<Step> steps;
  std::vector<size_t> closer;  // filled at the first '['
  const auto literal = [&](char c) {
    Step s;
    s.literal = std::string(1, c);
    steps.push_back(std::move(s));
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      literal(pattern[++i]);
    } else if (c == '*') {
      Step s;
      s.kind = Step::Star;
      s.notSlash = pathname;
      steps.push_back(s);
    } else if (c == '?') {
      Step s;
      s.kind = Step::AnyOne;
      s.notSlash = pathname;
      steps.push_back(s);
    } else if (c == '[') {
      // A bracket expression; without its closing ']' the '[' is an ordinary byte.
      size_t j = i + 1;
      Step s;
      s.kind = Step::Class;
      s.notSlash = pathname;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
        s.negated = true;
        ++j;
      }
      // The first item may be ']' itself; after it, the first ']' read as an item closes.
      if (closer.empty()) closer = bracketClosers(pattern);
      if (j >= pattern.size() || closer[std::min(afterBracketItem(pattern, j), pattern.size())] == std::string_view::npos) {
        literal('[');
        continue;
      }
      bool closed = false;
      for (bool first = true; j < pattern.size(); first = false) {
        if (pattern[j] == ']' && !first) {
          closed = true;
          break;
        }
        unsigned char lo = static_cast<unsigned char>(pattern[j]);
        if (lo == '\\' && j + 1 < pattern.size()) lo = static_cast<unsigned char>(pattern[++j]);
        ++j;
        unsigned char hi = lo;
        if (j + 1 < pattern.size() && pattern[j] == '-' && pattern[j + 1] != ']') {
          hi = static_cast<unsigned char>(pattern[j + 1]);
          j += 2;
          if (hi == '\\' && j < pattern.size()) hi = static_cast<unsigned char>(pattern[j++]);
        }
        s.ranges.emplace_back(lo, hi);
      }
      if (!closed) {
        literal('[');
        continue;
      }
      steps.push_back(std::move(s));
      i = j;
    } else {
      literal(c);
    }
  }
  return Matcher(std::move(steps), false);
}

}  // namespace mal::glob
