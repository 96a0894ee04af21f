// Whole-file reads and atomic writes, and where the on-disk caches live (per-layer
// results, registry documents, base-image answers). For a cache, a file that cannot be
// read is a miss and one that cannot be written is skipped.
#pragma once

#include <optional>
#include <string>

namespace mal {

// $XDG_CACHE_HOME/multiarch-lint, else ~/.cache/multiarch-lint; "" when neither is set.
std::string cacheRoot();

// The whole file; nullopt when it is absent or unreadable.
std::optional<std::string> readWholeFile(const std::string& path);

// Writes aside, then renames, so a reader (another process, another thread) never sees
// half a file; creates the parent directories. False when it could not be written.
bool writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace mal
