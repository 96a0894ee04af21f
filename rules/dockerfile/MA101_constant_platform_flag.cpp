#include <algorithm>
#include <optional>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// BuildKit allows a constant platform when the stage name says which one it is
// (`FROM --platform=linux/arm64 ... AS build-arm64`): that stage is chosen per arch.
bool stageNameNamesPlatform(const std::string& stageName, const Platform& platform) {
  for (const auto& token : vocab::findArchTokens(stageName)) {
    if (token.platform.architecture == platform.architecture) return true;
  }
  return stageName.find(platform.architecture) != std::string::npos;
}

// Does the stage, or a stage based on it (which inherits its platform), choose the target it
// builds for? Then the pin only fixes where the compiler runs, as $BUILDPLATFORM would.
bool inheritorKnowsTarget(const DockerfileContext& ctx, size_t stage) {
  std::vector<size_t> work{stage};
  std::set<size_t> visited;
  while (!work.empty()) {
    const size_t s = work.back();
    work.pop_back();
    if (!visited.insert(s).second) continue;
    if (chainKnowsTarget(ctx.model, ctx.file, *ctx.stages, s)) return true;
    for (const auto& use : ctx.stages->uses) {
      if (use.source == s && use.kind == dockerfile::StageUse::Kind::Base) work.push_back(use.consumer);
    }
  }
  return false;
}

// Does the comment block right above the FROM say the pin is deliberate? Either it names the
// pinned architecture as the only one (`# amd64 only`, `only x86_64 is supported`), or it says
// a tool is missing on an architecture (`# UPX is not available for aarch64`, above a
// linux/amd64 stage that only compresses the target's binary: pgils/docker-minio-client,
// Part ZZZZZZZZZZZZZZZL): the pin is the author's answer to that.
bool commentNamesPlatform(const dockerfile::Instruction& from, const Platform& platform) {
  for (const auto& comment : from.comments) {
    const std::string lowered = text::lower(comment);
    const bool missing = lowered.find("not available") != std::string::npos || lowered.find("not support") != std::string::npos ||
                         lowered.find("unsupported") != std::string::npos ||
                         lowered.find("doesn't support") != std::string::npos || lowered.find("no arm") != std::string::npos;
    const bool exclusive = missing || lowered.find("only") != std::string::npos;
    if (!exclusive) continue;
    for (const auto& token : vocab::findArchTokens(comment)) {
      if (missing || token.platform.architecture == platform.architecture) return true;
    }
  }
  return false;
}

// Is the stage only a source of files from an image, pinned to the one platform that image is
// published for? A pinned `FROM --platform=linux/amd64 ghcr.io/femiwiki/femiwiki-extensions
// AS extensions` with nothing of its own (no RUN, COPY or ADD) that later stages only copy
// from, none of whose copied paths is named as code (`/mediawiki/extensions`, `/skins`):
// dropping the pin, as MA101 advises, fails every other target where the image has no
// manifest, and nothing copied is known to be code (femiwiki/docker-mediawiki, Part ZZZZZZZF).
// A copy of `/usr/local/bin/tool` or a library from such a stage, or of anything into a
// program or library directory, is still reported.
bool pinnedFileSourceImage(const DockerfileContext& ctx, const dockerfile::Stage& stage) {
  const auto& bases = ctx.stages->baseFor[stage.index];
  if (std::any_of(bases.begin(), bases.end(), [](size_t base) { return base != std::string::npos; })) return false;
  for (size_t index : stage.instructions) {
    const std::string& command = ctx.instruction(index).command;
    if (command == "run" || command == "copy" || command == "add" || command == "onbuild") return false;
  }
  bool copied = false;
  for (const auto& use : ctx.stages->uses) {
    if (use.source != stage.index) continue;
    if (use.kind != dockerfile::StageUse::Kind::Copy) return false;
    const auto& in = ctx.instruction(use.instruction);
    // A source or the destination named as code (`/xcputranslate` into `/usr/local/bin/`).
    for (const auto& arg : in.args) {
      if (dockerfile::namesNativeCode(arg.value)) return false;
    }
    copied = true;
  }
  return copied;
}

