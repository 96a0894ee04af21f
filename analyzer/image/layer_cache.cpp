#include "analyzer/image/layer_cache.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <tuple>

#include "analyzer/file_util.h"
#include "analyzer/image/streams.h"

using nlohmann::json;

namespace mal::image {
namespace {

// Bump when LayerEntry or the facts gathered change: old entries are then ignored.
constexpr int kFormat = 3;

json toJson(const LayerEntry& e) {
  json j = {{"p", e.path}, {"t", static_cast<int>(e.type)}, {"m", e.mode}, {"s", e.size}};
  if (!e.linkTarget.empty()) j["l"] = e.linkTarget;
  if (e.whiteout) j["w"] = true;
  if (e.opaque) j["o"] = true;
  if (!e.shebang.empty()) j["sb"] = e.shebang;
  if (!e.content.empty()) j["c"] = e.content;
  if (!e.bundledArchitectures.empty()) {
    j["ba"] = e.bundledArchitectures;
    j["bn"] = e.bundledLibraries;
  }
  if (e.isElf) {
    j["elf"] = true;
    if (!e.elfError.empty()) j["ee"] = e.elfError;
    if (e.elf) {
      const auto& f = *e.elf;
      j["f"] = {{"machine", f.machine}, {"bits", f.bits}, {"le", f.littleEndian}, {"type", f.type}, {"flags", f.flags},
                {"float", static_cast<int>(f.armFloatAbi)}, {"interp", f.interpreter}, {"needed", f.needed},
                {"runpath", f.runpath}, {"rpath", f.rpath}, {"soname", f.soname}, {"align", f.minLoadAlign},
                {"isa", f.x86IsaNeeded}, {"arm", {f.armCpuArch, f.armProfile, f.armFpArch, f.armSimdArch}}};
    }
  }
  return j;
}

LayerEntry fromJson(const json& j) {
  LayerEntry e;
  e.path = j.at("p").get<std::string>();
  e.type = static_cast<LayerEntry::Type>(j.at("t").get<int>());
  e.mode = j.at("m").get<uint32_t>();
  e.size = j.at("s").get<uint64_t>();
  e.linkTarget = j.value("l", "");
  e.whiteout = j.value("w", false);
  e.opaque = j.value("o", false);
  e.shebang = j.value("sb", "");
  e.content = j.value("c", "");
  if (j.contains("ba")) {
    e.bundledArchitectures = j["ba"].get<std::vector<std::string>>();
    e.bundledLibraries = j.value("bn", size_t{0});
  }
  e.isElf = j.value("elf", false);
  e.elfError = j.value("ee", "");
  if (j.contains("f")) {
    const auto& f = j["f"];
    elf::ElfFacts facts;
    facts.machine = f.at("machine").get<uint16_t>();
    facts.bits = f.at("bits").get<int>();
    facts.littleEndian = f.at("le").get<bool>();
    facts.type = f.at("type").get<uint16_t>();
    facts.flags = f.at("flags").get<uint32_t>();
    facts.armFloatAbi = static_cast<elf::FloatAbi>(f.at("float").get<int>());
    facts.interpreter = f.at("interp").get<std::string>();
    facts.needed = f.at("needed").get<std::vector<std::string>>();
    facts.runpath = f.at("runpath").get<std::vector<std::string>>();
    facts.rpath = f.at("rpath").get<std::vector<std::string>>();
    facts.soname = f.at("soname").get<std::string>();
    facts.minLoadAlign = f.at("align").get<uint64_t>();
    facts.x86IsaNeeded = f.at("isa").get<uint32_t>();
    const auto arm = f.at("arm").get<std::vector<int>>();
    if (arm.size() == 4) std::tie(facts.armCpuArch, facts.armProfile, facts.armFpArch, facts.armSimdArch) = std::tie(arm[0], arm[1], arm[2], arm[3]);
    e.elf = std::move(facts);
  }
  return e;
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
// body, then the body in CBOR. CBOR carries file names byte for byte, UTF-8 or not (JSON
// text cannot: a Latin-1 name made dump() throw). The checksum turns a truncated, damaged
// or hand-edited entry into a miss; the layer blob itself is hashed on every scan anyway,
// hit or not, so no entry stands in for the digest check.
std::string header(const std::string& digest, const std::string& bodyDigest) {
  return "multiarch-lint layer " + std::to_string(kFormat) + " " + digest + " " + bodyDigest + "\n";
}

constexpr size_t kMaxEntryBytes = 256 * 1024 * 1024;

}  // namespace

std::optional<LayerContents> LayerCache::load(const std::string& digest) const {
  if (dir_.empty() || !validDigest(digest)) return std::nullopt;
  const std::string path = pathFor(digest);
  const auto bytes = readCacheEntry(path, kMaxEntryBytes);
  if (!bytes) return std::nullopt;
  const size_t newline = bytes->find('\n');
  const std::string body = newline == std::string::npos ? std::string() : bytes->substr(newline + 1);
  if (newline == std::string::npos || bytes->compare(0, newline + 1, header(digest, digestOf(body))) != 0) {
    drop(path);
    return std::nullopt;
  }
  try {
    const json j = json::from_cbor(body);
    LayerContents layer;
    layer.digest = digest;
    layer.uncompressedBytes = j.at("bytes").get<uint64_t>();
    for (const auto& e : j.at("entries")) layer.entries.push_back(fromJson(e));
    return layer;
  } catch (const json::exception&) {
    drop(path);
    return std::nullopt;
  }
}

void LayerCache::drop(const std::string& path) const {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void LayerCache::store(const LayerContents& layer) const {
  if (dir_.empty() || !validDigest(layer.digest)) return;
  json entries = json::array();
  for (const auto& e : layer.entries) entries.push_back(toJson(e));
  const json j = {{"bytes", layer.uncompressedBytes}, {"entries", std::move(entries)}};
  const auto cbor = json::to_cbor(j);
  const std::string body(cbor.begin(), cbor.end());
  if (body.size() + 512 > kMaxEntryBytes) return;
  writeFileAtomically(pathFor(layer.digest), header(layer.digest, digestOf(body)) + body);
}

}  // namespace mal::image
