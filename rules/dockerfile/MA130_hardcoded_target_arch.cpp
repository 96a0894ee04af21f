// MA130: a toolchain told to build for one architecture: GOARCH=amd64, cargo --target
// x86_64-..., dotnet -r linux-x64, npm --arch=x64, CC=x86_64-linux-gnu-gcc.
#include <algorithm>
#include <regex>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
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

// The platform a target setting names: GOARCH=amd64, CC=x86_64-linux-gnu-gcc, ...
std::optional<Platform> settingPlatform(const std::string& name, const std::string& value) {
  static const std::regex kTriplet(R"(^([a-z0-9_]+)-(?:unknown-|pc-)?linux-(?:gnu|musl)[a-z]*(?:-.*)?$)");
  std::smatch m;
  if (name == "GOARCH" || name == "npm_config_arch" || name == "npm_config_target_arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    return parsePlatform(value);
  }
  if (name == "GOAMD64") return value.empty() ? std::nullopt : parsePlatform("amd64");
  if (name == "CARGO_BUILD_TARGET" || name == "CC" || name == "CXX" || name == "CROSS_COMPILE") {
    if (std::regex_match(value, m, kTriplet)) return parsePlatform(m[1].str());
  }
  return std::nullopt;
}

// The platform a toolchain option names: --target x86_64-unknown-linux-gnu, -r linux-x64, ...
std::optional<Platform> optionPlatform(const std::string& option, const std::string& value) {
  static const std::regex kTriplet(R"(^([a-z0-9_]+)-(?:unknown-|pc-)?linux-(?:gnu|musl)[a-z]*$)");
  static const std::regex kRid(R"(^linux(?:-musl)?-(x64|arm64|arm|x86)$)");
  std::smatch m;
  if ((option == "--target" || option == "--host") && std::regex_match(value, m, kTriplet)) return parsePlatform(m[1].str());
  if ((option == "-r" || option == "--runtime") && std::regex_match(value, m, kRid)) {
    const std::string rid = m[1].str();
    return parsePlatform(rid == "x64" ? "amd64" : rid == "x86" ? "386" : rid);
  }
  if (option == "--arch" || option == "--target_arch" || option == "--target-arch") {
    if (value == "x64") return parsePlatform("amd64");
    if (value == "ia32") return parsePlatform("386");
    return parsePlatform(value);
  }
  return std::nullopt;
}

class TargetArchCheck {
 public:
  TargetArchCheck(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) : ctx_(ctx), rule_(rule), out_(out) {}

  void run() {
    for (const auto& run : ctx_.model.scripts) {
      const auto& stage = ctx_.model.stages[run.stage];
      const auto& script = run.script;
      for (const auto& a : script.assignments) {
        const bool inArch = std::any_of(a.branches.begin(), a.branches.end(), [](const shell::Branch& b) { return b.onArchitecture; });
        if (inArch || a.value.archVarying) continue;
        if (const auto p = settingPlatform(a.name, a.value.literal)) {
          report(stage, *p, a.name + "=" + a.value.literal, script.source.span(a.value.begin, a.value.end));
        }
      }
      for (const auto& command : script.commands) {
        if (command.insideArchBranch()) continue;
        const auto& words = command.words;
        for (size_t i = 0; i < words.size(); ++i) {
          if (words[i].archVarying) continue;
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
      const auto archVars = dockerfile::archVariablesBefore(stage, ctx_.file, ctx_.file.instructions.size());
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
  void report(const dockerfile::Stage& stage, const Platform& platform, const std::string& shown, Span span) {
    if (stageNamedFor(stage, platform)) return;
    const auto broken = ctx_.targetsOtherThan(platform);
    if (broken.empty() || !reported_.insert(span.begin).second) return;
    out_.report(rule_, span,
                "'" + shown + "' builds for " + platform.str() + " on every platform: the " + platformList(broken) +
                    " image gets " + platform.architecture + " code",
                "take the architecture from the target: declare `ARG TARGETARCH` and use GOARCH=$TARGETARCH (Go), map "
                "$TARGETARCH to a Rust triple or .NET RID, or use the xx helpers (xx-go, xx-cargo, xx-clang)", std::nullopt, broken);
  }

  const DockerfileContext& ctx_;
  const RuleInfo& rule_;
  FindingSink& out_;
  std::set<uint32_t> reported_;
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
