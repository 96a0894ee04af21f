// MA130: a toolchain told to build for one architecture: GOARCH=amd64, cargo --target
// x86_64-..., dotnet -r linux-x64, npm --arch=x64, CC=x86_64-linux-gnu-gcc.
#include <algorithm>
#include <map>
#include <set>

#include "analyzer/dockerfile/emulators.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// A stage named for one architecture (`AS build-amd64`) is selected per architecture.
bool stageNamedFor(const dockerfile::Stage& stage, const Platform& platform) {
  for (const auto& token : vocab::findArchTokens(stage.name)) {
    if (token.platform.architecture == platform.architecture) return true;
  }
  return false;
}

// The architecture of a GNU/Rust target triple: `x86_64-linux-gnu`, `aarch64-unknown-linux-musl`,
// `x86_64-pc-linux-gnu`; with `allowSuffix`, also a tool named after it (`x86_64-linux-gnu-gcc`).
std::optional<Platform> tripleArch(std::string_view value, bool allowSuffix) {
  const size_t dash = value.find('-');
  if (dash == 0 || dash == std::string_view::npos) return std::nullopt;
  const std::string_view arch = value.substr(0, dash);
  if (!std::all_of(arch.begin(), arch.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
      })) {
    return std::nullopt;
  }
  std::string_view rest = value.substr(dash + 1);
  for (std::string_view vendor : {"unknown-", "pc-"}) {
    if (text::startsWith(rest, vendor)) rest.remove_prefix(vendor.size());
  }
  if (!text::startsWith(rest, "linux-")) return std::nullopt;
  rest.remove_prefix(6);
  if (!text::startsWith(rest, "gnu") && !text::startsWith(rest, "musl")) return std::nullopt;
  rest.remove_prefix(text::startsWith(rest, "gnu") ? 3 : 4);
  while (!rest.empty() && std::islower(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);  // eabihf
  if (!rest.empty() && !(allowSuffix && rest.front() == '-')) return std::nullopt;
  return parsePlatform(std::string(arch));
}

// Which commands of the script are rustup's installer: `rustup-init`, or a shell reading the
// installer script from a pipe (`curl https://sh.rustup.rs | sh -s -- -y --target
// aarch64-unknown-linux-gnu`). By index in script.commands, found in one pass.
std::vector<bool> rustupInstallers(const shell::Script& script) {
  std::vector<bool> out(script.commands.size(), false);
  for (size_t i = 0; i < script.commands.size(); ++i) {
    const shell::Command& c = script.commands[i];
    if (c.name() == "rustup-init" || c.name() == "rustup-init.sh") out[i] = true;
    if (c.pipesInto >= out.size()) continue;
    const std::string reader = script.commands[c.pipesInto].name();
    if ((reader == "sh" || reader == "bash") && std::any_of(c.words.begin(), c.words.end(), [](const shell::Word& w) {
          return w.literal.find("rustup") != std::string::npos;
        })) {
      out[c.pipesInto] = true;
    }
  }
  return out;
}

// The words naming the targets a command installs Rust's standard library for, beside the
// host's: `rustup target add TRIPLE...`, and the installer's `--target`/`-t` (rustup-init:
// "Additional targets to install"), which adds them the same way and builds nothing
// (mullvad/mullvadvpn-app's build image, Part ZZZN). A word may list several, comma-separated.
// `installers` is rustupInstallers(script).
std::vector<const shell::Word*> addedRustTargets(const shell::Script& script, size_t index, const std::vector<bool>& installers) {
  const shell::Command& c = script.commands[index];
  std::vector<const shell::Word*> out;
  if (c.name() == "rustup" && c.words.size() > 3 && c.words[1].literal == "target" && c.words[2].literal == "add") {
    for (size_t i = 3; i < c.words.size(); ++i) {
      if (!c.words[i].literal.empty() && c.words[i].literal[0] != '-') out.push_back(&c.words[i]);
    }
    return out;
  }
  if (index >= installers.size() || !installers[index]) return out;
  for (size_t i = 1; i < c.words.size(); ++i) {
    const std::string& w = c.words[i].literal;
    if ((w == "--target" || w == "-t") && i + 1 < c.words.size()) {
      out.push_back(&c.words[++i]);
    } else if (w.starts_with("--target=")) {
      out.push_back(&c.words[i]);
    }
  }
  return out;
}

// The architectures the triples of one added-targets word name (`--target=a,b` gives both).
std::vector<Platform> addedTripleArchitectures(const shell::Word& word) {
  std::string_view value = word.literal;
  if (value.starts_with("--target=")) value.remove_prefix(9);
  std::vector<Platform> out;
  for (const auto& triple : text::split(value, ',')) {
    if (const auto p = tripleArch(triple, false)) out.push_back(*p);
  }
  return out;
}

// The architecture of a vcpkg triplet for Linux: x64-linux, arm64-linux-release,
// x64-linux-dynamic (vcpkg's triplets/ and triplets/community/ name them
// <arch>-linux[-<suffix>], with vcpkg's own arch names x64, x86, arm64, arm). Triplets for
// other systems (x64-windows, arm64-osx) build for that system on purpose.
std::optional<Platform> vcpkgTripletArch(std::string_view triplet) {
  const size_t dash = triplet.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view os = triplet.substr(dash + 1);
  if (os != "linux" && !text::startsWith(os, "linux-")) return std::nullopt;
  const std::string_view arch = triplet.substr(0, dash);
  if (arch == "x64") return parsePlatform("amd64");
  if (arch == "x86") return parsePlatform("386");
  if (arch == "arm64" || arch == "arm" || arch == "ppc64le" || arch == "s390x" || arch == "riscv64") {
    return parsePlatform(std::string(arch));
  }
  return std::nullopt;
}

// The platform a target setting names: GOARCH=amd64, CC=x86_64-linux-gnu-gcc, ...
std::optional<Platform> settingPlatform(const std::string& name, const std::string& value) {
  // vcpkg reads its default triplet from the environment.
  if (name == "VCPKG_DEFAULT_TRIPLET") return vcpkgTripletArch(value);
  if (name == "GOARCH" || name == "npm_config_arch" || name == "npm_config_target_arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    auto platform = parsePlatform(value);
    // GOARM, not GOARCH, picks the ARM version: `GOARCH=arm` alone builds for the version the
    // toolchain defaults to (its own in a stage that runs on an ARM target: golang's arm32v6
    // image builds v6 code), so it names the architecture and no variant; an arm/v6 image
    // whose builder says GOARCH=arm is not broken by it.
    if (platform && platform->architecture == "arm") platform->variant.clear();
    return platform;
  }
  // GOAMD64, GOARM and GO386 only tune builds for their own architecture; elsewhere Go ignores them.
  if (name == "CARGO_BUILD_TARGET" || name == "CC" || name == "CXX" || name == "CROSS_COMPILE") return tripleArch(value, true);
  return std::nullopt;
}

// A .NET runtime identifier for Linux: linux-x64, linux-musl-arm64, ...
std::optional<Platform> ridPlatform(std::string_view rid) {
  if (!text::startsWith(rid, "linux-")) return std::nullopt;
  rid.remove_prefix(6);
  if (text::startsWith(rid, "musl-")) rid.remove_prefix(5);
  if (rid == "x64") return parsePlatform("amd64");
  if (rid == "x86") return parsePlatform("386");
  if (rid == "arm64" || rid == "arm") return parsePlatform(std::string(rid));
  return std::nullopt;
}

