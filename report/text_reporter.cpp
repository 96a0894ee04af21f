// Compiler-style text: `path:line:col: severity: message [MA110 slug]`, the source line,
// and a caret under the exact range. Colour only when asked (the CLI asks on a TTY).
#include <iomanip>
#include <algorithm>
#include <map>
#include <utility>

#include "report/reporter.h"

namespace mal::report {
namespace {

struct Palette {
  bool on;
  std::string bold() const { return on ? "\033[1m" : ""; }
  std::string reset() const { return on ? "\033[0m" : ""; }
  std::string green() const { return on ? "\033[1;32m" : ""; }
  std::string dim() const { return on ? "\033[2m" : ""; }
  std::string severity(Severity s) const {
    if (!on) return "";
    switch (s) {
      case Severity::Error: return "\033[1;31m";
      case Severity::Warning: return "\033[1;35m";
      case Severity::Info: return "\033[1;36m";
    }
    return "";
  }
};

// The byte offset where code point `column` (1-based) starts in `line`.
size_t byteOfColumn(const std::string& line, int column) {
  size_t i = 0;
  for (int c = 1; i < line.size() && c < column; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++c;
    while (i + 1 < line.size() && (static_cast<unsigned char>(line[i + 1]) & 0xC0) == 0x80) ++i;
  }
  return std::min(i, line.size());
}

// The source line and its caret line (spaces up to the column, then ^~~~ over the range),
// clipped to `width` columns around the caret when the line is wider.
std::pair<std::string, std::string> sourceAndCaret(const Location& loc, size_t width) {
  const std::string& line = loc.sourceLine;
  int first = 1;  // the first code point shown
  int last = 0;   // the last one shown, 0: to the end
  int codePoints = 0;
  for (unsigned char c : line) codePoints += (c & 0xC0) != 0x80;
  const int rangeWidth = std::max(1, loc.endLine == loc.line ? loc.endColumn - loc.column : 1);
  const int room = width == 0 ? 0 : static_cast<int>(width) - 12;  // the gutter and the ellipses
  if (room > 20 && codePoints > room) {
    // Keep the caret's start a third into the window, so the range after it shows.
    first = std::max(1, loc.column - room / 3);
    last = std::min(codePoints, first + room - 1);
    if (last == codePoints) first = std::max(1, last - room + 1);
  }
  const size_t from = byteOfColumn(line, first);
  const size_t to = last == 0 ? line.size() : byteOfColumn(line, last + 1);
  std::string shown = (first > 1 ? "..." : "") + line.substr(from, to - from) + (to < line.size() ? "..." : "");
  std::string caret = first > 1 ? "   " : "";
  for (size_t i = from; i < line.size() && i < byteOfColumn(line, loc.column); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    caret += c == '\t' ? '\t' : ' ';
  }
  caret += '^';
  const int visible = last == 0 ? rangeWidth : std::min(rangeWidth, std::max(1, last - loc.column + 1));
  for (int i = 1; i < visible; ++i) caret += '~';
  return {shown, caret};
}

}  // namespace

void writeText(const Report& report, std::ostream& out, const TextOptions& options) {
  const Palette p{options.color};
  std::map<Severity, int> counts;
  int files = 0;
  if (!report.indexRows.empty()) {
    std::map<std::string, std::string> digests;  // what FROM image@... should pin
    for (const auto& input : report.inputs) {
      if (!input.digest.empty()) digests[input.path] = input.digest;
    }
    size_t width = 8;
    for (const auto& row : report.indexRows) width = std::max(width, row.platform.size());
    std::string lastInput;
    for (const auto& row : report.indexRows) {
      if (row.input != lastInput) {
        out << p.bold() << row.input << p.reset() << '\n';
        if (const auto it = digests.find(row.input); it != digests.end()) out << "  Digest: " << it->second << '\n';
        out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << "PLATFORM" << std::setw(21) << "DIGEST"
            << std::setw(10) << "SIZE"
            << "MEDIA TYPE\n";
        lastInput = row.input;
      }
      out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << row.platform << std::setw(21)
          << row.digest.substr(0, 19) << std::setw(10) << row.size << row.mediaType << (row.attestation ? "  (attestation)" : "")
          << '\n';
    }
  }
  for (const auto& summary : report.platforms) {
    out << p.bold() << summary.input << " [" << summary.platform << "]" << p.reset();
    if (!summary.error.empty()) {
      out << ": not analysed: " << summary.error << '\n';
      continue;
    }
    out << ": " << summary.layers << (summary.layers == 1 ? " layer, " : " layers, ") << summary.files << " files";
    std::string machines;
    for (const auto& [machine, count] : summary.elfByMachine)
      machines += (machines.empty() ? "" : ", ") + std::to_string(count) + " " + machine;
    out << (machines.empty() ? ", no ELF files" : ", ELF: " + machines) << '\n';
  }
  for (const auto& input : report.inputs) {
    if (input.attestations > 0) {
      out << p.bold() << input.path << p.reset() << ": " << input.attestations << " attestation manifest"
          << (input.attestations == 1 ? "" : "s") << " skipped (not platforms)\n";
    }
  }
  // Findings grouped by file (a header when several files have some), each rule's fix
  // printed once per distinct text, a per-rule count at the end.
  size_t inputsWithFindings = 0;
  for (const auto& input : report.inputs) inputsWithFindings += !input.findings.empty();
  std::map<std::pair<std::string, std::string>, bool> fixShown;
  std::map<std::string, std::pair<std::string, int>> byRule;  // id -> slug, count
  for (const auto& input : report.inputs) {
    // An input analysed in part (a platform, a base image lookup failed) still shows what was found.
    if (!input.error) ++files;
    if (inputsWithFindings > 1 && !input.findings.empty()) {
      out << p.bold() << "== " << input.path << p.reset() << " (" << input.findings.size()
          << (input.findings.size() == 1 ? " finding" : " findings") << ")\n";
    }
    if (input.targets && input.targets->declared) {
      std::string list;
      for (const auto& platform : input.targets->platforms) list += (list.empty() ? "" : ", ") + platform;
      out << p.bold() << input.path << p.reset() << ": targets " << list << " (from " << input.targets->source << ")\n";
    }
    for (const auto& f : input.findings) {
      ++counts[f.severity];
      auto& rule = byRule[f.ruleId];
      rule.first = f.slug;
      ++rule.second;
      const auto& loc = f.location;
      out << p.bold() << loc.path;
      if (loc.line > 0) out << ':' << loc.line << ':' << loc.column;
      if (loc.isImage()) {
        out << " [" << (loc.image != loc.path ? loc.image + " " : "") << (loc.platform.empty() ? loc.pointer : loc.platform)
            << "]" << (loc.imagePath.empty() ? "" : " " + loc.imagePath);
      }
      out << ": " << p.reset() << p.severity(f.severity) << severityName(f.severity) << ": " << p.reset() << p.bold() << f.message
          << p.reset() << " [" << f.ruleId << ' ' << f.slug << "]\n";
      if (loc.line > 0 && !loc.sourceLine.empty()) {
        const std::string number = std::to_string(loc.line);
        const auto [shown, caret] = sourceAndCaret(loc, options.width);
        out << ' ' << number << " | " << shown << '\n';
        out << ' ' << std::string(number.size(), ' ') << " | " << p.green() << caret << p.reset() << '\n';
      }
      if (loc.layerIndex >= 0) {
        out << "  " << p.dim() << "layer " << loc.layerIndex + 1 << ": " << p.reset() << loc.layerDigest << '\n';
      }
      if (!f.fix.empty()) {
        bool& shownBefore = fixShown[{f.ruleId, f.fix}];
        if (!shownBefore) out << "  " << p.dim() << "fix: " << p.reset() << f.fix << '\n';
        shownBefore = true;
      }
    }
  }
  if (byRule.size() > 1 || (byRule.size() == 1 && byRule.begin()->second.second > 1)) {
    out << "by rule:";
    const char* separator = " ";
    for (const auto& [id, rule] : byRule) {
      out << separator << id << ' ' << rule.first << ' ' << rule.second;
      separator = ", ";
    }
    out << '\n';
  }
  const int total = counts[Severity::Error] + counts[Severity::Warning] + counts[Severity::Info];
  if (total == 0) {
    out << "no findings in " << files << ' ' << report.inputNoun << (files == 1 ? "" : "s") << '\n';
  } else {
    out << total << (total == 1 ? " finding" : " findings") << " (" << counts[Severity::Error] << " error"
        << (counts[Severity::Error] == 1 ? "" : "s") << ", " << counts[Severity::Warning] << " warning"
        << (counts[Severity::Warning] == 1 ? "" : "s") << ", " << counts[Severity::Info] << " info) in " << files << ' '
        << report.inputNoun << (files == 1 ? "" : "s") << '\n';
  }
}

}  // namespace mal::report
