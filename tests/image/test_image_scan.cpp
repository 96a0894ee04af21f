// The image scan on OCI layouts built from real Debian packages (fixtures/images), with
// planted defects: each is found with the right rule and path; the correct image gives
// nothing; damaged inputs give a clear error, never a crash.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstdlib>
#include <random>

#include "analyzer/image/image_reader.h"
#include "analyzer/dockerfile/build_model.h"
#include "rules/layer_mapping.h"
#include "rules/scan_engine.h"
#include "analyzer/text_util.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

fs::path fixtures() { return MAL_REQUIRE_TEST_DATA("image-fixtures"); }

struct Scan {
  image::ScannedImage image;
  std::vector<Finding> findings;
};

Scan scan(const fs::path& input) {
  Scan s{image::scanImage(input.string()), {}};
  s.findings = rules::scanFindings(s.image, {});
  return s;
}

std::vector<std::pair<std::string, std::string>> rulesAndPaths(const Scan& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : s.findings) out.emplace_back(f.ruleId, f.location.imagePath);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Everything a finding says, one line each: two scans agree when these lists are equal.
std::vector<std::string> described(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  out.reserve(findings.size());
  for (const auto& f : findings) {
    out.push_back(f.ruleId + " " + std::string(severityName(f.severity)) + " " + f.location.platform + " " +
                  f.location.imagePath + " layer " + std::to_string(f.location.layerIndex) + " " + f.location.layerDigest + ": " +
                  f.message);
  }
  return out;
}

// A platform's merged filesystem, one line per path: type, mode, size, link, the layer
// that wrote it and what the ELF reader made of it.
std::vector<std::string> described(const image::FileInventory& inventory) {
  std::vector<std::string> out;
  for (const auto& [path, item] : inventory.entries()) {
    const auto& e = item.entry;
    out.push_back(path + " " + std::to_string(static_cast<int>(e.type)) + " " + std::to_string(e.mode) + " " +
                  std::to_string(e.size) + " -> " + e.linkTarget + " layer " + std::to_string(item.layer) + " " +
                  (e.elf     ? e.elf->describe()
                   : e.isElf ? "elf: " + e.elfError
                             : e.shebang));
  }
  return out;
}

}  // namespace

TEST_CASE("the correct multi-arch image: every form, no findings, attestations skipped", "[image]") {
  // Each form with the platforms it holds (fixtures/images/build-image-fixtures), and in each
  // the ELF machine Debian's hello was built for there: the platform was really read.
  const std::vector<std::pair<const char*, std::vector<std::string>>> forms = {
      {"good", {"linux/amd64", "linux/arm64"}},
      {"good.tar", {"linux/amd64", "linux/arm64"}},
      {"good-zstd", {"linux/arm64"}},
      {"docker-save-legacy.tar", {"linux/amd64"}},
      {"docker-save-oci.tar", {"linux/amd64", "linux/arm64"}},
      {"docker-media-types", {"linux/amd64", "linux/arm64"}}};
  for (const auto& [name, platforms] : forms) {
    INFO(name);
    const auto s = scan(fixtures() / name);
    CHECK(s.image.errors.empty());
    std::vector<std::string> read;
    for (const auto& p : s.image.platforms) {
      INFO(p.platform.str() << ": " << p.error);
      read.push_back(p.platform.str());
      CHECK(p.error.empty());
      const auto hello = p.inventory.find("usr/bin/hello");
      REQUIRE(hello.has_value());
      REQUIRE(hello->entry.elf.has_value());
      CHECK(hello->entry.elf->machine == (p.platform.architecture == "amd64" ? EM_X86_64 : EM_AARCH64));
      CHECK(p.inventory.fileCount() > 300);
    }
    CHECK(read == platforms);
    CHECK(s.findings.empty());
  }
  const auto good = scan(fixtures() / "good");
  CHECK(good.image.kind == "oci-layout");
  REQUIRE(good.image.platforms.size() == 2);
  CHECK(good.image.platforms[0].platform.str() == "linux/amd64");
  CHECK(good.image.platforms[1].platform.str() == "linux/arm64");
  CHECK(good.image.attestations == 2);
  CHECK(scan(fixtures() / "docker-save-legacy.tar").image.kind == "docker-archive");
  CHECK(scan(fixtures() / "docker-save-oci.tar").image.kind == "docker-archive");
  const auto dockerTypes = scan(fixtures() / "docker-media-types");
  REQUIRE(dockerTypes.image.platforms.size() == 2);
  CHECK(dockerTypes.image.platforms[0].platform.str() == "linux/amd64");
  CHECK(dockerTypes.image.platforms[1].platform.str() == "linux/arm64");
  CHECK(dockerTypes.findings.empty());
  for (const auto& platform : dockerTypes.image.platforms) {
    INFO(platform.platform.str());
    const auto hello = platform.inventory.find("usr/bin/hello");
    REQUIRE(hello.has_value());
    CHECK(hello->entry.elf.has_value());
  }
}

