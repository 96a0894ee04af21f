// MA111: installing a package that has no build for some target platform.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "analyzer/glob.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// "amd64", "amd64 and arm64", "amd64, arm64 and ppc64le": where a package is published.
std::string architecturesText(const std::vector<std::string>& architectures) {
  std::string out;
  for (size_t i = 0; i < architectures.size(); ++i) {
    if (i > 0) out += i + 1 == architectures.size() ? " and " : ", ";
    out += architectures[i];
  }
  return out;
}

enum class Installer { None, Apt, Dpkg, Rpm, Pip, Playwright };

// Which installer a command is, and where its package arguments start.
Installer installerOf(const std::vector<const shell::Word*>& w, size_t& first) {
  if (w.empty()) return Installer::None;
  const std::string name = baseName(w[0]->literal);
  auto subcommandAt = [&](size_t from, std::initializer_list<const char*> subs) -> bool {
    for (size_t i = from; i < w.size(); ++i) {
      const std::string& v = w[i]->literal;
      if (!v.empty() && v[0] == '-') continue;
      for (const char* s : subs) {
        if (v == s) {
          first = i + 1;
          return true;
        }
      }
      return false;
    }
    return false;
  };
  if ((name == "apt-get" || name == "apt" || name == "aptitude") && subcommandAt(1, {"install"})) return Installer::Apt;
  if ((name == "yum" || name == "dnf" || name == "microdnf" || name == "zypper") && subcommandAt(1, {"install", "in"})) {
    return Installer::Rpm;
  }
  if (name == "dpkg" || name == "rpm") {
    for (size_t i = 1; i < w.size(); ++i) {
      const std::string& v = w[i]->literal;
      if (v == "-i" || v == "--install" || v == "-U" || v == "-ivh" || v == "-Uvh" || v == "-iv") {
        first = i + 1;
        return name == "dpkg" ? Installer::Dpkg : Installer::Rpm;
      }
    }
    return Installer::None;
  }
  if ((name == "pip" || name == "pip3" || text::startsWith(name, "pip3.")) && subcommandAt(1, {"install"})) return Installer::Pip;
  if (text::startsWith(name, "python") && w.size() > 3 && w[1]->literal == "-m" && text::startsWith(w[2]->literal, "pip") &&
      subcommandAt(3, {"install"})) {
    return Installer::Pip;
  }
  // `playwright install chrome`, `npx playwright install --with-deps msedge`, or its CLI run
  // directly (`./node_modules/playwright-core/cli.js install ...`): browsers, not packages.
  // (browserless/browserless docker/multi/Dockerfile before c7dd711: msedge on every platform.)
  if ((name == "playwright" || (name == "cli.js" && w[0]->literal.find("playwright") != std::string::npos)) &&
      subcommandAt(1, {"install"})) {
    return Installer::Playwright;
  }
  if ((name == "npx" || name == "pnpx" || name == "bunx" || name == "node") && w.size() > 2 &&
      w[1]->literal.find("playwright") != std::string::npos && subcommandAt(2, {"install"})) {
    return Installer::Playwright;
  }
  if ((name == "uv" || name == "poetry") && subcommandAt(1, {"add", "pip"})) {
    if (w[first - 1]->literal == "pip") subcommandAt(first, {"install"});
    return Installer::Pip;
  }
  return Installer::None;
}

// A local package file named for one architecture: foo_1.0_amd64.deb, foo.x86_64.rpm, *_x86_64.whl.
std::optional<Platform> packageFileArch(const std::string& value) {
  const size_t dot = value.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string extension = value.substr(dot + 1);
  if (extension != "deb" && extension != "rpm" && extension != "whl") return std::nullopt;
  // The architecture is the last field before the extension, after '_', '.' or '-'.
  const std::string_view stem = std::string_view(value).substr(0, dot);
  for (const char* arch :
       {"amd64", "x86_64", "i386", "i686", "arm64", "aarch64", "armhf", "ppc64el", "ppc64le", "s390x", "riscv64"}) {
    const std::string_view a(arch);
    if (stem.size() > a.size() && text::endsWith(stem, a) &&
        std::string_view("_.-").find(stem[stem.size() - a.size() - 1]) != std::string_view::npos) {
      return parsePlatform(arch);
    }
  }
  return std::nullopt;
}

