// MA120: a path that exists on one architecture only: the multiarch library directories
// (/usr/lib/x86_64-linux-gnu), the dynamic loaders, Debian's JVM directories.
#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/arch_named_paths.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"
#include "rules/dockerfile/text_sites.h"

namespace mal::rules {
namespace {

// The platform whose directory a path component names: a multiarch triplet directory
// (after lib/, lib64/ or include/), a dynamic loader (after lib/ or lib64/), or Debian's JVM
// directory java-17-openjdk-amd64. `parent` is the component before it.
// `written`: the component as written with the variables it holds
// (`graalvm-ce-java$JAVA_VERSION-linux-amd64-$GRAALVM_VERSION.tar.gz`), which the scan splits at each `$`; what it ends with
// tells an archive's name from a directory.
std::optional<Platform> platformOfComponent(std::string_view component, std::string_view parent, std::string_view grandparent,
                                            std::string_view written = {}) {
  static const std::pair<std::string_view, std::string_view> kTriplets[] = {
      {"x86_64-linux-gnu", "linux/amd64"},
      {"aarch64-linux-gnu", "linux/arm64"},
      {"arm-linux-gnueabihf", "linux/arm/v7"},
      {"arm-linux-gnueabi", "linux/arm/v6"},
      {"i386-linux-gnu", "linux/386"},
      {"powerpc64le-linux-gnu", "linux/ppc64le"},
      {"s390x-linux-gnu", "linux/s390x"},
      {"riscv64-linux-gnu", "linux/riscv64"},
      // Debian's musl-dev installs into the musl multiarch directory (/usr/lib/x86_64-linux-musl).
      {"x86_64-linux-musl", "linux/amd64"},
      {"aarch64-linux-musl", "linux/arm64"},
      {"arm-linux-musleabihf", "linux/arm/v7"},
      {"i386-linux-musl", "linux/386"},
      {"powerpc64le-linux-musl", "linux/ppc64le"},
      {"s390x-linux-musl", "linux/s390x"}};
  static const std::pair<std::string_view, std::string_view> kLoaders[] = {
      {"ld-linux-x86-64.so", "linux/amd64"}, {"ld-linux-aarch64.so", "linux/arm64"}, {"ld-linux-armhf.so", "linux/arm/v7"},
      {"ld64.so.2", "linux/ppc64le"},        {"ld-musl-x86_64.so", "linux/amd64"},   {"ld-musl-aarch64.so", "linux/arm64"}};
  const bool libDir = parent == "lib" || parent == "lib64";
  if (libDir || parent == "include") {
    for (const auto& [triplet, platform] : kTriplets) {
      if (!text::startsWith(component, triplet)) continue;
      const std::string_view rest = component.substr(triplet.size());
      // x86_64-linux-gnu, not x86_64-linux-gnu-gcc (a compiler, MA130's business)
      if (rest.empty()) return parsePlatform(std::string(platform));
    }
  }
  if (libDir) {
    for (const auto& [loader, platform] : kLoaders) {
      if (text::startsWith(component, loader)) return parsePlatform(std::string(platform));
    }
  }
  // musl's library name as musllinux wheels link it (libc.musl-x86_64.so.1, Alpine's symlink
  // to its loader): under another name on every other architecture.
  if (libDir && text::startsWith(component, "libc.musl-") && component.find(".so") != std::string_view::npos) {
    const std::string_view arch = component.substr(10, component.find(".so") - 10);
    const auto tokens = vocab::findArchTokens(arch);
    if (tokens.size() == 1 && tokens[0].begin == 0 && tokens[0].end == arch.size()) return tokens[0].platform;
  }
  // musl's loader search path file, one per architecture: /etc/ld-musl-x86_64.path
  if (parent == "etc" && text::startsWith(component, "ld-musl-") && text::endsWith(component, ".path")) {
    const auto tokens = vocab::findArchTokens(component.substr(8, component.size() - 13));
    if (tokens.size() == 1 && tokens[0].begin == 0) return tokens[0].platform;
  }
  // The JDK directories of every distribution, which put the architecture in the name:
  // Zulu (zulu17.44.53-ca-jdk17.0.8.1-linux_x64, /usr/lib/jvm/zulu17-ca-amd64), Corretto
  // (amazon-corretto-17.0.8.8.1-linux-x64, java-17-amazon-corretto.x86_64), Liberica
  // (bellsoft-java17-amd64), Red Hat (java-17-openjdk-17.0.8.0.7-2.el9.x86_64), Temurin
  // tarballs (OpenJDK17U-jdk_x64_linux_hotspot), and any directory under /usr/lib/jvm/.
  {
    const std::string lowered = text::lower(component);
    bool jdk = parent == "jvm";
    for (std::string_view word : {"jdk", "jre", "java", "zulu", "corretto", "bellsoft", "liberica", "temurin", "sapmachine",
                                  "graalvm", "semeru", "dragonwell"}) {
      jdk = jdk || lowered.find(word) != std::string::npos;
    }
    // An archive's or an installer's name is a download (MA110's business), not an install
    // directory: `ADD .../jdk-6u45-linux-x64.bin ./jdk-6-x64.bin` then `RUN ./jdk-6-x64.bin`
    // runs a file the stage itself put there on every platform (rohitggarg/sunjdk-maven, Part TQ).
    // So is its signature or checksum (`elasticsearch-oss-7.0.1-no-jdk-linux-x86_64.tar.gz.asc`,
    // blacktop/docker-elasticsearch-alpine, Part ZZZZZZK): the archive's name without the suffix.
    const std::string writtenLowered = text::lower(written.empty() ? component : written);
    std::string_view named = writtenLowered;
    for (std::string_view check : {".asc", ".sig", ".sha1", ".sha256", ".sha512", ".md5", ".sha256sum", ".sha512sum"}) {
      if (text::endsWith(named, check)) {
        named.remove_suffix(check.size());
        break;
      }
    }
    for (std::string_view archive :
         {".tar.gz", ".tgz", ".zip", ".tar.xz", ".tar", ".rpm", ".deb", ".msi", ".pkg", ".bin", ".sh", ".run"}) {
      jdk = jdk && !text::endsWith(named, archive);
    }
    if (jdk) {
      const auto tokens = vocab::findArchTokens(lowered);
      if (tokens.size() == 1) return tokens[0].platform;
    }
  }
  // The directories package builders write for the machine they run on: rpmbuild's
  // RPMS/x86_64/, Alpine's abuild ~/packages/<repo>/x86_64/ (or packages/x86_64/ with an
  // empty repo). A natively built stage on arm64 writes RPMS/aarch64/ instead.
  // (elabftw/elabimg Dockerfile before c174401: `mv /home/builder/packages/x86_64/cronie-...apk`.)
  if (parent == "RPMS" || parent == "packages" || grandparent == "packages") {
    const auto tokens = vocab::findArchTokens(component);
    if (tokens.size() == 1 && tokens[0].begin == 0 && tokens[0].end == component.size() &&
        (component == "x86_64" || component == "aarch64" || component == "ppc64le" || component == "s390x" ||
         component == "riscv64"))
      return tokens[0].platform;
  }
  // java-17-openjdk-amd64 (Debian and Ubuntu's JVM directories)
  if (text::startsWith(component, "java-")) {
    const size_t openjdk = component.find("-openjdk-");
    if (openjdk != std::string_view::npos) {
      const std::string_view arch = component.substr(openjdk + 9);
      for (std::string_view known : {"amd64", "arm64", "armhf", "ppc64el", "s390x", "riscv64", "i386"}) {
        if (arch == known) return parsePlatform(std::string(arch));
      }
    }
  }
  return std::nullopt;
}

struct PathHit {
  size_t begin, end;  // the path up to the component that names the architecture
  Platform platform;
};

// The first architecture-named directory in `text`, scanning its path-like runs.
std::optional<PathHit> findArchPath(std::string_view text) {
  auto pathChar = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+';
  };
  for (size_t i = 0; i < text.size();) {
    if (!pathChar(text[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && pathChar(text[i])) ++i;
    // The operator of a default or alternative value (`${SSL_PATH:-/usr/lib/x86_64-linux-gnu}`,
    // weatheredwatcher/container-siege, Part ZZB) is no part of the path: no path starts "-/".
    if (i - start > 1 && (text[start] == '-' || text[start] == '+') && text[start + 1] == '/') ++start;
    const std::string_view token = text.substr(start, i - start);
    // A URL's path (`http://host/open-jdk-linux-x64/jdk.zip`) is a server's, not a directory of
    // the image: the download is MA110's (arcln/unity-docker, Part AZ).
    if (start > 0 && text[start - 1] == ':' && text::startsWith(token, "//")) continue;
    std::string_view parent, grandparent;
    for (size_t c = 0; c <= token.size();) {
      const size_t slash = token.find('/', c);
      const size_t end = slash == std::string_view::npos ? token.size() : slash;
      const std::string_view component = token.substr(c, end - c);
      // The component with the expansions around it (`java$JAVA_VERSION-linux-amd64-$V.tar.gz`),
      // up to the next `/` or the end of the word.
      size_t writtenBegin = start + c, writtenEnd = start + end;
      const auto inWord = [&](char ch) { return pathChar(ch) || ch == '$' || ch == '{' || ch == '}'; };
      while (writtenBegin > 0 && text[writtenBegin - 1] != '/' && inWord(text[writtenBegin - 1])) --writtenBegin;
      while (writtenEnd < text.size() && text[writtenEnd] != '/' && inWord(text[writtenEnd])) ++writtenEnd;
      const std::string_view written = text.substr(writtenBegin, writtenEnd - writtenBegin);
      if (const auto platform = platformOfComponent(component, parent, grandparent, written))
        return PathHit{start, start + end, *platform};
      grandparent = parent;
      parent = component;
      if (slash == std::string_view::npos) break;
      c = slash + 1;
    }
  }
  return std::nullopt;
}

// Search lists: their readers (ld.so, pkg-config, the shell, compilers) skip an entry that
// does not exist, so a list naming one architecture's directory (or both) breaks nothing.
// The names archives in the file unpack to: `zulu21-linux_aarch64.tar.gz` makes
// `zulu21-linux_aarch64/`. A directory the build makes itself, by unpacking the same fixed
// download on every platform, exists on every platform (holding the wrong architecture's
// code, which MA110 reports at the download): not a path that only one platform has.
void addArchiveStems(std::string_view text, std::set<std::string>& stems) {
  auto wordChar = [](char c) { return !std::isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\'' && c != ';'; };
  for (size_t i = 0; i < text.size();) {
    if (!wordChar(text[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && wordChar(text[i])) ++i;
    std::string word = text::lower(text.substr(start, i - start));
    if (const size_t query = word.find_first_of("?#"); query != std::string::npos) word.resize(query);
    const size_t slash = word.rfind('/');
    std::string_view name = std::string_view(word).substr(slash == std::string::npos ? 0 : slash + 1);
    for (std::string_view archive : {".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst", ".tar", ".zip"}) {
      if (name.size() > archive.size() && text::endsWith(name, archive)) {
        stems.insert(std::string(name.substr(0, name.size() - archive.size())));
        break;
      }
    }
  }
}

// Does the path's last component (the one that names the architecture) come out of one of
// those archives?
bool unpackedFromArchive(std::string_view path, const std::set<std::string>& stems) {
  const std::string component = text::lower(baseName(path));
  return !component.empty() && stems.count(component) > 0;
}

bool isSearchList(std::string_view name) {
  static const std::set<std::string_view> kLists = {"PATH",
                                                    "LD_LIBRARY_PATH",
                                                    "LIBRARY_PATH",
                                                    "LD_RUN_PATH",
                                                    "PKG_CONFIG_PATH",
                                                    "PKG_CONFIG_LIBDIR",
                                                    "CPATH",
                                                    "C_INCLUDE_PATH",
                                                    "CPLUS_INCLUDE_PATH",
                                                    "PYTHONPATH",
                                                    "CMAKE_PREFIX_PATH",
                                                    "CMAKE_LIBRARY_PATH",
                                                    "CMAKE_INCLUDE_PATH",
                                                    "MANPATH",
                                                    "GI_TYPELIB_PATH",
                                                    "XDG_DATA_DIRS",
                                                    "JAVA_LIBRARY_PATH",
                                                    "GST_PLUGIN_PATH",
                                                    "QT_PLUGIN_PATH",
                                                    "LUA_CPATH",
                                                    "PERL5LIB",
                                                    "CLASSPATH",
                                                    "GCONV_PATH"};
  return kLists.count(name) > 0;
}

// A variable's value that is itself a list of paths (`/opt/prov:/usr/lib/x86_64-linux-gnu/libfabric`,
// `/usr/lib/aarch64-linux-gnu/libjemalloc.so:$LD_PRELOAD`): no one path holds a ':' followed by
// another absolute path or a variable, so whatever the variable is called (FI_PROVIDER_PATH,
// GST_PLUGIN_SYSTEM_PATH, LD_PRELOAD) its reader walks a list, and like ld.so and pkg-config it
// skips an entry that is not there. A single path (`JAVA_HOME`, `VLLM_NCCL_SO_PATH`) is no list.
bool isPathList(std::string_view value) {
  value = text::withoutQuotes(value);
  size_t entries = 0;
  for (size_t begin = 0; begin <= value.size();) {
    const size_t colon = std::min(value.find(':', begin), value.size());
    const std::string_view entry = value.substr(begin, colon - begin);
    if (entry.empty() || (entry.front() != '/' && entry.front() != '$')) return false;
    ++entries;
    begin = colon + 1;
  }
  return entries >= 2;
}

// A search-list setting or search flag written as one shell word: `LD_LIBRARY_PATH=...`,
// `-L/usr/lib/x86_64-linux-gnu`, `-I...`, `-Wl,-rpath,...`.
bool isSearchWord(std::string_view word) {
  while (!word.empty() && (word.front() == '"' || word.front() == '\'')) word.remove_prefix(1);
  const size_t eq = word.find('=');
  if (eq != std::string_view::npos) {
    // The name is the last word before the '=': a quoted line a script writes into another
    // script (`echo 'export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu' >> /usr/bin/ssh`,
    // ucsd-ets/datahub-docker-stack) sets the list when that script runs, as a bare one does.
    std::string_view name = word.substr(0, eq);
    if (const size_t blank = name.find_last_of(" \t"); blank != std::string_view::npos) name.remove_prefix(blank + 1);
    // A quote that opens before the '=' (`export PKG_CONFIG_PATH"=/usr/lib/...:$PKG_CONFIG_PATH"`,
    // tyurind/docker-php-fpm's .bashrc line) is removed before export sees the assignment.
    while (!name.empty() && (name.back() == '"' || name.back() == '\'')) name.remove_suffix(1);
    if (isSearchList(name)) return true;
  }
  return text::startsWith(word, "-L") || text::startsWith(word, "-I") || text::startsWith(word, "-Wl,-rpath") ||
         text::startsWith(word, "-Wl,-L") || text::startsWith(word, "-isystem");
}

// A directory written as a line of an ld.so.conf file (`echo /usr/local/lib/x86_64-linux-gnu >
// /etc/ld.so.conf.d/local.conf`, `... | tee -a /etc/ld.so.conf`, also inside `sh -c "..."`) is an
// entry of the dynamic loader's search list, like one of LD_LIBRARY_PATH: ldconfig skips a
// configured directory it cannot open (glibc elf/ldconfig.c, search_dir: the complaint is
// printed only with -v, and the run succeeds), so on the other architectures the line is inert.
// (cntrump/ubuntu-template, bench/precision Part L.)
bool writtenIntoLdSoConf(const TextSite& site) {
  for (std::string_view into : {">/etc/ld.so.conf", "> /etc/ld.so.conf", "tee /etc/ld.so.conf", "tee -a /etc/ld.so.conf"}) {
    if (site.text.find(into) != std::string_view::npos) return true;  // a `sh -c` string that writes the file
  }
  if (!site.command || !site.run) return false;
  // The command's index from its address (a search over the script for every word was
  // quadratic: 14 s on a 1 MiB heredoc, audit H10).
  const auto& commands = site.run->script.commands;
  if (commands.empty() || std::less<>{}(site.command, commands.data()) ||
      !std::less<>{}(site.command, commands.data() + commands.size()))
    return false;
  const auto index = static_cast<size_t>(site.command - commands.data());
  return text::startsWith(outputFileOf(site.run->script, index).path, "/etc/ld.so.conf");
}

const char* kFix =
    "derive it at build time: /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH), /usr/lib/$(uname -m)-linux-gnu, "
    "or for Java the version-only path (e.g. $(dirname $(dirname $(readlink -f $(which java)))))";

// Almost no text holds any of these: look for them before scanning.
bool mayNameArchPath(std::string_view text) {
  static const std::string_view kHints[] = {"-linux-gnu", "-linux-musl", "ld-linux", "ld64.so",  "ld-musl",    "libc.musl",
                                            "openjdk-",   "jvm/",        "jdk",      "jre",      "java",       "zulu",
                                            "corretto",   "bellsoft",    "liberica", "temurin",  "sapmachine", "graalvm",
                                            "semeru",     "dragonwell",  "rpms/",    "packages/"};
  const std::string lowered = text::lower(text);
  return std::any_of(std::begin(kHints), std::end(kHints),
                     [&](std::string_view h) { return lowered.find(h) != std::string::npos; });
}

// The targets on which a path of `platform`'s directories is missing. An i386 multiarch
// path (`/lib/i386-linux-gnu`, `/usr/lib/i386-linux-gnu`) is there on amd64 wherever i386
// packages are installed (Debian multiarch: `dpkg --add-architecture i386`, lib32 and
// `:i386` packages, as Steam, Wine and 32-bit game-server images do, in the stage or its base
// image), and amd64 runs that code (dockerfile::executesOn); so only targets that cannot run
// i386 code are named.
std::vector<Platform> brokenForPath(const DockerfileContext& ctx, size_t stage, const Platform& platform) {
  return ctx.programBrokenBy(stage, platform);
}

// A JDK's directory (`/usr/lib/jvm/...`, `jdk`, `jre` in it): scripts and JAVA_HOME look it up by
// that very name, unlike a loader or a library directory, which each platform names its own way.
bool namesJdkDirectory(std::string_view path) {
  const std::string lowered = text::lower(path);
  return lowered.find("/jvm/") != std::string::npos || lowered.find("jdk") != std::string::npos ||
         lowered.find("jre") != std::string::npos;
}

// A JDK directory the stage makes itself with COPY, ADD, mv or cp (`ENV JAVA_HOME=/usr/lib/jvm/msopenjdk-16-amd64`
// then `COPY --from=jlink /javaruntime $JAVA_HOME`): it exists on every platform, and what it
// holds is what the copy brings (MA150's business for a context file, the source stage's
// platform for --from). Only JDK directories: a library copied into another architecture's
// multiarch directory (`/usr/lib/x86_64-linux-gnu/`) is still where that platform's loader
// never looks (mattwelke/javalin-jlink-test, Part BC).
bool jdkDirectoryMadeByCopy(const DockerfileContext& ctx, size_t stage, std::string_view path) {
  if (!namesJdkDirectory(path)) return false;
  if (stage >= ctx.model.stages.size()) return false;
  for (size_t index : ctx.model.stages[stage].instructions) {
    const auto& in = ctx.instruction(index);
    if ((in.command != "copy" && in.command != "add") || in.args.size() < 2) continue;
    std::string destination = in.args.back().value;
    if (destination.find('$') != std::string::npos) {
      const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, stage, index, destination);
      if (!fixed) continue;
      destination = fixed->value;
    }
    while (destination.size() > 1 && destination.back() == '/') destination.pop_back();
    if (destination == path || (text::startsWith(destination, path) && destination[path.size()] == '/')) return true;
  }
  // ... or with `mv` or `cp` of an unpacked JDK to that name (`mv /tmp/zulu8...-linux_x64
  // /usr/lib/jvm/zulu-8-amd64`, Chirlu42/dockerfile-experiments, Part FU): the name is the
  // file's own choice, made on every platform.
  for (const auto& run : ctx.model.scriptsIn(stage)) {
    for (const auto& command : run.script.commands) {
      const auto words = programWords(command);
      if (words.size() < 3) continue;
      const std::string name = baseName(words[0]->literal);
      if (name != "mv" && name != "cp") continue;
      std::string_view destination = text::withoutQuotes(words.back()->literal);
      while (destination.size() > 1 && destination.back() == '/') destination.remove_suffix(1);
      if (destination == path) return true;
    }
  }
  return false;
}

// A path that names one architecture only once its variables are expanded: `ARG ARCH=x86_64`
// then `ln -s /usr/lib/${ARCH}-linux-gnu/...`. Reported at the use, pointing at the definition.
struct FlowHit {
  Span span;
  std::string message;
  std::vector<FindingSink::RelatedSpan> related;
  std::vector<Platform> broken;
  size_t definition = 0;
};

// The names that some ARG or ENV gives a value: only a word using one of them can have a
// value for every target (the others are the shell's, the base image's or unset).
std::set<std::string> namesWithValues(const DockerfileContext& ctx) {
  std::set<std::string> names;
  for (const auto& in : ctx.file.instructions) {
    if (in.command == "env") {
      for (size_t i = 0; i < in.args.size(); i += 3) names.insert(in.args[i].value);
    } else if (in.command == "arg") {
      for (const auto& arg : in.args) {
        const size_t eq = arg.value.find('=');
        if (eq != std::string::npos) names.insert(arg.value.substr(0, eq));
      }
    }
  }
  return names;
}

// Is the path another architecture's multiarch directory (`/usr/lib/aarch64-linux-gnu`) in a
// stage that registers that architecture with dpkg (`dpkg --add-architecture arm64`, then
// `apt-get install libdbus-1-dev:arm64`)? Debian's multiarch packages install into their own
// tuple's directory beside the native ones, so it exists on every platform the stage runs on:
// the sysroot of a cross build (mullvad/mullvadvpn-app's
// `PKG_CONFIG_SYSROOT_DIR_aarch64_unknown_linux_gnu=/usr/lib/aarch64-linux-gnu`, Part ZZZN).
// Installing the foreign packages is MA112's to judge.
bool multiarchDirectoryInstalled(const std::vector<std::set<std::string>>& addedToDpkg, size_t stage, std::string_view path,
                                 const Platform& platform) {
  const std::string component = baseName(path);
  if (component.find("-linux-gnu") == std::string::npos) return false;
  return stage < addedToDpkg.size() && addedToDpkg[stage].count(platform.architecture) > 0;
}

std::optional<FlowHit> pathThroughValues(const DockerfileContext& ctx, const TextSite& site, const std::set<std::string>& valued,
                                         const std::set<std::string>& archiveStems,
                                         const std::vector<std::set<std::string>>& addedToDpkg) {
  if (site.text.find('$') == std::string_view::npos || !ctx.model.stageOf[site.instruction]) return std::nullopt;
  const std::string written(site.text);
  const auto uses = dockerfile::expandWord(written, {}, ctx.file.escapeToken).referenced;
  if (std::none_of(uses.begin(), uses.end(), [&](const std::string& name) { return valued.count(name) > 0; }))
    return std::nullopt;
  const auto fixed =
      site.run ? dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, *site.run, written)
               : dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, site.stage, site.instruction, written);
  if (!fixed || !mayNameArchPath(fixed->value)) return std::nullopt;
  const auto hit = findArchPath(fixed->value);
  if (!hit) return std::nullopt;
  const std::string path = fixed->value.substr(hit->begin, hit->end - hit->begin);
  if (unpackedFromArchive(path, archiveStems) || jdkDirectoryMadeByCopy(ctx, site.stage, path) ||
      multiarchDirectoryInstalled(addedToDpkg, site.stage, path, hit->platform))
    return std::nullopt;
  const std::pair<const std::string, dockerfile::FixedValue::Source>* source = nullptr;
  for (const auto& token : vocab::findArchTokens(path)) {
    if ((source = fixed->bringing(token.token))) break;
  }
  if (!source) return std::nullopt;
  const auto broken = brokenForPath(ctx, site.stage, hit->platform);
  if (broken.empty()) return std::nullopt;
  const auto& definition = ctx.instruction(source->second.instruction);
  return FlowHit{site.span(0, site.text.size()),
                 "'" + std::string(site.text) + "' is '" + path + "', which exists only on " + hit->platform.str() + " ($" +
                     source->first + " is '" + source->second.value + "', set by " + text::upper(definition.command) +
                     " on line " + std::to_string(definition.startLine) + "): on " + platformList(broken) + " it is not there",
                 {{definition.span, source->first + " is set here"}},
                 broken,
                 source->second.instruction};
}

// An archive fetched per architecture, `zig-linux-$(uname -m)-0.10.0.tar.xz`: the text around
// the architecture (`zig-linux-`, `-0.10.0`), which the directory it unpacks to keeps.
struct PerArchArchive {
  size_t stage;
  std::string prefix, suffix;  // lowered
  auto operator<=>(const PerArchArchive&) const = default;
};
// Each archive once, and at most this many a file: every text is compared with each of them
// (a RUN per download of the same archive made that quadratic, audit H10); a real stage
// fetches a handful.
constexpr size_t kMaxPerArchArchives = 64;

// The expansions that put the build's architecture in a name.
constexpr std::string_view kArchExpansions[] = {"$(uname -m)",         "$(arch)",       "$(dpkg --print-architecture)",
                                                "$(apk --print-arch)", "${TARGETARCH}", "$TARGETARCH"};

void addPerArchArchives(const TextSite& site, std::set<PerArchArchive>& out) {
  auto wordChar = [](char c) { return !std::isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\'' && c != ';'; };
  const std::string_view text = site.text;
  for (std::string_view expansion : kArchExpansions) {
    for (size_t at = text.find(expansion); at != std::string_view::npos; at = text.find(expansion, at + 1)) {
      // The file name the expansion stands in: back to the last '/' (or the word's start),
      // on to the archive extension. A space inside $(...) is part of the expansion.
      size_t begin = at;
      while (begin > 0 && wordChar(text[begin - 1]) && text[begin - 1] != '/') --begin;
      size_t end = at + expansion.size();
      while (end < text.size() && wordChar(text[end]) && text[end] != '/') ++end;
      std::string prefix = text::lower(text.substr(begin, at - begin));
      std::string suffix = text::lower(text.substr(at + expansion.size(), end - at - expansion.size()));
      bool archive = false;
      for (std::string_view ext : {".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst", ".zip"}) {
        if (text::endsWith(suffix, ext)) {
          suffix.resize(suffix.size() - ext.size());
          archive = true;
          break;
        }
      }
      // Too little text around it to name one directory (`$(uname -m).tar.gz`), or more
      // expansions in the name: left alone.
      if (!archive || prefix.size() < 3 || prefix.find('$') != std::string::npos || suffix.find('$') != std::string::npos)
        continue;
      if (out.size() < kMaxPerArchArchives) out.insert({site.stage, std::move(prefix), std::move(suffix)});
    }
  }
}

// `cp -r /tmp/zig-linux-x86_64-0.10.0 /tmp/zig/` after fetching `zig-linux-$(uname -m)-0.10.0.tar.xz`:
// the directory is named for the architecture the archive was fetched for, so the path written
// with one architecture's name exists on that platform only. Returns the component's byte range
// in `text` and its platform.
std::optional<PathHit> perArchArchiveDirectory(std::string_view text, size_t stage, const std::set<PerArchArchive>& archives) {
  if (archives.empty()) return std::nullopt;
  const std::string lowered = text::lower(text);
  if (vocab::findArchTokens(lowered).empty()) return std::nullopt;  // most texts name no architecture
  for (const auto& archive : archives) {
    if (archive.stage != stage) continue;
    for (size_t at = lowered.find(archive.prefix); at != std::string::npos; at = lowered.find(archive.prefix, at + 1)) {
      if (at > 0 && lowered[at - 1] != '/' && !std::isspace(static_cast<unsigned char>(lowered[at - 1])) &&
          lowered[at - 1] != '"' && lowered[at - 1] != '\'')
        continue;
      const size_t archBegin = at + archive.prefix.size();
      const auto tokens = vocab::findArchTokens(std::string_view(lowered).substr(archBegin));
      if (tokens.empty() || tokens[0].begin != 0) continue;
      const size_t archEnd = archBegin + tokens[0].end;
      if (lowered.compare(archEnd, archive.suffix.size(), archive.suffix) != 0) continue;
      const size_t end = archEnd + archive.suffix.size();
      // The directory itself, not the archive (`zig-linux-x86_64-0.10.0.tar.xz` is MA110's).
      if (end < lowered.size() && lowered[end] == '.') continue;
      return PathHit{at, end, tokens[0].platform};
    }
  }
  return std::nullopt;
}

// Does the stage (or, for any target, a stage it is based on) get a JVM that is not
// Debian's: a Temurin, Corretto, Zulu, Liberica, Semeru, SapMachine or GraalVM base image, a
// JDK copied from one, or JAVA_HOME at Temurin's /opt/java/openjdk? Debian's and Ubuntu's
// OpenJDK packages add the multiarch directories to java.library.path; the vendors' builds
// keep OpenJDK's default (LD_LIBRARY_PATH, then /usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib).
bool getsVendorJvm(const DockerfileContext& ctx, size_t stage) {
  static const std::string_view kVendors[] = {"temurin", "corretto",   "zulu",    "liberica",         "bellsoft",
                                              "semeru",  "sapmachine", "graalvm", "/opt/java/openjdk"};
  auto mentions = [](std::string_view text) {
    const std::string lowered = text::lower(text);
    return std::any_of(std::begin(kVendors), std::end(kVendors),
                       [&](std::string_view v) { return lowered.find(v) != std::string::npos; });
  };
  const auto& graph = *ctx.stages;
  std::set<size_t> chain;
  for (size_t t = 0; t < graph.targets.size(); ++t) {
    for (size_t s = stage; s < ctx.model.stages.size() && chain.insert(s).second;) {
      if (s >= graph.baseFor.size() || t >= graph.baseFor[s].size()) break;
      s = graph.baseFor[s][t];
    }
  }
  for (size_t s : chain) {
    const auto& st = ctx.model.stages[s];
    if (mentions(st.baseExpanded)) return true;
    for (size_t index : st.instructions) {
      const auto& in = ctx.instruction(index);
      if (const auto* from = in.flag("from"); in.command == "copy" && from && mentions(from->value())) return true;
      if (in.command == "env") {
        for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
          if (in.args[i].value == "JAVA_HOME" && mentions(in.args[i + 1].value)) return true;
        }
      }
    }
  }
  return false;
}

// `ENV LD_LIBRARY_PATH=...:/usr/lib/x86_64-linux-gnu` for a vendor JVM: naming a directory
// that is missing breaks nothing (search lists are left alone above), but here the list is
// how the JVM finds the JNI libraries apt installed (System.loadLibrary searches
// java.library.path only, and a vendor JVM's has no multiarch directory): with one
// architecture's directory only, every other target's image cannot load them.
// (gotson/komga Dockerfile.tpl before 16e8b97: "native libraries would not load on aarch64".)
void checkJvmLibraryPath(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    std::optional<bool> vendorJvm;  // asked once per stage, and only when the ENV is there
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if (in.command != "env") continue;
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        if (in.args[i].value != "LD_LIBRARY_PATH") continue;
        const std::string& value = in.args[i + 1].value;
        std::set<std::string> architectures;
        std::optional<PathHit> first;
        bool debianJniDirectory = false;
        for (size_t begin = 0; begin <= value.size();) {
          const size_t colon = std::min(value.find(':', begin), value.size());
          const std::string_view entry = std::string_view(value).substr(begin, colon - begin);
          // Debian's JNI packages (libgdal-java, libtcnative-1, ...) link their libraries into
          // /usr/lib/jni on every architecture: listed, the JVM finds them anywhere
          // (kartoza/docker-geoserver).
          debianJniDirectory = debianJniDirectory || entry == "/usr/lib/jni" || entry == "/usr/lib/jni/";
          if (const auto hit = findArchPath(entry)) {
            architectures.insert(hit->platform.architecture);
            if (!first) first = PathHit{begin + hit->begin, begin + hit->end, hit->platform};
          }
          begin = colon + 1;
        }
        if (architectures.size() != 1 || !first || debianJniDirectory) continue;
        const auto broken = ctx.brokenBy(stage.index, first->platform);
        if (broken.empty()) continue;
        if (!vendorJvm) vendorJvm = getsVendorJvm(ctx, stage.index);
        if (!*vendorJvm) break;
        const Span& at = in.args[i + 1].span;
        const std::string path = value.substr(first->begin, first->end - first->begin);
        out.report(rule, Span{at.begin + static_cast<uint32_t>(first->begin), at.begin + static_cast<uint32_t>(first->end)},
                   "LD_LIBRARY_PATH lists '" + path + "', the " + first->platform.str() +
                       " library directory, for a JVM that finds JNI libraries only on that list (a vendor JVM's "
                       "java.library.path has no multiarch directory): on " +
                       platformList(broken) + " the libraries installed there cannot be loaded",
                   "list the target's directory: /usr/lib/$(uname -m)-linux-gnu at run time, or both architectures' "
                   "directories (ld.so and the JVM skip the one that is missing)",
                   std::nullopt, broken);
      }
    }
  }
}

