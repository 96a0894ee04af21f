#include "analyzer/image/layer.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>

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
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

struct ArchiveHandle {
  struct archive* a = archive_read_new();
  ~ArchiveHandle() { archive_read_free(a); }
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
    const la_ssize_t got = archive_read_data(a_, buffer, n);
    if (got < 0) throw StreamError(std::string("damaged tar archive: ") + archive_error_string(a_));
    return static_cast<size_t>(got);
  }

 private:
  struct archive* a_;
  std::string head_;
  size_t pos_ = 0;
};

// A JAR or wheel, streamed from the layer: the machine of every native library inside
// (only its ELF header is read). A damaged zip ends the look, not the layer.
void inspectBundle(struct archive* outer, const std::string& head, LayerEntry& e) {
  EntryRestSource rest(outer, head);
  ReadContext ctx{&rest};
  ArchiveHandle zip;
  archive_read_support_format_zip_streamable(zip.a);
  if (archive_read_open(zip.a, &ctx, nullptr, readCallback, nullptr) != ARCHIVE_OK) return;
  struct archive_entry* entry = nullptr;
  size_t seen = 0;
  while (archive_read_next_header(zip.a, &entry) == ARCHIVE_OK && ++seen < 200000) {
    const char* name = archive_entry_pathname(entry);
    if (!name || !isNativeLibraryName(name)) continue;
    char header[64];
    const la_ssize_t got = archive_read_data(zip.a, header, sizeof header);
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
  if (!ctx.error.empty()) throw StreamError(ctx.error);  // the layer itself failed, not the zip
}

bool keepsContent(const std::string& path) {
  return path == "etc/ld.so.conf" || path.rfind("etc/ld.so.conf.d/", 0) == 0 ||
         (path.rfind("etc/ld-musl-", 0) == 0 && path.size() > 5 && path.compare(path.size() - 5, 5, ".path") == 0);
}

}  // namespace

