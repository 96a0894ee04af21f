#include "cli/shared_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>

#include <sys/ioctl.h>
#include <unistd.h>

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

// How wide the text report may be: the terminal's width, else $COLUMNS, else 160.
size_t outputWidth(bool terminal) {
  if (terminal) {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const long value = std::strtol(columns, nullptr, 10);
    if (value >= 40 && value <= 10000) return static_cast<size_t>(value);
  }
  return 160;
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

// The repository a path is relative to in CI: the nearest directory holding .git (a
// directory, or the file a worktree or submodule has), else the working directory.
std::string repositoryRoot(const std::filesystem::path& workingDirectory) {
  std::error_code ec;
  for (auto dir = workingDirectory; !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / ".git", ec)) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return workingDirectory.string();
}

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

int finishReport(report::Format format, report::Report& report, const std::string& output, const std::string& color,
                 const Threshold& threshold, Streams streams) {
  // Each input that could not be analysed: one line on stderr, whatever the format.
  for (const auto& input : report.inputs) {
    if (input.error) streams.err << "multiarch-lint: " << input.path << ": " << *input.error << '\n';
  }
  if (!output.empty()) {
    if (const auto input = inputUnder(output, report)) {
      streams.err << "multiarch-lint: -o " << output << ": refusing to write the report over the input '" << *input << "'\n";
      return kExitInputError;
    }
  }
  report.failAt = threshold.atLeast;
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  if (!ec) {
    report.workingDirectory = cwd.string();
    report.rootDirectory = repositoryRoot(cwd);
  }
  // GitHub resolves annotation paths against the workspace, and shows a step summary.
  const char* workspace = std::getenv("GITHUB_WORKSPACE");
  if (format == report::Format::Github && workspace && *workspace) report.rootDirectory = workspace;
  const char* stepSummary = std::getenv("GITHUB_STEP_SUMMARY");
  if (format == report::Format::Github && stepSummary && *stepSummary) {
    std::ofstream summary(stepSummary, std::ios::binary | std::ios::app);
    if (summary) report::writeGithubStepSummary(report, summary);
    else
      streams.err << "multiarch-lint: cannot write GITHUB_STEP_SUMMARY '" << stepSummary << "': " << std::strerror(errno) << '\n';
  }
  const report::TextOptions options{wantsColour(color, output, streams.outIsTerminal),
                                    outputWidth(output.empty() && streams.outIsTerminal)};
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