// A COPY --from (or ADD --from) whose source stage runs on `platform` for every target: the
// path exists there whatever is built (BuildKit resolves a --from source in the source
// stage's own filesystem), and what it carries is that platform's code, put where that
// platform's loader looks. It is wrong only in an image whose platform cannot run that code:
// i386 libraries from a `--platform=linux/386` stage in an amd64 image are fine (amd64 runs
// i386 code, as a 32-bit game server needs), amd64 libaio from a `--platform=linux/amd64`
// stage in the arm64 image is not (microsoft/garnet). Returns the targets still broken, or
// nullopt when the instruction copies from no stage pinned to that platform.
std::optional<std::vector<Platform>> brokenByPinnedCopy(const DockerfileContext& ctx, size_t instruction,
                                                        const Platform& platform, const std::vector<Platform>& broken) {
  const auto at = ctx.stages->usesAtInstruction.find(instruction);
  if (at == ctx.stages->usesAtInstruction.end()) return std::nullopt;
  for (size_t u : at->second) {
    const auto& use = ctx.stages->uses[u];
    if (use.kind != dockerfile::StageUse::Kind::Copy) continue;
    const auto& runs = ctx.stages->platform[use.source];
    if (runs.runs != dockerfile::StageRuns::Pinned || !runs.pinned || runs.pinned->architecture != platform.architecture)
      return std::nullopt;
    std::vector<Platform> out;
    for (const auto& target : broken) {
      if (!dockerfile::executesOn(*runs.pinned, target)) out.push_back(target);
    }
    return out;
  }
  return std::nullopt;
}

