// JSON: the schema is documented in docs/json-format.md. Also the GitLab Code Quality
// dialect, which is JSON of another shape.
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

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
  return out;
}

void writeJson(const Report& report, std::ostream& out) {
  nlohmann::json doc;
  doc["schemaVersion"] = 1;
  doc["tool"] = {{"name", "multiarch-lint"}, {"version", MAL_VERSION}};
  auto& findings = doc["findings"] = nlohmann::json::array();
  auto& errors = doc["errors"] = nlohmann::json::array();
  auto& inputs = doc["inputs"] = nlohmann::json::array();
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
      rows.push_back({{"input", r.input}, {"platform", r.platform}, {"digest", r.digest}, {"size", r.size},
                      {"mediaType", r.mediaType}, {"attestation", r.attestation}});
    }
  }
  if (!report.platforms.empty()) {
    auto& images = doc["images"] = nlohmann::json::array();
    for (const auto& s : report.platforms) {
      nlohmann::json image = {{"input", s.input}, {"platform", s.platform}, {"manifest", s.manifestDigest},
                              {"layers", s.layers}, {"files", s.files}, {"elf", s.elfByMachine}};
      if (!s.error.empty()) image["error"] = s.error;
      images.push_back(image);
    }
  }
  out << doc.dump(2) << '\n';
}

namespace {
std::string sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}
}  // namespace

void writeGitlab(const Report& report, std::ostream& out) {
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& input : report.inputs) {
    for (const auto& f : input.findings) {
      const char* severity = f.severity == Severity::Error ? "major" : f.severity == Severity::Warning ? "minor" : "info";
      issues.push_back({{"description", f.message},
                        {"check_name", f.ruleId},
                        {"fingerprint", sha256Hex(f.ruleId + '\0' + f.location.path + '\0' + std::to_string(f.location.line) +
                                                  '\0' + f.message)},
                        {"severity", severity},
                        {"location", {{"path", f.location.path}, {"lines", {{"begin", std::max(f.location.line, 1)}}}}}});
    }
  }
  out << issues.dump(2) << '\n';
}

}  // namespace mal::report
