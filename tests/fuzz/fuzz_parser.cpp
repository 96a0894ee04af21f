// libFuzzer target: the Dockerfile parser alone (directives, continuations, heredocs, the
// JSON form), and BuildKit's dump of what it parsed. Fast: no shell, no rules.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/dockerfile/ast.h"
#include "rules/pragmas.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const mal::SourceText source("fuzz.Dockerfile", std::string(reinterpret_cast<const char*>(data), size));
  const auto parsed = mal::dockerfile::parse(source);
  if (parsed.dockerfile) (void)mal::dockerfile::buildkitDump(*parsed.dockerfile);
  (void)mal::rules::findPragmas(source);
  for (int line = 1; line <= source.lineCount(); ++line) (void)source.position(source.lineStart(line));
  return 0;
}