LayerContents readLayer(ByteSource& source, const LayerLimits& limits) {
  DecompressingSource decompressed(source);
  LimitedSource bounded(decompressed, limits.maxUncompressed, "the uncompressed layer");
  ReadContext ctx{&bounded};
  ArchiveHandle handle;
  archive_read_support_format_tar(handle.a);
  archive_read_support_format_gnutar(handle.a);
  if (archive_read_open(handle.a, &ctx, nullptr, readCallback, nullptr) != ARCHIVE_OK) {
    throw StreamError(ctx.error.empty() ? std::string("not a tar archive: ") + archive_error_string(handle.a) : ctx.error);
  }
  LayerContents layer;
  struct archive_entry* entry = nullptr;
  std::string data;
  while (true) {
    const int rc = archive_read_next_header(handle.a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      throw StreamError(!ctx.error.empty() ? ctx.error : std::string("damaged tar archive: ") + archive_error_string(handle.a));
    }
    if (layer.entries.size() >= limits.maxEntries) throw StreamError("the layer has more than the limit of entries");
    const char* rawName = archive_entry_pathname(entry);
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
    e.mode = archive_entry_perm(entry);
    e.size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
    if (const char* hard = archive_entry_hardlink(entry)) {
      e.type = LayerEntry::Type::Hardlink;
      e.linkTarget = normalisePath(hard);
    } else {
      switch (archive_entry_filetype(entry)) {
        case AE_IFREG: e.type = LayerEntry::Type::File; break;
        case AE_IFDIR: e.type = LayerEntry::Type::Directory; break;
        case AE_IFLNK:
          e.type = LayerEntry::Type::Symlink;
          e.linkTarget = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
          break;
        default: e.type = LayerEntry::Type::Other;
      }
    }
    if (e.type == LayerEntry::Type::File && !e.whiteout && e.size > 0) {
      // Read the head; keep reading only what the rules need (ELF files, small configs).
      char head[256];
      la_ssize_t got = archive_read_data(handle.a, head, sizeof head);
      if (got < 0) throw StreamError(!ctx.error.empty() ? ctx.error : std::string("damaged tar archive: ") + archive_error_string(handle.a));
      const std::string_view start(head, static_cast<size_t>(got));
      if (elf::hasElfMagic(start)) {
        e.isElf = true;
        if (e.size > limits.maxElfBytes) {
          e.elfError = "not examined: larger than the bound on ELF bytes read";
        } else {
          data.assign(start);
          data.reserve(e.size);
          char buffer[65536];
          while ((got = archive_read_data(handle.a, buffer, sizeof buffer)) > 0) data.append(buffer, static_cast<size_t>(got));
          if (got < 0) throw StreamError(!ctx.error.empty() ? ctx.error : std::string("damaged tar archive: ") + archive_error_string(handle.a));
          auto result = elf::readElf(data);
          if (result.facts) e.elf = std::move(result.facts);
          else e.elfError = result.error;
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
        while ((got = archive_read_data(handle.a, buffer, sizeof buffer)) > 0) e.content.append(buffer, static_cast<size_t>(got));
      }
    }
    layer.entries.push_back(std::move(e));
  }
  // Read to the end of the blob, so its digest covers every byte.
  source.drain();
  layer.uncompressedBytes = static_cast<uint64_t>(archive_filter_bytes(handle.a, -1));
  return layer;
}

void FileInventory::apply(const LayerContents& layer, size_t layerIndex) {
  // Whiteouts and opaque markers remove what lower layers put there, before this
  // layer's own entries land (the order inside one layer does not matter).
  auto removeBelow = [&](const std::string& dir, bool includeSelf) {
    const std::string prefix = dir.empty() ? "" : dir + "/";
    auto it = entries_.lower_bound(prefix);
    while (it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
      if (it->second.layer < layerIndex) it = entries_.erase(it);
      else ++it;
    }
    if (includeSelf) {
      auto self = entries_.find(dir);
      if (self != entries_.end() && self->second.layer < layerIndex) entries_.erase(self);
    }
  };
  for (const auto& e : layer.entries) {
    if (e.opaque) removeBelow(e.path, false);
    if (e.whiteout) removeBelow(e.path, true);
  }
  for (const auto& e : layer.entries) {
    if (e.whiteout || e.opaque || e.path.empty()) continue;
    InventoryEntry item{e, layerIndex};
    if (e.type == LayerEntry::Type::Hardlink) {
      // A hard link shares its target's contents (written earlier in this or a lower layer).
      if (const auto it = entries_.find(e.linkTarget); it != entries_.end()) {
        item.entry = it->second.entry;
        item.entry.path = e.path;
      }
    }
    entries_[e.path] = std::move(item);
  }
}

const InventoryEntry* FileInventory::find(const std::string& path) const {
  const auto it = entries_.find(normalisePath(path));
  return it == entries_.end() ? nullptr : &it->second;
}

std::optional<std::string> FileInventory::resolve(const std::string& input) const {
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
  push(input);
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
    const auto it = entries_.find(next);
    if (it == entries_.end()) {
      // Directories need not have their own entry in a layer.
      const auto child = entries_.lower_bound(next + "/");
      if (child != entries_.end() && child->first.compare(0, next.size() + 1, next + "/") == 0 && !pending.empty()) {
        current = next;
        continue;
      }
      return std::nullopt;
    }
    if (it->second.entry.type == LayerEntry::Type::Symlink) {
      if (++links > 40) return std::nullopt;
      const std::string& target = it->second.entry.linkTarget;
      if (!target.empty() && target[0] == '/') current.clear();
      push(target);  // walk the target's components, then whatever followed the link
      continue;
    }
    current = next;
  }
  return current;
}

const InventoryEntry* FileInventory::findResolved(const std::string& path) const {
  const auto resolved = resolve(path);
  return resolved ? find(*resolved) : nullptr;
}

size_t FileInventory::fileCount() const {
  size_t n = 0;
  for (const auto& [path, item] : entries_) n += item.entry.type == LayerEntry::Type::File ? 1 : 0;
  return n;
}

}  // namespace mal::image
