// JUnit XML for the test views of GitLab and Jenkins, read as a readiness matrix: one
// testsuite per Dockerfile or image, one testcase per target platform. A testcase fails
// with the findings for its platform that are at or above the failure threshold (so the
// test view agrees with the exit code); the rest are in its system-out. <error> is an
// input that could not be analysed.
#include <sstream>

#include "report/report_util.h"
#include "report/reporter.h"

namespace mal::report {
namespace {

std::string describe(const Report& report, const Finding& f) {
  std::ostringstream line;
  line << repoPath(report, f.location.path, "Dockerfile");
  if (f.location.line > 0) line << ':' << f.location.line << ':' << f.location.column;
  if (!f.location.imagePath.empty()) line << ' ' << f.location.imagePath;
  line << ": " << severityName(f.severity) << ": " << f.message << " [" << f.ruleId << ' ' << f.slug << "]";
  if (!f.fix.empty()) line << "\n  fix: " << f.fix;
  return line.str();
}

}  // namespace

void writeJunit(const Report& report, std::ostream& out) {
  struct Case {
    std::string platform;
    std::vector<const Finding*> failing, other;
  };
  struct Suite {
    const InputResult* input;
    std::vector<Case> cases;
    size_t failures = 0, errors = 0;
  };
  std::vector<Suite> suites;
  size_t tests = 0, failures = 0, errors = 0;
  for (const auto& input : report.inputs) {
    Suite suite{&input, {}};
    auto platforms = inputPlatforms(report, input);
    // An input read no further than an error still gets a testcase to carry it.
    if (platforms.empty()) platforms.push_back("(all platforms)");
    for (const auto& platform : platforms) {
      Case c{platform, {}, {}};
      for (const auto& f : input.findings) {
        if (!appliesTo(f, platform) && platform != "(all platforms)") continue;
        (report.failAt && f.severity >= *report.failAt ? c.failing : c.other).push_back(&f);
      }
      if (input.error) ++suite.errors;
      else if (!c.failing.empty()) ++suite.failures;
      suite.cases.push_back(std::move(c));
    }
    tests += suite.cases.size();
    failures += suite.failures;
    errors += suite.errors;
    suites.push_back(std::move(suite));
  }

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"multiarch-lint " << report.command << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\">\n";
  for (const auto& suite : suites) {
    const std::string name = repoPath(report, suite.input->path, "Dockerfile");
    out << "  <testsuite name=\"" << markupEscape(name) << "\" tests=\"" << suite.cases.size() << "\" failures=\""
        << suite.failures << "\" errors=\"" << suite.errors << "\" skipped=\"0\">\n";
    for (const auto& c : suite.cases) {
      out << "    <testcase classname=\"" << markupEscape(name) << "\" name=\"" << markupEscape(c.platform) << "\">\n";
      if (suite.input->error) {
        out << "      <error type=\"input-error\" message=\"" << markupEscape("cannot analyse: " + *suite.input->error)
            << "\"/>\n";
      } else if (!c.failing.empty()) {
        std::string text;
        for (const auto* f : c.failing) text += describe(report, *f) + "\n";
        const Finding& first = *c.failing.front();
        const std::string message =
            std::to_string(c.failing.size()) + " finding(s) for " + c.platform + ", first: " + first.ruleId + " " + first.message;
        out << "      <failure type=\"" << markupEscape(first.ruleId) << "\" message=\"" << markupEscape(message) << "\">"
            << markupEscape(text) << "</failure>\n";
      }
      if (!c.other.empty()) {
        std::string text;
        for (const auto* f : c.other) text += describe(report, *f) + "\n";
        out << "      <system-out>" << markupEscape(text) << "</system-out>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace mal::report