// The architecture a Debian/Ubuntu cross compiler package compiles for, when `name` is one:
// gcc-12-aarch64-linux-gnu, g++-x86-64-linux-gnu, cpp-${GCC_VERSION}-aarch64-linux-gnu. The
// archive builds these only for hosts of other architectures: on arm64 the native gcc-12
// already provides aarch64-linux-gnu-gcc-12, so gcc-12-aarch64-linux-gnu exists for amd64,
// i386 and ppc64el and not for arm64, and gcc-12-x86-64-linux-gnu exists for arm64, i386 and
// ppc64el and not for amd64 (Debian bookworm's Packages indexes:
// `data/evidence/debian-arch-only-packages .cache/debian gcc-12-aarch64-linux-gnu`). The
// binutils-<triple> and libc6-<arch>-cross packages exist everywhere and are not matched.
// (9elements/firmware-action docker/linux/Dockerfile before 39083ee: "linux container missing
// package on arm64".)
std::optional<Platform> crossCompilerTarget(const std::string& name) {
  static const std::pair<const char*, const char*> kTriples[] = {
      {"-x86-64-linux-gnu", "amd64"},    {"-aarch64-linux-gnu", "arm64"},   {"-powerpc64le-linux-gnu", "ppc64le"},
      {"-s390x-linux-gnu", "s390x"},     {"-riscv64-linux-gnu", "riscv64"}, {"-i686-linux-gnu", "386"},
      {"-arm-linux-gnueabihf", "arm/v7"}};
  bool compiler = false;
  for (const char* prefix : {"gcc-", "g++-", "cpp-", "gfortran-", "gccgo-", "gdc-", "gobjc-", "gobjc++-", "gm2-"}) {
    compiler = compiler || text::startsWith(name, prefix);
  }
  if (!compiler) return std::nullopt;
  for (const auto& [suffix, arch] : kTriples) {
    if (text::endsWith(name, suffix)) return parsePlatform(std::string("linux/") + arch);
  }
  return std::nullopt;
}

// Does the stage's base image (through the stages it is built FROM) name a release from before
// Debian's triplet packaging of GCC? Since trixie (gcc-14), the native compiler itself is
// packaged as gcc-14-x86-64-linux-gnu on amd64 (gcc depends on it), so the cross package
// names exist on their own architecture too (stalwart installs g++-x86-64-linux-gnu on its
// trixie builder), and later Ubuntu releases may package them so as well. Only a base that
// names bookworm, jammy or an older release says the name is missing there; an unnamed release
// (golang:1.22, a private base) gives no verdict.
bool baseBeforeTripletPackaging(const DockerfileContext& ctx, size_t stage) {
  const dockerfile::Stage* s = &ctx.model.stages[stage];
  while (s->parentStage) s = &ctx.model.stages[*s->parentStage];
  const std::string base = text::lower(s->baseExpanded);
  for (const char* release :
       {"stretch", "buster", "bullseye", "bookworm", "xenial", "bionic", "focal", "jammy", "debian:9", "debian:10", "debian:11",
        "debian:12", "ubuntu:16.04", "ubuntu:18.04", "ubuntu:20.04", "ubuntu:22.04"}) {
    if (base.find(release) != std::string::npos) return true;
  }
  return false;
}

// One thing an install command asks for that some target platform lacks.
struct Lack {
  std::string what;  // "'msodbcsql17', published for amd64 only"
  Span span;
  std::vector<Platform> broken;
  std::string fix;
  std::vector<FindingSink::RelatedSpan> related;  // where a variable that held the name was set
};

// The words of the script's curl and wget commands, gathered once per script: every package
// file an install names is looked for in them (a pass over the whole script per package was
// quadratic in a long RUN, audit H10). A word's variables add the values the script assigns
// them: `wget -q $RSTUDIO_URL` fetched what `RSTUDIO_URL="...-amd64.deb"` names.
std::vector<std::string_view> downloadWords(const shell::Script& script) {
  std::vector<std::string_view> words;
  for (const auto& command : script.commands) {
    const std::string name = command.name();
    if (name != "curl" && name != "wget") continue;
    for (const auto& w : command.words) {
      words.push_back(w.literal);
      for (const auto& variable : w.variables) {
        const auto named = script.assignmentsByName.find(variable);
        if (named == script.assignmentsByName.end()) continue;
        for (size_t index : named->second.indices) words.push_back(script.assignments[index].value.literal);
      }
    }
  }
  return words;
}

// The product (first word) and architecture of a package file or of a downloaded archive:
// `mysql-community-server-5.7.20-1.el7.x86_64.rpm` and `mysql-5.7.20-1.el7.x86_64.rpm-bundle.tar`
// are both ("mysql", "amd64").
std::string productOf(std::string_view name) { return std::string(name.substr(0, name.find_first_of("-_.$"))); }

