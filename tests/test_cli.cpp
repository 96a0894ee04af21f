// The lint command in-process: inputs, configuration, pragmas and exit codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

struct Run {
  int code;
  std::string out, err;
};

Run lint(cli::LintOptions options, const std::string& stdinText = "") {
  std::istringstream in(stdinText);
  std::ostringstream out, err;
  if (options.configPath.empty()) options.noConfig = true;
  const int code = cli::runLint(options, {in, out, err});
  return {code, out.str(), err.str()};
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/mal-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& content) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << content;
    return path / name;
  }
};

const std::string kBad = "FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/amd64/kubectl\n";
const std::string kGood = "FROM debian\nARG TARGETARCH\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/${TARGETARCH}/kubectl\n";
const std::string kWarningOnly = "FROM debian\nCOPY libfoo.so /usr/lib/\n";

}  // namespace

TEST_CASE("exit codes: 0 clean, 1 findings, 2 unreadable input after the others", "[cli]") {
  TempDir dir;
  const auto good = dir.write("good/Dockerfile", kGood);
  const auto bad = dir.write("bad/Dockerfile", kBad);
  CHECK(lint({.paths = {good.string()}}).code == 0);
  CHECK(lint({.paths = {bad.string()}}).code == 1);
  const auto mixed = lint({.paths = {(dir.path / "nope/Dockerfile").string(), bad.string()}, .format = "json"});
  CHECK(mixed.code == 2);
  CHECK(mixed.err == "multiarch-lint: " + (dir.path / "nope/Dockerfile").string() + ": cannot read: No such file or directory\n");
  const auto doc = nlohmann::json::parse(mixed.out);
  // the readable file was still analysed and reported; the error names the unreadable one
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "MA110");
  CHECK(doc["findings"][0]["location"]["path"] == bad.string());
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["path"] == (dir.path / "nope/Dockerfile").string());
}

TEST_CASE("failure threshold: warnings pass an error threshold, none never fails", "[cli]") {
  TempDir dir;
  const auto warn = dir.write("Dockerfile", kWarningOnly);
  CHECK(lint({.paths = {warn.string()}}).code == 1);
  CHECK(lint({.paths = {warn.string()}, .failureThreshold = "error"}).code == 0);
  const auto bad = dir.write("b/Dockerfile", kBad);
  CHECK(lint({.paths = {bad.string()}, .failureThreshold = "none"}).code == 0);
  const auto bogus = lint({.paths = {bad.string()}, .failureThreshold = "bogus"});
  CHECK(bogus.code == 2);
  CHECK(bogus.err == "multiarch-lint: --failure-threshold must be error, warning, info or none\n");
}

TEST_CASE("stdin and directory discovery", "[cli]") {
  const auto fromStdin = lint({.paths = {"-"}}, kBad);
  CHECK(fromStdin.code == 1);
  CHECK(fromStdin.out.find("-:2:") == 0);
  TempDir dir;
  dir.write("Dockerfile", kGood);
  dir.write("svc/api.Dockerfile", kBad);
  dir.write("svc/Dockerfile.prod", kGood);
  dir.write("Containerfile", kGood);
  dir.write("node_modules/x/Dockerfile", kBad);
  dir.write("README.md", "not a Dockerfile");
  const auto run = lint({.paths = {dir.path.string()}, .format = "json"});
  const auto doc = nlohmann::json::parse(run.out);
  // Which files were found, not how many: node_modules and README.md are skipped.
  std::set<std::string> inputs;
  for (const auto& input : doc["inputs"]) inputs.insert(input["path"].get<std::string>());
  CHECK(inputs == std::set<std::string>{(dir.path / "Containerfile").string(), (dir.path / "Dockerfile").string(),
                                        (dir.path / "svc/Dockerfile.prod").string(), (dir.path / "svc/api.Dockerfile").string()});
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "MA110");
  CHECK(doc["findings"][0]["location"]["path"] == (dir.path / "svc/api.Dockerfile").string());
  CHECK(run.code == 1);
}

