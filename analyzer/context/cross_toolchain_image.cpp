// A cross-toolchain image: the file sets up compilers for a fixed foreign target and is not
// itself a multi-platform build. See fromCrossToolchainImage in declared_platforms.h.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "analyzer/context/declared_platforms.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/text_util.h"

namespace mal::context {
namespace {

// The architecture of a GNU or Rust target triple, as toolchains spell it (Rust's Solaris
// target is `sparcv9-sun-solaris`, GNU's `sparc64-linux-gnu`: rust-lang/rustup's ci/docker).
bool isTripleArchitecture(std::string_view word) {
  static const std::set<std::string_view> kArchitectures{
      "aarch64", "aarch64_be",  "arm",     "armeb",       "armv5te",   "armv6",         "armv7",     "armv7a",
      "armv7l",  "thumbv7neon", "riscv32", "riscv64",     "riscv64gc", "powerpc",       "powerpc64", "powerpc64le",
      "s390x",   "mips",        "mipsel",  "mips64",      "mips64el",  "mipsisa64r6el", "i386",      "i486",
      "i586",    "i686",        "x86_64",  "loongarch64", "sparc",     "sparc64",       "sparcv9",   "m68k",
      "sh4",     "hppa",        "alpha",   "ia64",        "wasm32"};
  return kArchitectures.count(word) > 0;
}

// The vendor, system and ABI words that follow it.
bool isTripleSystemWord(std::string_view word) {
  static const std::set<std::string_view> kWords{
      "linux",   "gnu",         "gnueabi", "gnueabihf",  "gnuabi64", "gnux32",  "musl", "musleabi", "musleabihf",
      "android", "androideabi", "w64",     "mingw32",    "windows",  "msvc",    "pc",   "unknown",  "apple",
      "darwin",  "ios",         "freebsd", "netbsd",     "openbsd",  "none",    "elf",  "eabi",     "eabihf",
      "uclibc",  "uclibceabi",  "wasi",    "emscripten", "illumos",  "solaris", "sun"};
  return kWords.count(word) > 0;
}

struct Triple {
  std::string text;  // lower case
  bool foreign = false;
};

// `aarch64-linux-gnu`, `powerpc64le-unknown-linux-musl`, `x86_64-w64-mingw32`: an
// architecture, then only system words. Foreign when an x86-64 Linux host cannot build for it
// natively: another architecture, or another system.
std::optional<Triple> parseTriple(std::string_view word) {
  const std::string lowered = text::lower(word);
  const auto parts = text::split(lowered, '-');
  if (parts.size() < 2 || !isTripleArchitecture(parts[0])) return std::nullopt;
  bool otherSystem = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!isTripleSystemWord(parts[i])) return std::nullopt;
    otherSystem = otherSystem ||
                  !(parts[i] == "linux" || parts[i] == "gnu" || parts[i] == "unknown" || parts[i] == "pc" || parts[i] == "musl");
  }
  // x86-64 runs x86 code: an i686 or x86-64 Linux target is a multilib build, not a cross one.
  const bool x86 = parts[0] == "x86_64" || parts[0] == "i386" || parts[0] == "i486" || parts[0] == "i586" || parts[0] == "i686";
  return Triple{lowered, !(x86 && !otherSystem)};
}

// An i386 to i686 Linux triple: code an x86-64 host builds with its own compiler and -m32.
bool isX86MultilibTarget(const std::string& triple) {
  const auto parts = text::split(triple, '-');
  if (parts.size() < 2 || !(parts[0] == "i386" || parts[0] == "i486" || parts[0] == "i586" || parts[0] == "i686")) return false;
  return std::find(parts.begin() + 1, parts.end(), "linux") != parts.end();
}

std::string foreignTriple(std::string_view word) {
  const auto triple = parseTriple(word);
  return triple && triple->foreign ? triple->text : std::string();
}

// A foreign triple in a toolchain word: `gcc-aarch64-linux-gnu` (Debian's cross compilers),
// `aarch64-linux-gnu-gcc` (a compiler by its prefix), `crossbuild-essential-arm64`.
std::string crossToolchainIn(std::string_view word) {
  for (std::string_view prefix : {"gcc-", "g++-", "binutils-", "cpp-"}) {
    if (text::startsWith(word, prefix)) {
      if (auto triple = foreignTriple(word.substr(prefix.size())); !triple.empty()) return triple;
    }
  }
  if (text::startsWith(word, "crossbuild-essential-") && word.size() > 21 && word.substr(21) != "amd64") {
    return std::string(word);
  }
  if (text::startsWith(word, "gcc-mingw-w64") || word == "mingw-w64") return "x86_64-w64-mingw32";
  for (std::string_view tool : {"-gcc", "-g++", "-clang", "-ld", "-cc"}) {
    if (text::endsWith(word, tool)) {
      if (auto triple = foreignTriple(word.substr(0, word.size() - tool.size())); !triple.empty()) return triple;
    }
  }
  return {};
}

