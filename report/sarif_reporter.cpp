// SARIF 2.1.0 for GitHub code scanning and review annotations: full rule metadata
// (rules[] with descriptions, help, helpUri, default level), exact regions in Unicode
// code points, ruleIndex, and one tool notification per input that could not be read.
#include <nlohmann/json.hpp>

#include <filesystem>

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

nlohmann::json artifactLocation(const std::string& path) {
  if (!path.empty() && path[0] == '/') return {{"uri", "file://" + percentEncode(path)}};
  std::string relative = path;
  while (relative.rfind("./", 0) == 0) relative = relative.substr(2);
  return {{"uri", percentEncode(relative)}, {"uriBaseId", "%SRCROOT%"}};
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
  const std::string help = std::string(rule.what) + "\n\nWhy it breaks: " + std::string(rule.why) +
                           "\n\nFix: " + std::string(rule.fix);
  const std::string markdown = "**What it finds.** " + std::string(rule.what) + "\n\n**Why it breaks.** " +
                               std::string(rule.why) + "\n\n**Example.**\n\n```dockerfile\n" +
                               std::string(rule.example) + "\n```\n\n**Fix.** " + std::string(rule.fix);
  return {{"id", rule.id},
          {"name", pascalCase(rule.slug)},
          {"shortDescription", {{"text", rule.summary}}},
          {"fullDescription", {{"text", rule.what}}},
          {"help", {{"text", help}, {"markdown", markdown}}},
          {"helpUri", ruleHelpUri(rule)},
          {"defaultConfiguration", {{"level", sarifLevel(rule.severity)}}},
          {"properties", {{"tags", {"multiarch", "portability"}}, {"slug", rule.slug}}}};
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

  nlohmann::json results = nlohmann::json::array();
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    if (input.error) {
      notifications.push_back({{"level", "error"},
                               {"message", {{"text", *input.error}}},
                               {"locations", {{{"physicalLocation", {{"artifactLocation", artifactLocation(input.path)}}}}}}});
    }
    for (const auto& f : input.findings) {
      nlohmann::json physical = {{"artifactLocation", artifactLocation(f.location.path)}};
      if (f.location.line > 0) {
        physical["region"] = {{"startLine", f.location.line},
                              {"startColumn", f.location.column},
                              {"endLine", f.location.endLine},
                              {"endColumn", f.location.endColumn}};
        if (!f.location.sourceLine.empty()) {
          physical["region"]["snippet"] = {{"text", f.location.sourceLine}};
          if (f.location.endLine == f.location.line) {
            physical["contextRegion"] = {{"startLine", f.location.line}, {"snippet", {{"text", f.location.sourceLine}}}};
          }
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
                               {"locations", {location}}};
      if (const int index = ruleIndex(f.ruleId); index >= 0) result["ruleIndex"] = index;
      results.push_back(std::move(result));
    }
  }

  // lint: which platforms each file was checked for and why (SARIF has no per-artifact
  // slot that viewers show, so it is a run property).
  nlohmann::json targetPlatforms = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    if (input.targets) {
      targetPlatforms.push_back(
          {{"path", input.path}, {"platforms", input.targets->platforms}, {"source", input.targets->source}});
    }
  }

  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (cwd.empty() || cwd.back() != '/') cwd += '/';
  nlohmann::json run = {
      {"tool",
       {{"driver",
         {{"name", "multiarch-lint"},
          {"version", MAL_VERSION},
          {"semanticVersion", MAL_VERSION},
          {"informationUri", MAL_HOMEPAGE},
          {"rules", rulesJson}}}}},
      {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", "file://" + percentEncode(cwd)}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"invocations", {{{"executionSuccessful", notifications.empty()}, {"toolExecutionNotifications", notifications}}}},
      {"results", results}};
  if (!targetPlatforms.empty()) run["properties"] = {{"targetPlatforms", targetPlatforms}};
  nlohmann::json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                        {"version", "2.1.0"},
                        {"runs", {run}}};
  out << doc.dump(2) << '\n';
}

std::string ruleHelpUri(const rules::RuleInfo& rule) {
  std::string anchor(rule.id);
  for (auto& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::string(MAL_HOMEPAGE) + "/blob/main/docs/rules.md#" + anchor + "-" + std::string(rule.slug);
}

}  // namespace mal::report
