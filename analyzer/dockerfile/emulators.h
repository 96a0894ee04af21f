// Which architectures a Dockerfile brings an emulator or simulator for: code built for those
// architectures is meant to run under it (a RISC-V proxy kernel for Spike, a test program for
// qemu-riscv64), not on the image's own platform.
#pragma once

#include <set>
#include <string>

#include "analyzer/dockerfile/ast.h"

namespace mal::dockerfile {

// Platform architecture names (`riscv64`, `arm64`, `amd64`, ...) a file installs, builds or
// copies an emulator for, read from its instructions' text and heredocs: `qemu-<arch>`,
// `qemu-system-<arch>` (with `-static`), Spike (riscv64), box64/FEX (amd64), box86 (386).
// "*" when it brings QEMU's user-mode emulators for every architecture (`qemu-user`,
// `qemu-user-static`).
std::set<std::string> emulatedArchitectures(const ParsedDockerfile& file);

}  // namespace mal::dockerfile