// What one stage's RUNs downloaded so far: the words of their curl and wget commands (with the
// values BuildKit gives the ones that hold a variable), the names those downloads can have saved
// a file under (path segments and query values: `https://x/y/pkg_amd64.deb?raw=true` saves
// `pkg_amd64.deb`), and the (product, architecture) of the archives among them. Each word is read
// once, as it is added, so an install is a set look-up rather than a pass over every download (a
// stage of 20,000 downloads and installs must stay linear).
struct StageDownloads {
  std::vector<std::string_view> words;
  std::unordered_set<std::string> names;
  std::set<std::pair<std::string, std::string>> archives;

  void add(const std::vector<std::string_view>& added) {
    words.insert(words.end(), added.begin(), added.end());
    for (std::string_view word : added) {
      word = text::withoutQuotes(word);
      names.emplace(word);
      size_t begin = 0;
      for (size_t i = 0; i <= word.size(); ++i) {
        if (i < word.size() && std::string_view("/?&=").find(word[i]) == std::string_view::npos) continue;
        if (i > begin) names.emplace(word.substr(begin, i - begin));
        begin = i + 1;
      }
      const size_t slash = word.rfind('/');
      const std::string_view name = slash == std::string_view::npos ? word : word.substr(slash + 1);
      const bool archive =
          name.find(".tar") != std::string_view::npos || text::endsWith(name, ".tgz") || text::endsWith(name, ".zip");
      const std::string product = archive ? productOf(name) : std::string();
      if (product.empty()) continue;
      for (const auto& token : vocab::findArchTokens(name)) archives.emplace(product, token.platform.architecture);
    }
  }

  // Was the package file unpacked from an archive downloaded for the same architecture, of the
  // same product (the same first word)? MySQL's el7 x86_64 RPM bundle, fetched and untarred,
  // then `rpm -ivh mysql-community-server-...x86_64.rpm` (cmp1234/ironic, Part SI): MA110
  // reports the bundle's download, and each install of what it held is the same mistake.
  bool unpacked(const std::string& fileName) const {
    const auto arch = packageFileArch(fileName);
    const std::string product = productOf(fileName);
    return arch && !product.empty() && archives.count({product, arch->architecture}) > 0;
  }
};

// Was `fileName` downloaded by a curl/wget in this script? Then MA110 reports the download,
// and the install of the same file is the same mistake: the name is one a download saved. A
// file name with a shell pattern (`dpkg -i rstudio-server-*-amd64.deb`,
// persianyagami90xs/gitpod-1) is matched against the last path segment of each word.
bool downloadedIn(const StageDownloads& downloads, const std::string& fileName) {
  if (fileName.find_first_of("*?[") == std::string::npos) return downloads.names.count(fileName) > 0;
  const glob::Matcher pattern = glob::compileShellPattern(fileName, true);
  return std::any_of(downloads.words.begin(), downloads.words.end(), [&](std::string_view w) {
    while (!w.empty() && (w.back() == '"' || w.back() == '\'')) w.remove_suffix(1);
    const size_t slash = w.rfind('/');
    return pattern.matches(slash == std::string_view::npos ? w : w.substr(slash + 1));
  });
}

// What a RUN can have fetched a package file by: the downloads of its own, of the earlier RUNs
// of its stage, and of the stages it is built FROM. Walked only when an install names a local
// package file (a chain of 32k stages each FROM the one before must not cost a walk per RUN).
struct FetchedBefore {
  const std::map<size_t, StageDownloads>* byStage;
  const dockerfile::BuildModel* model;
  size_t stage;

  bool fetched(const std::string& fileName) const {
    for (std::optional<size_t> s = stage; s; s = model->stages[*s].parentStage) {
      const auto it = byStage->find(*s);
      if (it != byStage->end() && (downloadedIn(it->second, fileName) || it->second.unpacked(fileName))) return true;
    }
    return false;
  }
};

// The COPY or ADD that put the package file `fileName` into the stage (or a stage it is built
// FROM) before `instruction`: where a one-architecture package enters the image, which is what
// the fix changes. docker-mailserver copied dovecot-fts-xapian_..._amd64.deb out of its native
// compile stage, which on arm64 writes the _arm64.deb, so that COPY fails before dpkg runs.
// (docker-mailserver/docker-mailserver Dockerfile before b3409bc.)
// Per stage and file name, the COPY/ADD instructions whose source has that name (the first such
// source of each), in order: gathered once, so finding the one before an install is a lookup
// (a walk back over the stage per finding was quadratic, audit H10).
using CopiedFiles = std::map<size_t, std::map<std::string, std::vector<std::pair<size_t, size_t>>>>;

CopiedFiles copiedFiles(const DockerfileContext& ctx) {
  CopiedFiles copies;
  for (const auto& stage : ctx.model.stages) {
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || in.args.size() < 2) continue;
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        auto& list = copies[stage.index][baseName(in.args[i].value)];
        if (list.empty() || list.back().first != index) list.push_back({index, i});
      }
    }
  }
  return copies;
}