TEST_CASE("planted defects are found with the right rule and path", "[image]") {
  CHECK(rulesAndPaths(scan(fixtures() / "foreign-so")) == Pairs{{"MA201", "/usr/lib/libvendor.so"}});
  CHECK(rulesAndPaths(scan(fixtures() / "no-loader")) ==
        Pairs{{"MA202", "/usr/bin/hello"}, {"MA203", "/usr/bin/hello"}, {"MA204", "/usr/bin/hello"}});
  const auto missing = scan(fixtures() / "missing-lib");
  REQUIRE(missing.findings.size() == 1);
  CHECK(missing.findings[0].ruleId == "MA204");
  CHECK(missing.findings[0].message.find("needs libacl.so.1") != std::string::npos);
  const auto badShebang = scan(fixtures() / "bad-shebang");
  REQUIRE(rulesAndPaths(badShebang) == Pairs{{"MA202", "/entrypoint.sh"}});
  CHECK(badShebang.findings[0].message.find("`#!/bin/bash`, but '/bin/bash' is not in the image") != std::string::npos);
  CHECK(rulesAndPaths(scan(fixtures() / "page4k")) == Pairs{{"MA205", "/usr/local/bin/tool4k"}});
  CHECK(rulesAndPaths(scan(fixtures() / "isa-v3")) == Pairs{{"MA206", "/usr/local/bin/fast"}});
  CHECK(rulesAndPaths(scan(fixtures() / "jar-x86-only")) == Pairs{{"MA208", "/app/lib/netty-epoll.jar"}});
}

TEST_CASE("findings name the layer that wrote the file", "[image]") {
  const auto s = scan(fixtures() / "foreign-so");
  REQUIRE(s.findings.size() == 1);
  CHECK(s.findings[0].location.layerIndex == 2);
  CHECK(s.findings[0].location.layerDigest == s.image.platforms[0].layers[2].expectedDigest);
  CHECK(s.findings[0].location.platform == "linux/arm64");
}

TEST_CASE("whiteouts and opaque directories hide what later layers delete", "[image]") {
  const auto s = scan(fixtures() / "whiteout");
  CHECK(s.findings.empty());
  const auto& inv = s.image.platforms.at(0).inventory;
  CHECK_FALSE(inv.find("usr/lib/libvendor.so").has_value());
  CHECK_FALSE(inv.find("opt/vendor/lib/x86.so").has_value());
  CHECK(inv.find("opt/vendor/README").has_value());
  CHECK(inv.find("usr/bin/hello").has_value());
}

TEST_CASE("an entrypoint found through PATH and a relative symlink starts", "[image]") {
  const auto s = scan(fixtures() / "symlinked-entrypoint");
  CHECK(s.findings.empty());
  CHECK(s.image.platforms.at(0).inventory.resolve("usr/local/bin/greet") == std::optional<std::string>("usr/bin/hello"));
}

