#include "analyzer/dockerfile/json_dump.h"

namespace mal::dockerfile {
namespace {

nlohmann::json range(const SourceText& source, Span span) {
  const Position start = source.position(span.begin);
  const Position end = source.position(span.end);
  return {{"line", start.line}, {"column", start.column}, {"endLine", end.line}, {"endColumn", end.column}};
}

nlohmann::json instructionJson(const Instruction& in, const SourceText& source) {
  nlohmann::json out = {{"instruction", in.command},
                        {"keyword", in.keyword},
                        {"range", range(source, in.span)},
                        {"original", in.line.text},
                        {"json", in.json}};
  if (in.startLine) {
    out["startLine"] = in.startLine;
    out["endLine"] = in.endLine;
  }
  auto& flags = out["flags"] = nlohmann::json::array();
  for (const auto& f : in.flags) {
    flags.push_back({{"text", f.text}, {"name", f.name()}, {"value", f.value()}, {"range", range(source, f.span)}});
  }
  auto& args = out["arguments"] = nlohmann::json::array();
  for (const auto& a : in.args) {
    if (a.nested) {
      args.push_back({{"trigger", instructionJson(*a.nested, source)}});
    } else {
      args.push_back({{"value", a.value}, {"range", range(source, a.span)}});
    }
  }
  if (!in.heredocs.empty()) {
    auto& docs = out["heredocs"] = nlohmann::json::array();
    for (const auto& h : in.heredocs) {
      docs.push_back({{"name", h.name},
                      {"content", h.content},
                      {"expand", h.expand},
                      {"chomp", h.chomp},
                      {"fileDescriptor", h.fileDescriptor},
                      {"contentStart", range(source, {h.contentBegin, h.contentBegin})}});
    }
  }
  if (!in.comments.empty()) out["comments"] = in.comments;
  return out;
}

}  // namespace

nlohmann::json toJson(const ParsedDockerfile& dockerfile, const SourceText& source) {
  nlohmann::json out;
  out["path"] = source.path();
  out["escapeToken"] = std::string(1, dockerfile.escapeToken);
  auto& directives = out["directives"] = nlohmann::json::array();
  for (const auto& d : dockerfile.directives) directives.push_back({{"name", d.name}, {"value", d.value}, {"line", d.line}});
  auto& instructions = out["instructions"] = nlohmann::json::array();
  for (const auto& in : dockerfile.instructions) instructions.push_back(instructionJson(in, source));
  auto& warnings = out["warnings"] = nlohmann::json::array();
  for (const auto& w : dockerfile.warnings) warnings.push_back({{"message", w.message}, {"line", w.line}});
  return out;
}

}  // namespace mal::dockerfile
