// libFuzzer target: the whole Dockerfile front end on untrusted bytes -- the parser, the
// build model, the tree-sitter shell bridge, every rule, and the platforms the file's own
// content declares (its pins, a scratch image's root file system, its base images, ...).
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/context/declared_platforms.h"
#include "analyzer/dockerfile/ast.h"
#include "rules/lint_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const mal::SourceText source("fuzz.Dockerfile", std::string(reinterpret_cast<const char*>(data), size));
  const auto parsed = mal::dockerfile::parse(source);
  if (parsed.dockerfile) (void)mal::dockerfile::buildkitDump(*parsed.dockerfile);
  (void)mal::rules::lintDockerfile(source, {});
  // In a directory that does not exist: no declaration file is found, the content is read.
  (void)mal::context::findDeclaredPlatforms("/nonexistent-fuzz-root/fuzz.Dockerfile", source.bytes());
  return 0;
}
