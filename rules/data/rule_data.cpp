#include "rules/data/rule_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "analyzer/text_util.h"

namespace mal::data {
extern const std::string_view k_arch_only_packages_json;
extern const std::string_view k_vendor_assets_json;
}

namespace mal::rules::data {
namespace {

struct Lists {
  int version = 0;
  std::vector<ArchOnlyPackage> apt, pip, playwright;
  std::vector<std::string> x86Flags, hostFlags;
  std::vector<std::string> distributionApt;
};

std::vector<ArchOnlyPackage> readPackages(const nlohmann::json& list) {
  std::vector<ArchOnlyPackage> out;
  for (const auto& entry : list) {
    ArchOnlyPackage p;
    p.name = entry.at("name").get<std::string>();
    p.prefix = !p.name.empty() && p.name.back() == '*';
    if (p.prefix) p.name.pop_back();
    p.architectures = entry.at("platforms").get<std::vector<std::string>>();
    p.note = entry.value("note", "");
    p.source = entry.value("source", "");
    out.push_back(std::move(p));
  }
  return out;
}

const Lists& lists() {
  static const Lists l = [] {
    Lists out;
    const auto json = nlohmann::json::parse(mal::data::k_arch_only_packages_json);
    out.version = json.at("version").get<int>();
    out.apt = readPackages(json.at("apt"));
    out.pip = readPackages(json.at("pip"));
    out.playwright = readPackages(json.at("playwright"));
    out.x86Flags = json.at("compilerFlags").at("x86Only").get<std::vector<std::string>>();
    out.hostFlags = json.at("compilerFlags").at("hostTuned").get<std::vector<std::string>>();
    for (const auto& entry : json.at("distributionApt").at("names"))
      out.distributionApt.push_back(entry.at("name").get<std::string>());
    return out;
  }();
  return l;
}

bool matchesPattern(std::string_view pattern, std::string_view value) {
  if (!pattern.empty() && pattern.back() == '*') return text::startsWith(value, pattern.substr(0, pattern.size() - 1));
  return pattern == value;
}

const std::vector<ArchOnlyPackage>& listOf(Ecosystem ecosystem) {
  switch (ecosystem) {
    case Ecosystem::Apt: return lists().apt;
    case Ecosystem::Pip: return lists().pip;
    case Ecosystem::Playwright: return lists().playwright;
  }
  return lists().apt;
}

const ArchOnlyPackage* find(const std::vector<ArchOnlyPackage>& list, std::string_view name) {
  for (const auto& p : list) {
    if (p.prefix ? text::startsWith(name, p.name) : name == p.name) return &p;
  }
  return nullptr;
}

}  // namespace

bool ArchOnlyPackage::existsFor(const Platform& p) const {
  return std::find(architectures.begin(), architectures.end(), p.architecture) != architectures.end();
}

std::vector<Platform> ArchOnlyPackage::missing(const std::vector<Platform>& targets) const {
  std::vector<Platform> out;
  for (const auto& t : targets) {
    if (!existsFor(t)) out.push_back(t);
  }
  return out;
}

const ArchOnlyPackage* findArchOnlyPackage(Ecosystem ecosystem, std::string_view name,
                                           const std::vector<ArchOnlyPackage>& extra) {
  const std::string lowered = text::lower(name);
  if (const auto* p = find(listOf(ecosystem), lowered)) return p;
  // The configuration's extra names are package names, not browsers.
  return ecosystem == Ecosystem::Playwright ? nullptr : find(extra, lowered);
}

const std::vector<ArchOnlyPackage>& archOnlyPackages(Ecosystem ecosystem) { return listOf(ecosystem); }

std::vector<ArchOnlyPackage> extraPackages(const std::vector<std::string>& names) {
  std::vector<ArchOnlyPackage> out;
  for (const auto& n : names) {
    ArchOnlyPackage p;
    p.name = text::lower(n);
    p.prefix = !p.name.empty() && p.name.back() == '*';
    if (p.prefix) p.name.pop_back();
    p.architectures = {"amd64"};
    p.note = "listed in the configuration's extra-arch-only-packages";
    out.push_back(std::move(p));
  }
  return out;
}

bool isDistributionAptPackage(std::string_view name) {
  const auto& names = lists().distributionApt;
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool isX86OnlyFlag(std::string_view flag) {
  const auto& flags = lists().x86Flags;
  return std::any_of(flags.begin(), flags.end(), [&](const std::string& p) { return matchesPattern(p, flag); });
}

bool isHostTunedFlag(std::string_view flag) {
  const auto& flags = lists().hostFlags;
  // `target-cpu=native` also arrives glued to its option: -Ctarget-cpu=native.
  return std::any_of(flags.begin(), flags.end(), [&](const std::string& p) {
    return matchesPattern(p, flag) || (p.rfind("target-cpu", 0) == 0 && text::endsWith(flag, p));
  });
}

int dataVersion() { return lists().version; }

namespace {

struct VendorData {
  std::map<std::string, std::map<std::string, std::string>> vocabularies;  // name -> platform -> word
  std::vector<std::pair<std::vector<std::string>, std::string>> probes;
  std::vector<Vendor> vendors;
  std::vector<ToolchainImage> images;
  std::vector<PortableBundle> portableBundles;
};

const VendorData& vendorData() {
  static const VendorData d = [] {
    VendorData out;
    const auto json = nlohmann::json::parse(mal::data::k_vendor_assets_json);
    for (const auto& [name, words] : json.at("vocabularies").items()) {
      for (const auto& [platform, word] : words.items()) {
        if (platform != "comment") out.vocabularies[name][platform] = word.get<std::string>();
      }
    }
    for (const auto& probe : json.at("probes")) {
      out.probes.emplace_back(probe.at("command").get<std::vector<std::string>>(), probe.at("vocabulary").get<std::string>());
    }
    for (const auto& v : json.at("vendors")) {
      out.vendors.push_back({v.at("name").get<std::string>(), v.at("url").get<std::vector<std::string>>(),
                             v.at("vocabulary").get<std::string>(), v.at("example").get<std::string>(),
                             v.at("source").get<std::string>()});
    }
    for (const auto& b : json.at("portableBundles").at("bundles")) {
      out.portableBundles.push_back({text::lower(b.at("mentions").get<std::string>()), b.at("product").get<std::string>(),
                                     b.at("example").get<std::string>(), b.at("source").get<std::string>()});
    }
    for (const auto& i : json.at("toolchainImages").at("images")) {
      out.images.push_back({i.at("image").get<std::string>(), i.at("archIn").get<std::string>() == "tag",
                            i.at("example").get<std::string>(), i.at("source").get<std::string>()});
    }
    return out;
  }();
  return d;
}

}  // namespace

const std::vector<Vendor>& vendors() { return vendorData().vendors; }

const Vendor* findVendor(std::string_view url) {
  const std::string lowered = text::lower(url);
  for (const auto& v : vendors()) {
    for (const auto& prefix : v.urls) {
      if (lowered.find(text::lower(prefix)) != std::string::npos) return &v;
    }
  }
  return nullptr;
}

std::string archWord(std::string_view vocabulary, const Platform& platform) {
  const auto& vocabularies = vendorData().vocabularies;
  const auto it = vocabularies.find(std::string(vocabulary));
  if (it == vocabularies.end()) return {};
  const auto word = it->second.find(platform.os + "/" + platform.architecture);
  return word == it->second.end() ? std::string() : word->second;
}

std::string probeVocabulary(const std::vector<std::string>& words) {
  for (const auto& [command, vocabulary] : vendorData().probes) {
    if (words == command) return vocabulary;
  }
  return {};
}

const std::vector<PortableBundle>& portableBundles() { return vendorData().portableBundles; }

bool namesPortableBundle(std::string_view name) {
  const std::string lowered = text::lower(name);
  return std::any_of(portableBundles().begin(), portableBundles().end(),
                     [&](const PortableBundle& b) { return lowered.find(b.mentions) != std::string::npos; });
}

const std::vector<ToolchainImage>& toolchainImages() { return vendorData().images; }

const ToolchainImage* findToolchainImage(std::string_view repository) {
  for (const auto& i : toolchainImages()) {
    if (text::startsWith(repository, i.image)) return &i;
  }
  return nullptr;
}

}  // namespace mal::rules::data
