#include "analyzer/image/image_reader.h"
#include "analyzer/image/archive_api.h"
#include "analyzer/image/layer_cache.h"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace mal::image {
namespace {

constexpr size_t kKeepInMemory = 4 * 1024 * 1024;   // tar entries up to this are read in pass 1 ...
constexpr size_t kMemoryBudget = 48 * 1024 * 1024;  // ... while they fit in this much memory

std::string keyOf(const std::string& name) { return normalisePath(name); }

class DirectoryStore : public BlobStore {
 public:
  explicit DirectoryStore(std::string root) : root_(std::move(root)) {}
  std::string describe() const override { return "OCI layout directory " + root_; }
  bool randomAccess() const override { return true; }
  bool has(const std::string& key) const override {
    std::error_code ec;
    return fs::is_regular_file(fs::path(root_) / key, ec);
  }
  std::optional<std::string> readFile(const std::string& key, size_t maxBytes, std::string& error) override {
    try {
      FileSource source(openRegularFile(root_, key), key);
      std::string bytes;
      char buffer[65536];
      for (size_t got; (got = source.read(buffer, sizeof buffer)) > 0;) {
        if (bytes.size() + got > maxBytes) {
          error = "'" + key + "' is larger than " + std::to_string(maxBytes) + " bytes";
          return std::nullopt;
        }
        bytes.append(buffer, got);
      }
      return bytes;
    } catch (const StreamError& e) {
      error = e.what();
      return std::nullopt;
    }
  }
  void streamFiles(const std::set<std::string>& keys,
                   const std::function<void(const std::string&, ByteSource&)>& visit) override {
    for (const auto& key : keys) {
      FileSource source(openRegularFile(root_, key), key);
      visit(key, source);
    }
  }

 private:
  std::string root_;
};

// The data of the current entry of an archive being read.
class ArchiveEntrySource : public ByteSource {
 public:
  explicit ArchiveEntrySource(struct archive* a) : a_(a) {}
  size_t read(char* buffer, size_t n) override {
    const la_ssize_t got = libarchive().read_data(a_, buffer, n);
    if (got < 0) throw StreamError(std::string("damaged archive: ") + libarchive().error_string(a_));
    return static_cast<size_t>(got);
  }

 private:
  struct archive* a_;
};

class TarStore : public BlobStore {
 public:
  explicit TarStore(std::string path) : path_(std::move(path)) {
    // Pass 1: small entries (the JSON documents, small layers) into memory; the names of
    // the large ones for pass 2.
    forEachEntry([&](const std::string& key, struct archive* a, int64_t size) {
      if (size <= static_cast<int64_t>(kKeepInMemory) && held_ + static_cast<size_t>(size) <= kMemoryBudget) {
        held_ += static_cast<size_t>(size);
        std::string bytes;
        bytes.reserve(static_cast<size_t>(size));
        ArchiveEntrySource source(a);
        char buffer[65536];
        for (size_t got; (got = source.read(buffer, sizeof buffer)) > 0;) bytes.append(buffer, got);
        small_[key] = std::move(bytes);
      } else {
        large_.insert(key);
      }
    });
  }
  std::string describe() const override { return "archive " + path_; }
  bool has(const std::string& name) const override {
    const std::string key = follow(name);
    return small_.count(key) || large_.count(key);
  }
  std::optional<std::string> readFile(const std::string& name, size_t maxBytes, std::string& error) override {
    const std::string key = follow(name);
    const auto it = small_.find(key);
    if (it == small_.end()) {
      error = large_.count(key) ? "'" + key + "' is larger than " + std::to_string(maxBytes) + " bytes"
                                : "'" + key + "' is missing from the archive";
      return std::nullopt;
    }
    if (it->second.size() > maxBytes) {
      error = "'" + key + "' is larger than " + std::to_string(maxBytes) + " bytes";
      return std::nullopt;
    }
    return it->second;
  }
  void streamFiles(const std::set<std::string>& keys,
                   const std::function<void(const std::string&, ByteSource&)>& visit) override {
    std::map<std::string, std::vector<std::string>> pending;  // stored entry -> the names asked for it
    for (const auto& name : keys) {
      const std::string key = follow(name);
      if (const auto it = small_.find(key); it != small_.end()) {
        MemorySource source(it->second);
        visit(name, source);
      } else if (large_.count(key)) {
        pending[key].push_back(name);
      } else {
        throw StreamError("'" + name + "' is missing from the archive");
      }
    }
    if (pending.empty()) return;
    forEachEntry([&](const std::string& key, struct archive* a, int64_t) {
      const auto it = pending.find(key);
      if (it == pending.end()) return;
      // Two names for one stored entry (a link and its target) cannot both stream in one
      // pass; the keys are layer blobs, read once each by their digest, so one suffices.
      ArchiveEntrySource source(a);
      visit(it->second.front(), source);
      pending.erase(it);
    });
  }