// `rm -f` (also `-rf`, `-fr`, `--force`) succeeds where its operand does not exist (POSIX rm:
// "-f  Do not prompt ... do not write diagnostic messages or modify the exit status in the case
// of no file operands, or in the case of operands that do not exist"), so removing one
// architecture's files (`rm -f /usr/lib/x86_64-linux-gnu/libmfxhw*`) is a no-op elsewhere, not a
// failure. A plain `rm` of a missing path fails the RUN and is still reported.
bool removesOnlyWhatExists(const shell::Command& command) {
  const auto words = programWords(command);
  if (words.empty() || baseName(words[0]->literal) != "rm") return false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i]->literal;
    if (word == "--") break;
    if (word == "--force") return true;
    if (word.size() > 1 && word[0] == '-' && word[1] != '-' && word.find('f') != std::string_view::npos) return true;
  }
  return false;
}

// Does the command only change the file it names, in place, with its failure ignored?
// `strip --remove-section=.note.ABI-tag /usr/lib/x86_64-linux-gnu/libQt5Core.so || true`
// (The-OpenROAD-Project/OpenROAD, Part KY): on arm64 the file is not there, the edit fails,
// `|| true` carries the RUN on, and nothing is left undone that the other platform has: it
// has no such file to edit. Not a command that makes or copies something (`ln`, `cp`, `mv`,
// `tar`), whose missing result a later step may need.
bool editInPlaceMayFail(const shell::Script& script, const shell::Command& command) {
  static const std::set<std::string_view> kEditors = {"strip", "chmod", "chown", "chgrp", "patchelf", "setcap", "rm", "unlink"};
  const auto words = programWords(command);
  if (words.empty()) return false;
  const std::string name = baseName(words[0]->literal);
  const bool sedInPlace = name == "sed" && std::any_of(words.begin() + 1, words.end(), [](const shell::Word* word) {
                            return text::startsWith(word->literal, "-i") || text::startsWith(word->literal, "--in-place");
                          });
  return (kEditors.count(name) || sedInPlace) && failureIgnored(script, command);
}

