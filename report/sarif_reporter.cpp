// SARIF 2.1.0 for GitHub code scanning and review annotations: full rule metadata
// (rules[] with descriptions, help, helpUri, default level), exact regions in Unicode
// code points, ruleIndex, and one tool notification per input that could not be read.
#include <nlohmann/json.hpp>

#include <zlib.h>

#include <algorithm>

#include "rules/documented_example.h"
#include "report/report_util.h"
#include "report/reporter.h"

namespace mal::report {
namespace {

const char* sarifLevel(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "warning";
}

std::string percentEncode(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Repository-relative URIs under %SRCROOT%, so an alert lands on the right file whatever
// directory the tool ran in; a path outside the repository stays an absolute file URI.
nlohmann::json artifactLocation(const Report& report, const std::string& path) {
  const std::string relative = repoPath(report, path, "Dockerfile");
  if (!relative.empty() && relative[0] == '/') return {{"uri", "file://" + percentEncode(relative)}};
  if (report.references.count(path)) return {{"uri", percentEncode(relative)}};
  return {{"uri", percentEncode(relative)}, {"uriBaseId", "%SRCROOT%"}};
}

std::string directoryUri(std::string directory) {
  if (directory.empty() || directory.back() != '/') directory += '/';
  return "file://" + percentEncode(directory);
}

// GitHub code scanning's limits for one run (and one upload).
constexpr size_t kMaxResults = 25000;
constexpr size_t kMaxGzippedBytes = 10 * 1000 * 1000;

size_t gzippedSize(const std::string& text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string buffer(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(buffer.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                static_cast<uLong>(text.size()), 6) != Z_OK) {
    return text.size();
  }
  return size + 18;  // the gzip header and trailer around the deflate stream
}

// SARIF's friendly rule name is a PascalCase identifier: arch-specific-download -> ArchSpecificDownload.
std::string pascalCase(std::string_view slug) {
  std::string out;
  bool upper = true;
  for (const char c : slug) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

nlohmann::json ruleDescriptor(const rules::RuleInfo& rule) {
  const std::string help =
      std::string(rule.what) + "\n\nWhy it breaks: " + std::string(rule.why) + "\n\nFix: " + std::string(rule.fix);
  const std::string markdown = "**What it finds.** " + std::string(rule.what) + "\n\n**Why it breaks.** " +
                               std::string(rule.why) + "\n\n**Example.**\n\n```" +
                               (rule.analysis == rules::Analysis::Dockerfile ? "dockerfile" : "text") + "\n" +
                               rules::documentedExample(rule) + "\n```\n\n**Fix.** " + std::string(rule.fix);
  return {{"id", rule.id},
          {"name", pascalCase(rule.slug)},
          {"shortDescription", {{"text", rule.summary}}},
          {"fullDescription", {{"text", rule.what}}},
          {"help", {{"text", help}, {"markdown", markdown}}},
          {"helpUri", ruleHelpUri(rule)},
          {"defaultConfiguration", {{"level", sarifLevel(rule.severity)}}},
          {"properties",
           {{"tags", {"multiarch", "portability"}},
            {"slug", rule.slug},
            // Errors are proven from the file; warnings are likely breakage that could not
            // be verified without more input (RULES.md's severities).
            {"precision", rule.severity == Severity::Error ? "high" : "medium"},
            {"problem.severity", rule.severity == Severity::Error     ? "error"
                                 : rule.severity == Severity::Warning ? "warning"
                                                                      : "recommendation"}}}};
}

}  // namespace

void writeSarif(const Report& report, std::ostream& out) {
  nlohmann::json rulesJson = nlohmann::json::array();
  for (const auto* rule : report.rules) rulesJson.push_back(ruleDescriptor(*rule));
  auto ruleIndex = [&](const std::string& id) -> int {
    for (size_t i = 0; i < report.rules.size(); ++i) {
      if (report.rules[i]->id == id) return static_cast<int>(i);
    }
    return -1;
  };

  struct Ranked {
    Severity severity;
    nlohmann::json result;
  };
  std::vector<Ranked> ranked;
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    if (input.error) {
      notifications.push_back(
          {{"level", "error"},
           {"message", {{"text", *input.error}}},
           {"locations", {{{"physicalLocation", {{"artifactLocation", artifactLocation(report, input.path)}}}}}}});
    }
    const auto prints = fingerprints(report, input);
    for (size_t i = 0; i < input.findings.size(); ++i) {
      const auto& f = input.findings[i];
      nlohmann::json physical = {{"artifactLocation", artifactLocation(report, f.location.path)}};
      if (f.location.line > 0) {
        physical["region"] = {{"startLine", f.location.line},
                              {"startColumn", f.location.column},
                              {"endLine", f.location.endLine},
                              {"endColumn", f.location.endColumn}};
        // The snippet is the region's own text; the whole line is its context.
        if (const std::string flagged = regionText(f.location); !flagged.empty() && f.location.endLine == f.location.line) {
          physical["region"]["snippet"] = {{"text", flagged}};
        }
        if (!f.location.sourceLine.empty()) {
          physical["contextRegion"] = {{"startLine", f.location.line}, {"snippet", {{"text", f.location.sourceLine}}}};
        }
      } else {
        // An image finding with no Dockerfile line: the image itself is the artifact. GitHub
        // code scanning needs a region on every result; like Trivy and Grype for images,
        // point at the start (the logical location below says where in the image).
        physical["region"] = {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}};
      }
      nlohmann::json location = {{"physicalLocation", physical}};
      if (f.location.isImage()) {
        // A file inside an image is a logical place: platform and path.
        const std::string name = !f.location.imagePath.empty() ? f.location.platform + ":" + f.location.imagePath
                                                               : f.location.image + "#" + f.location.pointer;
        location["logicalLocations"] = {{{"fullyQualifiedName", name}, {"kind", "resource"}}};
      }
      nlohmann::json result = {{"ruleId", f.ruleId},
                               {"level", sarifLevel(f.severity)},
                               {"message", {{"text", f.fix.empty() ? f.message : f.message + ". Fix: " + f.fix}}},
                               {"locations", {location}},
                               {"partialFingerprints", {{"multiarchLintFinding/v1", prints[i]}}}};
      if (const int index = ruleIndex(f.ruleId); index >= 0) result["ruleIndex"] = index;
      // Where a value used here was defined (an ARG or ENV default): SARIF's related locations.
      for (size_t r = 0; r < f.related.size(); ++r) {
        const auto& related = f.related[r];
        result["relatedLocations"].push_back({{"id", r + 1},
                                              {"message", {{"text", related.message}}},
                                              {"physicalLocation",
                                               {{"artifactLocation", artifactLocation(report, related.location.path)},
                                                {"region",
                                                 {{"startLine", related.location.line},
                                                  {"startColumn", related.location.column},
                                                  {"endLine", related.location.endLine},
                                                  {"endColumn", related.location.endColumn}}}}}});
      }
      if (!f.breaks.empty()) {
        auto& breaks = result["properties"]["breaks"] = nlohmann::json::array();
        for (const auto& p : f.breaks) breaks.push_back(p.str());
      }
      if (f.location.isImage() && !f.location.platform.empty()) result["properties"]["platform"] = f.location.platform;
      ranked.push_back({f.severity, std::move(result)});
    }
  }
  // Over GitHub's limits the most severe results are kept, and the run says what was cut.
  const size_t total = ranked.size();
  size_t keep = std::min(total, kMaxResults);
  if (keep < total)
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.severity > b.severity; });

  // lint: which platforms each file was checked for and why (SARIF has no per-artifact
  // slot that viewers show, so it is a run property).
  nlohmann::json targetPlatforms = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    if (input.targets) {
      targetPlatforms.push_back(
          {{"path", input.path}, {"platforms", input.targets->platforms}, {"source", input.targets->source}});
    }
  }
  const std::string root = report.rootDirectory.empty() ? report.workingDirectory : report.rootDirectory;
  auto document = [&](size_t count) {
    nlohmann::json results = nlohmann::json::array();
    for (size_t i = 0; i < count; ++i) results.push_back(ranked[i].result);
    nlohmann::json notes = notifications;
    if (count < total) {
      notes.push_back({{"level", "warning"},
                       {"descriptor", {{"id", "results-truncated"}}},
                       {"message",
                        {{"text", "only the " + std::to_string(count) + " most severe of " + std::to_string(total) +
                                      " results are included (GitHub code scanning accepts at most 25,000 "
                                      "results and 10 MB gzipped per run)"}}}});
    }
    nlohmann::json invocation = {{"executionSuccessful", notifications.empty()}, {"toolExecutionNotifications", notes}};
    if (!root.empty())
      invocation["workingDirectory"] = {{"uri", directoryUri(report.workingDirectory.empty() ? root : report.workingDirectory)}};
    nlohmann::json run = {{"tool",
                           {{"driver",
                             {{"name", "multiarch-lint"},
                              {"version", MAL_VERSION},
                              {"semanticVersion", MAL_VERSION},
                              {"informationUri", MAL_HOMEPAGE},
                              {"rules", rulesJson}}}}},
                          // The category: a lint upload and a scan upload from one workflow do not replace each other.
                          {"automationDetails", {{"id", "multiarch-lint/" + report.command + "/"}}},
                          {"columnKind", "unicodeCodePoints"},
                          {"invocations", {invocation}},
                          {"results", results}};
    if (!root.empty()) run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", directoryUri(root)}}}};
    if (!targetPlatforms.empty()) run["properties"] = {{"targetPlatforms", targetPlatforms}};
    nlohmann::json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string text = document(keep);
  for (size_t size = gzippedSize(text); size > kMaxGzippedBytes && keep > 0; size = gzippedSize(text)) {
    if (keep == total)
      std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.severity > b.severity; });
    keep = static_cast<size_t>(static_cast<double>(keep) * kMaxGzippedBytes / static_cast<double>(size) * 0.95);
    text = document(keep);
  }
  out << text << '\n';
}

std::string ruleHelpUri(const rules::RuleInfo& rule) {
  std::string anchor(rule.id);
  for (auto& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::string(MAL_HOMEPAGE) + "/blob/main/docs/rules.md#" + anchor + "-" + std::string(rule.slug);
}

}  // namespace mal::report
