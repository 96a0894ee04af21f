// libFuzzer target: variable expansion. The first line is the word, the next lines are
// NAME=VALUE pairs of the environment (a line without '=' declares a name without a value).
// Checks the bounds: no value longer than kMaxExpandedBytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzer/dockerfile/expand.h"
#include "analyzer/text_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto lines = mal::text::split(input, '\n');
  mal::dockerfile::Environment env;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t eq = lines[i].find('=');
    if (eq == std::string::npos) {
      env[lines[i]] = std::nullopt;
    } else {
      env[lines[i].substr(0, eq)] = lines[i].substr(eq + 1);
    }
  }
  mal::dockerfile::ExpansionBudget budget;
  budget.matchSteps = 1u << 20;  // keep each run short; the bound itself is what is tested
  for (const char escape : {'\\', '`'}) {
    const auto e = mal::dockerfile::expandWord(lines[0], env, escape, &budget);
    if (e.value.size() > mal::dockerfile::kMaxExpandedBytes) std::abort();
  }
  return 0;
}
