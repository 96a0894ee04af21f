// libFuzzer target: the shell bridge alone -- tree-sitter-bash on a RUN body and our walk
// of its tree into commands, words, branches and arch probes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/shell/shell_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mal::shell::ScriptText text;
  text.text.assign(reinterpret_cast<const char*>(data), size);
  text.origin.resize(size + 1);
  for (size_t i = 0; i <= size; ++i) text.origin[i] = static_cast<uint32_t>(i);
  (void)mal::shell::parseScript(std::move(text), {"ARCH", "TARGETARCH"});
  return 0;
}