TEST_CASE("damaged inputs: a clear error for that platform or input, never a crash", "[image][hostile]") {
  auto corrupt = scan(fixtures() / "corrupt-gzip");
  REQUIRE(corrupt.image.platforms.size() == 1);
  CHECK(corrupt.image.platforms[0].error.find("corrupt gzip data") != std::string::npos);
  CHECK(corrupt.findings.empty());
  auto truncated = scan(fixtures() / "truncated-gzip");
  CHECK(truncated.image.platforms.at(0).error.find("truncated gzip data") != std::string::npos);

  char tmpl[] = "/tmp/mal-image-XXXXXX";
  const fs::path work = mkdtemp(tmpl);
  // A layer blob whose bytes no longer match its digest.
  fs::copy(fixtures() / "foreign-so", work / "tampered", fs::copy_options::recursive);
  const std::string layerKey = scan(fixtures() / "foreign-so").image.platforms[0].layers[2].key;
  const fs::path blob = work / "tampered" / layerKey;
  std::string bytes = test::readFile(blob);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;
  const auto tampered = scan(work / "tampered");
  CHECK(tampered.image.platforms.at(0).error.find("does not match its digest") != std::string::npos);
  // A truncated OCI tar.
  const std::string tar = test::readFile(fixtures() / "good.tar");
  for (size_t cut : {size_t{100}, size_t{1024}, tar.size() / 3, tar.size() * 2 / 3}) {
    std::ofstream(work / "cut.tar", std::ios::binary | std::ios::trunc) << tar.substr(0, cut);
    const auto s = scan(work / "cut.tar");
    // Said, and said as damage (not some other error that happens to be there).
    std::string said = text::join(s.image.errors, "; ");
    for (const auto& p : s.image.platforms) said += p.error.empty() ? "" : "; " + p.error;
    INFO("cut at " << cut << ": " << said);
    // (Cut inside the first 512-byte header, it is no tar at all.)
    CHECK((said.find("damaged") != std::string::npos || said.find("Truncated") != std::string::npos ||
           said.find("truncated") != std::string::npos || said.find("missing") != std::string::npos ||
           (cut < 512 && said == "not a tar archive: Unrecognized archive format")));
  }
  // Not an image at all.
  std::ofstream(work / "notes.txt") << "hello";
  const auto notImage = scan(work / "notes.txt").image.errors;
  REQUIRE(notImage.size() == 1);
  CHECK(notImage[0].find("not a tar archive") != std::string::npos);
  CHECK(scan(work / "missing").image.errors.at(0) == "no such file or directory");
  fs::remove_all(work);
}

TEST_CASE("mutated layer bytes never crash the walker", "[image][hostile]") {
  const auto s = scan(fixtures() / "bad-shebang");
  const std::string key = s.image.platforms.at(0).layers.at(2).key;
  const std::string original = test::readFile(fixtures() / "bad-shebang" / key);
  std::mt19937 random(7);
  int errors = 0;
  for (int i = 0; i < 500; ++i) {
    std::string mutated = original;
    for (int k = 0; k < 4; ++k) mutated[random() % mutated.size()] = static_cast<char>(random());
    image::MemorySource source(mutated);
    try {
      image::readLayer(source);
    } catch (const image::StreamError&) {
      ++errors;
    }
  }
  CHECK(errors > 0);
}

TEST_CASE("scan with a Dockerfile maps layers back to the instructions that made them", "[image][dockerfile]") {
  const auto s = scan(fixtures() / "foreign-so");
  const auto path = test::sourceDir() / "fixtures/images/foreign-so.Dockerfile";
  const SourceText source(path.string(), test::readFile(path));
  const auto parsed = dockerfile::parse(source);
  REQUIRE(parsed.dockerfile.has_value());
  const auto model = dockerfile::buildModel(*parsed.dockerfile);
  const auto& platform = s.image.platforms.at(0);
  const auto mapping = rules::mapLayersToInstructions(*parsed.dockerfile, model, platform.config, platform.layers.size());
  REQUIRE(mapping.size() == 3);
  auto lineOf = [&](const std::optional<size_t>& i) { return i ? parsed.dockerfile->instructions[*i].startLine : 0; };
  CHECK(lineOf(mapping[0]) == 3);  // the base image's layer: the FROM line
  CHECK(lineOf(mapping[1]) == 5);  // RUN apt-get install hello
  CHECK(lineOf(mapping[2]) == 7);  // COPY proprietary-x86-lib.so
}