// Is the path only tested for, or used only where that test found it? `if test -f
// /usr/lib/x86_64-linux-gnu/libaio.so.1t64; then ln -s ...; fi` (camptocamp/docker-mapserver,
// Part RU): a file test (`test -f`, `[ -e ... ]`, `[[ -d ... ]]`) of a missing path is false, not
// an error, and what it guards is skipped there; the platform without the path has no such file
// to act on. `archComponent` is the architecture-named component of the hit
// (`x86_64-linux-gnu`); the guard must test a path holding it.
bool guardedByExistenceTest(const shell::Command& command, std::string_view archComponent) {
  static constexpr std::string_view kFileTests[] = {"-f ", "-e ", "-d ", "-L ", "-h ", "-r ", "-s ", "-x "};
  const auto testsPath = [&](std::string_view condition) {
    if (condition.find(archComponent) == std::string_view::npos) return false;
    return std::any_of(std::begin(kFileTests), std::end(kFileTests),
                       [&](std::string_view test) { return condition.find(test) != std::string_view::npos; });
  };
  const std::string name = command.name();
  if (name == "test" || name == "[" || name == "[[") {
    std::string text;
    for (const auto& word : command.words) text += word.literal + " ";
    if (testsPath(text)) return true;
  }
  return std::any_of(command.branches.begin(), command.branches.end(), [&](const shell::Branch& branch) {
    return (branch.kind == shell::Branch::Kind::IfThen || branch.kind == shell::Branch::Kind::AndThen) &&
           testsPath(branch.condition);
  });
}