bool handsOn(const DockerfileContext& ctx, size_t stage) {
  return std::any_of(ctx.stages->uses.begin(), ctx.stages->uses.end(),
                     [&](const dockerfile::StageUse& use) { return use.source == stage; });
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // Which stages install an x86 emulator: one pass over the scripts, made when a pin first needs it.
  std::optional<std::vector<X86Emulator>> emulatorInstalls;
  for (const auto& stage : ctx.model.stages) {
    const auto& runs = ctx.stages->platform[stage.index];
    // Only the stage whose own FROM carries the pin; stages based on it inherit it.
    if (runs.runs != dockerfile::StageRuns::Pinned || runs.decidedBy != stage.index || !runs.pinned) continue;
    const Platform& platform = *runs.pinned;
    if (stageNameNamesPlatform(stage.name, platform)) continue;
    // A pinned stage whose output is portable (a web bundle, a JAR, generated sources) is
    // fine: the images only get files that are the same on every architecture. So is one that
    // cross-compiles for the target it is told (GOARCH=$TARGETARCH, xx), like a $BUILDPLATFORM stage.
    if (!ctx.stages->shipsNative[stage.index] || inheritorKnowsTarget(ctx, stage.index)) continue;
    // So is one whose native output only feeds stages that cross-compile for the target (a
    // code generator or linter copied into a `--platform=$BUILDPLATFORM` Go builder): only
    // what they build for the target leaves them.
    if (!nativeReachesImageUncompiled(ctx.model, ctx.file, *ctx.stages, stage.index)) continue;
    // A pinned `FROM scratch` stage that runs nothing holds no code of the pinned platform:
    // only the files ADDed or copied into it (per-platform directories a later
    // `COPY --from=binaries /$TARGETPLATFORM /` picks from). BuildKit's scratch is an empty
    // filesystem on every platform, so the pin decides nothing there.
    if (ctx.stages->runsNothing[stage.index] && handsOn(ctx, stage.index)) continue;
    if (pinnedFileSourceImage(ctx, stage)) continue;
    // A pin the author explains right above it (`# amd64 only: the vendor ships no arm64 build`) is a decision.
    if (commentNamesPlatform(ctx.instruction(stage.fromInstruction), platform)) continue;
    std::vector<Platform> broken;
    for (const auto& target : ctx.stages->targetsReaching(stage.index)) {
      if (!dockerfile::runsOn(platform, target)) broken.push_back(target);
    }
    // x86 output for an image that brings a user-space x86 emulator: the pinned stage's
    // programs are meant to run through it (Teriyakidactyl/docker-conan-exiles-server: a
    // linux/amd64 stage installs SteamCMD and amd64 Wine, the final stage installs box64 and
    // box86 on arm, Part ZZZZZZZZZZZZZA). box64 and FEX run amd64 code on arm64 and riscv64
    // hosts; QEMU's x86 user emulator named as a program runs it anywhere.
    if (!broken.empty() && (platform.architecture == "amd64" || platform.architecture == "386")) {
      if (!emulatorInstalls) emulatorInstalls = stagesInstallingX86Emulator(ctx.model, ctx.file);
      switch (installsX86Emulator(*ctx.stages, *emulatorInstalls, stage.index)) {
        case X86Emulator::None: break;
        case X86Emulator::ArmHosts:
          std::erase_if(broken, [](const Platform& t) { return t.architecture == "arm64" || t.architecture == "riscv64"; });
          break;
        case X86Emulator::EveryHost: broken.clear(); break;
      }
    }
    // Built for no target other than its own platform: nothing breaks.
    if (broken.empty()) continue;
    const std::string through = runs.pinnedThroughArg.empty() ? "" : " (the default of ARG " + runs.pinnedThroughArg + ")";
    out.report(rule, stage.platformSpan,
               "FROM --platform=" + stage.platformRaw + through + " is a constant: " + stage.label() + " is " + platform.str() +
                   " for every target, and its native output reaches the " + platformList(broken) + " image" +
                   (broken.size() > 1 ? "s" : ""),
               "use --platform=$BUILDPLATFORM for a stage that cross-compiles (with ARG TARGETOS TARGETARCH), or drop "
               "the flag so the stage is built for each target",
               std::nullopt, broken);
  }
}

}  // namespace

