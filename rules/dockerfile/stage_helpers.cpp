#include "rules/dockerfile/stage_helpers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <vector>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/shell_helpers.h"

namespace mal::rules {

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

namespace {
bool isTargetVariable(const std::string& name) { return name.rfind("TARGET", 0) == 0 && vocab::isAutomaticPlatformArg(name); }
bool isExplicitTargetSetting(const std::string& name) {
  return name == "GOARCH" || name == "CARGO_BUILD_TARGET" || name == "CROSS_COMPILE";
}

// The names of the ENV values that the candidates of a base chosen per target set
// (`FROM build-util-linux-$TARGETARCH`: every earlier stage named `build-util-linux-...`,
// one of which BuildKit picks by the target's architecture).
std::set<std::string> environmentOfPerTargetBases(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file,
                                                  size_t stage) {
  std::set<std::string> names;
  const std::string& base = model.stages[stage].baseRaw;
  const size_t dollar = base.find('$');
  if (dollar == 0 || dollar == std::string::npos) return names;
  const auto e = dockerfile::expandWord(base, {}, file.escapeToken);
  if (std::none_of(e.referenced.begin(), e.referenced.end(), isTargetVariable)) return names;
  const std::string prefix = text::lower(base.substr(0, dollar));
  for (size_t s = 0; s < stage; ++s) {
    if (!text::startsWith(model.stages[s].name, prefix)) continue;
    for (size_t index : model.stages[s].instructions) {
      const auto& in = file.instructions[index];
      if (in.command != "env") continue;
      for (size_t i = 0; i < in.args.size(); i += 3) names.insert(in.args[i].value);  // key, value, separator
    }
  }
  return names;
}
}  // namespace

bool stageKnowsTarget(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file, size_t stage) {
  // A cross toolchain compiles for the target it was made for.
  if (usesCrossToolchain(model, stage)) return true;
  // What the stage reads from the environment of a base chosen per target is the target's:
  // `FROM build-util-linux-$TARGETARCH`, whose candidates set `ENV HOST=x86_64-linux-gnu` and
  // `HOST=aarch64-linux-gnu`, then `--host=$HOST` (kubernetes-sigs/alibaba-cloud-csi-driver).
  const auto perTargetEnvironment = environmentOfPerTargetBases(model, file, stage);
  for (const auto& run : model.scriptsIn(stage)) {
    // Only TARGET* counts: an architecture read with `uname -m` on $BUILDPLATFORM is the builder's.
    for (const auto& use : run.script.variableUses) {
      if (isTargetVariable(use.name) || perTargetEnvironment.count(use.name)) return true;
    }
    // A constant target (GOARCH=arm64) is a choice; GOARCH=$ARCH from an ARG buildx never sets is not.
    // So is another OS (GOOS=darwin): a release artifact, cross-compiled whatever the build machine.
    for (const auto& a : run.script.assignments) {
      const bool constant = a.value.literal.find('$') == std::string::npos;
      if (constant && isExplicitTargetSetting(a.name)) return true;
      if (constant && a.name == "GOOS" && !a.value.literal.empty() && a.value.literal != "linux") return true;
    }
    for (const auto& command : run.script.commands) {
      const auto words = programWords(command);
      if (!words.empty() && baseName(words[0]->literal).rfind("xx-", 0) == 0) return true;
      // `dotnet publish -r linux-arm` / `--runtime linux-x64`: a runtime identifier is the target.
      if (!words.empty() && baseName(words[0]->literal) == "dotnet") {
        for (size_t i = 1; i < words.size(); ++i) {
          const std::string& w = words[i]->literal;
          const bool option = w == "-r" || w == "--runtime";
          const bool joined = text::startsWith(w, "--runtime=") || text::startsWith(w, "-r=");
          const std::string value = joined                           ? w.substr(w.find('=') + 1)
                                    : option && i + 1 < words.size() ? words[i + 1]->literal
                                                                     : "";
          if (!value.empty() && value.find('$') == std::string::npos) return true;
        }
      }
      for (const auto& w : command.words) {
        const bool constant = w.literal.find('$') == std::string::npos;
        if (constant && (w.literal == "--target" || text::startsWith(w.literal, "--target=") ||
                         isExplicitTargetSetting(w.literal.substr(0, w.literal.find('='))))) {
          return true;
        }
      }
    }
  }
  for (size_t index : model.stages[stage].instructions) {
    const auto& in = file.instructions[index];
    if (in.command == "arg") {
      for (const auto& arg : in.args) {
        const size_t eq = arg.value.find('=');
        if (isTargetVariable(arg.value.substr(0, eq))) return true;
        // `ARG GOARCH=arm64`: a constant target in the environment of every later RUN, as ENV.
        if (eq != std::string::npos && arg.value.find('$', eq) == std::string::npos && eq + 1 < arg.value.size() &&
            isExplicitTargetSetting(arg.value.substr(0, eq))) {
          return true;
        }
      }
    }
    if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        const std::string& value = in.args[i + 1].value;
        if (value.find('$') != std::string::npos) continue;
        if (isExplicitTargetSetting(in.args[i].value) || (in.args[i].value == "GOOS" && !value.empty() && value != "linux"))
          return true;
      }
    }
    if (in.command != "env" && in.command != "arg") continue;
    for (const auto& arg : in.args) {
      const auto e = dockerfile::expandWord(arg.value, {}, file.escapeToken);
      for (const auto& v : e.referenced) {
        if (isTargetVariable(v)) return true;
      }
    }
  }
  return false;
}

