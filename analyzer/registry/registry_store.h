// A registry image as a BlobStore, so `scan` and `manifest` read it exactly as they read
// an OCI layout: "index.json" is made from the manifest the reference resolves to, and
// "blobs/sha256/<hex>" come from the registry (manifests from /manifests/, everything
// else from /blobs/). Manifests and configs are kept in an on-disk content-addressed
// cache (verified on every read); layers stream from the registry into the layer walker
// and their results are cached by digest, so a second scan downloads no layer.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "analyzer/image/image_reader.h"
#include "analyzer/registry/client.h"

namespace mal::registry {

class RegistryStore : public image::BlobStore {
 public:
  // cacheRoot: where documents are kept (blobs/sha256/...); empty: no document cache.
  RegistryStore(RegistryClient& client, Reference ref, std::string cacheRoot);

  std::string describe() const override { return ref_.str(); }
  bool has(const std::string& key) const override;
  std::optional<std::string> readFile(const std::string& key, size_t maxBytes, std::string& error) override;
  std::string indexLabel() const override { return ""; }
  bool randomAccess() const override { return true; }
  bool servesByDigest() const override { return true; }
  void streamFiles(const std::set<std::string>& keys,
                   const std::function<void(const std::string& key, image::ByteSource& source)>& visit) override;

 private:
  std::string document(const std::string& digest, size_t maxBytes);
  void learnManifests(const std::string& bytes);  // an index's entries are manifests
  std::optional<std::string> cached(const std::string& digest) const;
  void keep(const std::string& digest, const std::string& bytes) const;  // on disk
  void remember(const std::string& digest, const std::string& bytes);    // on disk and for this run

  RegistryClient& client_;
  Reference ref_;
  std::string cacheRoot_;
  std::mutex mutex_;
  std::set<std::string> manifestDigests_;
  std::map<std::string, std::string> documents_;  // this run's verified documents, by digest
};

}  // namespace mal::registry
