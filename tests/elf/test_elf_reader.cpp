// The ELF reader on real files from Debian packages of six architectures, and on
// damaged copies of them.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstdlib>
#include <random>

#include "elf/elf_reader.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

fs::path samples() { return MAL_REQUIRE_TEST_DATA("elf-samples"); }

elf::ElfFacts factsOf(const fs::path& path) {
  const auto result = elf::readElf(test::readFile(path));
  INFO(path.string() << ": " << result.error);
  REQUIRE(result.isElf);
  REQUIRE(result.facts.has_value());
  return *result.facts;
}

}  // namespace

TEST_CASE("machine, class, byte order and platform of real binaries", "[elf]") {
  struct Expected {
    const char* debianArch;
    uint16_t machine;
    int bits;
    bool little;
    const char* platform;
    const char* interpreter;
  };
  const Expected expected[] = {
      {"amd64", EM_X86_64, 64, true, "linux/amd64", "/lib64/ld-linux-x86-64.so.2"},
      {"arm64", EM_AARCH64, 64, true, "linux/arm64", "/lib/ld-linux-aarch64.so.1"},
      {"armhf", EM_ARM, 32, true, "linux/arm", "/lib/ld-linux-armhf.so.3"},
      {"ppc64el", EM_PPC64, 64, true, "linux/ppc64le", "/lib64/ld64.so.2"},
      {"s390x", EM_S390, 64, false, "linux/s390x", "/lib/ld64.so.1"},
      {"i386", EM_386, 32, true, "linux/386", "/lib/ld-linux.so.2"},
  };
  for (const auto& e : expected) {
    INFO(e.debianArch);
    const auto hello = factsOf(samples() / e.debianArch / "hello");
    CHECK(hello.machine == e.machine);
    CHECK(hello.bits == e.bits);
    CHECK(hello.littleEndian == e.little);
    CHECK(hello.platform()->str() == e.platform);
    CHECK(hello.interpreter == e.interpreter);
    CHECK(std::find(hello.needed.begin(), hello.needed.end(), "libc.so.6") != hello.needed.end());
    CHECK(hello.minLoadAlign >= 4096);
    const auto lib = factsOf(samples() / e.debianArch / "libacl.so.1");
    CHECK(lib.type == ET_DYN);
    CHECK(lib.interpreter.empty());
    CHECK(lib.soname == "libacl.so.1");
  }
  const auto armhf = factsOf(samples() / "armhf/hello");
  CHECK(armhf.armFloatAbi == elf::FloatAbi::Hard);
  CHECK(factsOf(samples() / "amd64/hello").runsOn(*parsePlatform("linux/amd64")));
  CHECK_FALSE(factsOf(samples() / "amd64/hello").runsOn(*parsePlatform("linux/arm64")));
  CHECK(factsOf(samples() / "i386/hello").runsOn(*parsePlatform("linux/amd64")));  // IA32 emulation
  CHECK_FALSE(factsOf(samples() / "i386/hello").runsOn(*parsePlatform("linux/arm64")));
  CHECK(factsOf(samples() / "amd64/hello").describeWithArticle() == "an x86-64");
}

TEST_CASE("damaged ELF files give an error or partial facts, never a crash", "[elf][hostile]") {
  const std::string original = test::readFile(samples() / "arm64/hello");
  // Truncations at every header boundary and beyond: short of the 64-byte ELF64 header there
  // are no facts, only a reason; past it, facts (the machine read right) or a reason.
  for (size_t size : {size_t{4}, size_t{16}, size_t{52}, size_t{63}, size_t{64}, size_t{200}, original.size() / 2}) {
    INFO("truncated to " << size << " bytes");
    const auto result = elf::readElf(original.substr(0, size));
    CHECK(result.isElf);
    if (size < 64) CHECK_FALSE(result.facts.has_value());
    CHECK((result.facts.has_value() || !result.error.empty()));
    if (result.facts) CHECK(result.facts->machine == EM_AARCH64);
  }
  // Random byte mutations in the first 4 KiB (headers, program headers, dynamic section):
  // each gives facts or says why not, and facts read from an untouched e_machine (bytes
  // 18-19) still say AArch64. Some mutations must leave facts, or the loop tests nothing.
  std::mt19937 random(42);
  int withFacts = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = original;
    bool machineTouched = false;
    for (int k = 0; k < 8; ++k) {
      const size_t at = 4 + random() % 4092;
      machineTouched = machineTouched || at == 18 || at == 19;
      mutated[at] = static_cast<char>(random());
    }
    const auto result = elf::readElf(mutated);
    INFO("mutation " << i);
    CHECK(result.isElf);
    CHECK((result.facts.has_value() || !result.error.empty()));
    if (!result.facts) continue;
    ++withFacts;
    if (!machineTouched) CHECK(result.facts->machine == EM_AARCH64);
  }
  CHECK(withFacts > 0);
  const auto notElf = elf::readElf("#!/bin/sh\necho hi\n");
  CHECK_FALSE(notElf.isElf);
  CHECK_FALSE(notElf.facts.has_value());
}
