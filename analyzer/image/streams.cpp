#include "analyzer/image/streams.h"
#include "analyzer/crypto_api.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mal::image {

namespace {
constexpr size_t kBufferSize = size_t{256} * 1024;
}

void ByteSource::drain() {
  char buffer[65536];
  while (read(buffer, sizeof buffer) > 0) {
  }
}

FileSource::FileSource(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw StreamError("cannot open '" + path + "': " + std::strerror(errno));
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

size_t FileSource::read(char* buffer, size_t n) {
  while (true) {
    const ssize_t got = ::read(fd_, buffer, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) throw StreamError("cannot read '" + path_ + "': " + std::strerror(errno));
  }
}

size_t MemorySource::read(char* buffer, size_t n) {
  const size_t count = std::min(n, bytes_.size() - pos_);
  std::memcpy(buffer, bytes_.data() + pos_, count);
  pos_ += count;
  return count;
}

bool validDigest(const std::string& digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string::npos) return false;
  const std::string_view algorithm(digest.data(), colon), hex(digest.data() + colon + 1, digest.size() - colon - 1);
  const size_t expected = algorithm == "sha256" ? 64 : algorithm == "sha512" ? 128 : 0;
  return expected != 0 && hex.size() == expected && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

int openRegularFile(const std::string& root, const std::string& key) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) throw StreamError("cannot open '" + root + "': " + ec.message());
  const fs::path path = fs::canonical(base / key, ec);
  if (ec) throw StreamError("'" + key + "' is missing");
  const std::string inside = base.string() + "/";
  if (path.string().compare(0, inside.size(), inside) != 0) {
    throw StreamError("'" + key + "' links to " + path.string() + ", outside the layout: not read");
  }
  // O_NONBLOCK: a FIFO opened without it waits for a writer forever. O_NOFOLLOW: the
  // canonical path has no links left, so one appearing now is a swap under our feet.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) throw StreamError("cannot open '" + key + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw StreamError("'" + key + "' is not a regular file (a FIFO, a device or a directory): not read");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

DigestingSource::DigestingSource(ByteSource& inner, const std::string& algorithm)
    : inner_(inner), algorithm_(algorithm), ctx_(libcrypto().md_ctx_new()) {
  const EVP_MD* md = algorithm == "sha512" ? libcrypto().sha512() : libcrypto().sha256();
  libcrypto().digest_init_ex(static_cast<EVP_MD_CTX*>(ctx_), md, nullptr);
}

DigestingSource::~DigestingSource() { libcrypto().md_ctx_free(static_cast<EVP_MD_CTX*>(ctx_)); }

size_t DigestingSource::read(char* buffer, size_t n) {
  const size_t got = inner_.read(buffer, n);
  libcrypto().digest_update(static_cast<EVP_MD_CTX*>(ctx_), buffer, got);
  count_ += got;
  return got;
}

std::string DigestingSource::digest() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  libcrypto().digest_final_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &length);
  static const char* hex = "0123456789abcdef";
  std::string s = algorithm_ + ":";
  for (unsigned int i = 0; i < length; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 15];
  }
  return s;
}

size_t LimitedSource::read(char* buffer, size_t n) {
  const size_t got = inner_.read(buffer, n);
  count_ += got;
  if (count_ > limit_) throw StreamError(what_ + " is larger than the limit of " + std::to_string(limit_) + " bytes");
  return got;
}

DecompressingSource::DecompressingSource(ByteSource& inner) : inner_(inner), in_(new char[kBufferSize]) {
  fill();
  const auto* b = reinterpret_cast<const unsigned char*>(in_.get());
  if (inLen_ >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    compression_ = Compression::Gzip;
    auto* state = new inflate_state;
    isal_inflate_init(state);
    state->crc_flag = ISAL_GZIP;
    state_ = state;
  } else if (inLen_ >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
    compression_ = Compression::Zstd;
    ZSTD_DStream* stream = ZSTD_createDStream();
    ZSTD_initDStream(stream);
    // Bound the window a hostile frame may ask for (zstd's default limit, explicitly).
    ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27);
    state_ = stream;
  }
}

