#include "analyzer/context/declared_platforms.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/glob.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/source_text.h"
#include "analyzer/text_util.h"

namespace mal::data {
extern const std::string_view k_one_architecture_images_json;
extern const std::string_view k_official_x86_only_tags_txt;
}

namespace fs = std::filesystem;

namespace mal::context {
namespace {

bool sameArchitecture(const Platform& a, const Platform& b) { return a.architecture == b.architecture && a.variant == b.variant; }

// data/one-architecture-images.json: repositories published for one architecture although
// their names do not say which (Gitpod's workspaces, Jetson's L4T images), matched by a prefix
// of the repository; and official images whose every tag, or some releases' tags, exist for one
// architecture (the `java` image, deprecated before Docker Hub's official images became
// multi-architecture; `centos:6`), matched by the whole repository name and a tag prefix.
struct OneArchitectureImage {
  std::string prefix;             // a prefix of the repository, or the whole repository (wholeRepository)
  std::vector<std::string> tags;  // release tags: `6` matches `6`, `6.9`, `6-slim`; empty: every tag
  // Words of those releases' tags (split at '-'), for a tag whose version is a variable:
  // `${CUDA_VERSION}-cudnn7-devel-ubuntu16.04` is a CUDA 10 or older release.
  std::vector<std::string> tagWords;
  // Variants the releases must also be (a word of the tag, split at '-', starting with one):
  // `alpine` makes .NET Core 2.x's `2.2-alpine3.9` one, not its Debian `2.2-stretch-slim`.
  std::vector<std::string> tagVariants;
  // Every release before this version (`3.147`: Pulumi's kitchen-sink image became multi-
  // architecture with 3.147.0): a tag whose version, read from its leading numbers, sorts before
  // it. A tag that names a line the version is in (`3`, `latest`) is not one: it moves on to
  // the releases after. Empty: not used.
  std::vector<int> releasesBefore;
  bool wholeRepository = false;
  Platform platform;

  // The numbers a version tag starts with (`v3.39.1-nonroot` -> 3, 39, 1); empty when it starts
  // with none.
  static std::vector<int> leadingVersion(std::string_view tag) {
    if (!tag.empty() && tag[0] == 'v') tag.remove_prefix(1);
    std::vector<int> out;
    while (!tag.empty() && std::isdigit(static_cast<unsigned char>(tag[0]))) {
      int number = 0;
      size_t length = 0;
      // Six digits are enough for any release number and keep the int from overflowing.
      while (length < tag.size() && std::isdigit(static_cast<unsigned char>(tag[length])) && length < 6) {
        number = number * 10 + (tag[length] - '0');
        ++length;
      }
      out.push_back(number);
      tag.remove_prefix(length);
      if (tag.size() < 2 || tag[0] != '.' || !std::isdigit(static_cast<unsigned char>(tag[1]))) break;
      tag.remove_prefix(1);
    }
    return out;
  }

  bool releasedBefore(const std::string& tag) const {
    const auto version = leadingVersion(tag);
    for (size_t i = 0; i < version.size() && i < releasesBefore.size(); ++i) {
      if (version[i] != releasesBefore[i]) return version[i] < releasesBefore[i];
    }
    return false;  // equal as far as the tag goes: that release, one after it, or a moving line tag
  }

