// The CI dialects: GitHub Actions workflow commands (inline annotations without an
// upload step, and the step summary) and Checkstyle XML (Jenkins warnings-ng, reviewdog).
#include <algorithm>
#include <map>

#include "report/report_util.h"
#include "report/reporter.h"

#include "analyzer/text_util.h"

namespace mal::report {
namespace {

// Workflow command data and property escaping (GitHub's toolkit rules).
std::string escapeData(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}
std::string escapeProperty(const std::string& s) {
  std::string out;
  for (const char c : escapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string xmlEscape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
        else out += c;
    }
  }
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
  for (const char* nonCharacter : {"\xEF\xBF\xBE", "\xEF\xBF\xBF"}) {
    for (size_t at = out.find(nonCharacter); at != std::string::npos; at = out.find(nonCharacter, at + 3)) {
      out.replace(at, 3, "\xEF\xBF\xBD");
    }
  }
  return out;
}

}  // namespace

// A runner shows at most 10 annotations of each level per step: the most severe findings
// come first, the rest are printed as plain log lines, and one summary line ends the output.
void writeGithub(const Report& report, std::ostream& out) {
  constexpr size_t kAnnotationsPerLevel = 10;
  struct Item {
    const InputResult* input;
    const Finding* finding;  // nullptr: the input could not be analysed
  };
  std::vector<Item> items;
  for (const auto& input : report.inputs) {
    if (input.error) items.push_back({&input, nullptr});
    for (const auto& f : input.findings) items.push_back({&input, &f});
  }
  auto severityOf = [](const Item& i) { return i.finding ? i.finding->severity : Severity::Error; };
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) { return severityOf(a) > severityOf(b); });

  std::map<Severity, size_t> shown, counts;
  size_t unannotated = 0;
  for (const auto& item : items) {
    const Severity severity = severityOf(item);
    ++counts[severity];
    const bool annotate = shown[severity]++ < kAnnotationsPerLevel;
    if (!annotate) ++unannotated;
    const char* command = severity == Severity::Error ? "error" : severity == Severity::Warning ? "warning" : "notice";
    if (!item.finding) {
      const std::string path = repoPath(report, item.input->path, "Dockerfile");
      if (annotate)
        out << "::error file=" << escapeProperty(path) << ",title=" << escapeProperty("multiarch-lint: cannot analyse") << "::";
      else out << escapeData(path) << ": error: ";
      out << escapeData(*item.input->error) << '\n';
      continue;
    }
    const Finding& f = *item.finding;
    const std::string path = repoPath(report, f.location.path, "Dockerfile");
    const std::string message = f.fix.empty() ? f.message : f.message + ". Fix: " + f.fix;
    if (!annotate) {
      out << escapeData(path);
      if (f.location.line > 0) out << ':' << f.location.line << ':' << f.location.column;
      out << ": " << severityName(severity) << ": " << escapeData(message) << " [" << f.ruleId << ' ' << f.slug << "]\n";
      continue;
    }
    out << "::" << command << " file=" << escapeProperty(path);
    if (f.location.line > 0) {
      out << ",line=" << f.location.line << ",endLine=" << f.location.endLine;
      // Columns only on a one-line region: GitHub reads col/endColumn as on one line.
      if (f.location.endLine == f.location.line) out << ",col=" << f.location.column << ",endColumn=" << f.location.endColumn;
    }
    out << ",title=" << escapeProperty(f.ruleId + " " + f.slug) << "::" << escapeData(message) << '\n';
  }
  out << "multiarch-lint: " << counts[Severity::Error] << " error(s), " << counts[Severity::Warning] << " warning(s), "
      << counts[Severity::Info] << " note(s) in " << report.inputs.size() << ' ' << report.inputNoun << "(s)";
  if (unannotated > 0) {
    out << "; " << unannotated << " printed above without an annotation (a runner shows " << kAnnotationsPerLevel
        << " per level per step)";
  }
  out << '\n';
}

namespace {
std::string markdownCell(const std::string& text) {
  std::string out;
  for (const char c : validUtf8(text)) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (c == '<') out += "&lt;";
    else out += c;
  }
  return out;
}
}  // namespace

