#include "rules/dockerfile/context.h"

namespace mal::rules {

void FindingSink::report(const RuleInfo& rule, Span span, std::string message, std::string fix, std::optional<Severity> severity,
                         std::vector<Platform> breaks) {
  Finding f = findingFor(rule, std::move(message), std::move(fix));
  f.severity = severity.value_or(rule.severity);
  f.breaks = std::move(breaks);
  const Position start = source_.position(span.begin);
  const Position end = source_.position(span.end);
  f.location = {source_.path(), start.line, start.column, end.line, end.column, std::string(source_.lineText(start.line))};
  findings_.push_back(std::move(f));
}

void FindingSink::report(const RuleInfo& rule, Span span, std::string message, std::string fix, std::vector<RelatedSpan> related,
                         std::vector<Platform> breaks) {
  report(rule, span, std::move(message), std::move(fix), std::nullopt, std::move(breaks));
  for (auto& r : related) {
    const Position start = source_.position(r.span.begin);
    const Position end = source_.position(r.span.end);
    findings_.back().related.push_back(
        {{source_.path(), start.line, start.column, end.line, end.column, std::string(source_.lineText(start.line))},
         std::move(r.message)});
  }
}

}  // namespace mal::rules