TEST_CASE("the configuration file: platforms, ignore, severity, threshold, flags win", "[cli][config]") {
  TempDir dir;
  const auto bad = dir.write("Dockerfile", kBad + "COPY libfoo.so /usr/lib/\n");
  // A Git LFS pointer in the context: every image gets the pointer's text, even a build for
  // one platform (a native file of unknown architecture would be fine there).
  dir.write("libfoo.so", "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'a') + "\nsize 2048\n");
  const auto config = dir.write(".multiarch-lint.yaml",
                                "platforms: [linux/amd64]\nseverity:\n  prebuilt-binary-copied: error\n"
                                "failure-threshold: error\n");
  auto run = lint({.paths = {bad.string()}, .format = "json", .configPath = config.string()});
  auto doc = nlohmann::json::parse(run.out);
  REQUIRE(doc["findings"].size() == 1);  // amd64 only: the amd64 download is fine
  CHECK(doc["findings"][0]["rule"] == "MA150");
  CHECK(doc["findings"][0]["severity"] == "error");
  CHECK(run.code == 1);
  run = lint({.paths = {bad.string()},
              .format = "json",
              .platforms = "linux/amd64,linux/arm64",
              .configPath = config.string(),
              .ignore = {"MA150"}});
  doc = nlohmann::json::parse(run.out);
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "MA110");

  const auto broken = dir.write("broken.yaml", "platforms: [linux/sparc]\n");
  run = lint({.paths = {bad.string()}, .configPath = broken.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("unknown platform 'linux/sparc'") != std::string::npos);
  const auto unknownRule = dir.write("unknown.yaml", "ignore: [MA999]\n");
  run = lint({.paths = {bad.string()}, .configPath = unknownRule.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("unknown.yaml: unknown rule 'MA999'") != std::string::npos);
  const auto negativeTtl = dir.write("ttl.yaml", "resolve: true\nresolve-ttl: -5\n");
  run = lint({.paths = {bad.string()}, .configPath = negativeTtl.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("resolve-ttl must be a number of seconds") != std::string::npos);
  // probe-downloads and probe-ttl name their key and line like the others (they said
  // yaml-cpp's "bad conversion" before).
  const auto probeType = dir.write("probe.yaml", "probe-downloads: [yes]\n");
  run = lint({.paths = {bad.string()}, .configPath = probeType.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("probe.yaml:1: 'probe-downloads' must be true or false") != std::string::npos);
  const auto probeTtl = dir.write("probettl.yaml", "\nprobe-ttl: soon\n");
  run = lint({.paths = {bad.string()}, .configPath = probeTtl.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("probettl.yaml:2: 'probe-ttl' must be a whole number") != std::string::npos);
}

TEST_CASE("resolve: true in the configuration looks base images up (and says when it cannot)", "[cli][config]") {
  TempDir dir;
  // A registry nobody listens on: the lookup fails, which must be an input error, not a pass.
  const auto file = dir.write("Dockerfile", "FROM 127.0.0.1:9/nothing/here:1\nRUN true\n");
  const auto config = dir.write("c.yaml", "resolve: true\nresolve-ttl: 0\ninsecure-registries: [127.0.0.1:9]\n");
  const auto run = lint({.paths = {file.string()}, .format = "json", .configPath = config.string()});
  CHECK(run.code == 2);
  CHECK(run.err.find("cannot resolve base image '127.0.0.1:9/nothing/here:1'") != std::string::npos);
  // Without it, the same file is linted offline and passes.
  CHECK(lint({.paths = {file.string()}, .format = "json"}).code == 0);
}

TEST_CASE("the configuration is discovered in ./ then in XDG_CONFIG_HOME", "[cli][config]") {
  TempDir dir;
  const auto bad = dir.write("Dockerfile", kBad);
  dir.write("xdg/multiarch-lint/config.yaml", "ignore: [MA110]\n");
  const auto previous = fs::current_path();
  fs::current_path(dir.path);
  setenv("XDG_CONFIG_HOME", (dir.path / "xdg").c_str(), 1);
  std::istringstream in;
  std::ostringstream out, err;
  CHECK(cli::runLint({.paths = {bad.string()}}, {in, out, err}) == 0);  // the XDG config ignores MA110
  dir.write(".multiarch-lint.yaml", "failure-threshold: error\n");      // ./ comes first
  std::ostringstream out2;
  CHECK(cli::runLint({.paths = {bad.string()}}, {in, out2, err}) == 1);
  unsetenv("XDG_CONFIG_HOME");
  fs::current_path(previous);
}

TEST_CASE("inline pragmas: above an instruction, file-wide, and unknown rules", "[cli][pragma]") {
  const std::string file =
      "FROM debian\n"
      "# multiarch-lint ignore=MA110 -- the vendor ships amd64 only; this image is amd64-only\n"
      "RUN curl -fsSLO https://x/linux-amd64/a\n"
      "RUN curl -fsSLO https://x/linux-amd64/b\n"
      "# multiarch-lint ignore=arch-specific-download,MA999\n"
      "RUN curl -fsSLO https://x/linux-amd64/c\n";
  const auto findings = test::lint(file);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].ruleId == "MA110");
  CHECK(findings[0].location.line == 4);
  CHECK(findings[1].ruleId == "MA002");
  CHECK(findings[1].location.line == 5);
  // A global pragma silences MA110 everywhere; only the unknown id's MA002 is left (one line lower).
  const auto global = test::lint("# multiarch-lint global ignore=MA110 -- reason\n" + file);
  REQUIRE(global.size() == 1);
  CHECK(global[0].ruleId == "MA002");
  CHECK(global[0].location.line == 6);
}

TEST_CASE("a malformed Dockerfile is an MA001 finding at BuildKit's position", "[cli]") {
  const auto findings = test::lint("FROM alpine\nRUN <<EOF\necho never terminated\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].ruleId == "MA001");
  CHECK(findings[0].location.line == 2);
  CHECK(findings[0].message == "dockerfile parse error on line 2: unterminated heredoc");
  // BuildKit stops at the first instruction it refuses: one finding, which counts the rest.
  const auto unknown = test::lint("FROM alpine\nFROBNICATE x\nRUN --mount=type=cache,target=/x --bogus true\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message == "unknown instruction: FROBNICATE (BuildKit stops here; 1 more line would be refused too)");
  CHECK(unknown[0].location.line == 2);
  const auto flag = test::lint("FROM alpine\nRUN --mount=type=cache,target=/x --bogus true\n");
  REQUIRE(flag.size() == 1);
  CHECK(flag[0].message == "unknown flag: bogus");
  CHECK(flag[0].location.column == 34);
  // A no-break space pasted where the space after FROM belongs (chuckchill/gotest): BuildKit
  // reads one unknown word, and the message says which character it is and where.
  const auto pasted = test::lint("FROM\xC2\xA0golang:1.13\nRUN true\n");
  REQUIRE(pasted.size() == 1);
  CHECK(pasted[0].message ==
        "unknown instruction: FROM\xC2\xA0GOLANG:1.13 (a no-break space (U+00A0) after FROM: BuildKit separates an "
        "instruction from its arguments at ASCII spaces and tabs only) (BuildKit stops here; 1 more line would be refused "
        "too)");
  // Its twin: an unknown word with no such character says nothing more.
  CHECK(test::lint("FROMgolang:1.13\n")[0].message == "unknown instruction: FROMGOLANG:1.13");
}

TEST_CASE("a symbolic link checked out as text is said once, as info, and not judged", "[cli]") {
  // git with core.symlinks=false writes the link's target as the file's only text, with no newline.
  const auto link = test::lint("../../build/Dockerfile.alpine");
  REQUIRE(link.size() == 1);
  CHECK(link[0].ruleId == "MA001");
  CHECK(link[0].severity == Severity::Info);
  CHECK(link[0].message.find("holds only the path '../../build/Dockerfile.alpine'") != std::string::npos);
  const auto bare = test::lint("Containerfile\n");
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].ruleId == "MA001");
  CHECK(bare[0].severity == Severity::Info);
  CHECK(bare[0].message.find("holds only the path 'Containerfile'") != std::string::npos);
  // Anything else that BuildKit refuses stays an error: a word that names no Dockerfile, or more text.
  const auto word = test::lint("../scripts/build.sh");
  REQUIRE(word.size() == 1);
  CHECK(word[0].ruleId == "MA001");
  CHECK(word[0].severity == Severity::Error);
  CHECK(word[0].message == "unknown instruction: ../SCRIPTS/BUILD.SH");
  const auto more = test::lint("../Dockerfile\nFROM alpine\n");
  REQUIRE(more.size() == 1);
  CHECK(more[0].ruleId == "MA001");
  CHECK(more[0].severity == Severity::Error);
  CHECK(more[0].message == "unknown instruction: ../DOCKERFILE");
}

TEST_CASE("source code named like a Dockerfile is said once, as info, when BuildKit would refuse it", "[cli]") {
  // pandoc's pandock/dockerfile.lua: a Lua module that writes Dockerfiles.
  const std::string lua = "local M = {}\nfunction M.render(image)\n  return 'FROM ' .. image\nend\nreturn M\n";
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  const auto module = cli::lintDockerfile(SourceText("pandock/dockerfile.lua", lua), settings, nullptr, nullptr, nullptr);
  REQUIRE(module.findings.size() == 1);
  CHECK(module.findings[0].severity == Severity::Info);
  CHECK(module.findings[0].message.find("extension '.lua'") != std::string::npos);
  // hassio-addons/addon-ssh's rootfs/usr/share/nano/Dockerfile.nanorc: nano's syntax file for Dockerfiles.
  const std::string nanorc =
      "## Syntax highlighting for Dockerfiles\nsyntax \"Dockerfile\" \"Dockerfile[^/]*$\"\n"
      "icolor red \"^(FROM|RUN|CMD)[[:space:]]\"\n";
  const auto syntax =
      cli::lintDockerfile(SourceText("rootfs/usr/share/nano/Dockerfile.nanorc", nanorc), settings, nullptr, nullptr, nullptr);
  REQUIRE(syntax.findings.size() == 1);
  CHECK(syntax.findings[0].severity == Severity::Info);
  CHECK(syntax.findings[0].message.find("extension '.nanorc'") != std::string::npos);
  // haskell/docker-haskell's template/Dockerfile.ncl: a Nickel program that renders the Dockerfiles.
  const std::string nickel = "let render = fun cfg =>\n  let ghc = cfg.ghc in\n  m%\"\nFROM %{cfg.image}\n\"%\nin render\n";
  const auto rendering = cli::lintDockerfile(SourceText("template/Dockerfile.ncl", nickel), settings, nullptr, nullptr, nullptr);
  REQUIRE(rendering.findings.size() == 1);
  CHECK(rendering.findings[0].severity == Severity::Info);
  CHECK(rendering.findings[0].message.find("extension '.ncl'") != std::string::npos);
  const auto nickelAsDockerfile = cli::lintDockerfile(SourceText("Dockerfile", nickel), settings, nullptr, nullptr, nullptr);
  REQUIRE(nickelAsDockerfile.findings.size() == 1);
  CHECK(nickelAsDockerfile.findings[0].severity == Severity::Error);
  const auto nanoAsDockerfile = cli::lintDockerfile(SourceText("Dockerfile", nanorc), settings, nullptr, nullptr, nullptr);
  REQUIRE(nanoAsDockerfile.findings.size() == 1);
  CHECK(nanoAsDockerfile.findings[0].severity == Severity::Error);
  // The same text under a Dockerfile's name is a broken Dockerfile, and a real Dockerfile
  // with such an extension is analysed as one.
  const auto broken = cli::lintDockerfile(SourceText("Dockerfile", lua), settings, nullptr, nullptr, nullptr);
  REQUIRE(broken.findings.size() == 1);
  CHECK(broken.findings[0].ruleId == "MA001");
  CHECK(broken.findings[0].severity == Severity::Error);
  CHECK(broken.findings[0].message == "unknown instruction: LOCAL (BuildKit stops here; 4 more lines would be refused too)");
  const auto real =
      cli::lintDockerfile(SourceText("build/Dockerfile.go", "FROM golang\nRUN curl -fsSLO https://x/tool-linux-amd64\n"),
                          settings, nullptr, nullptr, nullptr);
  REQUIRE(real.findings.size() == 1);
  CHECK(real.findings[0].ruleId == "MA110");
}

TEST_CASE("lint: a file with no instruction is a placeholder, said once as info", "[cli][rules]") {
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  // arhat-dev/dockerfile's 0-byte app/freeipa/Dockerfile (its dukkha.yaml builds another file),
  // and the same placeholder holding only comments or blank lines.
  for (const std::string& text : {std::string(), std::string("\n\n"), std::string("# TODO: write this image\n# syntax=x\n")}) {
    const auto lint = cli::lintDockerfile(SourceText("app/freeipa/Dockerfile", text), settings, nullptr, nullptr, nullptr);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].ruleId == "MA001");
    CHECK(lint.findings[0].severity == Severity::Info);
    CHECK(lint.findings[0].message.find("placeholder") != std::string::npos);
  }
  // The twin: one instruction makes it a Dockerfile, and BuildKit's refusal of it an error.
  const auto broken =
      cli::lintDockerfile(SourceText("Dockerfile", "# base image\nENV PATH\n"), settings, nullptr, nullptr, nullptr);
  REQUIRE(broken.findings.size() == 1);
  CHECK(broken.findings[0].ruleId == "MA001");
  CHECK(broken.findings[0].severity == Severity::Error);
}

TEST_CASE("lint: a cpp template is said once as info and not analysed", "[cli][rules]") {
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  // Modelled on xddxdd/dockerfiles' include/image/alpine_edge.Dockerfile: cpp keeps one FROM per
  // architecture; unexpanded, every branch's single-architecture base would be an MA103 error.
  const std::string branches =
      "#include \"step_counter.Dockerfile\"\n\n#if defined(ARCH_AMD64)\nFROM amd64/alpine:edge AS STEP\n"
      "#elif defined(ARCH_ARM64V8)\nFROM arm64v8/alpine:edge AS STEP\n#else\n#error \"Architecture not set\"\n#endif\n"
      "RUN apk add -q --no-cache curl\n";
  // Its include/common.Dockerfile: macros only, a `\` continuation left where an instruction belongs.
  const std::string macros =
      "#define WGET(url) wget -q url\n#define UNTARGZ(url) WGET(url) -O download.tar.gz \\\n"
      "    && tar xf download.tar.gz && rm download.tar.gz\n";
  for (const auto& text : {branches, macros}) {
    const auto lint =
        cli::lintDockerfile(SourceText("include/image/alpine_edge.Dockerfile", text), settings, nullptr, nullptr, nullptr);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].ruleId == "MA001");
    CHECK(lint.findings[0].severity == Severity::Info);
    CHECK(lint.findings[0].location.line == 1);
    CHECK(lint.findings[0].message.find("C preprocessor directive") != std::string::npos);
  }
  // One directive-like line is not enough: a Dockerfile with a single `#define` comment is linted.
  const auto one = cli::lintDockerfile(SourceText("Dockerfile", "#define PORT 8080\nFROM amd64/alpine:3.20\nRUN true\n"),
                                       settings, nullptr, nullptr, nullptr);
  REQUIRE(one.findings.size() == 1);
  CHECK(one.findings[0].ruleId == "MA103");
}

