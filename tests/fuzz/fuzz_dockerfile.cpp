// libFuzzer target: the whole Dockerfile front end on untrusted bytes -- the parser, the
// build model, the tree-sitter shell bridge and every rule.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/dockerfile/ast.h"
#include "rules/lint_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const mal::SourceText source("fuzz.Dockerfile", std::string(reinterpret_cast<const char*>(data), size));
  const auto parsed = mal::dockerfile::parse(source);
  if (parsed.dockerfile) (void)mal::dockerfile::buildkitDump(*parsed.dockerfile);
  (void)mal::rules::lintDockerfile(source, {});
  return 0;
}
