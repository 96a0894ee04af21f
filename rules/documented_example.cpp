#include "rules/documented_example.h"

#include "rules/lint_engine.h"

namespace mal::rules {

namespace {

// The example's last line, after "# ".
std::string_view messageLine(std::string_view example) {
  const size_t lastLine = example.rfind("\n# ");
  return lastLine == std::string_view::npos ? std::string_view() : example.substr(lastLine + 3);
}

}  // namespace

bool exampleIsGenerated(const RuleInfo& rule) {
  const std::string_view head = messageLine(rule.example);
  return rule.analysis == Analysis::Dockerfile && !head.empty() && head.find(": ") == std::string_view::npos;
}

std::string documentedExample(const RuleInfo& rule) {
  std::string example(rule.example);
  if (!exampleIsGenerated(rule)) return example;
  const std::string dockerfile = example.substr(0, example.rfind("\n# ") + 1);
  const std::string head(messageLine(example));
  LintSettings settings;
  constexpr std::string_view kWith = " with --platform ";
  if (const size_t with = head.find(kWith); with != std::string::npos) {
    std::vector<std::string> errors;
    settings.platforms = parsePlatformList(head.substr(with + kWith.size()), errors);
    if (!errors.empty()) return example + ": (the example's platforms do not parse)";
  }
  for (const auto& finding : lintDockerfile(SourceText("Dockerfile", dockerfile), settings)) {
    if (finding.ruleId == rule.id) return example + ": " + finding.message;
  }
  return example + ": (the example gives no finding of this rule)";
}

}  // namespace mal::rules