TEST_CASE("lint: a template tag on a refused line is said once as info and not analysed", "[cli][rules]") {
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  // ne-sachirou/docker-elixir's priv/Dockerfile.elixir (Part ZZZZZZZ), an EEx template rendered
  // per version: BuildKit refuses the unrendered ENV, and the base is an unrendered tag too.
  const auto eex = cli::lintDockerfile(
      SourceText("priv/Dockerfile.elixir",
                 "FROM nesachirou/erlang:<%= erlang.major_version %>\nENV PATH=/root/elixir-<%= elixir.version %>/bin:$PATH "
                 "LANG=C.UTF-8\nRUN curl -fsSLO https://x/tool-linux-amd64\n"),
      settings, nullptr, nullptr, nullptr);
  REQUIRE(eex.findings.size() == 1);
  CHECK(eex.findings[0].ruleId == "MA001");
  CHECK(eex.findings[0].severity == Severity::Info);
  CHECK(eex.findings[0].location.line == 2);
  CHECK(eex.findings[0].message.find("'<%=' is a template tag") == 0);
  // Jinja inside an instruction's arguments, on the line BuildKit refuses.
  const auto jinja =
      cli::lintDockerfile(SourceText("Dockerfile.j", "FROM alpine\nADD {{src}}\n"), settings, nullptr, nullptr, nullptr);
  REQUIRE(jinja.findings.size() == 1);
  CHECK(jinja.findings[0].severity == Severity::Info);
  // Twins: a Go template in a RUN's `--format` is no template of the file, so another line's
  // refusal stays an error; and a tag without its closer is no tag.
  const auto format =
      cli::lintDockerfile(SourceText("Dockerfile", "FROM alpine\nRUN docker inspect --format '{{.Id}}' x\nENV A\n"), settings,
                          nullptr, nullptr, nullptr);
  REQUIRE(format.findings.size() == 1);
  CHECK(format.findings[0].severity == Severity::Error);
  const auto open = cli::lintDockerfile(SourceText("Dockerfile", "FROM alpine\nADD <%x\n"), settings, nullptr, nullptr, nullptr);
  REQUIRE(open.findings.size() == 1);
  CHECK(open.findings[0].severity == Severity::Error);
}

