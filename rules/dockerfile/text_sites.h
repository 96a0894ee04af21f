// The places a Dockerfile writes literal text that ends up in a build or an image: RUN
// words and assignments, ENV and ARG values, COPY/ADD paths, CMD/ENTRYPOINT arguments.
// Rules that look for tokens (paths, flags, arch names) visit them all the same way.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "rules/dockerfile/context.h"

namespace mal::rules {

struct TextSite {
  std::string_view text;   // as written in the file (quotes included for RUN words)
  size_t instruction = 0;  // index in the file
  size_t stage = 0;
  bool variesByArch = false;                   // inside an arch switch, or built from an arch variable
  const shell::Command* command = nullptr;     // for RUN words: the command they belong to
  std::string_view key;                        // the variable an ENV/ARG value or a shell assignment sets; empty otherwise
  const dockerfile::RunScript* run = nullptr;  // for RUN text: the script it is in
  std::function<Span(size_t begin, size_t end)> span;  // a byte range of `text` in the file
};

void forEachTextSite(const DockerfileContext& ctx, const std::function<void(const TextSite&)>& visit);

}  // namespace mal::rules
