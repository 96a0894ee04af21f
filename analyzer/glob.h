// Wildcard matching on untrusted text without backtracking. A pattern is compiled into a
// short list of steps (a byte or rune, a class, a star) and matched by running every
// live position of the pattern at once over the text (a Thompson NFA): time is at most
// text length × pattern length, never exponential, and the recursion-free loop cannot
// exhaust the stack. std::regex and fnmatch(3) both backtrack; this replaces them for
// shell patterns (${V%%pat}, COPY sources) and for .dockerignore (see dockerignore.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mal::glob {

struct Step {
  enum Kind : uint8_t {
    Literal,       // the bytes in `literal` (one rune, or one byte)
    AnyOne,        // one rune (or byte), not '/' when `notSlash`
    Class,         // one rune in (or, negated, not in) `ranges`
    Star,          // any run of runes, none of them '/' when `notSlash`
    OptionalDirs,  // regexp `(.*/)?`: empty, or any run ending in '/' with no '\n' (patternmatcher's `**/`)
    DotStar,       // regexp `.*`: any run with no '\n' (patternmatcher's trailing `**`)
    BeginAnchor,   // regexp `^` inside a pattern: only before the first rune (see simplify)
  };
  Kind kind = Literal;
  bool notSlash = false;
  bool negated = false;
  std::string literal;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // inclusive
};

// A compiled pattern. `runes`: AnyOne and Class consume one UTF-8 rune (an invalid byte
// is one rune, as Go decodes it); otherwise one byte (the C locale, like fnmatch here).
class Matcher {
 public:
  Matcher() = default;
  Matcher(std::vector<Step> steps, bool runes);

  bool matches(std::string_view text) const;
  // Every length n such that text[0, n) matches, ascending. With `budget`, the steps taken
  // are subtracted from it; when it runs out the answer is empty and *budget is 0.
  std::vector<size_t> matchingPrefixes(std::string_view text, size_t* budget = nullptr) const;
  // A match in progress: the live positions of the pattern after the text read so far. A
  // path can be matched a segment at a time from its parent directory's cursor, so a walk
  // reads each name once instead of every full path (.dockerignore, see dockerignore.h).
  // Cut the text only at ASCII bytes such as '/': a rune is never split there.
  struct Cursor {
    std::vector<uint32_t> states;
    bool accepting = false;  // the text read so far matches the whole pattern
  };
  Cursor start() const;
  // Reads `text` on from `cursor`. With `budget`, as matchingPrefixes: when it runs out the
  // cursor is left dead (nothing matches) and *budget is 0.
  void advance(Cursor& cursor, std::string_view text, size_t* budget = nullptr) const;
  // The same pattern read backwards: its matching prefixes of a reversed text are the
  // matching suffixes of the text. Byte mode only (a reversed rune is not a rune).
  Matcher reversed() const;
  // The fewest units (runes or bytes) a match needs: a quick refusal of texts too short.
  size_t minimumLength() const { return minimum_; }
  const std::vector<Step>& steps() const { return steps_; }

 private:
  void simplify();
  // One unit (a rune, or a byte) read from the states in `current` into `next`; `mark` and
  // `generation` dedupe the states of one set. Returns the visits made.
  size_t stepUnit(const std::vector<uint32_t>& current, std::vector<uint32_t>& next, std::vector<uint32_t>& mark,
                  uint32_t generation, uint32_t rune, std::string_view unit) const;
  void addState(std::vector<uint32_t>& set, std::vector<uint32_t>& mark, uint32_t generation, uint32_t state) const;
  bool matchesByStars(std::string_view text) const;
  std::vector<Step> steps_;
  bool starsOnly_ = false;   // byte steps and stars alike on '/': matchesByStars decides
  bool impossible_ = false;  // a `^` after a rune: nothing matches
  bool runes_ = false;
  size_t minimum_ = 0;
};

// A shell pattern as fnmatch(3) reads it: `*`, `?`, `[...]` (with `!` or `^` negation and
// ranges), `\` escapes; with `pathname`, no wildcard matches '/' (FNM_PATHNAME).
// A `[` without its `]` is a literal '[' as in fnmatch.
Matcher compileShellPattern(std::string_view pattern, bool pathname);

}  // namespace mal::glob
