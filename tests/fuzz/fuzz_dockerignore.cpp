// libFuzzer target: .dockerignore parsing and matching, and shell-pattern matching. The
// input is the ignore file; its lines are also matched as paths, and as shell patterns
// against each other. Checks that the automaton's answers agree with each other: whole
// text, prefixes and a cursor fed piece by piece; and that the directory states one
// DockerIgnore keeps between paths never change an answer (a fresh one must agree).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzer/context/dockerignore.h"
#include "analyzer/glob.h"
#include "analyzer/text_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto ignore = mal::context::DockerIgnore::parse(input);
  const auto lines = mal::text::split(input, '\n');
  for (size_t i = 0; i < lines.size() && i < 16; ++i) {
    if (ignore.excluded(lines[i]) != mal::context::DockerIgnore::parse(input).excluded(lines[i]) && !ignore.exhausted()) {
      std::abort();
    }
    const auto pattern = mal::glob::compileShellPattern(lines[i], i % 2 == 0);
    const std::string& text = lines[(i + 1) % lines.size()];
    const auto prefixes = pattern.matchingPrefixes(text);
    if (pattern.matches(text) != (!prefixes.empty() && prefixes.back() == text.size())) std::abort();
    auto cursor = pattern.start();
    for (size_t at = 0; at < text.size();) {
      const size_t slash = text.find('/', at + 1);
      const size_t end = slash == std::string::npos ? text.size() : slash;
      pattern.advance(cursor, std::string_view(text).substr(at, end - at));
      at = end;
    }
    if (cursor.accepting != pattern.matches(text)) std::abort();
    const std::string reversedText(text.rbegin(), text.rend());
    (void)pattern.reversed().matchingPrefixes(reversedText);
  }
  return 0;
}
