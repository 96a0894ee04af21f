#include "rules/dockerfile/stage_helpers.h"

#include <set>

#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {

bool runsOnBuildPlatform(const dockerfile::BuildModel& model, const dockerfile::Stage& stage) {
  const dockerfile::Stage* s = &stage;
  for (int hops = 0; s && hops < 64; ++hops) {
    if (!s->platformRaw.empty()) return s->platformRaw.find("BUILDPLATFORM") != std::string::npos;
    s = s->parentStage ? &model.stages[*s->parentStage] : nullptr;
  }
  return false;
}

bool hasPlatformFlag(const dockerfile::BuildModel& model, const dockerfile::Stage& stage) {
  const dockerfile::Stage* s = &stage;
  for (int hops = 0; s && hops < 64; ++hops) {
    if (!s->platformRaw.empty()) return true;
    s = s->parentStage ? &model.stages[*s->parentStage] : nullptr;
  }
  return false;
}

namespace {
std::string subcommand(const std::vector<const shell::Word*>& words) {
  for (size_t i = 1; i < words.size(); ++i) {
    if (!words[i]->literal.empty() && words[i]->literal[0] != '-') return words[i]->literal;
  }
  return {};
}
}  // namespace

bool isCrossCapableCompile(const shell::Command& command) {
  const auto words = programWords(command);
  if (words.empty()) return false;
  const std::string name = baseName(words[0]->literal);
  const std::string sub = subcommand(words);
  if (name == "go") return sub == "build" || sub == "install";
  if (name == "cargo") return sub == "build" || sub == "install";
  if (name == "dotnet") return sub == "publish" || sub == "build";
  if (name == "zig") return sub == "build" || sub == "build-exe" || sub == "cc";
  return false;
}

bool isNativeCompile(const shell::Command& command) {
  if (isCrossCapableCompile(command)) return true;
  const auto words = programWords(command);
  if (words.empty()) return false;
  static const std::set<std::string> kCompilers = {"gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "make", "ninja"};
  const std::string name = baseName(words[0]->literal);
  if (kCompilers.count(name)) return true;
  if (name != "cmake") return false;
  for (const auto* w : words) {
    if (w->literal == "--build") return true;
  }
  return false;
}

}  // namespace mal::rules