  bool matches(const std::string& repository, const std::string& tag) const {
    if (!wholeRepository) {
      if (!text::startsWith(repository, prefix)) return false;
    } else {
      const std::string name = text::startsWith(repository, "library/") ? repository.substr(8) : repository;
      if (name != prefix) return false;
    }
    if (!tagVariants.empty()) {
      const auto words = text::split(tag, '-');
      const bool variant = std::any_of(words.begin(), words.end(), [&](const std::string& word) {
        return std::any_of(tagVariants.begin(), tagVariants.end(),
                           [&](const std::string& name) { return text::startsWith(word, name); });
      });
      if (!variant) return false;
    }
    if (!releasesBefore.empty()) return releasedBefore(tag);
    if (tags.empty() && tagWords.empty()) return true;
    const bool release = std::any_of(tags.begin(), tags.end(), [&](const std::string& release) {
      return tag == release ||
             (text::startsWith(tag, release) && std::string_view(".-_").find(tag[release.size()]) != std::string_view::npos);
    });
    if (release || tagWords.empty()) return release;
    const auto words = text::split(tag, '-');
    return std::any_of(words.begin(), words.end(), [&](const std::string& word) {
      return std::find(tagWords.begin(), tagWords.end(), word) != tagWords.end();
    });
  }
};

const std::vector<OneArchitectureImage>& oneArchitectureImages() {
  static const auto images = [] {
    std::vector<OneArchitectureImage> out;
    const auto json = nlohmann::json::parse(data::k_one_architecture_images_json);
    for (const auto& entry : json.at("images")) {
      OneArchitectureImage image;
      image.platform = *parsePlatform(entry.at("platform").get<std::string>());
      if (entry.contains("repository")) {
        image.prefix = text::lower(entry.at("repository").get<std::string>());
        image.wholeRepository = true;
      } else {
        image.prefix = text::lower(entry.at("prefix").get<std::string>());
      }
      for (const auto& tag : entry.value("tags", nlohmann::json::array()))
        image.tags.push_back(text::lower(tag.get<std::string>()));
      for (const auto& word : entry.value("tagWords", nlohmann::json::array()))
        image.tagWords.push_back(text::lower(word.get<std::string>()));
      for (const auto& word : entry.value("tagVariants", nlohmann::json::array()))
        image.tagVariants.push_back(text::lower(word.get<std::string>()));
      if (entry.contains("releasesBefore"))
        image.releasesBefore = OneArchitectureImage::leadingVersion(entry.at("releasesBefore").get<std::string>());
      out.push_back(std::move(image));
    }
    return out;
  }();
  return images;
}

// data/one-architecture-images.json "products": programs published for one architecture only,
// by a word a file that installs one contains: a fragment of the download URL
// (`teamspeak3-server_linux`, TeamSpeak 3's server exists for x86 only) or the package name
// (`steamcmd`). A file that installs one is built for that platform by design, unless it
// chooses by architecture itself (a `$TARGETARCH`, `uname -m` or `--print-arch` anywhere in
// it) or installs an x86 emulator (box86, box64, FEX): an arm64 leg that runs the program
// through an emulator is a multi-platform design.
struct OneArchitectureProduct {
  std::string mention;  // lower case
  std::string product;
  Platform platform;
};

const std::vector<OneArchitectureProduct>& oneArchitectureProducts() {
  static const auto products = [] {
    std::vector<OneArchitectureProduct> out;
    const auto json = nlohmann::json::parse(data::k_one_architecture_images_json);
    for (const auto& entry : json.value("products", nlohmann::json::array())) {
      out.push_back({text::lower(entry.at("mentions").get<std::string>()), entry.at("product").get<std::string>(),
                     *parsePlatform(entry.at("platform").get<std::string>())});
    }
    return out;
  }();
  return products;
}

std::optional<DeclaredPlatforms> fromOneArchitectureProduct(const std::string& dockerfileText) {
  const std::string lowered = text::lower(dockerfileText);
  for (std::string_view multiPlatformDesign :
       {"targetarch", "targetplatform", "uname -m", "uname --machine", "print-arch", "$(arch)", "box86", "box64", "fex-emu",
        "fexinterpreter", "qemu-x86_64", "qemu-i386"}) {
    if (lowered.find(multiPlatformDesign) != std::string::npos) return std::nullopt;
  }
  for (const auto& product : oneArchitectureProducts()) {
    if (lowered.find(product.mention) == std::string::npos) continue;
    return DeclaredPlatforms{{product.platform},
                             "the install of " + product.product + " (published for " + product.platform.str() + " only)"};
  }
  return std::nullopt;
}

// A file that serves a program it takes prebuilt from the build context, one connection at a
// time (xinetd, socat's EXEC:, ynetd, nsjail, tcpserver: the CTF challenge images of the
// ctf_xinetd template), and installs the 32-bit x86 runtime that program needs (lib32z1,
// libc6-i386, `:i386` packages): the program is x86 code, so the image exists for x86 machines
// (amd64 runs it). Not when the file compiles anything itself (gcc, make, cargo, go build): then
// what it serves may be built for each target.
// An instruction's arguments and heredocs, lower-cased: what the content readings below search.
std::string loweredBody(const dockerfile::Instruction& instruction) {
  const auto& effective = instruction.effective();
  std::string body = text::lower(effective.rest());
  for (const auto& heredoc : effective.heredocs) body += "\n" + text::lower(heredoc.content);
  return body;
}

// Does a COPY or ADD from the context (its lowered arguments) bring what may be a program: a
// directory (`./bin/`) or a file with no text extension (`pwn2`, `chall`, `vuln.elf`)? A script,
// a config or a flag (`albatross.py`, `ctf.xinetd`, `flag.txt`) is no prebuilt program.
bool copiesPrebuiltProgram(const std::string& arguments) {
  static const std::set<std::string> kText = {"py", "sh", "txt",  "xinetd", "conf", "cfg",  "ini",     "json", "yml", "yaml",
                                              "js", "rb", "pl",   "php",    "lua",  "md",   "html",    "c",    "cpp", "h",
                                              "rs", "go", "java", "jar",    "toml", "lock", "service", "pem",  "key", "crt"};
  std::vector<std::string> words;
  for (auto word : text::split(arguments, ' ')) {
    std::erase_if(word, [](char c) { return c == '"' || c == '[' || c == ']' || c == ','; });
    if (!word.empty() && word[0] != '-') words.push_back(word);
  }
  if (words.size() < 2) return false;
  words.pop_back();  // the destination
  for (const auto& source : words) {
    if (source == "." || source == "./" || source.back() == '/') return true;
    const std::string name = source.substr(source.rfind('/') == std::string::npos ? 0 : source.rfind('/') + 1);
    const size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0 || !kText.count(name.substr(dot + 1))) return true;
  }
  return false;
}

std::optional<DeclaredPlatforms> fromServedX86Program(const dockerfile::ParsedDockerfile& file) {
  bool serves = false, fromContext = false, x86Runtime = false, compiles = false;
  static constexpr std::string_view kLaunchers[] = {"xinetd", "ynetd", "nsjail", "tcpserver"};
  static constexpr std::string_view kX86Runtime[] = {
      "lib32z1", "lib32gcc", "lib32stdc++", "libc6-i386", "libc6-dev-i386", ":i386", "--add-architecture i386"};
  static constexpr std::string_view kCompilers[] = {"gcc ",  "g++ ",   "clang ",   "cc ",   "make",
                                                    "cmake", "cargo ", "go build", "javac "};
  for (const auto& instruction : file.instructions) {
    const std::string& command = instruction.effective().command;
    const std::string body = loweredBody(instruction);
    if (body.size() > dockerfile::kMaxScriptBytesPerFile) return std::nullopt;
    if (command == "from" && body.find("pwn.red/jail") != std::string::npos) serves = true;
    if (command == "run" || command == "cmd" || command == "entrypoint" || command == "copy") {
      for (std::string_view launcher : kLaunchers) serves = serves || body.find(launcher) != std::string::npos;
      serves = serves || (body.find("socat") != std::string::npos && body.find("exec:") != std::string::npos);
    }
    if ((command == "copy" || command == "add") && body.find("--from") == std::string::npos &&
        body.find("://") == std::string::npos) {
      fromContext = fromContext || copiesPrebuiltProgram(body);
    }
    if (command == "run") {
      for (std::string_view runtime : kX86Runtime) x86Runtime = x86Runtime || body.find(runtime) != std::string::npos;
      // The install itself names build-essential and gcc-multilib (a package, not a compile);
      // a compiler run is its name followed by its arguments.
      for (std::string_view compiler : kCompilers) {
        for (size_t at = body.find(compiler); at != std::string::npos && !compiles; at = body.find(compiler, at + 1)) {
          const bool wordStart = at == 0 || body[at - 1] == ' ' || body[at - 1] == ';' || body[at - 1] == '&' ||
                                 body[at - 1] == '|' || body[at - 1] == '\n' || body[at - 1] == '(';
          const char after = at + compiler.size() < body.size() ? body[at + compiler.size()] : ' ';
          const bool wordEnd = compiler.back() == ' ' || after == ' ' || after == ';' || after == '\n' || after == '&';
          compiles = wordStart && wordEnd && !(compiler == "make" && body.compare(at, 9, "make-kpkg") == 0);
        }
      }
    }
  }
  if (!serves || !fromContext || !x86Runtime || compiles) return std::nullopt;
  return DeclaredPlatforms{{*parsePlatform("linux/amd64")},
                           "the program it serves (a prebuilt one from the build context, run by xinetd, socat or a jail, "
                           "with the 32-bit x86 runtime it needs installed): an x86 program's image"};
}

// A binary-exploitation workspace for x86 programs: pwntools, pwndbg, PEDA, GEF or ROPgadget
// beside the 32-bit x86 runtime or toolchain (lib32z1, `:i386` packages, gcc-multilib, `-m32`)
// that runs and builds the x86 challenge binaries it is for (sinofp/pwn-docker, ZooPin/ROP's
// 32-bit ROP lab, Part RQ). Its subject is x86 machine code: the image exists for x86 machines.
std::optional<DeclaredPlatforms> fromX86ExploitationWorkspace(const dockerfile::ParsedDockerfile& file) {
  static constexpr std::string_view kToolkits[] = {"pwntools", "pwndbg", "peda", "gef", "ropgadget", "one_gadget"};
  static constexpr std::string_view kX86Runtime[] = {
      "lib32z1",      "lib32ncurses", "lib32gcc", "lib32stdc++", "libc6-i386", ":i386", "--add-architecture i386",
      "gcc-multilib", " -m32"};
  bool toolkit = false, x86 = false;
  for (const auto& instruction : file.instructions) {
    if (instruction.effective().command != "run") continue;
    const std::string body = loweredBody(instruction);
    if (body.size() > dockerfile::kMaxScriptBytesPerFile) return std::nullopt;
    for (std::string_view word : kToolkits) {
      for (size_t at = body.find(word); at != std::string::npos && !toolkit; at = body.find(word, at + 1)) {
        const size_t end = at + word.size();
        const auto boundary = [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '_'; };
        toolkit = (at == 0 || boundary(body[at - 1])) && (end == body.size() || boundary(body[end]));
      }
    }
    for (std::string_view runtime : kX86Runtime) x86 = x86 || body.find(runtime) != std::string::npos;
  }
  if (!toolkit || !x86) return std::nullopt;
  return DeclaredPlatforms{{*parsePlatform("linux/amd64")},
                           "its exploitation toolkit (pwntools, pwndbg, PEDA, GEF or ROPgadget beside the 32-bit x86 runtime "
                           "or toolchain): a workspace for x86 programs"};
}

// A file whose instructions name one architecture only, by hand and with no switch, and that
// one a device's rather than a workstation's: a 32-bit ARM (a Raspberry Pi's armv6/armv7/armhf),
// s390x, ppc64le, riscv64 or mips build. Nobody fetches `spotifyd-linux-armv6` by accident: the
// file is written for that device and built on it (tomaszderkowski/spotifyd-docker, "for
// RaspbianOS", a plain `docker build` on the Pi). An amd64 or arm64 asset is no such sign: it
// is what a developer's own machine runs, and the file is often meant for others too (the
// mistake MA110 is about). Read only when nothing else declares a platform.
constexpr std::string_view kDeviceArchitectureStems[] = {"arm", "s390", "ppc", "power", "riscv", "mips", "loong"};

std::optional<DeclaredPlatforms> fromDeviceArchitectureContent(const dockerfile::ParsedDockerfile& file,
                                                               const std::string& dockerfileText) {
  const std::string lowered = text::lower(dockerfileText);
  for (std::string_view multiPlatformDesign : {"targetarch", "targetplatform", "targetvariant", "uname -m", "uname --machine",
                                               "print-arch", "$(arch)", "`arch`", "dpkg-architecture"}) {
    if (lowered.find(multiPlatformDesign) != std::string::npos) return std::nullopt;
  }
  // Every device architecture's spelling holds one of these: a file with none of them is not
  // read word by word (the tokenizer costs about 200 ns a byte, 0.5 s on 2 MiB of heredocs).
  if (std::none_of(std::begin(kDeviceArchitectureStems), std::end(kDeviceArchitectureStems),
                   [&](std::string_view stem) { return lowered.find(stem) != std::string::npos; })) {
    return std::nullopt;
  }
  // Read as far as the shell parser reads a file's scripts (kMaxScriptBytesPerFile): a file
  // longer than that declares nothing here rather than cost a pass over 16 MiB of heredocs.
  size_t bytesLeft = dockerfile::kMaxScriptBytesPerFile;
  std::optional<Platform> found;
  for (const auto& instruction : file.instructions) {
    const std::string& command = instruction.effective().command;
    if (command != "run" && command != "add" && command != "copy" && command != "env" && command != "arg") continue;
    std::string body = instruction.effective().rest();
    for (const auto& heredoc : instruction.effective().heredocs) body += "\n" + heredoc.content;
    if (body.size() > bytesLeft) return std::nullopt;
    bytesLeft -= body.size();
    for (const auto& token : vocab::findArchTokens(body)) {
      if (found && !sameArchitecture(*found, token.platform)) {
        return std::nullopt;
      }
      found = token.platform;
    }
  }
  if (!found || found->architecture == "amd64" || found->architecture == "386" || found->architecture == "arm64") {
    return std::nullopt;
  }
  return DeclaredPlatforms{
      {*found},
      "the file's content (every architecture it names is " + found->str() + ", a device's, with no switch on the target)"};
}

// An image made FROM scratch whose whole userland is one architecture's root file system: the
// final stage ADDs an archive named for one architecture into / (`ADD
// alpine-minirootfs-3.19.1-x86_64.tar.gz /`), or copies / from a stage that fetched or unpacked
// a `rootfs` archive named for one (sleepgod/docker-OpenWrt, Part ZZZZZZT: ENV
// file=openwrt-x86-64-generic-rootfs.tar.gz, then `COPY --from=builder /rootfs/ /`). Nothing of
// another architecture can be in that image: it is that architecture's by construction.
std::optional<DeclaredPlatforms> fromScratchRootFileSystem(const dockerfile::ParsedDockerfile& file) {
  // Stages by position: [first instruction, end), and their names.
  struct StageRange {
    size_t begin, end;
    std::string name;
    bool scratch;
  };
  std::vector<StageRange> stages;
  for (size_t i = 0; i < file.instructions.size(); ++i) {
    const auto& in = file.instructions[i];
    if (in.command != "from" || in.args.empty()) continue;
    if (!stages.empty()) stages.back().end = i;
    stages.push_back({i, file.instructions.size(), in.args.size() == 3 ? text::lower(in.args[2].value) : "",
                      text::lower(in.args[0].value) == "scratch" && !in.flag("platform")});
  }
  if (stages.empty() || !stages.back().scratch) return std::nullopt;
  std::optional<Platform> found;
  std::string shown;
  bool conflict = false;
  auto note = [&](const std::string& word) {
    for (const auto& token : vocab::findArchTokens(text::lower(word))) {
      if (found && !sameArchitecture(*found, token.platform)) {
        conflict = true;
      }
      if (!found) shown = word.substr(word.find_last_of("/=") == std::string::npos ? 0 : word.find_last_of("/=") + 1);
      found = token.platform;
    }
  };
  auto isArchive = [](const std::string& name) {
    const std::string lowered = text::lower(name);
    for (std::string_view ext : {".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst"}) {
      if (text::endsWith(lowered, ext)) return true;
    }
    return false;
  };
  const StageRange& last = stages.back();
  for (size_t i = last.begin + 1; i < last.end; ++i) {
    const auto& in = file.instructions[i];
    if ((in.command != "add" && in.command != "copy") || in.args.size() < 2) continue;
    const std::string destination = in.args.back().value;
    if (destination != "/" && destination != "/." && destination != "./") continue;
    const dockerfile::Flag* from = in.flag("from");
    if (!from) {
      for (size_t a = 0; a + 1 < in.args.size(); ++a) {
        const std::string& source = in.args[a].value;
        const std::string name = source.substr(source.find_last_of('/') == std::string::npos ? 0 : source.find_last_of('/') + 1);
        if (isArchive(name)) note(name);
      }
      continue;
    }
    // The stage it copies from: a `rootfs` archive named there, in any of its instructions.
    const std::string wanted = text::lower(from->value());
    for (const auto& stage : stages) {
      const bool byIndex = std::to_string(&stage - stages.data()) == wanted;
      if (stage.name != wanted && !byIndex) continue;
      for (size_t k = stage.begin; k < stage.end; ++k) {
        std::string body = file.instructions[k].rest();
        if (body.size() > 65536) return std::nullopt;
        for (const auto& word : text::split(body, ' ')) {
          const std::string lowered = text::lower(word);
          if (lowered.find("rootfs") != std::string::npos && lowered.find('$') == std::string::npos) note(word);
        }
      }
    }
  }
  if (!found || conflict) return std::nullopt;
  return DeclaredPlatforms{
      {*found}, "the image's whole userland (FROM scratch, with " + found->str() + "'s root file system: " + shown + ")"};
}

// A make file by its name: `Makefile` (`makefile`, `GNUmakefile`), `*.mk`, or `Makefile.<suffix>`,
// which projects run with `make -f` or include (grafana/pyroscope's Makefile.examples builds its
// update_examples image with `--platform linux/amd64`; aquasecurity/tracee's builder/Makefile.*).
// Automake's Makefile.am and configure's Makefile.in are templates of a Makefile, not one.
bool isMakefileName(const std::string& name) {
  if (name == "Makefile" || name == "makefile" || name == "GNUmakefile" || text::endsWith(name, ".mk")) return true;
  if (!text::startsWith(name, "Makefile.") && !text::startsWith(name, "makefile.")) return false;
  const std::string suffix = name.substr(9);
  return !suffix.empty() && suffix != "am" && suffix != "in";
}

// The tag an untagged image name stands for: BuildKit pulls `name` as `name:latest`
// (reference.TagNameOnly).
const std::string kLatestTag = "latest";

// The repository (registry kept, Docker Hub's prefixes dropped) and the tag of an image
// reference, as written (callers lower it first); the digest is dropped.
std::pair<std::string, std::string> repositoryAndTag(const std::string& image) {
  std::string name = image.substr(0, image.find('@'));
  for (const char* registry : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (text::startsWith(name, registry)) name = name.substr(std::string(registry).size());
  }
  // A tag is after the last ':' that follows the last '/' (a registry port is not a tag).
  const size_t lastSlash = name.rfind('/');
  const size_t colon = name.find(':', lastSlash == std::string::npos ? 0 : lastSlash);
  return {name.substr(0, colon), colon == std::string::npos ? "" : name.substr(colon + 1)};
}

const OneArchitectureImage* oneArchitectureImage(const std::string& repository, const std::string& tag) {
  // An untagged name is `latest`, as for the official x86-only tags: `FROM phusion/baseimage`
  // is its amd64-only `latest`.
  const std::string& wanted = tag.empty() ? kLatestTag : tag;
  // A tag that names another architecture is that architecture's build of a release the data
  // names (ich777/debian-baseimage's `latest` is amd64, its arm64 builds are `*_arm64` tags).
  const auto tokens = vocab::findArchTokens(wanted);
  for (const auto& entry : oneArchitectureImages()) {
    if (!entry.matches(repository, wanted)) continue;
    const bool otherArchitecture = std::any_of(tokens.begin(), tokens.end(), [&](const vocab::ArchToken& token) {
      return token.platform.architecture != entry.platform.architecture;
    });
    if (!otherArchitecture) return &entry;
  }
  return nullptr;
}

// data/official-x86-only-tags.txt, written by tools/official-x86-only-tags from the history of
// docker-library/official-images: the official-image tags whose last build was for amd64 alone
// (or amd64 and i386: `alpine:3.4`, `mysql:5.7`), and those dropped before manifest lists were
// first pushed to library/ in September 2017, which stayed plain amd64 images (`node:4.2.2`,
// `python:3.5.2`). A Dockerfile on one of them cannot be built for another architecture, as one
// on `arm64v8/ubuntu` cannot. One line per image, `image tag tag ...`; read in place, since a
// pre-commit run looks up a FROM or two and should not pay for building a table of 25,000 tags.
// The x86-only tags the table lists for an official image's name (`node`, `library/node`), or
// nullopt when the name has no line there.
std::optional<std::string_view> officialX86OnlyTags(std::string_view name) {
  if (text::startsWith(name, "library/")) name.remove_prefix(8);
  // An official image's name, nothing else: `/` is another namespace, and a blank (a variable
  // that expanded to two words) must not read as the table's separator.
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view table = data::k_official_x86_only_tags_txt;
  const std::string key = "\n" + std::string(name) + " ";
  const size_t at = table.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t begin = at + key.size();
  return table.substr(begin, table.find('\n', begin) - begin);
}

bool isOfficialX86OnlyTag(const std::string& repository, const std::string& tag) {
  const auto listed = officialX86OnlyTags(repository);
  if (!listed) return false;
  const std::string_view wanted = tag.empty() ? std::string_view(kLatestTag) : std::string_view(tag);
  std::string_view tags = *listed;
  while (!tags.empty()) {
    const size_t space = tags.find(' ');
    if (tags.substr(0, space) == wanted) return true;
    if (space == std::string_view::npos) break;
    tags.remove_prefix(space + 1);
  }
  return false;
}

// Is this a third party's image (a namespace other than `library/`, or another registry) whose
// tag names a Debian or Ubuntu release that reached its end before anyone but the official
// images pushed other architectures under one name? Docker Hub's automated builds made amd64
// images only, and manifest lists came to library/ in September 2017 and to everyone else with
// buildx (2019). So `airdock/base:jessie`, `pataquets/ubuntu:trusty` or
// `circleci/python:3.6-jessie` are amd64 images: a file on one of them is built for amd64 by
// design. An image of another architecture says so in its name (`resin/rpi-raspbian:jessie`,
// `armhf/debian:jessie`), and those words are read before this; a Raspberry Pi word, or any
// architecture word left in the name, keeps it from this reading (`hypriot/rpi-node:jessie`).
// The release word it names (`jessie`, `centos6`), or nothing.
std::optional<std::string_view> thirdPartyPreMultiArchRelease(const std::string& repository, const std::string& tag) {
  if (repository.find('/') == std::string::npos || text::startsWith(repository, "library/")) return std::nullopt;
  if (!vocab::findArchTokens(repository + ":" + tag).empty()) return std::nullopt;
  for (const char* device : {"rpi", "raspberry", "raspbian", "pi-", "-pi", "armbian", "odroid", "beaglebone", "jetson"}) {
    if (repository.find(device) != std::string::npos) return std::nullopt;
  }
  // CentOS 5 and 6 were never released for anything but x86, whoever packages them.
  static constexpr std::string_view kReleases[] = {"squeeze", "wheezy",  "lucid",  "maverick", "natty",  "oneiric",
                                                   "precise", "quantal", "raring", "saucy",    "trusty", "utopic",
                                                   "vivid",   "wily",    "jessie", "centos5",  "centos6"};
  auto namedRelease = [](std::string_view rest) -> std::optional<std::string_view> {
    while (!rest.empty()) {
      const size_t end = rest.find_first_of("-_.:");
      const std::string_view word = rest.substr(0, end);
      const auto* found = std::find(std::begin(kReleases), std::end(kReleases), word);
      if (found != std::end(kReleases)) return *found;
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    return std::nullopt;
  };
  // In the tag (`airdock/base:jessie`) or in the image's own name (`nodesource/trusty:6.3.0`,
  // `rjeschmi/easybuild-centos6`), not in the owner's.
  if (auto word = namedRelease(tag)) return word;
  return namedRelease(std::string_view(repository).substr(repository.rfind('/') + 1));
}

bool isThirdPartyPreMultiArchRelease(const std::string& repository, const std::string& tag) {
  return thirdPartyPreMultiArchRelease(repository, tag).has_value();
}

// The one platform the data says an image exists for: a one-architecture repository or release
// (data/one-architecture-images.json) or an official-image tag built for x86 only.
std::optional<Platform> publishedForOnePlatform(const std::string& repository, const std::string& tag) {
  if (const auto* entry = oneArchitectureImage(repository, tag)) return entry->platform;
  if (isOfficialX86OnlyTag(repository, tag)) return Platform{"linux", "amd64", ""};
  return std::nullopt;
}

std::optional<Platform> publishedForOnePlatform(const std::string& image) {
  const auto [repository, tag] = repositoryAndTag(text::lower(image));
  return publishedForOnePlatform(repository, tag);
}

// The hardware word among `name`'s words (split at '.', '-', '_'), when exactly one platform
// is named that way: `Dockerfile.rocm`, `jetson.Dockerfile`, a directory `rocm/`.
std::optional<std::pair<std::string, Platform>> hardwareWordIn(std::string_view name) {
  std::string lowered = text::lower(name);
  std::replace_if(
      lowered.begin(), lowered.end(), [](char c) { return c == '-' || c == '_'; }, '.');
  std::optional<std::pair<std::string, Platform>> found;
  for (const auto& word : text::split(lowered, '.')) {
    for (const auto& [hardware, platform] : vocab::oneArchitectureHardware()) {
      if (word != hardware) continue;
      if (found && !(found->second == platform)) return std::nullopt;
      found = std::pair{hardware, platform};
    }
  }
  return found;
}

// An image named for hardware whose software exists for one architecture, by a word of a
// component of its repository (`balenalib/jetson-nano-ubuntu`: balena's Jetson Nano base, an
// arm64 image; `rocm/dev-ubuntu-22.04`): the images of such hardware are built for its CPU.
// The registry's host is not read.
std::optional<std::pair<std::string, Platform>> hardwareOfImage(const std::string& image) {
  const auto components = text::split(repositoryAndTag(image).first, '/');
  for (size_t i = 0; i < components.size(); ++i) {
    const std::string& component = components[i];
    if (i == 0 && components.size() > 1 && component.find_first_of(".:") != std::string::npos) continue;
    if (auto hardware = hardwareWordIn(component); hardware && vocab::hardwareWordNamesImages(hardware->first)) {
      return hardware;
    }
  }
  return std::nullopt;
}

// manylinux/musllinux build images end their repository name in the wheel tag's machine:
// quay.io/pypa/manylinux_2_28_x86_64, manylinux2014_aarch64.
std::optional<Platform> wheelMachineSuffix(std::string_view lastComponent) {
  for (const auto& [suffix, platform] :
       std::initializer_list<std::pair<std::string_view, std::string_view>>{{"_x86_64", "linux/amd64"},
                                                                            {"_aarch64", "linux/arm64"},
                                                                            {"_ppc64le", "linux/ppc64le"},
                                                                            {"_s390x", "linux/s390x"},
                                                                            {"_i686", "linux/386"},
                                                                            {"_armv7l", "linux/arm/v7"}}) {
    if (lastComponent.size() > suffix.size() && lastComponent.ends_with(suffix) &&
        (lastComponent.starts_with("manylinux") || lastComponent.starts_with("musllinux"))) {
      return parsePlatform(std::string(platform));
    }
  }
  return std::nullopt;
}

constexpr uintmax_t kMaxDeclarationFileBytes = 1024 * 1024;  // far above any real bake, compose or workflow file
constexpr size_t kMaxFilesPerDirectory = 300;                // workflows, compose and .mk files looked at

fs::path absoluteNormal(const fs::path& p) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(p, ec);
  return (ec ? p : absolute).lexically_normal();
}

bool isWithin(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// The text of a declaration file inside `root`: nullopt when it is missing, too large, not
// a regular file, or (through a link) outside the repository.
std::optional<std::string> readDeclarationFile(const fs::path& file, const fs::path& root) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  const auto size = fs::file_size(file, ec);
  if (ec || size > kMaxDeclarationFileBytes) return std::nullopt;
  const fs::path real = fs::canonical(file, ec);
  const fs::path realRoot = fs::canonical(root, ec);
  if (ec || !isWithin(real, realRoot)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) return std::nullopt;
  return bytes;
}

std::string displayPath(const fs::path& file, const fs::path& root) {
  const fs::path relative = file.lexically_relative(root);
  return relative.empty() ? file.string() : relative.string();
}

// Reads every declaration of one kind that names `dockerfile`, merged.
std::optional<DeclaredPlatforms> merge(std::vector<const BuildDeclaration*> matching) {
  // A build for whatever machine runs it (no platforms) names none here, but it makes an image.
  const bool someImageForItsMachine =
      std::any_of(matching.begin(), matching.end(), [](const auto* d) { return d->forBuildMachine; });
  std::erase_if(matching, [](const auto* d) { return d->forBuildMachine; });
  // Builds that export no image and name no platform (bake `output = ["type=cacheonly"]` or a
  // local directory, with a list bake cannot resolve): when they are all there is, no image of
  // the file ships.
  const auto noImageNoPlatform = [](const auto* d) { return d->shipsNoImage && d->platforms.empty(); };
  const auto check = std::find_if(matching.begin(), matching.end(), noImageNoPlatform);
  const std::string checkName = check == matching.end() ? "" : (*check)->name;
  std::erase_if(matching, noImageNoPlatform);
  if (matching.empty() && !checkName.empty() && !someImageForItsMachine) {
    DeclaredPlatforms out;
    out.shipsNoImage = true;
    out.source = checkName + " (exports no image: a check or files)";
    return out;
  }
  const bool someRunnerUnknown = std::any_of(matching.begin(), matching.end(), [](const auto* d) { return d->unknownRunner; });
  std::erase_if(matching, [&](const auto* d) { return d->unknownRunner || (someRunnerUnknown && d->fromRunner); });
  if (matching.empty()) return std::nullopt;
  DeclaredPlatforms out;
  out.onlyMachineDefaults = std::all_of(matching.begin(), matching.end(), [](const auto* d) { return d->fromRunner; });
  out.shipsNoImage =
      !someImageForItsMachine && std::all_of(matching.begin(), matching.end(), [](const auto* d) { return d->shipsNoImage; });
  std::vector<std::string> names;
  for (const auto* d : matching) {
    std::set<std::string> architectures;
    for (const auto& p : d->platforms) architectures.insert(p.architecture);
    if (architectures.size() > 1) out.oneBuildForSeveral = true;
    auto& byStage = out.platformsByTargetStage[d->targetStage];
    for (const auto& p : d->platforms) {
      if (std::find(out.platforms.begin(), out.platforms.end(), p) == out.platforms.end()) out.platforms.push_back(p);
      if (std::find(byStage.begin(), byStage.end(), p) == byStage.end()) byStage.push_back(p);
    }
    if (std::find(names.begin(), names.end(), d->name) == names.end()) names.push_back(d->name);
  }
  const bool someTargetStage =
      std::any_of(matching.begin(), matching.end(), [](const auto* d) { return !d->targetStage.empty(); });
  if (!someTargetStage) out.platformsByTargetStage.clear();
  constexpr size_t kNamesShown = 3;
  for (size_t i = 0; i < names.size() && i < kNamesShown; ++i) out.source += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kNamesShown) out.source += " and " + std::to_string(names.size() - kNamesShown) + " more";
  return out;
}