void writeGithubStepSummary(const Report& report, std::ostream& out) {
  std::map<Severity, size_t> counts;
  size_t unreadable = 0;
  for (const auto& input : report.inputs) {
    unreadable += input.error ? 1 : 0;
    for (const auto& f : input.findings) ++counts[f.severity];
  }
  out << "### multiarch-lint " << report.command << "\n\n"
      << counts[Severity::Error] << " error(s), " << counts[Severity::Warning] << " warning(s), " << counts[Severity::Info]
      << " note(s) in " << report.inputs.size() << ' ' << report.inputNoun << "(s)";
  if (unreadable) out << "; " << unreadable << " could not be analysed";
  out << "\n\n";
  if (counts.empty() && !unreadable) return;
  // GitHub refuses a step summary over 1 MiB: the table stops well before.
  constexpr size_t kMaxRows = 1000;
  size_t rows = 0, left = 0;
  out << "| severity | rule | where | message |\n|---|---|---|---|\n";
  for (const auto& input : report.inputs) {
    if (input.error && rows++ < kMaxRows) {
      out << "| error | cannot analyse | `" << markdownCell(repoPath(report, input.path, "Dockerfile")) << "` | "
          << markdownCell(*input.error) << " |\n";
    }
    for (const auto& f : input.findings) {
      if (rows++ >= kMaxRows) {
        ++left;
        continue;
      }
      std::string where = repoPath(report, f.location.path, "Dockerfile");
      if (f.location.line > 0) where += ":" + std::to_string(f.location.line);
      if (!f.location.imagePath.empty()) where += " " + f.location.platform + ":" + f.location.imagePath;
      out << "| " << severityName(f.severity) << " | " << f.ruleId << " " << f.slug << " | `" << markdownCell(where) << "` | "
          << markdownCell(f.message) << " |\n";
    }
  }
  if (left > 0) out << "\n" << left << " more finding(s) not listed here: see the job's log.\n";
  out << '\n';
}

// Checkstyle for Jenkins warnings-ng: its parser reads `source` as
// <tool>.<category>.<type>, so the category is the analysis and the type the rule id.
// File names are repository-relative, as the workspace it resolves them against is.
void writeCheckstyle(const Report& report, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const auto& input : report.inputs) {
    out << "  <file name=\"" << xmlEscape(repoPath(report, input.path, "Dockerfile")) << "\">\n";
    if (input.error) {
      out << "    <error line=\"0\" severity=\"error\" message=\"" << xmlEscape(*input.error)
          << "\" source=\"multiarch-lint.input.input-error\"/>\n";
    }
    for (const auto& f : input.findings) {
      const char* severity = f.severity == Severity::Error ? "error" : f.severity == Severity::Warning ? "warning" : "info";
      const auto* rule = ruleOf(report, f.ruleId);
      const char* category = !rule                                      ? "dockerfile"
                             : rule->analysis == rules::Analysis::Image ? "image"
                             : rule->analysis == rules::Analysis::Index ? "index"
                                                                        : "dockerfile";
      out << "    <error line=\"" << f.location.line << "\" column=\"" << f.location.column << "\" severity=\"" << severity
          << "\" message=\"" << xmlEscape(f.message) << "\" source=\"multiarch-lint." << category << '.' << f.ruleId << "\"/>\n";
    }
    out << "  </file>\n";
  }
  out << "</checkstyle>\n";
}

std::optional<Format> parseFormat(const std::string& name) {
  if (name == "text" || name == "tty") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name == "github" || name == "github-actions") return Format::Github;
  if (name == "checkstyle") return Format::Checkstyle;
  if (name == "gitlab" || name == "gitlab-codeclimate" || name == "codeclimate") return Format::Gitlab;
  if (name == "junit") return Format::Junit;
  if (name == "html") return Format::Html;
  return std::nullopt;
}

std::string formatNames() { return "text, json, sarif, github, checkstyle, gitlab, junit, html"; }

Report withValidUtf8(const Report& report) {
  const auto fix = [](std::string& s) { s = text::toValidUtf8(s); };
  Report out = report;
  for (auto& row : out.indexRows) {
    for (auto* s : {&row.input, &row.platform, &row.digest, &row.mediaType}) fix(*s);
  }
  for (auto& input : out.inputs) {
    fix(input.path);
    fix(input.digest);
    if (input.error) fix(*input.error);
    for (auto& f : input.findings) {
      auto& l = f.location;
      for (auto* s : {&f.ruleId, &f.slug, &f.message, &f.fix, &l.path, &l.sourceLine, &l.image, &l.platform, &l.imagePath,
                      &l.layerDigest, &l.pointer}) {
        fix(*s);
      }
    }
  }
  for (auto& platform : out.platforms) {
    for (auto* s : {&platform.input, &platform.platform, &platform.manifestDigest, &platform.error}) fix(*s);
    std::map<std::string, size_t> machines;
    for (const auto& [machine, count] : platform.elfByMachine) machines[text::toValidUtf8(machine)] += count;
    platform.elfByMachine = std::move(machines);
  }
  std::map<std::string, size_t> registry;
  for (const auto& [key, count] : out.registry) registry[text::toValidUtf8(key)] += count;
  out.registry = std::move(registry);
  return out;
}

void write(Format format, const Report& report, std::ostream& out, const TextOptions& options) {
  // The text report goes to a terminal or a log and carries every byte as it was; the
  // other formats are UTF-8 documents: the report's text is made valid once, here.
  if (format == Format::Text) return writeText(report, out, options);
  const Report valid = withValidUtf8(report);
  switch (format) {
    case Format::Text: return;
    case Format::Json: return writeJson(valid, out);
    case Format::Sarif: return writeSarif(valid, out);
    case Format::Github: return writeGithub(valid, out);
    case Format::Checkstyle: return writeCheckstyle(valid, out);
    case Format::Gitlab: return writeGitlab(valid, out);
    case Format::Junit: return writeJunit(valid, out);
    case Format::Html: return writeHtml(valid, out);
  }
}

}  // namespace mal::report