 private:
  template <typename Visit>
  void forEachEntry(Visit visit) {
    struct archive* a = libarchive().read_new();
    struct Free {
      struct archive* a;
      ~Free() { libarchive().read_free(a); }
    } guard{a};
    libarchive().read_support_format_tar(a);
    libarchive().read_support_format_gnutar(a);
    libarchive().read_support_filter_gzip(a);
    if (libarchive().read_open_filename(a, path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      throw StreamError(std::string("not a tar archive: ") + libarchive().error_string(a));
    }
    struct archive_entry* entry = nullptr;
    size_t count = 0;
    while (true) {
      const int rc = libarchive().read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN) throw StreamError(std::string("damaged archive: ") + libarchive().error_string(a));
      if (++count > 100000) throw StreamError("the archive has more than 100000 entries");
      if (!libarchive().entry_pathname(entry)) continue;
      if (libarchive().entry_filetype(entry) == AE_IFLNK && libarchive().entry_symlink(entry)) {
        // `docker save` links a layer that two images share; followed inside the archive
        // only (an absolute or escaping target names nothing here).
        const std::string key = keyOf(libarchive().entry_pathname(entry)), target = libarchive().entry_symlink(entry);
        const size_t slash = key.rfind('/');
        const std::string joined = (slash == std::string::npos ? "" : key.substr(0, slash + 1)) + target;
        if (!target.empty() && target[0] != '/' && !escapes(joined)) links_[key] = keyOf(joined);
        continue;
      }
      if (libarchive().entry_filetype(entry) != AE_IFREG) continue;
      visit(keyOf(libarchive().entry_pathname(entry)), a, libarchive().entry_size(entry));
    }
  }

  // Does a relative path climb above the archive's root?
  static bool escapes(const std::string& path) {
    int depth = 0;
    size_t start = 0;
    while (start <= path.size()) {
      size_t slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      const std::string part = path.substr(start, slash - start);
      if (part == "..") {
        if (--depth < 0) return true;
      } else if (!part.empty() && part != ".") {
        ++depth;
      }
      start = slash + 1;
    }
    return false;
  }
  // A name through the archive's links (at most 8, so a loop ends).
  std::string follow(std::string key) const {
    for (int hops = 0; hops < 8; ++hops) {
      const auto it = links_.find(key);
      if (it == links_.end()) break;
      key = it->second;
    }
    return key;
  }

