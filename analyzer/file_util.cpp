#include "analyzer/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <vector>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mal {

namespace fs = std::filesystem;

std::string cacheRoot() {
  // The XDG base directory spec: a relative path in XDG_CACHE_HOME is invalid and ignored
  // (it would put the cache in whatever directory the tool runs from).
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') return std::string(xdg) + "/multiarch-lint";
  if (const char* home = std::getenv("HOME"); home && home[0] == '/') return std::string(home) + "/.cache/multiarch-lint";
  return {};
}

std::optional<std::string> readWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::stringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return bytes.str();
}

bool writeFileAtomically(const std::string& path, const std::string& bytes) {
  return writeFileAtomically(path, {std::string_view(bytes)});
}

bool writeFileAtomically(const std::string& path, std::initializer_list<std::string_view> pieces) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return false;
  // Unique per process and per write: two threads may store the same entry at once.
  static std::atomic<unsigned> sequence{0};
  const std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(sequence++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    for (const auto piece : pieces) {
      if (out) out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    }
    if (!out) {
      fs::remove(temporary, ec);
      return false;
    }
  }
  fs::rename(temporary, path, ec);
  if (ec) fs::remove(temporary, ec);
  return !ec;
}

std::optional<std::string> readCacheEntry(const std::string& path, size_t maxBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    std::error_code ec;
    // ELOOP: the entry is a symlink. Drop it, so the next write puts a real entry there.
    if (errno == ELOOP || errno == ENXIO) fs::remove(path, ec);
    return std::nullopt;
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } guard{fd};
  struct stat st {};
  const bool trusted = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
                       (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && static_cast<uint64_t>(st.st_size) <= maxBytes;
  std::string bytes;
  if (trusted) {
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got == bytes.size()) {
      ::futimens(fd, nullptr);  // now: most recently used
      return bytes;
    }
  }
  std::error_code ec;
  fs::remove_all(path, ec);
  return std::nullopt;
}

PruneResult pruneCache(const std::string& root, uint64_t maxBytes) {
  PruneResult result;
  if (root.empty()) return result;
  struct Entry {
    fs::path path;
    uint64_t size;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  const auto staleBefore = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e;
    if (!it->is_regular_file(e) || it->is_symlink(e)) continue;
    const uint64_t size = it->file_size(e);
    const auto used = it->last_write_time(e);
    if (e) continue;
    result.bytesBefore += size;
    if (it->path().filename().string().find(".tmp.") != std::string::npos && used < staleBefore) {
      if (fs::remove(it->path(), e)) ++result.removed;
      continue;
    }
    entries.push_back({it->path(), size, used});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  uint64_t total = 0;
  for (const auto& e : entries) total += e.size;
  for (const auto& e : entries) {
    if (total <= maxBytes) break;
    std::error_code removeError;
    if (fs::remove(e.path, removeError)) {
      total -= e.size;
      ++result.removed;
    }
  }
  result.bytesAfter = total;
  return result;
}

}  // namespace mal