// The builds that name the file itself, when some do; else those whose path pattern (a part
// computed at run time) matches it. A pattern stands for a family of files, and a build that
// names this one says more about it than one that may or may not build it.
std::vector<const BuildDeclaration*> namingItFirst(const std::vector<const BuildDeclaration*>& found) {
  std::vector<const BuildDeclaration*> named;
  for (const auto* d : found) {
    if (!isPathPattern(d->dockerfile.string())) named.push_back(d);
  }
  return named.empty() ? found : named;
}

struct Search {
  fs::path dockerfile;  // absolute, normal
  fs::path root;
  DeclarationCache& cache;

  std::vector<fs::path> directories() const {
    std::vector<fs::path> out{root};
    if (dockerfile.parent_path() != root) out.push_back(dockerfile.parent_path());
    return out;
  }

  // Does a declared build read this Dockerfile? Also through BuildKit's other casing of the
  // default name: a build whose file is `Dockerfile` (by default or written so) reads
  // `dockerfile` where the context has no `Dockerfile` (dockerui's ReadEntrypoint, "dockerfile
  // is also supported casing", moby/moby#10858). jerryliang122/self-hosted-docker (Part MB)
  // keeps a lower-case `dockerfile` that its workflow builds with build-push-action's defaults.
  bool buildsIt(const fs::path& declared) const {
    if (declaredPathMatches(declared, dockerfile)) return true;
    if (dockerfile.filename() != "dockerfile" || declared.filename() != "Dockerfile") return false;
    std::error_code ec;
    const fs::path defaultName = dockerfile.parent_path() / "Dockerfile";
    // On a case-insensitive file system `Dockerfile` is this very file; there the names agree anyway.
    if (fs::exists(defaultName, ec) && !fs::equivalent(defaultName, dockerfile, ec)) return false;
    return declaredPathMatches(declared, defaultName);
  }

  std::optional<DeclaredPlatforms> matching(const std::vector<BuildDeclaration>& declarations) const {
    std::vector<const BuildDeclaration*> found;
    for (const auto& d : declarations) {
      if (buildsIt(d.dockerfile)) found.push_back(&d);
    }
    return merge(namingItFirst(found));
  }

  std::vector<fs::path> filesNamed(const fs::path& directory, const std::function<bool(const std::string&)>& wanted) const {
    std::vector<fs::path> out;
    for (const auto& file : cache.listing(directory)) {
      if (out.size() >= kMaxFilesPerDirectory) break;
      if (wanted(file.filename().string())) out.push_back(file);
    }
    return out;
  }

  std::optional<DeclaredPlatforms> bake() const {
    std::vector<BuildDeclaration> all;
    for (const auto& directory : directories()) {
      const auto& declarations = cache.declarations(directory.string() + "\n(bake)", [&] {
        // buildx bake's default files, in the order it merges them (an override wins).
        std::vector<std::pair<std::string, std::string>> texts;
        for (const char* name :
             {"docker-bake.json", "docker-bake.hcl", "docker-bake.override.json", "docker-bake.override.hcl"}) {
          if (auto text = readDeclarationFile(directory / name, root))
            texts.emplace_back(displayPath(directory / name, root), *text);
        }
        return texts.empty() ? std::vector<BuildDeclaration>{} : readBakeFiles(texts, directory);
      });
      all.insert(all.end(), declarations.begin(), declarations.end());
      const auto& named = cache.declarations(directory.string() + "\n(bake, named)", [&] { return namedBakeFiles(directory); });
      all.insert(all.end(), named.begin(), named.end());
    }
    const auto& fromWorkflows =
        cache.declarations(root.string() + "\n(bake, named by workflows)", [&] { return workflowBakeFiles(); });
    all.insert(all.end(), fromWorkflows.begin(), fromWorkflows.end());
    return matching(all);
  }

  // The bake files that `docker/bake-action` steps name (`files: .github/workflows/bake-base.hcl`,
  // haoxins/jupyter-notebooks, precision Part W), wherever they are kept: each read alone, with
  // paths from the repository root, where the action runs. Files already read beside the
  // Dockerfile or at the root are not read twice.
  std::vector<BuildDeclaration> workflowBakeFiles() const {
    std::vector<BuildDeclaration> out;
    for (const auto& file : bakeFilesNamedByWorkflows(workflowTexts(), root)) {
      const fs::path parent = file.parent_path();
      const std::string name = file.filename().string();
      const bool readAlready = (parent == root || parent == dockerfile.parent_path()) && text::endsWith(name, ".hcl");
      if (readAlready) continue;
      auto text = readDeclarationFile(file, root);
      if (!text) continue;
      const std::vector<std::pair<std::string, std::string>> texts{{displayPath(file, root), std::move(*text)}};
      for (auto& d : readBakeFiles(texts, root)) out.push_back(std::move(d));
    }
    return out;
  }

  // Bake files under other names (`docker/rpi/rpi.hcl`): buildx reads one only when a command
  // names it (`docker buildx bake -f docker/rpi/rpi.hcl`, bake-action's `files:`), and then
  // resolves its relative `context` and `dockerfile` against the directory the command runs
  // in, not the file's (docker/buildx#1028). That is the repository root for a workflow or a
  // root Makefile, or the file's own directory for a command run beside it: a target counts
  // when either reading names the Dockerfile. Each file is its own invocation, never merged
  // with the default files.
  std::vector<BuildDeclaration> namedBakeFiles(const fs::path& directory) const {
    std::vector<BuildDeclaration> out;
    for (const auto& file : filesNamed(directory, [](const std::string& name) {
           return text::endsWith(name, ".hcl") && name != "docker-bake.hcl" && name != "docker-bake.override.hcl";
         })) {
      auto text = readDeclarationFile(file, root);
      if (!text) continue;
      const std::vector<std::pair<std::string, std::string>> texts{{displayPath(file, root), std::move(*text)}};
      for (const fs::path& workingDirectory : {root, directory}) {
        for (auto& d : readBakeFiles(texts, workingDirectory)) out.push_back(std::move(d));
        if (directory == root) break;
      }
    }
    return out;
  }

  std::optional<DeclaredPlatforms> perFile(
      const std::vector<fs::path>& files, const std::string& kind,
      const std::function<std::vector<BuildDeclaration>(const std::string&, const fs::path&)>& read) const {
    return merge(declaredIn(files, kind, read));
  }

  // The declarations of `files` (read once per run) that name this Dockerfile.
  std::vector<const BuildDeclaration*> declaredIn(
      const std::vector<fs::path>& files, const std::string& kind,
      const std::function<std::vector<BuildDeclaration>(const std::string&, const fs::path&)>& read) const {
    std::vector<const BuildDeclaration*> found;
    for (const auto& file : files) {
      const auto& declarations = cache.declarations(file.string() + "\n(" + kind + ")", [&] {
        auto text = readDeclarationFile(file, root);
        if (!text) return std::vector<BuildDeclaration>{};
        auto list = read(*text, file.parent_path());
        // Name each declaration after its file: "compose.yaml service web", "Makefile".
        const std::string shown = displayPath(file, root);
        for (auto& d : list) d.name = d.name.empty() ? shown : shown + " " + d.name;
        return list;
      });
      for (const auto& d : declarations) {
        if (buildsIt(d.dockerfile)) found.push_back(&d);
      }
    }
    return namingItFirst(found);
  }

  std::optional<DeclaredPlatforms> compose() const { return perFile(composeFiles(), "compose", readComposeFile); }

  // A compose service that builds this Dockerfile and names no platform: built for the
  // machine that runs `docker compose build` (cement-hools/Auth_sprint_1, whose final stage is
  // FROM --platform=$BUILDPLATFORM python: on that machine it is the target platform).
  // The same for a Makefile's or a script's plain `docker build` (no `--platform`).
  std::optional<DeclaredPlatforms> forBuildMachine() const {
    struct Kind {
      std::vector<fs::path> files;
      const char* name;
      std::function<std::vector<BuildDeclaration>(const std::string&, const fs::path&)> read;
    };
    const Kind kinds[] = {{composeFiles(), "compose", readComposeFile},
                          {makefileFiles(), "make", readMakefile},
                          {scriptFiles(), "script", readScriptHere()}};
    for (const auto& kind : kinds) {
      for (const auto* d : declaredIn(kind.files, kind.name, kind.read)) {
        if (!d->forBuildMachine) continue;
        DeclaredPlatforms out;
        out.source = d->name + " (no platforms: built for the machine that runs it)";
        out.forBuildMachine = true;
        return out;
      }
    }
    return std::nullopt;
  }

  std::vector<fs::path> composeFiles() const {
    std::vector<fs::path> files;
    for (const auto& directory : directories()) {
      for (auto& f : filesNamed(directory, [](const std::string& name) {
             const bool yaml = text::endsWith(name, ".yml") || text::endsWith(name, ".yaml");
             return yaml && (text::startsWith(name, "compose.") || text::startsWith(name, "docker-compose"));
           })) {
        files.push_back(std::move(f));
      }
    }
    return files;
  }

  std::optional<DeclaredPlatforms> workflows() const {
    const fs::path directory = root / ".github" / "workflows";
    const auto& declarations = cache.declarations(directory.string() + "\n(workflows)", [&] {
      // A workflow's paths are relative to the checkout: the repository root.
      const ReadRepositoryFile readScript = [this](const fs::path& script) { return readDeclarationFile(script, root); };
      return readWorkflows(workflowTexts(), root, readScript);
    });
    return matching(declarations);
  }

