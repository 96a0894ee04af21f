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
    // A package first: `tflite_runtime-2.2.0-cp37-cp37m-linux_x86_64.whl` is a wheel whose
    // platform tag reads like a GOOS-GOARCH pair, not a Go build.
    if (package && token.begin >= nameBegin) {
      return ArchNamedPath{token,
                           (text::endsWith(name, ".whl") ? "a Python wheel built for " : "a package built for ") + token.token};
    }
    for (auto os : kOsPrefixes) {
      if (text::endsWith(before, os)) return ArchNamedPath{token, "a linux-" + token.token + " build"};
    }
    // A directory named exactly for the architecture, the layout per-platform build output
    // takes for `COPY dist/${TARGETARCH}/app` (dist/amd64/app, out/aarch64/server), holding a
    // program (a name without an extension). Not a source tree's `arch/x86/` (no such exact
    // name) nor a document or script under such a directory.
    // (explodingcamera/liwan scripts/Containerfile before 5b776e0: `./dist/amd64/liwan`.)
    const bool wholeDirectory =
        (token.begin == 0 || lowered[token.begin - 1] == '/') && text::startsWith(after, "/") && token.end < nameBegin;
    const bool buildArchName =
        token.token == "amd64" || token.token == "arm64" || token.token == "x86_64" || token.token == "aarch64";
    if (wholeDirectory && buildArchName && !name.empty() && name.find('.') == std::string_view::npos)
      return ArchNamedPath{token, "a per-architecture build directory (" + token.token + "/)"};
    // A program whose own name ends in its architecture, the way release assets and
    // per-platform builds are named when no OS is said (`curl-amd64`, `tini_arm64`): a name
    // without an extension, so a program, not a document or script about that architecture.
    // (yauritux/busybox-curl, bench/precision Part L: `ADD curl-amd64 curl`.)
    const bool endsName = token.end == lowered.size() && token.begin > nameBegin &&
                          (lowered[token.begin - 1] == '-' || lowered[token.begin - 1] == '_');
    if (endsName && buildArchName && name.find('.') == std::string_view::npos)
      return ArchNamedPath{token, "a program named for " + token.token};
  }
  return std::nullopt;
}

}  // namespace mal::rules
