#include "rules/dockerfile/message_values.h"

#include <algorithm>
#include <optional>
#include <string>

#include "analyzer/dockerfile/expand.h"

namespace mal::rules {
namespace {

// The instruction a finding sits in: the one whose lines contain the finding's line (the
// instructions are in line order: a binary search, not a scan per finding).
std::optional<size_t> instructionAt(const DockerfileContext& ctx, int line) {
  const auto& all = ctx.file.instructions;
  const auto after = std::upper_bound(all.begin(), all.end(), line, [](int l, const auto& in) { return l < in.startLine; });
  if (after == all.begin()) return std::nullopt;
  const size_t i = static_cast<size_t>(after - all.begin()) - 1;
  if (line > all[i].endLine) return std::nullopt;
  return i;
}

}  // namespace

// `word` expanded with the stage's values before `instruction`, the same for every target;
// nullopt when a variable is unknown there (a shell variable, a substitution) or varies.
std::optional<std::string> expandedForEveryTarget(const DockerfileContext& ctx, size_t stage, size_t instruction,
                                                  const std::string& word) {
  if (word.find("$(") != std::string::npos || word.find('`') != std::string::npos) return std::nullopt;
  std::optional<std::string> value;
  for (size_t target = 0; target < ctx.stages->targets.size(); ++target) {
    const auto& env = dockerfile::environmentAt(ctx.file, ctx.model, *ctx.stages, stage, instruction, target).values;
    const auto e = dockerfile::expandWord(word, env, ctx.file.escapeToken);
    if (!e.unset.empty() || e.bounded || e.referenced.empty()) return std::nullopt;
    for (const auto& name : e.referenced) {
      if (!env.count(name)) return std::nullopt;  // not the Dockerfile's: a shell variable
    }
    if (value && *value != e.value) return std::nullopt;
    value = e.value;
  }
  if (!value || *value == word) return std::nullopt;
  return value;
}

void showExpandedValues(const DockerfileContext& ctx, std::vector<Finding>& findings) {
  if (!ctx.stages || ctx.stages->targets.empty()) return;
  for (auto& f : findings) {
    if (f.location.line == 0 || f.message.find('$') == std::string::npos) continue;
    // A finding that points at where its variables were set has said their values already.
    if (!f.related.empty()) continue;
    const auto instruction = instructionAt(ctx, f.location.line);
    if (!instruction || *instruction >= ctx.model.stageOf.size() || !ctx.model.stageOf[*instruction]) continue;
    const size_t stage = *ctx.model.stageOf[*instruction];
    std::string out;
    size_t i = 0;
    while (i < f.message.size()) {
      const size_t open = f.message.find('\'', i);
      const size_t close = open == std::string::npos ? std::string::npos : f.message.find('\'', open + 1);
      if (close == std::string::npos) break;
      out.append(f.message, i, close + 1 - i);
      const std::string quoted = f.message.substr(open + 1, close - open - 1);
      // A quoted word is one token (a URL, a path, an assignment): a stray apostrophe in prose
      // would pair with the wrong quote, and such a stretch holds spaces.
      if (quoted.find('$') != std::string::npos && quoted.find(' ') == std::string::npos) {
        if (const auto value = expandedForEveryTarget(ctx, stage, *instruction, quoted)) out += " (= '" + *value + "')";
      }
      i = close + 1;
    }
    out.append(f.message, std::min(i, f.message.size()));
    f.message = std::move(out);
  }
}

}  // namespace mal::rules
