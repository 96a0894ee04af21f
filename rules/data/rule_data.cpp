#include "rules/data/rule_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "analyzer/text_util.h"

namespace mal::data {
extern const std::string_view k_arch_only_packages_json;
}

namespace mal::rules::data {
namespace {

struct Lists {
  int version = 0;
  std::vector<ArchOnlyPackage> apt, pip;
  std::vector<std::string> x86Flags, hostFlags;
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
    out.x86Flags = json.at("compilerFlags").at("x86Only").get<std::vector<std::string>>();
    out.hostFlags = json.at("compilerFlags").at("hostTuned").get<std::vector<std::string>>();
    return out;
  }();
  return l;
}

bool matchesPattern(std::string_view pattern, std::string_view value) {
  if (!pattern.empty() && pattern.back() == '*') return text::startsWith(value, pattern.substr(0, pattern.size() - 1));
  return pattern == value;
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
  if (const auto* p = find(ecosystem == Ecosystem::Apt ? lists().apt : lists().pip, lowered)) return p;
  return find(extra, lowered);
}

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

}  // namespace mal::rules::data
