// MA110: a download whose URL names one architecture, with nothing that varies it.
// The central idea of the catalogue (RULES.md): the same URL is correct inside a switch
// on an architecture probe, or when an arch variable builds it.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

bool isDownloader(const shell::Command& command) {
  static const std::set<std::string> kDownloaders = {"curl", "wget", "aria2c", "axel", "fetch"};
  const std::string name = command.name();
  if (kDownloaders.count(name)) return true;
  if (name == "git" && command.words.size() > 1) {
    const std::string& sub = command.words[1].literal;
    return sub == "clone" || sub == "fetch" || sub == "pull";
  }
  return false;
}

// The asset a URL names, without quotes, without the signature or checksum suffix, and
// without its file extension: the `.asc`, `.sig` or `.sha256` fetched next to a tarball or a
// package (tool.tar.gz.sha256, pkg_amd64.sig beside pkg_amd64.apk) is the same download, and
// gets no finding of its own.
// The signature or checksum suffix a URL ends with (quotes ignored), or empty.
std::string_view signatureSuffix(std::string_view url) {
  while (!url.empty() && (url.back() == '"' || url.back() == '\'')) url.remove_suffix(1);
  for (std::string_view suffix : {".asc", ".sig", ".minisig", ".sha256", ".sha256sum", ".sha512", ".sha512sum", ".sha1", ".md5",
                                  ".pem", ".intoto.jsonl", ".sbom", ".cert"}) {
    if (text::endsWith(url, suffix)) return suffix;
  }
  return {};
}

bool isSignature(std::string_view url) { return !signatureSuffix(url).empty(); }

std::string assetOf(std::string_view url) {
  std::string asset(url);
  std::erase_if(asset, [](char c) { return c == '"' || c == '\''; });
  asset.resize(asset.size() - signatureSuffix(asset).size());
  const size_t slash = asset.rfind('/');
  const size_t dot = asset.find('.', slash == std::string::npos ? 0 : slash + 1);
  if (dot != std::string::npos) asset.resize(dot);
  return asset;
}

// Downloads whose architecture token is not the image's: an asset for another OS (a
// darwin/windows build kept as a release file), or a cross toolchain, whose name carries its
// target (aarch64-linux-musl-cross.tgz runs on the build machine and compiles for aarch64).
// Only the path says what the file is: the host does not (Azure Blob Storage serves
// Microsoft's Linux downloads from `*.blob.core.windows.net`: dotnetcli's SDK tarballs,
// sqlpackage-linux-x64-latest.zip in diginc/docker-sqlpackage, precision Part T).
bool namesAnotherOsOrCrossTarget(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    const size_t path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  const std::string lowered = text::lower(url);
  // A bare-metal or cross target triple (`gcc-arm-10.2-2020.11-x86_64-aarch64-none-elf`,
  // `gcc-arm-none-eabi-10.3-x86_64-linux`) names a cross compiler, whose host architecture is
  // the build host's choice, as "toolchain" does (YuseiIto/aarch64build-docker).
  // Haiku's and the BSDs' packages (`hpkg.haiku-os.org/haiku/master/x86_64/`) are the sysroot of
  // a cross compiler for that system, not programs for the image (wischner/docker-toolchains'
  // gcc-x86_64-haiku, Part ZZZZZZZC).
  for (std::string_view word :
       {"darwin",     "windows",   "win64",      "win32",          "mswin",     "macos",          "osx",
        "freebsd",    "netbsd",    "openbsd",    "haiku",          "solaris",   "illumos",        ".exe",
        ".msi",       ".dmg",      "-cross",     "cross-",         "toolchain", "-linux-gnu-gcc", "rustup",
        "/rust-std-", "-none-elf", "-none-eabi", "-none-linux-gnu"}) {
    if (lowered.find(word) != std::string::npos) return true;
  }
  return false;
}

