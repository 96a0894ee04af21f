// libFuzzer target: .dockerignore parsing and matching, and shell-pattern matching. The
// input is the ignore file; its lines are also matched as paths, and as shell patterns
// against each other. Checks that the automaton's answers agree with each other.
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
    (void)ignore.excluded(lines[i]);
    const auto pattern = mal::glob::compileShellPattern(lines[i], i % 2 == 0);
    const std::string& text = lines[(i + 1) % lines.size()];
    const auto prefixes = pattern.matchingPrefixes(text);
    if (pattern.matches(text) != (!prefixes.empty() && prefixes.back() == text.size())) std::abort();
    const std::string reversedText(text.rbegin(), text.rend());
    (void)pattern.reversed().matchingPrefixes(reversedText);
  }
  return 0;
}
