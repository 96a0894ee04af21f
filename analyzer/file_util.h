// Whole-file reads and atomic writes, and where the on-disk caches live (per-layer
// results, registry documents, base-image answers). For a cache, a file that cannot be
// read is a miss and one that cannot be written is skipped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace mal {

// $XDG_CACHE_HOME/multiarch-lint, else ~/.cache/multiarch-lint; "" when neither is set.
// A relative XDG_CACHE_HOME is ignored, as the XDG spec says (it would write into
// whatever directory the command runs in).
std::string cacheRoot();

// The default bound on a cache's size (the layer results and the registry documents
// together); `--cache-max` and `cache prune` change it.
inline constexpr uint64_t kDefaultCacheMaxBytes = 512ull * 1024 * 1024;

// A cache entry's bytes, when it may be trusted at all: a regular file (not a symlink, a
// FIFO or a directory), owned by this user, writable by no one else, at most maxBytes.
// Anything else is removed (so it is recomputed and rewritten) and nullopt returned.
// A hit refreshes the file's mtime: the cache's least-recently-used order.
std::optional<std::string> readCacheEntry(const std::string& path, size_t maxBytes);

struct PruneResult {
  uint64_t bytesBefore = 0, bytesAfter = 0;
  size_t removed = 0;
};
// Removes the least recently used entries under `root` until the files there take at most
// maxBytes, and stale temporaries of writes that died. Safe while other scans use the cache:
// entries are replaced by rename, and a reader of a removed entry just misses.
PruneResult pruneCache(const std::string& root, uint64_t maxBytes);

// The whole file; nullopt when it is absent or unreadable.
std::optional<std::string> readWholeFile(const std::string& path);

// Writes aside, then renames, so a reader (another process, another thread) never sees
// half a file; creates the parent directories. False when it could not be written.
bool writeFileAtomically(const std::string& path, const std::string& bytes);
// The same with the bytes in pieces (a header and a large body, never joined in memory).
bool writeFileAtomically(const std::string& path, std::initializer_list<std::string_view> pieces);

}  // namespace mal
