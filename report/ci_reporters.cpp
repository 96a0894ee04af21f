// The CI dialects: GitHub Actions workflow commands (inline annotations without an
// upload step) and Checkstyle XML (Jenkins, reviewdog, GitLab via converters).
#include "report/reporter.h"

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
  return out;
}

}  // namespace

void writeGithub(const Report& report, std::ostream& out) {
  for (const auto& input : report.inputs) {
    if (input.error) out << "::error file=" << escapeProperty(input.path) << "::" << escapeData(*input.error) << '\n';
    for (const auto& f : input.findings) {
      const char* command = f.severity == Severity::Error ? "error" : f.severity == Severity::Warning ? "warning" : "notice";
      out << "::" << command << " file=" << escapeProperty(f.location.path);
      if (f.location.line > 0) {
        out << ",line=" << f.location.line << ",col=" << f.location.column << ",endLine=" << f.location.endLine;
        if (f.location.endLine == f.location.line) out << ",endColumn=" << f.location.endColumn;
      }
      out << ",title=" << escapeProperty(f.ruleId + " " + f.slug) << "::"
          << escapeData(f.fix.empty() ? f.message : f.message + ". Fix: " + f.fix) << '\n';
    }
  }
}

void writeCheckstyle(const Report& report, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const auto& input : report.inputs) {
    out << "  <file name=\"" << xmlEscape(input.path) << "\">\n";
    if (input.error) {
      out << "    <error line=\"0\" severity=\"error\" message=\"" << xmlEscape(*input.error)
          << "\" source=\"multiarch-lint\"/>\n";
    }
    for (const auto& f : input.findings) {
      const char* severity = f.severity == Severity::Error ? "error" : f.severity == Severity::Warning ? "warning" : "info";
      out << "    <error line=\"" << f.location.line << "\" column=\"" << f.location.column << "\" severity=\""
          << severity << "\" message=\"" << xmlEscape(f.message) << "\" source=\"multiarch-lint." << f.ruleId
          << "\"/>\n";
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
  return std::nullopt;
}

std::string formatNames() { return "text, json, sarif, github, checkstyle, gitlab"; }

void write(Format format, const Report& report, std::ostream& out, const TextOptions& options) {
  switch (format) {
    case Format::Text: return writeText(report, out, options);
    case Format::Json: return writeJson(report, out);
    case Format::Sarif: return writeSarif(report, out);
    case Format::Github: return writeGithub(report, out);
    case Format::Checkstyle: return writeCheckstyle(report, out);
    case Format::Gitlab: return writeGitlab(report, out);
  }
}

}  // namespace mal::report