  // The GitHub workflows (.github/workflows/*.yml), each named by its path from the root.
  std::vector<std::pair<std::string, std::string>> workflowTexts() const {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& file : filesNamed(root / ".github" / "workflows", [](const std::string& name) {
           return text::endsWith(name, ".yml") || text::endsWith(name, ".yaml");
         })) {
      if (auto text = readDeclarationFile(file, root)) texts.emplace_back(displayPath(file, root), std::move(*text));
    }
    return texts;
  }

  // Azure Pipelines files: azure-pipelines*.yml at the root, the files of .azure-pipelines/
  // and .pipelines/, and the YAML files of the directories from the Dockerfile's up to the
  // root (Azure/azure-functions-docker keeps host/4/python-build.yml above the Dockerfiles).
  std::optional<DeclaredPlatforms> azurePipelines() const {
    auto isYaml = [](const std::string& name) { return text::endsWith(name, ".yml") || text::endsWith(name, ".yaml"); };
    std::vector<fs::path> files;
    for (auto& f :
         filesNamed(root, [&](const std::string& name) { return isYaml(name) && text::startsWith(name, "azure-pipelines"); })) {
      files.push_back(std::move(f));
    }
    for (const char* directory : {".azure-pipelines", ".pipelines"}) {
      for (auto& f : filesNamed(root / directory, isYaml)) files.push_back(std::move(f));
    }
    for (fs::path directory = dockerfile.parent_path(); directory != root && isWithin(directory, root);
         directory = directory.parent_path()) {
      for (auto& f : filesNamed(directory, isYaml)) files.push_back(std::move(f));
    }
    const fs::path& repositoryRoot = root;
    const ReadRepositoryFile readScript = [this](const fs::path& script) { return readDeclarationFile(script, root); };
    return perFile(files, "azure", [&](const std::string& text, const fs::path&) {
      // Parsing YAML is most of the cost: a file that runs neither docker nor a script or make
      // that may run it declares nothing.
      const bool mayBuild = text.find("docker") != std::string::npos || text.find("Docker@") != std::string::npos ||
                            text.find(".sh") != std::string::npos || text.find("make") != std::string::npos;
      if (!mayBuild) return std::vector<BuildDeclaration>{};
      return readAzurePipeline(text, repositoryRoot, readScript);
    });
  }

  // Google Cloud Build configs (`cloudbuild.yaml`, `cloudbuild-release.json`) in the
  // directories from the Dockerfile's up to the root: `gcloud builds submit` uploads the
  // directory it runs in, usually the config's own. `gcloud builds submit --config` takes any
  // name, so a YAML file of another name counts when it runs Cloud Build's own builder images
  // (`gcr.io/cloud-builders/docker`) in its `steps:` (GoogleCloudPlatform/buildpacks'
  // tools/cloudbuild/validate_tests.yaml builds the Dockerfile beside it).
  std::optional<DeclaredPlatforms> cloudBuild() const {
    std::vector<fs::path> named, other;
    for (fs::path directory = dockerfile.parent_path(); isWithin(directory, root); directory = directory.parent_path()) {
      for (auto& f : filesNamed(directory, [](const std::string& name) {
             return text::endsWith(name, ".yaml") || text::endsWith(name, ".yml") || text::endsWith(name, ".json");
           })) {
        const std::string name = f.filename().string();
        if (text::startsWith(name, "cloudbuild")) {
          named.push_back(std::move(f));
        } else if (!text::endsWith(name, ".json")) {
          other.push_back(std::move(f));
        }
      }
      if (directory == root) break;
    }
    // Submitted from the config's directory or, for one kept in a subdirectory, from the
    // repository root (buildpacks' validate_tests.yaml: "It should be submitted from the project
    // root directory", its `-f=tools/cloudbuild/Dockerfile` a path from there): read from the
    // root only when no Dockerfile the config names exists from its own directory.
    const auto fromBoth = [this](const std::string& text, const fs::path& directory) {
      auto list = readCloudBuild(text, directory);
      std::error_code ec;
      const bool namesOwn =
          std::any_of(list.begin(), list.end(), [&](const auto& d) { return fs::is_regular_file(d.dockerfile, ec); });
      if (directory != root && !namesOwn) return readCloudBuild(text, root);
      return list;
    };
    auto found = declaredIn(named, "cloudbuild", fromBoth);
    const auto byContent = declaredIn(other, "cloudbuild by content", [&](const std::string& text, const fs::path& directory) {
      if (text.find("gcr.io/cloud-builders/") == std::string::npos || text.find("steps:") == std::string::npos) {
        return std::vector<BuildDeclaration>{};
      }
      return fromBoth(text, directory);
    });
    found.insert(found.end(), byContent.begin(), byContent.end());
    return merge(namingItFirst(found));
  }

  // CI configs at the repository root: Travis CI's `.travis.yml`, Drone's `.drone.yml`,
  // CircleCI's `.circleci/config.yml` and Semaphore's `.semaphore/*.yml`, whose machines have a
  // known architecture, Jenkinsfiles (builds that name platforms), each with the
  // scripts its jobs run by path; and GitLab CI's `.gitlab-ci.yml`, whose builds count only
  // where they name their platforms.
  std::optional<DeclaredPlatforms> hostedCi() const {
    const ReadRepositoryFile readScript = [this](const fs::path& script) { return readDeclarationFile(script, root); };
    const fs::path& repositoryRoot = root;
    auto atRoot = [&](std::initializer_list<const char*> names) {
      std::vector<fs::path> files;
      for (auto& f : filesNamed(
               root, [&](const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); })) {
        files.push_back(std::move(f));
      }
      return files;
    };
    auto declared = declaredIn(atRoot({".travis.yml"}), "travis", [&](const std::string& text, const fs::path&) {
      return readTravisConfig(text, repositoryRoot, readScript);
    });
    const auto drone = declaredIn(atRoot({".drone.yml", ".drone.yaml"}), "drone", [&](const std::string& text, const fs::path&) {
      return readDronePipelines(text, repositoryRoot, readScript);
    });
    declared.insert(declared.end(), drone.begin(), drone.end());
    const auto circleCiFiles =
        filesNamed(root / ".circleci", [](const std::string& name) { return name == "config.yml" || name == "config.yaml"; });
    const auto circleCi = declaredIn(circleCiFiles, "circleci", [&](const std::string& text, const fs::path&) {
      return readCircleCiConfig(text, repositoryRoot, readScript);
    });
    declared.insert(declared.end(), circleCi.begin(), circleCi.end());
    // Semaphore's pipelines: `.semaphore/semaphore.yml` and the pipelines its promotions run.
    const auto semaphoreFiles = filesNamed(root / ".semaphore", [](const std::string& name) {
      return text::endsWith(name, ".yml") || text::endsWith(name, ".yaml");
    });
    const auto semaphore = declaredIn(semaphoreFiles, "semaphore", [&](const std::string& text, const fs::path&) {
      return readSemaphorePipeline(text, repositoryRoot, readScript);
    });
    declared.insert(declared.end(), semaphore.begin(), semaphore.end());
    // Jenkinsfiles at the root or beside the Dockerfile (`Jenkinsfile`, `Jenkinsfile.release`,
    // `release.jenkinsfile`): Jenkins runs them from the workspace, the repository root.
    std::vector<fs::path> jenkinsfiles;
    for (const auto& directory : directories()) {
      for (auto& f : filesNamed(directory, [](const std::string& name) {
             const std::string lowered = text::lower(name);
             return text::startsWith(lowered, "jenkinsfile") || text::endsWith(lowered, ".jenkinsfile");
           })) {
        jenkinsfiles.push_back(std::move(f));
      }
    }
    const auto jenkins = declaredIn(jenkinsfiles, "jenkins", [&](const std::string& text, const fs::path&) {
      return readJenkinsfile(text, repositoryRoot, readScript);
    });
    declared.insert(declared.end(), jenkins.begin(), jenkins.end());
    const auto gitlab = declaredIn(atRoot({".gitlab-ci.yml"}), "gitlab",
                                   [&](const std::string& text, const fs::path&) { return readGitlabCi(text, repositoryRoot); });
    declared.insert(declared.end(), gitlab.begin(), gitlab.end());
    return merge(namingItFirst(declared));
  }

  std::vector<fs::path> makefileFiles() const {
    std::vector<fs::path> files;
    for (const auto& directory : directories()) {
      for (auto& f : filesNamed(directory, isMakefileName)) {
        files.push_back(std::move(f));
      }
    }
    return files;
  }

  std::optional<DeclaredPlatforms> makefiles() const { return perFile(makefileFiles(), "make", readMakefile); }

  // Shell scripts beside the Dockerfile or at the root that run a build with platforms
  // (kopia's tools/docker-publish.sh, Kavita's docker-build.sh).
  // Shell scripts at the root, beside the Dockerfile, and one directory up from it, where a
  // family of image directories keeps its build script (actions-gateway's
  // scripts/dogfood/runner-build.sh for scripts/dogfood/runner/Dockerfile).
  std::vector<fs::path> scriptFiles() const {
    std::vector<fs::path> files;
    auto where = directories();
    const fs::path up = dockerfile.parent_path().parent_path();
    if (dockerfile.parent_path() != root && up != root && isWithin(up, root)) where.push_back(up);
    for (const auto& directory : where) {
      for (auto& f : filesNamed(directory, [](const std::string& name) { return text::endsWith(name, ".sh"); })) {
        files.push_back(std::move(f));
      }
    }
    return files;
  }

  // A shell script's reader that knows the repository root (`REPO_ROOT=$(git rev-parse
  // --show-toplevel)` in it).
  std::function<std::vector<BuildDeclaration>(const std::string&, const fs::path&)> readScriptHere() const {
    return [root = root](const std::string& text, const fs::path& directory) { return readShellScript(text, directory, root); };
  }

  std::optional<DeclaredPlatforms> scripts() const { return perFile(scriptFiles(), "script", readScriptHere()); }
};

std::optional<Platform> archNamespace(std::string_view word) { return vocab::dockerHubArchNamespace(word); }

// A file name whose words are glued rather than separated, `DockerfileARM` or
// `DockerfileLeanFoundationARM` (QuantConnect/Lean, "a version of DockerfileLeanFoundation for
// ARM"), with a '.' between them: after a leading Dockerfile/Containerfile, and where the case
// turns (`LeanFoundation`, `FoundationARM`, `ARMBuild`); never between a letter and a digit, so
// `Arm64` stays one word. Read only where the name as written says nothing.
std::string separateGluedWords(std::string_view fileName) {
  std::string out;
  const auto isUpper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto isLower = [](char c) { return c >= 'a' && c <= 'z'; };
  size_t prefix = 0;
  for (std::string_view own : {"dockerfile", "containerfile"}) {
    if (fileName.size() > own.size() && text::lower(std::string(fileName.substr(0, own.size()))) == own &&
        std::isalnum(static_cast<unsigned char>(fileName[own.size()]))) {
      prefix = own.size();
    }
  }
  for (size_t i = 0; i < fileName.size(); ++i) {
    const char c = fileName[i];
    if (i > 0 && (i == prefix || (isUpper(c) && isLower(fileName[i - 1])) ||
                  (isUpper(c) && isUpper(fileName[i - 1]) && i + 1 < fileName.size() && isLower(fileName[i + 1])))) {
      out += '.';
    }
    out += c;
  }
  return out;
}

// Every architecture named in `name` (vocabulary tokens and Docker Hub namespace words),
// as long as they agree; `exactWord` asks that the whole name be one architecture word.
std::optional<Platform> singleArchitectureIn(std::string_view name, bool exactWord) {
  std::optional<Platform> found;
  bool conflicting = false;
  auto add = [&](const Platform& p) {
    if (found && !sameArchitecture(*found, p)) conflicting = true;
    if (!found) found = p;
  };
  if (exactWord) {
    if (auto p = archNamespace(name)) return p;
    const auto tokens = vocab::findArchTokens(name);
    if (tokens.size() == 1 && text::lower(tokens[0].token) != "x86" && tokens[0].begin == 0 && tokens[0].end == name.size())
      return tokens[0].platform;
    return std::nullopt;
  }
  for (const auto& token : vocab::findArchTokens(name)) {
    // `Dockerfile.x86` means x86-64 as often as i386: not a declaration either way.
    if (text::lower(token.token) == "x86") return std::nullopt;
    add(token.platform);
  }
  size_t begin = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i]))) continue;
    if (auto p = archNamespace(name.substr(begin, i - begin))) add(*p);
    begin = i + 1;
  }
  return conflicting ? std::nullopt : found;
}

// Docker Hub's automated builds run the `hooks/build` script found beside the Dockerfile
// instead of their own build command ("Advanced options for autobuild": the hooks folder sits
// at the Dockerfile's level), and run it on amd64 builders only (docker/hub-feedback#1983:
// "Currently only amd64 linux automated builds are supported"; docker/roadmap#109). A hook that
// runs a plain `docker build` (no buildx, no --platform, and no QEMU registered by a
// `pre_build` hook, the workaround for other architectures) makes a linux/amd64 image.
std::optional<DeclaredPlatforms> fromDockerHubHooks(const fs::path& dockerfile, const fs::path& root) {
  const fs::path hooks = dockerfile.parent_path() / "hooks";
  const auto build = readDeclarationFile(hooks / "build", root);
  if (!build || (build->find("docker build") == std::string::npos && build->find("docker image build") == std::string::npos)) {
    return std::nullopt;
  }
  const auto multiArch = [](const std::string& text) {
    for (std::string_view word : {"buildx", "--platform", "qemu", "binfmt", "manifest", "DOCKER_DEFAULT_PLATFORM"}) {
      if (text.find(word) != std::string::npos) return true;
    }
    return false;
  };
  if (multiArch(*build)) return std::nullopt;
  if (const auto pre = readDeclarationFile(hooks / "pre_build", root); pre && multiArch(*pre)) return std::nullopt;
  return DeclaredPlatforms{{*parsePlatform("linux/amd64")},
                           "hooks/build: a plain docker build in Docker Hub's automated build, on amd64 builders only",
                           false};
}

// Docker Hub's automated repository tests: a `docker-compose.test.yml` beside the Dockerfile
// that defines a `sut` service (Docker's "Automated repository tests": the build succeeds only if
// `sut` exits 0) exists to be run by Docker Hub's automated builds, which build and test that
// directory's Dockerfile on amd64 builders only (as fromDockerHubHooks). wernight's
// plex-media-server (Part ZZZZZZM) keeps one beside each image and no other build.
std::optional<DeclaredPlatforms> fromDockerHubAutotest(const fs::path& dockerfile, const fs::path& root) {
  if (dockerfile.filename() != "Dockerfile") return std::nullopt;
  for (const char* name : {"docker-compose.test.yml", "docker-compose.test.yaml"}) {
    const auto text = readDeclarationFile(dockerfile.parent_path() / name, root);
    if (!text) continue;
    if (!definesSutService(*text)) return std::nullopt;
    return DeclaredPlatforms{
        {*parsePlatform("linux/amd64")},
        std::string(name) + ": Docker Hub's automated tests (a sut service), run by its automated builds on amd64 builders only",
        false};
  }
  return std::nullopt;
}

// The first build of `dockerfile` that an app config named one of `names` declares, in the
// Dockerfile's directory or one above it up to the repository root, with the config's path as
// shown (fly.toml, serverless.yml: an app's config sits at or above the file it builds).
std::optional<std::pair<BuildDeclaration, std::string>> buildInConfigAbove(
    const fs::path& dockerfile, const fs::path& root, std::initializer_list<const char*> names,
    const std::function<std::vector<BuildDeclaration>(const std::string&, const fs::path&)>& read) {
  const fs::path file = absoluteNormal(dockerfile);
  const fs::path top = absoluteNormal(root);
  for (fs::path directory = file.parent_path();; directory = directory.parent_path()) {
    for (const char* name : names) {
      const fs::path config = directory / name;
      const auto text = readDeclarationFile(config, top);
      if (!text) continue;
      for (auto& build : read(*text, directory)) {
        if (build.dockerfile == file) return std::pair(std::move(build), displayPath(config, top));
      }
    }
    if (directory == top || !isWithin(directory, top) || directory == directory.parent_path()) break;
  }
  return std::nullopt;
}

// A Fly.io app: a `fly.toml` in the Dockerfile's directory or one above it (up to the
// repository root) whose build is this file. flyctl builds it for linux/amd64, the one
// architecture of Fly Machines, wherever it builds (superfly/flyctl#378, #2597: the platform
// is hard-coded so that an Apple silicon Mac's engine does not make an arm64 image).
std::optional<DeclaredPlatforms> fromFlyApp(const fs::path& dockerfile, const fs::path& root) {
  const auto found = buildInConfigAbove(dockerfile, root, {"fly.toml"}, readFlyConfig);
  if (!found) return std::nullopt;
  return DeclaredPlatforms{found->first.platforms, found->second + " (a Fly.io app: flyctl builds linux/amd64)"};
}

// An AWS Lambda image of the Serverless Framework: a `serverless.yml` (or `.yaml`) in the
// Dockerfile's directory or one above it (up to the repository root) whose
// `provider.ecr.images` builds this file (readServerlessConfig).
std::optional<DeclaredPlatforms> fromServerlessApp(const fs::path& dockerfile, const fs::path& root) {
  const auto found = buildInConfigAbove(dockerfile, root, {"serverless.yml", "serverless.yaml"}, readServerlessConfig);
  if (!found) return std::nullopt;
  return DeclaredPlatforms{found->first.platforms, found->second + " " + found->first.name + " (an AWS Lambda image)"};
}

// A Heroku app: the repository's `heroku.yml` builds this file for one of its process types.
// Heroku's container stack builds it and runs it on linux/amd64 dynos (readHerokuManifest).
std::optional<DeclaredPlatforms> fromHerokuApp(const fs::path& dockerfile, const fs::path& root) {
  const fs::path file = absoluteNormal(dockerfile);
  const fs::path top = absoluteNormal(root);
  const auto text = readDeclarationFile(top / "heroku.yml", top);
  if (!text) return std::nullopt;
  for (const auto& build : readHerokuManifest(*text, top)) {
    if (build.dockerfile != file) continue;
    return DeclaredPlatforms{build.platforms, "heroku.yml " + build.name + " (a Heroku app: its dynos run linux/amd64)"};
  }
  return std::nullopt;
}

// A directory named for one architecture: exactly (`arm64/`), a variant that ends with its
// architecture (`mariner2-arm64/`, `ubuntu22.04-arm32v7/`), or a target triple's (`aarch64-linux/`,
// `x86_64-musl/`, `x86_64-unknown-linux-gnu/`, as wasmtime's ci/docker); `arm64-tools/` says nothing.
// An architecture's whole name, or `linux` glued to it as release assets name their builds
// (`linuxX86_64`, aldostools' ps3netsrv_linuxX86_64; `linuxarm64`).
std::optional<Platform> architectureWord(std::string_view word) {
  if (auto p = singleArchitectureIn(word, true)) return p;
  if (word.size() > 5 && text::lower(std::string(word.substr(0, 5))) == "linux")
    return singleArchitectureIn(word.substr(5), true);
  return std::nullopt;
}

// A Linux distribution's name, as directories of per-distribution builds spell it.
bool isDistributionWord(const std::string& word) {
  static const std::set<std::string> kDistributions{"ubuntu", "debian",    "centos",    "alpine",      "fedora",  "rhel",
                                                    "rocky",  "alma",      "almalinux", "amazonlinux", "ubi",     "opensuse",
                                                    "sles",   "archlinux", "manylinux", "musllinux",   "raspbian"};
  return kDistributions.count(word) > 0;
}