  std::string path_;
  std::map<std::string, std::string> links_;  // symlink entry -> its target's key
  std::map<std::string, std::string> small_;
  std::set<std::string> large_;
  size_t held_ = 0;
};

// A small blob, or nullopt when it is missing or not what its descriptor says.
std::optional<std::string> readBlob(BlobStore& store, const Descriptor& d, std::string& error) {
  bool mismatch = false;
  auto bytes = fetchBlob(store, d, error, mismatch);
  return mismatch ? std::nullopt : bytes;
}

bool wanted(const ScanOptions& options, const Platform& p) {
  if (options.platforms.empty()) return true;
  return std::any_of(options.platforms.begin(), options.platforms.end(),
                     [&](const Platform& w) { return platformMatches(p, w); });
}

// How far scan follows an image graph: nested indexes below index.json, and documents
// (indexes and manifests) read in all. Each digest is visited once, so a graph that
// shares one child many times (or fans out 20 ways 5 deep over the same documents) costs
// one read per distinct document. Whatever lies past a bound is an error, never skipped
// silently.
constexpr int kMaxIndexDepth = 4;
constexpr size_t kMaxDocuments = 4096;

struct IndexWalk {
  BlobStore& store;
  const ScanOptions& options;
  ScannedImage& out;
  std::set<std::string> visited;  // digests of the documents already read
  size_t documents = 0;
  size_t documentBytes = 0;
};

// The media type without parameters and spaces, lower case: "application/vnd.oci.image.
// manifest.v1+json; charset=utf-8" is a manifest.
std::string bareMediaType(const std::string& type) {
  std::string bare = type.substr(0, type.find(';'));
  bare.erase(std::remove_if(bare.begin(), bare.end(), [](unsigned char c) { return std::isspace(c); }), bare.end());
  std::transform(bare.begin(), bare.end(), bare.begin(), [](unsigned char c) { return std::tolower(c); });
  return bare;
}

// A BuildKit attestation is a manifest of in-toto statements. An annotation alone does not
// make one: a real platform manifest annotated as an attestation is scanned.
bool holdsOnlyStatements(const Manifest& m) {
  return !m.layers.empty() && std::all_of(m.layers.begin(), m.layers.end(), [](const Descriptor& l) {
    return bareMediaType(l.mediaType).rfind("application/vnd.in-toto", 0) == 0;
  });
}

void addOciManifest(IndexWalk& walk, const Descriptor& d, const std::string& manifestJson) {
  PlatformImage image;
  image.manifestDigest = d.digest;
  std::string error;
  const auto manifest = parseManifest(manifestJson, error);
  if (manifest && d.isAttestation() && holdsOnlyStatements(*manifest)) {
    ++walk.out.attestations;
    return;
  }
  const auto configJson = manifest ? readBlob(walk.store, manifest->config, error) : std::nullopt;
  const auto config = configJson ? parseConfig(*configJson, error) : std::nullopt;
  if (config) image.config = *config;
  const auto platform = d.platform ? d.platform : (config ? config->platform() : std::nullopt);
  if (platform) image.platform = *platform;
  if (platform && !wanted(walk.options, *platform)) return;
  if (!config) {
    image.error = "manifest " + d.digest + ": " + error;
  } else if (!platform || platform->architecture.empty()) {
    image.error = "manifest " + d.digest + ": no architecture in its descriptor or config, so its binaries cannot be judged";
  } else {
    for (const auto& layer : manifest->layers) image.layers.push_back({blobKey(layer.digest), layer.digest, layer.size});
  }
  walk.out.platforms.push_back(std::move(image));
}

void addOciIndex(IndexWalk& walk, const Index& index, int depth) {
  for (const auto& d : index.manifests) {
    if (d.rawPlatform == "unknown/unknown" && d.isAttestation()) {
      ++walk.out.attestations;  // BuildKit's own attestations: never a platform
      continue;
    }
    if (!walk.visited.insert(d.digest).second) continue;
    if (++walk.documents > kMaxDocuments) {
      walk.out.errors.push_back("the image graph holds more than " + std::to_string(kMaxDocuments) +
                                " documents: the rest are not read");
      return;
    }
    const std::string type = bareMediaType(d.mediaType);
    const bool known = isIndexMediaType(type) || isManifestMediaType(type);
    // Anything that is not plainly a layer or a config may be a platform whose descriptor
    // lies about its type (application/json, a charset parameter): its content decides.
    if (!known && !type.empty() && type != "application/json" && type != "application/octet-stream" &&
        (type.find(".layer.") != std::string::npos || type.find(".config.") != std::string::npos)) {
      continue;
    }
    std::string error;
    const auto json = readBlob(walk.store, d, error);
    if (!json) {
      walk.out.errors.push_back((isIndexMediaType(type) ? "index " : "manifest ") + d.digest + ": " + error);
      continue;
    }
    if ((walk.documentBytes += json->size()) > kMaxDocumentTotal) {
      walk.out.errors.push_back("the image's indexes and manifests take more than " + std::to_string(kMaxDocumentTotal) +
                                " bytes: the rest are not read");
      return;
    }
    const std::string kind = known ? type : documentMediaType(*json, "");
    if (isIndexMediaType(kind)) {
      if (depth >= kMaxIndexDepth) {
        walk.out.errors.push_back("index " + d.digest + " is nested more than " + std::to_string(kMaxIndexDepth) +
                                  " levels deep: not followed");
        continue;
      }
      const auto nested = parseIndex(*json, error);
      if (!nested) {
        walk.out.errors.push_back("index " + d.digest + ": " + error);
        continue;
      }
      addOciIndex(walk, *nested, depth + 1);
    } else if (isManifestMediaType(kind)) {
      addOciManifest(walk, d, *json);
    }
  }
}

// Docker's legacy `docker save` layout: manifest.json lists configs and layer tars.
void addLegacyDockerArchive(BlobStore& store, const std::string& manifestJson, const ScanOptions& options, ScannedImage& out) {
  const auto json = nlohmann::json::parse(manifestJson, nullptr, false);
  if (!json.is_array()) {
    out.errors.push_back("manifest.json is not a JSON array");
    return;
  }
  for (const auto& item : json) {
    if (!item.is_object() || !item.contains("Config") || !item["Config"].is_string()) {
      out.errors.push_back("manifest.json has an entry without Config");
      continue;
    }
    PlatformImage image;
    std::string error;
    const std::string configKey = keyOf(item["Config"].get<std::string>());
    const auto configJson = store.readFile(configKey, kMaxDocumentBytes, error);
    const auto config = configJson ? parseConfig(*configJson, error) : std::nullopt;
    if (!config) {
      image.error = configKey + ": " + error;
      out.platforms.push_back(std::move(image));
      continue;
    }
    image.config = *config;
    if (const auto p = config->platform()) image.platform = *p;
    if (!wanted(options, image.platform)) continue;
    if (image.platform.architecture.empty()) {
      // Judging its binaries against an empty architecture would call every one foreign.
      image.error = configKey + ": no architecture in the config, so its binaries cannot be judged";
      out.platforms.push_back(std::move(image));
      continue;
    }
    // The config's file name is its digest; the layers are checked against its diff_ids.
    const std::string name = fs::path(configKey).filename().string();
    const std::string hex = name.substr(0, name.find('.'));
    if (hex.size() == 64 && digestOf(*configJson) != "sha256:" + hex) {
      image.error = configKey + " does not match the digest in its name";
    }
    std::vector<std::string> layers;
    if (item.contains("Layers") && item["Layers"].is_array()) {
      for (const auto& l : item["Layers"]) {
        if (l.is_string()) layers.push_back(keyOf(l.get<std::string>()));
      }
    }
    if (layers.size() != config->diffIds.size() && image.error.empty()) {
      image.error = "manifest.json lists " + std::to_string(layers.size()) + " layers, the config " +
                    std::to_string(config->diffIds.size()) + " diff_ids";
    }
    for (size_t i = 0; i < layers.size() && image.error.empty(); ++i) image.layers.push_back({layers[i], config->diffIds[i], -1});
    out.platforms.push_back(std::move(image));
  }
}

}  // namespace

