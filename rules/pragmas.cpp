#include "rules/pragmas.h"

#include <regex>

#include "analyzer/text_util.h"

namespace mal::rules {

std::vector<Pragma> findPragmas(const SourceText& source) {
  static const std::regex kPragma(R"(^\s*#\s*multiarch-lint\s+(global\s+)?ignore\s*=\s*([^\s]+)\s*(--\s*(.*))?$)");
  std::vector<Pragma> out;
  if (source.bytes().find("multiarch-lint") == std::string::npos) return out;  // the common case, fast
  for (int line = 1; line <= source.lineCount(); ++line) {
    const std::string text(source.lineText(line));
    if (text.find("multiarch-lint") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(text, m, kPragma)) continue;
    Pragma p;
    p.line = line;
    p.global = m[1].matched;
    for (const auto& rule : text::split(m[2].str(), ',')) {
      if (!text::trim(rule).empty()) p.rules.push_back(text::trim(rule));
    }
    p.reason = text::trim(m[4].str());
    const uint32_t start = source.lineStart(line);
    p.span = {start, start + static_cast<uint32_t>(text.size())};
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mal::rules