bool chainKnowsTarget(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file,
                      const dockerfile::StageGraph& graph, size_t stage) {
  std::set<size_t> visited;
  std::vector<size_t> work{stage};
  while (!work.empty()) {
    const size_t s = work.back();
    work.pop_back();
    if (s >= model.stages.size() || !visited.insert(s).second) continue;
    if (stageKnowsTarget(model, file, s)) return true;
    work.insert(work.end(), graph.baseFor[s].begin(), graph.baseFor[s].end());
  }
  return false;
}

bool nativeReachesImageUncompiled(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file,
                                  const dockerfile::StageGraph& graph, size_t stage) {
  using dockerfile::StageRuns;
  // The edges out of each stage are the graph's index (usesFrom), built once with it.
  const auto& from = graph.usesFrom;
  const auto handsOn = [&](size_t s) { return s < from.size() && !from[s].empty(); };
  if (stage >= from.size()) return false;
  // The stage is itself an image (the final stage, or a stage nothing takes from: a --target).
  if (graph.shipsNative[stage] && !handsOn(stage)) return true;
  const auto& start = graph.platform[stage];
  // A stage that runs where this one runs (the same pin, or the build machine too).
  const auto runsAlike = [&](size_t s) {
    const auto& p = graph.platform[s];
    if (p.runs != start.runs) return false;
    return p.runs != StageRuns::Pinned || (p.pinned && start.pinned && p.pinned->str() == start.pinned->str());
  };
  std::vector<size_t> work{stage};
  std::set<size_t> visited{stage};
  while (!work.empty()) {
    const size_t s = work.back();
    work.pop_back();
    for (size_t u : from[s]) {
      const auto* use = &graph.uses[u];
      if (use->payload != dockerfile::Payload::Native || !visited.insert(use->consumer).second) continue;
      const size_t consumer = use->consumer;
      if (!graph.shipsNative[consumer]) continue;
      if (graph.platform[consumer].runs == StageRuns::OnTarget) {
        // A stage that runs nothing (FROM scratch, only COPY) counts by where it hands its files.
        if (!(graph.runsNothing[consumer] && handsOn(consumer))) return true;
        work.push_back(consumer);
        continue;
      }
      // An image of its own (a test or lint --target) that runs where this stage runs gets
      // code of its own platform: consistent, and its pin is judged at its own FROM. One that
      // runs elsewhere gets foreign code.
      if (!handsOn(consumer)) {
        if (!runsAlike(consumer)) return true;
        continue;
      }
      // A stage that builds for the target it is told turns what it got into the target's
      // code; one that is not told hands it on as it is.
      if (chainKnowsTarget(model, file, graph, consumer)) continue;
      work.push_back(consumer);
    }
  }
  return false;
}