// Is the path the target of a symbolic link made only where the link's own path is missing?
// `test -e /usr/local/cuda/lib64/libcublas.so || ln -s /usr/lib/x86_64-linux-gnu/libcublas.so
// /usr/local/cuda/lib64/libcublas.so` (alicevision/AliceVision, Part ZZU): a compatibility link
// for the one CUDA layout that lacks the file. Where the platform has the file the test is true
// and nothing runs; where it does not, `ln -s` makes a link whatever its target (POSIX ln does
// not require the target to exist), so the step fails nowhere.
bool linkMadeOnlyWhereMissing(const shell::Command& command, std::string_view written) {
  const auto words = programWords(command);
  if (words.empty() || baseName(words[0]->literal) != "ln") return false;
  std::vector<std::string_view> operands;
  bool symbolic = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i]->literal;
    if (!word.empty() && word[0] == '-') {
      symbolic =
          symbolic || word == "--symbolic" || (word.size() > 1 && word[1] != '-' && word.find('s') != std::string_view::npos);
      continue;
    }
    operands.push_back(word);
  }
  const std::string_view path = text::withoutQuotes(written);
  if (!symbolic || operands.size() != 2 || operands.front() != path) return false;
  const std::string_view link = operands.back();
  static constexpr std::string_view kFileTests[] = {"-f ", "-e ", "-L ", "-h ", "-s "};
  return std::any_of(command.branches.begin(), command.branches.end(), [&](const shell::Branch& branch) {
    return branch.kind == shell::Branch::Kind::OrElse && branch.condition.find(link) != std::string::npos &&
           std::any_of(std::begin(kFileTests), std::end(kFileTests),
                       [&](std::string_view test) { return branch.condition.find(test) != std::string::npos; });
  });
}

