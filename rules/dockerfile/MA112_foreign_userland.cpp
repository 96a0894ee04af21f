// MA112: a foreign architecture added to the package system: `dpkg --add-architecture
// i386`, or an apt source pinned to one architecture (`deb [arch=amd64] ...`).
#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/message_values.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// The platforms that can run a Debian architecture's packages natively.
std::vector<std::string> runnableOn(const std::string& debianArch) {
  if (debianArch == "i386") return {"amd64", "386"};
  if (debianArch == "armhf" || debianArch == "armel") return {"arm", "arm64"};
  const auto p = parsePlatform(debianArch);
  return p ? std::vector<std::string>{p->architecture} : std::vector<std::string>{};
}

std::vector<Platform> brokenBy(const DockerfileContext& ctx, size_t stage, const std::vector<std::string>& debianArchs) {
  return ctx.stages->brokenWhere(stage, [&](const Platform& target) {
    for (const auto& arch : debianArchs) {
      const auto runs = runnableOn(arch);
      if (std::find(runs.begin(), runs.end(), target.architecture) != runs.end()) return true;
    }
    return false;
  });
}

// The value of `arch=` inside the `[...]` options of a `deb` line, or empty.
std::string aptArchOption(const std::string& line) {
  const size_t open = line.find('[');
  const size_t close = open == std::string::npos ? std::string::npos : line.find(']', open);
  if (close == std::string::npos) return {};
  const std::string options = line.substr(open + 1, close - open - 1);
  for (const auto& option : text::split(options, ' ')) {
    if (!text::startsWith(option, "arch=")) continue;
    const std::string value = option.substr(5);
    const bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == ',' ||
             c == '-';
    });
    return plain ? value : std::string();
  }
  return {};
}

// Ubuntu's primary archive, `archive.ubuntu.com/ubuntu` and every mirror of it at `/ubuntu`,
// carries amd64 and i386 only; the other architectures (arm64, armhf, ppc64el, s390x, riscv64)
// are on `ports.ubuntu.com/ubuntu-ports` and the mirrors' `/ubuntu-ports`. A `deb` line for the
// primary archive and an Ubuntu release (`focal`, `jammy-updates`) written into an image's
// sources breaks `apt-get update` on those platforms (404 for binary-arm64). Known archive hosts
// only: `*.ubuntu.com` and mirror hosts (`mirrors.aliyun.com`, `mirror.kakao.com`), since other
// repositories also keep an `/ubuntu` path per release and serve every architecture
// (download.docker.com/linux/ubuntu, PPAs, repo.mongodb.org/apt/ubuntu).
bool isUbuntuPrimaryArchive(const std::string& url, const std::string& suite) {
  static const std::set<std::string> kReleases = {"trusty", "xenial", "bionic",  "cosmic",   "disco",  "eoan",
                                                  "focal",  "groovy", "hirsute", "impish",   "jammy",  "kinetic",
                                                  "lunar",  "mantic", "noble",   "oracular", "plucky", "questing"};
  const std::string release = text::lower(suite.substr(0, suite.find('-')));
  if (kReleases.count(release) == 0) return false;
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) return false;
  const std::string host = text::lower(url.substr(scheme + 3, slash - scheme - 3));
  std::string path = text::lower(url.substr(slash));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path != "/ubuntu") return false;
  const bool ubuntuHost =
      host == "archive.ubuntu.com" || host == "security.ubuntu.com" || text::endsWith(host, ".archive.ubuntu.com");
  const bool mirrorHost = text::startsWith(host, "mirror.") || text::startsWith(host, "mirrors.");
  return ubuntuHost || mirrorHost;
}

// The architectures a repository serves, when its URL says so.
struct RepositoryArchitectures {
  std::string architectures;  // comma-separated Debian names; empty: the URL does not say
  std::string token;          // the architecture as the URL writes it (`x86_64`); empty for Ubuntu's archive
  bool ubuntuPrimaryArchive = false;
};