namespace {
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Does lowered text name QEMU's user-mode x86 emulator as a program (`/usr/bin/qemu-x86_64`,
// `qemu-x86_64-static`, `qemu-i386`)? Not `qemu-system-x86_64`, a whole machine's emulator
// that boots a guest and runs no program of the image.
bool namesQemuX86UserEmulator(std::string_view lowered) {
  for (std::string_view name : {std::string_view("qemu-x86_64"), std::string_view("qemu-i386")}) {
    for (size_t at = lowered.find(name); at != std::string_view::npos; at = lowered.find(name, at + 1)) {
      if (at == 0 || !isNameChar(lowered[at - 1])) return true;
    }
  }
  return false;
}
}  // namespace

std::vector<X86Emulator> stagesInstallingX86Emulator(const dockerfile::BuildModel& model,
                                                     const dockerfile::ParsedDockerfile& file) {
  std::vector<X86Emulator> own(model.stages.size(), X86Emulator::None);
  auto raise = [&](size_t stage, X86Emulator emulator) {
    if (stage < own.size() && own[stage] < emulator) own[stage] = emulator;
  };
  for (const auto& run : model.scripts) {
    if (run.stage >= own.size() || own[run.stage] == X86Emulator::EveryHost) continue;
    for (const auto& command : run.script.commands) {
      for (const auto& word : command.words) {
        // The package, its release archive (box64-GENERIC_ARM-...zip, box64-rpi4arm64) or the
        // binary itself; FEX-Emu's package and its interpreter.
        const std::string w = text::lower(word.literal);
        if (namesQemuX86UserEmulator(w)) raise(run.stage, X86Emulator::EveryHost);
        if (w.find("box64") != std::string::npos || w.find("fex-emu") != std::string::npos ||
            w.find("fexinterpreter") != std::string::npos) {
          raise(run.stage, X86Emulator::ArmHosts);
        }
      }
    }
  }
  // The program the image starts: `ENTRYPOINT ["/bin/qemu-x86_64", ...]` runs its x86 server
  // through the emulator that an earlier RUN installed as a package (`qemu-user`).
  for (size_t stage = 0; stage < model.stages.size(); ++stage) {
    for (size_t index : model.stages[stage].instructions) {
      if (index >= file.instructions.size()) continue;
      const auto& in = file.instructions[index];
      if (in.command != "entrypoint" && in.command != "cmd") continue;
      if (namesQemuX86UserEmulator(text::lower(in.line.text))) raise(stage, X86Emulator::EveryHost);
    }
  }
  return own;
}

X86Emulator installsX86Emulator(const dockerfile::StageGraph& graph, const std::vector<X86Emulator>& installing, size_t stage) {
  X86Emulator found = X86Emulator::None;
  std::set<size_t> seen;
  // Backwards through the stages it is based on; forwards through every stage that takes its
  // files, and their bases in turn (the download stage hands its server to the stage that runs
  // it through the emulator).
  std::vector<size_t> work{stage};
  while (!work.empty()) {
    const size_t s = work.back();
    work.pop_back();
    if (s >= installing.size() || !seen.insert(s).second) continue;
    found = std::max(found, installing[s]);
    if (found == X86Emulator::EveryHost) return found;
    if (s < graph.baseFor.size()) {
      for (size_t base : graph.baseFor[s]) work.push_back(base);
    }
    if (s < graph.usesFrom.size()) {
      for (size_t use : graph.usesFrom[s]) {
        if (use < graph.uses.size()) work.push_back(graph.uses[use].consumer);
      }
    }
  }
  return found;
}

