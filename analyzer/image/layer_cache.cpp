#include "analyzer/image/layer_cache.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <type_traits>
#include <tuple>

#include "analyzer/file_util.h"
#include "analyzer/image/streams.h"

using nlohmann::json;

namespace mal::image {
namespace {

// Bump when LayerEntry, the facts gathered or the layout below change: old entries are
// then ignored.
constexpr int kFormat = 4;

// What few entries have (LayerContents keeps the same split), as CBOR.
json detailsToJson(const EntryRef& e) {
  json j = json::object();
  if (!e.linkTarget.empty()) j["l"] = e.linkTarget;
  if (!e.shebang.empty()) j["sb"] = e.shebang;
  if (!e.content.empty()) j["c"] = e.content;
  if (!e.bundledArchitectures.empty() || e.bundledLibraries != 0) {
    j["ba"] = e.bundledArchitectures;
    j["bn"] = e.bundledLibraries;
  }
  if (!e.elfError.empty()) j["ee"] = e.elfError;
  if (e.elf) {
    const auto& f = *e.elf;
    j["f"] = {{"machine", f.machine},    {"bits", f.bits},
              {"le", f.littleEndian},    {"type", f.type},
              {"flags", f.flags},        {"float", static_cast<int>(f.armFloatAbi)},
              {"interp", f.interpreter}, {"needed", f.needed},
              {"runpath", f.runpath},    {"rpath", f.rpath},
              {"soname", f.soname},      {"align", f.minLoadAlign},
              {"isa", f.x86IsaNeeded},   {"arm", {f.armCpuArch, f.armProfile, f.armFpArch, f.armSimdArch}}};
  }
  return j;
}

bool hasDetails(const EntryRef& e) {
  return !e.linkTarget.empty() || e.elf || !e.elfError.empty() || !e.shebang.empty() || !e.content.empty() ||
         !e.bundledArchitectures.empty() || e.bundledLibraries != 0;
}

struct Malformed {};

// An integer field of a cache record, as written: nlohmann's get<T>() converts a float or an
// out-of-range number with a plain cast, which is undefined for a value T cannot hold
// (fuzz.layer_cache found "isa": 1.7e22). The cache is read back as untrusted bytes.
template <typename T>
T integerField(const json& value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) throw Malformed{};
    return static_cast<T>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0 || static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())) throw Malformed{};
    } else {
      if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) || v > static_cast<int64_t>(std::numeric_limits<T>::max()))
        throw Malformed{};
    }
    return static_cast<T>(v);
  }
  throw Malformed{};
}

void detailsFromJson(const json& j, LayerEntry& e) {
  e.linkTarget = j.value("l", "");
  e.shebang = j.value("sb", "");
  e.content = j.value("c", "");
  if (j.contains("ba")) {
    e.bundledArchitectures = j["ba"].get<std::vector<std::string>>();
    e.bundledLibraries = j.contains("bn") ? integerField<size_t>(j["bn"]) : 0;
  }
  e.elfError = j.value("ee", "");
  if (j.contains("f")) {
    const auto& f = j["f"];
    elf::ElfFacts facts;
    facts.machine = integerField<uint16_t>(f.at("machine"));
    facts.bits = integerField<int>(f.at("bits"));
    facts.littleEndian = f.at("le").get<bool>();
    facts.type = integerField<uint16_t>(f.at("type"));
    facts.flags = integerField<uint32_t>(f.at("flags"));
    const int floatAbi = integerField<int>(f.at("float"));
    if (floatAbi < static_cast<int>(elf::FloatAbi::Unknown) || floatAbi > static_cast<int>(elf::FloatAbi::Soft))
      throw Malformed{};
    facts.armFloatAbi = static_cast<elf::FloatAbi>(floatAbi);
    facts.interpreter = f.at("interp").get<std::string>();
    facts.needed = f.at("needed").get<std::vector<std::string>>();
    facts.runpath = f.at("runpath").get<std::vector<std::string>>();
    facts.rpath = f.at("rpath").get<std::vector<std::string>>();
    facts.soname = f.at("soname").get<std::string>();
    facts.minLoadAlign = integerField<uint64_t>(f.at("align"));
    facts.x86IsaNeeded = integerField<uint32_t>(f.at("isa"));
    std::vector<int> arm;
    for (const auto& value : f.at("arm")) arm.push_back(integerField<int>(value));
    if (arm.size() == 4)
      std::tie(facts.armCpuArch, facts.armProfile, facts.armFpArch, facts.armSimdArch) = std::tie(arm[0], arm[1], arm[2], arm[3]);
    e.elf = std::move(facts);
  }
}

// The body is binary, one record per entry, so an entry costs its path and a few bytes
// (a DOM of a million entries would cost hundreds of bytes each to write and to read):
// varint uncompressed bytes, varint count, then per entry varint path length, the path's
// bytes as they are (UTF-8 or not), type, flags, varint mode, varint size, and when flag
// kHasDetails is set a varint length and that many bytes of CBOR (detailsToJson).
constexpr uint8_t kWhiteout = 1, kOpaque = 2, kElf = 4, kHasDetails = 8;

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint64_t getVarint(std::string_view& in) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) throw Malformed{};
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  throw Malformed{};
}

