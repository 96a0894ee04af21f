// Image rules on in-memory platform models (bad and good, one change apart), the ARM build
// attributes of a real Debian armhf ELF, the ELF capture of huge and sparse files, and the
// layer cache's checks: what could not be examined is reported, never taken as clean.
#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <map>
#include <set>

#include "analyzer/file_util.h"
#include "analyzer/image/layer_cache.h"
#include "elf/elf_reader.h"
#include "rules/catalog.h"
#include "rules/documented_example.h"
#include "rules/image/example_models.h"
#include "rules/scan_engine.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

using rules::example_models::elfFile;
using rules::example_models::file;
using rules::example_models::imageOf;

std::vector<std::string> rulesOf(const image::ScannedImage& scanned) {
  std::vector<std::string> ids;
  for (const auto& f : rules::scanFindings(scanned, {})) ids.push_back(f.ruleId + " " + f.location.imagePath);
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------------------------
// Every image rule's runnable examples: a bad in-memory platform model that gives the rule
// and a good one, one change apart, that does not. The rule's documented example
// (`rules ID`, docs/rules.md) is `<platform>: <message>` and must be exactly what the
// rule prints on its bad model. A new image rule without models here fails the test.

TEST_CASE("every image rule: its bad model gives it with the documented message, its good model does not",
          "[image][model][rules][docs]") {
  // The rules walked here are the catalogue's image rules, all of them (an empty or partial
  // list would pass the loop below vacuously).
  std::vector<std::string_view> walked, catalogued;
  for (const auto* info : rules::allRules()) {
    if (info->analysis == rules::Analysis::Image) catalogued.push_back(info->id);
  }
  for (const auto* rule : rules::imageRules()) walked.push_back(rule->info.id);
  REQUIRE(!catalogued.empty());
  CHECK(walked == catalogued);
  for (const auto* rule : rules::imageRules()) {
    INFO(rule->info.id);
    REQUIRE(rule->examples);  // a new image rule without runnable models fails here
    const auto models = rule->examples();
    // What `rules ID` and docs/rules.md print: generated from the bad model, never typed.
    CHECK(rules::exampleIsGenerated(rule->info));
    const std::string documented = rules::documentedExample(rule->info);
    std::string said;
    bool documentedSaid = false;
    for (const auto& f : rules::scanFindings(models.bad, {})) {
      if (f.ruleId != rule->info.id) continue;
      said += "  " + f.location.platform + ": " + f.message + "\n";
      documentedSaid = documentedSaid || f.location.platform + ": " + f.message == documented;
    }
    INFO("documented: " << documented << "\nthe rule says:\n" << said);
    CHECK_FALSE(said.empty());
    CHECK(documentedSaid);
    for (const auto& f : rules::scanFindings(models.good, {})) CHECK(f.ruleId != rule->info.id);
  }
}

TEST_CASE("MA202: an entrypoint that is neither ELF nor #! cannot start, an ELF or a script can", "[image][model]") {
  auto macho = file("bin/app");  // a Mach-O or PE file: no ELF magic, no #!
  CHECK(rulesOf(imageOf("linux/amd64", {macho})) == Ids{"MA202 /bin/app"});
  CHECK(rulesOf(imageOf("linux/amd64", {elfFile("bin/app", EM_X86_64)})).empty());
  auto script = file("bin/app");
  script.shebang = "/bin/app2";
  CHECK(rulesOf(imageOf("linux/amd64", {script, elfFile("bin/app2", EM_X86_64)})).empty());
}

TEST_CASE("MA202: an entrypoint without an execute bit names its mode in octal", "[image][model]") {
  auto app = elfFile("bin/app", EM_X86_64);
  app.mode = 0644;
  const auto findings = rules::scanFindings(imageOf("linux/amd64", {app}), {});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].ruleId == "MA202");
  INFO(findings[0].message);
  CHECK(findings[0].message.find("/bin/app is not executable (mode 0644)") != std::string::npos);  // not 420
}