// The platform a toolchain option names: --target x86_64-unknown-linux-gnu, -r linux-x64, ...
std::optional<Platform> optionPlatform(const std::string& option, const std::string& value) {
  if (option == "--target" || option == "--host") return tripleArch(value, false);
  if (option == "-r" || option == "--runtime") return ridPlatform(value);
  // `vcpkg install --triplet=x64-linux`, and CMake's `-DVCPKG_TARGET_TRIPLET=x64-linux`.
  if (option == "--triplet" || option == "-DVCPKG_TARGET_TRIPLET") return vcpkgTripletArch(value);
  if (option == "--arch" || option == "--target_arch" || option == "--target-arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    return parsePlatform(value);
  }
  return std::nullopt;
}

// Does a setting or option name the target (what settingPlatform / optionPlatform read)?
bool namesTarget(std::string_view key) {
  static const std::set<std::string_view> kKeys = {"GOARCH",
                                                   "npm_config_arch",
                                                   "npm_config_target_arch",
                                                   "CARGO_BUILD_TARGET",
                                                   "CC",
                                                   "CXX",
                                                   "CROSS_COMPILE",
                                                   "--target",
                                                   "--host",
                                                   "-r",
                                                   "--runtime",
                                                   "--arch",
                                                   "--target_arch",
                                                   "--target-arch",
                                                   "--triplet",
                                                   "-DVCPKG_TARGET_TRIPLET",
                                                   "VCPKG_DEFAULT_TRIPLET"};
  return kKeys.count(key) > 0;
}

// Fix advice in the toolchain's own terms.
std::string fixFor(const std::string& shown) {
  if (text::startsWith(shown, "GO")) {
    return "declare `ARG TARGETOS TARGETARCH` and build with GOOS=$TARGETOS GOARCH=$TARGETARCH (GOARM from "
           "$TARGETVARIANT for arm/v7), or use xx-go";
  }
  if (shown.find("riplet") != std::string::npos || shown.find("RIPLET") != std::string::npos) {
    return "map $TARGETARCH to a vcpkg triplet (amd64 -> x64-linux, arm64 -> arm64-linux) in a case on $TARGETARCH "
           "with a failing default, or leave --triplet out so vcpkg picks the host's";
  }
  if (text::startsWith(shown, "-r") || text::startsWith(shown, "--runtime")) {
    return "map $TARGETARCH to a runtime identifier (amd64 -> linux-x64, arm64 -> linux-arm64, arm -> linux-arm) in "
           "a case on $TARGETARCH with a failing default, and pass -r with it";
  }
  if (text::startsWith(shown, "--target") || text::startsWith(shown, "CARGO_BUILD_TARGET") || text::startsWith(shown, "rustup")) {
    return "map $TARGETARCH to a Rust triple (amd64 -> x86_64-unknown-linux-gnu, arm64 -> aarch64-unknown-linux-gnu) in a "
           "case with a failing default, add it with `rustup target add`, or use xx-cargo";
  }
  if (text::startsWith(shown, "CC") || text::startsWith(shown, "CXX") || text::startsWith(shown, "CROSS_COMPILE") ||
      text::startsWith(shown, "--host")) {
    return "pick the cross compiler from the target: $(xx-info triple)-gcc with the xx helpers, or a case on "
           "$TARGETARCH with a failing default";
  }
  if (shown.find("arch") != std::string::npos) {
    return "map $TARGETARCH to Node's names (amd64 -> x64, arm64 -> arm64) or leave the flag out so npm builds for the "
           "platform it runs on";
  }
  return "take the architecture from the target: declare `ARG TARGETARCH` and derive the setting from it, or use the xx "
         "helpers";
}

bool isOtherOs(std::string_view goos) { return !goos.empty() && goos != "linux" && goos.find('$') == std::string_view::npos; }

