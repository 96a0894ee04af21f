// Inline pragmas: `# multiarch-lint ignore=MA110,MA150 -- reason` on the comment lines
// right above an instruction silences those rules on it; `# multiarch-lint global
// ignore=... -- reason` silences them in the whole file.
#pragma once

#include <string>
#include <vector>

#include "analyzer/source_text.h"

namespace mal::rules {

struct Pragma {
  int line = 0;  // 1-based line of the comment
  bool global = false;
  std::vector<std::string> rules;  // as written (ids or slugs)
  std::string reason;
  Span span;
};

std::vector<Pragma> findPragmas(const SourceText& source);

}  // namespace mal::rules
