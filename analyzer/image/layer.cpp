#include "analyzer/image/layer.h"

#include "analyzer/fault_injection.h"
#include "analyzer/image/archive_api.h"

#include <sys/mman.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>

namespace mal::image {

std::string normalisePath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();  // never above the root
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

namespace {

// libarchive pulls the layer's bytes through this callback.
struct ReadContext {
  ByteSource* source;
  std::string buffer = std::string(256 * 1024, '\0');
  std::string error;
};

la_ssize_t readCallback(struct archive* a, void* data, const void** out) {
  auto* ctx = static_cast<ReadContext*>(data);
  try {
    const size_t got = ctx->source->read(ctx->buffer.data(), ctx->buffer.size());
    *out = ctx->buffer.data();
    return static_cast<la_ssize_t>(got);
  } catch (const StreamError& e) {
    ctx->error = e.what();
    libarchive().set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

struct ArchiveHandle {
  struct archive* a = libarchive().read_new();
  ~ArchiveHandle() { libarchive().read_free(a); }
};

bool isBundle(const std::string& path) {
  for (const char* ext : {".jar", ".war", ".ear", ".whl"}) {
    const size_t n = std::strlen(ext);
    if (path.size() > n && path.compare(path.size() - n, n, ext) == 0) return true;
  }
  return false;
}

bool isNativeLibraryName(const std::string& name) {
  const size_t slash = name.rfind('/');
  const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return base.size() > 3 && (base.compare(base.size() - 3, 3, ".so") == 0 || base.find(".so.") != std::string::npos);
}

// The rest of the current tar entry, after the bytes already taken from it.
class EntryRestSource : public ByteSource {
 public:
  EntryRestSource(struct archive* a, std::string head) : a_(a), head_(std::move(head)) {}
  size_t read(char* buffer, size_t n) override {
    if (pos_ < head_.size()) {
      const size_t count = std::min(n, head_.size() - pos_);
      std::memcpy(buffer, head_.data() + pos_, count);
      pos_ += count;
      return count;
    }
    const la_ssize_t got = libarchive().read_data(a_, buffer, n);
    if (got < 0) throw StreamError(std::string("damaged tar archive: ") + libarchive().error_string(a_));
    return static_cast<size_t>(got);
  }

 private:
  struct archive* a_;
  std::string head_;
  size_t pos_ = 0;
};

// ELF bytes held in memory at once, by every layer worker together: peak memory does not
// grow with the number of cores. A worker waits for its share; it holds one file at a time.
class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t bytes) : available_(bytes) {}
  void acquire(uint64_t n) {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return available_ >= n; });
    available_ -= n;
  }
  void release(uint64_t n) {
    {
      std::lock_guard lock(mutex_);
      available_ += n;
    }
    freed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  uint64_t available_;
};

constexpr size_t kReadBlock = 256 * 1024;

MemoryBudget& elfBudget() {
  static MemoryBudget budget(kElfMemoryBudget);
  return budget;
}

// One ELF file of a layer, kept in an anonymous mapping of its full size that only the
// written pages occupy. A file up to kElfKeptWhole is kept whole; a larger one keeps its
// head, its tail and the tables its program and section headers point at (where the
// loader's name, the dynamic section, the notes and the section headers live), and
// readElfInPlace says when something it needed fell in between. Zero pages are never
// written, so a sparse file costs what it holds, not its size.
class ElfCapture {
 public:
  explicit ElfCapture(uint64_t size) : size_(size), whole_(size <= kElfKeptWhole), reserved_(whole_ ? size : kElfKeptPartly) {
    elfBudget().acquire(reserved_);
    void* p =
        ::mmap(nullptr, std::max<uint64_t>(size_, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      elfBudget().release(reserved_);
      throw StreamError("cannot map memory for an ELF file of " + std::to_string(size_) + " bytes");
    }
    data_ = static_cast<char*>(p);
    if (!whole_) {
      addRange(0, kElfHead);
      addRange(size_ > kElfTail ? size_ - kElfTail : 0, kElfTail);
    }
  }
  ~ElfCapture() {
    ::munmap(data_, std::max<uint64_t>(size_, 1));
    elfBudget().release(reserved_);
  }
  ElfCapture(const ElfCapture&) = delete;
  ElfCapture& operator=(const ElfCapture&) = delete;

  // Bytes of the file at `offset` (in order; holes of a sparse entry skipped).
  void write(uint64_t offset, const char* bytes, size_t n) {
    if (offset >= size_) return;
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    if (!whole_ && !tablesAdded_ && offset + n > kElfHead) addTables();
    for (size_t done = 0; done < n;) {
      // Page by page: an all-zero page is left unwritten (the mapping reads as zeros).
      const uint64_t at = offset + done;
      const size_t step = static_cast<size_t>(std::min<uint64_t>(n - done, kPage - at % kPage));
      const char* from = bytes + done;
      const bool zero = from[0] == 0 && std::memcmp(from, from + 1, step - 1) == 0;
      if (!zero) copyKept(at, from, step);
      done += step;
    }
  }
  elf::ElfResult read() {
    if (whole_) return elf::readElfInPlace(data_, static_cast<size_t>(size_));
    return elf::readElfInPlace(data_, static_cast<size_t>(size_),
                               [this](uint64_t offset, uint64_t n) { return covered(offset, n); });
  }

 private:
  static constexpr uint64_t kPage = 4096;
  void addRange(uint64_t offset, uint64_t n) {
    // The head, the tail and at most eight tables: what kElfKeptPartly reserved.
    if (offset >= size_ || n == 0 || ranges_.size() >= 10) return;
    ranges_.emplace_back(offset, std::min(n, size_ - offset));
  }
  // Where the headers say the tables are: read from the head, which holds the ELF header
  // and (in every file a linker writes) the program headers.
  void addTables() {
    tablesAdded_ = true;
    const auto* e = reinterpret_cast<const unsigned char*>(data_);
    const bool is64 = e[4] == 2, little = e[5] == 1;
    auto get = [&](uint64_t at, int bytes) -> uint64_t {
      if (at + static_cast<uint64_t>(bytes) > std::min(size_, kElfHead)) return 0;
      uint64_t v = 0;
      for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(e[at + (little ? i : bytes - 1 - i)]) << (8 * i);
      return v;
    };
    const uint64_t phoff = is64 ? get(32, 8) : get(28, 4), shoff = is64 ? get(40, 8) : get(32, 4);
    const uint64_t phentsize = get(is64 ? 54 : 42, 2), phnum = get(is64 ? 56 : 44, 2);
    const uint64_t shentsize = get(is64 ? 58 : 46, 2), shnum = get(is64 ? 60 : 48, 2);
    addRange(shoff, std::min<uint64_t>(shentsize * shnum, kElfTableBytes));
    for (uint64_t i = 0; i < std::min<uint64_t>(phnum, 4096); ++i) {
      const uint64_t ph = phoff + i * phentsize;
      const uint64_t type = get(ph, 4);
      const uint64_t offset = is64 ? get(ph + 8, 8) : get(ph + 4, 4), filesz = is64 ? get(ph + 32, 8) : get(ph + 16, 4);
      // PT_INTERP, PT_DYNAMIC, PT_NOTE, PT_GNU_PROPERTY
      if (type == 3 || type == 2 || type == 4 || type == 0x6474e553) addRange(offset, std::min(filesz, kElfTableBytes));
    }
  }
  bool covered(uint64_t offset, uint64_t n) const {
    if (offset >= size_ || n > size_ - offset) return false;
    return std::any_of(ranges_.begin(), ranges_.end(),
                       [&](const auto& r) { return r.first <= offset && offset + n <= r.first + r.second; });
  }
  void copyKept(uint64_t at, const char* from, size_t n) {
    if (whole_) {
      std::memcpy(data_ + at, from, n);
      return;
    }
    for (const auto& [start, length] : ranges_) {
      const uint64_t lo = std::max(at, start), hi = std::min<uint64_t>(at + n, start + length);
      if (lo < hi) std::memcpy(data_ + lo, from + (lo - at), static_cast<size_t>(hi - lo));
    }
  }

  uint64_t size_;
  bool whole_;
  uint64_t reserved_;
  char* data_ = nullptr;
  bool tablesAdded_ = false;
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;  // offset, size
};

// The current entry's ELF facts, its first bytes (`head`) already read. (Read on with
// archive_read_data: archive_read_data_block would skip what the first call buffered. The
// holes of a sparse entry come as zeros, which the capture does not store.)
void readElfEntry(struct archive* a, std::string_view head, LayerEntry& e, const ReadContext& ctx) {
  ElfCapture capture(e.size);
  capture.write(0, head.data(), head.size());
  uint64_t offset = head.size();
  std::unique_ptr<char[]> buffer(new char[kReadBlock]);
  la_ssize_t got;
  while ((got = libarchive().read_data(a, buffer.get(), kReadBlock)) > 0) {
    capture.write(offset, buffer.get(), static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
  }
  if (got < 0) {
    throw StreamError(!ctx.error.empty() ? ctx.error : std::string("damaged tar archive: ") + libarchive().error_string(a));
  }
  auto result = capture.read();
  if (result.facts) e.elf = std::move(result.facts);
  e.elfError = result.error;
}

// The machine of every native library in a JAR or wheel (only its ELF header is read).
// A zip small enough is read from memory through its central directory, so what is not a
// native library is never inflated (a zip bomb costs nothing); a larger one streams, at
// most kMaxBundleEntries entries. A damaged zip ends the look, not the layer.
constexpr uint64_t kBundleInMemory = 32ull * 1024 * 1024;
constexpr size_t kMaxBundleEntries = 200000;

void lookInsideBundle(struct archive* zip, LayerEntry& e) {
  struct archive_entry* entry = nullptr;
  size_t seen = 0;
  while (libarchive().read_next_header(zip, &entry) == ARCHIVE_OK && ++seen < kMaxBundleEntries) {
    const char* name = libarchive().entry_pathname(entry);
    if (!name || !isNativeLibraryName(name)) continue;
    char header[64];
    const la_ssize_t got = libarchive().read_data(zip, header, sizeof header);
    if (got <= 0) continue;
    const auto result = elf::readElf(std::string_view(header, static_cast<size_t>(got)));
    if (!result.facts) continue;
    const auto platform = result.facts->platform();
    if (!platform) continue;
    ++e.bundledLibraries;
    if (std::find(e.bundledArchitectures.begin(), e.bundledArchitectures.end(), platform->architecture) ==
        e.bundledArchitectures.end()) {
      e.bundledArchitectures.push_back(platform->architecture);
    }
  }
}

void inspectBundle(struct archive* outer, const std::string& head, LayerEntry& e) {
  EntryRestSource rest(outer, head);
  if (e.size <= kBundleInMemory) {
    elfBudget().acquire(e.size);
    struct Release {
      uint64_t n;
      ~Release() { elfBudget().release(n); }
    } release{e.size};
    std::string bytes;
    bytes.reserve(static_cast<size_t>(e.size));
    char buffer[65536];
    for (size_t got; (got = rest.read(buffer, sizeof buffer)) > 0;) bytes.append(buffer, got);
    ArchiveHandle zip;
    libarchive().read_support_format_zip_seekable(zip.a);
    if (libarchive().read_open_memory(zip.a, bytes.data(), bytes.size()) == ARCHIVE_OK) lookInsideBundle(zip.a, e);
    return;
  }
  ReadContext ctx{&rest};
  ArchiveHandle zip;
  libarchive().read_support_format_zip_streamable(zip.a);
  if (libarchive().read_open(zip.a, &ctx, nullptr, readCallback, nullptr) != ARCHIVE_OK) return;
  lookInsideBundle(zip.a, e);
  if (!ctx.error.empty()) throw StreamError(ctx.error);  // the layer itself failed, not the zip
}

bool keepsContent(const std::string& path) {
  return path == "etc/ld.so.conf" || path.rfind("etc/ld.so.conf.d/", 0) == 0 ||
         (path.rfind("etc/ld-musl-", 0) == 0 && path.size() > 5 && path.compare(path.size() - 5, 5, ".path") == 0);
}

}  // namespace

LayerContents readLayer(ByteSource& source, const LayerLimits& limits) {
  testing::faultPoint("layer");
  DecompressingSource decompressed(source);
  LimitedSource bounded(decompressed, limits.maxUncompressed, "the uncompressed layer");
  ReadContext ctx{&bounded};
  ArchiveHandle handle;
  libarchive().read_support_format_tar(handle.a);
  libarchive().read_support_format_gnutar(handle.a);
  if (libarchive().read_open(handle.a, &ctx, nullptr, readCallback, nullptr) != ARCHIVE_OK) {
    throw StreamError(ctx.error.empty() ? std::string("not a tar archive: ") + libarchive().error_string(handle.a) : ctx.error);
  }
  LayerContents layer;
  struct archive_entry* entry = nullptr;
  while (true) {
    const int rc = libarchive().read_next_header(handle.a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      throw StreamError(!ctx.error.empty() ? ctx.error
                                           : std::string("damaged tar archive: ") + libarchive().error_string(handle.a));
    }
    if (layer.size() >= limits.maxEntries) throw StreamError("the layer has more than the limit of entries");
    const char* rawName = libarchive().entry_pathname(entry);
    if (!rawName || std::strlen(rawName) > limits.maxPathLength) throw StreamError("a path in the layer is too long or missing");
    LayerEntry e;
    std::string path = normalisePath(rawName);
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base == ".wh..wh..opq") {
      e.path = dir;
      e.opaque = true;
    } else if (base.rfind(".wh.", 0) == 0) {
      e.path = (dir.empty() ? "" : dir + "/") + base.substr(4);
      e.whiteout = true;
    } else {
      e.path = path;
    }
    e.mode = libarchive().entry_perm(entry);
    e.size = libarchive().entry_size_is_set(entry) ? static_cast<uint64_t>(libarchive().entry_size(entry)) : 0;
    if (const char* hard = libarchive().entry_hardlink(entry)) {
      e.type = LayerEntry::Type::Hardlink;
      e.linkTarget = normalisePath(hard);
    } else {
      switch (libarchive().entry_filetype(entry)) {
        case AE_IFREG: e.type = LayerEntry::Type::File; break;
        case AE_IFDIR: e.type = LayerEntry::Type::Directory; break;
        case AE_IFLNK:
          e.type = LayerEntry::Type::Symlink;
          e.linkTarget = libarchive().entry_symlink(entry) ? libarchive().entry_symlink(entry) : "";
          break;
        default: e.type = LayerEntry::Type::Other;
      }
    }
    if (e.type == LayerEntry::Type::File && !e.whiteout && e.size > 0) {
      // Read the head; keep reading only what the rules need (ELF files, small configs).
      char head[256];
      la_ssize_t got = libarchive().read_data(handle.a, head, sizeof head);
      if (got < 0)
        throw StreamError(!ctx.error.empty() ? ctx.error
                                             : std::string("damaged tar archive: ") + libarchive().error_string(handle.a));
      const std::string_view start(head, static_cast<size_t>(got));
      if (elf::hasElfMagic(start)) {
        e.isElf = true;
        if (e.size > limits.maxElfBytes) {
          e.elfError = "not examined: larger than the bound of " + std::to_string(limits.maxElfBytes) + " bytes";
        } else {
          readElfEntry(handle.a, start, e, ctx);
        }
      } else if (start.substr(0, 2) == "#!") {
        const size_t end = start.find('\n');
        std::string line(start.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2));
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        e.shebang = first == std::string::npos ? "" : line.substr(first);
      } else if (isBundle(e.path)) {
        inspectBundle(handle.a, std::string(start), e);
      } else if (keepsContent(e.path) && e.size <= 65536) {
        e.content.assign(start);
        char buffer[4096];
        while ((got = libarchive().read_data(handle.a, buffer, sizeof buffer)) > 0)
          e.content.append(buffer, static_cast<size_t>(got));
      }
    }
    layer.add(std::move(e));
  }
  // Read to the end of the blob, so its digest covers every byte.
  source.drain();
  layer.uncompressedBytes = static_cast<uint64_t>(libarchive().filter_bytes(handle.a, -1));
  return layer;
}

