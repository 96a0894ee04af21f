// ELF inspection on elfutils' libelf. Input is untrusted (build contexts, image layers):
// every length is checked, a damaged file gives an error string, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/platform.h"

namespace mal::elf {

enum class FloatAbi { Unknown, Hard, Soft };

struct ElfFacts {
  uint16_t machine = 0;  // e_machine (EM_X86_64, EM_AARCH64, ...)
  int bits = 0;          // 32 or 64
  bool littleEndian = true;
  uint16_t type = 0;     // e_type: ET_EXEC, ET_DYN, ET_REL, ET_CORE
  uint32_t flags = 0;    // e_flags
  FloatAbi armFloatAbi = FloatAbi::Unknown;
  std::string interpreter;  // PT_INTERP, e.g. /lib/ld-linux-aarch64.so.1
  std::vector<std::string> needed;  // DT_NEEDED
  std::vector<std::string> runpath;  // DT_RUNPATH, split on ':'
  std::vector<std::string> rpath;    // DT_RPATH, split on ':'
  std::string soname;
  uint64_t minLoadAlign = 0;   // smallest p_align of the PT_LOAD segments (0: none)
  uint32_t x86IsaNeeded = 0;   // GNU_PROPERTY_X86_ISA_1_NEEDED bits: 1 baseline, 2 v2, 4 v3, 8 v4

  // The OCI platform this code runs on (architecture and, for arm, the variant when known).
  std::optional<Platform> platform() const;
  // "x86-64", "AArch64", "ARM (32-bit)", ... with class and byte order where they matter.
  std::string describe() const;
  std::string describeWithArticle() const;  // "an x86-64", "a PowerPC64 little-endian"
  // Whether this code's architecture is the target's (i386 code is foreign to an amd64
  // image: its loader and libraries are not there). ARM float ABIs are MA207's concern.
  bool runsOn(const Platform& target) const;
};

struct ElfResult {
  bool isElf = false;             // the file starts with the ELF magic
  std::optional<ElfFacts> facts;  // set when the headers could be read
  std::string error;              // why not, when isElf and no facts
};

bool hasElfMagic(std::string_view bytes);
ElfResult readElf(std::string_view bytes);

}  // namespace mal::elf
