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
  std::string source;  // where that was read (an index, a vendor's pool, an issue); may be empty

  bool existsFor(const Platform& p) const;
  std::vector<Platform> missing(const std::vector<Platform>& targets) const;
};

// Playwright: the browsers `playwright install` downloads (chrome, msedge, ...).
enum class Ecosystem { Apt, Pip, Playwright };

// The package named `name` in the ecosystem's list (and `extra`, taken as amd64-only), or null.
const ArchOnlyPackage* findArchOnlyPackage(Ecosystem ecosystem, std::string_view name,
                                           const std::vector<ArchOnlyPackage>& extra = {});
std::vector<ArchOnlyPackage> extraPackages(const std::vector<std::string>& names);
// The whole list of one ecosystem, in the data file's order.
const std::vector<ArchOnlyPackage>& archOnlyPackages(Ecosystem ecosystem);

// data/arch-only-packages.json "distributionApt": a package Debian and Ubuntu build for every
// architecture, which vendor repositories also publish under that name (mariadb-server).
bool isDistributionAptPackage(std::string_view name);

bool isX86OnlyFlag(std::string_view flag);
bool isHostTunedFlag(std::string_view flag);

int dataVersion();

// data/vendor-assets.json: how vendors spell the architecture in their download URLs.
struct Vendor {
  std::string name;
  std::vector<std::string> urls;  // host/path prefixes, matched as substrings of a URL
  std::string vocabulary;         // "go", "kernel", "node", ...
  std::string example;            // a URL with {arch} where the architecture goes
  std::string source;
};
const std::vector<Vendor>& vendors();
// The vendor whose URL prefix the URL contains, or null.
const Vendor* findVendor(std::string_view url);
// The word a vocabulary uses for a platform ("kernel", linux/arm64 -> "aarch64"); empty when
// the vocabulary does not name that platform.
std::string archWord(std::string_view vocabulary, const Platform& platform);
// The vocabulary of an architecture probe (`dpkg --print-architecture` -> "debian"); empty
// when the words are not one of the listed probes.
std::string probeVocabulary(const std::vector<std::string>& words);

// data/vendor-assets.json "portableBundles": whether a file name (a URL's last segment, a
// context path) names a bundle whose part an image runs is platform-neutral, though the name
// carries an architecture (iDempiere's gtk.linux.x86_64 server, started with the image's JVM).
struct PortableBundle {
  std::string mentions;  // lower case, matched in a file's name
  std::string product;
  std::string example;  // a download URL of one such bundle
  std::string source;
};
const std::vector<PortableBundle>& portableBundles();
bool namesPortableBundle(std::string_view name);

// Images whose name or tag fixes the target they build for (dockcross/linux-arm64,
// messense/rust-musl-cross:x86_64-musl).
struct ToolchainImage {
  std::string image;  // a prefix of the repository name
  bool archInTag = false;
  std::string example;
  std::string source;
};
const std::vector<ToolchainImage>& toolchainImages();
// The entry whose prefix `repository` starts with, or null.
const ToolchainImage* findToolchainImage(std::string_view repository);

}  // namespace mal::rules::data