TEST_CASE("rules command: list and explain by id or slug", "[cli]") {
  std::istringstream in;
  std::ostringstream out, err;
  CHECK(cli::runRules({}, {in, out, err}) == 0);
  CHECK(out.str().find("MA110  arch-specific-download") != std::string::npos);
  std::ostringstream one;
  CHECK(cli::runRules({"arch-specific-download", "text"}, {in, one, err}) == 0);
  CHECK(one.str().find("MA110 arch-specific-download (error, Dockerfile)") == 0);
  CHECK(one.str().find("Why it breaks") != std::string::npos);
  std::ostringstream none, unknown;
  CHECK(cli::runRules({"MA999", "text"}, {in, none, unknown}) == 2);
  CHECK(unknown.str() == "multiarch-lint: unknown rule 'MA999' (see `multiarch-lint rules`)\n");
  CHECK(none.str().empty());
}

TEST_CASE("extra-arch-only-packages in the configuration extends MA111's list", "[cli][config]") {
  TempDir dir;
  const auto file = dir.write("Dockerfile", "FROM debian\nRUN apt-get install -y in-house-x86-agent curl\n");
  CHECK(lint({.paths = {file.string()}}).code == 0);
  const auto config = dir.write("c.yaml", "extra-arch-only-packages: [in-house-x86-*]\n");
  const auto run = lint({.paths = {file.string()}, .format = "json", .configPath = config.string()});
  const auto doc = nlohmann::json::parse(run.out);
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "MA111");
  CHECK(doc["findings"][0]["message"].get<std::string>().find("'in-house-x86-agent', which is published for amd64 only") !=
        std::string::npos);
}