namespace {
bool runInstallsCrossToolchain(const dockerfile::RunScript& run) {
  for (const auto& command : run.script.commands) {
    for (const auto& word : command.words) {
      const std::string& w = word.literal;
      if (text::startsWith(w, "crossbuild-essential-") || text::startsWith(w, "xx-") || w == "gcc-multilib" ||
          w == "g++-multilib" ||
          ((text::startsWith(w, "gcc-") || text::startsWith(w, "g++-")) && w.find("-linux-gnu") != std::string::npos)) {
        return true;
      }
    }
  }
  return false;
}
}  // namespace

bool installsCrossToolchain(const dockerfile::BuildModel& model, size_t stage) {
  const auto scripts = model.scriptsIn(stage);
  return std::any_of(scripts.begin(), scripts.end(), runInstallsCrossToolchain);
}

std::vector<bool> stagesInstallingCrossToolchain(const dockerfile::BuildModel& model) {
  std::vector<bool> out(model.stages.size(), false);
  for (const auto& run : model.scripts) {
    if (run.stage < out.size() && !out[run.stage] && runInstallsCrossToolchain(run)) out[run.stage] = true;
  }
  return out;
}

bool usesCrossToolchain(const dockerfile::BuildModel& model, size_t stage) {
  return installsCrossToolchain(model, stage) || text::lower(model.stages[stage].baseExpanded).find("cross") != std::string::npos;
}

namespace {
// The values the stage's ENV and ARG defaults give before instruction `before`, as a RUN there
// sees them (`ENV TARGET=aarch64-linux-gnu` then `apt-get install gcc-$TARGET`).
dockerfile::Environment stageValuesBefore(const dockerfile::ParsedDockerfile& file, const dockerfile::Stage& stage,
                                          size_t before) {
  dockerfile::Environment env;
  for (const size_t index : stage.instructions) {
    if (index >= before) break;
    const auto& in = file.instructions[index];
    if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {  // key, value, separator
        env[in.args[i].value] = dockerfile::expandWord(in.args[i + 1].value, env, file.escapeToken).value;
      }
    }
  }
  for (const auto& arg : stage.args) {
    if (arg.instruction < before && arg.value && !env.count(arg.name)) {
      env[arg.name] = dockerfile::expandWord(*arg.value, env, file.escapeToken).value;
    }
  }
  return env;
}

// What makes a builder for another platform, besides the cross compilers every rule knows:
// the same packages named through the stage's own variables (`gcc-$TARGET`); a toolchain for
// another operating system (mingw-w64, or wine to run a Windows compiler: its x86-64 Windows
// programs are the build's tools, not the image's platform); and `debootstrap --foreign`, the
// first half of a root filesystem for an architecture the host cannot run (debootstrap(8):
// the second stage runs later under emulation), where the build then happens.
bool runBuildsForAnotherPlatform(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                                 const dockerfile::RunScript& run) {
  std::optional<dockerfile::Environment> env;
  for (const auto& command : run.script.commands) {
    const auto words = programWords(command);
    const bool bootstrap =
        !words.empty() && (baseName(words[0]->literal) == "debootstrap" || baseName(words[0]->literal) == "qemu-debootstrap");
    for (const auto& word : command.words) {
      std::string w = word.literal;
      if (bootstrap && w == "--foreign") return true;
      if (w == "wine" || w == "wine64" || text::startsWith(w, "mingw-w64") || text::startsWith(w, "gcc-mingw-w64") ||
          text::startsWith(w, "g++-mingw-w64")) {
        return true;
      }
      if (word.variables.empty() || !(text::startsWith(w, "gcc-") || text::startsWith(w, "g++-"))) continue;
      if (!env) env = stageValuesBefore(file, model.stages[run.stage], run.instruction);
      w = dockerfile::expandWord(w, *env, file.escapeToken).value;
      if (w.find("-linux-gnu") != std::string::npos) return true;
    }
  }
  return false;
}
}  // namespace

