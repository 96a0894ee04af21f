// .dockerignore read and matched as BuildKit does: moby/patternmatcher/ignorefile.ReadAll
// (BOM, `#` comments, trimming, filepath.Clean, the leading `/` dropped, `!` exceptions)
// and patternmatcher's match types (exact, `dir/**` prefix, `**/name` suffix, else its
// regexp: `*` and `?` within a segment, `**` across segments, `[...]`, `\` escapes), with
// MatchesOrParentMatches: a pattern matching a parent directory matches what is below
// it, and the last matching line wins. Matching runs glob::Matcher: linear in the path
// for a given pattern, whatever the pattern holds (no backtracking, no recursion).
#pragma once

#include <string>
#include <vector>

#include "analyzer/glob.h"

namespace mal::context {

class DockerIgnore {
 public:
  static DockerIgnore parse(const std::string& content);
  bool excluded(const std::string& relativePath) const;
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
    bool matches(const std::string& path) const;
  };
  static bool compile(const std::string& cleaned, Pattern& out, std::string& error);
  std::vector<Pattern> patterns_;
  std::vector<std::string> errors_;
  bool hasExceptions_ = false;
};

// Go's filepath.Clean on a slash-separated path ("" is ".").
std::string goCleanPath(const std::string& path);

}  // namespace mal::context