TEST_CASE("lint: -march=native is a note, and a warning once one build makes several architectures' images", "[cli][rules]") {
  // ImranAdan/nbody-vectorization-benchmark builds each image and runs it at once on the same
  // machine: tuning to that CPU is the point. A multi-platform build pushes the image for others.
  const std::string text = "FROM gcc:13\nRUN gcc -O3 -march=native -o /usr/local/bin/nbody nbody.c\n";
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  const auto alone = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  REQUIRE(alone.findings.size() == 1);
  CHECK(alone.findings[0].ruleId == "MA132");
  CHECK(alone.findings[0].severity == Severity::Info);
  settings.ruleOptions.multiPlatformBuildDeclaredBy = ".github/workflows/release.yml job image";
  const auto published = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  REQUIRE(published.findings.size() == 1);
  CHECK(published.findings[0].severity == Severity::Warning);
  CHECK(published.findings[0].message.find("release.yml job image builds it for several architectures") != std::string::npos);
  // -mtune=native picks no instructions, so it is never reported.
  const auto tuned = cli::lintDockerfile(SourceText("Dockerfile", "FROM gcc:13\nRUN gcc -O3 -mtune=native -o /app main.c\n"),
                                         settings, nullptr, nullptr, nullptr);
  CHECK(tuned.findings.empty());
}

