// Reads a built image, per platform, without a Docker engine: OCI layouts (a directory or
// a tar), `docker save` archives (the legacy manifest.json form and Docker 25+'s OCI
// form). Every blob is verified against its digest as it streams; each layer is read
// once, however many platforms share it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/image/layer.h"
#include "analyzer/image/oci.h"

namespace mal::image {

// Where blobs come from. The registry client plugs in here: it serves the same keys
// ("index.json", "blobs/sha256/<hex>") from a registry.
class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual std::string describe() const = 0;
  virtual bool has(const std::string& key) const = 0;
  // A small document; nullopt with `error` when absent, unreadable or larger than maxBytes.
  virtual std::optional<std::string> readFile(const std::string& key, size_t maxBytes, std::string& error) = 0;
  // How errors reading "index.json" are introduced: a registry has no such file (its
  // errors name the registry and the reference themselves).
  virtual std::string indexLabel() const { return "index.json: "; }
  // Can files be opened independently (and so read in parallel)?
  virtual bool randomAccess() const { return false; }
  // Does the store serve blobs by their digest from a source that is itself checked on
  // every download (a registry)? Then a cached layer result stands for the blob without
  // downloading it again. A local layout or archive is always hashed, hit or not.
  virtual bool servesByDigest() const { return false; }
  // Streams each of `keys` once, in the store's own order (one pass over a tar).
  virtual void streamFiles(const std::set<std::string>& keys,
                           const std::function<void(const std::string& key, ByteSource& source)>& visit) = 0;
};

// The largest JSON document (index, manifest, config) read into memory.
inline constexpr size_t kMaxDocumentBytes = 4 * 1024 * 1024;
// All the indexes and manifests of one image together (scan and manifest stop there).
inline constexpr size_t kMaxDocumentTotal = 64 * 1024 * 1024;

// "sha256:<hex>" -> "blobs/sha256/<hex>", the blob's key in a store.
std::string blobKey(const std::string& digest);
// The reverse: "blobs/sha256/<hex>" -> "sha256:<hex>"; nullopt for any other key.
std::optional<std::string> digestOfBlobKey(const std::string& key);

// A small blob by descriptor, checked against its digest and size. The bytes come back
// whenever they could be read; `mismatch` is set (with `error`) when they are not what
// the descriptor says, so the index rules can still report what the blob declares.
std::optional<std::string> fetchBlob(BlobStore& store, const Descriptor& d, std::string& error, bool& mismatch);

// A directory or a tar file, whichever `input` is; throws StreamError when it is neither.
std::unique_ptr<BlobStore> openBlobStore(const std::string& input);

struct LayerRef {
  std::string key;             // the blob's key in the store
  std::string expectedDigest;  // of the stored bytes (OCI), or of the tar (legacy docker save)
  int64_t size = -1;
};

struct PlatformImage {
  Platform platform;
  std::string manifestDigest;  // empty for a legacy docker-save image
  Config config;
  std::vector<LayerRef> layers;
  FileInventory inventory;
  std::string error;  // set when this platform could not be analysed
};

// What a scan did, for the benchmarks and the tests that show the cache works.
struct ScanCounters {
  size_t layersRead = 0;  // decompressed and walked
  size_t layersFromCache = 0;
};

struct ScannedImage {
  std::string input;
  std::string kind;  // "oci-layout", "docker-archive"
  std::vector<PlatformImage> platforms;
  size_t attestations = 0;
  std::vector<std::string> errors;  // problems with the input as a whole
  ScanCounters counters;
};

struct ScanOptions {
  std::vector<Platform> platforms;  // empty: every platform in the image
  LayerLimits limits;
  std::string cacheDirectory;  // per-layer results by digest; empty: no cache
  unsigned threads = 0;        // layers read at once; 0: one per core
  // Called after each layer is read (done, total); the CLI draws a progress line.
  std::function<void(size_t done, size_t total)> progress;
};

ScannedImage scanImage(const std::string& input, const ScanOptions& options = {});
// The same on an already opened store (a registry, a test's in-memory archive).
ScannedImage scanImage(BlobStore& store, const std::string& input, const ScanOptions& options = {});

}  // namespace mal::image
