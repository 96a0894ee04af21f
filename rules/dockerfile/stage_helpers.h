// Questions about the commands of a stage that several rules ask (where a stage runs is
// analyzer/dockerfile/stage_graph).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/stage_graph.h"
#include "analyzer/shell/shell_model.h"

namespace mal::rules {

// A command that compiles native code (go build, cargo build, gcc, make, dotnet publish, ...).
// Is `candidate` the stage `stage` itself, or a stage built FROM it, directly or through others?
// (A RUN there sees the ENV and ARG values set in `stage`.)
bool isStageOrBuiltOn(const dockerfile::BuildModel& model, std::optional<size_t> candidate, size_t stage);

bool isNativeCompile(const shell::Command& command);
// The same, for toolchains that cross-compile by setting a variable or flag (Go, Rust, .NET, Zig).
bool isCrossCapableCompile(const shell::Command& command);

// Is the stage told which platform to build for? A TARGET* ARG declared (its value is in the
// environment of every later RUN, where make or a script reads it) or used, an xx- helper,
// or an explicit target (GOARCH/GOOS set, `--target`, `-r`): then what it builds is chosen,
// and a constant choice is MA130's business, not a build-machine mistake.
bool stageKnowsTarget(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file, size_t stage);
// The same for the stage or any stage it is based on.
bool chainKnowsTarget(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file,
                      const dockerfile::StageGraph& graph, size_t stage);

// Does native code of this stage (a stage pinned to one platform or run on $BUILDPLATFORM)
// reach an image as it is? It does when it is handed on (FROM, COPY --from, RUN
// --mount=from with native payload) to a stage that runs on the target platform, or when the
// stage is itself a built image. It does not when every path on goes through a stage that
// is told the target and builds for it (chainKnowsTarget: GOARCH=$TARGETARCH, xx, a RID):
// there the tool or userland it got is used to cross-compile, and what leaves that stage is
// the target's code (gluetun's xcputranslate copied into a `--platform=$BUILDPLATFORM` Go
// builder; a web bundle embedded by a Go build).
bool nativeReachesImageUncompiled(const dockerfile::BuildModel& model, const dockerfile::ParsedDockerfile& file,
                                  const dockerfile::StageGraph& graph, size_t stage);

// Which hosts a stage's user-space x86 emulator lets x86 programs run on.
enum class X86Emulator {
  None,
  // box64 or FEX-Emu: built for arm64 (and riscv64) hosts.
  ArmHosts,
  // QEMU's user-mode x86 emulator named as a program (`qemu-x86_64`, `qemu-i386`, with
  // `-static`): Debian's qemu-user ships it on every architecture, and a stage that names it runs
  // x86 code through it on purpose (Ram-002/factorio-server: ENTRYPOINT ["/bin/qemu-x86_64", "-L",
  // "/usr/x86_64-linux-gnu", ".../factorio"]).
  EveryHost,
};

// Does the stage, a stage it is based on, or a stage that takes its files (COPY --from,
// RUN --mount=from, FROM, at any depth) bring a user-space x86 emulator? Then x86 programs
// there are meant to run on other hosts through it: the server unpacked in a download stage is
// run by the final stage's emulator. The strongest emulator found wins.
// `installing` is stagesInstallingX86Emulator's answer, made once per file (a check per
// download that walked every RUN was quadratic in a file of many downloads).
X86Emulator installsX86Emulator(const dockerfile::StageGraph& graph, const std::vector<X86Emulator>& installing, size_t stage);

// Which emulator each stage's own RUN, ENTRYPOINT and CMD instructions install or run: one
// pass over the scripts and those instructions.
std::vector<X86Emulator> stagesInstallingX86Emulator(const dockerfile::BuildModel& model,
                                                     const dockerfile::ParsedDockerfile& file);

// Does the stage install a cross toolchain (crossbuild-essential-arm64, gcc-aarch64-linux-gnu,
// an xx helper)? Then foreign-architecture packages there are a sysroot to link against,
// not a userland to run.
bool installsCrossToolchain(const dockerfile::BuildModel& model, size_t stage);
// The same for every stage at once, in one pass over the RUNs (a rule that asks per RUN or
// per package would otherwise walk every RUN again each time: quadratic).
std::vector<bool> stagesInstallingCrossToolchain(const dockerfile::BuildModel& model);

// The same, or a cross toolchain as the base image (rust-musl-cross, cross-rs, dockcross).
bool usesCrossToolchain(const dockerfile::BuildModel& model, size_t stage);

// A cross-toolchain image: its path names one architecture (ci/docker/aarch64-linux/Dockerfile,
// aarch64-unknown-linux-gnu.dockerfile, builders/linux.aarch64/Dockerfile) and it sets up a
// cross toolchain for it (also through the stage's own variables, `gcc-$TARGET`), a toolchain
// for another OS (mingw-w64, wine), or a foreign root filesystem to build in (`debootstrap
// --foreign`). Such an image runs on the build machine and compiles for the platform its name
// gives; none of its architecture tokens says which platform the image itself is for.
bool isCrossToolchainImage(const std::string& path, const dockerfile::ParsedDockerfile& file,
                           const dockerfile::BuildModel& model);

// The architectures each stage registers with dpkg (`dpkg --add-architecture i386` gives
// "386"), as Platform architecture names, in one pass over the RUNs. Packages of such an
// architecture (`libc6:i386`, a copied `*_i386.deb`) are Debian multiarch packages, installed
// beside the native ones: amd64 runs i386 code. Where a target cannot, the added architecture
// is the root cause, which MA112 reports once.
// A stage built FROM an earlier stage has the architectures that stage added.
std::vector<std::set<std::string>> architecturesAddedToDpkg(const dockerfile::BuildModel& model);

// May the image the stage is built on (through its FROM chain) have added architectures to dpkg
// itself? Not a Docker Official Image (`debian`, `ubuntu`, `library/python`), which has the
// native one only; any other may (a SteamCMD image adds i386 for SteamCMD, a 32-bit program),
// and a base held in a variable is not known.
bool baseMayHaveForeignArchitectures(const dockerfile::BuildModel& model, size_t stage);

}  // namespace mal::rules