std::string blobKey(const std::string& digest) {
  const size_t colon = digest.find(':');
  return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

std::optional<std::string> digestOfBlobKey(const std::string& key) {
  const std::string prefix = "blobs/";
  const size_t slash = key.find('/', prefix.size());
  if (key.rfind(prefix, 0) != 0 || slash == std::string::npos) return std::nullopt;
  return key.substr(prefix.size(), slash - prefix.size()) + ":" + key.substr(slash + 1);
}

std::optional<std::string> fetchBlob(BlobStore& store, const Descriptor& d, std::string& error, bool& mismatch) {
  auto bytes = store.readFile(blobKey(d.digest), kMaxDocumentBytes, error);
  if (!bytes) return std::nullopt;
  if (const std::string actual = digestOf(*bytes, d.digest.substr(0, d.digest.find(':'))); actual != d.digest) {
    mismatch = true;
    error = "blob " + d.digest + " does not match its digest (it hashes to " + actual + ")";
  } else if (d.size >= 0 && static_cast<int64_t>(bytes->size()) != d.size) {
    mismatch = true;
    error = "blob " + d.digest + " is " + std::to_string(bytes->size()) + " bytes, its descriptor says " + std::to_string(d.size);
  }
  return bytes;
}

std::unique_ptr<BlobStore> openBlobStore(const std::string& input) {
  std::error_code ec;
  if (fs::is_directory(input, ec)) return std::make_unique<DirectoryStore>(input);
  if (!fs::exists(input, ec)) throw StreamError("no such file or directory");
  // A FIFO or a device would block the reader or never end.
  if (!fs::is_regular_file(input, ec)) throw StreamError("not a regular file, a directory or an image reference");
  return std::make_unique<TarStore>(input);
}

ScannedImage scanImage(const std::string& input, const ScanOptions& options) {
  try {
    auto store = openBlobStore(input);
    return scanImage(*store, input, options);
  } catch (const StreamError& e) {
    ScannedImage out;
    out.input = input;
    out.errors.push_back(e.what());
    return out;
  }
}

ScannedImage scanImage(BlobStore& store, const std::string& input, const ScanOptions& options) {
  ScannedImage out;
  out.input = input;
  std::string error;
  if (store.has("index.json")) {
    out.kind = store.has("manifest.json") ? "docker-archive" : "oci-layout";
    const auto json = store.readFile("index.json", kMaxDocumentBytes, error);
    const auto index = json ? parseIndex(*json, error) : std::nullopt;
    if (!index) {
      out.errors.push_back(store.indexLabel() + error);
      return out;
    }
    IndexWalk walk{store, options, out};
    addOciIndex(walk, *index, 0);
  } else if (store.has("manifest.json")) {
    out.kind = "docker-archive";
    const auto json = store.readFile("manifest.json", kMaxDocumentBytes, error);
    if (!json) {
      out.errors.push_back(error);
      return out;
    }
    addLegacyDockerArchive(store, *json, options, out);
  } else {
    out.errors.push_back("neither an OCI layout (index.json) nor a docker-save archive (manifest.json)");
    return out;
  }

  // Each layer blob once, whatever number of platforms share it; its digest verified.
  std::map<std::string, std::string> expected;  // key -> digest
  for (const auto& p : out.platforms) {
    for (const auto& l : p.layers) expected[l.key] = l.expectedDigest;
  }
  // Shared: every platform's inventory refers into the layers it stacks, never copies them.
  std::map<std::string, std::shared_ptr<const LayerContents>> layers;
  std::map<std::string, std::string> layerErrors;
  const LayerCache cache(options.cacheDirectory);
  // One read per digest: two names for one layer (a docker-save link) share its result.
  std::set<std::string> keys;
  std::map<std::string, std::string> readAs, keyOfDigest;  // layer key -> the key streamed for its digest
  for (const auto& [key, digest] : expected) {
    if (!keyOfDigest.emplace(digest, key).second) {
      readAs[key] = keyOfDigest.at(digest);
      continue;
    }
    readAs[key] = key;
    // From a registry, a cached result saves the download too (see servesByDigest).
    if (store.servesByDigest()) {
      if (auto cached = cache.load(digest)) {
        layers[key] = std::make_shared<const LayerContents>(std::move(*cached));
        ++out.counters.layersFromCache;
        continue;
      }
    }
    keys.insert(key);
  }
  std::map<std::string, int64_t> sizes;  // what the descriptors say, when they do
  for (const auto& p : out.platforms) {
    for (const auto& l : p.layers) {
      if (l.size >= 0) sizes[l.key] = l.size;
    }
  }
  std::mutex mutex;  // guards layers, layerErrors, counters, progress
  size_t done = 0;
  // Every blob is streamed and hashed, cached or not: a cache entry saves decompressing
  // and walking the layer, never the check that the blob is there and is what its digest
  // says (a tampered or missing layer is an error even on a cache hit).
  auto readOne = [&](const std::string& key, ByteSource& raw) {
    struct Progress {
      std::mutex& mutex;
      size_t& done;
      size_t total;
      const ScanOptions& options;
      ~Progress() {
        std::lock_guard lock(mutex);
        ++done;
        if (options.progress) options.progress(done, total);
      }
    } progress{mutex, done, keys.size(), options};
    const std::string& digest = expected.at(key);
    // A blob longer than its descriptor says is not that blob: stop at the size (a
    // 64 GiB entry named like a layer is not read to its end).
    const auto size = sizes.find(key);
    LimitedSource sized(raw, size != sizes.end() ? static_cast<uint64_t>(size->second) : options.limits.maxUncompressed,
                        "layer blob " + digest);
    DigestingSource digesting(sized, digest.substr(0, digest.find(':')));
    auto mismatch = [&](const std::string& actual) {
      return "layer " + digest + " does not match its digest (it hashes to " + actual + ")";
    };
    try {
      if (auto cached = cache.load(digest)) {
        digesting.drain();
        const std::string actual = digesting.digest();
        std::lock_guard lock(mutex);
        if (actual != digest) {
          layerErrors[key] = mismatch(actual);
          return;
        }
        ++out.counters.layersFromCache;
        layers[key] = std::make_shared<const LayerContents>(std::move(*cached));
        return;
      }
      LayerContents contents = readLayer(digesting, options.limits);
      const std::string actual = digesting.digest();
      std::lock_guard lock(mutex);
      ++out.counters.layersRead;
      if (actual != digest) {
        layerErrors[key] = mismatch(actual);
        return;
      }
      contents.digest = digest;
      cache.store(contents);
      layers[key] = std::make_shared<const LayerContents>(std::move(contents));
    } catch (const StreamError& e) {
      // A layer that does not even decompress may simply have been altered: the digest
      // of its bytes says which, so finish reading it and report the root cause.
      std::string actual;
      try {
        digesting.drain();
        actual = digesting.digest();
      } catch (const StreamError&) {
      }
      std::lock_guard lock(mutex);
      layerErrors[key] = !actual.empty() && actual != digest ? mismatch(actual) : "layer " + digest + ": " + e.what();
    } catch (const std::exception& e) {
      // Out of memory, or a bug: this layer is not examined, and says so.
      std::lock_guard lock(mutex);
      layerErrors[key] = "layer " + digest + " could not be read: " + e.what();
    }
  };
  try {
    const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    if (store.randomAccess() && threads > 1 && keys.size() > 1) {
      // Layers in parallel: each worker takes the next key and streams it on its own.
      std::vector<std::string> queue(keys.begin(), keys.end());
      std::atomic<size_t> next{0};
      std::vector<std::thread> workers;
      std::vector<std::string> failures(queue.size());
      for (unsigned t = 0; t < std::min<size_t>(threads, queue.size()); ++t) {
        workers.emplace_back([&] {
          for (size_t i; (i = next.fetch_add(1)) < queue.size();) {
            try {
              store.streamFiles({queue[i]}, readOne);
            } catch (const std::exception& e) {  // nothing may escape a worker thread
              failures[i] = e.what();
            }
          }
        });
      }
      for (auto& w : workers) w.join();
      for (size_t i = 0; i < queue.size(); ++i) {
        if (!failures[i].empty()) layerErrors[queue[i]] = "layer " + expected[queue[i]] + ": " + failures[i];
      }
    } else {
      store.streamFiles(keys, readOne);
    }
  } catch (const std::exception& e) {
    out.errors.push_back(e.what());
  }
  for (auto& p : out.platforms) {
    for (size_t i = 0; i < p.layers.size() && p.error.empty(); ++i) {
      const auto& key = readAs.at(p.layers[i].key);
      if (const auto it = layerErrors.find(key); it != layerErrors.end()) {
        p.error = it->second;
      } else if (const auto found = layers.find(key); found != layers.end()) {
        p.inventory.apply(found->second, i);
      } else {
        p.error = "layer " + p.layers[i].expectedDigest + " was not read";
      }
    }
  }
  return out;
}

}  // namespace mal::image
