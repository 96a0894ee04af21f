// MA130: a toolchain told to build for one architecture: GOARCH=amd64, cargo --target
// x86_64-..., dotnet -r linux-x64, npm --arch=x64, CC=x86_64-linux-gnu-gcc.
#include <algorithm>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

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
  if (!std::all_of(arch.begin(), arch.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; })) {
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

// The platform a target setting names: GOARCH=amd64, CC=x86_64-linux-gnu-gcc, ...
std::optional<Platform> settingPlatform(const std::string& name, const std::string& value) {
  if (name == "GOARCH" || name == "npm_config_arch" || name == "npm_config_target_arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    return parsePlatform(value);
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
  if (option == "--arch" || option == "--target_arch" || option == "--target-arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    return parsePlatform(value);
  }
  return std::nullopt;
}

// Fix advice in the toolchain's own terms.
std::string fixFor(const std::string& shown) {
  if (text::startsWith(shown, "GO")) {
    return "declare `ARG TARGETOS TARGETARCH` and build with GOOS=$TARGETOS GOARCH=$TARGETARCH (GOARM from "
           "$TARGETVARIANT for arm/v7), or use xx-go";
  }
  if (text::startsWith(shown, "-r") || text::startsWith(shown, "--runtime")) {
    return "map $TARGETARCH to a runtime identifier (amd64 -> linux-x64, arm64 -> linux-arm64, arm -> linux-arm) in "
           "a case on $TARGETARCH with a failing default, and pass -r with it";
  }
  if (text::startsWith(shown, "--target") || text::startsWith(shown, "CARGO_BUILD_TARGET") ||
      text::startsWith(shown, "rustup")) {
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

// Is the setting at [begin, end) for another OS: a GOOS=darwin prefix on the same command, or,
// for a standalone assignment, the last standalone GOOS before it.
bool forAnotherOs(const shell::Script& script, size_t begin) {
  const shell::Command* owner = nullptr;
  for (const auto& command : script.commands) {
    if (command.begin <= begin && begin < command.end && (!owner || command.begin >= owner->begin)) owner = &command;
  }
  std::string_view goos;
  for (const auto& a : script.assignments) {
    if (a.name != "GOOS") continue;
    const bool sameCommand = owner && owner->begin <= a.value.begin && a.value.begin < owner->end;
    const bool standaloneBefore = !owner && a.value.begin < begin;
    if (sameCommand || standaloneBefore) goos = a.value.literal;
  }
  if (owner) {
    for (const auto& w : owner->words) {
      if (text::startsWith(w.literal, "GOOS=")) goos = std::string_view(w.literal).substr(5);
    }
  }
  return isOtherOs(goos);
}

class TargetArchCheck {
 public:
  TargetArchCheck(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) : ctx_(ctx), rule_(rule), out_(out) {
    // Once per stage, not per RUN (that was quadratic in a long stage).
    for (const auto& stage : ctx_.model.stages) anotherOs_.push_back(stageSetsAnotherOs(stage));
  }

  void run() {
    for (const auto& run : ctx_.model.scripts) {
      const auto& stage = ctx_.model.stages[run.stage];
      const auto& script = run.script;
      // Binaries for another OS (GOOS=darwin, windows, js) are release artifacts, not code the
      // image runs: their GOARCH is a choice of artifact, not of the image's platform.
      if (anotherOs_[run.stage]) continue;
      for (const auto& a : script.assignments) {
        const bool inArch = std::any_of(a.branches.begin(), a.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
        if (inArch || a.value.archVarying || forAnotherOs(script, a.value.begin)) continue;
        if (const auto p = settingPlatform(a.name, a.value.literal)) {
          report(stage, *p, a.name + "=" + a.value.literal, script.source.span(a.value.begin, a.value.end));
        }
      }
      for (const auto& command : script.commands) {
        if (command.insideArchBranch()) continue;
        const auto& words = command.words;
        // `rustup target add x86_64-unknown-linux-musl`: one foreign target installed.
        // Several architectures' triples installed together are a cross setup that picks one
        // later (that choice is judged where it is made).
        if (command.name() == "rustup" && words.size() > 3 && words[1].literal == "target" && words[2].literal == "add") {
          // Every `rustup target add` of the stage counts: one per line for each architecture
          // is the same cross setup (what the stage adds is gathered once per stage).
          bool chosenPerTarget = false;
          std::optional<std::pair<Platform, const shell::Word*>> own;  // reported at its first triple
          for (size_t i = 3; i < words.size(); ++i) {
            if (words[i].literal.empty() || words[i].literal[0] == '-') continue;
            chosenPerTarget = chosenPerTarget || words[i].archVarying;
            if (own) continue;
            if (const auto p = tripleArch(words[i].literal, false)) own.emplace(*p, &words[i]);
          }
          if (own && !chosenPerTarget && rustupOneArchitecture(run.stage)) {
            const auto& [platform, word] = *own;
            report(stage, platform, "rustup target add " + word->literal, script.source.span(word->begin, word->end));
          }
          continue;
        }
        for (size_t i = 0; i < words.size(); ++i) {
          if (words[i].archVarying || forAnotherOs(script, words[i].begin)) continue;
          const std::string& w = words[i].literal;
          const size_t eq = w.find('=');
          std::optional<Platform> p;
          std::string shown = w;
          Span span = script.source.span(words[i].begin, words[i].end);
          if (eq != std::string::npos) {
            p = w[0] == '-' ? optionPlatform(w.substr(0, eq), w.substr(eq + 1)) : settingPlatform(w.substr(0, eq), w.substr(eq + 1));
          } else if (i + 1 < words.size() && !words[i + 1].archVarying && (p = optionPlatform(w, words[i + 1].literal))) {
            shown = w + " " + words[i + 1].literal;
            span = script.source.span(words[i].begin, words[i + 1].end);
          }
          if (p) report(stage, *p, shown, span);
        }
      }
    }
    for (const auto& stage : ctx_.model.stages) {
      if (anotherOs_[stage.index]) continue;
      const auto archVars = dockerfile::archVariablesBefore(stage, ctx_.file.instructions.size());
      for (size_t index : stage.instructions) {
        const auto& in = ctx_.instruction(index);
        auto consider = [&](const std::string& name, const std::string& value, Span span) {
          if (value.find('$') != std::string::npos) return;  // built from a variable
          if (const auto p = settingPlatform(name, value)) report(stage, *p, name + "=" + value, span);
        };
        if (in.command == "env") {
          for (size_t i = 0; i + 1 < in.args.size(); i += 3) consider(in.args[i].value, in.args[i + 1].value, in.args[i + 1].span);
        } else if (in.command == "arg") {
          for (const auto& arg : in.args) {
            const size_t eq = arg.value.find('=');
            if (eq != std::string::npos) consider(arg.value.substr(0, eq), arg.value.substr(eq + 1), arg.span);
          }
        }
      }
    }
  }

 private:
  // Do all the triples the stage's `rustup target add` commands add name one architecture?
  bool rustupOneArchitecture(size_t stage) {
    if (rustupOneArch_.empty()) {
      std::vector<std::optional<Platform>> first(ctx_.model.stages.size());
      rustupOneArch_.assign(ctx_.model.stages.size(), true);
      for (const auto& run : ctx_.model.scripts) {
        for (const auto& c : run.script.commands) {
          if (c.name() != "rustup" || c.words.size() < 4 || c.words[1].literal != "target" || c.words[2].literal != "add") continue;
          for (size_t i = 3; i < c.words.size(); ++i) {
            if (c.words[i].literal.empty() || c.words[i].literal[0] == '-') continue;
            const auto p = tripleArch(c.words[i].literal, false);
            if (!p) continue;
            if (!first[run.stage]) first[run.stage] = p;
            if (p->architecture != first[run.stage]->architecture) rustupOneArch_[run.stage] = false;
          }
        }
      }
    }
    return rustupOneArch_[stage];
  }

  bool stageSetsAnotherOs(const dockerfile::Stage& stage) const {
    for (size_t index : stage.instructions) {
      const auto& in = ctx_.instruction(index);
      if (in.command != "env") continue;
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        if (in.args[i].value == "GOOS" && isOtherOs(in.args[i + 1].value)) return true;
      }
    }
    return false;
  }

  void report(const dockerfile::Stage& stage, const Platform& platform, const std::string& shown, Span span) {
    if (stageNamedFor(stage, platform)) return;
    const auto broken = ctx_.brokenBy(stage.index, platform);
    if (broken.empty() || !reported_.insert(span.begin).second) return;
    out_.report(rule_, span,
                "'" + shown + "' builds for " + platform.str() + " on every platform: the " + platformList(broken) +
                    " image gets " + platform.architecture + " code",
                fixFor(shown), std::nullopt, broken);
  }

  const DockerfileContext& ctx_;
  const RuleInfo& rule_;
  FindingSink& out_;
  std::set<uint32_t> reported_;
  std::vector<bool> anotherOs_;  // by stage
  std::vector<bool> rustupOneArch_;  // by stage, filled on first use
};

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) { TargetArchCheck(ctx, rule, out).run(); }

}  // namespace

extern const DockerfileRule kMA130 = {
    {.id = "MA130",
     .slug = "hardcoded-target-arch",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A compiler or package manager is told to build for one architecture",
     .what = "`GOARCH=amd64`, `GOAMD64=v3`, `cargo build --target x86_64-unknown-linux-gnu`, `dotnet publish -r "
             "linux-x64`, `npm --arch=x64` / `npm_config_arch`, `--target_arch=x64`, `CC=x86_64-linux-gnu-gcc`, "
             "`./configure --host=x86_64-linux-gnu`, outside an architecture switch, not built from a variable, and "
             "not in a stage named for that architecture.",
     .why = "Every platform's image gets the one architecture's binaries: the arm64 image holds an x86-64 program "
            "that fails with `exec format error`.",
     .example = "RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /app .\n# MA130: builds for linux/amd64 on every platform",
     .fix = "Use the target's architecture: `ARG TARGETARCH` and `GOARCH=$TARGETARCH`, a mapping from $TARGETARCH to "
            "the Rust triple or .NET RID, or the tonistiigi/xx helpers.",
     .bad = {"FROM golang:1.22\nRUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /app .\n",
             "FROM rust:1.79\nRUN cargo build --release --target x86_64-unknown-linux-musl\n",
             "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet publish -c Release -r linux-x64 -o /out\n",
             "FROM node:20\nRUN npm ci --arch=x64\n", "FROM golang:1.22\nENV GOARCH=amd64\n",
             "FROM debian\nRUN make CC=x86_64-linux-gnu-gcc\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22\nARG TARGETOS TARGETARCH\n"
              "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n",
              "FROM golang:1.22 AS build-amd64\nRUN GOARCH=amd64 go build -o /app .\n",
              "FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM rust:1.79\n"
              "COPY --from=xx / /\nARG TARGETPLATFORM\nRUN xx-cargo build --release --target-dir /out\n"}},
    check};

}  // namespace mal::rules
