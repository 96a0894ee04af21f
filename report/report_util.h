// What several reporters need to say the same thing the same way: paths relative to the
// repository, a finding's fingerprint that survives lines moving, which target platforms a
// finding concerns, and text made safe for XML and HTML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/reporter.h"

namespace mal::report {

// `path` (as given, relative to report.workingDirectory) relative to report.rootDirectory,
// without "./"; an absolute path outside the root stays absolute; a registry reference
// or a path with no root to compare with is returned as given. stdin ("-") is
// `stdinName`, since CI formats need a file name.
std::string repoPath(const Report& report, const std::string& path, const std::string& stdinName = "-");

// The flagged text itself (the region's start line from its start column, up to its end
// column when it ends on that line), whitespace-trimmed; empty without a position.
std::string regionText(const Location& location);

// One fingerprint per finding of `input`, in order: a hash of the rule, the repository
// path and what the finding is about — the flagged text for a file region (so inserting a
// line above it changes nothing), the image path, platform and layer-independent place for
// an image or index finding — plus its occurrence number among equal ones.
std::vector<std::string> fingerprints(const Report& report, const InputResult& input);
std::string sha256Hex(std::string_view data);

// The platforms an input was judged for: lint's and manifest's targets, scan's platforms,
// manifest's entries, plus any a finding names.
std::vector<std::string> inputPlatforms(const Report& report, const InputResult& input);
// Whether a finding concerns `platform`: its location's platform, else the platforms it
// breaks, else (a finding about the whole file) every platform.
bool appliesTo(const Finding& finding, const std::string& platform);

const rules::RuleInfo* ruleOf(const Report& report, std::string_view id);

// Invalid UTF-8 becomes U+FFFD, so a document that declares UTF-8 is UTF-8.
std::string validUtf8(std::string_view input);
// Text for XML 1.0 / HTML character data and attribute values: escaped, valid UTF-8,
// no control characters XML forbids.
std::string markupEscape(std::string_view text);

}  // namespace mal::report
