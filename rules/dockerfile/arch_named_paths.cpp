#include "rules/dockerfile/arch_named_paths.h"

#include "analyzer/text_util.h"

namespace mal::rules {
namespace {

// What follows the CPU in a GNU/Rust/Go target triple (x86_64-unknown-linux-gnu,
// aarch64-linux-gnu, armv7-unknown-linux-gnueabihf, x86_64-alpine-linux-musl).
constexpr std::string_view kTripleTails[] = {"-unknown-linux", "-linux-gnu",  "-linux-musl",   "-pc-linux",
                                             "-alpine-linux",  "-none-linux", "-redhat-linux", "-linux-android"};
// GOOS names before the GOARCH: linux-amd64, linux_arm64, linux/amd64 (bin/linux/amd64/app).
constexpr std::string_view kOsPrefixes[] = {"linux-", "linux_", "linux/", "linux."};
constexpr std::string_view kPackageSuffixes[] = {".deb", ".rpm", ".whl", ".apk", ".ipk", ".udeb", ".snap"};

std::string_view baseName(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<ArchNamedPath> archNamedInPath(std::string_view path) {
  const std::string lowered = text::lower(path);
  const std::string_view name = baseName(lowered);
  const auto nameBegin = static_cast<size_t>(name.data() - lowered.data());
  bool package = false;
  for (auto suffix : kPackageSuffixes) package = package || text::endsWith(name, suffix);
  for (const auto& token : vocab::findArchTokens(lowered)) {
    const std::string_view before = std::string_view(lowered).substr(0, token.begin);
    const std::string_view after = std::string_view(lowered).substr(token.end);
    for (auto tail : kTripleTails) {
      if (text::startsWith(after, tail)) {
        size_t end = after.find('/');
        std::string triple = token.token + std::string(after.substr(0, end));
        return ArchNamedPath{token, "the " + triple + " target directory"};
      }
    }
    for (auto os : kOsPrefixes) {
      if (text::endsWith(before, os)) return ArchNamedPath{token, "a GOOS-GOARCH build (linux-" + token.token + ")"};
    }
    if (package && token.begin >= nameBegin) return ArchNamedPath{token, "a package built for " + token.token};
  }
  return std::nullopt;
}

}  // namespace mal::rules