extern const DockerfileRule kMA101 = {
    {.id = "MA101",
     .slug = "constant-platform-flag",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "FROM --platform with a constant value pins every target to one architecture",
     .what =
         "`FROM --platform=linux/amd64 ...` (a constant, directly or through a global ARG's default; not "
         "$BUILDPLATFORM or $TARGETPLATFORM) on a stage whose native output reaches an image of another "
         "platform: the stage itself is shipped, a stage is based on it, or its binaries, libraries or "
         "userland are copied out. Allowed when the stage name says the architecture (`AS build-amd64`), as "
         "BuildKit's FromPlatformFlagConstDisallowed allows it, when only that platform is targeted, when the comment right above the FROM explains the pin (names the "
         "pinned architecture as the only one, or says a tool is not available or not supported on an "
         "architecture), and "
         "when what leaves the stage is portable (a web bundle, JARs, scripts, generated sources), when its native "
         "output only feeds stages that cross-compile for the target (GOARCH=$TARGETARCH, xx, a RID), and on a "
         "`FROM scratch` stage that runs nothing (BuildKit's scratch is empty on every platform: such a stage holds "
         "only the files put into it, such as per-platform directories a `COPY --from=x /$TARGETPLATFORM` picks "
         "from), nor on a stage of nothing but an image (no RUN, COPY or ADD) pinned to the one platform it is "
         "published for, that later stages only copy from, when no copied path nor its destination is named as "
         "code (`bin`, `sbin`, `lib`, `lib64`, `libexec`, a `.so`, a package tree such as site-packages or "
         "node_modules, `/usr`): dropping that pin fails every target whose manifest the image lacks, and "
         "`/mediawiki/extensions` is PHP, not machine code. Nor for the targets where an x86 pin's output runs "
         "through a user-space x86 emulator the image brings (box64 or FEX-Emu on arm64 and riscv64; QEMU's "
         "x86 user emulator named as a program anywhere). Relies on "
         "BuildKit expanding FROM --platform with the global ARGs and a stage based on another taking its "
         "platform (dispatchState.init).",
     .why = "BuildKit pulls that platform's base for every target: the arm64 image silently contains amd64 "
            "binaries and fails with `exec format error`, or runs under emulation.",
     .example = "FROM --platform=linux/amd64 node:20\n"
                "RUN npm ci\n"
                "# MA101",
     .fix = "Drop the flag, or use `--platform=$BUILDPLATFORM` on a stage that cross-compiles with $TARGETARCH.",
     .bad = {"FROM --platform=linux/amd64 node:20\nRUN npm ci\n",
             "ARG BASE_PLATFORM=linux/amd64\nFROM --platform=$BASE_PLATFORM debian AS tools\nRUN apt-get update\n"
             "FROM alpine\nCOPY --from=tools /usr/bin/tool /usr/bin/tool\n",
             "FROM alpine AS download\nRUN wget -O /mc https://example.com/mc-$(uname -m)\n"
             "# compress the binary\nFROM --platform=linux/amd64 alpine AS compress\n"
             "COPY --from=download /mc /mc\nRUN apk add upx && upx /mc\n"
             "FROM alpine\nCOPY --from=compress /mc /usr/local/bin/mc\n"},
     .good = {"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n",
              "FROM --platform=linux/arm64 debian AS deps-arm64\n", "FROM node:20\n",
              "# amd64 only: the vendor's SDK has no arm64 build\nFROM --platform=linux/amd64 debian\nRUN ./install-sdk.sh\n",
              "FROM alpine AS download\nRUN wget -O /mc https://example.com/mc-$(uname -m)\n"
              "# UPX is not available for aarch64\nFROM --platform=linux/amd64 alpine AS compress\n"
              "COPY --from=download /mc /mc\nRUN apk add upx && upx /mc\n"
              "FROM alpine\nCOPY --from=compress /mc /usr/local/bin/mc\n",
              "FROM --platform=linux/amd64 golang:1.22 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\n"
              "FROM alpine\nCOPY --from=build /app /app\n",
              "FROM --platform=linux/amd64 node:20 AS web\nRUN npm ci && npm run build\n"
              "FROM nginx\nCOPY --from=web /app/dist /usr/share/nginx/html\n",
              "FROM --platform=linux/amd64 ghcr.io/example/wiki-extensions:2 AS extensions\n"
              "FROM php:8.3-fpm\nCOPY --from=extensions /mediawiki/extensions /srv/wiki/extensions\n",
              "FROM --platform=linux/amd64 debian:12 AS server\nRUN /opt/steamcmd/steamcmd.sh +app_update 443030 +quit\n"
              "FROM debian:12\nRUN apt-get update && apt-get install -y box64\nCOPY --from=server /opt/server /opt/server\n"}},
    check};

}  // namespace mal::rules