// A `deb URL suite ...` line with no arch= option whose repository URL names one
// architecture (`.../cuda/repos/ubuntu2204/x86_64 /`), or that is Ubuntu's primary archive: apt
// reads that index on every platform, and it lists only those architectures' packages. A URL
// built from a variable or a probe is left alone.
RepositoryArchitectures repositoryArchitecture(const std::string& line) {
  const std::string trimmed = text::trim(line);
  size_t at = 0;
  if (text::startsWith(trimmed, "deb ")) {
    at = 4;
  } else if (text::startsWith(trimmed, "deb-src ")) {
    at = 8;
  } else {
    return {};
  }
  while (at < trimmed.size() && trimmed[at] == ' ') ++at;
  if (at < trimmed.size() && trimmed[at] == '[') {
    const size_t close = trimmed.find(']', at);
    if (close == std::string::npos) return {};
    at = close + 1;
    while (at < trimmed.size() && trimmed[at] == ' ') ++at;
  }
  const size_t urlEnd = trimmed.find_first_of(" \t", at);
  const std::string url = trimmed.substr(at, urlEnd - at);
  if (url.find("://") == std::string::npos || url.find('$') != std::string::npos) return {};
  const auto tokens = vocab::findArchTokens(url);
  if (tokens.empty()) {
    const std::string suite = urlEnd == std::string::npos ? "" : text::trim(trimmed.substr(urlEnd));
    // Binary indexes only: a `deb-src` line fetches Sources, which the primary archive has for
    // every architecture.
    if (text::startsWith(trimmed, "deb ") && isUbuntuPrimaryArchive(url, suite.substr(0, suite.find_first_of(" \t")))) {
      return {.architectures = "amd64,i386", .token = "", .ubuntuPrimaryArchive = true};
    }
    return {};
  }
  return {.architectures = tokens.front().platform.architecture, .token = tokens.front().token};
}

// Does the command install packages (apt-get/apt/aptitude install without --download-only,
// dpkg -i, the install_packages wrappers of Debian-based images)? `apt-get download` and
// `dpkg --extract` only fetch and unpack files.
bool installsPackages(const shell::Command& command) {
  const auto words = programWords(command);
  if (words.empty()) return false;
  const std::string name = baseName(words[0]->literal);
  if (name == "install_packages" || name == "install-packages" || name == "apt-install") return true;
  bool install = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i]->literal;
    if (name == "dpkg" && (w == "-i" || w == "--install")) return true;
    if (w == "--download-only" || w == "-d") return false;
    install = install || w == "install" || w == "reinstall";
  }
  return install && (name == "apt-get" || name == "apt" || name == "aptitude");
}

// Packages of Debian architecture `arch` that `apt-get install NAME` brings without a `:arch`
// suffix: NAME exists for no other architecture apt could choose on amd64 (Debian's wine32,
// Architecture: i386 armel armhf; steamcmd, i386), or is a Wine package, the reason images add
// i386 at all (WineHQ's winehq-stable and wine-staging depend on their `-i386` halves, and
// Debian's wine on wine32 for 32-bit programs), or is named for i386 (`wine-staging-i386`).
bool foreignOnlyPackage(std::string_view name, std::string_view arch) {
  if (arch != "i386") return false;
  return name == "steamcmd" || name.starts_with("wine") || name.ends_with("-i386");
}

// Does the command install packages of Debian architecture `arch`: a `name:arch` argument,
// a package only that architecture has, a local `.deb` file (its architecture is its own), or
// a package list this scan cannot read (`$PACKAGES`, `$(cat list)`), which may be any of those?
// Native packages alone (`build-essential` after `--add-architecture i386`) install nothing of
// it: apt-get update reads or skips the added architecture's indexes ("doesn't support
// architecture" where a mirror has none, as Ubuntu's ports mirror for i386) and installs the
// native ones.
bool installsPackagesOf(const shell::Command& command, std::string_view arch) {
  if (!installsPackages(command)) return false;
  const auto words = programWords(command);
  for (size_t i = 1; i < words.size(); ++i) {
    const shell::Word& word = *words[i];
    const std::string& w = word.literal;
    if (w.empty() || w[0] == '-') continue;
    if (!word.variables.empty() || word.hasCommandSubstitution) return true;
    if (text::endsWith(w, ".deb")) return true;
    const size_t colon = w.rfind(':');
    if (colon != std::string::npos && std::string_view(w).substr(colon + 1) == arch) return true;
    if (foreignOnlyPackage(w, arch)) return true;
  }
  return false;
}