namespace {

const EntryDetails& noDetails() {
  static const EntryDetails none;
  return none;
}

constexpr size_t kArenaBlock = 256 * 1024;

}  // namespace

const char* LayerContents::keep(std::string_view path) {
  if (path.empty()) return "";
  if (arenaSize_ - arenaUsed_ < path.size()) {
    arenaSize_ = std::max(kArenaBlock, path.size());
    arena_.emplace_back(new char[arenaSize_]);
    arenaUsed_ = 0;
  }
  char* at = arena_.back().get() + arenaUsed_;
  std::memcpy(at, path.data(), path.size());
  arenaUsed_ += path.size();
  return at;
}

void LayerContents::add(LayerEntry e) {
  if (records_.size() >= UINT32_MAX) throw StreamError("the layer has more than the limit of entries");
  Record r{};
  r.size = e.size;
  // Longer paths are refused by readLayer (maxPathLength); a model built by hand keeps 64 KiB.
  const std::string_view path(e.path.data(), std::min<size_t>(e.path.size(), UINT16_MAX));
  r.path = keep(path);
  r.pathLength = static_cast<uint16_t>(path.size());
  r.mode = static_cast<uint16_t>(e.mode & 07777);
  r.type = e.type;
  r.flags = static_cast<uint8_t>((e.whiteout ? kWhiteout : 0) | (e.opaque ? kOpaque : 0) | (e.isElf ? kElf : 0));
  r.details = kNoDetails;
  if (!e.linkTarget.empty() || e.elf || !e.elfError.empty() || !e.shebang.empty() || !e.content.empty() ||
      !e.bundledArchitectures.empty() || e.bundledLibraries != 0) {
    r.details = static_cast<uint32_t>(details_.size());
    details_.push_back({std::move(e.linkTarget), std::move(e.elf), std::move(e.elfError), std::move(e.shebang),
                        std::move(e.content), std::move(e.bundledArchitectures), e.bundledLibraries});
  }
  records_.push_back(r);
  sorted_ = false;
}