std::optional<Platform> architectureOfDirectoryName(const std::string& name) {
  if (auto p = singleArchitectureIn(name, true)) return p;
  // A word, '_', then an architecture's whole name: consbio/mbtileserver's per-architecture
  // GitHub actions `build_x86_64/` and `build_arm64/` (x86_64 keeps its own '_').
  for (size_t underscore = name.find('_'); underscore != std::string::npos && underscore + 1 < name.size();
       underscore = name.find('_', underscore + 1)) {
    if (underscore == 0) continue;
    if (auto p = architectureWord(std::string_view(name).substr(underscore + 1))) return p;
  }
  // An architecture's whole name, then a distribution and its release: per-architecture build
  // environments (`x86_64_ubuntu20_gcc10/` beside `aarch64_ubuntu20_gcc10/`, the sysroot images
  // of rules_ml_toolchain; `aarch64-centos7/`). A word that is no distribution (`arm64-tools/`,
  // `amd64_cross/`) says nothing: such a directory may hold what builds for that architecture.
  for (size_t separator = name.find_first_of("_-"); separator != std::string::npos;
       separator = name.find_first_of("_-", separator + 1)) {
    if (separator == 0 || !singleArchitectureIn(std::string_view(name).substr(0, separator), true)) continue;
    std::string word = text::lower(name.substr(separator + 1, name.find_first_of("_-.", separator + 1) - separator - 1));
    while (!word.empty() && std::isdigit(static_cast<unsigned char>(word.back()))) word.pop_back();
    // The rest names no other architecture (`arm64-ubuntu-tools-x86_64/` names two).
    if (isDistributionWord(word)) return singleArchitectureIn(name, false);
  }
  const auto parts = text::split(name, '-');
  if (parts.size() < 2) return std::nullopt;
  if (auto p = architectureWord(parts.back())) return p;
  static const std::set<std::string> kTripleWords{"linux", "musl", "gnu", "unknown", "android"};
  if (kTripleWords.count(text::lower(parts[1])) > 0) return singleArchitectureIn(parts.front(), true);
  return std::nullopt;
}

// The repository itself named for one architecture (omert08/arangodb-arm64, a project that
// exists to run ArangoDB on arm64): a clone's directory keeps the repository's name. The
// weakest of the names: every declaration, the file's own name and directories, its base
// images and a build on a runner come first. Only a root that is a repository's (it holds
// .git): any other directory's name is the user's, not the project's.
std::optional<DeclaredPlatforms> fromRepositoryName(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root / ".git", ec)) return std::nullopt;
  fs::path rootPath = absoluteNormal(root);
  if (rootPath.filename().empty()) rootPath = rootPath.parent_path();  // `repo/` normalizes with a trailing separator
  const std::string name = rootPath.filename().string();
  if (auto p = architectureOfDirectoryName(name)) return DeclaredPlatforms{{*p}, "the repository's name " + name};
  // ... or for hardware of one architecture, by a word that names its images too
  // (MarvellServer/ThunderX-HPC-Containers: Marvell's HPC images for its Arm server CPUs).
  if (auto hardware = hardwareWordIn(name); hardware && vocab::hardwareWordNamesImages(hardware->first)) {
    return DeclaredPlatforms{
        {hardware->second},
        "the repository's name " + name + " (" + hardware->first + " exists for " + hardware->second.str() + " only)"};
  }
  return std::nullopt;
}

std::optional<DeclaredPlatforms> fromFileName(const fs::path& dockerfile, const fs::path& root) {
  // Gitpod's workspace image file, by the name its docs give it (`image: file:
  // .gitpod.Dockerfile` in .gitpod.yml): Gitpod builds it, and runs workspaces on x86-64 only
  // (gitpod-io/workspace-images#744: "we do not have plans to support arm64"; its
  // gitpod/workspace-* bases are amd64 images).
  if (dockerfile.filename() == ".gitpod.Dockerfile") {
    return DeclaredPlatforms{{*parsePlatform("linux/amd64")},
                             "the file name (.gitpod.Dockerfile: Gitpod builds it, on x86-64 only)"};
  }
  std::optional<Platform> platform;
  std::string where;
  if (auto p = singleArchitectureIn(dockerfile.filename().string(), false)) {
    platform = p;
    where = "the file name";
  } else if (const std::string glued = separateGluedWords(dockerfile.filename().string());
             glued != dockerfile.filename().string()) {
    if (auto q = singleArchitectureIn(glued, false)) {
      platform = q;
      where = "the file name";
    }
  }
  // A directory named exactly after an architecture (arm64/Dockerfile), below the root.
  const fs::path relativeDirectory = dockerfile.parent_path().lexically_relative(root);
  for (const auto& component : relativeDirectory) {
    const std::string name = component.string();
    if (name.empty() || name == "." || name == "..") continue;
    const std::optional<Platform> p = architectureOfDirectoryName(name);
    if (!p) continue;
    if (platform && !sameArchitecture(*platform, *p)) return std::nullopt;
    if (!platform) where = "the directory " + name + "/";
    platform = p;
  }
  if (!platform) {
    // No architecture in the name, but hardware whose software exists for one.
    if (auto hardware = hardwareWordIn(dockerfile.filename().string())) {
      return DeclaredPlatforms{{hardware->second},
                               "the file name (" + hardware->first + " exists for " + hardware->second.str() + " only)"};
    }
    for (const auto& component : relativeDirectory) {
      const std::string name = text::lower(component.string());
      for (const auto& [word, p] : vocab::oneArchitectureHardware()) {
        if (name == word)
          return DeclaredPlatforms{{p}, "the directory " + name + "/ (" + word + " exists for " + p.str() + " only)"};
      }
    }
    return std::nullopt;
  }
  return DeclaredPlatforms{{*platform}, where};
}

// The architecture family a file is named for alone: `arm` (`Dockerfile.arm`, `arm.Dockerfile`,
// `Dockerfile-arm`) or `x86` (`linux-x86.dockerfile`, `Dockerfile.x86`), a word of the name
// between '.', '-' and '_'. Neither names one platform: "x86" is x86-64 as often as i386.
// The words of a file or directory name, lower-cased: split at '.', '-' and '_' and where
// words are glued (`UbuntuARM` gives ubuntu, arm).
std::vector<std::string> nameWords(std::string_view name) {
  std::string spaced = text::lower(separateGluedWords(name));
  std::replace_if(
      spaced.begin(), spaced.end(), [](char c) { return c == '-' || c == '_'; }, '.');
  std::vector<std::string> words;
  for (auto& part : text::split(spaced, '.')) {
    if (!part.empty()) words.push_back(std::move(part));
  }
  return words;
}

std::optional<std::string> architectureFamilyIn(std::string_view fileName) {
  // The words of the name but the Dockerfile's own (`linux`, `x86` of `linux-x86.dockerfile`).
  std::vector<std::string> words = nameWords(fileName);
  std::erase_if(words, [](const std::string& word) { return word == "dockerfile" || word == "containerfile"; });
  std::optional<std::string> found;
  for (const auto& part : words) {
    if (part != "arm" && part != "x86") continue;
    if (found && *found != part) return std::nullopt;  // `Dockerfile.x86-to-arm`: neither
    found = part;
  }
  // Only at either end of the name: a family word inside it describes something else
  // (`playwright-x86-browsers.Dockerfile` is about x86 browsers, not built for x86).
  if (found && words.front() != *found && words.back() != *found) return std::nullopt;
  return found;
}

// A directory named for a distribution and an architecture family, glued or joined
// (`UbuntuARM/`, `debian-arm/`, `alpine_x86/`): the family's build of that distribution
// (JetBrains/teamcity-docker-images' context/generated/linux/Agent/UbuntuARM/, beside Ubuntu/,
// Part ZZZJ). Only those two words: a family word among others says less.
std::optional<std::string> familyOfDistributionDirectory(const std::string& name) {
  const auto words = nameWords(name);
  if (words.size() != 2 || (words[1] != "arm" && words[1] != "x86")) return std::nullopt;
  std::string distribution = words[0];
  while (!distribution.empty() && std::isdigit(static_cast<unsigned char>(distribution.back()))) distribution.pop_back();
  if (!isDistributionWord(distribution)) return std::nullopt;
  return words[1];
}

// A file named for an architecture family, or in a directory so named: the file's own pins or
// base images say which platform of the family when they name one, and otherwise it is the
// family's platform of the default pair, linux/arm64 or linux/amd64.
std::optional<DeclaredPlatforms> fromFamilyName(const fs::path& dockerfile, const fs::path& root,
                                                const std::function<std::optional<DeclaredPlatforms>()>& fromContent) {
  auto family = architectureFamilyIn(dockerfile.filename().string());
  std::string where = "the file name";
  if (!family) {
    for (const auto& component : dockerfile.parent_path().lexically_relative(root)) {
      const auto named = familyOfDistributionDirectory(component.string());
      if (!named) continue;
      if (family && *family != *named) return std::nullopt;
      family = named;
      where = "the directory " + component.string() + "/";
    }
  }
  if (!family) return std::nullopt;
  const std::set<std::string> members =
      *family == "arm" ? std::set<std::string>{"arm", "arm64"} : std::set<std::string>{"amd64", "386"};
  if (auto found = fromContent(); found && found->platforms.size() == 1 && members.count(found->platforms[0].architecture) > 0) {
    return found;
  }
  if (*family == "arm") return DeclaredPlatforms{{Platform{"linux", "arm64", ""}}, where + " (ARM: linux/arm64)"};
  return DeclaredPlatforms{{Platform{"linux", "amd64", ""}}, where + " (x86: linux/amd64)"};
}

// The plain file of a per-architecture family: `Dockerfile` next to `Dockerfile.aarch64`
// (linuxserver, percona) or next to `arm64/Dockerfile`, with no sibling for amd64, is the
// amd64 file of the family; so is a variant of no architecture, `Dockerfile.run` next to
// `Dockerfile.armhf`. (Declared platforms only narrow the targets: read wrongly, this loses
// findings, it adds none.)
std::optional<DeclaredPlatforms> fromSiblings(const fs::path& dockerfile) {
  const std::string name = dockerfile.filename().string();
  if (singleArchitectureIn(name, false)) return std::nullopt;
  // `DockerfileLeanFoundation` beside `DockerfileLeanFoundationARM`: the glued form.
  const std::string gluedName = separateGluedWords(name);
  if (gluedName != name && singleArchitectureIn(gluedName, false)) return std::nullopt;
  const fs::path directory = dockerfile.parent_path().empty() ? fs::path(".") : dockerfile.parent_path();
  std::error_code ec;
  std::vector<std::string> siblings;
  // The suffix form, `<stem>.Dockerfile`: its siblings are `<stem>-<arch>.Dockerfile`.
  std::string stem, suffix;
  for (const char* ending : {".Dockerfile", ".dockerfile", ".Containerfile"}) {
    if (name.size() > std::string_view(ending).size() && text::endsWith(name, ending)) {
      suffix = ending;
      stem = name.substr(0, name.size() - suffix.size());
    }
  }
  // A variant of the family, `Dockerfile.run` beside `Dockerfile.armhf` and `Dockerfile.s390x`
  // (docker/compose 1.x): the family's files named for an architecture are its siblings too.
  std::string family;
  for (const char* prefix : {"Dockerfile", "dockerfile", "Containerfile", "containerfile"}) {
    const size_t n = std::string_view(prefix).size();
    if (name.size() > n + 1 && text::startsWith(name, prefix) &&
        std::string_view(".-_").find(name[n]) != std::string_view::npos) {
      family = prefix;
    }
  }
  // Only a variant that names no architecture in any spelling, even an ambiguous one
  // (`Dockerfile.x86`, `Dockerfile.amd64-to-arm64` say something else).
  const std::string variant = text::lower(name);
  for (std::string_view word : {"x86", "x64", "amd", "arm", "aarch", "386", "686", "ppc", "s390", "riscv", "mips", "loong"}) {
    if (variant.find(word) != std::string::npos) family.clear();
  }
  const std::string lowered = text::lower(name);
  const bool plainName = lowered == "dockerfile" || lowered == "containerfile";
  size_t seen = 0;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end && seen < 2000; it.increment(ec), ++seen) {
    const std::string entry = it->path().filename().string();
    if (!family.empty() && entry != name && entry.size() > family.size() + 1 && text::startsWith(entry, family) &&
        std::string_view(".-_").find(entry[family.size()]) != std::string_view::npos &&
        singleArchitectureIn(entry.substr(family.size() + 1), true)) {
      siblings.push_back(entry.substr(family.size() + 1));
    } else if (entry.size() > name.size() + 1 && text::startsWith(entry, name) &&
               std::string_view(".-_").find(entry[name.size()]) != std::string_view::npos) {
      siblings.push_back(entry.substr(name.size() + 1));
    } else if (!stem.empty() && entry.size() > name.size() + 1 && text::startsWith(entry, stem) &&
               text::endsWith(entry, suffix) && std::string_view(".-_").find(entry[stem.size()]) != std::string_view::npos) {
      // `development.Dockerfile` beside `development-arm.Dockerfile` (typesense).
      siblings.push_back(entry.substr(stem.size() + 1, entry.size() - suffix.size() - stem.size() - 1));
    } else if (plainName && entry.size() > name.size() + 1 && text::endsWith(text::lower(entry), "." + text::lower(name))) {
      // The suffix form beside the plain file: `Dockerfile` next to `arm.Dockerfile`
      // (kylape/stackrox-tekton) or `arm64.Dockerfile`.
      siblings.push_back(entry.substr(0, entry.size() - name.size() - 1));
    } else if (it->is_directory(ec) && singleArchitectureIn(entry, true) && fs::exists(it->path() / name, ec)) {
      siblings.push_back(entry);
    } else if (gluedName != name && entry != name) {
      if (const std::string gluedEntry = separateGluedWords(entry); text::startsWith(gluedEntry, gluedName + ".")) {
        siblings.push_back(gluedEntry.substr(gluedName.size() + 1));
      }
    }
  }
  bool otherArchitecture = false;
  for (const auto& suffix : siblings) {
    // "arm" alone names the ARM family (arm64 or arm/v7: fromFamilyName decides which),
    // never amd64; "x86" is the x86 file of the family, so the plain one is not.
    if (text::lower(suffix) == "arm") {
      otherArchitecture = true;
      continue;
    }
    if (text::lower(suffix) == "x86") return std::nullopt;
    const auto p = singleArchitectureIn(suffix, true);
    if (!p) continue;
    if (p->architecture == "amd64") return std::nullopt;
    otherArchitecture = true;
  }
  if (!otherArchitecture) return std::nullopt;
  return DeclaredPlatforms{{Platform{"linux", "amd64", ""}}, "its per-architecture siblings (" + name + " is the amd64 one)"};
}

// Is the stage a build ships (the last), or the earlier stage it is built FROM, pinned with a
// constant --platform?
bool shippedStagePinned(const dockerfile::ParsedDockerfile& file) {
  std::map<std::string, bool> pinnedStage;  // by stage name
  bool lastPinned = false;
  for (const auto& in : file.instructions) {
    if (in.command != "from" || in.args.empty()) continue;
    const dockerfile::Flag* flag = in.flag("platform");
    const auto earlier = pinnedStage.find(text::lower(in.args[0].value));
    lastPinned = flag ? flag->value().find('$') == std::string::npos : earlier != pinnedStage.end() && earlier->second;
    if (in.args.size() == 3) pinnedStage[text::lower(in.args[2].value)] = lastPinned;
  }
  return lastPinned;
}

// Does any instruction but an ARG read the target platform (`$TARGETARCH`, `${TARGETPLATFORM}`,
// `$TARGETOS`, `$TARGETVARIANT`: BuildKit's automatic TARGET* arguments)? Then the file is
// written for more than one target.
bool readsTargetPlatform(const dockerfile::ParsedDockerfile& file) {
  auto reads = [](std::string_view text) {
    for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
      const size_t begin = at + 1 < text.size() && text[at + 1] == '{' ? at + 2 : at + 1;
      size_t end = begin;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
      const std::string_view name = text.substr(begin, end - begin);
      if (text::startsWith(name, "TARGET") && vocab::isAutomaticPlatformArg(name)) return true;
    }
    return false;
  };
  for (const auto& in : file.instructions) {
    if (in.command == "arg") continue;
    if (reads(in.line.text)) return true;
    for (const auto& heredoc : in.heredocs) {
      if (reads(heredoc.content)) return true;
    }
  }
  return false;
}

