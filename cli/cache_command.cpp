// `multiarch-lint cache prune`, and the bound every scan and manifest run keeps the cache
// under (least recently used entries go first; analyzer/file_util.h).
#include <ostream>

#include "analyzer/file_util.h"
#include "cli/commands.h"

namespace mal::cli {

std::optional<uint64_t> parseByteSize(const std::string& text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  size_t digits = 0;
  uint64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[digits++] - '0');
  }
  if (digits == 0) return std::nullopt;
  std::string unit = text.substr(digits);
  if (unit.size() == 2 && (unit[1] == 'B' || unit[1] == 'b')) unit.pop_back();  // "512MB"
  int shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M" || unit == "m") shift = 20;
  else if (unit == "G" || unit == "g") shift = 30;
  else if (!unit.empty() && unit != "B" && unit != "b") return std::nullopt;
  if (shift && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

namespace {

std::optional<uint64_t> boundOf(const std::string& cacheMax, std::ostream& err) {
  if (cacheMax.empty()) return kDefaultCacheMaxBytes;
  const auto bytes = parseByteSize(cacheMax);
  if (!bytes) err << "multiarch-lint: --cache-max: '" << cacheMax << "' is not a size (e.g. 512M, 2G)\n";
  return bytes;
}

}  // namespace

bool boundCache(const std::string& cacheMax, std::ostream& err) {
  const auto bytes = boundOf(cacheMax, err);
  if (!bytes) return false;
  pruneCache(cacheRoot(), *bytes);
  return true;
}

int runCachePrune(const CacheOptions& options, Streams streams) {
  const auto bytes = boundOf(options.cacheMax, streams.err);
  if (!bytes) return kExitInputError;
  const std::string root = cacheRoot();
  if (root.empty()) {
    streams.err << "multiarch-lint: no cache: neither XDG_CACHE_HOME (absolute) nor HOME is set\n";
    return kExitInputError;
  }
  const auto result = pruneCache(root, *bytes);
  streams.out << root << ": removed " << result.removed << " entries; " << result.bytesAfter << " bytes kept of "
              << result.bytesBefore << " (bound " << *bytes << ")\n";
  return kExitClean;
}

}  // namespace mal::cli
