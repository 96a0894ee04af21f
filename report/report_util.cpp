#include "report/report_util.h"
#include "analyzer/crypto_api.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "analyzer/text_util.h"

namespace mal::report {

std::string repoPath(const Report& report, const std::string& path, const std::string& stdinName) {
  if (path == "-") return stdinName;
  namespace fs = std::filesystem;
  std::string out = path;
  if (!report.rootDirectory.empty() && !report.workingDirectory.empty() && !path.empty()) {
    // A registry reference is not a file: keep it as written.
    const fs::path given(path);
    const fs::path absolute = (given.is_absolute() ? given : fs::path(report.workingDirectory) / given).lexically_normal();
    if (!report.references.count(path)) {
      const fs::path relative = absolute.lexically_relative(fs::path(report.rootDirectory).lexically_normal());
      const std::string r = relative.generic_string();
      out = relative.empty() || r == ".." || text::startsWith(r, "../") ? absolute.generic_string() : r;
    }
  }
  while (text::startsWith(out, "./")) out = out.substr(2);
  return out;
}

std::string regionText(const Location& location) {
  if (location.line <= 0) return {};
  const std::string& line = location.sourceLine;
  // Columns count code points; find the byte offsets of the start and end columns.
  size_t begin = line.size(), end = line.size();
  int column = 1;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (column == location.column) begin = i;
    if (location.endLine == location.line && column == location.endColumn) end = i;
    ++column;
  }
  if (begin >= end) return {};
  return text::trim(std::string_view(line).substr(begin, end - begin));
}

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  libcrypto().digest(data.data(), data.size(), digest, &length, libcrypto().sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<std::string> fingerprints(const Report& report, const InputResult& input) {
  std::vector<std::string> out;
  std::map<std::string, int> seen;  // equal keys in one input are told apart by their order
  for (const auto& f : input.findings) {
    std::string key = f.ruleId + '\0' + repoPath(report, f.location.path, "Dockerfile") + '\0';
    if (f.location.isImage()) {
      key += f.location.image + '\0' + f.location.platform + '\0' + f.location.imagePath + '\0' + f.location.pointer;
    } else {
      // Not the line number: the flagged text, so a line inserted above moves nothing.
      key += regionText(f.location);
    }
    const int occurrence = seen[key]++;
    out.push_back(sha256Hex(key + '\0' + std::to_string(occurrence)));
  }
  return out;
}

std::vector<std::string> inputPlatforms(const Report& report, const InputResult& input) {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  // lint and manifest judge against the target platforms; scan against what the image holds.
  if (report.command != "scan") {
    for (const auto& p : report.targetPlatforms) add(p);
  }
  for (const auto& s : report.platforms) {
    if (s.input == input.path) add(s.platform);
  }
  for (const auto& row : report.indexRows) {
    if (row.input == input.path && !row.attestation) add(row.platform);
  }
  for (const auto& f : input.findings) {
    add(f.location.platform);
    for (const auto& p : f.breaks) add(p.str());
  }
  return out;
}

bool appliesTo(const Finding& finding, const std::string& platform) {
  if (!finding.location.platform.empty()) return finding.location.platform == platform;
  if (finding.breaks.empty()) return true;
  return std::any_of(finding.breaks.begin(), finding.breaks.end(), [&](const Platform& p) { return p.str() == platform; });
}

const rules::RuleInfo* ruleOf(const Report& report, std::string_view id) {
  for (const auto* rule : report.rules) {
    if (rule->id == id) return rule;
  }
  return nullptr;
}

std::string validUtf8(std::string_view input) {
  const std::string s(input);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const size_t width = text::runeWidth(s, i, s.size());
    if (text::decodeRune(s, i, s.size()) == 0xFFFD && !(width == 3 && s.compare(i, 3, "\xEF\xBF\xBD") == 0)) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(s, i, width);
    }
    i += width;
  }
  return out;
}

std::string markupEscape(std::string_view text) {
  std::string out;
  for (const char c : validUtf8(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) out += ' ';
        else out += c;
    }
  }
  return out;
}

}  // namespace mal::report
