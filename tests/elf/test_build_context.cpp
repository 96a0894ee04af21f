// MA150/MA151 with the build context read for real: x86-64 files from a Debian amd64
// package are errors naming the machine; the same files built for each target are silent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "analyzer/context/build_context.h"
#include "analyzer/dockerfile/build_model.h"
#include "rules/catalog.h"
#include "rules/documented_example.h"
#include "../test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

fs::path samples() { return MAL_REQUIRE_TEST_DATA("elf-samples"); }

struct Context {
  fs::path root;
  Context() {
    char tmpl[] = "/tmp/mal-context-XXXXXX";
    root = mkdtemp(tmpl);
  }
  ~Context() { fs::remove_all(root); }
  void copy(const std::string& debianArch, const std::string& sample, const std::string& to) const {
    fs::create_directories((root / to).parent_path());
    fs::copy_file(samples() / debianArch / sample, root / to, fs::copy_options::overwrite_existing);
  }
  void write(const std::string& name, const std::string& content) const {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name) << content;
  }
  std::vector<Finding> lint(const std::string& dockerfile, std::vector<Platform> platforms = defaultTargetPlatforms()) const {
    write("Dockerfile", dockerfile);
    rules::LintSettings settings;
    settings.platforms = std::move(platforms);
    const cli::ContextSource source{root.string(), (root / "Dockerfile").string()};
    return cli::lintDockerfile(SourceText("Dockerfile", dockerfile), settings, &source).findings;
  }
};

std::map<std::string, std::vector<Finding>> byRule(const std::vector<Finding>& findings) {
  std::map<std::string, std::vector<Finding>> out;
  for (const auto& f : findings) out[f.ruleId].push_back(f);
  return out;
}

const char* kSeed =
    "FROM debian:bookworm-slim\n"
    "COPY proprietary-x86-lib.so /usr/lib/\n"
    "COPY x86-only-installer.bin /tmp/\n"
    "RUN /tmp/x86-only-installer.bin --prefix=/opt/vendor\n";

}  // namespace

TEST_CASE("the seed's example: foreign ELF files are MA150 and MA151 errors naming the machine", "[elf][context]") {
  Context ctx;
  ctx.copy("amd64", "libacl.so.1", "proprietary-x86-lib.so");
  ctx.copy("amd64", "hello", "x86-only-installer.bin");
  const auto rules = byRule(ctx.lint(kSeed));
  REQUIRE(rules.count("MA150"));
  REQUIRE(rules.at("MA150").size() == 2);
  CHECK(rules.at("MA150")[0].severity == Severity::Error);
  CHECK(rules.at("MA150")[0].message.find("shared library 'proprietary-x86-lib.so', an x86-64 ELF, into the linux/arm64 image") !=
        std::string::npos);
  CHECK(rules.at("MA150")[1].message.find("executable 'x86-only-installer.bin', an x86-64 ELF") != std::string::npos);
  REQUIRE(rules.count("MA151"));
  CHECK(rules.at("MA151")[0].location.line == 4);
  CHECK(rules.at("MA151")[0].location.column == 5);
  const std::string& message = rules.at("MA151")[0].message;
  CHECK(message.find("a dynamically linked x86-64 ELF, while building the linux/arm64 image") != std::string::npos);
  // GNU hello asks for /lib64/ld-linux-x86-64.so.2, which an arm64 image does not have: an x86-64 builder fails
  // with `not found` (what the build oracle saw), an arm64 one with `exec format error`.
  CHECK(message.find("`not found` on an x86-64 builder (the linux/arm64 image has no '/lib64/ld-linux-x86-64.so.2'") !=
        std::string::npos);
  CHECK(message.find("`exec format error` on a builder that cannot run x86-64 code") != std::string::npos);
}