TEST_CASE("MA209: a dangling hard link and an ELF the reader gave up on are reported", "[image][model]") {
  auto link = file("bin/tool");
  link.type = image::LayerEntry::Type::Hardlink;
  link.linkTarget = "bin/gone";
  CHECK(rulesOf(imageOf("linux/amd64", {elfFile("bin/app", EM_X86_64), link})) == Ids{"MA209 /bin/tool"});
  auto target = elfFile("bin/gone", EM_X86_64);
  CHECK(rulesOf(imageOf("linux/amd64", {elfFile("bin/app", EM_X86_64), target, link})).empty());
  // The reason is the real reader's, on an ELF identification of an unknown class and byte
  // order (libelf alone has none to give: "no error").
  std::string badIdent = std::string(ELFMAG) + std::string(60, '\0');
  badIdent[EI_CLASS] = 9;
  badIdent[EI_DATA] = 7;
  const auto reading = elf::readElf(badIdent);
  CHECK(reading.isElf);
  CHECK_FALSE(reading.facts.has_value());
  CHECK(reading.error == "damaged ELF header: unknown class or byte order");
  auto unread = file("usr/lib/libx.so");
  unread.isElf = true;
  unread.elfError = reading.error;
  const auto findings = rules::scanFindings(imageOf("linux/amd64", {elfFile("bin/app", EM_X86_64), unread}), {});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].ruleId == "MA209");
  CHECK(findings[0].location.imagePath == "/usr/lib/libx.so");
  CHECK(findings[0].message.find("unknown class or byte order") != std::string::npos);
}

TEST_CASE("the merged filesystem: later layers win, whiteouts remove, hard links share their target", "[image][model]") {
  auto layerOf = [](std::vector<image::LayerEntry> entries) {
    auto layer = std::make_shared<image::LayerContents>();
    for (auto& e : entries) layer->add(std::move(e));
    return layer;
  };
  auto marker = [](const std::string& path, bool opaque) {
    auto e = file(path);
    (opaque ? e.opaque : e.whiteout) = true;
    return e;
  };
  auto hardLink = [](const std::string& path, const std::string& target) {
    auto e = file(path);
    e.type = image::LayerEntry::Type::Hardlink;
    e.linkTarget = target;
    return e;
  };
  image::FileInventory inv;
  inv.apply(layerOf({elfFile("usr/bin/a", EM_X86_64), file("etc/gone/x"), file("etc/gone/y"), file("opt/keep"),
                     file("opt/hidden/z"), file("etcetera")}),
            0);
  // Written in this order: the first link sees the lower layer's usr/bin/a, the second
  // this layer's; a link to a link shares the first one's target; b is written twice.
  inv.apply(layerOf({marker("etc/gone", false), marker("opt/hidden", true), hardLink("usr/bin/old", "usr/bin/a"),
                     file("usr/bin/a", 0644), hardLink("usr/bin/new", "usr/bin/a"), hardLink("usr/bin/chain", "usr/bin/old"),
                     file("usr/bin/b", 0600), file("usr/bin/b", 0700), hardLink("usr/bin/dangling", "nowhere")}),
            3);
  std::vector<std::string> paths;
  for (const auto& [path, item] : inv.entries()) paths.push_back(path);
  CHECK(paths == std::vector<std::string>{"etcetera", "opt/keep", "usr/bin/a", "usr/bin/b", "usr/bin/chain", "usr/bin/dangling",
                                          "usr/bin/new", "usr/bin/old"});
  const auto old = inv.find("usr/bin/old");
  REQUIRE(old.has_value());
  REQUIRE(old->entry.elf.has_value());
  CHECK(old->entry.elf->machine == EM_X86_64);
  CHECK(old->entry.path == "usr/bin/old");
  CHECK(old->layer == 3);
  REQUIRE(inv.find("usr/bin/chain")->entry.elf.has_value());
  CHECK(inv.find("usr/bin/chain")->entry.elf->machine == EM_X86_64);
  CHECK_FALSE(inv.find("usr/bin/new")->entry.elf.has_value());
  CHECK(inv.find("usr/bin/new")->entry.mode == 0644);
  CHECK(inv.find("usr/bin/b")->entry.mode == 0700);
  CHECK(inv.find("usr/bin/dangling")->entry.type == image::LayerEntry::Type::Hardlink);
  CHECK(inv.find("etcetera")->layer == 0);
  std::vector<std::string> underBin;
  for (const auto& [path, item] : inv.withPrefix("usr/bin/")) underBin.push_back(path);
  CHECK(underBin ==
        std::vector<std::string>{"usr/bin/a", "usr/bin/b", "usr/bin/chain", "usr/bin/dangling", "usr/bin/new", "usr/bin/old"});
  CHECK(inv.fileCount() == 7);
}

