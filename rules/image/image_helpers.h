// What several image rules need: the PATH search, the dynamic loader's library search,
// and a file's platform.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzer/image/image_reader.h"

namespace mal::rules {

std::string displayPath(const std::string& inventoryPath);  // "usr/bin/x" -> "/usr/bin/x"

// The directories of the config's PATH (Docker's default when unset).
std::vector<std::string> searchPath(const image::Config& config);

// The ELF the dynamic loader would load for `needed` when `from` (at inventory path
// `fromPath`) asks for it: RPATH (without RUNPATH), LD_LIBRARY_PATH, RUNPATH, the
// ld.so.conf directories (with includes), then the default directories for that
// machine. Only ELF files of the same machine and class count, as for ld.so.
std::optional<std::string> resolveLibrary(const image::PlatformImage& image, const elf::ElfFacts& from,
                                          const std::string& fromPath, const std::string& needed);

}  // namespace mal::rules