// Does the command make the architecture-named entry itself? `ln -s "$JAVA_HOME"
// /usr/lib/jvm/java-8-openjdk-amd64` creates that link on every platform (Atlassian's Bamboo
// agent images keep the old JDK name for compatibility; alonso-m/bamboo-agent-x86-docker,
// Part BJ), as `mkdir` creates its directory (`mkdir -p` every missing parent too). A link only
// when it is a JDK directory, which scripts look up by that very name: a loader or library name
// (`ln -s ... /lib/libc.musl-x86_64.so.1`) is looked up by each platform's own name, so the
// link serves nothing there; and only when the named component is the entry made: a link
// written into another architecture's directory (`/lib/x86_64-linux-gnu/libfoo.so`) fails where
// that directory is missing.
bool createsNamedEntry(const shell::Command& command, std::string_view written, size_t hitEnd) {
  const auto words = programWords(command);
  if (words.empty()) return false;
  const std::string name = baseName(words[0]->literal);
  if (name != "ln" && name != "mkdir") return false;
  std::vector<std::string_view> operands;
  bool parents = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i]->literal;
    if (!word.empty() && word[0] == '-') {
      parents = parents || word == "--parents" || (word.size() > 1 && word[1] != '-' && word.find('p') != std::string_view::npos);
      continue;
    }
    operands.push_back(word);
  }
  const std::string_view path = text::withoutQuotes(written);
  // What follows the named component: nothing but a closing quote or slash when it is the entry made.
  std::string_view rest = written.substr(std::min(written.size(), hitEnd));
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '"' || rest.front() == '\'')) rest.remove_prefix(1);
  const bool namedIsLast = rest.empty();
  if (name == "ln") return operands.size() >= 2 && operands.back() == path && namedIsLast && namesJdkDirectory(path);
  return std::find(operands.begin(), operands.end(), path) != operands.end() && (parents || namedIsLast);
}

// A cross toolchain is named by the target it compiles for (musl.cc's
// aarch64-linux-musl-cross.tgz, crosstool's /opt/cross/aarch64-...): the same file is the
// right one on every build machine that cross-compiles for that target.
bool namesCrossToolchain(std::string_view path) {
  const std::string lowered = text::lower(path);
  for (size_t at = lowered.find("cross"); at != std::string::npos; at = lowered.find("cross", at + 1)) {
    const bool wordStart = at == 0 || lowered[at - 1] == '-' || lowered[at - 1] == '/' || lowered[at - 1] == '_';
    const size_t end = at + 5;
    const bool wordEnd =
        end == lowered.size() || lowered[end] == '-' || lowered[end] == '/' || lowered[end] == '.' || lowered[end] == '_';
    if (wordStart && wordEnd) return true;
  }
  return false;
}