TEST_CASE("MA210: ARMv7 code in arm/v6 is reported, ARMv6 code there and ARMv7 in arm/v7 are not", "[image][model]") {
  auto armv7 = elfFile("usr/lib/libz.so", EM_ARM, 32);
  armv7.elf->armCpuArch = 10;
  armv7.elf->armProfile = 'A';
  armv7.elf->armFpArch = 4;
  auto armv6 = armv7;
  armv6.elf->armCpuArch = 7;
  armv6.elf->armFpArch = 2;
  auto app = elfFile("bin/app", EM_ARM, 32);
  CHECK(rulesOf(imageOf("linux/arm/v6", {app, armv7})) == Ids{"MA210 /usr/lib/libz.so"});
  CHECK(rulesOf(imageOf("linux/arm/v6", {app, armv6})).empty());
  CHECK(rulesOf(imageOf("linux/arm/v7", {app, armv7})).empty());
  // VFPv3 in arm/v6 (the ISA itself is v6): the FP unit of a Pi Zero is VFPv2.
  auto vfp3 = armv6;
  vfp3.elf->armFpArch = 3;
  CHECK(rulesOf(imageOf("linux/arm/v6", {app, vfp3})) == Ids{"MA210 /usr/lib/libz.so"});
  // M-profile code runs on no Linux CPU.
  auto micro = armv6;
  micro.elf->armCpuArch = 13;
  micro.elf->armProfile = 'M';
  CHECK(rulesOf(imageOf("linux/arm/v7", {app, micro})) == Ids{"MA210 /usr/lib/libz.so"});
  // NEON (Tag_Advanced_SIMD_arch 1) came with ARMv7: in v6 and v5 code it is an ISA those
  // CPUs lack, even when Tag_CPU_arch and the FP unit fit; arm/v7 has it, up to NEON+FMA (2),
  // not ARMv8's Advanced SIMD (3).
  auto neon = armv6;
  neon.elf->armSimdArch = 1;
  CHECK(rulesOf(imageOf("linux/arm/v6", {app, neon})) == Ids{"MA210 /usr/lib/libz.so"});
  auto neonV5 = neon;
  neonV5.elf->armCpuArch = 4;
  neonV5.elf->armFpArch = 0;
  CHECK(rulesOf(imageOf("linux/arm/v5", {app, neonV5})) == Ids{"MA210 /usr/lib/libz.so"});
  auto noNeonV5 = neonV5;
  noNeonV5.elf->armSimdArch = 0;
  CHECK(rulesOf(imageOf("linux/arm/v5", {app, noNeonV5})).empty());
  auto neonV7 = armv7;
  neonV7.elf->armSimdArch = 2;
  CHECK(rulesOf(imageOf("linux/arm/v7", {app, neonV7})).empty());
  neonV7.elf->armSimdArch = 3;
  CHECK(rulesOf(imageOf("linux/arm/v7", {app, neonV7})) == Ids{"MA210 /usr/lib/libz.so"});
  // The message names the tag.
  const auto findings = rules::scanFindings(imageOf("linux/arm/v6", {app, neon}), {});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].message.find("has NEON (ARMv7 Advanced SIMD) code") != std::string::npos);
}

TEST_CASE("the ARM build attributes of a real Debian armhf ELF: ARMv7-A, VFPv3-D16", "[elf][arm]") {
  const fs::path samples = MAL_REQUIRE_TEST_DATA("elf-samples");
  for (const char* name : {"hello", "libacl.so.1"}) {
    INFO(name);
    const auto result = elf::readElf(test::readFile(samples / "armhf" / name));
    REQUIRE(result.facts.has_value());
    CHECK(result.facts->armCpuArch == 10);
    CHECK(result.facts->armProfile == 'A');
    CHECK(result.facts->armFpArch == 4);
  }
  // Debian's armhf hello in an image labelled linux/arm/v6: it cannot run on a Pi Zero.
  auto hello = file("usr/bin/hello");
  hello.isElf = true;
  const auto facts = elf::readElf(test::readFile(samples / "armhf" / "hello")).facts;
  REQUIRE(facts.has_value());
  hello.elf = *facts;
  hello.elf->interpreter.clear();  // the loader and libc are not in this model
  hello.elf->needed.clear();
  CHECK(rulesOf(imageOf("linux/arm/v6", {hello}, {"/usr/bin/hello"})) == Ids{"MA210 /usr/bin/hello"});
  CHECK(rulesOf(imageOf("linux/arm/v7", {hello}, {"/usr/bin/hello"})).empty());
  // Not ARM: no attributes.
  const auto amd64 = elf::readElf(test::readFile(samples / "amd64" / "hello"));
  REQUIRE(amd64.facts.has_value());
  CHECK(amd64.facts->armCpuArch == -1);
}

