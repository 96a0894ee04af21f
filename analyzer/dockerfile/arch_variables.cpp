#include "analyzer/dockerfile/arch_variables.h"

#include <algorithm>

#include "analyzer/shell/arch_vocabulary.h"

namespace mal::dockerfile {

bool ArchVariableWalker::mentionsArch(const std::string& value) const {
  const Expansion e = expandWord(value, {}, file_.escapeToken);
  return std::any_of(e.referenced.begin(), e.referenced.end(),
                     [&](const std::string& v) { return vocab::isPlatformArchVariable(v) || vars_.count(v); });
}

const std::set<std::string>& ArchVariableWalker::before(size_t before) {
  for (; next_ < stage_.instructions.size() && stage_.instructions[next_] < before; ++next_) {
    const size_t index = stage_.instructions[next_];
    const Instruction& in = file_.instructions[index];
    if (in.command == "arg") {
      while (nextArg_ < stage_.args.size() && stage_.args[nextArg_].instruction < index) ++nextArg_;
      for (; nextArg_ < stage_.args.size() && stage_.args[nextArg_].instruction == index; ++nextArg_) {
        const auto& d = stage_.args[nextArg_];
        if (vocab::isPlatformArchVariable(d.name) || (d.value && mentionsArch(*d.value))) vars_.insert(d.name);
      }
    } else if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {  // key, value, separator
        if (mentionsArch(in.args[i + 1].value)) vars_.insert(in.args[i].value);
      }
    }
  }
  return vars_;
}

}  // namespace mal::dockerfile