// Is a setting for another OS: a GOOS=darwin prefix on the command it belongs to, or, for a
// standalone assignment, the last standalone GOOS before it. Built once per script and asked
// in logarithmic time: walking the script at every setting was quadratic in a script's
// commands (21 s for a 1 MiB heredoc of `GOARCH=amd64 go build` lines, audit H10).
class OtherOsIndex {
 public:
  explicit OtherOsIndex(const shell::Script& script) {
    for (const auto& a : script.assignments) {
      if (a.name == "GOOS") goos_.push_back({a.value.begin, a.value.literal});
    }
    std::stable_sort(goos_.begin(), goos_.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    // The innermost command around each assignment, in one sweep over commands and assignments
    // in source order: commands nest, so the open ones form a stack whose top is innermost.
    std::vector<const shell::Command*> commands;
    for (const auto& c : script.commands) commands.push_back(&c);
    std::stable_sort(commands.begin(), commands.end(), [](const auto* x, const auto* y) { return x->begin < y->begin; });
    std::vector<std::pair<size_t, const shell::Assignment*>> assignments;
    for (const auto& a : script.assignments) assignments.push_back({a.value.begin, &a});
    std::stable_sort(assignments.begin(), assignments.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<const shell::Command*> open;
    size_t next = 0;
    for (const auto& [at, assignment] : assignments) {
      for (; next < commands.size() && commands[next]->begin <= at; ++next) {
        while (!open.empty() && open.back()->end <= commands[next]->begin) open.pop_back();
        open.push_back(commands[next]);
      }
      while (!open.empty() && open.back()->end <= at) open.pop_back();
      owners_[assignment] = open.empty() ? nullptr : open.back();
    }
  }

  bool forAssignment(const shell::Assignment& a) {
    const auto owner = owners_.find(&a);
    return forSetting(owner == owners_.end() ? nullptr : owner->second, a.value.begin);
  }

  // A word of `command` (its own words, not those of a command nested in them).
  bool forWordOf(const shell::Command& command, size_t begin) { return forSetting(&command, begin); }

 private:
  bool forSetting(const shell::Command* owner, size_t begin) {
    std::string_view goos;
    const auto after = [](size_t at, const auto& g) { return at < g.first; };
    if (owner && owner->end > 0) {
      // The last GOOS assigned inside the command, then a GOOS= word of the command itself.
      const auto last = std::upper_bound(goos_.begin(), goos_.end(), owner->end - 1, after);
      if (last != goos_.begin() && std::prev(last)->first >= owner->begin) goos = std::prev(last)->second;
      const auto [cached, added] = wordGoos_.try_emplace(owner);
      if (added) {
        for (const auto& w : owner->words) {
          if (text::startsWith(w.literal, "GOOS=")) cached->second = std::string_view(w.literal).substr(5);
        }
      }
      if (!cached->second.empty()) goos = cached->second;
    } else {
      const auto last =
          std::lower_bound(goos_.begin(), goos_.end(), begin, [](const auto& g, size_t at) { return g.first < at; });
      if (last != goos_.begin()) goos = std::prev(last)->second;
    }
    return isOtherOs(goos);
  }

  std::vector<std::pair<size_t, std::string_view>> goos_;  // where each GOOS value starts, and the value
  std::map<const shell::Assignment*, const shell::Command*> owners_;
  std::map<const shell::Command*, std::string_view> wordGoos_;
};

// `make dist/argo-linux-amd64 dist/argoexec-linux-amd64`: Makefile goals named for one Linux
// GOOS-GOARCH pair, the pattern rules of Go projects that cross-compile per goal. Goals of
// several architectures in one command are a release build of all of them, and a goal whose
// name is built from a variable is chosen per target: neither is judged.
// (argoproj/argo-workflows Dockerfile before its multi-arch fix: the images copied the
// linux-amd64 builds on every platform.)
std::optional<std::pair<Platform, const shell::Word*>> makeTargetPlatform(const shell::Command& command) {
  const std::string name = command.name();
  if (name != "make" && name != "gmake") return std::nullopt;
  std::optional<std::pair<Platform, const shell::Word*>> found;
  for (size_t i = 1; i < command.words.size(); ++i) {
    const shell::Word& word = command.words[i];
    const std::string& w = word.literal;
    if (w.empty() || w[0] == '-' || w.find('=') != std::string::npos) continue;
    if (word.archVarying || w.find('$') != std::string::npos) return std::nullopt;
    for (const char* separator : {"-linux-", "_linux_"}) {
      const size_t at = w.rfind(separator);
      if (at == std::string::npos) continue;
      const std::string goarch = w.substr(at + std::string_view(separator).size());
      static const std::set<std::string> kGoarch = {"amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64"};
      if (!kGoarch.count(goarch)) continue;
      const auto platform = parsePlatform(goarch);
      if (!platform) continue;
      if (found && found->first.architecture != platform->architecture) return std::nullopt;
      if (!found) found.emplace(*platform, &word);
    }
  }
  return found;
}

class TargetArchCheck {
 public:
  TargetArchCheck(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out)
      : ctx_(ctx), rule_(rule), out_(out), emulated_(dockerfile::emulatedArchitectures(ctx.file)) {
    // Once per stage, not per RUN (that was quadratic in a long stage).
    for (const auto& stage : ctx_.model.stages) anotherOs_.push_back(stageSetsAnotherOs(stage));
    gatherSettingArchitectures();
  }

  void run() {
    for (const auto& run : ctx_.model.scripts) {
      const auto& stage = ctx_.model.stages[run.stage];
      const auto& script = run.script;
      OtherOsIndex anotherOs(script);
      // Binaries for another OS (GOOS=darwin, windows, js) are release artifacts, not code the
      // image runs: their GOARCH is a choice of artifact, not of the image's platform.
      if (anotherOs_[run.stage]) continue;
      for (const auto& a : script.assignments) {
        const bool inArch =
            std::any_of(a.branches.begin(), a.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
        if (inArch || a.value.archVarying) continue;
        if (const auto p = settingPlatform(a.name, a.value.literal)) {
          if (!anotherOs.forAssignment(a) && !buildsSeveral(run.stage, a.name))
            report(stage, *p, a.name + "=" + a.value.literal, script.source.span(a.value.begin, a.value.end));
        } else if (const auto fixed = namesTarget(a.name) ? fixedValue(run, a.value.literal, a.value.begin) : std::nullopt) {
          if (const auto q = settingPlatform(a.name, fixed->value); q && !anotherOs.forAssignment(a)) {
            reportThrough(stage, *q, a.name + "=" + a.value.literal, *fixed, script.source.span(a.value.begin, a.value.end));
          }
        }
      }
      const auto installers = rustupInstallers(script);
      for (const auto& command : script.commands) {
        if (command.insideArchBranch()) continue;
        const auto& words = command.words;
        // `rustup target add x86_64-unknown-linux-musl`: one foreign target installed.
        // Several architectures' triples installed together are a cross setup that picks one
        // later (that choice is judged where it is made).
        if (const auto added = addedRustTargets(script, static_cast<size_t>(&command - script.commands.data()), installers);
            !added.empty()) {
          // Every `rustup target add` of the stage counts: one per line for each architecture
          // is the same cross setup (what the stage adds is gathered once per stage).
          bool chosenPerTarget = false;
          std::optional<std::pair<Platform, const shell::Word*>> own;  // reported at its first triple
          for (const shell::Word* word : added) {
            chosenPerTarget = chosenPerTarget || word->archVarying;
            if (own) continue;
            if (const auto p = addedTripleArchitectures(*word); !p.empty()) own.emplace(p.front(), word);
          }
          if (own && !chosenPerTarget && rustupOneArchitecture(run.stage) && buildsWithAddedTargets(run.stage)) {
            const auto& [platform, word] = *own;
            const std::string how = command.name() == "rustup" ? "rustup target add " : "rustup-init --target ";
            report(stage, platform, how + word->literal, script.source.span(word->begin, word->end));
          }
          continue;
        }
        if (const auto target = makeTargetPlatform(command)) {
          report(stage, target->first, "make " + target->second->literal,
                 script.source.span(target->second->begin, target->second->end));
        }
        // A configure script's `--target` names the platform a compiler being built will generate
        // code for (GNU autoconf, "Specifying target triplets": --build, --host, --target); the
        // programs it builds run on `--host`, which is judged as usual.
        const bool autoconf = baseName(command.name()) == "configure";
        for (size_t i = 0; i < words.size(); ++i) {
          if (words[i].archVarying) continue;
          const std::string& w = words[i].literal;
          if (autoconf && (w == "--target" || text::startsWith(w, "--target="))) {
            if (w == "--target") ++i;  // its value is the next word
            continue;
          }
          const size_t eq = w.find('=');
          std::optional<Platform> p;
          std::string shown = w;
          Span span = script.source.span(words[i].begin, words[i].end);
          auto platformOf = [&](const std::string& key, const std::string& value) {
            return key[0] == '-' ? optionPlatform(key, value) : settingPlatform(key, value);
          };
          std::string key, value;
          if (eq != std::string::npos) {
            key = w.substr(0, eq);
            value = w.substr(eq + 1);
            p = platformOf(key, value);
          } else if (i + 1 < words.size() && !words[i + 1].archVarying && w[0] == '-') {
            key = w;
            value = words[i + 1].literal;
            shown = w + " " + words[i + 1].literal;
            if ((p = optionPlatform(w, value))) span = script.source.span(words[i].begin, words[i + 1].end);
          }
          if (p) {
            if (!anotherOs.forWordOf(command, words[i].begin) && !buildsSeveral(run.stage, key)) report(stage, *p, shown, span);
          } else if (namesTarget(key) && value.find('$') != std::string::npos) {
            // `--target "$RUST_TARGET"` with `ARG RUST_TARGET=x86_64-unknown-linux-musl`.
            const auto fixed = fixedValue(run, value, words[i].begin);
            const auto q = fixed ? platformOf(key, fixed->value) : std::nullopt;
            if (q && !anotherOs.forWordOf(command, words[i].begin)) {
              const size_t last = eq != std::string::npos ? i : i + 1;
              reportThrough(stage, *q, shown, *fixed, script.source.span(words[i].begin, words[last].end));
            }
          }
        }
      }
      flush();
    }
    for (const auto& stage : ctx_.model.stages) {
      if (anotherOs_[stage.index]) continue;
      const auto archVars = dockerfile::archVariablesBefore(stage, ctx_.file.instructions.size());
      for (size_t index : stage.instructions) {
        const auto& in = ctx_.instruction(index);
        auto consider = [&](const std::string& name, const std::string& written, Span span) {
          // An ENV or ARG value is a word: BuildKit's ProcessWord drops its quotes, so
          // `ENV GOARCH="amd64"` sets amd64 just as the unquoted spelling does.
          const dockerfile::Expansion word = dockerfile::expandWord(written, {}, ctx_.file.escapeToken);
          const std::string& value = word.referenced.empty() && !word.bounded ? word.value : written;
          if (value.find('$') != std::string::npos) {
            if (!namesTarget(name)) return;
            // Built from variables: judged by the value it has for every target.
            const auto fixed = dockerfile::valueForEveryTarget(ctx_.file, ctx_.model, *ctx_.stages, stage.index, index, value);
            const auto p = fixed ? settingPlatform(name, fixed->value) : std::nullopt;
            if (p) reportThrough(stage, *p, name + "=" + value, *fixed, span);
            return;
          }
          if (const auto p = settingPlatform(name, value)) {
            const bool goSetting = name == "GOARCH" || name == "GOAMD64" || name == "GOARM" || name == "GO386";
            if (goSetting && !goSettingRead(stage.index, index)) return;
            if (!shadowedAtEveryCompile(stage.index, name)) report(stage, *p, name + "=" + value, span);
          }
        };
        if (in.command == "env") {
          for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
            consider(in.args[i].value, in.args[i + 1].value, in.args[i + 1].span);
            considerTripleEnv(stage, in.args[i].value, in.args[i + 1].value, in.args[i + 1].span);
          }
        } else if (in.command == "arg") {
          for (const auto& arg : in.args) {
            const size_t eq = arg.value.find('=');
            if (eq == std::string::npos) continue;
            // A default the project's own builds replace (`docker build --build-arg GOARCH=$(GOARCH)`
            // in its Makefile, the host's architecture) is not the value it builds with
            // (digitalocean/doctl, Part BD), as a use of it is not (valueForEveryTarget).
            if (ctx_.stages->argsPassedByBuilds.count(arg.value.substr(0, eq))) continue;
            consider(arg.value.substr(0, eq), arg.value.substr(eq + 1), arg.span);
          }
        } else if (in.command == "cmd" || in.command == "entrypoint") {
          considerContainerCommand(stage, in);
        }
        flush();
      }
    }
  }

 private:
  // The architectures each target setting (GOARCH, CARGO_BUILD_TARGET, CC, ...) is given with a
  // constant value in the RUNs of each stage, outside architecture branches. A stage that builds
  // for several architectures with one setting (`GOARCH=arm go build -o /app-arm` then
  // `GOARCH=amd64 go build -o /app-x86_64`, ContainerSolutions/ImageWolf's build-multi) is a
  // release build of all of them whose outputs a script takes out, as several architectures'
  // `make` goals in one command are: no one of them is the image's mistaken target.
  void gatherSettingArchitectures() {
    settingArchitectures_.resize(ctx_.model.stages.size());
    for (const auto& run : ctx_.model.scripts) {
      auto& byName = settingArchitectures_[run.stage];
      auto note = [&](const std::string& name, const std::string& value) {
        if (const auto p = settingPlatform(name, value)) byName[name].insert(p->architecture);
      };
      for (const auto& a : run.script.assignments) {
        const bool inArch =
            std::any_of(a.branches.begin(), a.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
        if (!inArch && !a.value.archVarying) note(a.name, a.value.literal);
      }
      // Options too: `cargo zigbuild --target x86_64-unknown-linux-musl --target
      // aarch64-unknown-linux-musl --target riscv64gc-unknown-linux-musl` builds every target a
      // later stage picks from by $TARGETARCH (calum4/docker-prometheus-exporter, Part ZZZZZZS).
      auto noteOption = [&](const std::string& name, const std::string& value) {
        if (const auto p = optionPlatform(name, value)) byName[name].insert(p->architecture);
      };
      for (const auto& command : run.script.commands) {
        if (command.insideArchBranch()) continue;
        const auto& words = command.words;
        for (size_t i = 0; i < words.size(); ++i) {
          const auto& word = words[i];
          if (word.archVarying) continue;
          const size_t eq = word.literal.find('=');
          if (!word.literal.empty() && word.literal[0] == '-') {
            if (eq != std::string::npos) {
              noteOption(word.literal.substr(0, eq), word.literal.substr(eq + 1));
            } else if (namesTarget(word.literal) && i + 1 < words.size() && !words[i + 1].archVarying) {
              noteOption(word.literal, words[i + 1].literal);
            }
            continue;
          }
          if (eq == std::string::npos || eq == 0) continue;
          note(word.literal.substr(0, eq), word.literal.substr(eq + 1));
        }
      }
    }
  }

  bool buildsSeveral(size_t stage, const std::string& name) const {
    const auto& byName = settingArchitectures_[stage];
    const auto it = byName.find(name);
    return it != byName.end() && it->second.size() > 1;
  }

  // Do all the triples the stage's `rustup target add` commands add name one architecture?
  bool rustupOneArchitecture(size_t stage) {
    if (rustupOneArch_.empty()) {
      std::vector<std::optional<Platform>> first(ctx_.model.stages.size());
      rustupOneArch_.assign(ctx_.model.stages.size(), true);
      for (const auto& run : ctx_.model.scripts) {
        const auto installers = rustupInstallers(run.script);
        for (size_t c = 0; c < run.script.commands.size(); ++c) {
          for (const shell::Word* word : addedRustTargets(run.script, c, installers)) {
            for (const auto& p : addedTripleArchitectures(*word)) {
              if (!first[run.stage]) first[run.stage] = p;
              if (p.architecture != first[run.stage]->architecture) rustupOneArch_[run.stage] = false;
            }
          }
        }
      }
    }
    return rustupOneArch_[stage];
  }

  // `rustup target add` only installs a target's standard library beside the host's: cargo
  // still builds for the host unless told otherwise. The added target matters only where
  // something is built with it: a compile (cargo build, make, ...) or a script after the first
  // `rustup target add` of the stage, or anywhere in a stage built FROM it. A development
  // image that only installs toolchains builds nothing, and a compile before the target is
  // added (`cargo install cargo-chef`, then `rustup target add x86_64-unknown-linux-musl`)
  // builds for the host.
  bool buildsWithAddedTargets(size_t stage) {
    if (buildsAfterRustup_.empty()) {
      const size_t n = ctx_.model.stages.size();
      buildsAfterRustup_.assign(n, false);
      // Where each stage first adds a target: (instruction, position in its script).
      std::vector<std::optional<std::pair<size_t, size_t>>> firstAdd(n);
      for (const auto& run : ctx_.model.scripts) {
        if (run.stage >= n) continue;
        const auto installers = rustupInstallers(run.script);
        for (size_t c = 0; c < run.script.commands.size(); ++c) {
          if (addedRustTargets(run.script, c, installers).empty()) continue;
          if (!firstAdd[run.stage]) firstAdd[run.stage] = std::pair{run.instruction, run.script.commands[c].begin};
        }
      }
      // [stage]: it and every stage it is built FROM are marked (a walk up stops there).
      std::vector<bool> chainMarked(n, false);
      for (const auto& run : ctx_.model.scripts) {
        if (run.stage >= n) continue;
        for (const auto& c : run.script.commands) {
          const std::string& program = c.words.empty() ? std::string() : c.words[0].literal;
          // Only what may run cargo uses an added Rust target: cargo and its wrappers, make, or a
          // script; a C/C++ or Go compile does not (mullvad/mullvadvpn-app builds protobuf with
          // cmake after installing its Rust targets, Part ZZZN).
          static const std::set<std::string> kRustBuilders = {"cargo", "cross", "maturin", "wasm-pack", "make", "just"};
          const bool builds =
              kRustBuilders.count(c.name()) > 0 || program.starts_with("./") || program.ends_with(".sh") ||
              ((c.name() == "sh" || c.name() == "bash") && c.words.size() > 1 && c.words[1].literal.ends_with(".sh"));
          // A cargo command that names its target (`cargo build --target x86_64-unknown-linux-gnu`)
          // is judged on its own, where the build for that target is made: the `rustup target add`
          // that installed it is the same root cause, not a second one (DobbiKov/
          // oxford_dictionary_bot, Part ZZQ), and a triple it names that was not added is another
          // build altogether. Only a cargo that takes the added target from elsewhere (no
          // --target: .cargo/config.toml, CARGO_BUILD_TARGET) makes the add the place to report.
          bool namesATarget = false;
          if (c.name() == "cargo") {
            for (size_t i = 1; i < c.words.size(); ++i) {
              const std::string& w = c.words[i].literal;
              namesATarget = namesATarget || (w == "--target" && i + 1 < c.words.size()) || w.starts_with("--target=");
            }
          }
          // `cargo install` reads no project configuration (cargo loads only
          // $CARGO_HOME/config.toml for it, rust-lang/cargo#6026): a
          // `build.target` in the project's .cargo/config.toml does not reach it, so without
          // its own --target it builds a host tool (`cargo install cargo-zigbuild`), whatever
          // targets were added (edezhic/prest's release builder).
          const bool installsHostTool =
              c.name() == "cargo" && c.words.size() > 1 && c.words[1].literal == "install" && !namesATarget;
          if (!builds || namesATarget || installsHostTool) continue;
          // A cargo build whose output the file takes from cargo's host directory
          // (`cp target/release/relayer /release`) built for the host: with a target from
          // .cargo/config.toml it would have written target/<triple>/release (hyperlane-xyz's
          // rust/Dockerfile adds the musl target and never uses it, Part ZZZZZE).
          if (c.name() == "cargo" && takesHostOutputOnly()) continue;
          if (firstAdd[run.stage] && std::pair{run.instruction, c.begin} > *firstAdd[run.stage]) {
            buildsAfterRustup_[run.stage] = true;
          }
          // Every stage it is built FROM is done before this one starts: it gets what this builds.
          for (std::optional<size_t> s = ctx_.model.stages[run.stage].parentStage; s && !chainMarked[*s];
               s = ctx_.model.stages[*s].parentStage) {
            buildsAfterRustup_[*s] = true;
            chainMarked[*s] = true;
          }
        }
      }
    }
    return buildsAfterRustup_[stage];
  }

  // Does the file take cargo's output only from its host directories (`target/release/`,
  // `target/debug/`), never from a target's (`target/x86_64-unknown-linux-musl/release/`)?
  bool takesHostOutputOnly() {
    if (!hostOutputOnly_) {
      bool host = false, targeted = false;
      for (const auto& in : ctx_.file.instructions) {
        const std::string_view text = in.line.text;
        for (size_t at = text.find("target/"); at != std::string_view::npos; at = text.find("target/", at + 1)) {
          // `target/` as a path component: at the start of a word or after a '/'.
          if (at > 0 && text[at - 1] != '/' && text[at - 1] != ' ' && text[at - 1] != '"' && text[at - 1] != '=') continue;
          std::string_view rest = text.substr(at + 7);
          const std::string_view component = rest.substr(0, rest.find_first_of("/ \"'"));
          rest.remove_prefix(component.size());
          if (component == "release" || component == "debug") {
            host = true;
          } else if (component.find('-') != std::string_view::npos &&
                     (rest.starts_with("/release") || rest.starts_with("/debug"))) {
            targeted = true;  // target/<triple>/release
          }
        }
      }
      hostOutputOnly_ = host && !targeted;
    }
    return *hostOutputOnly_;
  }

  // Can anything read a Go setting that an ENV or ARG of the stage makes at instruction
  // `setAt`: a later RUN of the stage or any RUN of a stage built FROM it that runs a program
  // (a script may run go), a Go base image (`golang:*`, whose users run go), or a
  // CMD/ENTRYPOINT that runs go? `ENV GOARCH=amd64` in an ubuntu stage that only copies a
  // binary built elsewhere and runs it (tangxiaofeng7/zsxq_notice) tells no compiler anything,
  // nor does one followed only by `export X=1 && echo done` (bridgecrewio/checkov's test
  // fixture): an ENV reaches the RUNs after it, and shell builtins start no program.
  bool goSettingRead(size_t stage, size_t setAt) {
    if (goRead_.empty()) {
      const size_t n = ctx_.model.stages.size();
      goRead_.assign(n, false);
      for (const auto& run : ctx_.model.scripts) {
        if (runsAProgram(run.script)) runsAProgram_.insert(run.instruction);
      }
      // A RUN the shell parser was not given may run anything.
      for (const auto& skipped : ctx_.model.scriptsNotParsed) runsAProgram_.insert(skipped.instruction);
      // Later stages first: a stage built FROM this one comes after it.
      for (size_t s = n; s-- > 0;) {
        const auto& st = ctx_.model.stages[s];
        if (stageReadsGoSettings(st, 0)) goRead_[s] = true;
        if (goRead_[s] && st.parentStage) goRead_[*st.parentStage] = true;
      }
    }
    if (stage >= goRead_.size() || !goRead_[stage]) return false;
    const auto& st = ctx_.model.stages[stage];
    if (stageReadsGoSettings(st, setAt + 1)) return true;
    for (const auto& child : ctx_.model.stages) {
      if (child.parentStage == stage && goRead_[child.index]) return true;
    }
    return false;
  }

  // Does anything of the stage from instruction `from` on read the Go settings (see goSettingRead)?
  bool stageReadsGoSettings(const dockerfile::Stage& st, size_t from) const {
    if (text::lower(st.baseExpanded).find("golang") != std::string::npos) return true;
    for (size_t index : st.instructions) {
      if (index < from) continue;
      const auto& in = ctx_.instruction(index);
      // An exec-form RUN (`RUN ["go", "build"]`) is not a shell script: it starts a program.
      if (in.command == "run" && (in.json || runsAProgram_.count(index))) return true;
      if ((in.command == "cmd" || in.command == "entrypoint") && !in.args.empty()) {
        const std::string& first = in.args.front().value;
        if (baseName(std::string_view(first).substr(0, first.find(' '))) == "go") return true;
      }
    }
    return false;
  }

  // Does a script start any program, or only run shell builtins (`export`, `echo`, `cd`)?
  static bool runsAProgram(const shell::Script& script) {
    static const std::set<std::string_view> kBuiltins = {"export", "echo",  "printf", "cd", "true", "false",    ":",
                                                         "set",    "unset", "test",   "[",  "exit", "readonly", "shift"};
    return std::any_of(script.commands.begin(), script.commands.end(),
                       [](const shell::Command& c) { return !kBuiltins.count(c.name()); });
  }

  bool stageSetsAnotherOs(const dockerfile::Stage& stage) const {
    for (size_t index : stage.instructions) {
      const auto& in = ctx_.instruction(index);
      if (in.command != "env") continue;
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        // Quotes dropped as BuildKit does (`ENV GOOS="linux"` is linux); a value built from
        // variables expands to nothing here and names no other OS.
        if (in.args[i].value != "GOOS") continue;
        if (isOtherOs(dockerfile::expandWord(in.args[i + 1].value, {}, ctx_.file.escapeToken).value)) return true;
      }
    }
    return false;
  }

  // The value of a RUN word built from variables when it is one for every target. `at` is
  // where the word starts: `GOARCH=${GOARCH:-amd64}` reads the environment's GOARCH, not
  // itself, so only the script's assignments before it shadow the environment.
  std::optional<dockerfile::FixedValue> fixedValue(const dockerfile::RunScript& run, const std::string& written,
                                                   size_t at) const {
    if (written.find("$(") != std::string::npos || written.find('`') != std::string::npos) return std::nullopt;
    const auto uses = dockerfile::expandWord(written, {}, ctx_.file.escapeToken).referenced;
    for (const auto& name : uses) {
      if (run.script.assignedBefore(name, at).last) return std::nullopt;
    }
    return dockerfile::valueForEveryTarget(ctx_.file, ctx_.model, *ctx_.stages, run.stage, run.instruction, written);
  }

  // `ENV PBS_TARGET=x86_64-unknown-linux-gnu` whose RUNs (here or in a stage built FROM this
  // one) read $PBS_TARGET: whatever reads it (a fetch script, a path, a config file) is told
  // one target triple on every platform. An ENV, unlike an ARG, no --build-arg replaces; a
  // stage that also sets another variable to another architecture's triple keeps a choice,
  // and is left alone, as is a name settingPlatform already reads (CARGO_BUILD_TARGET, CC).
  // (influxdata/influxdb Dockerfile before 7192aae: the python-build-standalone download and
  // PYO3 config of x86-64 in every image.)
  void considerTripleEnv(const dockerfile::Stage& stage, const std::string& name, const std::string& written, Span span) {
    if (namesTarget(name) || reportedThrough_.count(name)) return;
    const std::string value = dockerfile::expandWord(written, {}, ctx_.file.escapeToken).value;
    const auto platform = tripleArch(value, false);
    if (!platform || setsAnotherTriple(stage, *platform)) return;
    const Reads reads = readByRuns(stage.index, name);
    if (!reads.any || reads.selectsCrossTarget) return;
    report(stage, *platform, name + "=" + value, span);
  }

  // `ARG GOARCH=amd64` where every RUN that compiles (here or in a stage built FROM this one)
  // first sets GOARCH itself (`GOARCH=$(cat /goarch) && ... go build`, `make GOARCH=$(cat
  // /goarch)`): the default reaches no compiler. A stage with no compile at all keeps its
  // verdict (a script may read it).
  // (GoogleContainerTools/kaniko deploy/Dockerfile after 6cffb67: the default is only the
  // fallback of a /goarch file written from $TARGETPLATFORM.)
  bool shadowedAtEveryCompile(size_t stage, const std::string& name) const {
    bool compiles = false;
    for (const auto& run : ctx_.model.scripts) {
      if (!isStageOrBuiltOn(ctx_.model, run.stage, stage)) continue;
      for (const auto& command : run.script.commands) {
        if (!isNativeCompile(command)) continue;
        compiles = true;
        const bool assigned =
            std::any_of(run.script.assignments.begin(), run.script.assignments.end(),
                        [&](const shell::Assignment& a) { return a.name == name && a.value.end <= command.begin; });
        // A command-line setting of its own (`make GOARCH=$(cat /goarch)`), not built from the ARG.
        const bool overridden = std::any_of(command.words.begin(), command.words.end(), [&](const shell::Word& w) {
          return text::startsWith(w.literal, name + "=") && w.literal.find("$" + name) == std::string::npos &&
                 w.literal.find("${" + name) == std::string::npos;
        });
        if (!assigned && !overridden) return false;
      }
    }
    return compiles;
  }

  // How the RUNs of `stage`, and of the stages built FROM it, read $name. A read as the target
  // of a cross build (`make HOST=${TARGET}`, `--target "$T"`, `--toolchain .../${TARGET}/...`)
  // makes the whole build one deliberate cross-compile for that triple: a file for that one
  // target (monero's depends build of x86_64-pc-linux-musl), whose `--target` uses are judged
  // where they are made.
  struct Reads {
    bool any = false;
    bool selectsCrossTarget = false;
  };
  Reads readByRuns(size_t stage, const std::string& name) const {
    static const std::set<std::string_view> kCrossOptions = {"--target", "--host", "--toolchain", "--build"};
    static const std::set<std::string_view> kCrossSettings = {"HOST", "CROSS_COMPILE",      "CC",
                                                              "CXX",  "CARGO_BUILD_TARGET", "TARGET"};
    Reads reads;
    for (const auto& run : ctx_.model.scripts) {
      if (!isStageOrBuiltOn(ctx_.model, run.stage, stage)) continue;
      for (const auto& use : run.script.variableUses) {
        if (use.name != name) continue;
        reads.any = true;
        for (const auto& command : run.script.commands) {
          for (size_t i = 0; i < command.words.size(); ++i) {
            const auto& word = command.words[i];
            if (use.begin < word.begin || use.end > word.end) continue;
            const std::string& w = word.literal;
            const std::string key = w.substr(0, w.find('='));
            const bool option = kCrossOptions.count(key) > 0 || (i > 0 && kCrossOptions.count(command.words[i - 1].literal) > 0);
            if (option || (w.find('=') != std::string::npos && kCrossSettings.count(key) > 0)) reads.selectsCrossTarget = true;
          }
        }
      }
    }
    return reads;
  }

  // Does the stage set some ENV or ARG to a triple of another architecture than `platform`?
  bool setsAnotherTriple(const dockerfile::Stage& stage, const Platform& platform) const {
    for (size_t index : stage.instructions) {
      const auto& in = ctx_.instruction(index);
      std::vector<std::string> values;
      if (in.command == "env") {
        for (size_t i = 0; i + 1 < in.args.size(); i += 3) values.push_back(in.args[i + 1].value);
      } else if (in.command == "arg") {
        for (const auto& arg : in.args) {
          if (const size_t eq = arg.value.find('='); eq != std::string::npos) values.push_back(arg.value.substr(eq + 1));
        }
      }
      for (const auto& v : values) {
        const auto other = tripleArch(dockerfile::expandWord(v, {}, ctx_.file.escapeToken).value, false);
        if (other && other->architecture != platform.architecture) return true;
      }
    }
    return false;
  }

  // A setting whose architecture arrived through a variable: reported at the use, pointing at
  // where the variable got its value.
  void reportThrough(const dockerfile::Stage& stage, const Platform& platform, const std::string& shown,
                     const dockerfile::FixedValue& fixed, Span span) {
    if (notTheImagesCode(stage, platform)) return;
    const auto broken = ctx_.brokenBy(stage.index, platform);
    if (broken.empty() || !reported_.insert(span.begin).second) return;
    std::vector<FindingSink::RelatedSpan> related;
    std::string from;
    for (const auto& [name, source] : fixed.variables) {
      reportedThrough_.insert(name);
      const auto& definition = ctx_.instruction(source.instruction);
      related.push_back({definition.span, name + " is set here"});
      const std::string value = source.value.empty() ? " has no default" : " is '" + source.value + "'";
      from += (from.empty() ? "" : ", ") + ("$" + name + value + " (" + text::upper(definition.command) + " on line " +
                                            std::to_string(definition.startLine) + ")");
    }
    out_.report(rule_, span,
                "'" + shown + "' is '" + fixed.value + "' for every target (" + from + "): it builds for " + platform.str() +
                    " on every platform, and the " + platformList(broken) + " image gets " + platform.architecture + " code",
                fixFor(shown), std::move(related), broken);
  }

  // Collected per instruction and reported by flush(): `GOARCH=amd64 CC=x86_64-linux-gnu-gcc
  // go build` is one choice of target, so one finding.
  // `ENTRYPOINT ["cargo", "build", "--target=x86_64-unknown-linux-musl"]`: the image is a build
  // environment whose command compiles for one fixed target. In the image of another platform
  // that is a cross build it is not set up for (the rust images install only their own
  // platform's standard library; the linker is the host's), so the command fails there.
  // (DeveloperC286's ci/compile.Dockerfile, bench/precision misses.)
  void considerContainerCommand(const dockerfile::Stage& stage, const dockerfile::Instruction& in) {
    std::vector<std::pair<std::string, Span>> words;
    for (const auto& arg : in.args) {
      for (const auto& word : text::split(arg.value, ' ')) {
        if (!word.empty()) words.emplace_back(word, arg.span);
      }
    }
    if (words.size() < 2 || baseName(words[0].first) != "cargo") return;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& w = words[i].first;
      std::optional<Platform> platform;
      std::string shown = w;
      if (text::startsWith(w, "--target=")) {
        platform = tripleArch(w.substr(9), false);
      } else if (w == "--target" && i + 1 < words.size()) {
        platform = tripleArch(words[i + 1].first, false);
        shown = w + " " + words[i + 1].first;
      }
      if (!platform || stageNamedFor(stage, *platform)) continue;
      const auto broken = ctx_.brokenBy(stage.index, *platform);
      if (broken.empty() || !reported_.insert(words[i].second.begin).second) return;
      out_.report(rule_, words[i].second,
                  text::upper(in.command) + " runs cargo with '" + shown + "': the container builds for " + platform->str() +
                      " on every platform, and in the " + platformList(broken) +
                      " image that is a cross build it is not set up for (another platform's standard library and "
                      "linker)",
                  "build for the container's own platform (drop --target, or pick it at run time from `rustc -vV`'s "
                  "host line), or declare the image " +
                      platform->str() + " only",
                  std::nullopt, broken);
      return;
    }
  }

  // Code built for an architecture the file brings an emulator for (Spike and qemu-riscv64 beside
  // `configure --host=riscv64-linux-gnu` of the RISC-V proxy kernel, cksystemsteaching/selfie) is
  // meant to run under it. QEMU for every architecture (qemu-user-static) names none in particular.
  bool forItsEmulator(const Platform& platform) const { return emulated_.count(platform.architecture) > 0; }

  // Code the stage builds for `platform` that is not meant to run as the image: a stage named
  // for that architecture, code for the emulator the file brings, or a build for an
  // architecture no image is made for (GOARCH=mips, wasm): a program for a device or an
  // emulator's guest, carried by the image as data (ethereum-optimism's op-program built
  // GOARCH=mips for the Cannon fault-proof VM).
  bool notTheImagesCode(const dockerfile::Stage& stage, const Platform& platform) const {
    return stageNamedFor(stage, platform) || forItsEmulator(platform) || !isImageArchitecture(platform.architecture);
  }

  void report(const dockerfile::Stage& stage, const Platform& platform, const std::string& shown, Span span) {
    if (notTheImagesCode(stage, platform)) return;
    auto broken = ctx_.brokenBy(stage.index, platform);
    if (broken.empty() || !reported_.insert(span.begin).second) return;
    pending_.push_back({platform, shown, span, std::move(broken)});
  }

  void flush() {
    if (pending_.empty()) return;
    std::stable_sort(pending_.begin(), pending_.end(), [](const Hit& a, const Hit& b) { return a.span.begin < b.span.begin; });
    const Hit& first = pending_.front();
    std::vector<std::string> others;
    for (size_t i = 1; i < pending_.size(); ++i) {
      const std::string quoted = "'" + pending_[i].shown + "'";
      if (std::find(others.begin(), others.end(), quoted) == others.end()) others.push_back(quoted);
    }
    const std::string also = others.empty() ? "" : " (with " + text::join(others, ", ") + " in the same instruction)";
    out_.report(rule_, first.span,
                "'" + first.shown + "'" + also + " builds for " + first.platform.str() + " on every platform: the " +
                    platformList(first.broken) + " image gets " + first.platform.architecture + " code",
                fixFor(first.shown), std::nullopt, first.broken);
    pending_.clear();
  }

  struct Hit {
    Platform platform;
    std::string shown;
    Span span;
    std::vector<Platform> broken;
  };
  std::vector<Hit> pending_;
  std::optional<bool> hostOutputOnly_;  // takesHostOutputOnly, computed once

  const DockerfileContext& ctx_;
  const RuleInfo& rule_;
  FindingSink& out_;
  std::set<std::string> emulated_;  // architectures the file brings an emulator for
  std::set<uint32_t> reported_;
  std::set<std::string> reportedThrough_;  // variables a use was already reported through
  std::vector<bool> anotherOs_;            // by stage
  std::vector<std::map<std::string, std::set<std::string>>> settingArchitectures_;  // by stage, then setting
  std::vector<bool> rustupOneArch_;                                                 // by stage, filled on first use
  std::vector<bool> goRead_;                                                        // by stage, filled on first use
  std::set<size_t> runsAProgram_;        // RUN instructions that start a program (filled with goRead_)
  std::vector<bool> buildsAfterRustup_;  // by stage, filled on first use
};

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) { TargetArchCheck(ctx, rule, out).run(); }

}  // namespace