struct PackageCopy {
  FindingSink::RelatedSpan span;
  bool fromBuildContext;  // a COPY/ADD with no --from: MA150 reports a package file named for one architecture there
};

// Which stages hold a file copied in from the build context under a given name, also through
// the stage they are built FROM or a `COPY --from` of a stage that holds it (imifos/autopsy-docker,
// Part ZZX: `COPY sleuthkit-java_..._amd64.deb /tools` in an unzip stage, `COPY --from=unzip-stage
// /tools/ /tools/` into the image, then `dpkg -i`). One pass over the stages per file name,
// remembered: FROM and COPY --from name earlier stages only.
class FilesFromContext {
 public:
  FilesFromContext(const DockerfileContext& ctx, const CopiedFiles& copies) : ctx_(ctx), copies_(copies) {}

  // Was `fileName` copied from the build context into `stage` before instruction `before`, or
  // does a stage it is built FROM, or one it copies from before then, hold it so?
  bool heldBefore(size_t stage, size_t before, const std::string& fileName) {
    const auto& held = holding(fileName);
    if (const auto parent = ctx_.model.stages[stage].parentStage; parent && held[*parent]) return true;
    if (copiedFromContext(stage, before, fileName)) return true;
    return std::any_of(ctx_.stages->usesInto[stage].begin(), ctx_.stages->usesInto[stage].end(), [&](size_t u) {
      const auto& use = ctx_.stages->uses[u];
      return use.kind == dockerfile::StageUse::Kind::Copy && use.instruction < before && held[use.source];
    });
  }

 private:
  bool copiedFromContext(size_t stage, size_t before, const std::string& fileName) const {
    const auto inStage = copies_.find(stage);
    if (inStage == copies_.end()) return false;
    const auto named = inStage->second.find(fileName);
    if (named == inStage->second.end()) return false;
    return std::any_of(named->second.begin(), named->second.end(),
                       [&](const auto& copy) { return copy.first < before && !ctx_.instruction(copy.first).flag("from"); });
  }

  const std::vector<bool>& holding(const std::string& fileName) {
    if (const auto known = holding_.find(fileName); known != holding_.end()) return known->second;
    const size_t n = ctx_.model.stages.size();
    std::vector<bool> held(n, false);
    for (size_t s = 0; s < n; ++s) {
      const auto parent = ctx_.model.stages[s].parentStage;
      held[s] = (parent && *parent < s && held[*parent]) || copiedFromContext(s, ctx_.file.instructions.size(), fileName) ||
                std::any_of(ctx_.stages->usesInto[s].begin(), ctx_.stages->usesInto[s].end(), [&](size_t u) {
                  const auto& use = ctx_.stages->uses[u];
                  return use.kind == dockerfile::StageUse::Kind::Copy && use.source < s && held[use.source];
                });
    }
    return holding_.emplace(fileName, std::move(held)).first->second;
  }

  const DockerfileContext& ctx_;
  const CopiedFiles& copies_;
  std::map<std::string, std::vector<bool>> holding_;
};

std::optional<PackageCopy> copiedHere(const DockerfileContext& ctx, const CopiedFiles& copies, size_t stage, size_t instruction,
                                      const std::string& fileName) {
  for (std::optional<size_t> s = stage; s; s = ctx.model.stages[*s].parentStage) {
    const auto inStage = copies.find(*s);
    if (inStage == copies.end()) continue;
    const auto named = inStage->second.find(fileName);
    if (named == inStage->second.end()) continue;
    const auto& list = named->second;
    const auto after = std::lower_bound(list.begin(), list.end(), std::pair<size_t, size_t>{instruction, 0});
    if (after == list.begin()) continue;
    const auto [index, arg] = *std::prev(after);
    const auto& in = ctx.instruction(index);
    const auto* from = in.flag("from");
    return PackageCopy{{in.args[arg].span, from ? "copied here from '" + from->value() + "'" : "copied here"}, from == nullptr};
  }
  return std::nullopt;
}

void addBroken(std::vector<Platform>& into, const std::vector<Platform>& more) {
  for (const auto& p : more) {
    if (std::find(into.begin(), into.end(), p) == into.end()) into.push_back(p);
  }
}

