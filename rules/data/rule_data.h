// The data-driven lists the rules use (data/arch-only-packages.json, embedded): packages
// published for some architectures only, and compiler flags tied to x86 or to the host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/platform.h"

namespace mal::rules::data {

struct ArchOnlyPackage {
  std::string name;  // a prefix when it ended in '*'
  bool prefix = false;
  std::vector<std::string> architectures;  // GOARCH names it exists for
  std::string note;

  bool existsFor(const Platform& p) const;
  std::vector<Platform> missing(const std::vector<Platform>& targets) const;
};

enum class Ecosystem { Apt, Pip };

// The package named `name` in the ecosystem's list (and `extra`, taken as amd64-only), or null.
const ArchOnlyPackage* findArchOnlyPackage(Ecosystem ecosystem, std::string_view name,
                                           const std::vector<ArchOnlyPackage>& extra = {});
std::vector<ArchOnlyPackage> extraPackages(const std::vector<std::string>& names);

bool isX86OnlyFlag(std::string_view flag);
bool isHostTunedFlag(std::string_view flag);

int dataVersion();

}  // namespace mal::rules::data