extern const DockerfileRule kMA130 = {
    {.id = "MA130",
     .slug = "hardcoded-target-arch",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A compiler or package manager is told to build for one architecture",
     .what =
         "`GOARCH=amd64`, `GOAMD64=v3`, `cargo build --target x86_64-unknown-linux-gnu`, `dotnet publish -r "
         "linux-x64`, `npm --arch=x64` / `npm_config_arch`, `--target_arch=x64`, `CC=x86_64-linux-gnu-gcc`, "
         "`./configure --host=x86_64-linux-gnu`, `vcpkg install --triplet=x64-linux` (or `VCPKG_DEFAULT_TRIPLET`, "
         "`-DVCPKG_TARGET_TRIPLET`), also quoted (`ENV GOARCH=\"amd64\"`: BuildKit drops the quotes), outside an architecture switch, and not in a stage named for that "
         "architecture. A setting built from variables (`GOARCH=$ARCH`, `--target \"$RUST_TARGET\"`, "
         "`ENV GOARCH=${ARCH}`) is judged by the value BuildKit gives it for every target (ARG and ENV defaults, "
         "also from the stage it is based on), and the finding points at where the variable is set; a value that "
         "differs per target (from TARGETARCH, or a per-target base stage) is chosen, not fixed, and an ARG whose "
         "default the project's own builds replace (`--build-arg GOARCH=$(GOARCH)` in its Makefile, workflows, "
         "bake or compose files; Rancher's dapper, which passes `DAPPER_HOST_ARCH`, the host's GOARCH, to "
         "`Dockerfile.dapper`: rancher/dapper file/file.go) is not the value it builds with, nor is a value "
         "derived from one through ARG and ENV defaults (`ARG ARCH=${DAPPER_HOST_ARCH}`). `rustup target "
         "add` of one architecture's triple (or the installer's `--target`: `curl https://sh.rustup.rs | sh -s -- "
         "--target aarch64-unknown-linux-gnu`, rustup-init's additional targets) counts only where something that "
         "may run cargo is built after it (cargo, cross, maturin, make, just or a script, in the stage or one built "
         "FROM it; not a C, C++ or Go compile, which uses no Rust target; not a cargo build whose output the file takes only from "
         "cargo's host directory, `target/release/`, where a target from .cargo/config.toml would have written "
         "`target/<triple>/release/`; not a cargo command naming a `--target`, which is judged "
         "itself, the add being the same root cause when it names the added triple, nor a `cargo install` without one, which reads no project configuration and builds a host tool): by itself it "
         "installs a standard library, and cargo still builds for the host. A Go setting (`ENV GOARCH=amd64`, an ARG "
         "default) counts only where something can read it: a later RUN of the stage, or a RUN of one built FROM it, that "
         "starts a program (not only shell builtins like `export` and `echo`), a `golang` base, or a CMD/ENTRYPOINT "
         "that runs go; in an image that runs no RUN and only starts a binary built elsewhere it "
         "tells no compiler anything. An ENV whose whole value is one target triple (`ENV "
         "PBS_TARGET=x86_64-unknown-linux-gnu`) and that the stage's RUNs read counts too (whatever reads it is told "
         "one target), unless the stage also sets another architecture's triple. So does `make` of goals named for "
         "one Linux GOOS-GOARCH pair (`make dist/argo-linux-amd64`), when the command names no other architecture. "
         "A stage whose RUNs give one setting constant values of several architectures (`GOARCH=arm go build -o "
         "/app-arm` and `GOARCH=amd64 go build -o /app-x86_64`), or one option several (`cargo zigbuild --target "
         "x86_64-unknown-linux-musl --target aarch64-unknown-linux-musl`), builds every one of them, a release build whose "
         "outputs a script takes out, and is not judged. "
         "A configure script's `--target` is not read: GNU autoconf's --build, --host and --target name where the "
         "build runs, where its programs run and, for a compiler or binutils being built, which platform that "
         "compiler generates code for; the programs built run on `--host`, which is judged. A CMD or ENTRYPOINT that "
         "runs cargo with one `--target` (`ENTRYPOINT [\"cargo\", \"build\", \"--target=x86_64-unknown-linux-musl\"]`, a CI "
         "build image) makes every platform's container build for that target: in the others' images a cross build "
         "they are not set up for. Code built for an architecture the file brings an emulator for (`qemu-riscv64`, "
         "`qemu-system-riscv64`, `qemu-system-arm` for 32-bit ARM, Spike for riscv64, box64 or FEX for amd64) is meant to run under it (a RISC-V "
         "teaching image's proxy kernel, `--host=riscv64-linux-gnu`) and is not judged; QEMU for every architecture "
         "(`qemu-user-static` alone) names none in particular. Nor is code for an architecture no container image is "
         "made for (32-bit MIPS, big-endian ppc64 or mips64, wasm: `GOARCH=mips` for a router or a fault-proof VM's "
         "guest program), which the image carries as data for another machine.",
     .why = "Every platform's image gets the one architecture's binaries: the arm64 image holds an x86-64 program "
            "that fails with `exec format error`.",
     .example = "FROM golang:1.22\n"
                "RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /app .\n"
                "# MA130",
     .fix = "Use the target's architecture: `ARG TARGETARCH` and `GOARCH=$TARGETARCH`, a mapping from $TARGETARCH to "
            "the Rust triple or .NET RID, or the tonistiigi/xx helpers.",
     .bad =
         {"FROM golang:1.22\nRUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /app .\n",
          "FROM rust:1.79\nRUN cargo build --release --target x86_64-unknown-linux-musl\n",
          "FROM rust:1.88-alpine\nWORKDIR /workspace\nENTRYPOINT [\"cargo\", \"build\", \"--target=x86_64-unknown-linux-musl\"]\n",
          "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet publish -c Release -r linux-x64 -o /out\n",
          "FROM node:20\nRUN npm ci --arch=x64\n", "FROM golang:1.22\nENV GOARCH=amd64\n",
          "FROM golang:1.22\nENV GOARCH=\"amd64\"\n", "FROM debian\nRUN make CC=x86_64-linux-gnu-gcc\n",
          "FROM alpine\nRUN vcpkg install --triplet=x64-linux\n",
          "FROM golang:1.22\nARG ARCH=amd64\nRUN CGO_ENABLED=0 GOARCH=${ARCH} go build -o /app .\n",
          "FROM rust:1.79\nENV RUST_TARGET=x86_64-unknown-linux-musl\nRUN cargo build --release --target \"$RUST_TARGET\"\n",
          "FROM golang:1.22\nARG GOARCH\nRUN CGO_ENABLED=0 GOARCH=${GOARCH:-amd64} go build -o /app .\n",
          "FROM rust:1.84\nENV PBS_TARGET=x86_64-unknown-linux-gnu\nRUN ./scripts/fetch-python.sh \"$PBS_TARGET\"\n",
          "FROM golang:1.22 AS build\nCOPY . .\nRUN make dist/app-linux-amd64\nFROM debian\n"
          "COPY --from=build /go/dist/app-linux-amd64 /usr/local/bin/app\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n",
              "FROM golang:1.22 AS build-amd64\nRUN GOARCH=amd64 go build -o /app .\n",
              "FROM --platform=$BUILDPLATFORM golang:1.22\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\n"
              "RUN CGO_ENABLED=0 GOARCH=${ARCH} go build -o /app .\n",
              "FROM golang:1.22\nARG ARCH\nRUN GOARCH=${ARCH} go build -o /app .\n",
              "FROM golang:1.22\nRUN GOARCH=${GOARCH:-amd64} go build -o /app .\n",
              "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY . .\n"
              "RUN make dist/app-linux-amd64 dist/app-linux-arm64\nFROM debian\nARG TARGETARCH\n"
              "COPY --from=build /go/dist/app-linux-${TARGETARCH} /usr/local/bin/app\n",
              "FROM rust:1.84\nENV X86_TARGET=x86_64-unknown-linux-gnu ARM_TARGET=aarch64-unknown-linux-gnu\n"
              "RUN ./scripts/fetch-python.sh \"$X86_TARGET\" \"$ARM_TARGET\"\n",
              "FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM rust:1.79\n"
              "COPY --from=xx / /\nARG TARGETPLATFORM\nRUN xx-cargo build --release --target-dir /out\n",
              "FROM debian\nRUN ./configure --target=aarch64-linux-gnu --prefix=/opt/cross && make install\n"}},
    check};

}  // namespace mal::rules
