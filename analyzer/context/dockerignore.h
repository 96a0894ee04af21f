// .dockerignore read and matched as BuildKit does: moby/patternmatcher/ignorefile.ReadAll
// (BOM, `#` comments, trimming, filepath.Clean, the leading `/` dropped, `!` exceptions)
// and patternmatcher's match types (exact, `dir/**` prefix, `**/name` suffix, else its
// regexp: `*` and `?` within a segment, `**` across segments, `[...]`, `\` escapes), with
// MatchesOrParentMatches: a pattern matching a parent directory matches what is below
// it, and the last matching line wins. Matching runs glob::Matcher: linear in the path
// for a given pattern, whatever the pattern holds (no backtracking, no recursion).
//
// A path is matched a segment at a time from its parent directory's state (each pattern's
// live matcher positions, and whether it already matched a parent), kept in a tree of the
// directories met so far: a context walk reads each name once per pattern, never each full
// path for every parent as MatchesOrParentMatches does, so a deep tree against many `**`
// stays linear. All matching of one DockerIgnore shares a work bound; past it every path
// reads as excluded and exhausted() says so (the caller reports the context as not examined).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/glob.h"

namespace mal::context {

class DockerIgnore {
 public:
  // The work bound: steps of the matchers and bytes compared, for all paths asked together
  // (about a second of matching; a build context's usual .dockerignore takes well under 1%).
  static constexpr size_t kMatchBudget = size_t{400} * 1000 * 1000;
  // `matchBudget`: the work bound (a test's smaller one; see kMatchBudget).
  static DockerIgnore parse(const std::string& content, size_t matchBudget = kMatchBudget);
  // Whether BuildKit leaves the path out of the context (true, too, once exhausted()).
  bool excluded(const std::string& relativePath) const;
  // The work bound on matching was reached: paths asked after it were not matched.
  bool exhausted() const { return budget_ == 0; }
  bool empty() const { return patterns_.empty(); }
  // Some line is a `!` exception: an excluded directory must still be walked.
  bool hasExceptions() const { return hasExceptions_; }
  // Why BuildKit would refuse this file (it fails the build); the patterns that could be
  // read are still applied.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  enum class Kind { Exact, Prefix, Suffix, Pattern };
  struct Pattern {
    std::string cleaned;
    Kind kind = Kind::Exact;
    glob::Matcher matcher;
    bool exclusion = false;  // a `!` line
    bool matches(std::string_view path) const;
  };
  static bool compile(const std::string& cleaned, Pattern& out, std::string& error);
  // What the patterns say of one path: which matched it or one of its parents, and the
  // cursors of the wildcard patterns that still may match something below it.
  struct PathState {
    std::vector<bool> matched;  // by pattern index
    std::vector<std::pair<uint32_t, glob::Matcher::Cursor>> live;
  };
  struct Directory {
    PathState state;
    std::unordered_map<std::string, std::unique_ptr<Directory>> children;  // by "/name" ("name" at the top)
  };
  PathState rootState() const;
  // `path` is the child's whole path; its last segment (with its leading '/') starts at `segment`.
  PathState childState(const PathState& parent, std::string_view path, size_t segment) const;
  std::vector<Pattern> patterns_;
  mutable std::unique_ptr<Directory> root_;  // built on first use
  mutable size_t budget_ = kMatchBudget;
  mutable size_t cachedBytes_ = 0;  // what root_ holds, roughly; past a bound nothing more is kept
  std::vector<std::string> errors_;
  bool hasExceptions_ = false;
};

// Go's filepath.Clean on a slash-separated path ("" is ".").
std::string goCleanPath(const std::string& path);

}  // namespace mal::context
