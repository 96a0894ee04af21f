// ELF inspection on elfutils' libelf. Input is untrusted (build contexts, image layers):
// every length is checked, a damaged file gives an error string, never a crash.
#pragma once

#include <cstdint>
#include <functional>
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
  uint16_t type = 0;   // e_type: ET_EXEC, ET_DYN, ET_REL, ET_CORE
  uint32_t flags = 0;  // e_flags
  FloatAbi armFloatAbi = FloatAbi::Unknown;
  std::string interpreter;           // PT_INTERP, e.g. /lib/ld-linux-aarch64.so.1
  std::vector<std::string> needed;   // DT_NEEDED
  std::vector<std::string> runpath;  // DT_RUNPATH, split on ':'
  std::vector<std::string> rpath;    // DT_RPATH, split on ':'
  std::string soname;
  uint64_t minLoadAlign = 0;  // smallest p_align of the PT_LOAD segments (0: none)
  uint32_t x86IsaNeeded = 0;  // GNU_PROPERTY_X86_ISA_1_NEEDED bits: 1 baseline, 2 v2, 4 v3, 8 v4
  // 32-bit ARM: the "aeabi" build attributes of .ARM.attributes (ARM IHI 0045), -1 when
  // absent. Tag_CPU_arch (6): 1 v4, 2 v4T, 3 v5T, 4 v5TE, 5 v5TEJ, 6 v6, 7 v6KZ, 8 v6T2,
  // 9 v6K, 10 v7, 11 v6-M, 12 v6S-M, 13 v7E-M, 14 v8-A, 15 v8-R, 16-18 v8-M, 19 v9-A.
  // Tag_CPU_arch_profile (7): 'A', 'R', 'M', 'S' or 0. Tag_FP_arch (10): 0 none, 1 VFPv1,
  // 2 VFPv2, 3 VFPv3, 4 VFPv3-D16, 5 VFPv4, 6 VFPv4-D16, 7 FP-ARMv8, 8 FPv8-D16.
  // Tag_Advanced_SIMD_arch (12): 0 none, 1 NEONv1, 2 NEONv2, 3 ARMv8 NEON, 4 ARMv8.1.
  int armCpuArch = -1;
  int armProfile = -1;
  int armFpArch = -1;
  int armSimdArch = -1;

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
  std::string error;              // why not, when isElf and no facts; with facts, what was
                                  // left unread (a table in a part of the file not kept)
};

bool hasElfMagic(std::string_view bytes);
ElfResult readElf(std::string_view bytes);

// Which byte ranges of a file that was only partly kept in memory hold its real bytes
// (the rest reads as zeros). Empty: all of them.
using Present = std::function<bool(uint64_t offset, uint64_t size)>;
// The same on a writable buffer the caller owns (libelf may convert it in place): no copy,
// so a huge file costs what of it was kept, not twice its size.
ElfResult readElfInPlace(char* data, size_t size, const Present& present = {});

}  // namespace mal::elf