std::string_view take(std::string_view& in, uint64_t n) {
  if (n > in.size()) throw Malformed{};
  const std::string_view out = in.substr(0, static_cast<size_t>(n));
  in.remove_prefix(static_cast<size_t>(n));
  return out;
}

// A ByteSource over bytes already in memory, without copying them (for the checksum).
class ViewSource : public ByteSource {
 public:
  explicit ViewSource(std::string_view bytes) : bytes_(bytes) {}
  size_t read(char* buffer, size_t n) override {
    n = std::min(n, bytes_.size());
    std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view bytes_;
};

std::string checksum(std::string_view body) {
  ViewSource source(body);
  DigestingSource digesting(source, "sha256");
  digesting.drain();
  return digesting.digest();
}

}  // namespace

std::string LayerCache::pathFor(const std::string& digest) const {
  std::string name = digest;
  for (auto& c : name) {
    if (c == ':') c = '-';
  }
  return dir_ + "/layers/" + name;
}

namespace {

// An entry: a header line naming the format, the layer's digest and the SHA-256 of the
// body, then the body (binary, see putVarint: file names byte for byte, UTF-8 or not; JSON
// text could not carry a Latin-1 name). The checksum turns a truncated, damaged
// or hand-edited entry into a miss; the layer blob itself is hashed on every scan anyway,
// hit or not, so no entry stands in for the digest check.
std::string header(const std::string& digest, const std::string& bodyDigest) {
  return "multiarch-lint layer " + std::to_string(kFormat) + " " + digest + " " + bodyDigest + "\n";
}

constexpr size_t kMaxEntryBytes = 256 * 1024 * 1024;

}  // namespace

std::optional<LayerContents> LayerCache::decode(std::string_view body, const std::string& digest) {
  try {
    std::string_view in = body;
    LayerContents layer;
    layer.digest = digest;
    layer.uncompressedBytes = getVarint(in);
    const uint64_t count = getVarint(in);
    for (uint64_t i = 0; i < count; ++i) {
      LayerEntry e;
      e.path = std::string(take(in, getVarint(in)));
      const std::string_view fixed = take(in, 2);
      if (static_cast<uint8_t>(fixed[0]) > static_cast<uint8_t>(LayerEntry::Type::Other)) throw Malformed{};
      e.type = static_cast<LayerEntry::Type>(fixed[0]);
      const auto flags = static_cast<uint8_t>(fixed[1]);
      e.whiteout = flags & kWhiteout;
      e.opaque = flags & kOpaque;
      e.isElf = flags & kElf;
      e.mode = static_cast<uint32_t>(getVarint(in) & 07777);
      e.size = getVarint(in);
      if (flags & kHasDetails) detailsFromJson(json::from_cbor(take(in, getVarint(in))), e);
      layer.add(std::move(e));
    }
    if (!in.empty()) throw Malformed{};
    return layer;
  } catch (const Malformed&) {
  } catch (const json::exception&) {
  } catch (const StreamError&) {
  }
  return std::nullopt;
}

std::optional<LayerContents> LayerCache::load(const std::string& digest) const {
  if (dir_.empty() || !validDigest(digest)) return std::nullopt;
  const std::string path = pathFor(digest);
  const auto bytes = readCacheEntry(path, kMaxEntryBytes);
  if (!bytes) return std::nullopt;
  const size_t newline = bytes->find('\n');
  const std::string_view body = newline == std::string::npos ? std::string_view() : std::string_view(*bytes).substr(newline + 1);
  if (newline == std::string::npos || bytes->compare(0, newline + 1, header(digest, checksum(body))) != 0) {
    drop(path);
    return std::nullopt;
  }
  if (auto layer = decode(body, digest)) return layer;
  drop(path);
  return std::nullopt;
}

void LayerCache::drop(const std::string& path) const {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void LayerCache::store(const LayerContents& layer) const {
  if (dir_.empty() || !validDigest(layer.digest)) return;
  std::string body;
  putVarint(body, layer.uncompressedBytes);
  putVarint(body, layer.size());
  for (size_t i = 0; i < layer.size(); ++i) {
    const EntryRef e = layer.entry(i);
    putVarint(body, e.path.size());
    body.append(e.path);
    const bool details = hasDetails(e);
    body.push_back(static_cast<char>(e.type));
    body.push_back(static_cast<char>((e.whiteout ? kWhiteout : 0) | (e.opaque ? kOpaque : 0) | (e.isElf ? kElf : 0) |
                                     (details ? kHasDetails : 0)));
    putVarint(body, e.mode);
    putVarint(body, e.size);
    if (details) {
      const auto cbor = json::to_cbor(detailsToJson(e));
      putVarint(body, cbor.size());
      body.append(cbor.begin(), cbor.end());
    }
    if (body.size() + 512 > kMaxEntryBytes) return;
  }
  writeFileAtomically(pathFor(layer.digest), {header(layer.digest, checksum(body)), body});
}

}  // namespace mal::image