DecompressingSource::~DecompressingSource() {
  if (compression_ == Compression::Gzip) delete static_cast<inflate_state*>(state_);
  if (compression_ == Compression::Zstd) ZSTD_freeDStream(static_cast<ZSTD_DStream*>(state_));
}

size_t DecompressingSource::fill() {
  if (inPos_ < inLen_ || innerEnd_) return inLen_ - inPos_;
  inPos_ = 0;
  inLen_ = 0;
  while (inLen_ < kBufferSize) {
    const size_t got = inner_.read(in_.get() + inLen_, kBufferSize - inLen_);
    if (got == 0) {
      innerEnd_ = true;
      break;
    }
    inLen_ += got;
    if (inLen_ >= 4) break;
  }
  return inLen_;
}

size_t DecompressingSource::read(char* buffer, size_t n) {
  switch (compression_) {
    case Compression::Gzip: return readGzip(buffer, n);
    case Compression::Zstd: return readZstd(buffer, n);
    case Compression::None: break;
  }
  if (inPos_ < inLen_) {
    const size_t count = std::min(n, inLen_ - inPos_);
    std::memcpy(buffer, in_.get() + inPos_, count);
    inPos_ += count;
    return count;
  }
  return innerEnd_ ? 0 : inner_.read(buffer, n);
}

size_t DecompressingSource::readGzip(char* buffer, size_t n) {
  auto* state = static_cast<inflate_state*>(state_);
  if (finished_ || n == 0) return 0;
  state->next_out = reinterpret_cast<uint8_t*>(buffer);
  state->avail_out = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
  while (state->avail_out > 0) {
    if (state->avail_in == 0) {
      if (inPos_ >= inLen_) {
        inPos_ = inLen_ = 0;
        if (!innerEnd_) fill();
      }
      state->next_in = reinterpret_cast<uint8_t*>(in_.get() + inPos_);
      state->avail_in = static_cast<uint32_t>(inLen_ - inPos_);
      inPos_ = inLen_;
    }
    const bool noInput = state->avail_in == 0;
    const int rc = isal_inflate(state);
    if (rc < 0) throw StreamError("corrupt gzip data (isal_inflate error " + std::to_string(rc) + ")");
    if (state->block_state == ISAL_BLOCK_FINISH) {
      // Another gzip member may follow (concatenated gzip is valid).
      if (state->avail_in == 0 && inPos_ >= inLen_ && (innerEnd_ || fill() == 0)) {
        finished_ = true;
        break;
      }
      const uint32_t left = state->avail_in;
      uint8_t* next = state->next_in;
      isal_inflate_reset(state);
      state->crc_flag = ISAL_GZIP;
      state->next_in = next;
      state->avail_in = left;
      continue;
    }
    if (noInput && innerEnd_) throw StreamError("truncated gzip data");
  }
  return n - state->avail_out;
}

size_t DecompressingSource::readZstd(char* buffer, size_t n) {
  auto* stream = static_cast<ZSTD_DStream*>(state_);
  ZSTD_outBuffer out{buffer, n, 0};
  while (out.pos == 0) {
    if (inPos_ >= inLen_) {
      inPos_ = inLen_ = 0;
      if (innerEnd_ || fill() == 0) {
        if (!finished_) throw StreamError("truncated zstd data");
        return 0;
      }
    }
    ZSTD_inBuffer in{in_.get() + inPos_, inLen_ - inPos_, 0};
    const size_t rc = ZSTD_decompressStream(stream, &out, &in);
    inPos_ += in.pos;
    if (ZSTD_isError(rc)) throw StreamError(std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
    finished_ = rc == 0;
    if (finished_ && out.pos == 0 && inPos_ >= inLen_ && (innerEnd_ || fill() == 0)) return 0;
  }
  return out.pos;
}

bool hasDigest(const std::string& bytes, const std::string& digest) {
  return digestOf(bytes, digest.substr(0, digest.find(':'))) == digest;
}

std::string digestOf(const std::string& bytes, const std::string& algorithm) {
  MemorySource source(bytes);
  DigestingSource digesting(source, algorithm);
  digesting.drain();
  return digesting.digest();
}

}  // namespace mal::image
