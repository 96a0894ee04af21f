#include "rules/image/image_helpers.h"

#include "analyzer/glob.h"
#include "analyzer/text_util.h"

namespace mal::rules {

std::string displayPath(const std::string& inventoryPath) { return "/" + inventoryPath; }

std::vector<std::string> searchPath(const image::Config& config) {
  std::string path = config.envValue("PATH");
  if (path.empty()) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  std::vector<std::string> out;
  for (const auto& dir : text::split(path, ':')) {
    if (!dir.empty()) out.push_back(dir);
  }
  return out;
}

namespace {

std::string tripletOf(const elf::ElfFacts& f) {
  switch (f.machine) {
    case 62: return "x86_64-linux-gnu";
    case 3: return "i386-linux-gnu";
    case 183: return "aarch64-linux-gnu";
    case 40: return f.armFloatAbi == elf::FloatAbi::Soft ? "arm-linux-gnueabi" : "arm-linux-gnueabihf";
    case 21: return f.littleEndian ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
    case 22: return "s390x-linux-gnu";
    case 243: return "riscv64-linux-gnu";
    default: return "";
  }
}

// The directories of ld.so.conf, following `include` lines (globs against the image).
void ldSoConf(const image::FileInventory& inv, const std::string& path, std::vector<std::string>& dirs, int depth) {
  const auto entry = inv.findResolved(path);
  if (!entry || depth > 8) return;
  for (const auto& raw : text::split(entry->entry.content, '\n')) {
    std::string line = text::trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    if (line.rfind("include", 0) == 0) {
      const std::string pattern = text::trim(line.substr(7));
      // The pattern is the image's own text: matched in linear time (analyzer/glob).
      const auto matcher = glob::compileShellPattern(image::normalisePath(pattern[0] == '/' ? pattern : "etc/" + pattern), true);
      for (const auto& [candidate, item] : inv.entries()) {
        if (matcher.matches(candidate)) ldSoConf(inv, candidate, dirs, depth + 1);
      }
      continue;
    }
    dirs.push_back(line);
  }
}

}  // namespace

LibraryResolver::LibraryResolver(const image::PlatformImage& image) : image_(image) {
  for (const auto& d : text::split(image.config.envValue("LD_LIBRARY_PATH"), ':')) {
    if (!d.empty()) environmentDirs_.push_back(d);
  }
  const auto& inv = image.inventory;
  ldSoConf(inv, "etc/ld.so.conf", systemDirs_, 0);
  // musl reads /etc/ld-musl-<arch>.path instead.
  for (const auto& [path, item] : inv.withPrefix("etc/ld-musl-")) {
    for (const auto& line : text::split(item.entry.content, '\n')) {
      for (const auto& d : text::split(line, ':')) {
        if (!text::trim(d).empty()) systemDirs_.push_back(text::trim(d));
      }
    }
  }
}

std::optional<std::string> LibraryResolver::resolve(const elf::ElfFacts& from, const std::string& fromPath,
                                                    const std::string& needed) const {
  const auto& inv = image_.inventory;
  const std::string origin = fromPath.find('/') == std::string::npos ? "" : fromPath.substr(0, fromPath.rfind('/'));
  auto expand = [&](std::string dir) {
    for (const char* token : {"$ORIGIN", "${ORIGIN}"}) {
      for (size_t at; (at = dir.find(token)) != std::string::npos;) dir.replace(at, std::string(token).size(), "/" + origin);
    }
    return dir;
  };
  auto accept = [&](const std::string& candidate) -> std::optional<std::string> {
    const auto resolved = inv.resolve(candidate);
    if (!resolved) return std::nullopt;
    const auto entry = inv.find(*resolved);
    if (!entry || !entry->entry.elf) return std::nullopt;
    const auto& f = *entry->entry.elf;
    if (f.machine != from.machine || f.bits != from.bits) return std::nullopt;  // ld.so skips those
    return *resolved;
  };
  if (needed.find('/') != std::string::npos) return accept(needed);
  auto search = [&](const std::string& dir) { return accept(dir + "/" + needed); };
  if (from.runpath.empty()) {
    for (const auto& d : from.rpath) {
      if (auto found = search(expand(d))) return found;
    }
  }
  for (const auto& d : environmentDirs_) {
    if (auto found = search(d)) return found;
  }
  for (const auto& d : from.runpath) {
    if (auto found = search(expand(d))) return found;
  }
  for (const auto& d : systemDirs_) {
    if (auto found = search(d)) return found;
  }
  const std::string triplet = tripletOf(from);
  if (!triplet.empty()) {
    for (const char* base : {"/lib/", "/usr/lib/"}) {
      if (auto found = search(base + triplet)) return found;
    }
  }
  for (const char* d : {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"}) {
    if (auto found = search(d)) return found;
  }
  return std::nullopt;
}

}  // namespace mal::rules
