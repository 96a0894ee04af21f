#include "rules/pragmas.h"

#include "analyzer/text_util.h"

namespace mal::rules {

namespace {

// std::regex's \s in the classic locale.
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// `^\s*#\s*multiarch-lint\s+(global\s+)?ignore\s*=\s*(\S+)\s*(--\s*(.*))?$`, read by hand
// so that a long comment line costs one pass (a backtracking regex recursed per byte).
bool matchPragma(std::string_view line, bool& global, std::string& rules, std::string& reason) {
  size_t i = 0;
  const auto blanks = [&] {
    const size_t from = i;
    while (i < line.size() && isBlank(line[i])) ++i;
    return i - from;
  };
  const auto word = [&](std::string_view w) {
    if (line.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  blanks();
  if (!word("#")) return false;
  blanks();
  if (!word("multiarch-lint") || blanks() == 0) return false;
  global = false;
  if (line.substr(i, 6) == "global" && i + 6 < line.size() && isBlank(line[i + 6])) {
    global = true;
    i += 6;
    blanks();
  }
  if (!word("ignore")) return false;
  blanks();
  if (!word("=")) return false;
  blanks();
  const size_t rulesBegin = i;
  while (i < line.size() && !isBlank(line[i])) ++i;
  if (i == rulesBegin) return false;
  rules = std::string(line.substr(rulesBegin, i - rulesBegin));
  blanks();
  reason.clear();
  if (i == line.size()) return true;
  if (!word("--")) return false;
  reason = std::string(line.substr(i));
  return true;
}

}  // namespace

std::vector<Pragma> findPragmas(const SourceText& source) {
  std::vector<Pragma> out;
  if (source.bytes().find("multiarch-lint") == std::string::npos) return out;  // the common case, fast
  for (int line = 1; line <= source.lineCount(); ++line) {
    const std::string_view text = source.lineText(line);
    if (text.find("multiarch-lint") == std::string::npos) continue;
    Pragma p;
    std::string rules, reason;
    if (!matchPragma(text, p.global, rules, reason)) continue;
    p.line = line;
    for (const auto& rule : text::split(rules, ',')) {
      if (!text::trim(rule).empty()) p.rules.push_back(text::trim(rule));
    }
    p.reason = text::trim(reason);
    const uint32_t start = source.lineStart(line);
    p.span = {start, start + static_cast<uint32_t>(text.size())};
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mal::rules
