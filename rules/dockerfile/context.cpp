#include "rules/dockerfile/context.h"

namespace mal::rules {

std::vector<Platform> DockerfileContext::targetsOtherThan(const Platform& platform) const {
  std::vector<Platform> out;
  for (const auto& t : targets) {
    // arm/v6 binaries run on arm/v7 too; everything else must match exactly.
    const bool runs = t.architecture == platform.architecture &&
                      (t.variant == platform.variant || (t.architecture == "arm" && platform.variant == "v6"));
    if (!runs) out.push_back(t);
  }
  return out;
}

void FindingSink::report(const RuleInfo& rule, Span span, std::string message, std::string fix,
                         std::optional<Severity> severity, std::vector<Platform> breaks) {
  Finding f = findingFor(rule, std::move(message), std::move(fix));
  f.severity = severity.value_or(rule.severity);
  f.breaks = std::move(breaks);
  const Position start = source_.position(span.begin);
  const Position end = source_.position(span.end);
  f.location = {source_.path(), start.line, start.column, end.line, end.column,
                std::string(source_.lineText(start.line))};
  findings_.push_back(std::move(f));
}


}  // namespace mal::rules
