// libFuzzer target: every reporter's encoder on arbitrary bytes in every text field (the
// input split at NUL bytes). JSON, SARIF and GitLab output must parse with nlohmann.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "analyzer/text_util.h"
#include "report/reporter.h"
#include "rules/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto fields = mal::text::split(std::string(reinterpret_cast<const char*>(data), size), '\0');
  const auto field = [&](size_t i) { return i < fields.size() ? fields[i] : std::string(); };
  static const auto rules = mal::rules::allRules();
  const auto* rule = rules[size % rules.size()];
  mal::report::Report report;
  // Only the finding's own rule: the catalogue's text is the same on every run, and writing
  // and parsing back all of it took most of the time (perf: SARIF 37%, JSON parsing 32%).
  report.rules = {rule};
  mal::report::InputResult input;
  input.path = field(0);
  mal::Finding f;
  f.ruleId = std::string(rule->id);
  f.slug = std::string(rule->slug);
  f.severity = static_cast<mal::Severity>(size % 3);
  f.message = field(1);
  f.fix = field(2);
  f.location.path = field(0);
  f.location.sourceLine = field(3);
  f.location.line = static_cast<int>(size % 7);
  f.location.column = 1 + static_cast<int>(size % 13);
  f.location.endLine = f.location.line;
  f.location.endColumn = f.location.column + 1;
  if (size % 2) {
    f.location.platform = field(4);
    f.location.imagePath = field(5);
  }
  input.findings.push_back(f);
  if (fields.size() > 6) input.error = field(6);
  report.inputs.push_back(input);
  for (const auto format : {mal::report::Format::Json, mal::report::Format::Sarif, mal::report::Format::Gitlab}) {
    std::ostringstream out;
    mal::report::write(format, report, out, {});
    if (!nlohmann::json::accept(out.str())) std::abort();
  }
  for (const auto format : {mal::report::Format::Text, mal::report::Format::Github, mal::report::Format::Checkstyle}) {
    std::ostringstream out;
    mal::report::write(format, report, out, {});
  }
  return 0;
}
