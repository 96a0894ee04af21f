// One layer's contents (read in one streaming pass with libarchive, never extracted) and
// a platform's merged filesystem after OCI whiteouts (FileInventory).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/image/streams.h"
#include "elf/elf_reader.h"

namespace mal::image {

// ELF files in memory (analyzer/image/layer.cpp): all workers together hold at most
// kElfMemoryBudget; a file up to kElfKeptWhole is kept whole, a larger one only its head,
// its tail and the tables its headers point at (each at most kElfTableBytes).
inline constexpr uint64_t kElfMemoryBudget = 64ull * 1024 * 1024;
inline constexpr uint64_t kElfKeptWhole = 32ull * 1024 * 1024;
inline constexpr uint64_t kElfHead = 8ull * 1024 * 1024, kElfTail = 8ull * 1024 * 1024;
inline constexpr uint64_t kElfTableBytes = 4ull * 1024 * 1024;
inline constexpr uint64_t kElfKeptPartly = kElfHead + kElfTail + 8 * kElfTableBytes;

struct LayerLimits {
  size_t maxEntries = 1'000'000;
  size_t maxPathLength = 4096;
  uint64_t maxElfBytes = 4ull * 1024 * 1024 * 1024;  // larger ELF files are reported unread (MA209)
  uint64_t maxUncompressed = 16ull * 1024 * 1024 * 1024;  // per layer; a bomb of zeros stops here
};

struct LayerEntry {
  enum class Type { File, Directory, Symlink, Hardlink, Other };
  std::string path;  // normalised: no leading "/" or "./", e.g. "usr/bin/hello"
  Type type = Type::File;
  uint32_t mode = 0;
  uint64_t size = 0;
  std::string linkTarget;  // symlink target as written, or the hardlink's source path
  bool whiteout = false;   // `.wh.<name>`: deletes `path` from lower layers
  bool opaque = false;     // `.wh..wh..opq`: hides everything below `path` in lower layers
  bool isElf = false;
  std::optional<elf::ElfFacts> elf;
  std::string elfError;
  std::string shebang;  // the `#!` line's interpreter and argument, for scripts
  std::string content;  // kept for the few small files the rules read (ld.so.conf, ...)
  // JARs and wheels: the architectures of the native libraries inside (GOARCH names),
  // and how many native libraries there are.
  std::vector<std::string> bundledArchitectures;
  size_t bundledLibraries = 0;
};

struct LayerContents {
  std::string digest;  // of the blob as stored
  std::vector<LayerEntry> entries;
  uint64_t uncompressedBytes = 0;
};

// Reads a layer (gzip, zstd or plain tar) from `source`. Throws StreamError on a
// damaged archive or when a bound is passed.
LayerContents readLayer(ByteSource& source, const LayerLimits& limits = {});

std::string normalisePath(const std::string& path);  // "./usr//bin/" -> "usr/bin"

struct InventoryEntry {
  LayerEntry entry;
  size_t layer = 0;  // index of the layer that last wrote it
};

class FileInventory {
 public:
  void apply(const LayerContents& layer, size_t layerIndex);

  const std::map<std::string, InventoryEntry>& entries() const { return entries_; }
  const InventoryEntry* find(const std::string& path) const;
  // Follows symlinks (in every component, absolute and relative, within the image root,
  // at most 40 of them) like the kernel does; nullopt when it does not resolve.
  std::optional<std::string> resolve(const std::string& path) const;
  const InventoryEntry* findResolved(const std::string& path) const;
  size_t fileCount() const;

 private:
  std::map<std::string, InventoryEntry> entries_;
};

}  // namespace mal::image
