// The CI dialects: GitHub Actions workflow commands (inline annotations without an
// upload step) and Checkstyle XML (Jenkins, reviewdog, GitLab via converters).
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
  }
}

}  // namespace mal::report