namespace {

// A tar layer in memory of (name, bytes) regular files.
std::string tarOf(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open(
      a, &out, nullptr,
      [](struct archive*, void* data, const void* buffer, size_t n) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& [name, bytes] : files) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0755);
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_write_header(a, e);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace

TEST_CASE("a huge ELF is read in part and gives the same facts as whole", "[elf][image]") {
  const fs::path samples = MAL_REQUIRE_TEST_DATA("elf-samples");
  const std::string hello = test::readFile(samples / "amd64" / "hello");
  const auto whole = elf::readElf(hello);
  REQUIRE(whole.facts.has_value());
  // Facts the comparisons below can miss: Debian's hello is dynamically linked.
  REQUIRE(!whole.facts->interpreter.empty());
  REQUIRE(!whole.facts->needed.empty());
  // The same file with 100 MiB of zeros appended: past the size kept whole, its headers
  // and tables are still kept (head, tail, what the program headers point at).
  std::string huge = hello + std::string(100u << 20, '\0');
  REQUIRE(huge.size() > image::kElfKeptWhole);
  image::MemorySource source(tarOf({{"usr/bin/hello", huge}}));
  const auto layer = image::readLayer(source);
  REQUIRE(layer.size() == 1);
  const auto e = layer.entry(0);
  INFO(e.elfError);
  REQUIRE(e.elf.has_value());
  CHECK(e.elf->machine == whole.facts->machine);
  CHECK(e.elf->interpreter == whole.facts->interpreter);
  CHECK(e.elf->needed == whole.facts->needed);
  CHECK(e.elfError.empty());
}

TEST_CASE("the layer cache: a Latin-1 file name survives, garbage, a symlink, a directory are dropped", "[image][cache]") {
  char tmpl[] = "/tmp/mal-cache-models-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const image::LayerCache cache(dir.string());
  image::LayerContents layer;
  layer.digest = "sha256:" + std::string(64, 'b');
  auto latin1 = file("caf\xe9/x");
  latin1.linkTarget = "\xff\xfe";
  layer.add(latin1);
  cache.store(layer);
  const auto back = cache.load(layer.digest);
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 1);
  CHECK(back->entry(0).path == "caf\xe9/x");
  CHECK(back->entry(0).linkTarget == "\xff\xfe");
  const fs::path entry = dir / "layers" / ("sha256-" + std::string(64, 'b'));
  REQUIRE(fs::is_regular_file(entry));
  // A changed byte in the body: the checksum no longer holds.
  std::string bytes = test::readFile(entry);
  bytes.back() ^= 1;
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes;
  CHECK_FALSE(cache.load(layer.digest).has_value());
  CHECK_FALSE(fs::exists(entry));  // dropped, so the next store replaces it
  // A symlink to a good entry elsewhere, a directory: neither is believed, both go.
  cache.store(layer);
  fs::rename(entry, dir / "elsewhere");
  fs::create_symlink(dir / "elsewhere", entry);
  CHECK_FALSE(cache.load(layer.digest).has_value());
  CHECK_FALSE(fs::exists(fs::symlink_status(entry)));
  fs::create_directories(entry / "sub");
  CHECK_FALSE(cache.load(layer.digest).has_value());
  CHECK_FALSE(fs::exists(fs::symlink_status(entry)));
  cache.store(layer);
  const auto stored = cache.load(layer.digest);
  REQUIRE(stored.has_value());
  REQUIRE(stored->size() == 1);
  CHECK(stored->entry(0).path == "caf\xe9/x");
  // Writable by others: not trusted.
  fs::permissions(entry, fs::perms::others_write, fs::perm_options::add);
  CHECK_FALSE(cache.load(layer.digest).has_value());
  fs::remove_all(dir);
}

TEST_CASE("pruning keeps the most recently used entries under the bound", "[cache]") {
  char tmpl[] = "/tmp/mal-prune-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(writeFileAtomically((dir / "layers" / std::to_string(i)).string(), std::string(1000, 'x')));
    fs::last_write_time(dir / "layers" / std::to_string(i), fs::file_time_type::clock::now() - std::chrono::hours(10 - i));
  }
  // Reading entry 0 makes it the most recently used.
  REQUIRE(readCacheEntry((dir / "layers" / "0").string(), 4096).has_value());
  const auto result = pruneCache(dir.string(), 3500);
  CHECK(result.bytesBefore == 10000);
  CHECK(result.bytesAfter == 3000);
  CHECK(result.removed == 7);
  // The three kept are the one just read and the two newest; the other seven are gone.
  std::set<std::string> kept;
  for (const auto& e : fs::directory_iterator(dir / "layers")) kept.insert(e.path().filename().string());
  CHECK(kept == std::set<std::string>{"0", "8", "9"});
  fs::remove_all(dir);
}
