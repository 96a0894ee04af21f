#include "cli/shared_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "analyzer/text_util.h"
#include "rules/catalog.h"

namespace mal::cli {

bool addIgnoredRules(const std::vector<std::string>& names, std::set<std::string>& ids, std::ostream& err) {
  for (const auto& name : names) {
    for (const auto& part : text::split(name, ',')) {
      const auto* rule = rules::findRule(text::trim(part));
      if (!rule) {
        err << "multiarch-lint: --ignore: unknown rule '" << text::trim(part) << "'\n";
        return false;
      }
      ids.insert(std::string(rule->id));
    }
  }
  return true;
}

std::optional<Threshold> thresholdOption(const std::string& text, Threshold fallback, std::ostream& err) {
  if (text.empty()) return fallback;
  const auto parsed = parseThreshold(text);
  if (!parsed) err << "multiarch-lint: --failure-threshold must be error, warning, info or none\n";
  return parsed;
}

bool wantsColour(const std::string& color, const std::string& output, bool terminal) {
  const char* noColor = std::getenv("NO_COLOR");
  return color == "always" || (color == "auto" && output.empty() && terminal && !(noColor && *noColor));
}

bool writeReport(report::Format format, const report::Report& result, const std::string& output,
                 const report::TextOptions& options, std::ostream& out, std::ostream& err) {
  if (output.empty()) {
    report::write(format, result, out, options);
    return true;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  if (!file) {
    err << "multiarch-lint: cannot write '" << output << "': " << std::strerror(errno) << '\n';
    return false;
  }
  report::write(format, result, file, options);
  return true;
}

int finishReport(report::Format format, const report::Report& report, const std::string& output, const std::string& color,
                 const Threshold& threshold, Streams streams) {
  // Each input that could not be analysed: one line on stderr, whatever the format.
  for (const auto& input : report.inputs) {
    if (input.error) streams.err << "multiarch-lint: " << input.path << ": " << *input.error << '\n';
  }
  const report::TextOptions options{wantsColour(color, output, streams.outIsTerminal)};
  if (!writeReport(format, report, output, options, streams.out, streams.err)) return kExitInputError;
  bool inputError = false, failing = false;
  for (const auto& input : report.inputs) {
    inputError = inputError || input.error.has_value();
    for (const auto& f : input.findings) failing = failing || (threshold.atLeast && f.severity >= *threshold.atLeast);
  }
  if (inputError) return kExitInputError;
  return failing ? kExitFindings : kExitClean;
}

}  // namespace mal::cli