// The last path segment of a URL as written in a RUN (closing quotes, query and fragment
// dropped), in lower case: what the judgements below of a URL's file look at.
std::string lastSegmentLowered(std::string_view url) {
  while (!url.empty() && (url.back() == '"' || url.back() == '\'')) url.remove_suffix(1);
  url = url.substr(0, url.find_first_of("?#"));
  const size_t slash = url.rfind('/');
  return text::lower(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

// A package repository's index (Alpine's `main/x86_64/APKINDEX.tar.gz`, Debian's
// `binary-amd64/Packages.gz`, `Release`, RPM's `repodata/repomd.xml`): text that lists the
// packages of one architecture, fetched to read a version or a file name from it. Nothing of it
// runs, and the same version string is in every architecture's index, so which one is read does
// not change the image; a package later fetched by a name read from it is judged at that fetch.
bool isPackageIndex(std::string_view url) {
  const std::string name = lastSegmentLowered(url);
  static const std::set<std::string> kIndexes = {"apkindex.tar.gz", "packages",       "packages.gz", "packages.xz",
                                                 "packages.bz2",    "release",        "inrelease",   "repomd.xml",
                                                 "primary.xml.gz",  "primary.xml.zst"};
  return kIndexes.count(name) > 0 || text::endsWith(name, "-primary.xml.gz") || text::endsWith(name, "-primary.xml.zst");
}

// A public key (`SALT-PROJECT-GPG-PUBKEY-2023.gpg`, `repo.key`, `RPM-GPG-KEY-x`): the same
// bytes whatever the machine, so fetching it from a repository's per-architecture path
// (supabase/postgres fetches the Salt key from .../20.04/arm64/ and .../20.04/amd64/) is not
// an architecture's build. Judged on the URL's last path segment only.
bool namesPublicKey(std::string_view url) {
  const std::string name = lastSegmentLowered(url);
  for (std::string_view suffix : {".gpg", ".pub", ".key", ".pgp", ".gpg.key"}) {
    if (text::endsWith(name, suffix)) return true;
  }
  for (std::string_view word : {"gpg-key", "gpgkey", "pubkey", "public-key", "publickey", "keyring.gpg"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

// An apt preferences file (`cuda-ubuntu2004.pin`, which the CUDA install guide has moved to
// /etc/apt/preferences.d/cuda-repository-pin-600): three lines of text that rank a repository,
// the same bytes in NVIDIA's x86_64/ and sbsa/ directories. What breaks another platform is the
// repository it ranks, which MA112 reports where it is written (MarvellServer/ThunderX-HPC-
// Containers, Part BA, fetches the x86_64/ one for its arm64 image).
bool namesAptPreferences(std::string_view url) {
  const std::string name = lastSegmentLowered(url);
  return text::endsWith(name, ".pin") || text::startsWith(name, "cuda-repository-pin");
}

// A package built for no architecture (`python3-magic-5.33-20.el8.noarch.rpm` from AlmaLinux's
// aarch64/ tree, ralle123/docker-trino-minio, Part ZZZZZZZZZK; Debian's `_all.deb`): the same
// bytes in every architecture's directory. Not a package that sets up a repository (a keyring,
// `-release`, `-repo`, `apt-config`, `amdgpu-install`): NVIDIA's cuda-keyring_all.deb from the
// x86_64/ directory writes a source list for that directory's packages.
bool namesArchIndependentPackage(std::string_view url) {
  const std::string name = lastSegmentLowered(url);
  if (!text::endsWith(name, ".noarch.rpm") && !text::endsWith(name, "_all.deb")) return false;
  for (std::string_view setup : {"keyring", "release", "repo", "apt-config", "install"}) {
    if (name.find(setup) != std::string::npos) return false;
  }
  return true;
}

// A file whose bytes are the same for every machine, though a per-architecture path serves it;
// or a bundle whose part an image runs is (data/vendor-assets.json "portableBundles":
// iDempiere's gtk.linux.x86_64 server, which its script starts with the image's own JVM).
bool namesArchNeutralFile(std::string_view url) {
  return namesPublicKey(url) || namesAptPreferences(url) || namesArchIndependentPackage(url) ||
         data::namesPortableBundle(lastSegmentLowered(url));
}

// An operating-system or disk image (`installer-amd64/.../mini.iso`, a cloud `.qcow2`): the
// machine it is for is another one, a PXE client the image serves it to (rkhozinov/docker-cobbler,
// Part EJ) or a guest QEMU boots, which on another host emulates the guest's CPU. The
// container's own processor never runs it, so which architecture the image is for does not
// follow the container's. Judged on the URL's last path segment only.
// So is a network boot loader's payload, which the machine being booted runs before any
// operating system: GRUB's BIOS and EFI modules (Alpine's grub-bios and grub-efi packages,
// Debian's grub-efi-*-bin), PXELINUX, or a file in a boot format (`.efi`, `.kpxe`, `.pxe`,
// `.lkrn`: iPXE's) that a TFTP server hands out (Evka2k/docker-tftpd-plasma unpacks Alpine's
// x86_64 grub-bios and grub-efi for its PXE clients, Part ZZZZZZZZX). Not SYSLINUX's or
// GRUB's tools (`syslinux`, grub-pc-bin's grub-bios-setup), which are Linux programs.
bool namesMachineImage(std::string_view url) {
  const std::string name = lastSegmentLowered(url);
  for (std::string_view suffix : {".iso", ".qcow2", ".vmdk", ".vdi", ".vhd", ".vhdx", ".ova", ".efi", ".kpxe", ".pxe", ".lkrn"}) {
    if (text::endsWith(name, suffix)) return true;
  }
  for (std::string_view loader : {"grub-bios-", "grub-efi-", "pxelinux"}) {
    if (text::startsWith(name, loader)) return true;
  }
  return false;
}

// Is what the download writes to standard output piped into a text filter (`curl -s
// .../binary-amd64/Packages | grep -A7 'Package: x' | awk ...`)? Then it is read as text (an
// index, a version, a checksum list) and nothing of it runs: which architecture's index holds
// the version string does not change the image. A pipe into tar, sh or a file is an artifact
// and stays judged.
bool pipedIntoTextFilter(const shell::Script& script, const shell::Command& command) {
  static const std::set<std::string> kTextFilters = {"grep", "egrep", "fgrep", "awk",  "gawk", "mawk", "sed", "jq",     "yq",
                                                     "cut",  "head",  "tail",  "sort", "uniq", "tr",   "wc",  "xmllint"};
  return command.pipesInto < script.commands.size() && kTextFilters.count(script.commands[command.pipesInto].name()) > 0;
}

// Is the download the fallback of a package install of the same tool (`apt-get install -y
// tini || curl -fsSL .../tini -o /usr/bin/tini`)? It runs only where the distribution has no
// such package; where it has one (Ubuntu and Debian carry tini for every architecture) the
// install succeeds and nothing is downloaded, so the URL's architecture does not decide what
// the image gets. Only a package name the URL itself contains counts.
bool fallbackOfPackageInstall(const shell::Command& command, std::string_view url) {
  static const std::set<std::string> kManagers = {"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper"};
  // The URL's path segments (not its host: `git` is no part of `github.com/foo/bar-linux-amd64`).
  std::vector<std::string> segments;
  {
    const std::string lowered = text::lower(url);
    const size_t scheme = lowered.find("://");
    const size_t path = lowered.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (path == std::string::npos) return false;
    segments = text::split(lowered.substr(path + 1, lowered.find_first_of("?#", path) - path - 1), '/');
  }
  // A segment that is the package's name, or begins with it and a separator (`tini-amd64`).
  auto named = [&](const std::string& name) {
    return std::any_of(segments.begin(), segments.end(), [&](const std::string& segment) {
      return segment == name || (text::startsWith(segment, name) && segment.size() > name.size() &&
                                 std::string("-_.").find(segment[name.size()]) != std::string::npos);
    });
  };
  for (const auto& branch : command.branches) {
    if (branch.kind != shell::Branch::Kind::OrElse) continue;
    const auto words = text::split(text::trim(branch.condition), ' ');
    if (words.size() < 3 || !kManagers.count(words[0])) continue;
    bool installing = false;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w == "install" || w == "add") {
        installing = true;
      } else if (installing && w.size() >= 3 && w[0] != '-' && w.find_first_of("<>&|$") == std::string::npos &&
                 named(text::lower(w))) {
        return true;
      }
    }
  }
  return false;
}

bool looksLikeUrl(std::string_view text) { return text.find("://") != std::string_view::npos || text::startsWith(text, "git@"); }

class DownloadCheck {
 public:
  DownloadCheck(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) : ctx_(ctx), rule_(rule), out_(out) {}

  void run() {
    for (const auto& run : ctx_.model.scripts) checkScript(run);
    for (const auto& stage : ctx_.model.stages) {
      for (size_t index : stage.instructions) {
        if (ctx_.instruction(index).command == "add") checkAdd(stage, index);
      }
    }
    for (const auto& stage : ctx_.model.stages) checkEnvUrls(stage);
  }

 private:
  // The targets an x86 download breaks in this stage. Where the stage (or one it is based on,
  // or one that takes its files) installs a user-space x86-64 emulator (box64, FEX), an x86-64
  // program is meant to run on the arm64 and riscv64 targets through it: factorio's only server
  // build is x86-64, and its image installs box64 on aarch64 to run it. Where it runs QEMU's
  // user-mode x86 emulator by name (`qemu-x86_64`), on every target.
  // A download in a `--platform=$BUILDPLATFORM` stage runs on the build machine; it reaches a
  // target image only through a hand-over (FROM, COPY --from, RUN --mount=from) that no stage
  // told the target passes on: a stage that cross-compiles for the target it is told (xx,
  // `ARG TARGETPLATFORM`, GOARCH=$TARGETARCH) uses the tool and hands on the target's code
  // (jlesage/docker-baseimage-gui's UPX, run only by `$BUILDPLATFORM` stages that compress
  // xx-built binaries).
  //
  // An i386 download does not break amd64 (dockerfile::executesOn): amd64 kernels run 32-bit
  // x86 code; what such a program needs besides (i386 libraries) is the stage's packages'
  // business, which MA111 and MA112 read. (TeaCI/msys2-docker: MSYS2's i686 distribution
  // unpacked into a Wine prefix, Part AP.)
  std::vector<Platform> brokenFor(size_t stage, const Platform& content) {
    auto out = ctx_.programBrokenBy(stage, content);
    if (!out.empty() && stage < ctx_.stages->platform.size() &&
        ctx_.stages->platform[stage].runs == dockerfile::StageRuns::OnBuilder &&
        !nativeReachesImageUncompiled(ctx_.model, ctx_.file, *ctx_.stages, stage)) {
      return {};
    }
    if (out.empty() || (content.architecture != "amd64" && content.architecture != "386")) return out;
    if (!emulatorInstalls_) emulatorInstalls_ = stagesInstallingX86Emulator(ctx_.model, ctx_.file);
    switch (installsX86Emulator(*ctx_.stages, *emulatorInstalls_, stage)) {
      case X86Emulator::None: break;
      case X86Emulator::ArmHosts:
        std::erase_if(out,
                      [](const Platform& target) { return target.architecture == "arm64" || target.architecture == "riscv64"; });
        break;
      case X86Emulator::EveryHost: out.clear(); break;
    }
    return out;
  }

  // Reports the first architecture token in `text` that breaks a target, if any.
  // `spanOf(begin, end)` maps a byte range of `text` to the file.
  template <typename SpanOf>
  bool reportTokens(size_t stage, std::string_view text, SpanOf spanOf) {
    if (reportedAssets_.count(assetKey(text))) return true;
    const bool reported = reportTokensOnce(stage, text, spanOf);
    if (reported) {
      reportedAssets_.insert(assetKey(text));
      reportedAssets_.insert(std::string("*").append(assetOf(text)));  // what a signature fetched later is judged by
    }
    return reported;
  }

  template <typename SpanOf>
  bool reportTokensOnce(size_t stage, std::string_view text, SpanOf spanOf) {
    if (namesAnotherOsOrCrossTarget(text) || isPackageIndex(text) || namesArchNeutralFile(text) || namesMachineImage(text))
      return false;
    for (const auto& token : vocab::findArchTokens(text)) {
      const auto broken = brokenFor(stage, token.platform);
      if (broken.empty()) continue;
      out_.report(rule_, spanOf(token.begin, token.end),
                  "downloads the " + token.platform.str() + " build ('" + token.token +
                      "' in the URL) on every platform: breaks " + platformList(broken),
                  fixText(), std::nullopt, broken);
      return true;
    }
    if (vocab::isX86OnlyAsset(text::trim(text)) || vocab::isX86OnlyAsset(text.substr(0, text.find_last_not_of("\"'") + 1))) {
      const Platform amd64{"linux", "amd64", ""};
      const auto broken = brokenFor(stage, amd64);
      if (broken.empty()) return false;
      out_.report(rule_, spanOf(0, text.size()),
                  "downloads an asset whose plain name is the linux/amd64 build: breaks " + platformList(broken), fixText(),
                  std::nullopt, broken);
      return true;
    }
    return false;
  }

  static std::string fixText() {
    return "build the URL from ${TARGETARCH} (declare `ARG TARGETARCH` in this stage), or switch on "
           "`dpkg --print-architecture` / `uname -m` with a failing default";
  }

  // The same asset downloaded again in one instruction is one mistake; in another instruction
  // it is another place to fix. A signature or checksum is never a mistake of its own: it is
  // judged with the asset it belongs to, wherever that was fetched.
  std::string assetKey(std::string_view url) const {
    std::string key = isSignature(url) ? std::string("*") : std::to_string(instruction_) + " ";
    key += assetOf(url);
    return key;
  }

  void checkScript(const dockerfile::RunScript& run) {
    instruction_ = run.instruction;
    const shell::Script& script = run.script;
    for (const auto& command : script.commands) {
      if (!isDownloader(command) || command.insideArchBranch() || pipedIntoTextFilter(script, command)) continue;
      for (size_t i = 1; i < command.words.size(); ++i) {
        const shell::Word& word = command.words[i];
        if (word.archVarying) continue;
        if (looksLikeUrl(word.literal)) {
          if (fallbackOfPackageInstall(command, word.literal)) break;
          // One download command is one mistake, however many of its URLs name the architecture.
          if (reportTokens(run.stage, word.text,
                           [&](size_t b, size_t e) { return script.source.span(word.begin + b, word.begin + e); }))
            break;
          if (checkThroughValues(run, command, word)) break;
          if (checkThroughShellValues(run, command, word)) break;
          continue;
        }
        // `curl ${BASE_URL}/${TAR_FILE}` with `ENV BASE_URL=https://get.helm.sh` and
        // `ENV TAR_FILE=helm-v3-linux-amd64.tar.gz`: no variable holds the whole URL and the
        // word as written is none, but its value is one URL for every target.
        // (alpine-docker/k8s Dockerfile before d2e35a9, the helm download.)
        if (becomesUrl(run, command, word) && checkThroughValues(run, command, word)) break;
        // `PB_URL="https://.../v24.4/"; PB_FILE="protoc-24.4-linux-x86_64.zip"; curl -LO
        // "$PB_URL/$PB_FILE"`: the word is a URL once the RUN's own assignments are in, and the
        // file name's text names the architecture.
        // (open-telemetry/opentelemetry-ebpf-profiler Dockerfile before 8aa1c1c, the protoc download.)
        // (One variable that holds the whole URL is checkVariable's, reported at its assignment.)
        if (word.variables.size() > 1 && holdsUrlFromScript(run.script, command, word) &&
            checkThroughShellValues(run, command, word))
          break;
        for (const auto& variable : word.variables) checkVariable(run, command, word, variable);
      }
    }
  }

  // `curl .../tool-linux-${ARCH}.tgz` with `ENV ARCH=amd64` or `ARG ARCH=amd64` (here or in the
  // stage this one is based on): the value BuildKit puts in the RUN's environment is the same
  // for every target, so the URL names one architecture. Reported at the URL, pointing at the
  // definition.
  bool checkThroughValues(const dockerfile::RunScript& run, const shell::Command& command, const shell::Word& word) {
    if (word.variables.empty() || word.hasCommandSubstitution) return false;
    const shell::Script& script = run.script;
    // A variable the script itself assigns before the command shadows the environment.
    for (const auto& name : word.variables) {
      if (script.assignedBefore(name, command.begin).last) return false;
    }
    const auto fixed =
        dockerfile::valueForEveryTarget(ctx_.file, ctx_.model, *ctx_.stages, run.stage, run.instruction, word.literal);
    if (!fixed || namesAnotherOsOrCrossTarget(fixed->value) || namesArchNeutralFile(fixed->value) ||
        namesMachineImage(fixed->value))
      return false;
    const std::string* expanded = &fixed->value;
    // The checksum of an installer reported just before (`${URL}.sha256` after `${URL}`,
    // haoxins/jupyter-notebooks' Miniforge), or the same asset again in this instruction.
    if (reportedAssets_.count(assetKey(*expanded))) return true;
    for (const auto& token : vocab::findArchTokens(*expanded)) {
      const auto broken = brokenFor(run.stage, token.platform);
      if (broken.empty()) continue;
      // Which variable brought the token, and where it was set.
      const auto* source = fixed->bringing(token.token);
      if (!source) continue;
      const std::string& variable = source->first;
      const auto& definition = ctx_.instruction(source->second.instruction);
      out_.report(rule_, script.source.span(word.begin, word.end),
                  "downloads the " + token.platform.str() + " build on every platform: the URL expands to '" + *expanded +
                      "', where '" + token.token + "' comes from $" + variable + " (set by " + text::upper(definition.command) +
                      " on line " + std::to_string(definition.startLine) + "): breaks " + platformList(broken),
                  fixText(), {{definition.span, variable + " is set here"}}, broken);
      reportedAssets_.insert(assetKey(*expanded));
      reportedAssets_.insert(std::string("*").append(assetOf(*expanded)));
      return true;
    }
    return false;
  }

  // Does a variable of the word hold a URL the script assigned before the command?
  static bool holdsUrlFromScript(const shell::Script& script, const shell::Command& command, const shell::Word& word) {
    for (const auto& name : word.variables) {
      const shell::Assignment* last = script.assignedBefore(name, command.begin).last;
      if (last && looksLikeUrl(last->value.literal)) return true;
    }
    return false;
  }

  // Does a word with no URL as written expand, for every target alike, to one?
  bool becomesUrl(const dockerfile::RunScript& run, const shell::Command& command, const shell::Word& word) const {
    // One variable that holds the whole URL is checkVariable's (which leaves an ARG-set URL
    // to the caller's --build-arg).
    if (word.variables.size() < 2 || word.hasCommandSubstitution) return false;
    for (const auto& name : word.variables) {
      if (run.script.assignedBefore(name, command.begin).last) return false;
    }
    const auto fixed =
        dockerfile::valueForEveryTarget(ctx_.file, ctx_.model, *ctx_.stages, run.stage, run.instruction, word.literal);
    return fixed && looksLikeUrl(fixed->value);
  }

  // `F="prometheus-${V}.linux-amd64" && curl -fsSLO ".../${F}.tar.gz"`: a part of the URL
  // assembled in a shell variable earlier in the same RUN, whose own text names one
  // architecture. Any assignment of it in an architecture branch, or from a probe, makes it
  // vary: no verdict.
  // (thanos-io/thanos .devcontainer/Dockerfile, the prometheus download.)
  bool checkThroughShellValues(const dockerfile::RunScript& run, const shell::Command& command, const shell::Word& word) {
    const shell::Script& script = run.script;
    // The URL as written says what the file is as well as the value does: a Windows JDK whose
    // `${JAVA_ARCH}_windows_hotspot` takes x64 from a variable is for Wine, not for the image's
    // processor (Maix0/MSVCDocker).
    if (namesAnotherOsOrCrossTarget(word.text)) return false;
    for (const auto& name : word.variables) {
      const auto before = script.assignedBefore(name, command.begin);
      const shell::Assignment* last = before.last;
      const bool varies = before.archChosen;
      if (!last || varies || last->value.hasCommandSubstitution) continue;
      // The assignment's own text, its expansions blanked: a token there was written, not brought.
      std::string written = script.source.text.substr(last->value.begin, last->value.end - last->value.begin);
      for (const auto& use : script.variableUses) {
        if (use.begin < last->value.begin || use.end > last->value.end) continue;
        std::fill(written.begin() + static_cast<long>(use.begin - last->value.begin),
                  written.begin() + static_cast<long>(use.end - last->value.begin), ' ');
      }
      if (namesAnotherOsOrCrossTarget(written) || namesArchNeutralFile(written) || namesMachineImage(written)) continue;
      for (const auto& token : vocab::findArchTokens(written)) {
        const auto broken = brokenFor(run.stage, token.platform);
        if (broken.empty()) continue;
        if (reportedAssets_.count(assetKey(word.text))) return true;
        const Span definition = script.source.span(last->value.begin, last->value.end);
        out_.report(rule_, script.source.span(word.begin, word.end),
                    "downloads the " + token.platform.str() + " build on every platform: '" + token.token +
                        "' in the URL comes from $" + name + ", set to '" + last->value.text + "' earlier in this RUN: breaks " +
                        platformList(broken),
                    fixText(), {{definition, name + " is set here"}}, broken);
        reportedAssets_.insert(assetKey(word.text));
        return true;
      }
    }
    return false;
  }

  // The last assignment of `name` in the script before `before`, or null; `varies` is set
  // when any of them is made per architecture (a probe, an arch variable, an arch branch) or
  // by a command substitution, whose output this model does not know.
  static const shell::Assignment* lastAssignmentBefore(const shell::Script& script, const std::string& name, size_t before,
                                                       bool& varies) {
    const auto assigned = script.assignedBefore(name, before);
    varies = varies || assigned.unknown;
    const shell::Assignment* last = assigned.last;
    return last;
  }

  // `GH_ARCH="linux_amd64"; GH_TGZ="gh_${V}_${GH_ARCH}.tar.gz"; GH_URL=".../${GH_TGZ}";
  // curl -sSLO "$GH_URL"`: the URL variable's own text names no architecture, but a variable
  // it is assembled from (at any depth, each assigned earlier in the same RUN) does. Judged
  // only when nothing in the chain varies: every assignment of every link is outside an
  // architecture branch and not from a probe, and no link reads an architecture variable of
  // the stage. Reported at the download, pointing at the assignment that wrote the token.
  // (devfile/developer-images base/ubi9/Dockerfile before 5fd5ea4: gh and ripgrep.)
  bool checkAssembledUrl(const dockerfile::RunScript& run, const shell::Word& word, const shell::Assignment& url) {
    const shell::Script& script = run.script;
    if (namesAnotherOsOrCrossTarget(word.text)) return false;
    const auto& stage = ctx_.model.stages[run.stage];
    const auto archVars = dockerfile::archVariablesBefore(stage, run.instruction);
    std::vector<std::pair<std::string, const shell::Assignment*>> links;  // every link of the chain, the URL's first
    std::vector<const shell::Assignment*> pending = {&url};
    std::set<const shell::Assignment*> seen = {&url};
    constexpr size_t kMaxLinks = 16;  // a bound on what one URL is assembled from
    while (!pending.empty()) {
      const shell::Assignment* link = pending.back();
      pending.pop_back();
      for (const auto& use : script.variableUses) {
        if (use.begin < link->value.begin || use.end > link->value.end) continue;
        if (vocab::isPlatformArchVariable(use.name) || archVars.count(use.name) || script.archVariables.count(use.name))
          return false;
        bool varies = false;
        const shell::Assignment* from = lastAssignmentBefore(script, use.name, link->value.begin, varies);
        if (varies) return false;
        if (!from || !seen.insert(from).second) continue;
        if (seen.size() > kMaxLinks) return false;
        links.emplace_back(use.name, from);
        pending.push_back(from);
      }
    }
    for (const auto& [name, link] : links) {
      // The link's own text, its expansions blanked: a token there was written, not brought.
      std::string written = script.source.text.substr(link->value.begin, link->value.end - link->value.begin);
      for (const auto& use : script.variableUses) {
        if (use.begin < link->value.begin || use.end > link->value.end) continue;
        std::fill(written.begin() + static_cast<long>(use.begin - link->value.begin),
                  written.begin() + static_cast<long>(use.end - link->value.begin), ' ');
      }
      if (namesAnotherOsOrCrossTarget(written) || namesArchNeutralFile(written) || namesMachineImage(written)) return false;
      for (const auto& token : vocab::findArchTokens(written)) {
        const auto broken = brokenFor(run.stage, token.platform);
        if (broken.empty()) continue;
        if (reportedAssets_.count(assetKey(word.text))) return true;
        out_.report(rule_, script.source.span(word.begin, word.end),
                    "downloads the " + token.platform.str() + " build on every platform: '" + token.token +
                        "' in the URL comes from $" + name + ", set to '" + link->value.text +
                        "' earlier in this RUN and assembled into $" + url.name + ": breaks " + platformList(broken),
                    fixText(), {{script.source.span(link->value.begin, link->value.end), name + " is set here"}}, broken);
        reportedAssets_.insert(assetKey(word.text));
        return true;
      }
    }
    return false;
  }

  // `curl -fsSLO "$URL"`: the URL was assigned earlier in this RUN, or by ENV/ARG.
  void checkVariable(const dockerfile::RunScript& run, const shell::Command& command, const shell::Word& word,
                     const std::string& name) {
    const shell::Script& script = run.script;
    const shell::Assignment* last = script.assignedBefore(name, command.begin).last;
    if (last) {
      if (last->archDerived || !looksLikeUrl(last->value.literal)) return;
      if (last->branches.empty() ||
          !std::any_of(last->branches.begin(), last->branches.end(), [](const shell::Branch& b) { return b.onArchitecture; })) {
        if (!reportTokens(run.stage, last->value.text,
                          [&](size_t b, size_t e) { return script.source.span(last->value.begin + b, last->value.begin + e); }))
          checkAssembledUrl(run, word, *last);
      }
      return;
    }
    const auto& stage = ctx_.model.stages[run.stage];
    if (const auto arch = stage.archVariableSince.find(name);
        arch != stage.archVariableSince.end() && arch->second < run.instruction)
      return;
    // The last ENV or ARG of the stage before the RUN that sets the name to a URL.
    const auto& definitions = urlDefinitions(stage)[name];
    const auto after = std::lower_bound(definitions.begin(), definitions.end(), run.instruction,
                                        [](const UrlDefinition& d, size_t at) { return d.instruction < at; });
    if (after == definitions.begin()) return;
    const auto& definition = *std::prev(after);
    reportTokens(run.stage, definition.value, [&](size_t b, size_t e) {
      return Span{definition.valueSpan.begin + static_cast<uint32_t>(b), definition.valueSpan.begin + static_cast<uint32_t>(e)};
    });
  }

  // A URL an ENV or ARG of a stage sets: its first such argument per instruction, by
  // instruction, per name. Gathered once per stage (walking the stage back from every RUN that
  // reads a variable was quadratic in the stage's instructions, audit H10).
  struct UrlDefinition {
    size_t instruction;
    std::string value;
    Span valueSpan;
  };
  std::map<std::string, std::vector<UrlDefinition>>& urlDefinitions(const dockerfile::Stage& stage) {
    const auto [cached, added] = urlDefinitions_.try_emplace(stage.index);
    if (!added) return cached->second;
    for (size_t index : stage.instructions) {
      const auto& in = ctx_.instruction(index);
      if (in.command != "env" && in.command != "arg") continue;
      for (size_t k = 0; k < in.args.size(); ++k) {
        const auto& arg = in.args[k];
        std::string key = arg.value, value;
        Span valueSpan = arg.span;
        if (in.command == "env") {
          if (k % 3 != 0 || k + 1 >= in.args.size()) continue;
          value = in.args[k + 1].value;
          valueSpan = in.args[k + 1].span;
        } else {
          const size_t eq = arg.value.find('=');
          if (eq == std::string::npos) continue;
          key = arg.value.substr(0, eq);
          value = arg.value.substr(eq + 1);
          valueSpan.begin += static_cast<uint32_t>(eq + 1);
        }
        if (!looksLikeUrl(value)) continue;
        auto& list = cached->second[key];
        if (list.empty() || list.back().instruction != index) list.push_back({index, std::move(value), valueSpan});
      }
    }
    return cached->second;
  }

  // `ENV S6OVERLAY_RELEASE https://.../s6-overlay-amd64.tar.gz` that no download of the file
  // fetches: a script the image runs (COPY install.sh, RUN bash install.sh) downloads it, and
  // it is the one architecture's build on every platform. Judged like a URL written in a RUN;
  // left alone when the stage also holds a URL of another architecture (a script picks
  // between them), when a RUN reads the variable inside an architecture branch, and for
  // an ARG, whose default a --build-arg per platform may replace. A URL a RUN of the file
  // downloads was judged there.
  // (pi-hole/docker-pi-hole Dockerfile_aarch64 before 2ac8fd5: the aarch64 image installs the
  // amd64 s6-overlay.)
  void checkEnvUrls(const dockerfile::Stage& stage) {
    struct EnvUrl {
      std::string name, value;
      Span span;
      size_t instruction;
    };
    std::vector<EnvUrl> urls;
    std::set<std::string> architectures;  // named by the stage's ENV/ARG URLs: alternatives a script may pick from
    for (size_t index : stage.instructions) {
      const auto& in = ctx_.instruction(index);
      if (in.command != "env" && in.command != "arg") continue;
      for (size_t k = 0; k < in.args.size(); ++k) {
        std::string key, written;
        Span span = in.args[k].span;
        if (in.command == "env") {
          if (k % 3 != 0 || k + 1 >= in.args.size()) continue;
          key = in.args[k].value;
          written = in.args[k + 1].value;
          span = in.args[k + 1].span;
        } else {
          const size_t eq = in.args[k].value.find('=');
          if (eq == std::string::npos) continue;
          written = in.args[k].value.substr(eq + 1);
        }
        const auto value = dockerfile::expandWord(written, {}, ctx_.file.escapeToken);
        if (!value.referenced.empty() || value.bounded) continue;
        if (!looksLikeUrl(value.value)) continue;
        for (const auto& token : vocab::findArchTokens(value.value)) architectures.insert(token.platform.architecture);
        if (in.command == "env" && value.value == written) urls.push_back({key, value.value, span, index});
      }
    }
    if (architectures.size() != 1) return;
    for (const auto& url : urls) {
      if (reportedAssets_.count(std::string("*").append(assetOf(url.value))) || readInArchBranch(stage.index, url.name)) continue;
      instruction_ = url.instruction;
      reportTokens(stage.index, url.value, [&](size_t b, size_t e) {
        return Span{url.span.begin + static_cast<uint32_t>(b), url.span.begin + static_cast<uint32_t>(e)};
      });
    }
  }

  // Does a RUN of the stage, or of one built FROM it, read $name inside an architecture branch?
  bool readInArchBranch(size_t stage, const std::string& name) const {
    for (const auto& run : ctx_.model.scripts) {
      if (!isStageOrBuiltOn(ctx_.model, run.stage, stage)) continue;
      for (const auto& use : run.script.variableUses) {
        if (use.name != name) continue;
        for (const auto& command : run.script.commands) {
          if (command.begin <= use.begin && use.end <= command.end && command.insideArchBranch()) return true;
        }
      }
    }
    return false;
  }

  void checkAdd(const dockerfile::Stage& stage, size_t index) {
    instruction_ = index;
    const auto& in = ctx_.instruction(index);
    if (in.args.size() < 2) return;
    const auto archVars = dockerfile::archVariablesBefore(stage, index);
    for (size_t i = 0; i + 1 < in.args.size(); ++i) {
      const auto& source = in.args[i];
      if (!looksLikeUrl(source.value)) continue;
      const auto expansion = dockerfile::expandWord(source.value, {}, ctx_.file.escapeToken);
      // A JSON-form element's span starts at its opening quote.
      const uint32_t base = source.span.begin + (in.json ? 1 : 0);
      // `ARG S6_ARCH=x86_64` then `ADD .../s6-overlay-${S6_ARCH}.tar.xz`: judged, as a RUN's URL
      // is, by the value BuildKit gives it for every target (an ARCH-named ARG is still one
      // value when nothing sets it per target).
      if (!expansion.referenced.empty() && checkAddThroughValues(stage, index, source)) continue;
      const bool varies = std::any_of(expansion.referenced.begin(), expansion.referenced.end(),
                                      [&](const auto& v) { return vocab::isPlatformArchVariable(v) || archVars.count(v); });
      if (varies) continue;
      reportTokens(stage.index, source.value, [&](size_t b, size_t e) {
        return Span{base + static_cast<uint32_t>(b), base + static_cast<uint32_t>(e)};
      });
    }
  }

  bool checkAddThroughValues(const dockerfile::Stage& stage, size_t index, const dockerfile::Argument& source) {
    const auto fixed = dockerfile::valueForEveryTarget(ctx_.file, ctx_.model, *ctx_.stages, stage.index, index, source.value);
    if (!fixed || namesAnotherOsOrCrossTarget(fixed->value) || namesArchNeutralFile(fixed->value) ||
        namesMachineImage(fixed->value))
      return false;
    for (const auto& token : vocab::findArchTokens(fixed->value)) {
      const auto broken = brokenFor(stage.index, token.platform);
      if (broken.empty()) continue;
      const auto* brought = fixed->bringing(token.token);
      if (!brought) continue;
      const auto& definition = ctx_.instruction(brought->second.instruction);
      out_.report(rule_, source.span,
                  "downloads the " + token.platform.str() + " build on every platform: the URL expands to '" + fixed->value +
                      "', where '" + token.token + "' comes from $" + brought->first + " (set by " +
                      text::upper(definition.command) + " on line " + std::to_string(definition.startLine) + "): breaks " +
                      platformList(broken),
                  fixText(), {{definition.span, brought->first + " is set here"}}, broken);
      reportedAssets_.insert(assetKey(fixed->value));
      reportedAssets_.insert(std::string("*").append(assetOf(fixed->value)));
      return true;
    }
    return false;
  }

  const DockerfileContext& ctx_;
  std::optional<std::vector<X86Emulator>> emulatorInstalls_;  // per stage, made on first need
  const RuleInfo& rule_;
  FindingSink& out_;
  std::set<std::string> reportedAssets_;
  std::map<size_t, std::map<std::string, std::vector<UrlDefinition>>> urlDefinitions_;  // by stage
  size_t instruction_ = 0;
};

// "lines 45-53", "lines 12, 19 and 30", "lines 3, 9, 14, 20, 31 and 7 more": where the other
// downloads of a group are (a few named, the rest counted).
std::string lineList(const std::vector<int>& lines) {
  bool consecutive = true;
  for (size_t i = 1; i < lines.size(); ++i) consecutive = consecutive && lines[i] == lines[i - 1] + 1;
  if (lines.size() > 2 && consecutive) return "lines " + std::to_string(lines.front()) + "-" + std::to_string(lines.back());
  constexpr size_t kNamed = 5;
  const size_t named = std::min(lines.size(), kNamed);
  std::string out = lines.size() == 1 ? "line " : "lines ";
  for (size_t i = 0; i < named; ++i) {
    const bool last = i + 1 == named && lines.size() <= kNamed;
    out += (i == 0 ? "" : last ? " and " : ", ") + std::to_string(lines[i]);
  }
  if (lines.size() > kNamed) out += " and " + std::to_string(lines.size() - kNamed) + " more";
  return out;
}

// One RUN that fetches several files of one architecture is one root cause, as nine packages of
// one apt-get are one finding (issue 9: group per instruction): the first download's finding
// says how many more the RUN fetches and where, and points at the first few as related places
// (agahkarakuzu/dogSC's ten Debian jessie _amd64.deb files in one RUN). Downloads that break
// other platforms, or sit in other instructions, stay findings of their own. Linear in the
// findings: a file of 25,000 downloads is one pass.
// The URL word a finding points into, read from its line (a column past the line's ASCII
// prefix may land elsewhere: then its stem differs and nothing is merged, the safe side).
std::string wordAt(const Finding& finding) {
  const std::string& line = finding.location.sourceLine;
  size_t at = finding.location.column > 0 ? static_cast<size_t>(finding.location.column - 1) : 0;
  if (at >= line.size()) return {};
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '"' || c == '\''; };
  size_t begin = at;
  while (begin > 0 && !blank(line[begin - 1])) --begin;
  size_t end = at;
  while (end < line.size() && !blank(line[end])) ++end;
  return line.substr(begin, end - begin);
}

// The asset a URL names with its architecture words blanked: `supercronic-linux-*`.
std::string assetStem(const std::string& url) {
  std::string stem = url;
  const auto tokens = vocab::findArchTokens(url);
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) stem.replace(it->begin, it->end - it->begin, "*");
  return stem;
}

// A file that fetches one asset's builds for several architectures side by side (supercronic's
// 386, amd64, arm and arm64 binaries into /tmp, zgldh/docker-supercronic) keeps a collection
// for whoever picks one, or chooses between them in a way not read here: either way it does not
// install one architecture's build on every platform. Those findings go.
void dropCollectedBuilds(std::vector<Finding>& findings) {
  std::map<std::string, std::set<std::string>> architecturesOf;
  std::vector<std::string> stems;
  stems.reserve(findings.size());
  for (const auto& finding : findings) {
    const std::string word = wordAt(finding);
    const auto tokens = vocab::findArchTokens(word);
    stems.push_back(tokens.empty() ? std::string() : assetStem(word));
    for (const auto& token : tokens) architecturesOf[stems.back()].insert(token.platform.str());
  }
  std::vector<Finding> kept;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!stems[i].empty() && architecturesOf[stems[i]].size() > 1) continue;
    kept.push_back(std::move(findings[i]));
  }
  findings = std::move(kept);
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  FindingSink own(ctx.source);
  DownloadCheck(ctx, rule, own).run();
  const auto& instructions = ctx.file.instructions;
  // Instructions are in file order, so the one holding a line is found by its start line.
  const auto runAt = [&](int line) -> std::optional<size_t> {
    const auto after = std::upper_bound(instructions.begin(), instructions.end(), line,
                                        [](int l, const dockerfile::Instruction& in) { return l < in.startLine; });
    if (after == instructions.begin()) return std::nullopt;
    const size_t index = static_cast<size_t>(std::prev(after) - instructions.begin());
    if (line > instructions[index].endLine || instructions[index].command != "run") return std::nullopt;
    return index;
  };
  constexpr size_t kRelatedShown = 20;
  auto findings = own.take();
  dropCollectedBuilds(findings);
  struct Group {
    size_t first;
    std::vector<int> lines;
  };
  std::map<std::tuple<size_t, std::string, int>, Group> groups;
  std::vector<bool> merged(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto run = runAt(findings[i].location.line);
    if (!run) continue;
    const auto key = std::make_tuple(*run, platformList(findings[i].breaks), static_cast<int>(findings[i].severity));
    const auto [it, fresh] = groups.try_emplace(key, Group{i, {}});
    if (fresh) continue;
    merged[i] = true;
    auto& first = findings[it->second.first];
    it->second.lines.push_back(findings[i].location.line);
    if (it->second.lines.size() <= kRelatedShown) {
      first.related.push_back({findings[i].location, "another download of the same kind in this RUN"});
    }
  }
  for (auto& [key, group] : groups) {
    if (group.lines.empty()) continue;
    const size_t more = group.lines.size();
    std::sort(group.lines.begin(), group.lines.end());
    group.lines.erase(std::unique(group.lines.begin(), group.lines.end()), group.lines.end());
    findings[group.first].message += "; the same RUN fetches " + std::to_string(more) + " more such file" +
                                     (more == 1 ? "" : "s") + " (" + lineList(group.lines) + ")";
  }
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!merged[i]) out.add(std::move(findings[i]));
  }
}

}  // namespace