// The packages the first install after command `index` of `run` names (in that RUN, else in
// the stage's later RUNs): nullopt when there is none or its list cannot be read (`$PACKAGES`,
// a local .deb).
std::optional<std::vector<std::string>> firstInstallAfter(const dockerfile::BuildModel& model, const dockerfile::RunScript& run,
                                                          size_t index) {
  auto namesOf = [](const shell::Command& command) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> names;
    const auto words = programWords(command);
    bool afterVerb = false;
    for (size_t i = 1; i < words.size(); ++i) {
      const shell::Word& word = *words[i];
      const std::string& w = word.literal;
      if (!afterVerb) {
        afterVerb = w == "install";
        continue;
      }
      if (w.empty() || w[0] == '-') continue;
      if (!word.variables.empty() || word.hasCommandSubstitution || text::endsWith(w, ".deb")) return std::nullopt;
      names.push_back(w.substr(0, w.find_first_of("=:")));  // `mariadb-server=1:10.3.39+maria~bionic`
    }
    if (names.empty()) return std::nullopt;
    return names;
  };
  for (const auto& other : model.scriptsIn(run.stage)) {
    if (other.instruction < run.instruction) continue;
    for (size_t c = 0; c < other.script.commands.size(); ++c) {
      if (other.instruction == run.instruction && c <= index) continue;
      if (installsPackages(other.script.commands[c])) return namesOf(other.script.commands[c]);
    }
  }
  return std::nullopt;
}

// Are packages of Debian architecture `arch` installed in the stage, or in a stage built on
// it? A foreign architecture added where none is installed only serves to download that
// architecture's .debs (to unpack them for a target chosen later, as `COPY --from=debs
// /install-${TARGETARCH}` does), or is left over: no foreign code runs in that stage.
bool packagesOfInstalledIn(const dockerfile::BuildModel& model, size_t stage, std::string_view arch) {
  for (const auto& run : model.scriptsIn(stage)) {
    for (const auto& command : run.script.commands) {
      if (installsPackagesOf(command, arch)) return true;
    }
  }
  for (const auto& later : model.stages) {
    if (later.parentStage == stage && packagesOfInstalledIn(model, later.index, arch)) return true;
  }
  return false;
}

// The file a command replaces (`cmd > FILE`, `cmd | tee FILE`); empty when it appends or
// writes nowhere this scan can read.
std::string fileReplacedBy(const shell::Script& script, size_t index) {
  const OutputFile output = outputFileOf(script, index);
  return output.appends ? std::string() : output.path;
}

// The file a command's output goes to, replaced or appended to.
std::string fileWrittenBy(const shell::Script& script, size_t index) { return outputFileOf(script, index).path; }

// The architectures each apt source file of a stage is written for, over all its `deb
// [arch=...]` lines: `echo "deb [arch=arm64] .../arm64 ..." | tee x.list` then `echo "deb
// [arch=amd64] .../amd64 ..." | tee -a x.list` (supabase/postgres' Salt repository) is one
// list that serves both. apt reads every line and keeps those whose arch= option names its
// own architecture (sources.list(5)), so the file fails only a platform none of them names.
// Each architecture once: a stage that writes the same list in every RUN would otherwise ask
// about it once per RUN at each of them (quadratic, audit H10).
std::map<std::string, std::set<std::string>> aptListArchitectures(const dockerfile::BuildModel& model, size_t stage) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& run : model.scriptsIn(stage)) {
    for (size_t index = 0; index < run.script.commands.size(); ++index) {
      const std::string file = fileWrittenBy(run.script, index);
      if (file.empty() || file.find('$') != std::string::npos) continue;
      for (const auto* word : programWords(run.script.commands[index])) {
        if (word->archVarying || word->literal.find("deb") == std::string::npos) continue;
        std::string archs = aptArchOption(word->literal);
        if (archs.empty()) archs = repositoryArchitecture(word->literal).architectures;
        if (archs.empty()) continue;
        for (const auto& arch : text::split(archs, ',')) out[file].insert(arch);
      }
    }
  }
  return out;
}

