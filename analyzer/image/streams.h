// Byte streams for image blobs: a file, an archive entry, and the wrappers that verify a
// digest as bytes pass, inflate gzip with ISA-L, decompress zstd, and bound the size.
// Everything streams: no blob is ever written to disk.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace mal::image {

struct StreamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to n bytes into buffer; 0 at the end. Throws StreamError.
  virtual size_t read(char* buffer, size_t n) = 0;
  // Reads to the end, discarding.
  void drain();
};

class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path);
  // Takes ownership of an already opened descriptor (see openRegularFile).
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override;
  size_t read(char* buffer, size_t n) override;

 private:
  int fd_ = -1;
  std::string path_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  size_t read(char* buffer, size_t n) override;

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

// Computes sha256 (or sha512) of everything read through it.
class DigestingSource : public ByteSource {
 public:
  DigestingSource(ByteSource& inner, const std::string& algorithm);
  ~DigestingSource() override;
  size_t read(char* buffer, size_t n) override;
  std::string digest();  // "sha256:<hex>" of what was read so far (call once, at the end)
  uint64_t bytesRead() const { return count_; }

 private:
  ByteSource& inner_;
  std::string algorithm_;
  void* ctx_;  // EVP_MD_CTX
  uint64_t count_ = 0;
};

// The digest ("sha256:<hex>") of bytes already in memory.
std::string digestOf(const std::string& bytes, const std::string& algorithm = "sha256");
// Do the bytes hash to `digest` ("sha256:<hex>", "sha512:<hex>")?
bool hasDigest(const std::string& bytes, const std::string& digest);

// Fails once more than `limit` bytes come through.
class LimitedSource : public ByteSource {
 public:
  LimitedSource(ByteSource& inner, uint64_t limit, std::string what) : inner_(inner), limit_(limit), what_(std::move(what)) {}
  size_t read(char* buffer, size_t n) override;

 private:
  ByteSource& inner_;
  uint64_t limit_;
  uint64_t count_ = 0;
  std::string what_;
};

enum class Compression { None, Gzip, Zstd };

// Detects gzip and zstd by their magic numbers and decompresses (gzip with ISA-L's
// isal_inflate, zstd with libzstd); anything else passes through.
class DecompressingSource : public ByteSource {
 public:
  explicit DecompressingSource(ByteSource& inner);
  ~DecompressingSource() override;
  size_t read(char* buffer, size_t n) override;
  Compression compression() const { return compression_; }

 private:
  size_t fill();
  size_t readGzip(char* buffer, size_t n);
  size_t readZstd(char* buffer, size_t n);
  ByteSource& inner_;
  Compression compression_ = Compression::None;
  std::unique_ptr<char[]> in_;
  size_t inPos_ = 0, inLen_ = 0;
  bool innerEnd_ = false;
  void* state_ = nullptr;  // inflate_state or ZSTD_DStream
  bool finished_ = false;
};

// Opens `root`/`key` for reading when it is a regular file that stays inside `root` once
// every symlink is resolved; throws StreamError otherwise. A FIFO, a device or a link out of
// the layout (to /dev/zero, /etc/passwd) is refused without being read: opening is
// non-blocking, so not even a FIFO's open waits for a writer.
int openRegularFile(const std::string& root, const std::string& key);

// Is `digest` of the form "<algorithm>:<hex>" with an algorithm we can verify?
bool validDigest(const std::string& digest);

}  // namespace mal::image
