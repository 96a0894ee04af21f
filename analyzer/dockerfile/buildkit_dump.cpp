// BuildKit's Node.Dump(): the format of the conformance corpus' `result` files.
#include "analyzer/dockerfile/ast.h"
#include "analyzer/text_util.h"

namespace mal::dockerfile {
namespace {

std::string dumpInstruction(const Instruction& instruction) {
  std::string out = instruction.command;
  if (!instruction.flags.empty()) {
    // Go's %q of a []string: ["a" "b"]
    out += " [";
    for (size_t i = 0; i < instruction.flags.size(); ++i) {
      if (i) out += ' ';
      out += text::goQuote(instruction.flags[i].text);
    }
    out += ']';
  }
  for (const auto& arg : instruction.args) {
    out += ' ';
    if (arg.nested) {
      out += '(';
      out += dumpInstruction(*arg.nested);
      out += ')';
    } else {
      out += text::goQuote(arg.value);
    }
  }
  return out;
}

}  // namespace

std::string buildkitDump(const ParsedDockerfile& dockerfile) {
  std::string out;
  for (const auto& instruction : dockerfile.instructions) {
    out += '(';
    out += dumpInstruction(instruction);
    out += ")\n";
  }
  return out;
}

}  // namespace mal::dockerfile
