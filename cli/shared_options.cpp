#include "cli/shared_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>

#include "analyzer/text_util.h"
#include "rules/catalog.h"

namespace mal::cli {

std::optional<Config> loadSettings(const std::string& configPath, bool noConfig, std::ostream& err) {
  try {
    std::optional<std::string> path;
    if (!configPath.empty()) {
      path = configPath;
    } else if (!noConfig) {
      path = discoverConfig();
    }
    return path ? loadConfig(*path) : Config{};
  } catch (const ConfigError& e) {
    err << "multiarch-lint: " << e.what() << '\n';
    return std::nullopt;
  }
}

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
  // A report that could not be written completely (a full disk, a closed pipe) is a lost
  // report: exit 2, never a silent 0.
  if (output.empty()) {
    report::write(format, result, out, options);
    out.flush();
    if (!out) {
      err << "multiarch-lint: cannot write the report to standard output: " << std::strerror(errno ? errno : EIO) << '\n';
      return false;
    }
    return true;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  if (!file) {
    err << "multiarch-lint: cannot write '" << output << "': " << std::strerror(errno) << '\n';
    return false;
  }
  report::write(format, result, file, options);
  file.flush();
  if (file) file.close();
  if (!file) {
    err << "multiarch-lint: cannot write '" << output << "': " << std::strerror(errno ? errno : EIO) << '\n';
    return false;
  }
  return true;
}

namespace {

// The input `output` would overwrite (the file itself, or a file inside an input
// directory such as an OCI layout), if any.
std::optional<std::string> inputUnder(const std::string& output, const report::Report& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(output, ec);
  if (ec) return std::nullopt;
  for (const auto& input : report.inputs) {
    if (input.path == "-" || !fs::exists(input.path, ec)) continue;
    const fs::path source = fs::weakly_canonical(input.path, ec);
    if (ec) continue;
    if (target == source) return input.path;
    if (fs::is_directory(source, ec)) {
      const auto [end, rest] = std::mismatch(source.begin(), source.end(), target.begin(), target.end());
      if (end == source.end()) return input.path;
    }
  }
  return std::nullopt;
}

}  // namespace

int finishReport(report::Format format, const report::Report& report, const std::string& output, const std::string& color,
                 const Threshold& threshold, Streams streams) {
  // Each input that could not be analysed: one line on stderr, whatever the format.
  for (const auto& input : report.inputs) {
    if (input.error) streams.err << "multiarch-lint: " << input.path << ": " << *input.error << '\n';
  }
  if (!output.empty()) {
    if (const auto input = inputUnder(output, report)) {
      streams.err << "multiarch-lint: -o " << output << ": refusing to write the report over the input '" << *input
                  << "'\n";
      return kExitInputError;
    }
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
