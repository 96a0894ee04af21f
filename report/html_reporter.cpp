// The HTML readiness report: one self-contained file (inline CSS, no script, nothing
// fetched) with a matrix of inputs x target platforms — works, warns or breaks, with
// counts, each cell linking to its findings — then every finding with its source excerpt,
// the rule's explanation and the fix, and for images each platform's layers and ELF
// machines. The matrix cells carry data-* attributes so a test can read them back.
#include <algorithm>
#include <cctype>
#include <map>

#include "report/report_util.h"
#include "report/reporter.h"

namespace mal::report {
namespace {

const char* kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{font-size:1rem;margin:.2rem 0}code,pre{font:13px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.4rem .7rem;text-align:left;vertical-align:top}
#matrix td{text-align:center;min-width:7.5rem}#matrix a{color:inherit;text-decoration:none;display:block}
.works{background:#dafbe1}.warns{background:#fff8c5}.breaks{background:#ffebe9}.unreadable{background:#eaeef2}.absent{color:#8c959f}
.status{font-weight:600}.counts{font-size:12px;display:block}
.finding{border:1px solid #d0d7de;border-left:6px solid #8c959f;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.finding.error{border-left-color:#cf222e}.finding.warning{border-left-color:#bf8700}.finding.info{border-left-color:#0969da}
.sev{text-transform:uppercase;font-size:11px;font-weight:700;letter-spacing:.04em;margin-right:.4rem}
.where{color:#57606a;margin:.2rem 0}pre.excerpt{background:#f6f8fa;padding:.5rem;overflow-x:auto;margin:.4rem 0}
pre.excerpt .ln{color:#8c959f;user-select:none;margin-right:1rem}mark{background:#ffd8b5;border-bottom:2px solid #cf222e}
.fix{margin:.3rem 0}.why{color:#424a53;margin:.3rem 0}ul.by-platform{padding-left:1.2rem}
)";

std::string anchorFor(const std::string& s) {
  std::string out;
  for (const char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

// The source line with the flagged range marked (columns are code points).
std::string excerpt(const Location& loc) {
  const std::string& line = loc.sourceLine;
  size_t begin = line.size(), end = line.size();
  int column = 1;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (column == loc.column) begin = i;
    if (loc.endLine == loc.line && column == loc.endColumn) end = i;
    ++column;
  }
  if (begin > end) begin = end;
  return "<span class=\"ln\">" + std::to_string(loc.line) + "</span>" + markupEscape(line.substr(0, begin)) + "<mark>" +
         markupEscape(line.substr(begin, end - begin)) + "</mark>" + markupEscape(line.substr(end));
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

void writeHtml(const Report& report, std::ostream& out) {
  // The matrix columns: every platform any input was judged for, in first-seen order.
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> platformsOf;
  for (const auto& input : report.inputs) {
    platformsOf.push_back(inputPlatforms(report, input));
    for (const auto& p : platformsOf.back()) {
      if (std::find(columns.begin(), columns.end(), p) == columns.end()) columns.push_back(p);
    }
  }
  std::map<Severity, size_t> totals;
  for (const auto& input : report.inputs) {
    for (const auto& f : input.findings) ++totals[f.severity];
  }

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>multiarch-lint " << report.command << ": multi-architecture readiness</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n";
  out << "<h1>Multi-architecture readiness</h1>\n<p>multiarch-lint " << MAL_VERSION << " <code>" << report.command
      << "</code>: " << plural(report.inputs.size(), report.inputNoun.c_str()) << ", " << plural(totals[Severity::Error], "error")
      << ", " << plural(totals[Severity::Warning], "warning") << ", " << plural(totals[Severity::Info], "note") << ".</p>\n";

  out << "<table id=\"matrix\">\n<thead><tr><th>" << markupEscape(report.inputNoun) << "</th>";
  for (const auto& c : columns) out << "<th>" << markupEscape(c) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < report.inputs.size(); ++i) {
    const auto& input = report.inputs[i];
    const std::string name = repoPath(report, input.path, "(stdin)");
    out << "<tr data-input=\"" << markupEscape(input.path) << "\"><th><a href=\"#in-" << i << "\">" << markupEscape(name)
        << "</a></th>";
    for (const auto& column : columns) {
      const bool judged = std::find(platformsOf[i].begin(), platformsOf[i].end(), column) != platformsOf[i].end();
      out << "<td data-platform=\"" << markupEscape(column) << "\"";
      if (input.error) {
        out << " class=\"unreadable\" data-status=\"unreadable\"><a href=\"#in-" << i
            << "\"><span class=\"status\">not analysed</span></a></td>";
        continue;
      }
      if (!judged) {
        out << " class=\"absent\" data-status=\"absent\">&mdash;</td>";
        continue;
      }
      std::map<Severity, size_t> counts;
      for (const auto& f : input.findings) {
        if (appliesTo(f, column)) ++counts[f.severity];
      }
      const char* status = counts[Severity::Error] ? "breaks" : counts[Severity::Warning] ? "warns" : "works";
      out << " class=\"" << status << "\" data-status=\"" << status << "\" data-errors=\"" << counts[Severity::Error]
          << "\" data-warnings=\"" << counts[Severity::Warning] << "\" data-notes=\"" << counts[Severity::Info]
          << "\"><a href=\"#in-" << i << "-" << anchorFor(column) << "\"><span class=\"status\">" << status
          << "</span><span class=\"counts\">";
      std::vector<std::string> parts;
      if (counts[Severity::Error]) parts.push_back(plural(counts[Severity::Error], "error"));
      if (counts[Severity::Warning]) parts.push_back(plural(counts[Severity::Warning], "warning"));
      if (counts[Severity::Info]) parts.push_back(plural(counts[Severity::Info], "note"));
      for (size_t k = 0; k < parts.size(); ++k) out << (k ? ", " : "") << parts[k];
      out << "</span></a></td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";

  for (size_t i = 0; i < report.inputs.size(); ++i) {
    const auto& input = report.inputs[i];
    out << "<section class=\"input\" id=\"in-" << i << "\">\n<h2>" << markupEscape(repoPath(report, input.path, "(stdin)"))
        << "</h2>\n";
    if (input.error)
      out << "<p class=\"finding error\"><span class=\"sev\">not analysed</span>" << markupEscape(*input.error) << "</p>\n";

    // Which findings concern each platform: the cells link here.
    out << "<ul class=\"by-platform\">\n";
    for (const auto& platform : platformsOf[i]) {
      out << "<li id=\"in-" << i << "-" << anchorFor(platform) << "\"><b>" << markupEscape(platform) << "</b>: ";
      size_t n = 0;
      for (size_t k = 0; k < input.findings.size(); ++k) {
        const auto& f = input.findings[k];
        if (!appliesTo(f, platform)) continue;
        out << (n++ ? ", " : "") << "<a href=\"#f-" << i << "-" << k << "\">" << markupEscape(f.ruleId);
        if (f.location.line > 0) out << " line " << f.location.line;
        else if (!f.location.imagePath.empty()) out << " " << markupEscape(f.location.imagePath);
        out << "</a>";
      }
      if (n == 0) out << (input.error ? "not analysed" : "no findings");
      out << "</li>\n";
    }
    out << "</ul>\n";

    // Images: what each platform holds.
    bool header = false;
    for (const auto& s : report.platforms) {
      if (s.input != input.path) continue;
      if (!header) {
        out << "<table class=\"images\"><thead><tr><th>platform</th><th>manifest</th><th>layers</th><th>files</th>"
               "<th>ELF files by machine</th></tr></thead><tbody>\n";
        header = true;
      }
      out << "<tr data-platform=\"" << markupEscape(s.platform) << "\"><td>" << markupEscape(s.platform) << "</td><td><code>"
          << markupEscape(s.manifestDigest.substr(0, 19)) << "</code></td><td>" << s.layers;
      if (!s.layerDigests.empty()) {
        out << "<details><summary>digests</summary>";
        for (size_t k = 0; k < s.layerDigests.size(); ++k) {
          out << (k ? "<br>" : "") << k << ": <code>" << markupEscape(s.layerDigests[k].substr(0, 19)) << "</code>";
        }
        out << "</details>";
      }
      out << "</td><td>" << s.files << "</td><td>";
      size_t n = 0;
      for (const auto& [machine, count] : s.elfByMachine) {
        out << (n++ ? "<br>" : "") << markupEscape(machine) << ": " << count;
      }
      if (!s.error.empty()) out << (n ? "<br>" : "") << "error: " << markupEscape(s.error);
      out << "</td></tr>\n";
    }
    if (header) out << "</tbody></table>\n";

    for (size_t k = 0; k < input.findings.size(); ++k) {
      const auto& f = input.findings[k];
      const auto* rule = ruleOf(report, f.ruleId);
      const std::string severity(severityName(f.severity));
      out << "<article class=\"finding " << severity << "\" id=\"f-" << i << "-" << k << "\" data-rule=\""
          << markupEscape(f.ruleId) << "\">\n<h3><span class=\"sev\">" << severity << "</span>";
      if (rule) out << "<a href=\"" << markupEscape(ruleHelpUri(*rule)) << "\">";
      out << markupEscape(f.ruleId + " " + f.slug) << (rule ? "</a>" : "") << "</h3>\n<p class=\"where\">"
          << markupEscape(repoPath(report, f.location.path, "(stdin)"));
      if (f.location.line > 0) out << ":" << f.location.line << ":" << f.location.column;
      if (f.location.isImage()) {
        out << " &middot; " << markupEscape(f.location.platform);
        if (!f.location.imagePath.empty()) out << " <code>" << markupEscape(f.location.imagePath) << "</code>";
        if (f.location.layerIndex >= 0) out << " (layer " << f.location.layerIndex << ")";
        if (!f.location.pointer.empty()) out << " <code>" << markupEscape(f.location.pointer) << "</code>";
      }
      out << "</p>\n<p class=\"message\">" << markupEscape(f.message) << "</p>\n";
      if (f.location.line > 0 && !f.location.sourceLine.empty())
        out << "<pre class=\"excerpt\">" << excerpt(f.location) << "</pre>\n";
      if (!f.breaks.empty()) {
        out << "<p class=\"breaks-list\"><b>Breaks:</b> ";
        for (size_t b = 0; b < f.breaks.size(); ++b) out << (b ? ", " : "") << markupEscape(f.breaks[b].str());
        out << "</p>\n";
      }
      if (rule) out << "<p class=\"why\"><b>Why it breaks:</b> " << markupEscape(std::string(rule->why)) << "</p>\n";
      const std::string fix = !f.fix.empty() ? f.fix : rule ? std::string(rule->fix) : std::string();
      if (!fix.empty()) out << "<p class=\"fix\"><b>Fix:</b> " << markupEscape(fix) << "</p>\n";
      out << "</article>\n";
    }
    out << "</section>\n";
  }
  out << "</body>\n</html>\n";
}

}  // namespace mal::report