// `apt-get install -y $PACKAGES` with `ENV PACKAGES="msodbcsql17 unixodbc-dev"`: the names a
// variable holds for every target (split into words, as the shell does with an unquoted
// expansion), judged like names written out; the finding points at where it was set.
void lacksThroughValues(const DockerfileContext& ctx, const dockerfile::RunScript& run, const shell::Word& word,
                        Installer installer, const std::vector<data::ArchOnlyPackage>& extra, std::vector<Lack>& lacks) {
  if (installer != Installer::Apt && installer != Installer::Pip) return;
  const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, run, word.literal);
  if (!fixed) return;
  const auto ecosystem = installer == Installer::Pip ? data::Ecosystem::Pip : data::Ecosystem::Apt;
  std::vector<std::string> parts;  // split at blanks, as the shell splits an unquoted expansion
  for (size_t at = 0; at < fixed->value.size();) {
    const size_t begin = fixed->value.find_first_not_of(" \t\n", at);
    if (begin == std::string::npos) break;
    const size_t end = std::min(fixed->value.find_first_of(" \t\n", begin), fixed->value.size());
    parts.push_back(fixed->value.substr(begin, end - begin));
    at = end;
  }
  for (const auto& part : parts) {
    std::string name = part.substr(0, part.find_first_of("=<>!~[;"));
    if (installer == Installer::Apt) name = name.substr(0, name.find(':'));
    if (name.empty() || name[0] == '-') continue;
    const auto* package = data::findArchOnlyPackage(ecosystem, name, extra);
    if (!package) continue;
    const auto broken = ctx.stages->brokenWhere(run.stage, [&](const Platform& target) { return package->existsFor(target); });
    const auto* source = fixed->bringing(name);
    if (broken.empty() || !source) continue;
    const auto& definition = ctx.instruction(source->second.instruction);
    lacks.push_back({"'" + name + "' (from $" + source->first + ", set by " + text::upper(definition.command) + " on line " +
                         std::to_string(definition.startLine) + "), which is published for " +
                         architecturesText(package->architectures) + " only",
                     run.script.source.span(word.begin, word.end),
                     broken,
                     package->note.empty() ? "install it only where it exists (in an arch switch), or use a portable alternative"
                                           : package->note,
                     {{definition.span, source->first + " is set here"}}});
  }
}