TEST_CASE("lint: a last stage on $BUILDPLATFORM that no declared build makes", "[cli][rules]") {
  // cnoe-io/ai-platform-engineering's build/Dockerfile.caipe-ui (Part ZZZZZC): every workflow
  // builds `target: runner` for amd64 and arm64; the last stage, `dev`, is the hot-reload
  // target compose builds on the developer's machine.
  const std::string text =
      "FROM node:24-alpine AS runner\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n"
      "FROM --platform=$BUILDPLATFORM node:24-alpine AS dev\nCOPY . /app\nCMD [\"npm\", \"run\", \"dev\"]\n";
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  settings.platformsByTargetStage["runner"] = defaultTargetPlatforms();
  const auto runner = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  CHECK(runner.findings.empty());
  // Twin: a declared build that names no target makes the last stage, the build machine's.
  settings.platformsByTargetStage[""] = defaultTargetPlatforms();
  const auto last = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  REQUIRE(last.findings.size() == 1);
  CHECK(last.findings[0].ruleId == "MA141");
}

TEST_CASE("lint: a program copied into a stage that the declared multi-platform build does not make", "[cli][rules]") {
  // hashicorp/boundary (Part ZZZ): the Makefile builds `--target=official` for amd64 and arm64
  // (from the vendor's per-architecture release), and the `dev` stage, which copies bin/boundary
  // from the context, only with `docker-build-dev`, one GOOS/GOARCH at a time.
  const std::string text =
      "FROM alpine:3.21 AS dev\nADD bin/boundary /bin/boundary\nENTRYPOINT [\"/bin/boundary\"]\n"
      "FROM alpine:3.21 AS official\nRUN apk add --no-cache ca-certificates\n";
  rules::LintSettings settings;
  settings.platforms = defaultTargetPlatforms();
  settings.ruleOptions.multiPlatformBuildDeclaredBy = "Makefile";
  settings.platformsByTargetStage["official"] = defaultTargetPlatforms();
  const auto official = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  CHECK(official.findings.empty());
  // Twin: the multi-platform build stops at `dev`: every platform gets the one copied program.
  settings.platformsByTargetStage.clear();
  settings.platformsByTargetStage["dev"] = defaultTargetPlatforms();
  const auto dev = cli::lintDockerfile(SourceText("Dockerfile", text), settings, nullptr, nullptr, nullptr);
  REQUIRE(dev.findings.size() == 1);
  CHECK(dev.findings[0].ruleId == "MA150");
  CHECK(dev.findings[0].message.find("one build makes every platform's image (Makefile)") != std::string::npos);
}