// The global ARGs (those before the first FROM) as BuildKit expands FROM lines with them: each
// default expanded with the ARGs before it. With `unknown`, an ARG it names (one a build passes)
// has no value, and neither has a default built from an ARG with none (`${OS}/amd64`).
dockerfile::Environment globalArgs(const dockerfile::ParsedDockerfile& file,
                                   const std::function<bool(const std::string&)>& unknown = {}) {
  dockerfile::Environment env;
  for (const auto& in : file.instructions) {
    if (in.command == "from") break;
    if (in.command != "arg") continue;
    for (const auto& arg : in.args) {
      const size_t equals = arg.value.find('=');
      const std::string name = arg.value.substr(0, equals);
      env[name] = std::nullopt;
      if (equals == std::string::npos || (unknown && unknown(name))) continue;
      auto value = dockerfile::expandWord(arg.value.substr(equals + 1), env, file.escapeToken);
      if (!unknown || (value.unset.empty() && !value.bounded)) env[name] = std::move(value.value);
    }
  }
  return env;
}

// Every FROM of an external image carries the same constant --platform: the file says which
// one platform it builds, on every line that chooses one. Beside a stage on $BUILDPLATFORM, the
// pins declare it only when their images are named for that platform, or when the shipped
// (last) stage is itself pinned and nothing reads the target platform: a file that pins the
// image it ships and never asks which target it builds for makes that one platform's image
// every time (grafana/pyroscope's .NET example: its profiler exists for linux-x64 only).
// A pin through a global ARG's default (`ARG PLATFORM=linux/amd64`, `FROM --platform=$PLATFORM`)
// is the same constant unless a build of the project passes that ARG (`argsPassedByBuilds`):
// BuildKit expands FROM flags with the global ARGs only, so a default no build replaces is what
// every build uses (zhoujd/zzdwm's Wine and Valgrind images, built by a plain `docker build`,
// Part WF). The automatic platform ARGs are left out: a default given to `TARGETPLATFORM` is
// the mistake MA145 reports, not a choice of platform.
std::optional<DeclaredPlatforms> fromPlatformFlags(const dockerfile::ParsedDockerfile& file,
                                                   const std::set<std::string>& argsPassedByBuilds) {
  std::set<std::string> stageNames;
  std::optional<Platform> platform;
  bool onBuildMachine = false, everyPinNamedByItsImage = true;
  const auto passedOrAutomatic = [&](const std::string& name) {
    return argsPassedByBuilds.count(name) > 0 || vocab::isAutomaticPlatformArg(name);
  };
  dockerfile::Environment globalEnv = globalArgs(file, passedOrAutomatic);
  // A global ARG declared with no default that no build passes is empty when BuildKit expands
  // the FROM flags, so `ARG PLATFORM` then `FROM --platform=${PLATFORM:-linux/amd64}` pins
  // every build to the default (AdrianOrenstein/docker-pytorch-template, Part ZZZZZZZA).
  for (const auto& in : file.instructions) {
    if (in.command == "from") break;
    if (in.command != "arg") continue;
    for (const auto& arg : in.args) {
      const auto declared = globalEnv.find(arg.value);
      if (declared != globalEnv.end() && !declared->second && !passedOrAutomatic(arg.value)) declared->second = "";
    }
  }
  std::set<std::string> throughArgs;  // the global ARGs whose defaults the pins are
  for (const auto& in : file.instructions) {
    if (in.command != "from" || in.args.empty()) continue;
    const std::string base = text::lower(in.args[0].value);
    const bool earlierStage = stageNames.count(base) > 0;
    if (in.args.size() == 3) stageNames.insert(text::lower(in.args[2].value));
    if (earlierStage || base == "scratch") continue;
    const dockerfile::Flag* flag = in.flag("platform");
    // A stage on the build machine (`--platform=$BUILDPLATFORM`) is a tool of the build, not
    // the image: with every other stage pinned to one platform and FROM an image named for it,
    // every build ships that one (cartesi/machine-emulator-tools' fs/Dockerfile cross-compiles
    // on $BUILDPLATFORM for its final `FROM --platform=linux/riscv64 riscv64/ubuntu:22.04`, Part
    // LW). A pin on a plain image beside a $BUILDPLATFORM stage (`FROM --platform=linux/amd64
    // alpine`) is more often the mistake in a multi-platform build: it declares nothing.
    if (flag && (flag->value() == "$BUILDPLATFORM" || flag->value() == "${BUILDPLATFORM}")) {
      onBuildMachine = true;
      continue;
    }
    if (!flag) return std::nullopt;
    const auto expansion = dockerfile::expandWord(flag->value(), globalEnv, file.escapeToken);
    if (!expansion.unset.empty() || expansion.bounded) return std::nullopt;
    if (!expansion.referenced.empty()) throughArgs.insert(expansion.referenced.begin(), expansion.referenced.end());
    const auto p = parsePlatform(expansion.value);
    if (!p || (platform && !(*platform == *p))) return std::nullopt;
    platform = p;
    const auto named = platformOfImageReference(base);
    if (named && named->architecture != p->architecture) return std::nullopt;  // the pin and the image disagree
    everyPinNamedByItsImage = everyPinNamedByItsImage && named;
  }
  if (!platform) return std::nullopt;
  if (onBuildMachine && !everyPinNamedByItsImage && !(shippedStagePinned(file) && !readsTargetPlatform(file))) {
    return std::nullopt;
  }
  std::string why = onBuildMachine ? "the --platform of every FROM not on $BUILDPLATFORM" : "the --platform of every FROM";
  for (const auto& name : throughArgs) why += (name == *throughArgs.begin() ? " (the default of ARG " : ", ARG ") + name;
  if (!throughArgs.empty()) why += ")";
  return DeclaredPlatforms{{*platform}, why};
}

// Is `image` (lower case, registry kept) a Windows container image? Microsoft publishes the
// Windows bases under mcr.microsoft.com/windows/* (and once microsoft/windowsservercore,
// microsoft/nanoserver on Docker Hub), and the .NET, PowerShell and other images' Windows
// variants carry `nanoserver` / `windowsservercore` / `ltsc20xx` in their tags.
bool isWindowsImage(std::string_view image) {
  const auto [repository, tag] = repositoryAndTag(std::string(image));
  for (std::string_view prefix : {"mcr.microsoft.com/windows", "microsoft/windowsservercore", "microsoft/nanoserver"}) {
    if (text::startsWith(repository, prefix)) return true;
  }
  for (const auto& word : text::split(tag, '-')) {
    if (word == "nanoserver" || word == "windowsservercore" || word == "servercore" || text::startsWith(word, "ltsc20")) {
      return true;
    }
  }
  return false;
}

// The image the file ships (its last stage, followed back through earlier stages) is a
// Windows container: whatever a workflow or the defaults say, BuildKit can only build it as
// a windows/ platform, so nothing in it is judged against linux/arm64. Cheap to rule out:
// no Windows word in the text, no parse.
std::optional<DeclaredPlatforms> fromWindowsBase(const std::string& dockerfileText,
                                                 const std::function<const dockerfile::ParsedDockerfile*()>& parsed) {
  const std::string lowered = text::lower(dockerfileText);
  if (lowered.find("windows") == std::string::npos && lowered.find("nanoserver") == std::string::npos &&
      lowered.find("servercore") == std::string::npos && lowered.find("ltsc20") == std::string::npos) {
    return std::nullopt;
  }
  const dockerfile::ParsedDockerfile* file = parsed();
  if (!file) return std::nullopt;
  const dockerfile::Environment globalEnv = globalArgs(*file);
  std::map<std::string, std::string> baseOfStage;  // stage name -> its expanded base
  std::string lastBase;
  for (const auto& in : file->instructions) {
    if (in.command != "from" || in.args.empty()) continue;
    std::string base = text::lower(dockerfile::expandWord(in.args[0].value, globalEnv, file->escapeToken).value);
    if (auto it = baseOfStage.find(base); it != baseOfStage.end()) base = it->second;
    if (in.args.size() == 3) baseOfStage[text::lower(in.args[2].value)] = base;
    lastBase = base;
  }
  if (lastBase.empty() || !isWindowsImage(lastBase)) return std::nullopt;
  const bool arm64 = lastBase.find("arm64") != std::string::npos;
  return DeclaredPlatforms{{Platform{"windows", arm64 ? "arm64" : "amd64", ""}}, "the Windows base image " + lastBase};
}

// Every external base image (not an earlier stage, not scratch, not pinned with --platform)
// that names an architecture names the same one, and so does the shipped (last) stage's, when
// some other base names none. A multi-architecture builder (`FROM golang:alpine AS builder`
// that cross-compiles `GOARCH=arm`) beside a shipped stage `FROM arm32v6/alpine` makes an ARM
// image: what the image is, is its last stage's base (ewoutp/rpi_watchdog_go).
std::optional<DeclaredPlatforms> fromBaseImages(const dockerfile::ParsedDockerfile& file,
                                                const std::set<std::string>& argsPassedByBuilds) {
  const dockerfile::Environment globalEnv = globalArgs(file);
  // The same with the ARGs the project's builds pass left unknown: their defaults are not what
  // those builds get.
  const dockerfile::Environment unpassedEnv =
      globalArgs(file, [&](const std::string& name) { return argsPassedByBuilds.count(name) > 0; });
  std::map<std::string, std::optional<Platform>> stagePlatform;  // by stage name: its external base's
  // By stage name: the one platform the data says its base image (or an image or stage it
  // copies from) exists for. BuildKit builds every stage the shipped one copies from for the
  // target platform, so a stage of such a base, copied from, pins the build as a FROM of it
  // would: ZoeCMa/docker-alphafold ships ubuntu:noble with /lib/x86_64-linux-gnu copied out of
  // a stage FROM rocm/tensorflow (ROCm exists for x86-64 only; Part ZZZZZZZZZZZJ). Only the
  // data counts, not an architecture word: a `-amd64` tag is a single manifest that BuildKit
  // pulls for any target (a .NET SDK stage copied into a multi-arch runtime builds everywhere).
  std::map<std::string, std::optional<Platform>> stageDataPlatform;
  std::vector<std::optional<Platform>> stageDataPlatformByIndex;  // the same by `--from=<n>`
  std::optional<Platform> currentDataPlatform;
  std::string currentStage;
  bool inStage = false;
  std::vector<std::string> images, copiedImages;
  std::optional<Platform> platform, lastStage;
  bool unnamedBase = false;
  for (const auto& in : file.instructions) {
    // `COPY --from=<image>` (an image, not a stage): BuildKit resolves it for the target
    // platform as it does a stage's base (dockerfile2llb makes it an unregistered stage whose
    // platform is the target's), so an image the data says exists for one platform only pins
    // the build as a FROM of it would: 7error/docker-harbor copies Harbor v1.10.5's programs
    // (amd64 only) onto debian:buster (Part ZZZZZZZZZW). Only the data counts here, not an
    // architecture word: `COPY --from=multiarch/qemu-user-static:x86_64-aarch64` names the
    // machine that runs the emulator, not the image being built.
    if (in.command == "copy") {
      const auto* from = in.flag("from");
      if (!from || !from->hasValue()) continue;
      const std::string source = text::lower(from->value());
      std::optional<Platform> copiedStage;
      if (const auto named = stageDataPlatform.find(source); named != stageDataPlatform.end()) {
        copiedStage = named->second;
      } else if (!source.empty() && source.size() < 4 &&
                 std::all_of(source.begin(), source.end(), [](unsigned char c) { return std::isdigit(c); }) &&
                 std::stoul(source) < stageDataPlatformByIndex.size()) {
        copiedStage = stageDataPlatformByIndex[std::stoul(source)];
      }
      if (copiedStage) {
        if (currentDataPlatform && !sameArchitecture(*currentDataPlatform, *copiedStage)) return std::nullopt;
        currentDataPlatform = copiedStage;
        continue;
      }
      if (stagePlatform.count(source) || source.find('$') != std::string::npos ||
          std::all_of(source.begin(), source.end(), [](unsigned char c) { return std::isdigit(c); })) {
        continue;
      }
      const auto p = publishedForOnePlatform(source);
      if (!p) continue;
      if (platform && !sameArchitecture(*platform, *p)) return std::nullopt;
      platform = p;
      if (std::find(copiedImages.begin(), copiedImages.end(), from->value()) == copiedImages.end()) {
        copiedImages.push_back(from->value());
      }
      continue;
    }
    if (in.command != "from" || in.args.empty()) continue;
    if (inStage) {
      if (!currentStage.empty()) stageDataPlatform[currentStage] = currentDataPlatform;
      stageDataPlatformByIndex.push_back(currentDataPlatform);
    }
    inStage = true;
    currentStage = in.args.size() == 3 ? text::lower(in.args[2].value) : "";
    currentDataPlatform.reset();
    const auto expansion = dockerfile::expandWord(in.args[0].value, globalEnv, file.escapeToken);
    const std::string base = text::lower(expansion.value);
    const auto earlier = stagePlatform.find(base);
    std::optional<Platform> p;
    if (earlier != stagePlatform.end()) {
      p = earlier->second;
      if (const auto inherited = stageDataPlatform.find(base); inherited != stageDataPlatform.end()) {
        currentDataPlatform = inherited->second;
      }
    } else if (base != "scratch" && !in.flag("platform")) {
      if (base.empty()) return std::nullopt;  // could be any image
      if (!expansion.unset.empty()) {
        // `arm32v6/alpine:$alpine_version`: a variable with no default only in the tag (after
        // the ':' that follows the last '/') leaves the repository, which names the
        // architecture, as written. A variable anywhere in the name could be any image.
        const std::string& raw = in.args[0].value;
        const std::string literal = raw.substr(0, raw.find('$'));
        const size_t slash = literal.rfind('/');
        if (literal.find(':', slash == std::string::npos ? 0 : slash) == std::string::npos) return std::nullopt;
      }
      p = platformOfImageReference(base);
      if (!p) {
        unnamedBase = true;
      } else {
        if (platform && !sameArchitecture(*platform, *p)) return std::nullopt;
        // The architecture must be written in the FROM line: one that comes from an ARG default
        // (`busybox-${OS}-${ARCH}`, ARCH=amd64) is the default of a per-architecture build.
        // Unless the default, which no build of the project replaces, names an image its
        // publisher builds for one platform, or one named for one architecture's hardware
        // (`ARG BASE_IMAGE=docker.io/rocm/pytorch:...`, then `FROM ${BASE_IMAGE}`: no word of
        // the default says amd64, but the image exists for amd64 alone; spcl/HPCAgent-Bench's
        // MI300A image, Part ZZZZK).
        const bool fromPublisher = dockerfile::expandWord(in.args[0].value, unpassedEnv, file.escapeToken).unset.empty() &&
                                   (publishedForOnePlatform(base) == p || [&] {
                                     const auto hardware = hardwareOfImage(base);
                                     return hardware && hardware->second == *p;
                                   }());
        if (const auto literal = platformOfImageReference(text::lower(in.args[0].value));
            (!literal || !(*literal == *p)) && !fromPublisher) {
          return std::nullopt;
        }
        if (fromPublisher) currentDataPlatform = p;
        platform = p;
        // Shown as written when a variable in its tag has no value (`arm32v6/alpine:$alpine_version`).
        const std::string& shown = expansion.unset.empty() ? expansion.value : in.args[0].value;
        if (std::find(images.begin(), images.end(), shown) == images.end()) images.push_back(shown);
      }
    }
    if (in.args.size() == 3) stagePlatform[text::lower(in.args[2].value)] = p;
    lastStage = p;
  }
  // The shipped stage copies from a stage the data pins (see stageDataPlatform).
  const bool shipsPinnedStage = currentDataPlatform.has_value();
  if (unnamedBase && !lastStage && copiedImages.empty() && !shipsPinnedStage) return std::nullopt;
  if (!platform) return std::nullopt;
  // Say why when no word of the name does: the publisher builds these for one architecture.
  const bool publishedForOne = !copiedImages.empty() || std::any_of(images.begin(), images.end(), [](const std::string& image) {
    return publishedForOnePlatform(image).has_value();
  });
  std::string why = publishedForOne ? " (published for " + platform->str() + " only)" : "";
  for (const auto& image : images) {
    const auto hardware = why.empty() ? hardwareOfImage(text::lower(image)) : std::nullopt;
    if (hardware) why = " (" + hardware->first + " exists for " + platform->str() + " only)";
  }
  for (const auto& image : images) {
    const auto [repository, tag] = repositoryAndTag(text::lower(image));
    const auto release = why.empty() ? thirdPartyPreMultiArchRelease(repository, tag) : std::nullopt;
    if (release && text::startsWith(*release, "centos")) {
      why = " (" + std::string(*release) + ": CentOS 5 and 6 were released for x86 only)";
    } else if (release) {
      why = " (a third party's " + std::string(*release) +
            " image: a release that ended before images other than the official ones were published for more than "
            "one architecture)";
    }
  }
  std::string source;
  if (!images.empty()) source = (images.size() == 1 ? "the base image " : "the base images ") + text::join(images, ", ");
  if (!copiedImages.empty()) {
    source += std::string(images.empty() ? "" : " and ") + (copiedImages.size() == 1 ? "the image " : "the images ") +
              text::join(copiedImages, ", ") + " that COPY --from copies from";
  }
  return DeclaredPlatforms{{*platform}, source + why};
}

}  // namespace