std::string_view LayerContents::path(size_t i) const {
  const Record& r = records_[i];
  return {r.path, r.pathLength};
}

EntryRef LayerContents::entry(size_t i) const {
  const Record& r = records_[i];
  const EntryDetails& d = r.details == kNoDetails ? noDetails() : details_[r.details];
  return EntryRef{{r.path, r.pathLength},
                  r.type,
                  r.mode,
                  r.size,
                  (r.flags & kWhiteout) != 0,
                  (r.flags & kOpaque) != 0,
                  (r.flags & kElf) != 0,
                  d.linkTarget,
                  d.elf,
                  d.elfError,
                  d.shebang,
                  d.content,
                  d.bundledArchitectures,
                  d.bundledLibraries};
}

const std::vector<uint32_t>& LayerContents::byPath() const {
  if (!sorted_) {
    byPath_.resize(records_.size());
    for (uint32_t i = 0; i < byPath_.size(); ++i) byPath_[i] = i;
    std::stable_sort(byPath_.begin(), byPath_.end(), [&](uint32_t a, uint32_t b) { return path(a) < path(b); });
    sorted_ = true;
  }
  return byPath_;
}

LayerEntry EntryRef::copy() const {
  LayerEntry e;
  e.path = std::string(path);
  e.type = type;
  e.mode = mode;
  e.size = size;
  e.whiteout = whiteout;
  e.opaque = opaque;
  e.isElf = isElf;
  e.linkTarget = linkTarget;
  e.elf = elf;
  e.elfError = elfError;
  e.shebang = shebang;
  e.content = content;
  e.bundledArchitectures = bundledArchitectures;
  e.bundledLibraries = bundledLibraries;
  return e;
}

