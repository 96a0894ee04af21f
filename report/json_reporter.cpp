// JSON: the schema is documented in docs/json-format.md. Also the GitLab Code Quality
// dialect, which is JSON of another shape.
#include <nlohmann/json.hpp>

#include "report/report_util.h"
#include "report/reporter.h"

namespace mal::report {

nlohmann::json findingJson(const Finding& f) {
  nlohmann::json location = {{"path", f.location.path}};
  if (f.location.line > 0) {
    location["line"] = f.location.line;
    location["column"] = f.location.column;
    location["endLine"] = f.location.endLine;
    location["endColumn"] = f.location.endColumn;
  }
  if (f.location.isImage()) {
    location["image"] = f.location.image;
    location["platform"] = f.location.platform;
    if (!f.location.imagePath.empty()) location["imagePath"] = f.location.imagePath;
    if (f.location.layerIndex >= 0) location["layer"] = {{"index", f.location.layerIndex}, {"digest", f.location.layerDigest}};
    if (!f.location.pointer.empty()) location["pointer"] = f.location.pointer;
  }
  nlohmann::json out = {{"rule", f.ruleId},
                        {"name", f.slug},
                        {"severity", severityName(f.severity)},
                        {"message", f.message},
                        {"location", location}};
  if (!f.fix.empty()) out["fix"] = f.fix;
  for (const auto& related : f.related) {
    out["related"].push_back({{"path", related.location.path},
                              {"line", related.location.line},
                              {"column", related.location.column},
                              {"endLine", related.location.endLine},
                              {"endColumn", related.location.endColumn},
                              {"message", related.message}});
  }
  if (!f.breaks.empty()) {
    auto& breaks = out["breaks"] = nlohmann::json::array();
    for (const auto& p : f.breaks) breaks.push_back(p.str());
  }
  return out;
}

void writeJson(const Report& report, std::ostream& out) {
  nlohmann::json doc;
  doc["schemaVersion"] = 1;
  doc["tool"] = {{"name", "multiarch-lint"}, {"version", MAL_VERSION}};
  auto& findings = doc["findings"] = nlohmann::json::array();
  auto& errors = doc["errors"] = nlohmann::json::array();
  auto& inputs = doc["inputs"] = nlohmann::json::array();
  if (!report.targetPlatforms.empty()) doc["targetPlatforms"] = report.targetPlatforms;
  for (const auto& input : report.inputs) {
    inputs.push_back({{"path", input.path}, {"analysed", !input.error.has_value()}});
    if (input.attestations > 0) inputs.back()["attestationsSkipped"] = input.attestations;
    if (!input.digest.empty()) inputs.back()["digest"] = input.digest;
    if (input.targets) {
      inputs.back()["platforms"] = input.targets->platforms;
      inputs.back()["platformsSource"] = input.targets->source;
    }
    if (input.layersRead + input.layersFromCache > 0) {
      inputs.back()["layersRead"] = input.layersRead;
      inputs.back()["layersFromCache"] = input.layersFromCache;
    }
    if (input.error) errors.push_back({{"path", input.path}, {"message", *input.error}});
    for (const auto& f : input.findings) findings.push_back(findingJson(f));
  }
  if (!report.registry.empty()) doc["registry"] = report.registry;
  if (!report.indexRows.empty()) {
    auto& rows = doc["manifests"] = nlohmann::json::array();
    for (const auto& r : report.indexRows) {
      rows.push_back({{"input", r.input},
                      {"platform", r.platform},
                      {"digest", r.digest},
                      {"size", r.size},
                      {"mediaType", r.mediaType},
                      {"attestation", r.attestation}});
    }
  }
  if (!report.platforms.empty()) {
    auto& images = doc["images"] = nlohmann::json::array();
    for (const auto& s : report.platforms) {
      nlohmann::json image = {{"input", s.input},   {"platform", s.platform}, {"manifest", s.manifestDigest},
                              {"layers", s.layers}, {"files", s.files},       {"elf", s.elfByMachine}};
      if (!s.layerDigests.empty()) image["layerDigests"] = s.layerDigests;
      if (!s.error.empty()) image["error"] = s.error;
      images.push_back(image);
    }
  }
  out << doc.dump(2) << '\n';
}

// GitLab Code Quality: repository-relative paths, fingerprints that survive lines moving
// (the merge-request widget matches findings across commits by them), and an entry for
// each input that could not be analysed, so a failed job does not read as "no issues".
void writeGitlab(const Report& report, std::ostream& out) {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    if (input.error) {
      issues.push_back({{"type", "issue"},
                        {"description", "cannot analyse: " + *input.error},
                        {"check_name", "multiarch-lint/input-error"},
                        {"categories", {"Bug Risk"}},
                        {"fingerprint", sha256Hex(std::string("input-error") + '\0' + repoPath(report, input.path, "Dockerfile") +
                                                  '\0' + *input.error)},
                        {"severity", "critical"},
                        {"location", {{"path", repoPath(report, input.path, "Dockerfile")}, {"lines", {{"begin", 1}}}}}});
    }
    const auto prints = fingerprints(report, input);
    for (size_t i = 0; i < input.findings.size(); ++i) {
      const auto& f = input.findings[i];
      const char* severity = f.severity == Severity::Error ? "major" : f.severity == Severity::Warning ? "minor" : "info";
      nlohmann::json lines = {{"begin", std::max(f.location.line, 1)}};
      if (f.location.endLine > f.location.line) lines["end"] = f.location.endLine;
      issues.push_back({{"type", "issue"},
                        {"description", f.ruleId + " " + f.message},
                        {"check_name", f.ruleId},
                        {"categories", {"Compatibility"}},
                        {"fingerprint", prints[i]},
                        {"severity", severity},
                        {"location", {{"path", repoPath(report, f.location.path, "Dockerfile")}, {"lines", lines}}}});
      if (!f.fix.empty()) issues.back()["content"] = {{"body", f.fix}};
    }
  }
  out << issues.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace mal::report