const std::vector<BuildDeclaration>& DeclarationCache::declarations(const std::string& key,
                                                                    const std::function<std::vector<BuildDeclaration>()>& load) {
  if (auto it = declarations_.find(key); it != declarations_.end()) return it->second;
  return declarations_.emplace(key, load()).first->second;
}

const std::vector<fs::path>& DeclarationCache::listing(const fs::path& directory) {
  const std::string key = directory.string();
  if (auto it = listings_.find(key); it != listings_.end()) return it->second;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end && files.size() < 10 * kMaxFilesPerDirectory;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return listings_.emplace(key, std::move(files)).first->second;
}

const std::set<std::string>& DeclarationCache::buildArgs(const fs::path& file, const fs::path& root) {
  const std::string key = file.string();
  if (auto it = buildArgs_.find(key); it != buildArgs_.end()) return it->second;
  std::set<std::string> names;
  if (auto text = readDeclarationFile(file, root)) collectBuildArgNames(*text, names);
  return buildArgs_.emplace(key, std::move(names)).first->second;
}

namespace {

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifier at `i` (after optional quotes), when it is followed by `=` or `:`: the key
// of `NAME=value`, `NAME: value`, `"NAME" = value`.
std::string keyAt(std::string_view line, size_t i) {
  while (i < line.size() && (line[i] == '"' || line[i] == '\'')) ++i;
  if (i >= line.size() || !isNameStart(line[i])) return {};
  size_t end = i;
  while (end < line.size() && isNameChar(line[end])) ++end;
  size_t j = end;
  while (j < line.size() && (line[j] == '"' || line[j] == '\'' || line[j] == ' ' || line[j] == '\t')) ++j;
  if (j >= line.size() || (line[j] != '=' && line[j] != ':')) return {};
  return std::string(line.substr(i, end - i));
}

size_t indentOf(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

// `build-args:`, `build_args:`, `args:` (YAML; with `|`, `>` or an inline first pair) at the
// start of a line: the more indented lines after it are NAME=value / NAME: value keys.
bool yamlArgsBlockAt(std::string_view trimmed, std::string& inlinePair) {
  for (std::string_view key : {"build-args", "build_args", "buildArgs", "args"}) {
    if (!text::startsWith(trimmed, key)) continue;
    std::string_view rest = trimmed.substr(key.size());
    size_t i = 0;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || rest[i] != ':' || rest.find('{', i) != std::string_view::npos) return false;
    ++i;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '|' || rest[i] == '>' || rest[i] == '-')) ++i;
    inlinePair = std::string(rest.substr(i));
    return true;
  }
  return false;
}

// Where `args = {` / `"args": {` opens a map in `line` (bake HCL or JSON, also mid-line as in
// `target "b" { args = { A = "1" } }`): the offset just after its `{`, or npos.
size_t bracedArgsAt(std::string_view line, size_t from) {
  for (size_t at = line.find("args", from); at != std::string_view::npos; at = line.find("args", at + 1)) {
    if (at > 0 && isNameChar(line[at - 1])) continue;
    size_t i = at + 4;
    if (i < line.size() && line[i] == '"') ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || (line[i] != '=' && line[i] != ':')) continue;
    ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '{') return i + 1;
  }
  return std::string_view::npos;
}

// The keys of a braced map from `begin` to its `}` (or the line's end); true when it closed.
bool bracedKeys(std::string_view line, size_t begin, std::set<std::string>& names) {
  const size_t close = line.find('}', begin);
  const std::string_view inside = line.substr(begin, close == std::string_view::npos ? std::string_view::npos : close - begin);
  for (size_t i = 0; i < inside.size(); ++i) {
    const bool atItem = i == 0 || inside[i - 1] == ' ' || inside[i - 1] == ',' || inside[i - 1] == '\t';
    if (atItem && (isNameStart(inside[i]) || inside[i] == '"')) {
      if (auto key = keyAt(inside, i); !key.empty()) names.insert(key);
    }
  }
  return close != std::string_view::npos;
}

}  // namespace

void collectBuildArgNames(const std::string& text, std::set<std::string>& names) {
  bool inYamlBlock = false, inBraces = false;
  size_t blockIndent = 0;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    const size_t indent = indentOf(line);
    std::string_view trimmed = line.substr(indent);
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.remove_suffix(1);
    if (trimmed.empty()) continue;
    if (inBraces) {  // a multi-line `args = {` map: up to its `}`
      inBraces = !bracedKeys(trimmed, 0, names);
      continue;
    }
    if (inYamlBlock && indent <= blockIndent) inYamlBlock = false;
    if (inYamlBlock) {  // one key per line: `- NAME=v`, `NAME: v`, `NAME=v`
      size_t i = 0;
      if (trimmed[0] == '-') i = std::min(trimmed.size(), indentOf(trimmed.substr(1)) + 1);
      if (auto key = keyAt(trimmed, i); !key.empty()) names.insert(key);
      continue;
    }
    // `--build-arg NAME=v`, `--build-arg=NAME`, `--build-arg "NAME=v"`, bake's `--set t.args.NAME=v`.
    for (size_t at = line.find("--build-arg"); at != std::string_view::npos; at = line.find("--build-arg", at + 1)) {
      size_t i = at + std::string_view("--build-arg").size();
      if (i < line.size() && line[i] == 's') continue;  // --build-args is another tool's flag
      while (i < line.size() && (line[i] == '=' || line[i] == ' ' || line[i] == '\t' || line[i] == '"' || line[i] == '\'')) ++i;
      size_t e = i;
      while (e < line.size() && isNameChar(line[e])) ++e;
      if (e > i && isNameStart(line[i])) names.insert(std::string(line.substr(i, e - i)));
    }
    for (size_t at = line.find(".args."); at != std::string_view::npos; at = line.find(".args.", at + 1)) {
      if (auto key = keyAt(line, at + 6); !key.empty()) names.insert(key);
    }
    for (size_t open = bracedArgsAt(trimmed, 0); open != std::string_view::npos; open = bracedArgsAt(trimmed, open)) {
      if (!bracedKeys(trimmed, open, names)) {
        inBraces = true;
        break;
      }
    }
    if (inBraces) continue;
    std::string inlinePair;
    if (!yamlArgsBlockAt(trimmed, inlinePair)) continue;
    inYamlBlock = true;
    blockIndent = indent;
    // `build-args: NAME=v` on the same line.
    if (auto key = keyAt(inlinePair, 0); !key.empty() && key.size() < inlinePair.size() && inlinePair[key.size()] == '=') {
      names.insert(key);
    }
  }
}

namespace {

// Is this directory a Home Assistant add-on's? Its `config.yaml` (`.yml`, `.json`) names the
// add-on's `slug` and the `arch` list it is built for, and an optional `build.yaml` the
// `build_from` base per architecture. The Supervisor and home-assistant/builder build the
// Dockerfile beside them once per architecture with `--build-arg BUILD_FROM=<base>
// BUILD_VERSION=<version> BUILD_ARCH=<arch>` (supervisor/addons/build.py), so the defaults of
// those ARGs in the Dockerfile are never what an add-on build uses.
bool isHomeAssistantAddon(const fs::path& directory, const fs::path& root, DeclarationCache& cache) {
  const auto hasKey = [](const std::string& text, std::string_view key) {
    for (const auto& line : text::split(text, '\n')) {
      std::string_view l = line;
      const bool quoted = !l.empty() && l.front() == '"';
      if (quoted) l.remove_prefix(1);
      if (!text::startsWith(l, key)) continue;
      l.remove_prefix(key.size());
      if (quoted && !l.empty() && l.front() == '"') l.remove_prefix(1);
      else if (quoted) continue;
      while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
      if (!l.empty() && l.front() == ':') return true;
    }
    return false;
  };
  for (const auto& file : cache.listing(directory)) {
    const std::string name = file.filename().string();
    const bool config = name == "config.yaml" || name == "config.yml" || name == "config.json";
    const bool build = name == "build.yaml" || name == "build.yml" || name == "build.json";
    if (!config && !build) continue;
    // JSON files hold the keys indented inside one object; YAML ones at the start of a line.
    auto text = readDeclarationFile(file, root);
    if (!text) continue;
    std::string flat;
    for (const auto& line : text::split(*text, '\n')) flat += std::string(text::trim(line)) + "\n";
    const std::string& keys = text::endsWith(name, ".json") ? flat : *text;
    if (config && hasKey(keys, "slug") && hasKey(keys, "arch")) return true;
    if (build && hasKey(keys, "build_from")) return true;
  }
  return false;
}

}  // namespace

std::set<std::string> buildArgsPassed(const fs::path& dockerfilePath, DeclarationCache& cache) {
  const fs::path dockerfile = absoluteNormal(dockerfilePath);
  const fs::path root = repositoryRoot(dockerfile);
  std::vector<fs::path> directories{root,
                                    root / ".github" / "workflows",
                                    root / ".azure-pipelines",
                                    root / ".pipelines",
                                    root / "scripts",
                                    root / "hack",
                                    root / "build",
                                    root / "ci"};
  for (fs::path directory = dockerfile.parent_path(); directory != root && isWithin(directory, root);
       directory = directory.parent_path()) {
    directories.push_back(directory);
  }
  auto declares = [](const std::string& name) {
    return text::endsWith(name, ".yml") || text::endsWith(name, ".yaml") || text::endsWith(name, ".hcl") ||
           text::endsWith(name, ".json") || text::endsWith(name, ".sh") || isMakefileName(name) || name == "Jenkinsfile";
  };
  std::set<std::string> names;
  for (const auto& directory : directories) {
    size_t read = 0;
    for (const auto& file : cache.listing(directory)) {
      if (read >= kMaxFilesPerDirectory) break;
      if (!declares(file.filename().string())) continue;
      ++read;
      const auto& found = cache.buildArgs(file, root);
      names.insert(found.begin(), found.end());
    }
  }
  if (isHomeAssistantAddon(dockerfile.parent_path(), root, cache)) names.insert({"BUILD_FROM", "BUILD_VERSION", "BUILD_ARCH"});
  // Rancher's dapper builds `Dockerfile.dapper` (its default file) with a --build-arg for each
  // ARG it declares whose name is set in the environment, and always for DAPPER_HOST_ARCH, set
  // to the host's GOARCH when the environment has none (rancher/dapper file/file.go,
  // argsFromEnv): `ARG DAPPER_HOST_ARCH=amd64` is the default of a value every build replaces
  // with the architecture it builds on (rancher/strato's Dockerfile.dapper).
  if (text::lower(dockerfile.filename().string()) == "dockerfile.dapper") names.insert("DAPPER_HOST_ARCH");
  return names;
}

bool buildsWithGoreleaserDockers(const fs::path& dockerfilePath, DeclarationCache& cache) {
  const fs::path dockerfile = absoluteNormal(dockerfilePath);
  const fs::path root = repositoryRoot(dockerfile);
  for (const fs::path& directory : {root, dockerfile.parent_path()}) {
    for (const auto& file : cache.listing(directory)) {
      const std::string name = file.filename().string();
      if (!text::startsWith(name, ".goreleaser") && !text::startsWith(name, "goreleaser")) continue;
      if (!text::endsWith(name, ".yml") && !text::endsWith(name, ".yaml")) continue;
      const auto text = readDeclarationFile(file, root);
      if (!text) continue;
      // `dockers:` or `dockers_v2:` as a key at the start of a line (v2 contexts are laid out
      // by platform too: `$TARGETPLATFORM/app`).
      for (const auto& line : text::split(*text, '\n')) {
        if (text::startsWith(line, "dockers:") || text::startsWith(line, "dockers_v2:")) return true;
      }
    }
  }
  return false;
}

// One component of a declared path: written out, or holding kAnyDirectory runs that match any
// characters of one component (`base-\x04.Dockerfile` matches `base-lite.Dockerfile`), through
// the shell-pattern automaton with every written character escaped.
bool componentMatches(const std::string& pattern, const std::string& component) {
  if (pattern.find(kAnyDirectory) == std::string::npos) return pattern == component;
  std::string shellPattern;
  for (const char c : pattern) {
    if (c == kAnyDirectory) {
      shellPattern += '*';
    } else {
      shellPattern += '\\';
      shellPattern += c;
    }
  }
  return glob::compileShellPattern(shellPattern, true).matches(component);
}

namespace {
// Components [p, pEnd) against [d, dEnd); a kAnyDirectories component takes one or more.
bool componentsMatch(fs::path::const_iterator p, fs::path::const_iterator pEnd, fs::path::const_iterator d,
                     fs::path::const_iterator dEnd) {
  for (; p != pEnd; ++p, ++d) {
    if (p->string() == std::string(1, kAnyDirectories)) {
      if (d == dEnd) return false;
      for (auto rest = std::next(d); rest != dEnd; ++rest) {
        if (componentsMatch(std::next(p), pEnd, rest, dEnd)) return true;
      }
      return false;
    }
    if (d == dEnd || !componentMatches(p->string(), d->string())) return false;
  }
  return d == dEnd;
}
}  // namespace

bool declaredPathMatches(const fs::path& pattern, const fs::path& dockerfile) {
  if (pattern == dockerfile) return true;
  if (!isPathPattern(pattern.string())) return false;
  return componentsMatch(pattern.begin(), pattern.end(), dockerfile.begin(), dockerfile.end());
}

std::optional<DeclaredPlatforms> findDeclaredPlatformsAt(const fs::path& dockerfile, const std::string& dockerfileText,
                                                         DeclarationCache& cache, int depth, int& baseFilesLeft);

