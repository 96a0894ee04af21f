// A rule: its identity, its docs (the four sections every rule page has), and the bad
// and good snippets that the catalogue test runs (ShellCheck's verify / verifyNot).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/finding.h"

namespace mal::rules {

enum class Analysis { Dockerfile, Image, Index };

struct RuleInfo {
  std::string_view id;    // MA110
  std::string_view slug;  // arch-specific-download
  Severity severity;
  Analysis analysis;
  std::string_view summary;            // one line
  std::string_view what;               // What it finds
  std::string_view why;                // Why it breaks
  std::string_view example;            // Example (a bad snippet with its finding)
  std::string_view fix;                // How to fix it
  std::vector<std::string_view> bad;   // each must give at least one finding of this rule
                                       // (empty only when needsBuildContext: fixtures prove those)
  std::vector<std::string_view> good;  // each must give none
  bool needsBuildContext = false;      // fires only on files read from the build context
  bool needsRegistry = false;          // fires only with lint --resolve (the examples are judged against
                                       // the catalogue test's stand-in registry answers)
  bool needsDownloadProbe = false;     // fires only with lint --probe-downloads (judged against the
                                       // catalogue test's stand-in server answers)
};

// A finding of `rule` at its default severity; the sink fills in the location.
inline Finding findingFor(const RuleInfo& rule, std::string message, std::string fix) {
  Finding f;
  f.ruleId = std::string(rule.id);
  f.slug = std::string(rule.slug);
  f.severity = rule.severity;
  f.message = std::move(message);
  f.fix = std::move(fix);
  return f;
}

}  // namespace mal::rules