extern const DockerfileRule kMA110 = {
    {.id = "MA110",
     .slug = "arch-specific-download",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A download names one architecture and nothing varies it",
     .what =
         "curl/wget/git/ADD of a URL holding an architecture token (amd64, x86_64, x64, linux64, aarch64, "
         "...; also one beginning a camel-case word, `ps3netsrv_linuxX86_64`), or an asset whose plain name is the amd64 build (tini, jq-linux64), outside a switch on an "
         "architecture probe and not built from an architecture variable. URLs held in a variable are "
         "followed to their assignment in the same RUN, or to the stage's ENV/ARG; a URL built from variables is "
         "judged by the value it has for every target (ARG/ENV defaults, also from the stage it is based on) and by "
         "the text of a variable assigned earlier in the same RUN (also through a chain of such variables: a URL "
         "variable assembled from a file-name variable assembled from `ARCH=linux_amd64`, when no link of the "
         "chain varies), and the finding points at that definition. An ENV "
         "URL that no RUN of the file downloads (a script the image runs does) is judged at the ENV, unless the "
         "stage also holds another architecture's URL in an ENV/ARG or reads it in an architecture branch. Not a "
         "download piped into a text filter (grep, awk, sed, jq, ...): an index or a version read as text runs nothing. "
         "Nor the fallback of a package install that names the same tool (`apt-get install -y tini || curl "
         ".../tini-amd64`): it runs only where the distribution lacks the package, and where it has one nothing is "
         "fetched. "
         "Nor a package repository's index however it is read (`main/x86_64/APKINDEX.tar.gz`, "
         "`binary-amd64/Packages.gz`, `Release`, `repodata/repomd.xml`): it lists one architecture's packages as "
         "text, fetched for a version string that every architecture's index holds alike. "
         "Not a tool fetched in a `--platform=$BUILDPLATFORM` stage whose every hand-over goes through a stage "
         "told the target (xx, `ARG TARGETPLATFORM`, GOARCH=$TARGETARCH): BuildKit runs that stage on the build "
         "machine, the tool runs there, and what the cross-compiling stage passes on is the target's code. "
         "Not an x86-64 download on arm64 or riscv64 in a stage (or one it is based on, or one that takes its files) "
         "that installs a user-space x86-64 emulator (box64, FEX-Emu), nor on any platform where such a stage runs "
         "QEMU's user-mode x86 emulator by name (`ENTRYPOINT [\"/bin/qemu-x86_64\", ...]`, `qemu-x86_64-static`): "
         "there the program is meant to run through it. An i386 (i686) download "
         "is not reported for amd64, whose CPUs run 32-bit x86 code (a 32-bit game server, Wine's win32 side); the "
         "i386 libraries such a program needs are the packages' business (MA111, MA112). Not a public key (the URL's "
         "last segment ends in .gpg, .key, .pub or names a GPG-KEY/PUBKEY) or an apt preferences file (`.pin`, "
         "`cuda-ubuntu2004.pin`), fetched from a repository's per-architecture path: a key or a pin is the same bytes "
         "on every platform (the repository it pins is MA112's). Not a package built for no architecture (`.noarch.rpm`, "
         "`_all.deb`) served from an architecture's directory, unless it sets up a repository (a keyring, `-release`, "
         "`-repo`, `apt-config`: cuda-keyring_all.deb from x86_64/ writes that directory's source list). Not a bundle whose part the image runs is "
         "platform-neutral (data/vendor-assets.json `portableBundles`: iDempiere's `gtk.linux.x86_64` server, which "
         "its script starts with the image's own JVM). Not an operating-system or disk image "
         "(.iso, .qcow2, .vmdk, .vdi, .vhd, .vhdx, .ova) nor a network boot loader's payload (GRUB's modules in "
         "grub-bios- and grub-efi- packages, PXELINUX, a .efi, .kpxe, .pxe or .lkrn file such as iPXE's): it is "
         "for another machine, a PXE client the container serves it to or a guest QEMU boots, never run by the "
         "container's own processor. Not a download for another OS (darwin, "
         "windows, freebsd, netbsd, openbsd, haiku, solaris, illumos, .exe, .msi, .dmg in the URL's path: a Haiku "
         "package is a cross compiler's sysroot, not the image's code) or a cross compiler (`toolchain`, `-cross` in the path, or a "
         "bare-metal or cross target triple: `x86_64-aarch64-none-elf`, `arm-none-eabi`): which host a cross "
         "compiler is built for is the build host's business. Several such downloads in one RUN that break the same "
         "platforms are one root cause and one finding, at the first, which says how many more the RUN fetches and "
         "where (each a related location). Not one asset's builds for several architectures fetched side by side "
         "(supercronic-linux-amd64 and -arm64 into /tmp): a collection for whoever picks one, or a choice between "
         "them not read here, never one build installed on every platform. Not a download after the RUN's own "
         "architecture guard at its top level (`[ \"$(uname -m)\" = x86_64 ] || exit 1`, `test ... = x86_64` under "
         "`set -e`, `if [ ... != x86_64 ]; then exit 1; fi`): the RUN stops on the other platforms by the author's "
         "choice, so only the guarded architecture fetches (a bare `exit` returns the last status, 0, and guards nothing).",
     .why = "Every target platform downloads the same binary: the arm64 image gets an x86-64 kubectl and dies "
            "with `exec format error` on the first Graviton node.",
     .example = "FROM debian\n"
                "RUN curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl\n"
                "# MA110",
     .fix = "Build the URL from `${TARGETARCH}` with `ARG TARGETARCH` declared in the stage, or switch on "
            "`dpkg --print-architecture` / `uname -m` with one arm per platform and a failing default.",
     .bad = {"FROM debian\nRUN curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl\n",
             "FROM debian\nRUN wget -q https://example.com/tool_1.0_linux_x86_64.tar.gz\n",
             "FROM debian\nADD https://github.com/mikefarah/yq/releases/download/v4.40.5/yq_linux_amd64 /usr/bin/yq\n",
             "FROM debian\nRUN URL=https://example.com/helm-v3-linux-amd64.tar.gz && curl -fsSL \"$URL\" | tar xz\n",
             "FROM debian\nENV TINI_URL=https://github.com/krallin/tini/releases/download/v0.19.0/tini\n"
             "RUN curl -fsSLo /tini \"$TINI_URL\"\n",
             "FROM debian\nARG ARCH=amd64\nRUN curl -fsSLO https://example.com/v1/tool-linux-$ARCH.tar.gz\n",
             "FROM debian\nRUN V=2.53.0 && F=\"prometheus-${V}.linux-amd64\" && \\\n"
             "  curl -fsSLO \"https://github.com/prometheus/prometheus/releases/download/v${V}/${F}.tar.gz\"\n",
             "FROM debian\nRUN PB_URL=\"https://github.com/protocolbuffers/protobuf/releases/download/v24.4\"; \\\n"
             "  PB_FILE=\"protoc-24.4-linux-x86_64.zip\"; curl -LO \"$PB_URL/$PB_FILE\"\n",
             "FROM debian\nENV S6OVERLAY_RELEASE https://example.com/v1.21.4.0/s6-overlay-amd64.tar.gz\n"
             "COPY install.sh /usr/local/bin/install.sh\nRUN bash -ex install.sh\n"},
     .good =
         {"FROM debian\nARG TARGETARCH\nRUN curl -fsSLO https://dl.k8s.io/release/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n",
          "FROM debian\nRUN set -eux; arch=\"$(dpkg --print-architecture)\"; case \"$arch\" in \\\n"
          "  amd64) url='https://example.com/tool-linux-amd64.tgz' ;; \\\n"
          "  arm64) url='https://example.com/tool-linux-arm64.tgz' ;; \\\n"
          "  *) echo >&2 \"unsupported: $arch\"; exit 1 ;; \\\n"
          "  esac; curl -fsSL \"$url\" | tar xz\n",
          "FROM debian\nRUN if [ \"$(uname -m)\" = x86_64 ]; then curl -fsSLO https://example.com/x86_64/tool; fi\n",
          "FROM debian\nRUN [ \"$(uname -m)\" = x86_64 ] || { echo >&2 'x86_64 only'; exit 1; }; \\\n"
          "    curl -fsSLO https://example.com/tool-linux-x86_64.tgz\n",
          "FROM alpine\nRUN curl -fsSLO \"https://example.com/tool-$(apk --print-arch).tgz\"\n",
          "FROM debian\nARG TARGETARCH\nENV ARCH=${TARGETARCH}\nRUN curl -fsSLO https://example.com/v1/tool-linux-$ARCH.tar.gz\n",
          "FROM debian\nARG TARGETARCH\nRUN V=2.53.0 && F=\"prometheus-${V}.linux-${TARGETARCH}\" && \\\n"
          "  curl -fsSLO \"https://github.com/prometheus/prometheus/releases/download/v${V}/${F}.tar.gz\"\n",
          "FROM debian\nRUN PB_URL=\"https://github.com/protocolbuffers/protobuf/releases/download/v24.4\"; \\\n"
          "  PB_FILE=\"protoc-24.4-linux-$(uname -m | sed 's/aarch64/aarch_64/').zip\"; curl -LO \"$PB_URL/$PB_FILE\"\n",
          "FROM debian\nENV S6_AMD64=https://example.com/s6-overlay-amd64.tar.gz \\\n"
          "    S6_ARM64=https://example.com/s6-overlay-aarch64.tar.gz\nCOPY install.sh /\nRUN bash /install.sh\n",
          "FROM debian\n# x86_64 notes in a comment are not a download\nLABEL arch.note=\"built for amd64 and arm64\"\n",
          "FROM ubuntu:22.04\nRUN curl -fsSL https://developer.arm.com/-/media/Files/downloads/gnu-a/10.2-2020.11/binrel/"
          "gcc-arm-10.2-2020.11-x86_64-aarch64-none-elf.tar.xz | tar xJ -C /opt\n",
          "FROM debian\nRUN V=$(curl -fsSL https://repo.example.org/dists/stable/main/binary-amd64/Packages | \\\n"
          "  grep -A7 'Package: app' | awk '/Version/{print $2; exit}') && apt-get install -y app=$V\n"}},
    check};

}  // namespace mal::rules
