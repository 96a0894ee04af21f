#include "analyzer/file_util.h"

#include <unistd.h>

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
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return false;
  // Unique per process and per write: two threads may store the same entry at once.
  static std::atomic<unsigned> sequence{0};
  const std::string temporary = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(sequence++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (out) out << bytes;
    if (!out) {
      fs::remove(temporary, ec);
      return false;
    }
  }
  fs::rename(temporary, path, ec);
  if (ec) fs::remove(temporary, ec);
  return !ec;
}

}  // namespace mal
