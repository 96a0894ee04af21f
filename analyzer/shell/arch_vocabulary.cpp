#include "analyzer/shell/arch_vocabulary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "analyzer/glob.h"
#include "analyzer/text_util.h"

namespace mal::data {
extern const std::string_view k_arch_vocabulary_json;
extern const std::string_view k_one_architecture_images_json;
}

namespace mal::vocab {
namespace {

struct Vocabulary {
  int version = 0;
  std::vector<std::pair<std::string, Platform>> tokens;  // longest first
  std::vector<std::vector<std::string>> probes;
  std::map<std::string, std::vector<std::string>> probeArguments;  // command -> lowercased fragments
  std::vector<std::string> probeFiles;
  std::vector<std::string> platformVariables;
  std::vector<std::string> x86OnlySuffixes;
};

const Vocabulary& vocabulary() {
  static const Vocabulary v = [] {
    Vocabulary out;
    const auto json = nlohmann::json::parse(data::k_arch_vocabulary_json);
    out.version = json.at("version").get<int>();
    for (const auto& [token, platform] : json.at("tokens").items()) {
      out.tokens.emplace_back(text::lower(token), *parsePlatform(platform.get<std::string>()));
    }
    std::sort(out.tokens.begin(), out.tokens.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    out.probes = json.at("probeCommands").get<std::vector<std::vector<std::string>>>();
    for (const auto& [command, fragments] : json.at("probeArguments").items()) {
      if (command == "comment") continue;
      for (const auto& fragment : fragments) out.probeArguments[command].push_back(text::lower(fragment.get<std::string>()));
    }
    out.probeFiles = json.at("probeFiles").get<std::vector<std::string>>();
    out.platformVariables = json.at("platformVariables").get<std::vector<std::string>>();
    out.x86OnlySuffixes = json.at("x86OnlyAssets").at("suffixes").get<std::vector<std::string>>();
    return out;
  }();
  return v;
}

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::vector<ArchToken> findArchTokens(std::string_view input) {
  const std::string lowered = text::lower(input);
  std::vector<ArchToken> found;
  for (size_t i = 0; i < lowered.size(); ++i) {
    // A token begins after a non-alphanumeric character, or where a camel-case word begins
    // after a lower-case letter: `ps3netsrv_linuxX86_64` (aldostools/webMAN-MOD's release
    // names), `LinuxArm64`. The token must still end at a boundary, so `isArmada` is no arm.
    const bool camelCaseStart = i > 0 && input[i - 1] >= 'a' && input[i - 1] <= 'z' && input[i] >= 'A' && input[i] <= 'Z';
    if (i > 0 && isAlnum(lowered[i - 1]) && !camelCaseStart) continue;
    for (const auto& [token, platform] : vocabulary().tokens) {
      if (lowered.compare(i, token.size(), token) != 0) continue;
      size_t end = i + token.size();
      // `x86-64bits`, `x86_64bit` (coturn's turnserver-...-x86-64bits.tar.gz): x86-64 with its
      // width spelled after it, not `x86` (i386) and something else.
      if ((token == "x86-64" || token == "x86_64") && lowered.compare(end, 3, "bit") == 0) {
        end += lowered.compare(end, 4, "bits") == 0 ? 4 : 3;
      }
      if (end < lowered.size() && isAlnum(lowered[end])) continue;
      found.push_back({i, end, std::string(input.substr(i, end - i)), platform});
      i = end - 1;
      break;
    }
  }
  return found;
}

// `grep -c ^processor /proc/cpuinfo`: the number of CPUs, for `make -j` (derekmerck/
// old-docker-orthanc-xarch, Part ZZZZZZZZZZZZZZZZZZZJ; murphy85/docker-librespot-alsa's `cargo build
// --jobs`). /proc/cpuinfo has one `processor : N` line per CPU on every architecture, so a grep
// that counts them (-c) or lists them (an anchored `^processor`) prints numbers, never an architecture. A
// grep for other words there (`ARMv7`, `avx2`, `Hardware`) still tells architectures apart.
static bool countsProcessors(const std::string& command, const std::vector<std::string>& words) {
  if (command != "grep" && command != "egrep") return false;
  bool counts = false, processorPattern = false;
  for (size_t i = 1; i < words.size(); ++i) {
    // Options as written: `-c` counts, `-C 2` (context) does not.
    const std::string& option = words[i];
    const std::string word = text::lower(words[i]);
    if (option == "--count" ||
        (option.size() > 1 && option[0] == '-' && option[1] != '-' && option.find('c') != std::string::npos)) {
      counts = true;
    } else if (word.find("processor") != std::string::npos) {
      processorPattern = true;
      counts = counts || text::startsWith(word, "^processor");
    }
  }
  return counts && processorPattern;
}

bool isArchProbe(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  std::string name = words[0];
  if (const size_t slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  for (const auto& probe : vocabulary().probes) {
    if (probe[0] != name) continue;
    // Every further word of the probe must appear among the command's arguments
    // (`dpkg --print-architecture`, `rpm --eval '%{_arch}'`).
    bool all = true;
    for (size_t i = 1; i < probe.size() && all; ++i) {
      all = std::find(words.begin() + 1, words.end(), probe[i]) != words.end();
    }
    if (all) return true;
  }
  if (const auto it = vocabulary().probeArguments.find(name); it != vocabulary().probeArguments.end()) {
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string word = text::lower(words[i]);
      for (const auto& fragment : it->second) {
        if (word.find(fragment) != std::string::npos) return true;
      }
    }
  }
  // `cat /etc/apk/arch`, `grep ... /proc/cpuinfo`
  for (const auto& file : vocabulary().probeFiles) {
    if (std::find(words.begin() + 1, words.end(), file) != words.end()) return !countsProcessors(name, words);
  }
  return false;
}

bool isPlatformArchVariable(std::string_view name) {
  const auto& vars = vocabulary().platformVariables;
  return std::find(vars.begin(), vars.end(), name) != vars.end();
}

bool isAutomaticPlatformArg(std::string_view name) {
  return isPlatformArchVariable(name) || name == "TARGETOS" || name == "BUILDOS";
}

bool isX86OnlyAsset(std::string_view url) {
  std::string_view path = url.substr(0, url.find_first_of("?#"));
  for (const auto& suffix : vocabulary().x86OnlySuffixes) {
    if (text::endsWith(path, suffix)) return true;
  }
  return false;
}

int dataVersion() { return vocabulary().version; }

// The names a platform goes by in the probes' vocabularies (dpkg, uname, apk, GOARCH, ...).
static std::vector<std::string> namesOf(const Platform& p) {
  static const std::vector<std::pair<std::string, std::string>> kNames = {
      {"amd64", "amd64"},     {"amd64", "x86_64"},    {"amd64", "x86-64"}, {"amd64", "x64"},       {"arm64", "arm64"},
      {"arm64", "aarch64"},   {"arm64", "arm64v8"},   {"arm64", "armv8"},  {"arm", "armhf"},       {"arm", "armv7"},
      {"arm", "armv7l"},      {"arm", "arm"},         {"arm", "armel"},    {"arm", "armv6"},       {"arm", "armv6l"},
      {"arm", "arm32v7"},     {"386", "i386"},        {"386", "i686"},     {"386", "x86"},         {"386", "386"},
      {"ppc64le", "ppc64el"}, {"ppc64le", "ppc64le"}, {"s390x", "s390x"},  {"riscv64", "riscv64"},
  };
  std::vector<std::string> out = {p.str(), p.architecture};
  for (const auto& [arch, name] : kNames) {
    if (arch == p.architecture) out.push_back(name);
  }
  if (p.architecture == "arm" && p.variant == "v7") out.push_back("linux/arm/v7");
  return out;
}

bool switchPatternCovers(const std::string& pattern, const Platform& p) {
  // The pattern is a `case` arm of the Dockerfile: matched in linear time (analyzer/glob).
  const auto matcher = glob::compileShellPattern(pattern, false);
  for (const auto& name : namesOf(p)) {
    if (matcher.matches(name)) return true;
    // `*-amd64` style patterns against dpkg's full names and `${dpkgArch##*-}` idioms
    if (matcher.matches("linux-" + name)) return true;
  }
  return false;
}

std::optional<Platform> wholeWordPlatform(std::string_view written) {
  written = text::withoutQuotes(written);
  if (written.empty()) return std::nullopt;
  if (text::startsWith(written, "linux/")) return parsePlatform(std::string(written));
  const auto tokens = findArchTokens(written);
  if (tokens.size() != 1 || tokens[0].begin != 0 || tokens[0].end != written.size()) return std::nullopt;
  return tokens[0].platform;
}

std::optional<Platform> dockerHubArchNamespace(std::string_view word) {
  static const std::pair<std::string_view, std::string_view> kNamespaces[] = {
      {"amd64", "linux/amd64"},     {"arm64v8", "linux/arm64"},     {"arm32v7", "linux/arm/v7"},  {"arm32v6", "linux/arm/v6"},
      {"arm32v5", "linux/arm/v5"},  {"i386", "linux/386"},          {"ppc64le", "linux/ppc64le"}, {"s390x", "linux/s390x"},
      {"riscv64", "linux/riscv64"}, {"mips64le", "linux/mips64le"}, {"armhf", "linux/arm/v7"},    {"aarch64", "linux/arm64"},
      {"armel", "linux/arm/v5"}};
  const std::string lowered = text::lower(word);
  for (const auto& [name, platform] : kNamespaces) {
    if (lowered == name) return parsePlatform(std::string(platform));
  }
  return std::nullopt;
}

namespace {

// data/one-architecture-images.json "hardware", read once: every word with its platform, and
// the words marked `imageName` (read in image names as well as file names).
struct HardwareVocabulary {
  std::vector<std::pair<std::string, Platform>> words;
  std::set<std::string, std::less<>> wordsNamingImages;
};

const HardwareVocabulary& hardwareVocabulary() {
  static const auto vocabulary = [] {
    HardwareVocabulary out;
    const auto json = nlohmann::json::parse(data::k_one_architecture_images_json);
    for (const auto& entry : json.at("hardware")) {
      std::string word = text::lower(entry.at("word").get<std::string>());
      if (entry.value("imageName", false)) out.wordsNamingImages.insert(word);
      out.words.emplace_back(std::move(word), *parsePlatform(entry.at("platform").get<std::string>()));
    }
    return out;
  }();
  return vocabulary;
}

}  // namespace

const std::vector<std::pair<std::string, Platform>>& oneArchitectureHardware() { return hardwareVocabulary().words; }

bool hardwareWordNamesImages(std::string_view word) { return hardwareVocabulary().wordsNamingImages.count(word) > 0; }

std::optional<Platform> oneArchitectureHardwareNamed(std::string_view word) {
  for (const auto& [name, platform] : oneArchitectureHardware()) {
    if (name == word) return platform;
  }
  return std::nullopt;
}

}  // namespace mal::vocab