// The lacks of one install command, in word order.
std::vector<Lack> lacksOf(const DockerfileContext& ctx, const dockerfile::RunScript& run, const shell::Command& command,
                          const std::vector<data::ArchOnlyPackage>& extra, const std::vector<bool>& crossStages,
                          const std::vector<std::set<std::string>>& addedToDpkg, const FetchedBefore& fetchedBefore,
                          const CopiedFiles& copies, FilesFromContext& fromContext) {
  std::vector<Lack> lacks;
  const auto words = programWords(command);
  size_t first = 0;
  const Installer installer = installerOf(words, first);
  if (installer == Installer::None) return lacks;
  const size_t stage = run.stage;
  // A command that installs the cross compilers for amd64 and arm64 alike is a cross setup
  // written to run on either (the release's packaging then has both); one that adds only a
  // foreign one is judged.
  std::set<std::string> crossTargets;
  for (size_t i = first; i < words.size(); ++i) {
    if (const auto target = crossCompilerTarget(words[i]->literal)) crossTargets.insert(target->architecture);
  }
  const bool judgeCrossCompilers = installer == Installer::Apt && !(crossTargets.count("amd64") && crossTargets.count("arm64")) &&
                                   baseBeforeTripletPackaging(ctx, stage);
  for (size_t i = first; i < words.size(); ++i) {
    const shell::Word& word = *words[i];
    const std::string& value = word.literal;
    if (word.archVarying || value.empty()) continue;
    const Span span = run.script.source.span(word.begin, word.end);
    // pip --platform manylinux2014_x86_64
    if (installer == Installer::Pip && (value == "--platform" || text::startsWith(value, "--platform="))) {
      const std::string platformValue =
          value == "--platform" ? (i + 1 < words.size() ? words[i + 1]->literal : "") : value.substr(11);
      for (const auto& token : vocab::findArchTokens(platformValue)) {
        const auto broken = ctx.brokenBy(stage, token.platform);
        if (broken.empty()) continue;
        lacks.push_back({"wheels for '" + platformValue + "' (pip --platform)", span, broken,
                         "drop --platform so pip picks the target's wheels"});
        break;
      }
      continue;
    }
    if (value[0] == '-') continue;
    if (value.find('$') != std::string::npos) lacksThroughValues(ctx, run, word, installer, extra, lacks);
    // A local package file built for one architecture.
    if (const auto arch = packageFileArch(value)) {
      // A package of an architecture the stage adds to dpkg is a multiarch package: amd64 runs
      // i386 code, and where a target cannot, MA112 reports the added architecture once. An i686
      // rpm installs on x86_64 without that: rpm, yum and dnf take it as a multilib package, as
      // they take glibc.i686.
      const bool multilibRpm = arch->architecture == "386" && text::endsWith(value, ".rpm");
      const auto broken = addedToDpkg[stage].count(arch->architecture)                       ? std::vector<Platform>{}
                          : multilibRpm || baseMayHaveForeignArchitectures(ctx.model, stage) ? ctx.programBrokenBy(stage, *arch)
                                                                                             : ctx.brokenBy(stage, *arch);
      if (!broken.empty() && !fetchedBefore.fetched(baseName(value))) {
        const auto copy = copiedHere(ctx, copies, stage, run.instruction, baseName(value));
        // Copied in from the build context under its architecture's name: MA150 reports that
        // COPY, where the package enters the image, and the install is the same mistake
        // (peng49/convert-server: COPY ./wkhtmltox_..._amd64.deb, then apt install of it).
        if (copy && copy->fromBuildContext && packageFileArch(baseName(value))) continue;
        if (!copy && packageFileArch(baseName(value)) && fromContext.heldBefore(stage, run.instruction, baseName(value))) {
          continue;
        }
        std::vector<FindingSink::RelatedSpan> related;
        if (copy) related.push_back(copy->span);
        lacks.push_back(
            {"'" + baseName(value) + "', " + text::withArticle(arch->architecture) + " package", span, broken,
             "download the package for the target architecture (use ${TARGETARCH} or `dpkg --print-architecture` in its name)",
             std::move(related)});
      }
      continue;
    }
    // pkg:i386 / pkg:amd64 multiarch qualifiers (next to a cross toolchain they are its sysroot).
    const size_t colon = value.rfind(':');
    if ((installer == Installer::Apt) && colon != std::string::npos && !crossStages[stage]) {
      if (const auto arch = parsePlatform(value.substr(colon + 1))) {
        // On a base that may have added the architecture itself (not a Docker Official Image),
        // only the targets that cannot run its code are known to break.
        const auto broken = addedToDpkg[stage].count(arch->architecture)        ? std::vector<Platform>{}
                            : baseMayHaveForeignArchitectures(ctx.model, stage) ? ctx.programBrokenBy(stage, *arch)
                                                                                : ctx.brokenBy(stage, *arch);
        if (!broken.empty()) {
          lacks.push_back({"'" + value + "', the " + arch->architecture + " build", span, broken,
                           "drop the architecture qualifier, or install it only in an arch switch"});
        }
        continue;
      }
    }
    // yum install foo.x86_64
    if (installer == Installer::Rpm) {
      const size_t dot = value.rfind('.');
      const std::string suffix = dot == std::string::npos ? "" : value.substr(dot + 1);
      if (suffix == "x86_64" || suffix == "i686" || suffix == "aarch64" || suffix == "ppc64le" || suffix == "s390x") {
        const auto arch = parsePlatform(suffix);
        // An x86_64 repository carries the i686 multilib builds (glibc.i686, libstdc++.i686):
        // dnf and yum install them on amd64 as on 386.
        const auto broken = !arch              ? std::vector<Platform>{}
                            : suffix == "i686" ? ctx.programBrokenBy(stage, *arch)
                                               : ctx.brokenBy(stage, *arch);
        if (!broken.empty()) {
          lacks.push_back({"'" + value + "', the " + arch->architecture + " build", span, broken,
                           "drop the ." + suffix + " suffix so the package manager picks the target's build"});
        }
        continue;
      }
    }
    // A named package with builds for some architectures only.
    std::string name = value.substr(0, value.find_first_of("=<>!~[;"));
    if (installer == Installer::Apt) name = name.substr(0, name.find(':'));
    if (installer == Installer::Apt && crossCompilerTarget(name)) {
      if (!judgeCrossCompilers) continue;
      if (const auto target = crossCompilerTarget(name)) {
        const auto broken = ctx.stages->brokenWhere(
            stage, [&](const Platform& platform) { return platform.architecture != target->architecture; });
        if (!broken.empty()) {
          lacks.push_back({"'" + name + "', a cross compiler for " + target->architecture +
                               " that the archive builds only for hosts of other architectures (the native compiler is "
                               "that one there)",
                           span, broken,
                           "install it only where the target is foreign (in an arch switch), or use gcc itself there"});
        }
        continue;
      }
    }
    if (installer != Installer::Apt && installer != Installer::Pip && installer != Installer::Playwright) continue;
    const auto ecosystem = installer == Installer::Pip          ? data::Ecosystem::Pip
                           : installer == Installer::Playwright ? data::Ecosystem::Playwright
                                                                : data::Ecosystem::Apt;
    if (const auto* package = data::findArchOnlyPackage(ecosystem, name, extra)) {
      const auto broken = ctx.stages->brokenWhere(stage, [&](const Platform& target) { return package->existsFor(target); });
      if (broken.empty()) continue;
      lacks.push_back(
          {"'" + name + "', which is published for " + architecturesText(package->architectures) + " only", span, broken,
           package->note.empty() ? "install it only where it exists (in an arch switch), or use a portable alternative"
                                 : package->note});
    }
  }
  return lacks;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const auto extra = data::extraPackages(ctx.options ? ctx.options->extraArchOnlyPackages : std::vector<std::string>{});
  const auto crossStages = stagesInstallingCrossToolchain(ctx.model);
  const auto addedToDpkg = architecturesAddedToDpkg(ctx.model);
  const auto copies = copiedFiles(ctx);
  FilesFromContext fromContext(ctx, copies);
  // The downloads of the stage's RUNs so far and of the stages it is built FROM: a package
  // fetched by one RUN and installed by the next is one mistake too (HubbeKing/autoapply:
  // `RUN curl -LO .../sops_${V}_amd64.deb`, then `RUN dpkg -i sops_${V}_amd64.deb`).
  std::map<size_t, StageDownloads> fetchedInStage;
  // What each stage has been reported installing: the same package named by a second install
  // (`apt-get install ./x_amd64.deb` and `dpkg -i x_amd64.deb`, a retry after `||`) is the
  // same mistake, reported at its first install.
  std::map<size_t, std::set<std::string>> reportedInStage;
  // The values BuildKit gives the download words that hold a Dockerfile variable (`curl
  // $MYSQL_DOWNLOAD_URL` with the URL in an ENV), kept alive for the views above.
  std::deque<std::string> expandedWords;
  for (const auto& run : ctx.model.scripts) {
    const auto own = downloadWords(run.script);
    if (!own.empty()) {
      std::vector<std::string_view> expanded;
      for (const std::string_view word : own) {
        if (word.find('$') == std::string_view::npos) continue;
        const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, run, std::string(word));
        if (fixed && fixed->value != word) expanded.push_back(expandedWords.emplace_back(fixed->value));
      }
      auto& stageDownloads = fetchedInStage[run.stage];
      stageDownloads.add(own);
      stageDownloads.add(expanded);
    }
    const FetchedBefore fetchedBefore{&fetchedInStage, &ctx.model, run.stage};
    // One instruction is one mistake (issue 9: group per instruction): the packages of all its
    // install commands are listed in one finding, at the first (Kurento/kurento's RUNs that
    // build two packages and `apt install` each by an amd64 name, Part TT).
    std::vector<Lack> lacks;
    for (const auto& command : run.script.commands) {
      if (command.insideArchBranch()) continue;
      auto found = lacksOf(ctx, run, command, extra, crossStages, addedToDpkg, fetchedBefore, copies, fromContext);
      auto& reported = reportedInStage[run.stage];
      std::erase_if(found, [&](const auto& lack) { return !reported.insert(lack.what).second; });
      for (auto& lack : found) lacks.push_back(std::move(lack));
    }
    if (lacks.empty()) continue;
    std::vector<Platform> broken;
    std::vector<std::string> what;
    std::vector<FindingSink::RelatedSpan> related;
    for (const auto& lack : lacks) {
      addBroken(broken, lack.broken);
      what.push_back(lack.what);
      related.insert(related.end(), lack.related.begin(), lack.related.end());
    }
    out.report(rule, lacks.front().span, "installs " + text::join(what, "; ") + ": breaks " + platformList(broken),
               lacks.front().fix, std::move(related), broken);
  }
}

}  // namespace

