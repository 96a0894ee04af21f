#include "rules/dockerfile/text_sites.h"

#include <algorithm>

#include "analyzer/shell/arch_vocabulary.h"
#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {
namespace {

bool mentionsArchVariable(const DockerfileContext& ctx, const dockerfile::Stage* stage, size_t index, const std::string& value) {
  const auto e = dockerfile::expandWord(value, {}, ctx.file.escapeToken);
  const auto archVars = stage ? dockerfile::archVariablesBefore(*stage, index) : std::set<std::string>{};
  return std::any_of(e.referenced.begin(), e.referenced.end(),
                     [&](const std::string& v) { return vocab::isPlatformArchVariable(v) || archVars.count(v); });
}

}  // namespace

void forEachTextSite(const DockerfileContext& ctx, const std::function<void(const TextSite&)>& visit) {
  for (const auto& run : ctx.model.scripts) {
    const auto& script = run.script;
    for (const auto& command : script.commands) {
      for (const auto& word : command.words) {
        visit({word.text,
               run.instruction,
               run.stage,
               variesByArch(command, word),
               &command,
               {},
               &run,
               [&script, &word](size_t b, size_t e) { return script.source.span(word.begin + b, word.begin + e); }});
      }
    }
    for (const auto& a : script.assignments) {
      const bool inArch =
          std::any_of(a.branches.begin(), a.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
      visit({a.value.text, run.instruction, run.stage, a.value.archVarying || inArch, nullptr, a.name, &run,
             [&script, &a](size_t b, size_t e) { return script.source.span(a.value.begin + b, a.value.begin + e); }});
    }
    for (const auto& r : script.redirects) {
      const bool inArch =
          std::any_of(r.branches.begin(), r.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
      visit({r.target.text,
             run.instruction,
             run.stage,
             r.target.archVarying || inArch,
             nullptr,
             {},
             &run,
             [&script, &r](size_t b, size_t e) { return script.source.span(r.target.begin + b, r.target.begin + e); }});
    }
  }
  for (size_t index = 0; index < ctx.file.instructions.size(); ++index) {
    const auto& in = ctx.file.instructions[index];
    const auto stageIndex = ctx.model.stageOf[index];
    const dockerfile::Stage* stage = stageIndex ? &ctx.model.stages[*stageIndex] : nullptr;
    auto argSite = [&](const dockerfile::Argument& arg, size_t skip, const std::string& value, std::string_view key = {}) {
      const uint32_t base = arg.span.begin + static_cast<uint32_t>(skip);
      visit({value, index, stageIndex.value_or(0), mentionsArchVariable(ctx, stage, index, value), nullptr, key, nullptr,
             [base](size_t b, size_t e) {
               return Span{base + static_cast<uint32_t>(b), base + static_cast<uint32_t>(e)};
             }});
    };
    if (in.command == "env") {
      for (size_t i = 1; i < in.args.size(); i += 3) argSite(in.args[i], 0, in.args[i].value, in.args[i - 1].value);
    } else if (in.command == "arg") {
      for (const auto& arg : in.args) {
        const size_t eq = arg.value.find('=');
        if (eq != std::string::npos) argSite(arg, eq + 1, arg.value.substr(eq + 1), std::string_view(arg.value).substr(0, eq));
      }
    } else if (in.command == "copy" || in.command == "add" || in.command == "entrypoint" || in.command == "cmd") {
      if (in.command == "copy" && in.flag("from")) {
        // Paths inside another stage are still paths of one architecture.
      }
      for (const auto& arg : in.args) argSite(arg, in.json ? 1 : 0, arg.value);
    }
  }
}

}  // namespace mal::rules
