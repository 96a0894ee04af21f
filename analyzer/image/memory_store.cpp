#include "analyzer/image/memory_store.h"

#include <algorithm>
#include <cstring>

#include "analyzer/image/streams.h"

namespace mal::image {

namespace {

class StringSource : public ByteSource {
 public:
  explicit StringSource(const std::string& bytes) : bytes_(bytes) {}
  size_t read(char* buffer, size_t n) override {
    const size_t count = std::min(n, bytes_.size() - at_);
    std::memcpy(buffer, bytes_.data() + at_, count);
    at_ += count;
    return count;
  }

 private:
  const std::string& bytes_;
  size_t at_ = 0;
};

}  // namespace

std::string MemoryStore::put(const std::string& bytes) {
  std::string digest = digestOf(bytes);
  files_["blobs/sha256/" + digest.substr(7)] = bytes;
  return digest;
}

std::optional<std::string> MemoryStore::readFile(const std::string& key, size_t maxBytes, std::string& error) {
  const auto it = files_.find(key);
  if (it == files_.end()) {
    error = key + ": not in the layout";
    return std::nullopt;
  }
  if (it->second.size() > maxBytes) {
    error = key + ": larger than " + std::to_string(maxBytes) + " bytes";
    return std::nullopt;
  }
  return it->second;
}

void MemoryStore::streamFiles(const std::set<std::string>& keys,
                              const std::function<void(const std::string& key, ByteSource& source)>& visit) {
  for (const auto& key : keys) {
    const auto it = files_.find(key);
    if (it == files_.end()) continue;
    StringSource source(it->second);
    visit(key, source);
  }
}

}  // namespace mal::image