size_t FileInventory::lowerBound(std::string_view path) const {
  const auto it =
      std::lower_bound(slots_.begin(), slots_.end(), path, [&](const Slot& s, std::string_view p) { return pathOf(s) < p; });
  return static_cast<size_t>(it - slots_.begin());
}

const FileInventory::Slot* FileInventory::exact(std::string_view path) const {
  const size_t at = lowerBound(path);
  return at < slots_.size() && pathOf(slots_[at]) == path ? &slots_[at] : nullptr;
}

InventoryEntry FileInventory::entryOf(size_t at) const {
  const Slot& s = slots_[at];
  const uint64_t key = (static_cast<uint64_t>(s.layer) << 32) | s.entry;
  const auto link = hardLinks_.empty() ? hardLinks_.end() : hardLinks_.find(key);
  if (link == hardLinks_.end()) return {layers_[s.layer].contents->entry(s.entry), layers_[s.layer].index};
  EntryRef target = layers_[link->second.layer].contents->entry(link->second.entry);
  target.path = pathOf(s);
  return {target, layers_[s.layer].index};
}

FileInventory::Item FileInventory::itemAt(size_t at) const { return {std::string(pathOf(slots_[at])), entryOf(at)}; }

FileInventory::Range FileInventory::withPrefix(std::string_view prefix) const {
  const size_t from = lowerBound(prefix);
  size_t to = from;
  while (to < slots_.size() && pathOf(slots_[to]).substr(0, prefix.size()) == prefix) ++to;
  return {this, from, to};
}

