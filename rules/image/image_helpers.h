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

// Finds the ELF the dynamic loader would load for a DT_NEEDED name: RPATH (without
// RUNPATH), LD_LIBRARY_PATH, RUNPATH ($ORIGIN expanded), the ld.so.conf directories (with
// includes) or musl's ld-musl-<arch>.path, then the default directories for the machine.
// Only ELF files of the same machine and class count, as for ld.so. The image-wide
// directories are computed once per platform, not once per lookup.
class LibraryResolver {
 public:
  explicit LibraryResolver(const image::PlatformImage& image);
  std::optional<std::string> resolve(const elf::ElfFacts& from, const std::string& fromPath, const std::string& needed) const;

 private:
  const image::PlatformImage& image_;
  std::vector<std::string> environmentDirs_;  // LD_LIBRARY_PATH
  std::vector<std::string> systemDirs_;       // ld.so.conf, musl path files
};

}  // namespace mal::rules
