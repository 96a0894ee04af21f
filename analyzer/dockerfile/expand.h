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
};

Expansion expandWord(const std::string& word, const Environment& env, char escapeToken = '\\');

}  // namespace mal::dockerfile