TEST_CASE("MA151 says a static foreign program runs on a builder of its own architecture", "[elf][context]") {
  // The same program without its PT_INTERP entry is what the kernel treats as statically linked.
  std::string program = test::readFile(samples() / "amd64" / "hello");
  auto field = [&](size_t offset, size_t size) {
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) value |= uint64_t(uint8_t(program[offset + i])) << (8 * i);
    return value;
  };
  const uint64_t phoff = field(0x20, 8), phentsize = field(0x36, 2), phnum = field(0x38, 2);
  bool patched = false;
  for (uint64_t i = 0; i < phnum; ++i) {
    const size_t entry = phoff + i * phentsize;
    if (field(entry, 4) == 3 /* PT_INTERP */) {
      program.replace(entry, 4, std::string(4, '\0'));  // PT_NULL
      patched = true;
    }
  }
  REQUIRE(patched);
  Context ctx;
  ctx.write("x86-only-installer.bin", program);
  const auto rules =
      byRule(ctx.lint("FROM debian:bookworm-slim\nCOPY x86-only-installer.bin /tmp/\n"
                      "RUN /tmp/x86-only-installer.bin --prefix=/opt/vendor\n",
                      {*parsePlatform("linux/arm64")}));
  REQUIRE(rules.count("MA151"));
  const std::string& message = rules.at("MA151")[0].message;
  CHECK(message.find("a statically linked x86-64 ELF, while building the linux/arm64 image") != std::string::npos);
  CHECK(message.find("`exec format error` on a builder that cannot run x86-64 code; an x86-64 builder runs it "
                     "natively") != std::string::npos);
  CHECK(message.find("x86-64 in the linux/arm64 image") != std::string::npos);
  CHECK(message.find("not found") == std::string::npos);
}

TEST_CASE("matching ELF files are silent, built per target and copied by ${TARGETARCH}, too", "[elf][context]") {
  Context ctx;
  ctx.copy("arm64", "libacl.so.1", "proprietary-x86-lib.so");
  ctx.copy("arm64", "hello", "x86-only-installer.bin");
  CHECK(ctx.lint(kSeed, {*parsePlatform("linux/arm64")}).empty());

  const std::map<std::string, std::string> debianOf = {{"amd64", "amd64"},     {"arm64", "arm64"}, {"arm", "armhf"},
                                                       {"ppc64le", "ppc64el"}, {"s390x", "s390x"}, {"386", "i386"}};
  std::vector<Platform> all;
  for (const auto& [goarch, debian] : debianOf) {
    ctx.copy(debian, "libacl.so.1", "vendor/" + goarch + "/libfoo.so");
    ctx.copy(debian, "hello", "vendor/" + goarch + "/installer");
    all.push_back(*parsePlatform("linux/" + goarch));
  }
  const auto findings = ctx.lint(
      "FROM debian:bookworm-slim\nARG TARGETARCH\nCOPY vendor/${TARGETARCH}/libfoo.so /usr/lib/\n"
      "COPY vendor/$TARGETARCH/installer /tmp/installer\nWORKDIR /tmp\nRUN ./installer\n",
      all);
  CHECK(findings.empty());
}

TEST_CASE("a directory or glob copy is inspected file by file, .dockerignore is honoured", "[elf][context]") {
  Context ctx;
  ctx.copy("amd64", "libacl.so.1", "app/lib/libfast.so.1");
  ctx.copy("arm64", "libacl.so.1", "app/lib/libother.so.1");
  ctx.write("app/main.py", "print('hi')\n");
  auto rules = byRule(ctx.lint("FROM python:3\nCOPY app/ /srv/app/\n"));
  // One finding for the COPY: the first foreign file named, the other (libother, foreign to
  // amd64) counted, and main.py not.
  REQUIRE(rules.count("MA150"));
  REQUIRE(rules.at("MA150").size() == 1);
  CHECK(rules.at("MA150")[0].message.find("'app/lib/libfast.so.1', an x86-64 ELF, into the linux/arm64 image") !=
        std::string::npos);
  CHECK(rules.at("MA150")[0].message.find("libother") == std::string::npos);
  CHECK(rules.at("MA150")[0].message.find("(and 1 more foreign ELF files)") != std::string::npos);
  // A glob reaches the same two files: one finding for the COPY, naming the first foreign
  // one and counting the other (libother, foreign to amd64).
  rules = byRule(ctx.lint("FROM python:3\nCOPY app/lib/*.so.1 /usr/lib/\n"));
  REQUIRE(rules.count("MA150"));
  REQUIRE(rules.at("MA150").size() == 1);
  CHECK(rules.at("MA150")[0].message.find("'app/lib/libfast.so.1', an x86-64 ELF, into the linux/arm64 image") !=
        std::string::npos);
  CHECK(rules.at("MA150")[0].message.find("(and 1 more foreign ELF files)") != std::string::npos);
  ctx.write(".dockerignore", "# vendor blobs stay out\n**/libfast*\n");
  const auto remaining = ctx.lint("FROM python:3\nCOPY app/ /srv/app/\n");
  REQUIRE(remaining.size() == 1);  // libfast is ignored; the arm64 libother is foreign to amd64
  CHECK(remaining[0].message.find("'app/lib/libother.so.1', an AArch64 ELF, into the linux/amd64 image") != std::string::npos);
  ctx.write(".dockerignore", "**/libfast*\napp/lib/libother.so.1\n");
  CHECK(ctx.lint("FROM python:3\nCOPY app/ /srv/app/\n").empty());
}