void FileInventory::apply(std::shared_ptr<const LayerContents> layerPtr, size_t layerIndex) {
  const LayerContents& layer = *layerPtr;
  if (layers_.size() >= UINT32_MAX) throw StreamError("too many layers");
  const auto position = static_cast<uint32_t>(layers_.size());
  layers_.push_back({std::move(layerPtr), layerIndex});

  // Whiteouts and opaque markers remove what lower layers put there, before this
  // layer's own entries land (the order inside one layer does not matter). One pass over
  // the inventory: a path goes when it, or a directory above it, is whited out.
  std::vector<std::string_view> whitedOut, opaqueDirs;
  for (size_t i = 0; i < layer.size(); ++i) {
    const EntryRef e = layer.entry(i);
    if (e.opaque) opaqueDirs.push_back(e.path);
    if (e.whiteout) whitedOut.push_back(e.path);
  }
  if (!whitedOut.empty() || !opaqueDirs.empty()) {
    std::sort(whitedOut.begin(), whitedOut.end());
    std::sort(opaqueDirs.begin(), opaqueDirs.end());
    auto in = [](const std::vector<std::string_view>& list, std::string_view p) {
      return std::binary_search(list.begin(), list.end(), p);
    };
    auto removed = [&](std::string_view p) {
      if (in(whitedOut, p)) return true;
      if (in(opaqueDirs, "")) return true;  // an opaque root hides every lower path
      for (size_t slash = p.find('/'); slash != std::string_view::npos; slash = p.find('/', slash + 1)) {
        const std::string_view dir = p.substr(0, slash);
        if (in(whitedOut, dir) || in(opaqueDirs, dir)) return true;
      }
      return false;
    };
    size_t kept = 0;
    for (const Slot& s : slots_) {
      if (!removed(pathOf(s))) slots_[kept++] = s;
    }
    slots_.resize(kept);
  }

  const std::vector<uint32_t>& order = layer.byPath();
  auto landed = [&](uint32_t i) {
    const EntryRef e = layer.entry(i);
    return !e.whiteout && !e.opaque && !e.path.empty();
  };
  auto keyOf = [](Slot s) { return (static_cast<uint64_t>(s.layer) << 32) | s.entry; };

  // A hard link shares its target's contents: the target is the latest entry of that path
  // written before the link in this layer, else what the lower layers left. Resolved in
  // the order the links were written, before this layer's entries replace lower ones (a
  // link to a link shares the first one's target).
  for (uint32_t i = 0; i < layer.size(); ++i) {
    const EntryRef e = layer.entry(i);
    if (e.type != LayerEntry::Type::Hardlink || !landed(i)) continue;
    const std::string_view wanted = e.linkTarget;
    std::optional<Slot> target;
    // Entries of one path are in the order written (a stable sort): the last one before
    // the link is found by bisection, not by walking every entry of that path.
    const auto first =
        std::lower_bound(order.begin(), order.end(), wanted, [&](uint32_t a, std::string_view p) { return layer.path(a) < p; });
    const auto last =
        std::upper_bound(first, order.end(), wanted, [&](std::string_view p, uint32_t a) { return p < layer.path(a); });
    for (auto it = std::lower_bound(first, last, i); it != first && !target;) {
      --it;
      if (landed(*it)) target = Slot{position, *it};
    }
    if (!target) {
      if (const Slot* below = exact(wanted)) target = *below;
    }
    if (!target) continue;  // stays a hard link: MA209 says its target is missing
    if (const auto chained = hardLinks_.find(keyOf(*target)); chained != hardLinks_.end()) target = chained->second;
    if (layers_[target->layer].contents->entry(target->entry).type == LayerEntry::Type::Hardlink) continue;
    hardLinks_[keyOf({position, i})] = *target;
  }

  // This layer's entries merged in by path; for one path written twice the later entry wins.
  std::vector<Slot> merged;
  merged.reserve(slots_.size() + order.size());
  size_t old = 0;
  for (size_t k = 0; k < order.size();) {
    const std::string_view p = layer.path(order[k]);
    size_t end = k, last = order.size();
    for (; end < order.size() && layer.path(order[end]) == p; ++end) {
      if (landed(order[end])) last = end;
    }
    k = end;
    if (last == order.size()) continue;
    while (old < slots_.size() && pathOf(slots_[old]) < p) merged.push_back(slots_[old++]);
    if (old < slots_.size() && pathOf(slots_[old]) == p) ++old;  // replaced
    merged.push_back({position, order[last]});
  }
  while (old < slots_.size()) merged.push_back(slots_[old++]);
  slots_ = std::move(merged);
}

