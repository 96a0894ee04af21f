// Variable expansion in instruction arguments, as BuildKit's shell.Lex.ProcessWord does
// it: quotes, the escape token, $v, ${v}, and the operators :- - :+ + :? ? # ## % %% / //.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

namespace mal::dockerfile {

// A variable's value; nullopt means declared without a value (ARG name).
using Environment = std::map<std::string, std::optional<std::string>>;

struct Expansion {
  std::string value;
  std::set<std::string> referenced;  // every variable name the word expands
  std::set<std::string> unset;       // those with no value in the environment
  // A bound cut this expansion short (the value is cut at kMaxExpandedBytes, or a
  // ${v#...} / ${v/...} pattern was given up on): it is not what BuildKit would compute.
  bool bounded = false;
};

// One expanded word never exceeds this: `ARG A=$B$B` doubling 30 times would need 4 GiB.
inline constexpr size_t kMaxExpandedBytes = size_t{256} * 1024;

// What a whole file's expansions may cost, shared by the calls that pass it: bytes of
// values produced, and steps of ${v#pattern} / ${v/pattern/...} matching. Once spent, a
// word is left unexpanded and marked `bounded`, so no input makes expansion quadratic
// or its memory unbounded (20k ARGs each copying a large value).
struct ExpansionBudget {
  size_t bytes = 64ull * 1024 * 1024;
  size_t matchSteps = 1ull << 24;
};

Expansion expandWord(const std::string& word, const Environment& env, char escapeToken = '\\', ExpansionBudget* budget = nullptr);

}  // namespace mal::dockerfile