TEST_CASE("a damaged ELF in the context stays a warning", "[elf][context][hostile]") {
  Context ctx;
  std::string broken = test::readFile(samples() / "amd64" / "libacl.so.1").substr(0, 20);
  ctx.write("libbroken.so", broken);
  const auto findings = ctx.lint("FROM debian\nCOPY libbroken.so /usr/lib/\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].ruleId == "MA150");
  CHECK(findings[0].severity == Severity::Warning);
  CHECK(findings[0].message.find("cannot be read") != std::string::npos);
}

TEST_CASE(".dockerignore patterns follow BuildKit's matcher", "[context]") {
  const auto ignore = context::DockerIgnore::parse("*.md\n!README.md\nbuild/\n**/*.o\n/tmp?/x\n");
  CHECK(ignore.excluded("CHANGES.md"));
  CHECK_FALSE(ignore.excluded("README.md"));
  CHECK_FALSE(ignore.excluded("docs/CHANGES.md"));  // `*` does not cross directories
  CHECK(ignore.excluded("build/out/app"));          // below an excluded directory
  CHECK(ignore.excluded("src/deep/er/file.o"));
  CHECK(ignore.excluded("file.o"));
  CHECK(ignore.excluded("tmp1/x"));
  CHECK_FALSE(ignore.excluded("src/main.c"));
}

TEST_CASE("a Git LFS pointer in the context: MA150 says so, and judges the file by its name", "[context][lfs]") {
  Context ctx;
  const std::string pointer =
      "version https://git-lfs.github.com/spec/v1\n"
      "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
      "size 12345678\n";
  ctx.write("bin/linux-amd64/app", pointer);
  ctx.write("bin/server", pointer);
  ctx.write("bin/linux-arm64/app", "version 2 of something else\n");
  const auto rules =
      byRule(ctx.lint("FROM debian:bookworm-slim\n"
                      "COPY bin/linux-amd64/app /usr/local/bin/app\n"
                      "COPY bin/server /usr/local/bin/server\n"
                      "COPY bin/linux-arm64/app /usr/local/bin/app-arm64\n",
                      {*parsePlatform("linux/amd64"), *parsePlatform("linux/arm64")}));
  REQUIRE(rules.count("MA150"));
  const auto& found = rules.at("MA150");
  REQUIRE(found.size() == 3);
  // The amd64 path is an error for arm64, and the pointer is named.
  CHECK(found[0].location.line == 2);
  CHECK(found[0].severity == Severity::Error);
  CHECK(found[0].message.find("linux/arm64 image") != std::string::npos);
  CHECK(found[0].message.find("Git LFS pointer") != std::string::npos);
  // A build-output file that is a pointer, run as a program on both targets: a warning.
  CHECK(found[1].location.line == 3);
  CHECK(found[1].severity == Severity::Warning);
  CHECK(found[1].message.find("Git LFS pointer") != std::string::npos);
  // A real file that is not an LFS pointer (the header differs) is judged by its name only.
  CHECK(found[2].location.line == 4);
  CHECK(found[2].message.find("Git LFS") == std::string::npos);
  CHECK(found[2].message.find("linux/amd64 image") != std::string::npos);
}

// Every Dockerfile rule's documented example is run here, where the files it copies exist:
// the demo's two x86-64 files (a real Debian amd64 library and program) in a build context,
// the stand-in registry and download server for the --resolve and --probe-downloads rules.
// The docs (`rules ID`, docs/rules.md) print the example's message line, so it must be
// exactly a message the rule gives on that Dockerfile.
TEST_CASE("every Dockerfile rule's documented example prints the message its docs show", "[rules][docs][context]") {
  Context ctx;
  ctx.copy("amd64", "libacl.so.1", "proprietary-x86-lib.so");
  ctx.copy("amd64", "hello", "x86-only-installer.bin");
  for (const auto* rule : rules::allRules()) {
    if (rule->analysis != rules::Analysis::Dockerfile) continue;
    // What `rules` prints: generated from a run of the engine on the example wherever the
    // rule judges the file alone, so a typed message there is a mistake.
    const std::string documented = rules::documentedExample(*rule);
    INFO(rule->id << " example:\n" << documented);
    const auto example = test::docExample(documented);
    if (!rules::exampleIsGenerated(*rule) && example.wellFormed) {
      // Typed only where the message needs the context, a registry or a download server:
      // the file alone must not give it.
      rules::LintSettings alone;
      if (!example.platforms.empty()) alone.platforms = example.platforms;
      const auto withoutEvidence = rules::lintDockerfile(SourceText("Dockerfile", example.dockerfile), alone);
      INFO("the file alone gives:\n" << test::messagesOf(withoutEvidence, rule->id));
      CHECK_FALSE(std::any_of(withoutEvidence.begin(), withoutEvidence.end(),
                              [&](const Finding& f) { return f.ruleId == rule->id && f.message == example.message; }));
    }
    CHECK(example.wellFormed);
    CHECK(example.rule == rule->id);
    if (!example.wellFormed) continue;
    ctx.write("Dockerfile", example.dockerfile);
    rules::LintSettings settings;  // the default targets unless the example names others, as `rules` runs it
    if (!example.platforms.empty()) settings.platforms = example.platforms;
    const cli::ContextSource source{ctx.root.string(), (ctx.root / "Dockerfile").string()};
    const auto findings = cli::lintDockerfile(SourceText("Dockerfile", example.dockerfile), settings, &source,
                                              &test::standInRegistry(), &test::standInDownloadServer())
                              .findings;
    INFO("the rule says:\n" << test::messagesOf(findings, rule->id));
    CHECK(std::any_of(findings.begin(), findings.end(),
                      [&](const Finding& f) { return f.ruleId == rule->id && f.message == example.message; }));
  }
}

TEST_CASE("a build context held in memory resolves COPY sources exactly as the one on disk", "[context]") {
  // The documented examples use the in-memory one: it must not be a second, simpler resolver.
  Context disk;
  std::vector<context::ContextFile> memory;
  for (const std::string path : {"app/lib/libfast.so.1", "app/lib/sub/libdeep.so", "app/main.py", "bin/tool-x86", "top.so"}) {
    disk.write(path, "not an ELF\n");
    context::ContextFile f;
    f.path = path;
    memory.push_back(f);
  }
  const std::string text =
      "FROM debian\n"
      "ARG TARGETARCH\n"
      "WORKDIR /srv\n"
      "COPY app/ ./app/\n"
      "COPY app/lib/*.so* /usr/lib/\n"
      "COPY ./bin/tool-x86 top.so /opt/\n"
      "COPY app/main.py run.py\n"
      "COPY missing-${TARGETARCH} /x\n";
  const SourceText source("Dockerfile", text);
  auto parsed = dockerfile::parse(source);
  REQUIRE(parsed.dockerfile.has_value());
  const auto model = dockerfile::buildModel(*parsed.dockerfile);
  const auto platforms = defaultTargetPlatforms();
  const auto fromDisk =
      context::readBuildContext(disk.root.string(), (disk.root / "Dockerfile").string(), *parsed.dockerfile, model, platforms);
  const auto fromMemory = context::buildContextOf(memory, *parsed.dockerfile, model, platforms);
  auto landed = [](const context::BuildContext& c) {
    std::vector<std::string> out;
    for (const auto& s : c.sources) {
      std::string line =
          std::to_string(s.instruction) + " " + s.platform.str() + " " + s.source + (s.found ? " found" : " absent");
      for (const auto& f : s.files) line += " " + f.file->path + "->" + f.imagePath;
      out.push_back(line);
    }
    return out;
  };
  const auto expected = landed(fromDisk);
  CHECK(landed(fromMemory) == expected);
  // And the resolution is the real one: a directory under WORKDIR, a glob into a directory,
  // several sources into one, a file renamed, a per-target name that is absent.
  const auto has = [&](const std::string& line) { return std::find(expected.begin(), expected.end(), line) != expected.end(); };
  CHECK(has(
      "3 linux/arm64 app/ found app/lib/libfast.so.1->/srv/app/lib/libfast.so.1 app/lib/sub/libdeep.so->/srv/app/lib/sub/libdeep.so "
      "app/main.py->/srv/app/main.py"));
  CHECK(has("4 linux/amd64 app/lib/*.so* found app/lib/libfast.so.1->/usr/lib/libfast.so.1"));
  CHECK(has("5 linux/amd64 ./bin/tool-x86 found bin/tool-x86->/opt/tool-x86"));
  CHECK(has("6 linux/arm64 app/main.py found app/main.py->/srv/run.py"));
  CHECK(has("7 linux/arm64 missing-arm64 absent"));
}