// `CARGO_TARGET_POWERPC_UNKNOWN_LINUX_GNU_LINKER`, `CC_aarch64_unknown_linux_gnu`: cargo's and
// the cc crate's per-target variables, and the triple they configure.
std::optional<Triple> crossVariableIn(std::string_view name) {
  std::string_view middle;
  if (text::startsWith(name, "CARGO_TARGET_") && (text::endsWith(name, "_LINKER") || text::endsWith(name, "_CC"))) {
    middle = name.substr(13, name.rfind('_') - 13);
  } else {
    for (std::string_view prefix : {"CC_", "CXX_", "AR_", "RANLIB_"}) {
      if (text::startsWith(name, prefix)) middle = name.substr(prefix.size());
    }
  }
  if (middle.empty()) return std::nullopt;
  std::string dashed(middle);
  for (char& c : dashed) c = c == '_' ? '-' : c;
  // `x86_64` keeps its underscore; the other architectures have none.
  if (text::startsWith(text::lower(dashed), "x86-64")) dashed.replace(0, 6, "x86_64");
  return parseTriple(dashed);
}

// A Linux cross compiler for a non-x86 architecture is built only for hosts of other
// architectures (Debian has no gcc-aarch64-linux-gnu on arm64: MA111 says so), so a file
// that installs one is not meant to run on that architecture.
bool existsOnlyForOtherHosts(const std::string& compiler) {
  if (text::startsWith(compiler, "crossbuild-essential-") || compiler.find("linux") == std::string::npos) return false;
  const std::string architecture = text::split(compiler, '-').front();
  return architecture != "x86_64" && architecture.find("86") == std::string::npos;
}

