// A blob store held in memory: an OCI layout's index.json and blobs/<algorithm>/<hex>, as
// documents built by the program itself (the index rules' runnable examples), read by the
// same reader as a layout on disk.
#pragma once

#include <map>
#include <string>

#include "analyzer/image/image_reader.h"

namespace mal::image {

class MemoryStore : public BlobStore {
 public:
  // Keeps `bytes` under its sha256 digest (blobs/sha256/<hex>) and returns the digest.
  std::string put(const std::string& bytes);
  // Puts `bytes` under `key` as they are (index.json, or a blob whose bytes lie about its digest).
  void set(const std::string& key, std::string bytes) { files_[key] = std::move(bytes); }
  const std::string& at(const std::string& key) const { return files_.at(key); }

  std::string describe() const override { return "an in-memory layout"; }
  bool has(const std::string& key) const override { return files_.count(key) > 0; }
  std::optional<std::string> readFile(const std::string& key, size_t maxBytes, std::string& error) override;
  void streamFiles(const std::set<std::string>& keys,
                   const std::function<void(const std::string& key, ByteSource& source)>& visit) override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace mal::image