bool isCrossToolchainImage(const std::string& path, const dockerfile::ParsedDockerfile& file,
                           const dockerfile::BuildModel& model) {
  bool namesArchitecture = false;
  for (const auto& component : text::split(path, '/')) {
    namesArchitecture = namesArchitecture || !dockerfile::architectureNamedBy(text::lower(component)).empty();
  }
  if (!namesArchitecture) return false;
  for (const auto& stage : model.stages) {
    if (usesCrossToolchain(model, stage.index)) return true;
  }
  return std::any_of(model.scripts.begin(), model.scripts.end(),
                     [&](const auto& run) { return runBuildsForAnotherPlatform(file, model, run); });
}

bool isStageOrBuiltOn(const dockerfile::BuildModel& model, std::optional<size_t> candidate, size_t stage) {
  for (std::optional<size_t> s = candidate; s; s = model.stages[*s].parentStage) {
    if (*s == stage) return true;
  }
  return false;
}

bool isNativeCompile(const shell::Command& command) {
  if (isCrossCapableCompile(command)) return true;
  const auto words = programWords(command);
  if (words.empty()) return false;
  // jlink builds a native Java runtime (launcher and libraries) from the JDK it runs with.
  static const std::set<std::string> kCompilers = {"gcc",     "g++",   "cc",   "c++",   "clang",
                                                   "clang++", "rustc", "make", "ninja", "jlink"};
  const std::string name = baseName(words[0]->literal);
  if (kCompilers.count(name)) return true;
  if (name != "cmake") return false;
  for (const auto* w : words) {
    if (w->literal == "--build") return true;
  }
  return false;
}

std::vector<std::set<std::string>> architecturesAddedToDpkg(const dockerfile::BuildModel& model) {
  std::vector<std::set<std::string>> added(model.stages.size());
  for (const auto& run : model.scripts) {
    if (run.stage >= added.size()) continue;
    for (const auto& command : run.script.commands) {
      const auto words = programWords(command);
      if (words.empty() || baseName(words[0]->literal) != "dpkg") continue;
      for (size_t i = 1; i + 1 < words.size(); ++i) {
        if (words[i]->literal != "--add-architecture") continue;
        for (const auto& token : vocab::findArchTokens(words[i + 1]->literal))
          added[run.stage].insert(token.platform.architecture);
      }
    }
  }
  // A stage built FROM an earlier one has its dpkg database, the added architectures with it.
  for (const auto& stage : model.stages) {
    if (stage.parentStage && *stage.parentStage < stage.index)
      added[stage.index].insert(added[*stage.parentStage].begin(), added[*stage.parentStage].end());
  }
  return added;
}

bool baseMayHaveForeignArchitectures(const dockerfile::BuildModel& model, size_t stage) {
  size_t root = stage;
  while (model.stages[root].parentStage && *model.stages[root].parentStage < root) root = *model.stages[root].parentStage;
  std::string_view image = model.stages[root].baseExpanded;
  if (image.find('$') != std::string_view::npos) return true;  // not known
  image = image.substr(0, image.find('@'));
  const size_t slash = image.find('/');
  const std::string_view first = slash == std::string_view::npos ? std::string_view() : image.substr(0, slash);
  // docker.io/library/debian, library/ubuntu and plain `python` are Docker Official Images,
  // built from the distributions' own root filesystems: dpkg has the native architecture only.
  if (first == "docker.io" || first == "index.docker.io") {
    image.remove_prefix(slash + 1);
    return !text::startsWith(image, "library/");
  }
  return slash != std::string_view::npos && first != "library";
}

}  // namespace mal::rules