std::optional<std::string> FileInventory::resolve(const std::string& path) const {
  std::vector<std::string> pending;  // components still to walk; the next one is at the back
  // Splits on '/', dropping empty and "." parts but keeping "..": a relative link target
  // climbs from the link's own directory.
  auto push = [&](const std::string& p) {
    std::vector<std::string> parts;
    size_t s = 0;
    while (s <= p.size()) {
      size_t e = p.find('/', s);
      if (e == std::string::npos) e = p.size();
      const std::string part = p.substr(s, e - s);
      if (!part.empty() && part != ".") parts.push_back(part);
      s = e + 1;
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_back(*it);
  };
  push(path);
  std::string current;
  int links = 0;
  while (!pending.empty()) {
    const std::string part = pending.back();
    pending.pop_back();
    if (part == "..") {
      const size_t slash = current.rfind('/');
      current = slash == std::string::npos ? "" : current.substr(0, slash);
      continue;
    }
    const std::string next = current.empty() ? part : current + "/" + part;
    const size_t at = lowerBound(next);
    if (at == slots_.size() || pathOf(slots_[at]) != next) {
      // Directories need not have their own entry in a layer.
      const size_t child = lowerBound(next + "/");
      if (child < slots_.size() && pathOf(slots_[child]).compare(0, next.size() + 1, next + "/") == 0 && !pending.empty()) {
        current = next;
        continue;
      }
      return std::nullopt;
    }
    const InventoryEntry found = entryOf(at);
    if (found.entry.type == LayerEntry::Type::Symlink) {
      if (++links > 40) return std::nullopt;
      const std::string target = found.entry.linkTarget;
      if (!target.empty() && target[0] == '/') current.clear();
      push(target);  // walk the target's components, then whatever followed the link
      continue;
    }
    current = next;
  }
  return current;
}

std::optional<InventoryEntry> FileInventory::find(const std::string& path) const {
  const std::string normal = normalisePath(path);
  const size_t at = lowerBound(normal);
  if (at == slots_.size() || pathOf(slots_[at]) != normal) return std::nullopt;
  return entryOf(at);
}

std::optional<InventoryEntry> FileInventory::findResolved(const std::string& path) const {
  const auto resolved = resolve(path);
  return resolved ? find(*resolved) : std::nullopt;
}

size_t FileInventory::fileCount() const {
  size_t n = 0;
  for (size_t at = 0; at < slots_.size(); ++at) n += entryOf(at).entry.type == LayerEntry::Type::File ? 1 : 0;
  return n;
}

}  // namespace mal::image