namespace {

// The project's own base image: `FROM tibtra:5.10.0` where the repository's tibtra/Dockerfile
// builds it, itself FROM the project's tibrv image, which installs TIBCO's x86-only packages
// (mikeschippers/docker-tibco, Part KW); `FROM asuri/ctf-xinetd` in the ctf-xinetd repository,
// whose root Dockerfile is on an amd64-only base. An image built for one platform exists for
// that one alone, so BuildKit cannot resolve the FROM for any other target: the file is built
// for that platform too. Resolved only by the image's last name component, as a directory of
// the repository root holding a Dockerfile (or the root itself when the repository has that
// name), never for a Docker Official Image's name, and taken only when that Dockerfile is
// declared for exactly one platform by something stronger than a plain build's runner.
std::optional<DeclaredPlatforms> fromProjectBaseImages(const fs::path& dockerfile, const fs::path& root,
                                                       const dockerfile::ParsedDockerfile& file, DeclarationCache& cache,
                                                       int depth, int& baseFilesLeft) {
  constexpr int kMaxDepth = 4;
  if (depth >= kMaxDepth) return std::nullopt;
  std::set<std::string> stageNames;
  std::optional<DeclaredPlatforms> found;
  for (const auto& in : file.instructions) {
    if (in.command != "from" || in.args.empty()) continue;
    const std::string image = text::lower(in.args[0].value);
    const bool earlierStage = stageNames.count(image) > 0;
    if (in.args.size() == 3) stageNames.insert(text::lower(in.args[2].value));
    if (earlierStage || image.find('$') != std::string::npos || image == "scratch" || in.flag("platform")) continue;
    const auto [repository, tag] = repositoryAndTag(image);
    const size_t slash = repository.find('/');
    // A registry host (`ghcr.io/...`, `localhost:5000/...`) or library/: not resolved here.
    if (slash != std::string::npos) {
      const std::string first = repository.substr(0, slash);
      if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "library") continue;
    }
    const std::string name = repository.substr(slash == std::string::npos ? 0 : repository.rfind('/') + 1);
    // A Docker Official Image's name (those in data/official-x86-only-tags.txt: most of them, every
    // one older than 2017) is that image: a directory `node/` or `python/` in a project holds the
    // project's own image of something else, not the base the FROM names.
    if (name.empty() || name == "." || name == ".." || (slash == std::string::npos && officialX86OnlyTags(name))) continue;
    std::vector<fs::path> candidates{root / name / "Dockerfile"};
    if (text::lower(root.filename().string()) == name) candidates.push_back(root / "Dockerfile");
    for (const auto& candidate : candidates) {
      if (absoluteNormal(candidate) == dockerfile) continue;
      // A bound on the whole walk, not only its depth: a file of many stages, each FROM another
      // such file, would otherwise be read a number of times that grows with the depth's power.
      if (baseFilesLeft <= 0) return std::nullopt;
      const auto text = readDeclarationFile(candidate, root);
      if (!text) continue;
      --baseFilesLeft;
      const auto declared = findDeclaredPlatformsAt(candidate, *text, cache, depth + 1, baseFilesLeft);
      if (!declared || declared->platforms.size() != 1 || declared->onlyMachineDefaults || declared->forBuildMachine ||
          declared->shipsNoImage || !declared->platformsByTargetStage.empty()) {
        continue;
      }
      const Platform& platform = declared->platforms.front();
      if (found && !(found->platforms.front() == platform)) return std::nullopt;
      if (!found) {
        found = DeclaredPlatforms{{platform},
                                  "the project's own base image " + in.args[0].value + " (" + displayPath(candidate, root) +
                                      ", for " + platform.str() + " by " + declared->source + ")"};
      }
      break;
    }
  }
  return found;
}

}  // namespace

fs::path repositoryRoot(const fs::path& dockerfile) {
  const fs::path file = absoluteNormal(dockerfile);
  std::error_code ec;
  for (fs::path directory = file.parent_path();; directory = directory.parent_path()) {
    if (fs::exists(directory / ".git", ec)) return directory;
    if (directory == directory.parent_path()) break;
  }
  fs::path cwd = absoluteNormal(fs::current_path(ec));
  if (!ec && isWithin(file, cwd)) return cwd;
  return file.parent_path();
}

// A component of the repository path (not the last, which is read above) that names a platform
// as an operating system and an architecture together: SAS's registry publishes its Viya 4
// images under `cr.sas.com/viya-4-x64_oci_linux_2-docker/` (verily-src/
// workbench-app-devcontainers' aou-sas image, Part ZZZJ). An architecture word alone in a
// middle component is too often something else; beside `linux` it is the platform.
std::optional<Platform> platformNamedInPathComponent(const std::string& repository) {
  std::optional<Platform> found;
  const auto components = text::split(repository, '/');
  for (size_t i = 0; i + 1 < components.size(); ++i) {
    std::string component = components[i];
    std::replace(component.begin(), component.end(), '-', '_');
    const auto words = text::split(component, '_');
    if (std::find(words.begin(), words.end(), "linux") == words.end()) continue;
    for (const auto& token : vocab::findArchTokens(components[i])) {
      if (found && !sameArchitecture(*found, token.platform)) return std::nullopt;
      found = token.platform;
    }
  }
  return found;
}

std::optional<Platform> platformOfImageReference(const std::string& image) {
  const auto [repository, tag] = repositoryAndTag(image);
  if (const size_t slash = repository.find('/'); slash != std::string::npos) {
    if (auto p = archNamespace(repository.substr(0, slash))) return p;
  }
  if (auto p = publishedForOnePlatform(repository, tag)) return p;
  // The tag's first or last part (`1.2-arm64`, `arm64v8-1.2`), or the repository's last
  // part (`pause-amd64`): words elsewhere are too often something else.
  std::vector<std::string> words;
  auto edges = [&](const std::string& s, char separator) {
    const auto parts = text::split(s, separator);
    if (parts.size() >= 2) {
      words.push_back(parts.front());
      words.push_back(parts.back());
    } else if (parts.size() == 1 && separator == '-') {
      words.push_back(parts.front());
    }
  };
  // A tag that is a target triple (`x86_64-musl`, `aarch64-unknown-linux-gnu`) names what a
  // cross toolchain image compiles for, not the platform it runs on: messense/rust-musl-cross
  // publishes x86_64-musl for amd64 and arm64 hosts alike, so it says nothing of the file's
  // platforms. (dotenv-linter/dotenv-linter Dockerfile before 719f636's fix: the builder FROM
  // messense/rust-musl-cross:x86_64-musl made the file read as amd64-only, and its x86-64
  // binary in the arm64 image went unreported.)
  // So does a tag that says `cross` before its architecture (ossrs/srs's
  // `ubuntu20-cache-cross-aarch64`, an x86-64 image holding an aarch64 cross toolchain).
  const bool tripleTag = tag.find("-musl") != std::string::npos || tag.find("-gnu") != std::string::npos ||
                         tag.find("-unknown-linux") != std::string::npos || tag.find("cross-") != std::string::npos;
  if (!tripleTag) {
    edges(tag, '-');
    // ... or joined by '_' (`bullseye_amd64`, ich777's per-architecture base tags), as MA103
    // reads them; an architecture with its own '_' (`x86_64`) is one token.
    for (const auto& token : vocab::findArchTokens(tag)) {
      const bool atStart = token.begin == 0 && token.end < tag.size() && tag[token.end] == '_';
      const bool atEnd = token.end == tag.size() && token.begin > 0 && tag[token.begin - 1] == '_';
      if (atStart || atEnd) words.push_back(tag.substr(token.begin, token.end - token.begin));
    }
  }
  const std::string lastComponent = repository.substr(repository.rfind('/') == std::string::npos ? 0 : repository.rfind('/') + 1);
  if (auto p = wheelMachineSuffix(lastComponent)) return p;
  const auto parts = text::split(lastComponent, '-');
  if (parts.size() >= 2) words.push_back(parts.back());
  // balena's base images name their architecture first (`balenalib/armv7hf-debian`,
  // `resin/aarch64-alpine`; their device images, `balenalib/raspberrypi3-debian`, are data):
  // https://docs.balena.io/reference/base-images/base-images/, "<arch>-<distro>". Only there:
  // elsewhere a first word is as often a cross target (`arm-none-eabi`). balena's `rpi` is the
  // Raspberry Pi 1 and Zero, ARMv6; `generic-armv7ahf` a device named for its architecture.
  const std::string owner = repository.substr(0, repository.find('/'));
  if (owner == "balenalib" || owner == "resin") {
    // Their other words are devices, distributions and stacks, never architectures.
    static const std::pair<std::string_view, Platform> kBalenaArchitectures[] = {
        {"rpi", {"linux", "arm", "v6"}},      {"armv5e", {"linux", "arm", "v5"}}, {"armv7hf", {"linux", "arm", "v7"}},
        {"armv7ahf", {"linux", "arm", "v7"}}, {"armhf", {"linux", "arm", "v7"}},  {"aarch64", {"linux", "arm64", ""}},
        {"amd64", {"linux", "amd64", ""}},    {"i386", {"linux", "386", ""}},     {"i386-nlp", {"linux", "386", ""}}};
    for (const auto& part : parts) {
      for (const auto& [name, platform] : kBalenaArchitectures) {
        if (part == name) return platform;
      }
    }
  }
  std::optional<Platform> found;
  for (const auto& word : words) {
    const auto p = singleArchitectureIn(word, true);
    if (!p) continue;
    if (found && !sameArchitecture(*found, *p)) return std::nullopt;
    found = p;
  }
  if (found) return found;
  if (auto p = platformNamedInPathComponent(repository)) return p;
  if (auto hardware = hardwareOfImage(image)) return hardware->second;
  if (isThirdPartyPreMultiArchRelease(repository, tag)) return Platform{"linux", "amd64", ""};
  return std::nullopt;
}

// A variant directory of a family the project builds for one platform: theohbrothers/docker-packer's
// variants/1.7.7-sops-ubuntu-16.04/Dockerfile, which no workflow builds any more, beside the
// variants its workflow builds, every one `platforms: linux/amd64` (Part ZZZZZZZJ). The
// directories beside this file's (never the repository's top level, whose directories are
// often unrelated images) that hold a file of the same name are its family; when two or more of
// them are declared by the project's own build files (bake, compose, workflows that name a
// platform, Makefiles, scripts), every one for the same single platform, and none for another,
// this file is that family's too. Weaker than anything that names the file itself: read after
// a plain build on a runner, which names its machine.
std::optional<DeclaredPlatforms> fromSiblingVariants(const fs::path& dockerfile, const fs::path& root, DeclarationCache& cache) {
  constexpr size_t kMaxSiblings = 64;
  const fs::path directory = dockerfile.parent_path();
  const fs::path family = directory.parent_path();
  if (family == directory || family == root || !isWithin(family, root)) return std::nullopt;
  std::optional<Platform> shared;
  std::string firstSource;
  size_t declaredSiblings = 0, looked = 0;
  std::error_code ec;
  for (fs::directory_iterator it(family, ec), end; !ec && it != end && looked < kMaxSiblings; it.increment(ec)) {
    if (!it->is_directory(ec) || it->path() == directory) continue;
    const fs::path sibling = absoluteNormal(it->path() / dockerfile.filename());
    if (!fs::is_regular_file(sibling, ec)) continue;
    ++looked;
    const Search search{sibling, root, cache};
    std::optional<DeclaredPlatforms> found;
    for (const auto& read : {&Search::bake, &Search::compose, &Search::workflows, &Search::azurePipelines, &Search::cloudBuild,
                             &Search::hostedCi, &Search::makefiles, &Search::scripts}) {
      found = (search.*read)();
      if (found && !found->onlyMachineDefaults && !found->forBuildMachine && !found->shipsNoImage) break;
      found.reset();
    }
    if (!found) continue;
    if (found->platforms.size() != 1 || (shared && !(*shared == found->platforms.front()))) return std::nullopt;
    shared = found->platforms.front();
    if (firstSource.empty()) firstSource = displayPath(sibling, root) + " by " + found->source;
    ++declaredSiblings;
  }
  if (declaredSiblings < 2) return std::nullopt;
  return DeclaredPlatforms{{*shared},
                           "its sibling variants, " + std::to_string(declaredSiblings) + " of them built for " + shared->str() +
                               " only (" + firstSource + ")"};
}

std::optional<DeclaredPlatforms> findDeclaredPlatforms(const fs::path& dockerfile, const std::string& dockerfileText,
                                                       DeclarationCache& cache) {
  int baseFilesLeft = 16;  // the project's own base images read for one file (fromProjectBaseImages)
  return findDeclaredPlatformsAt(dockerfile, dockerfileText, cache, 0, baseFilesLeft);
}

// `depth` counts the project base images followed to get here (fromProjectBaseImages).
std::optional<DeclaredPlatforms> findDeclaredPlatformsAt(const fs::path& dockerfile, const std::string& dockerfileText,
                                                         DeclarationCache& cache, int depth, int& baseFilesLeft) {
  const Search search{absoluteNormal(dockerfile), repositoryRoot(dockerfile), cache};
  // The Dockerfile's own pins and base images: parsed once, and only when asked (a
  // million-line file was parsed twice here).
  std::optional<dockerfile::ParseResult> parsed;
  auto parsedFile = [&]() -> const dockerfile::ParsedDockerfile* {
    if (!parsed) parsed = dockerfile::parse(SourceText(dockerfile.string(), dockerfileText));
    return parsed->dockerfile ? &*parsed->dockerfile : nullptr;
  };
  if (auto found = fromWindowsBase(dockerfileText, parsedFile)) return found;
  // A file that bake builds only for checks or file exports (`output = ["type=cacheonly"]`) is
  // said so unless another declaration builds an image of it.
  std::optional<DeclaredPlatforms> checksOnly;
  if (auto found = search.bake()) {
    if (!found->shipsNoImage) return found;
    checksOnly = std::move(found);
  }
  if (auto found = search.compose()) return found;
  // A build that names no platform is for its machine's, unless the file fixes another:
  // meeDamian/simple-qemu's workflow builds `FROM arm32v6/alpine` plainly on ubuntu-latest,
  // and BuildKit makes an arm32v6 image of it.
  std::optional<DeclaredPlatforms> machineDefault;
  for (const auto& read : {&Search::workflows, &Search::azurePipelines, &Search::cloudBuild, &Search::hostedCi}) {
    auto found = (search.*read)();
    if (!found) continue;
    if (!found->onlyMachineDefaults) return found;
    if (!machineDefault) machineDefault = std::move(found);
  }
  if (auto found = search.makefiles()) return found;
  if (auto found = search.scripts()) return found;
  // A plain build of it on a runner makes an image: then it is not only checks.
  if (checksOnly && !machineDefault) return checksOnly;
  // Before the directory names: a cross toolchain's directory names its target, not its
  // platform. A file named for an architecture (`Dockerfile.aarch64`) or for a family
  // (`arm.Dockerfile`, kylape/stackrox-tekton's ARM dev image with an aarch64 gcc) still says its own.
  if (const auto* file = parsedFile(); file && !singleArchitectureIn(search.dockerfile.filename().string(), false) &&
                                       !architectureFamilyIn(search.dockerfile.filename().string())) {
    if (auto found = fromCrossToolchainImage(*file, search.dockerfile.parent_path().lexically_relative(search.root))) {
      return found;
    }
  }
  if (auto found = fromFileName(search.dockerfile, search.root)) return found;
  if (auto found = fromDockerHubHooks(search.dockerfile, search.root)) return found;
  if (auto found = fromDockerHubAutotest(search.dockerfile, search.root)) return found;
  if (auto found = fromFlyApp(search.dockerfile, search.root)) return found;
  if (auto found = fromHerokuApp(search.dockerfile, search.root)) return found;
  if (auto found = fromServerlessApp(search.dockerfile, search.root)) return found;
  auto fromContent = [&]() -> std::optional<DeclaredPlatforms> {
    const dockerfile::ParsedDockerfile* file = parsedFile();
    if (!file) return std::nullopt;
    const auto passed = buildArgsPassed(search.dockerfile, cache);
    if (auto pinned = fromPlatformFlags(*file, passed)) return pinned;
    if (auto rootfs = fromScratchRootFileSystem(*file)) return rootfs;
    return fromBaseImages(*file, passed);
  };
  if (auto found = fromFamilyName(search.dockerfile, search.root, fromContent)) return found;
  if (auto found = fromSiblings(dockerfile)) return found;
  if (auto found = fromContent()) return found;
  if (auto found = fromOneArchitectureProduct(dockerfileText)) return found;
  if (const auto* file = parsedFile()) {
    if (auto found = fromServedX86Program(*file)) return found;
    if (auto found = fromX86ExploitationWorkspace(*file)) return found;
  }
  if (const auto* file = parsedFile()) {
    if (auto found = fromProjectBaseImages(search.dockerfile, search.root, *file, cache, depth, baseFilesLeft)) return found;
  }
  if (machineDefault) return machineDefault;
  if (auto found = fromSiblingVariants(search.dockerfile, search.root, cache)) return found;
  if (auto found = fromRepositoryName(search.root)) return found;
  if (const auto* file = parsedFile()) {
    if (auto found = fromDeviceArchitectureContent(*file, dockerfileText)) return found;
  }
  return search.forBuildMachine();
}

std::optional<DeclaredPlatforms> findDeclaredPlatforms(const fs::path& dockerfile, const std::string& dockerfileText) {
  DeclarationCache cache;
  return findDeclaredPlatforms(dockerfile, dockerfileText, cache);
}

}  // namespace mal::context