// A path a RUN only assigns to a shell variable that dies with it: `RUN export
// JAVA_HOME=/usr/lib/jvm/java-8-openjdk-amd64/` and nothing after it (bmdivakar/demo-java1,
// Part DU). BuildKit runs every RUN in a fresh shell, so no later instruction sees the value,
// and no program of this RUN reads it (valueDiesWithRun). Not a prefix assignment
// (`JAVA_HOME=/usr/lib/jvm/... mvn package`), which is the program's environment.
bool assignedToDeadVariable(const TextSite& site) {
  if (!site.run) return false;
  const auto& script = site.run->script;
  static const std::set<std::string_view> kDeclarations = {"export", "declare", "typeset", "readonly", "local"};
  std::string name;
  size_t valueBegin = 0, valueEnd = 0;
  if (site.command) {
    if (!kDeclarations.count(site.command->name())) return false;
    for (const auto& word : site.command->words) {
      if (word.text.data() != site.text.data()) continue;
      const size_t equals = word.literal.find('=');
      if (equals == std::string::npos || equals == 0) return false;
      name = word.literal.substr(0, equals);
      valueBegin = word.begin;
      valueEnd = word.end;
    }
  } else if (!site.key.empty()) {
    for (const auto& a : script.assignments) {
      if (a.name == site.key && a.value.text.data() == site.text.data()) {
        name = a.name;
        valueBegin = a.value.begin;
        valueEnd = a.value.end;
      }
    }
  }
  if (name.empty()) return false;
  for (const auto& command : script.commands) {
    const bool encloses = command.begin <= valueBegin && command.end >= valueEnd;
    if (encloses && !command.name().empty() && !kDeclarations.count(command.name())) return false;
  }
  return valueDiesWithRun(script, name, valueEnd, /*exported=*/true);
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  std::set<std::pair<size_t, uint32_t>> reported;
  // The same path named again in one instruction (`ln -s /usr/lib/x86_64-linux-gnu/liblua5.1.so
  // /usr/lib/x86_64-linux-gnu/liblua.so`) is one mistake: one finding, at its first mention.
  std::set<std::pair<size_t, std::string>> reportedPaths;
  std::set<size_t> reportedInstructions;
  std::vector<FlowHit> flows;
  const auto valued = namesWithValues(ctx);
  const auto addedToDpkg = architecturesAddedToDpkg(ctx.model);
  std::set<std::string> archiveStems;
  // Only archives fetched the same way on every platform: one chosen in an architecture
  // switch unpacks to another directory on the other platforms.
  std::set<PerArchArchive> perArchArchives;
  forEachTextSite(ctx, [&](const TextSite& site) {
    if (!site.variesByArch) addArchiveStems(site.text, archiveStems);
    addPerArchArchives(site, perArchArchives);
  });
  forEachTextSite(ctx, [&](const TextSite& site) {
    if (site.variesByArch || isSearchList(site.key) || isSearchWord(site.text) || writtenIntoLdSoConf(site)) return;
    if (!site.key.empty() && isPathList(site.text)) return;
    if (site.command && removesOnlyWhatExists(*site.command)) return;
    if (site.command && site.run && editInPlaceMayFail(site.run->script, *site.command)) return;
    if (assignedToDeadVariable(site)) return;
    if (const auto dir = perArchArchiveDirectory(site.text, site.stage, perArchArchives)) {
      const auto broken = ctx.brokenBy(site.stage, dir->platform);
      const Span span = site.span(dir->begin, dir->end);
      if (!broken.empty() && reported.insert({site.instruction, span.begin}).second) {
        reportedInstructions.insert(site.instruction);
        const std::string path(site.text.substr(dir->begin, dir->end - dir->begin));
        out.report(rule, span,
                   "'" + path + "' is the directory the archive this stage fetches per architecture unpacks to on " +
                       dir->platform.str() + ": on " + platformList(broken) + " it is not there",
                   "use the same architecture expression as the download (`zig-linux-$(uname -m)-...`), or unpack "
                   "to a fixed directory (`tar -xf zig.tar.xz --strip-components=1 -C /opt/zig`)",
                   std::nullopt, broken);
        return;
      }
    }
    if (!mayNameArchPath(site.text)) {
      if (auto flow = pathThroughValues(ctx, site, valued, archiveStems, addedToDpkg)) flows.push_back(std::move(*flow));
      return;
    }
    const auto hit = findArchPath(site.text);
    if (!hit) {
      if (auto flow = pathThroughValues(ctx, site, valued, archiveStems, addedToDpkg)) flows.push_back(std::move(*flow));
      return;
    }
    auto broken = brokenForPath(ctx, site.stage, hit->platform);
    if (auto pinned = brokenByPinnedCopy(ctx, site.instruction, hit->platform, broken)) broken = std::move(*pinned);
    if (broken.empty()) return;
    const Span span = site.span(hit->begin, hit->end);
    const std::string path(site.text.substr(hit->begin, hit->end - hit->begin));
    if (unpackedFromArchive(path, archiveStems)) return;
    if (jdkDirectoryMadeByCopy(ctx, site.stage, path)) return;
    if (multiarchDirectoryInstalled(addedToDpkg, site.stage, path, hit->platform)) return;
    if (site.command && createsNamedEntry(*site.command, site.text, hit->end)) return;
    if (site.command && linkMadeOnlyWhereMissing(*site.command, site.text)) return;
    // The hit's last component names the architecture (`/usr/lib/x86_64-linux-gnu`).
    if (site.command && guardedByExistenceTest(*site.command, baseName(path))) return;
    if (!reported.insert({site.instruction, span.begin}).second) return;
    if (!reportedPaths.insert({site.instruction, path}).second) return;
    reportedInstructions.insert(site.instruction);
    out.report(rule, span,
               "'" + path + "' exists only on " + hit->platform.str() + ": on " + platformList(broken) + " it is not there", kFix,
               std::nullopt, broken);
  });
  // A value set once and used in many places is one mistake: reported at its first use,
  // unless the definition itself was reported for the path it writes.
  std::set<size_t> definitions;
  for (auto& flow : flows) {
    if (reportedInstructions.count(flow.definition) || !definitions.insert(flow.definition).second) continue;
    out.report(rule, flow.span, flow.message, kFix, std::move(flow.related), flow.broken);
  }
  checkJvmLibraryPath(ctx, rule, out);
  // COPY --from of build output named by target triple or GOOS-GOARCH: on the other targets
  // that directory is not there (or holds the first target's build).
  for (const auto& stage : ctx.model.stages) {
    // The architectures whose builds the stage copies under file names that keep them
    // (`/out/nre-agent-linux-amd64` and `/out/nre-agent-linux-arm64` into a download
    // directory, sakullla/nginx-reverse-emby): with more than one, those are release files
    // kept as data, each named for the machine it is for, not the stage's own program.
    std::set<std::string> namedInFileNames;
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || !in.flag("from") || in.args.size() < 2) continue;
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        if (const auto named = archNamedInPath(baseName(in.args[i].value)))
          namedInFileNames.insert(named->token.platform.architecture);
      }
    }
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || !in.flag("from") || in.args.size() < 2) continue;
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        const auto& source = in.args[i];
        if (source.value.find('$') != std::string::npos) continue;  // chosen per target
        if (namedInFileNames.size() > 1 && archNamedInPath(baseName(source.value))) continue;
        // A multiarch library directory (`/lib/i386-linux-gnu`) is a system path, judged above.
        if (findArchPath(source.value)) continue;
        const auto named = archNamedInPath(source.value);
        // A program named for its architecture (`faas-cli-arm64`) is a file name, not a directory the
        // build writes per target: a stage that names its output so builds it for that one
        // architecture everywhere (MA130's finding), or gathers release artifacts for several.
        if (!named || text::startsWith(named->kind, "a package") || text::startsWith(named->kind, "a program named") ||
            namesCrossToolchain(source.value))
          continue;
        std::string_view sourcePath = source.value;
        while (sourcePath.size() > 1 && sourcePath.back() == '/') sourcePath.remove_suffix(1);
        if (unpackedFromArchive(sourcePath, archiveStems)) continue;
        auto broken = ctx.brokenBy(stage.index, named->token.platform);
        if (auto pinned = brokenByPinnedCopy(ctx, index, named->token.platform, broken)) broken = std::move(*pinned);
        if (broken.empty() || !reported.insert({index, source.span.begin}).second) continue;
        out.report(rule, source.span,
                   "'" + source.value + "' is " + named->kind + " for " + named->token.platform.str() + ": on " +
                       platformList(broken) + " the build writes another directory (or this one holds " +
                       named->token.platform.architecture + " code)",
                   "have the build stage write to a directory that does not name the target (`cargo build --target "
                   "$T && cp target/$T/release/app /out/`, `go build -o /out/app`), or build the path from "
                   "$TARGETARCH (declare `ARG TARGETARCH`)");
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA120 = {
    {.id = "MA120",
     .slug = "arch-specific-path",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A path that exists on one architecture only",
     .what =
         "Multiarch library directories (`/usr/lib/x86_64-linux-gnu`, `/lib/aarch64-linux-gnu`, musl's "
         "`/usr/lib/x86_64-linux-musl`, also in "
         "`--libdir=` and `-DCMAKE_INSTALL_LIBDIR=`), dynamic loaders (`/lib64/ld-linux-x86-64.so.2`), musl's "
         "`/etc/ld-musl-x86_64.path` (also as a redirection target: `echo ... > /etc/ld-musl-x86_64.path`), the "
         "`libc.musl-x86_64.so.1` name musllinux wheels load, JDK directories that name an architecture (Debian's "
         "`java-17-openjdk-amd64`, Zulu's `zulu17-ca-amd64` and `...-linux_x64`, Corretto, Liberica's "
         "`bellsoft-java17-amd64`, Red Hat's `java-17-openjdk-17.0.8.0.7-2.el9.x86_64`), the output directories "
         "package builders name for the machine they run on (rpmbuild's `RPMS/x86_64/`, abuild's "
         "`packages/<repo>/x86_64/`), and `COPY --from` "
         "sources in build-output directories named by target triple or GOOS-GOARCH "
         "(`target/x86_64-unknown-linux-musl/release/app`, `dist/app_linux_amd64/app`, a program in `out/amd64/`; "
         "not files so named when the stage copies builds of several architectures under such names, "
         "`/out/agent-linux-amd64` and `/out/agent-linux-arm64` into a download directory: release files kept as "
         "data) "
         "written into "
         "RUN, ENV, ARG, COPY/ADD or CMD/ENTRYPOINT, outside an architecture switch and not built from an "
         "architecture variable, in a stage that some target builds on its own platform. A path built from "
         "variables is judged by the value BuildKit gives it for every target (`ARG ARCH=x86_64` then "
         "`/usr/lib/${ARCH}-linux-gnu`): reported once per definition, at its first use, pointing at the "
         "definition; a value that differs per target is not fixed. A path named twice in one instruction (a COPY's "
         "source and destination, an `ln -s` target and link in one directory) is one finding. Not a directory the build makes itself by "
         "unpacking an archive fetched the same way on every platform (`zulu21-linux_aarch64.tar.gz` unpacked to "
         "`/opt/zulu21-linux_aarch64`): that exists everywhere, and MA110 reports the download; nor a JDK directory "
         "the stage makes with COPY or ADD (`ENV JAVA_HOME=/usr/lib/jvm/msopenjdk-16-amd64`, then `COPY --from=jlink "
         "/javaruntime $JAVA_HOME`), which exists everywhere with what the copy brings, or with `mv` or `cp` of an "
         "unpacked JDK to that name (`mv /tmp/zulu8...-linux_x64 /usr/lib/jvm/zulu-8-amd64`), or that `ln -s` makes "
         "(`ln -s \"$JAVA_HOME\" /usr/lib/jvm/java-8-openjdk-amd64`, a compatibility name), nor a directory `mkdir` "
         "makes, nor another architecture's multiarch directory (`/usr/lib/aarch64-linux-gnu`) in a stage that "
         "registers that architecture with dpkg (`dpkg --add-architecture arm64`): its packages install there on "
         "every platform, the sysroot of a cross build. The reverse is "
         "reported: an archive the stage fetches per architecture (`zig-linux-$(uname -m)-0.10.tar.xz`, or with "
         "`${TARGETARCH}`, `$(dpkg --print-architecture)`) unpacks to a directory named for the build's "
         "architecture, so that directory written with one architecture's name (`/tmp/zig-linux-x86_64-0.10`) "
         "exists on that platform only. Not in search lists "
         "(PATH, LD_LIBRARY_PATH, PKG_CONFIG_PATH, CPATH, PYTHONPATH, ..., any variable whose value is a "
         "':'-separated list of paths such as FI_PROVIDER_PATH, also as a line a script writes into another, "
         "`echo 'export LD_LIBRARY_PATH=...' >> wrapper`, -L/-I/-rpath flags, and a directory written as a "
         "line of `/etc/ld.so.conf` or `/etc/ld.so.conf.d/*.conf`, which ldconfig skips when it cannot open it): their "
         "readers skip entries that do not exist, so naming one architecture's directory there, or both, breaks "
         "nothing; except LD_LIBRARY_PATH listing one architecture's multiarch directory only, in a stage several "
         "targets use, for a vendor JVM (Temurin, Corretto, Zulu, Liberica, Semeru, SapMachine, GraalVM: a base "
         "image, a JDK copied from one, or JAVA_HOME=/opt/java/openjdk), whose java.library.path is that list plus "
         "/usr/lib64:/lib64:/lib:/usr/lib with no multiarch directory (Debian's OpenJDK adds them), so "
         "System.loadLibrary finds the libraries apt installed on that architecture only (not when the list "
         "also has /usr/lib/jni, where Debian's JNI packages link their libraries on every architecture). In a `COPY --from` of a stage pinned to that path's architecture the path exists (BuildKit reads "
         "a --from source in the source stage's filesystem), so only images that cannot run that code are broken "
         "(i386 libraries from a `--platform=linux/386` stage are right in an amd64 image; amd64 ones in the "
         "arm64 image are not). Not a cross "
         "toolchain named by its target (`aarch64-linux-musl-cross.tgz`), which is the same on every build machine. "
         "Not an operand of `rm -f` (`-rf`, `--force`): POSIX rm with -f exits 0 for an operand that does not exist, "
         "so removing one architecture's files (`rm -f /usr/lib/x86_64-linux-gnu/libmfxhw*`) is a no-op on the "
         "others; a plain `rm` of a missing path fails the RUN and is reported. Not an in-place edit whose failure "
         "the script ignores (`strip --remove-section=.note.ABI-tag /usr/lib/x86_64-linux-gnu/libQt5Core.so || true`, "
         "also `chmod`, `chown`, `patchelf`, `setcap`, `sed -i`): the shell runs the fallback and goes on, and "
         "where the file is missing there is nothing to edit; a copy or link that may fail (`ln -s ... || true`) "
         "is still reported, as what it makes may be needed. Not the target of a symbolic link made only where the "
         "link's own path is missing (`test -e /usr/local/cuda/lib64/libcublas.so || ln -s "
         "/usr/lib/x86_64-linux-gnu/libcublas.so /usr/local/cuda/lib64/libcublas.so`): where the platform has the "
         "file nothing runs, and POSIX ln makes a symbolic link whatever its target, so the step fails nowhere. Not a value a RUN only assigns to a "
         "shell variable that dies with it (`RUN export JAVA_HOME=/usr/lib/jvm/java-8-openjdk-amd64/` and nothing "
         "after it that expands the variable or starts a program): BuildKit runs every RUN in a fresh shell, and only "
         "ENV and ARG reach the next instruction. Not a path a file test checks (`test -f`, `[ -e ... ]`, `[[ -d ... ]]`) "
         "nor one used only in the branch such a test of the same architecture's directory guards (`if test -f "
         "/usr/lib/x86_64-linux-gnu/libaio.so.1t64; then ln -s ...; fi`, `[ -d ... ] && ...`): where the path is "
         "missing the test is false, not an error, and the guarded step is skipped on a platform that has no such file. "
         "An i386 multiarch path "
         "(`/lib/i386-linux-gnu`) is not reported for amd64: Debian multiarch installs i386 libraries there on "
         "amd64 (`dpkg --add-architecture i386`, lib32 packages, as Steam and Wine images do, in the stage or its "
         "base image) and amd64 runs them; it is for arm64 and the other targets. The path of a URL "
         "(`http://host/open-jdk-linux-x64/jdk.zip`) is the server's, not the image's: its download is MA110's; so is "
         "a JDK archive's or installer's name, and its signature's or checksum's (`...-linux-x86_64.tar.gz.asc`).",
     .why = "On other platforms the directory is named after their triplet: `JAVA_HOME` is missing, a symlink "
            "dangles, a COPY fails with `not found`.",
     .example = "FROM debian\n"
                "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64\n"
                "# MA120",
     .fix = "Compute the directory at build time (`dpkg-architecture -qDEB_HOST_MULTIARCH`, `$(uname -m)-linux-gnu`) or "
            "build it from $TARGETARCH.",
     .bad =
         {"FROM eclipse-temurin:17\nENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64\n",
          "FROM debian\nRUN ln -s /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/libssl.so\n",
          "FROM debian\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libfoo.so /usr/lib/\n",
          "FROM gcr.io/distroless/base\nENTRYPOINT [\"/lib64/ld-linux-x86-64.so.2\", \"/app\"]\n",
          "FROM debian\nARG ARCH=x86_64\nRUN ln -s /usr/lib/${ARCH}-linux-gnu/libssl.so.3 /usr/lib/libssl.so\n",
          "FROM alpine\nRUN echo /usr/local/lib > /etc/ld-musl-x86_64.path\n",
          "FROM ubuntu\nRUN apt-get install -y musl-dev && ln -s /usr/lib/x86_64-linux-musl/libc.so /lib/libc.musl-x86_64.so.1\n"},
     .good =
         {"FROM debian\nENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/usr/lib/aarch64-linux-gnu:/opt/lib\n",
          "FROM debian\nENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/opt/lib\n",
          "FROM debian\nENV FI_PROVIDER_PATH=/opt/libfabric/prov:/usr/lib/x86_64-linux-gnu/libfabric\n",
          "FROM debian\nRUN ln -s \"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libssl.so.3\" /usr/lib/libssl.so\n",
          "FROM debian\nARG TARGETARCH\nENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-${TARGETARCH}\n",
          "FROM debian\nARG TARGETARCH\nENV JDK_ARCH=${TARGETARCH}\nRUN ln -s /usr/lib/jvm/java-17-openjdk-${JDK_ARCH} /opt/jdk\n",
          "FROM alpine\nRUN echo /usr/local/lib > \"/etc/ld-musl-$(apk --print-arch).path\"\n",
          "FROM debian\nRUN case \"$(uname -m)\" in x86_64) ln -s /usr/lib/x86_64-linux-gnu /opt/lib ;; "
          "aarch64) ln -s /usr/lib/aarch64-linux-gnu /opt/lib ;; *) exit 1 ;; esac\n"}},
    check};

}  // namespace mal::rules