bool readsAptSources(const shell::Command& command) {
  const auto words = programWords(command);
  if (words.empty()) return false;
  const std::string name = baseName(words[0]->literal);
  return name == "apt-get" || name == "apt" || name == "aptitude" || name == "add-apt-repository";
}

// An apt source written to a file that a later command of the same RUN replaces before apt
// reads it (`echo "deb [arch=amd64] ..." | tee x.list` and then `curl .../prod.list | tee
// x.list`) never reaches apt.
bool replacedBeforeRead(const shell::Script& script, size_t index) {
  const std::string file = fileReplacedBy(script, index);
  if (file.empty() || file.find('$') != std::string::npos) return false;
  for (size_t k = index + 1; k < script.commands.size(); ++k) {
    if (readsAptSources(script.commands[k])) return false;
    if (script.commands[k].begin >= script.commands[index].end && fileReplacedBy(script, k) == file) return true;
  }
  return false;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const auto crossStages = stagesInstallingCrossToolchain(ctx.model);
  std::map<size_t, std::map<std::string, std::set<std::string>>> listArchs;
  // One list written line by line (`echo "deb ..." > sources.list && echo "deb ..." >>
  // sources.list`), in one RUN or in one RUN a line (brianlan/deb-deps-downloader's five
  // `RUN echo "deb http://mirrors.aliyun.com/ubuntu/ xenial..." >> /etc/apt/sources.list`, Part
  // ML), is one mistake of the stage: reported at its first line.
  std::set<std::pair<size_t, std::string>> reportedLists;
  for (const auto& run : ctx.model.scripts) {
    if (crossStages[run.stage]) continue;
    for (size_t index = 0; index < run.script.commands.size(); ++index) {
      const auto& command = run.script.commands[index];
      if (command.insideArchBranch()) continue;
      const auto words = programWords(command);
      if (words.empty()) continue;
      const std::string name = baseName(words[0]->literal);
      if (name == "dpkg") {
        for (size_t i = 1; i + 1 < words.size(); ++i) {
          if (words[i]->literal != "--add-architecture" || words[i + 1]->archVarying) continue;
          const std::string& written = words[i + 1]->literal;
          if (!packagesOfInstalledIn(ctx.model, run.stage, written)) continue;
          // `--add-architecture "$arch"` with `ARG arch=amd64` (mephi42/ctf's pwn environments,
          // Part MP): judged by the value, which on amd64 is the native architecture. A value
          // this file does not fix (a shell variable, a build argument without a default) is
          // not known to be foreign anywhere.
          std::string arch = written;
          if (written.find('$') != std::string::npos) {
            const auto value = expandedForEveryTarget(ctx, run.stage, run.instruction, written);
            if (!value) continue;
            arch = *value;
          }
          const auto broken = brokenBy(ctx, run.stage, {arch});
          if (broken.empty()) continue;
          out.report(
              rule, run.script.source.span(words[i]->begin, words[i + 1]->end),
              "adds the foreign architecture '" + written + "' to dpkg: its packages cannot run on " + platformList(broken),
              "add it only in an arch switch for the platforms that run " + arch + " code, or do without it", std::nullopt,
              broken);
        }
        continue;
      }
      // `echo "deb [arch=amd64 signed-by=...] https://... stable main" > /etc/apt/sources.list.d/x.list`
      for (const auto* word : words) {
        if (word->archVarying) continue;
        std::string archs = aptArchOption(word->literal);
        const auto repository = archs.empty() ? repositoryArchitecture(word->literal) : RepositoryArchitectures{};
        if (archs.empty()) archs = repository.architectures;
        if (archs.empty() || word->literal.find("deb") == std::string::npos) continue;
        if (replacedBeforeRead(run.script, index)) break;
        auto served = text::split(archs, ',');
        const std::string file = fileWrittenBy(run.script, index);
        if (!file.empty() && file.find('$') == std::string::npos) {
          if (!listArchs.count(run.stage)) listArchs[run.stage] = aptListArchitectures(ctx.model, run.stage);
          const auto& all = listArchs[run.stage][file];
          served.insert(served.end(), all.begin(), all.end());
        }
        // `arch=all`: apt reads the repository's binary-all index, the Architecture: all packages
        // every platform installs alike (kiowadriver/docker-derbynet_server's PHP application,
        // Part ZZZZZZZZZZZZR); no platform is worse off than another.
        if (std::find(served.begin(), served.end(), "all") != served.end()) continue;
        const auto broken = brokenBy(ctx, run.stage, served);
        if (broken.empty()) continue;
        // Its packages all the distribution's own as well (`[arch=amd64]` MariaDB repository, then
        // `apt-get install mariadb-server mariadb-client`): elsewhere apt skips the source and
        // installs the distribution's build, so nothing fails (ProboCI/docker-ubuntu, Part ZZZZZZA).
        if (const auto names = firstInstallAfter(ctx.model, run, index);
            names &&
            std::all_of(names->begin(), names->end(), [](const std::string& n) { return data::isDistributionAptPackage(n); })) {
          break;
        }
        if (!file.empty() && !reportedLists.insert({run.stage, file}).second) break;
        out.report(rule, run.script.source.span(word->begin, word->end),
                   repository.ubuntuPrimaryArchive
                       ? "writes an apt source for Ubuntu's primary archive ('/ubuntu', amd64 and i386 only): on " +
                             platformList(broken) +
                             " apt-get update finds no index (those platforms are on ports.ubuntu.com/ubuntu-ports)"
                   : repository.token.empty()
                       ? "writes an apt source limited to arch=" + archs + ": on " + platformList(broken) +
                             " apt finds none of its packages"
                       : "writes an apt source whose repository is the " + archs + " one ('" + repository.token +
                             "' in its URL): on " + platformList(broken) + " apt finds none of its packages",
                   "use arch=$(dpkg --print-architecture), or drop the arch option if the repository serves every platform",
                   std::nullopt, broken);
        break;
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA112 = {
    {.id = "MA112",
     .slug = "foreign-userland",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "Adds a foreign architecture's packages (dpkg --add-architecture, deb [arch=amd64])",
     .what = "`dpkg --add-architecture i386` (or amd64, ...) and apt sources pinned with `[arch=amd64]`, outside an "
             "architecture switch and not built from `$(dpkg --print-architecture)`. Not in a stage that installs a "
             "cross toolchain (crossbuild-essential-*, gcc-<triplet>, xx): there the foreign packages are a sysroot to "
             "link against. Not where none of the added architecture's packages is installed (in the stage or one "
             "built on it): a foreign architecture that only serves `apt-get download`, or that native installs follow "
             "(`apt-get install build-essential`), runs nothing of it; apt-get update reads its indexes, or skips them "
             "with a notice where a mirror has none (Ubuntu's ports mirror for i386). Its packages are `name:i386` "
             "arguments, packages only it has or that pull it in (wine32, steamcmd, WineHQ's and Debian's wine packages, "
             "`*-i386`), local `.deb` files and package lists the rule cannot "
             "read (`$PACKAGES`). Not an arch-limited source whose first install after it names only packages Debian and "
             "Ubuntu build themselves for every architecture (data/arch-only-packages.json `distributionApt`: MariaDB's "
             "`[arch=amd64]` repository, then `apt-get install mariadb-server mariadb-client`): elsewhere apt skips the "
             "source and installs the distribution's own build. Not when the file the source is written "
             "to is replaced by a later command of the same RUN before apt reads it (`| tee x.list` or `> x.list` "
             "again): that source never reaches apt. A source file is judged by all the `arch=` lines written to it in the "
             "stage (`> x.list`, then `>> x.list` or `| tee -a x.list`): apt keeps the lines whose arch= names its own "
             "architecture (sources.list(5)), so a list with an amd64 line and an arm64 line serves both. A `deb` line "
             "with no arch= option whose repository URL names one architecture (`.../repos/ubuntu2204/x86_64 /`) counts "
             "as limited to it: that index lists only its architecture's packages. So does a `deb` line for Ubuntu's "
             "primary archive and an Ubuntu release (`deb http://archive.ubuntu.com/ubuntu jammy main`, security.ubuntu.com, "
             "a country archive or a `mirror(s).` host at `/ubuntu`): it carries amd64 and i386 only, the other "
             "architectures are at `/ubuntu-ports` (ports.ubuntu.com), so `apt-get update` fails there with 404 for their "
             "indexes; other repositories with an `/ubuntu` path (download.docker.com, PPAs, repo.mongodb.org) serve every "
             "architecture and are not judged so. Not `arch=all`: apt reads the repository's binary-all index, whose "
             "Architecture: all packages every platform installs alike. A list written line by line in one RUN is one "
             "finding.",
     .why = "On other platforms the foreign packages cannot run (i386 code needs an x86 CPU), and a source pinned to "
            "amd64 offers nothing to arm64's apt: `Unable to locate package`.",
     .example = "FROM debian\n"
                "RUN dpkg --add-architecture i386 && apt-get update && apt-get install -y wine32\n"
                "# MA112",
     .fix = "Write `arch=$(dpkg --print-architecture)`; add a foreign architecture only in the arm of an arch switch "
            "for the platforms that can run it.",
     .bad = {"FROM debian\nRUN dpkg --add-architecture i386 && apt-get update && apt-get install -y wine32\n",
             "FROM debian\nRUN echo \"deb [arch=amd64 signed-by=/usr/share/keyrings/google.gpg] "
             "http://dl.google.com/linux/chrome/deb/ stable main\" > /etc/apt/sources.list.d/google.list\n",
             "FROM ubuntu:22.04\nRUN echo \"deb http://archive.ubuntu.com/ubuntu jammy main universe\" > /etc/apt/sources.list "
             "&& apt-get update\n"},
     .good =
         {"FROM ubuntu:22.04\nRUN sed -i 's/archive.ubuntu.com/mirrors.aliyun.com/g' /etc/apt/sources.list && apt-get update\n",
          "FROM debian\nRUN echo \"deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/docker.gpg] "
          "https://download.docker.com/linux/debian bookworm stable\" > /etc/apt/sources.list.d/docker.list\n",
          "FROM debian\nRUN if [ \"$(dpkg --print-architecture)\" = amd64 ]; then dpkg --add-architecture i386; fi\n",
          "FROM ubuntu\nRUN echo \"deb [arch=all] https://jeffpiazza.org/derbynet/debian stable main\" > "
          "/etc/apt/sources.list.d/derbynet.list && apt-get update && apt-get install -y derbynet-server\n",
          "FROM debian\nRUN dpkg --add-architecture i386 && apt-get update && apt-get install -y build-essential\n",
          "FROM --platform=$BUILDPLATFORM debian AS build\nARG TARGETARCH\nRUN dpkg --add-architecture arm64 && apt-get update && "
          "apt-get install -y crossbuild-essential-arm64 libssl-dev:arm64\n",
          "FROM --platform=$BUILDPLATFORM debian AS debs\nRUN dpkg --add-architecture arm64 && dpkg --add-architecture amd64\n"
          "RUN apt-get update && for a in arm64 amd64; do mkdir /debs-$a && cd /debs-$a && "
          "apt-get -o APT::Architecture=$a download libpq5; done\n"
          "FROM debian\nARG TARGETARCH\nCOPY --from=debs /debs-$TARGETARCH /debs\n"}},
    check};

}  // namespace mal::rules
