// Which ARG/ENV names carry the target architecture before each instruction of a stage,
// walked once along the stage. archVariablesBefore() (build_model.h) answers one
// instruction by walking the stage from its start: called for every RUN and COPY it is
// quadratic in the stage's length (100k RUN lines: 160 s). This gives the same answers in
// one pass when the instructions are asked in order.
#pragma once

#include <set>
#include <string>

#include "analyzer/dockerfile/build_model.h"

namespace mal::dockerfile {

class ArchVariableWalker {
 public:
  ArchVariableWalker(const Stage& stage, const ParsedDockerfile& file) : stage_(stage), file_(file) {}
  // archVariablesBefore(stage, file, before); `before` must not decrease between calls.
  const std::set<std::string>& before(size_t before);

 private:
  bool mentionsArch(const std::string& value) const;
  const Stage& stage_;
  const ParsedDockerfile& file_;
  std::set<std::string> vars_;
  size_t next_ = 0;     // into stage.instructions
  size_t nextArg_ = 0;  // into stage.args (in instruction order)
};

}  // namespace mal::dockerfile
