// One layer's contents (read in one streaming pass with libarchive, never extracted) and
// a platform's merged filesystem after OCI whiteouts (FileInventory).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  uint64_t maxElfBytes = 4ull * 1024 * 1024 * 1024;       // larger ELF files are reported unread (MA209)
  uint64_t maxUncompressed = 16ull * 1024 * 1024 * 1024;  // per layer; a bomb of zeros stops here
};

// One entry as the layer walker reads it (and as tests build them). LayerContents keeps it
// packed: the fields every entry has in a small fixed record, its path in a shared arena,
// and the rest (link target, ELF facts, #! line, kept content, bundled libraries), which
// few entries have, in a side table. A layer of a million tiny files then costs about
// 40 bytes a file plus its path, not a full LayerEntry.
struct LayerEntry {
  enum class Type : uint8_t { File, Directory, Symlink, Hardlink, Other };
  std::string path;  // normalised: no leading "/" or "./", e.g. "usr/bin/hello"
  Type type = Type::File;
  uint32_t mode = 0;  // permission bits (07777)
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

// What only some entries have (see LayerEntry).
struct EntryDetails {
  std::string linkTarget;
  std::optional<elf::ElfFacts> elf;
  std::string elfError;
  std::string shebang;
  std::string content;
  std::vector<std::string> bundledArchitectures;
  size_t bundledLibraries = 0;
};

// A stored entry as the rules read it: the same names as LayerEntry's fields, referring
// into the layer that holds it (valid while that layer lives).
struct EntryRef {
  std::string_view path;
  LayerEntry::Type type;
  uint32_t mode;
  uint64_t size;
  bool whiteout, opaque, isElf;
  const std::string& linkTarget;
  const std::optional<elf::ElfFacts>& elf;
  const std::string& elfError;
  const std::string& shebang;
  const std::string& content;
  const std::vector<std::string>& bundledArchitectures;
  size_t bundledLibraries;
  LayerEntry copy() const;  // an owned LayerEntry with the same fields
};

class LayerContents {
 public:
  std::string digest;  // of the blob as stored
  uint64_t uncompressedBytes = 0;

  void add(LayerEntry entry);
  size_t size() const { return records_.size(); }
  EntryRef entry(size_t i) const;
  std::string_view path(size_t i) const;
  // Entries by path (ties in the order they were added): what FileInventory merges.
  const std::vector<uint32_t>& byPath() const;

 private:
  struct Record {
    uint64_t size;
    const char* path;     // in arena_
    uint32_t details;     // index into details_, kNoDetails when none
    uint16_t pathLength;  // at most LayerLimits::maxPathLength
    uint16_t mode;        // 07777 fits
    LayerEntry::Type type;
    uint8_t flags;  // kWhiteout | kOpaque | kElf
  };
  static constexpr uint32_t kNoDetails = UINT32_MAX;
  static constexpr uint8_t kWhiteout = 1, kOpaque = 2, kElf = 4;
  const char* keep(std::string_view path);

  // Chunked, so nothing is copied as they grow (no peak of old and new buffers at once)
  // and the path pointers stay valid.
  std::deque<Record> records_;
  std::deque<EntryDetails> details_;
  std::vector<std::unique_ptr<char[]>> arena_;
  size_t arenaUsed_ = 0, arenaSize_ = 0;
  mutable std::vector<uint32_t> byPath_;  // filled on first use
  mutable bool sorted_ = false;
};

// Reads a layer (gzip, zstd or plain tar) from `source`. Throws StreamError on a
// damaged archive or when a bound is passed.
LayerContents readLayer(ByteSource& source, const LayerLimits& limits = {});

std::string normalisePath(const std::string& path);  // "./usr//bin/" -> "usr/bin"

struct InventoryEntry {
  EntryRef entry;    // a hard link's is its target's (with the link's own path)
  size_t layer = 0;  // index of the layer that last wrote it
};

// A platform's merged filesystem: a sorted list of references into the layers it holds
// (8 bytes a path), never a copy of their entries.
class FileInventory {
 public:
  struct Item {
    std::string path;
    InventoryEntry item;
  };
  class Iterator {
   public:
    using difference_type = std::ptrdiff_t;
    using value_type = Item;
    Iterator(const FileInventory* inv, size_t at) : inv_(inv), at_(at) {}
    Item operator*() const { return inv_->itemAt(at_); }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return at_ == other.at_; }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    const FileInventory* inv_;
    size_t at_;
  };
  class Range {
   public:
    Range(const FileInventory* inv, size_t from, size_t to) : inv_(inv), from_(from), to_(to) {}
    Iterator begin() const { return {inv_, from_}; }
    Iterator end() const { return {inv_, to_}; }
    size_t size() const { return to_ - from_; }

   private:
    const FileInventory* inv_;
    size_t from_, to_;
  };

  // The layer is kept (shared) as long as the inventory refers into it.
  void apply(std::shared_ptr<const LayerContents> layer, size_t layerIndex);

  Range entries() const { return {this, 0, slots_.size()}; }  // by path
  Range withPrefix(std::string_view prefix) const;
  std::optional<InventoryEntry> find(const std::string& path) const;
  // Follows symlinks (in every component, absolute and relative, within the image root,
  // at most 40 of them) like the kernel does; nullopt when it does not resolve.
  std::optional<std::string> resolve(const std::string& path) const;
  std::optional<InventoryEntry> findResolved(const std::string& path) const;
  size_t fileCount() const;

 private:
  struct Slot {
    uint32_t layer;  // position in layers_
    uint32_t entry;  // index in that layer
  };
  struct Layer {
    std::shared_ptr<const LayerContents> contents;
    size_t index;
  };
  std::string_view pathOf(const Slot& s) const { return layers_[s.layer].contents->path(s.entry); }
  Item itemAt(size_t at) const;
  InventoryEntry entryOf(size_t at) const;
  size_t lowerBound(std::string_view path) const;
  const Slot* exact(std::string_view path) const;

  std::vector<Layer> layers_;
  std::vector<Slot> slots_;  // sorted by path, one per path
  // A hard link's contents: its target's slot (few of them; by the link's slot).
  std::unordered_map<uint64_t, Slot> hardLinks_;
};

}  // namespace mal::image