// Words of a shell command line or a value, quotes and a trailing `;`/`\` dropped.
std::vector<std::string> wordsOf(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '\\' || c == '"' || c == '\'' || c == '&' || c == '|') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// BuildKit's automatic platform arguments: a file that names one builds per platform.
bool namesPlatformArgument(const std::string& text) {
  for (std::string_view name :
       {"TARGETPLATFORM", "TARGETARCH", "TARGETOS", "TARGETVARIANT", "BUILDPLATFORM", "BUILDARCH", "BUILDOS", "BUILDVARIANT"}) {
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
      const size_t end = at + name.size();
      const bool wordEnd = end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
      const bool wordBegin = at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_');
      if (wordBegin && wordEnd) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<DeclaredPlatforms> fromCrossToolchainImage(const dockerfile::ParsedDockerfile& file,
                                                         const std::filesystem::path& relativeDirectory) {
  dockerfile::Environment env;
  // The build configured for the target (a variable, a compiler setting, a cross-rs base)...
  std::string configured;
  // ...for foreign targets only: a file that also configures the x86-64 host's own (cargo's
  // linker for x86_64 and aarch64 alike) builds natively wherever it runs.
  bool configuresNative = false;
  // ...and a 32-bit x86 Linux target (`CC_i686-unknown-linux-gnu=gcc`): no cross compiler, a
  // multilib build that only an x86 host makes with its own gcc (wasmtime's ci/docker/i686-linux).
  std::string multilib;
  const auto configure = [&](const Triple& triple) {
    if (isX86MultilibTarget(triple.text)) {
      if (multilib.empty()) multilib = triple.text;
      return;
    }
    if (!triple.foreign) configuresNative = true;
    if (triple.foreign && configured.empty()) configured = triple.text;
  };
  // ...or only its compilers installed, which a general CI image does too (rocksdb's installs
  // mingw-w64 beside its native toolchain): that counts where the directory names the target,
  // or where the compiler exists only on hosts of another architecture (below).
  std::string installed;
  std::string hostExcluding;  // the first of them that exists only for other hosts
  // The foreign triples named by a variable for the compiler's host (`TRIPLET_HOST`,
  // `LLVM_HOST_TRIPLE`) and for its target: a toolchain whose host is its target is a native
  // one for that architecture, built where it runs (MarvellServer/ThunderX-HPC-Containers'
  // LLVM 10 image sets both to aarch64-linux-gnu and builds on ThunderX machines).
  std::set<std::string> hostTriples, targetTriples;
  for (const auto& in : file.instructions) {
    if (namesPlatformArgument(in.line.text)) return std::nullopt;
    for (const auto& doc : in.heredocs) {
      if (namesPlatformArgument(doc.content)) return std::nullopt;
    }
    if (in.command == "from") {
      // A pinned stage, or a base image fixed to one architecture, says what the file is for.
      if (in.flag("platform") || in.args.empty() || platformOfImageReference(text::lower(in.args[0].value))) {
        return std::nullopt;
      }
      // cross-rs's images, and a custom image built on one (`FROM $CROSS_BASE_IMAGE`, as its docs show).
      const std::string base = text::lower(in.args[0].value);
      if (configured.empty() && (base.find("cross_base_image") != std::string::npos ||
                                 text::startsWith(base, "ghcr.io/cross-rs/") || text::startsWith(base, "rustembedded/cross:"))) {
        configured = "a cross-rs target";
      }
      continue;
    }
    std::vector<std::pair<std::string, std::string>> assignments;
    if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) assignments.emplace_back(in.args[i].value, in.args[i + 1].value);
    } else if (in.command == "arg") {
      for (const auto& a : in.args) {
        const size_t equals = a.value.find('=');
        if (equals != std::string::npos) assignments.emplace_back(a.value.substr(0, equals), a.value.substr(equals + 1));
      }
    }
    for (const auto& [name, raw] : assignments) {
      const std::string value = dockerfile::expandWord(raw, env, file.escapeToken).value;
      env[name] = value;
      if (auto triple = crossVariableIn(name)) configure(*triple);
      const std::string upper = text::upper(name);
      const bool namesTarget = upper.find("TARGET") != std::string::npos || upper.find("TRIPLE") != std::string::npos ||
                               upper.find("CROSS") != std::string::npos || upper == "CHOST" || upper == "HOST";
      const bool namesCompiler = upper == "CC" || upper == "CXX" || upper == "LINKER" || text::endsWith(upper, "_LINKER");
      for (const auto& word : wordsOf(value)) {
        if (namesTarget) {
          if (auto triple = parseTriple(word)) {
            configure(*triple);
            // autoconf's and Gentoo's host (`CHOST`, `--host`) is where the built code runs: the
            // cross target, not the compiler's host.
            const bool compilerHost = upper.find("HOST") != std::string::npos && upper != "CHOST" && upper != "HOST" &&
                                      upper.find("CROSS") == std::string::npos;
            if (triple->foreign) (compilerHost ? hostTriples : targetTriples).insert(triple->text);
          }
        }
        if (namesTarget || namesCompiler) {
          if (auto compiler = crossToolchainIn(word); !compiler.empty()) configure(Triple{compiler, true});
        }
      }
    }
    if (in.command == "run") {
      for (const auto& word : wordsOf(in.rest())) {
        const std::string compiler = crossToolchainIn(dockerfile::expandWord(word, env, file.escapeToken).value);
        if (compiler.empty()) continue;
        if (installed.empty()) installed = compiler;
        if (hostExcluding.empty() && existsOnlyForOtherHosts(compiler)) hostExcluding = compiler;
      }
    }
  }
  if (configuresNative) return std::nullopt;
  for (const auto& host : hostTriples) {
    if (targetTriples.count(host)) return std::nullopt;
  }
  std::string target = configured;
  if (target.empty()) target = hostExcluding;
  if (target.empty()) target = multilib;
  if (target.empty() && !installed.empty()) {
    // The directory names it: `builders/linux.riscv64/`, `docker/aarch64-cross/`.
    const std::string architecture = text::split(installed, '-').front();
    const std::string debianArchitecture = text::split(installed, '-').back();  // crossbuild-essential-<arch>
    for (const auto& component : relativeDirectory) {
      std::string name = text::lower(component.string());
      for (char& c : name) c = c == '.' ? '-' : c;  // `linux.aarch64`, `windows.x86_64`
      for (const auto& word : text::split(name, '-')) {
        if (word == architecture || (text::startsWith(installed, "crossbuild-essential-") && word == debianArchitecture)) {
          target = installed;
        }
      }
    }
  }
  if (target.empty()) return std::nullopt;
  return DeclaredPlatforms{{*parsePlatform("linux/amd64")},
                           std::string(target == multilib ? "a multilib build image for " : "a cross-toolchain image for ") +
                               target + " (no platform argument, no pinned base: such build images run on an x86-64 build host)"};
}

}  // namespace mal::context