extern const DockerfileRule kMA111 = {
    {.id = "MA111",
     .slug = "arch-only-package",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "Installs a package that has no build for a target platform",
     .what =
         "apt/yum/dnf/pip installs of packages published for some architectures only (msodbcsql17, mssql-tools, "
         "google-chrome-stable where a target is neither amd64 nor arm64 (Google has published it for arm64 too since "
         "July 2026, Chrome 150 and later), libc6-i386, gcc-multilib, lib32*, mkl, intel-openmp, daal4py, "
         "scikit-learn-intelex, onednn-*: data/arch-only-packages.json, extendable with "
         "`extra-arch-only-packages:` in the configuration), `pkg:amd64`/`pkg:i386` qualifiers, yum `*.x86_64` "
         "(and `*.i686` where the target cannot run x86 code: an x86_64 repository carries the i686 multilib builds), "
         "local `*_amd64.deb` / `*.x86_64.rpm` / `*_x86_64.whl` files (an `*.i686.rpm` only where the target cannot run "
         "x86 code: rpm installs it on x86_64 as a multilib package), `pip --platform manylinux*_x86_64`, and "
         "browsers `playwright install` fetches for x86-64 only (chrome, msedge), and Debian/Ubuntu cross compilers "
         "(gcc-N-aarch64-linux-gnu) on the platform they target, where the archive does not build them (a base image that "
         "names a release before trixie's and noble's triplet packaging of GCC, and not a command that installs "
         "the amd64 and arm64 cross compilers together); "
         "outside an architecture switch. A qualified package or local package file of an architecture the stage adds "
         "with `dpkg --add-architecture` (`libc6:i386` after `dpkg --add-architecture i386`) is a Debian multiarch "
         "package, installed beside the native ones: not reported here, since amd64 runs i386 code and MA112 reports "
         "the added architecture where a target cannot. The same holds of a stage built FROM one that adds it. On a "
         "base image that is not a Docker Official Image (which has the native architecture only), the base may have "
         "added it itself (SteamCMD images add i386 for SteamCMD, a 32-bit program): there `libtinfo5:i386` is reported "
         "only for the targets that cannot run i386 code. Package names held in a variable (`apt-get install -y $PACKAGES`) are "
         "judged by the value BuildKit gives it for every target (ARG and ENV defaults), pointing at where it is "
         "set. A local package file that a COPY or ADD put into the stage (also `COPY --from` of a build stage "
         "that makes packages named for the machine it runs on, as dpkg-buildpackage does) is reported at the "
         "install, pointing at that COPY: on the other platforms the file is not there, so the COPY fails first. "
         "One copied from the build context under its architecture's name (`COPY ./agent_2.1_amd64.deb /tmp/`) is "
         "reported once, by MA150 at that COPY, where the package enters the image (also when a `COPY --from` of "
         "the stage it entered brings it on, as a directory); the install of it is the same "
         "mistake, as the install of a package MA110 reports downloading (in the same RUN, an earlier RUN of the stage "
         "or of a stage it is built FROM, by name, through a shell pattern or through the URL variable's value) is, and the "
         "install of a package unpacked from an archive of the same product downloaded for the same architecture (the "
         "RPMs of MySQL's `mysql-5.7.20-1.el7.x86_64.rpm-bundle.tar`, fetched and untarred). One instruction gives one "
         "finding, listing what all its install commands lack.",
     .why = "On a platform without that build the package manager fails (`Unable to locate package`, `No matching "
            "distribution found`), or installs the wrong architecture's files.",
     .example = "FROM debian\n"
                "RUN ACCEPT_EULA=Y apt-get install -y msodbcsql17\n"
                "# MA111",
     .fix = "Use a portable alternative (Debian's chromium, msodbcsql18), or install it only in the arms of an "
            "architecture switch where it exists.",
     .bad =
         {"FROM node:20\nRUN npx playwright install --with-deps chromium msedge\n",
          "FROM debian\nRUN ACCEPT_EULA=Y apt-get install -y msodbcsql17 mssql-tools\n",
          "FROM python:3.12\nRUN pip install --no-cache-dir scikit-learn-intelex==2024.1\n",
          "FROM debian\nRUN dpkg -i /tmp/vendor-agent_2.1_amd64.deb\n", "FROM fedora\nRUN dnf install -y glibc.i686\n",
          "FROM debian\nRUN apt-get install -y libc6:i386\n",
          "FROM ubuntu:jammy\nARG GCC_VERSION=12\nRUN apt-get install -y gcc-${GCC_VERSION}-aarch64-linux-gnu\n",
          "FROM debian\nENV ODBC_PACKAGES=\"msodbcsql17 unixodbc-dev\"\nRUN ACCEPT_EULA=Y apt-get install -y $ODBC_PACKAGES\n"},
     .good =
         {"FROM node:20\nRUN npx playwright install --with-deps chromium firefox webkit\n",
          "FROM debian\nRUN apt-get install -y chromium\n",
          "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends google-chrome-stable\n",
          "FROM debian\nRUN case \"$(dpkg --print-architecture)\" in amd64) apt-get install -y google-chrome-stable ;; "
          "*) apt-get install -y chromium ;; esac\n",
          "FROM debian\nRUN dpkg -i \"/tmp/agent_2.1_$(dpkg --print-architecture).deb\"\n",
          "FROM python:3.12\nRUN pip install numpy scikit-learn\n",
          "FROM --platform=linux/amd64 ubuntu:jammy\nRUN apt-get install -y gcc-12-aarch64-linux-gnu binutils-aarch64-linux-gnu\n",
          "FROM debian\nENV ODBC_PACKAGES=\"msodbcsql18 unixodbc-dev\"\nRUN ACCEPT_EULA=Y apt-get install -y $ODBC_PACKAGES\n"}},
    check};

}  // namespace mal::rules