TEST_CASE("scan --dockerfile points a finding at the instruction that made its layer", "[image][dockerfile]") {
  const auto s = scan(fixtures() / "foreign-so");
  const auto path = test::sourceDir() / "fixtures/images/foreign-so.Dockerfile";
  const rules::DockerfileOrigin origin(SourceText(path.string(), test::readFile(path)));
  REQUIRE_FALSE(origin.error());
  auto findings = s.findings;
  REQUIRE(findings.size() == 1);
  const Location before = findings[0].location;
  REQUIRE(before.layerIndex == 2);
  origin.locate(findings, s.image);
  const Location& after = findings[0].location;
  CHECK(after.path == path.string());
  CHECK(after.line == 7);  // COPY proprietary-x86-lib.so
  CHECK(after.column == 1);
  CHECK(after.sourceLine == "COPY proprietary-x86-lib.so /usr/lib/libvendor.so");
  // The image location stays: the finding is on both.
  CHECK(after.imagePath == before.imagePath);
  CHECK(after.layerDigest == before.layerDigest);
  CHECK(after.platform == before.platform);

  // A Dockerfile that does not parse says why, as BuildKit would, and moves nothing.
  const rules::DockerfileOrigin broken(SourceText("Dockerfile", "FROM alpine\nRUN <<EOF\necho never ends\n"));
  REQUIRE(broken.error());
  CHECK(*broken.error() == "dockerfile parse error on line 2: unterminated heredoc");
  auto untouched = s.findings;
  broken.locate(untouched, s.image);
  CHECK(untouched[0].location.line == before.line);
  CHECK(untouched[0].location.path == before.path);
}

TEST_CASE("the layer cache: a second scan reads no layer and finds the same", "[image][cache]") {
  char tmpl[] = "/tmp/mal-cache-XXXXXX";
  const fs::path cache = mkdtemp(tmpl);
  image::ScanOptions options;
  options.cacheDirectory = cache.string();
  for (const char* name : {"good", "foreign-so", "whiteout"}) {
    INFO(name);
    const auto cold = image::scanImage((fixtures() / name).string(), options);
    const auto warm = image::scanImage((fixtures() / name).string(), options);
    CHECK(cold.counters.layersRead > 0);
    CHECK(warm.counters.layersRead == 0);
    CHECK(warm.counters.layersFromCache == cold.counters.layersRead + cold.counters.layersFromCache);
    CHECK(described(rules::scanFindings(warm, {})) == described(rules::scanFindings(cold, {})));
    REQUIRE(warm.platforms.size() == cold.platforms.size());
    for (size_t i = 0; i < warm.platforms.size(); ++i) {
      CHECK(described(warm.platforms[i].inventory) == described(cold.platforms[i].inventory));
    }
  }
  // A damaged cache entry is a miss, not a crash.
  for (const auto& entry : fs::directory_iterator(cache / "layers")) std::ofstream(entry.path()) << "{not json";
  const auto again = image::scanImage((fixtures() / "foreign-so").string(), options);
  CHECK(again.counters.layersFromCache == 0);
  const auto uncached = described(rules::scanFindings(image::scanImage((fixtures() / "foreign-so").string()), {}));
  REQUIRE(uncached.size() == 1);
  CHECK(uncached[0].rfind("MA201 ", 0) == 0);
  CHECK(uncached[0].find(" /usr/lib/libvendor.so layer ") != std::string::npos);
  CHECK(described(rules::scanFindings(again, {})) == uncached);
  fs::remove_all(cache);
}

TEST_CASE("layers read in parallel give what one thread gives", "[image]") {
  image::ScanOptions one, many;
  one.threads = 1;
  many.threads = 4;
  for (const char* name : {"good", "whiteout", "foreign-so"}) {
    INFO(name);
    const auto a = image::scanImage((fixtures() / name).string(), one);
    const auto b = image::scanImage((fixtures() / name).string(), many);
    // Both read something (two empty or failed scans would agree too).
    REQUIRE_FALSE(a.platforms.empty());
    REQUIRE(a.platforms.size() == b.platforms.size());
    for (size_t i = 0; i < a.platforms.size(); ++i) {
      CHECK(a.platforms[i].error.empty());
      CHECK(a.platforms[i].inventory.fileCount() > 0);
      CHECK(described(a.platforms[i].inventory) == described(b.platforms[i].inventory));
      CHECK(a.platforms[i].error == b.platforms[i].error);
    }
    CHECK(described(rules::scanFindings(a, {})) == described(rules::scanFindings(b, {})));
  }
}
