// Which platforms a Dockerfile is meant for: each declaration source on a throwaway
// repository made at test time, their order of trust, and lint's use of them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "analyzer/context/declared_platforms.h"
#include "cli/commands.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

struct Repo {
  fs::path root;
  explicit Repo(bool git = true) {
    char tmpl[] = "/tmp/mal-declared-XXXXXX";
    root = fs::path(mkdtemp(tmpl));
    if (git) fs::create_directories(root / ".git");
  }
  ~Repo() { fs::remove_all(root); }
  fs::path write(const std::string& name, const std::string& content) const {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name, std::ios::binary) << content;
    return root / name;
  }
};

const std::string kPlain = "FROM alpine:3.19\nRUN true\n";

// "linux/arm64, linux/amd64 <- source", or "none".
std::string declared(const fs::path& dockerfile, const std::string& text = kPlain) {
  const auto found = context::findDeclaredPlatforms(dockerfile, text);
  if (!found) return "none";
  return platformList(found->platforms) + " <- " + found->source;
}

// Runs with the working directory set to `dir`, as a user in a repository would.
struct InDirectory {
  fs::path previous = fs::current_path();
  explicit InDirectory(const fs::path& dir) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(previous); }
};

struct LintRun {
  int code;
  std::string out, err;
};

LintRun lint(cli::LintOptions options) {
  std::istringstream in;
  std::ostringstream out, err;
  if (options.configPath.empty()) options.noConfig = true;
  const int code = cli::runLint(options, {in, out, err});
  return {code, out.str(), err.str()};
}

// One rule's findings in a JSON lint run: "line N, breaks P: message" each, in report order.
// Every input must have been analysed with no error, so that an empty answer is the rule's
// silence, not a file that was never read.
std::vector<std::string> findingsIn(const std::string& rule, const LintRun& run) {
  INFO(run.out << run.err);
  const auto json = nlohmann::json::parse(run.out);  // kept: a range-for over a temporary's member dangles
  REQUIRE(json["errors"].empty());
  REQUIRE(!json["inputs"].empty());
  for (const auto& input : json["inputs"]) REQUIRE(input["analysed"] == true);
  std::vector<std::string> found;
  for (const auto& f : json["findings"]) {
    if (f["rule"] != rule) continue;
    std::string breaks;
    for (const auto& p : f.value("breaks", nlohmann::json::array()))
      breaks += (breaks.empty() ? "" : ", ") + p.get<std::string>();
    found.push_back("line " + std::to_string(f["location"]["line"].get<int>()) + (breaks.empty() ? "" : ", breaks " + breaks) +
                    ": " + f["message"].get<std::string>());
  }
  return found;
}

// The same when lint reads `dockerfile` alone, with the platforms it resolves for it.
std::vector<std::string> findingsOf(const std::string& rule, const fs::path& dockerfile) {
  return findingsIn(rule, lint({.paths = {dockerfile.string()}, .format = "json"}));
}

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

}  // namespace

TEST_CASE("bake HCL: platforms, context and dockerfile, inherits, variable defaults", "[declared]") {
  Repo repo;
  const auto app = repo.write("app/Dockerfile", kPlain);
  const auto tools = repo.write("docker/tools.Dockerfile", kPlain);
  const auto other = repo.write("other/Dockerfile", kPlain);
  repo.write("docker-bake.hcl", R"(
# the release targets
variable "ARM" {
  default = "linux/arm64"
}
variable "REGISTRY" { default = "ghcr.io/x" }
target "_common" {
  platforms = ["linux/amd64", "${ARM}", "${UNSET}/x"]
}
target "app" {
  inherits = ["_common"]
  context = "app"
  tags = ["${REGISTRY}/app:latest"]
  args = {
    A = "b"
  }
}
target "tools" {
  context    = "."
  dockerfile = "docker/tools.Dockerfile"
  platforms  = [
    "linux/arm/v7", // a comment
    "darwin/arm64", /* binaries only, not a Linux image */
    "linux/riscv64",
  ]
  labels = { "x" = "y" }
}
target "other" {
  context = "other"
  platforms = split(",", "linux/s390x")
}
)");
  CHECK(declared(app) == "linux/amd64, linux/arm64 <- docker-bake.hcl target \"app\"");
  CHECK(declared(tools) == "linux/arm/v7, linux/riscv64 <- docker-bake.hcl target \"tools\"");
  // A function call is not evaluated: no platforms from bake (and nothing else declares it).
  CHECK(declared(other) == "none");
  // A Dockerfile no target names.
  CHECK(declared(repo.write("unnamed/Dockerfile", kPlain)) == "none");
}

TEST_CASE("bake: a platform split's files are built by the targets that name them", "[declared]") {
  // thespad/docker-kopia-server (Part ZZZZZZZZZZZZZZZC), a linuxserver-style bake file: `amd64`
  // names Dockerfile, `arm64v8` names Dockerfile.aarch64; `64` and `all` name no file.
  Repo split;
  const auto amd64 = split.write("Dockerfile", kPlain);
  const auto arm64 = split.write("Dockerfile.aarch64", kPlain);
  split.write("docker-bake.hcl", R"(
target "image" {}
target "amd64" {
  inherits = ["image"]
  dockerfile = "Dockerfile"
  platforms = ["linux/amd64"]
}
target "arm64v8" {
  inherits = ["image"]
  dockerfile = "Dockerfile.aarch64"
  platforms = ["linux/arm64"]
}
target "64" {
  inherits = ["image"]
  platforms = ["linux/amd64", "linux/arm64"]
}
target "all" {
  inherits = ["image"]
  platforms = ["linux/amd64", "linux/arm64"]
}
)");
  CHECK(declared(amd64) == "linux/amd64 <- docker-bake.hcl target \"amd64\"");
  CHECK(declared(arm64) == "linux/arm64 <- docker-bake.hcl target \"arm64v8\"");
  // Twin: one file named, no split: a target that defaults to it builds it too.
  Repo single;
  const auto file = single.write("Dockerfile", kPlain);
  single.write("docker-bake.hcl", R"(
target "dev" {
  dockerfile = "Dockerfile"
  platforms = ["linux/amd64"]
}
target "release" {
  platforms = ["linux/amd64", "linux/arm64"]
}
)");
  CHECK(declared(file) == "linux/amd64, linux/arm64 <- docker-bake.hcl target \"dev\", docker-bake.hcl target \"release\"");
  // Twin: two files named, but for the same platform: no split by platform, so `release`
  // (Dockerfile by default) still builds Dockerfile for both.
  Repo sameMachine;
  const auto main = sameMachine.write("Dockerfile", kPlain);
  sameMachine.write("Dockerfile.dev", kPlain);
  sameMachine.write("docker-bake.hcl", R"(
target "dev" {
  dockerfile = "Dockerfile.dev"
  platforms = ["linux/amd64"]
}
target "test" {
  dockerfile = "Dockerfile"
  platforms = ["linux/amd64"]
}
target "release" {
  platforms = ["linux/amd64", "linux/arm64"]
}
)");
  CHECK(declared(main) == "linux/amd64, linux/arm64 <- docker-bake.hcl target \"release\", docker-bake.hcl target \"test\"");
}

TEST_CASE("bake JSON and an override file", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  repo.write("docker-bake.json", R"({"variable": {"P": {"default": "linux/ppc64le"}},
    "target": {"default": {"context": ".", "platforms": ["${P}", "linux/amd64"]}}})");
  CHECK(declared(file) == "linux/ppc64le, linux/amd64 <- docker-bake.json target \"default\"");
  repo.write("docker-bake.override.hcl", "target \"default\" {\n  platforms = [\"linux/arm64\"]\n}\n");
  CHECK(declared(file) == "linux/arm64 <- docker-bake.json target \"default\"");
}

TEST_CASE("bake files under other names: paths from the command's directory, root or beside", "[declared]") {
  Repo repo;
  // frigate's shape: docker/board/board.hcl, built with `docker buildx bake -f docker/board/board.hcl`
  // from the root, so its dockerfile path is relative to the root (docker/buildx#1028).
  const auto board = repo.write("docker/board/Dockerfile", kPlain);
  repo.write("docker/board/board.hcl",
             "target \"board\" {\n  dockerfile = \"docker/board/Dockerfile\"\n  platforms = [\"linux/arm64\"]\n}\n");
  CHECK(declared(board) == "linux/arm64 <- docker/board/board.hcl target \"board\"");
  // Run beside the file instead: its paths are relative to its own directory.
  const auto beside = repo.write("images/web/Dockerfile", kPlain);
  repo.write("images/web/release.hcl", "target \"web\" {\n  platforms = [\"linux/amd64\", \"linux/riscv64\"]\n}\n");
  CHECK(declared(beside) == "linux/amd64, linux/riscv64 <- images/web/release.hcl target \"web\"");
  // Twins that declare nothing: a named bake file elsewhere is not looked at for this
  // Dockerfile (it is read from the Dockerfile's directory and the root only), and an .hcl
  // without bake targets (Terraform, Packer) declares nothing.
  const auto mainFile = repo.write("docker/main/Dockerfile", kPlain);
  repo.write("docker/board/deps.hcl",
             "target \"deps\" {\n  dockerfile = \"docker/main/Dockerfile\"\n  platforms = [\"linux/arm64\"]\n}\n");
  CHECK(declared(mainFile) == "none");
  const auto infra = repo.write("infra/Dockerfile", kPlain);
  repo.write("infra/terragrunt.hcl",
             "terraform {\n  source = \"./modules\"\n}\ninputs = {\n  platforms = [\"linux/arm64\"]\n}\n");
  CHECK(declared(infra) == "none");
}

TEST_CASE("compose: build context, dockerfile, build.platforms, the service platform, defaults", "[declared]") {
  Repo repo;
  const auto api = repo.write("api/Dockerfile.api", kPlain);
  const auto web = repo.write("web/Dockerfile", kPlain);
  const auto worker = repo.write("worker/Dockerfile", kPlain);
  repo.write("docker-compose.yml", R"(
x-build: &build
  platforms: ["linux/amd64", "${EXTRA:-linux/arm64}"]
services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.api
      <<: *build
  web:
    build: web
    platform: linux/arm64   # where this setup runs it, not a declaration
  worker:
    build:
      context: worker
      platforms: ["${UNKNOWN}"]
  db:
    image: postgres
)");
  CHECK(declared(api) == "linux/amd64, linux/arm64 <- docker-compose.yml service api");
  // No platforms: compose builds for its engine's own platform, whatever machine runs it. No
  // platform is declared (the targets stay the defaults), but each build is for its builder.
  CHECK(declared(web) == " <- docker-compose.yml service web (no platforms: built for the machine that runs it)");
  CHECK(context::findDeclaredPlatforms(web, kPlain)->forBuildMachine);
  CHECK(declared(worker) == "none");  // only an unresolved variable
}

TEST_CASE("lint: a Makefile's plain docker build is for the machine that runs make", "[declared][cli]") {
  // xeb/fastText-docker: `make binary` copies fasttext out of an image built there, then builds
  // Dockerfile.binary with a plain `docker build`: program and image are that machine's.
  Repo repo;
  const auto file =
      repo.write("Dockerfile.binary", "FROM ubuntu:xenial\nADD fasttext.bin /fasttext\nENTRYPOINT [\"/fasttext\"]\n");
  CHECK(findingsOf("MA150", file).size() == 1);  // twin: no build names it, judged for the defaults
  repo.write("Makefile",
             "DOCKER_BUILD_CMD=docker build\nbinary:\n\tdocker run --rm x:devel cat ./fasttext > fasttext.bin\n"
             "\t$(DOCKER_BUILD_CMD) -t x:binary -f Dockerfile.binary .\n");
  CHECK(findingsOf("MA150", file).empty());
  // The same with the build in a script, and still the defaults for what no machine can serve.
  const auto download = repo.write("tools/Dockerfile", "FROM ubuntu:22.04\nADD https://example.com/tool-linux-amd64 /tool\n");
  repo.write("tools/build.sh", "docker build -t tool .\n");
  CHECK(declared(download) == " <- tools/build.sh (no platforms: built for the machine that runs it)");
  CHECK(findingsOf("MA110", download).size() == 1);
}

TEST_CASE("lint: a base image from a global ARG the project's builds pass is not its default's", "[declared][cli]") {
  // flannel-io/flannel's images/iperf3: the Makefile passes BASEIMAGE per ARCH (amd64/alpine,
  // arm64v8/alpine, ppc64le/alpine); the Dockerfile's default is the amd64 one.
  Repo repo;
  const auto file =
      repo.write("images/iperf3/Dockerfile", "ARG BASEIMAGE=amd64/alpine:3.24\nFROM ${BASEIMAGE}\nRUN apk add --update iperf3\n");
  CHECK(findingsOf("MA103", file).size() == 1);  // twin: nothing passes it, the default is every build's base
  repo.write("images/iperf3/Makefile",
             "ARCH ?= amd64\nifeq ($(ARCH),amd64)\n\tBASEIMAGE=amd64/alpine:3.24\nendif\n"
             "ifeq ($(ARCH),arm64)\n\tBASEIMAGE=arm64v8/alpine:3.24\nendif\n"
             "container:\n\tdocker build --pull -t iperf3 --build-arg BASEIMAGE=$(BASEIMAGE) -f Dockerfile .\n");
  CHECK(findingsOf("MA103", file).empty());
  // A passed registry does not choose the architecture the FROM line names itself.
  const auto registry = repo.write("images/iperf3/Dockerfile.registry",
                                   "ARG BASEIMAGE=docker.io\nFROM ${BASEIMAGE}/amd64/alpine:3.24\nRUN apk add iperf3\n");
  CHECK(findingsOf("MA103", registry).size() == 1);
  // A base from an argument no build passes is still its default's.
  const auto other = repo.write("images/iperf3/Dockerfile.other", "ARG OTHER=amd64/alpine:3.24\nFROM ${OTHER}\n");
  CHECK(findingsOf("MA103", other).size() == 1);
}

TEST_CASE("lint: a compose service with no platforms builds for the machine that runs it", "[declared][cli]") {
  // cement-hools/Auth_sprint_1: the root Dockerfile, built only by docker-compose.yml's
  // `build: .`, runs its final stage on $BUILDPLATFORM, which is the target on that machine.
  Repo repo;
  const auto file = repo.write("Dockerfile",
                               "FROM --platform=$BUILDPLATFORM python:3.11-alpine\nRUN pip install flask\n"
                               "COPY . /app\nCMD [\"python3\", \"/app/app.py\"]\n");
  const auto other = repo.write("flask/Dockerfile", "FROM --platform=$BUILDPLATFORM python:3.11-alpine\nRUN pip install flask\n");
  repo.write("docker-compose.yml", "services:\n  flask:\n    build: .\n  redis:\n    image: redis:7\n");
  cli::LintOptions options;
  options.paths = {file.string(), other.string()};
  options.format = "json";
  const auto run = lint(options);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["inputs"][0]["platforms"] == nlohmann::json::array({"linux/amd64", "linux/arm64"}));
  CHECK(json["inputs"][0]["platformsSource"] ==
        "the default; docker-compose.yml service flask (no platforms: built for the machine that runs it)");
  std::vector<int> lines;
  for (const auto& f : json["findings"]) {
    if (f["rule"] == "MA141") lines.push_back(f["location"]["line"].get<int>());
  }
  // Only the file no build names: judged for the default targets, built on one machine for both.
  REQUIRE(lines.size() == 1);
  bool inOther = false;
  for (const auto& f : json["findings"]) inOther = inOther || (f["rule"] == "MA141" && f["location"]["path"] == other.string());
  CHECK(inOther);
}

TEST_CASE("GitHub workflows: actions/checkout's path is where the repository is in the workspace", "[declared]") {
  // NIXKnight/Docker-Kanboard (Part ZZZZZZZZZZZZS): checkout to `${GITHUB_WORKSPACE}/Docker-Kanboard`,
  // then a plain docker build with that working-directory on ubuntu-latest: the root's Dockerfile.
  const std::string amd64 = "linux/amd64 <- .github/workflows/main.yml job build (no platform named: the ubuntu-latest runner's)";
  const auto workflow = [](const std::string& checkout, const std::string& steps) {
    return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + checkout +
           steps;
  };
  for (const std::string& spelling : {std::string("\"${GITHUB_WORKSPACE}/Docker-Kanboard\""), std::string("Docker-Kanboard/"),
                                      std::string("./Docker-Kanboard")}) {
    Repo repo;
    repo.write(
        ".github/workflows/main.yml",
        workflow("        with:\n          path: " + spelling + "\n",
                 "      - working-directory: ${GITHUB_WORKSPACE}/Docker-Kanboard\n        run: docker build . -f Dockerfile\n"
                 "      - uses: docker/build-push-action@v6\n        with:\n          context: Docker-Kanboard/web\n"
                 "          file: Docker-Kanboard/web/Dockerfile\n          platforms: linux/arm64\n"));
    CHECK(declared(repo.write("Dockerfile", kPlain)) == amd64);
    CHECK(declared(repo.write("web/Dockerfile", kPlain)) == "linux/arm64 <- .github/workflows/main.yml job build");
  }
  // Without a path the repository is the workspace; a checkout of another repository first is not this one's.
  Repo plain;
  plain.write(".github/workflows/main.yml",
              workflow("", "      - working-directory: Docker-Kanboard\n        run: docker build . -f Dockerfile\n"));
  CHECK(declared(plain.write("Docker-Kanboard/Dockerfile", kPlain)) == amd64);
  CHECK(declared(plain.write("Dockerfile", kPlain)) == "none");
  Repo other;
  other.write(".github/workflows/main.yml",
              workflow("        with:\n          repository: someone/tools\n          path: tools\n",
                       "      - working-directory: tools\n        run: docker build .\n"));
  CHECK(declared(other.write("tools/Dockerfile", kPlain)) == amd64);
  CHECK(declared(other.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("GitHub workflows: a matrix entry that is a list, indexed in an expression", "[declared]") {
  // thewatershedcenter/xpra-bridge (Part VN): `dockerfile: [[Dockerfile, latest]]` and a plain
  // `docker build -f ${{ matrix.dockerfile[0] }}` on ubuntu-latest.
  Repo repo;
  repo.write(
      ".github/workflows/main.yml",
      "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
      "        dockerfile: [[Dockerfile, latest], [alt/Dockerfile.slim, slim]]\n        target: [{platforms: [linux/s390x]}]\n"
      "    steps:\n      - run: docker build -f ${{ matrix.dockerfile[0] }} -t x:${{ matrix.dockerfile[1] }} .\n"
      "      - run: docker buildx build --platform ${{ matrix.target.platforms[0] }} -f multi/Dockerfile .\n"
      "      - run: docker buildx build --platform linux/arm64 -f ${{ matrix.dockerfile[2] }} .\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/main.yml job build (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(repo.write("alt/Dockerfile.slim", kPlain)) ==
        "linux/amd64 <- .github/workflows/main.yml job build (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(repo.write("multi/Dockerfile", kPlain)) == "linux/s390x <- .github/workflows/main.yml job build");
  // An index past the list's end names nothing: that build builds no file the tool can know.
  CHECK(declared(repo.write("other/Dockerfile", kPlain)) == "none");
}

TEST_CASE("GitHub workflows: build-push-action with matrix and env, buildx in run steps", "[declared]") {
  Repo repo;
  const auto root = repo.write("Dockerfile", kPlain);
  const auto cli = repo.write("cmd/cli/Dockerfile", kPlain);
  const auto job = repo.write("images/job.Dockerfile", kPlain);
  const auto gpu = repo.write("images/gpu.Dockerfile", kPlain);
  const auto skipped = repo.write("images/skipped.Dockerfile", kPlain);
  repo.write(".github/workflows/release.yml", R"(
name: release
on: push
env:
  PLATFORMS: linux/amd64,linux/arm64
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        image: [cli, server]
        include:
          - image: cli
            arch: linux/s390x
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-qemu-action@v3
        with:
          platforms: all
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: cmd/${{ matrix.image }}/Dockerfile
          platforms: ${{ env.PLATFORMS }},${{ matrix.arch }}
          push: true
      - uses: docker/build-push-action@v6
        with:
          platforms: |
            linux/ppc64le
  images:
    runs-on: ubuntu-latest
    env:
      GPU_PLATFORM: linux/arm64
    steps:
      - run: |
          docker buildx build --push \
            --platform "linux/amd64" -t x/job:${GITHUB_SHA} \
            -f images/job.Dockerfile images
      - run: docker buildx build --platform=$GPU_PLATFORM --file images/gpu.Dockerfile .
      - run: docker buildx build --platform ${{ inputs.platforms }} -f images/skipped.Dockerfile .
  per-arch:
    runs-on: ${{ matrix.runner }}
    strategy:
      matrix:
        include:
          - platform: linux/amd64
            runner: ubuntu-latest
          - platform: linux/arm64
            runner: ubuntu-24.04-arm
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: images/per-arch.Dockerfile
          platforms: ${{ matrix.platform }}
)");
  // A reusable workflow, with the inputs its caller passes (and its own defaults).
  repo.write(".github/workflows/call.yml", R"(
jobs:
  images:
    strategy:
      matrix:
        include:
          - dockerfile: images/reused.Dockerfile
            platforms: linux/amd64,linux/arm64
    uses: ./.github/workflows/build-image.yml
    with:
      dockerfile: ${{ matrix.dockerfile }}
      platforms: ${{ matrix.platforms }}
  defaults:
    uses: ./.github/workflows/build-image.yml
    with:
      dockerfile: images/defaulted.Dockerfile
  remote:
    uses: octo/workflows/.github/workflows/build.yml@v1
    with:
      dockerfile: images/remote.Dockerfile
)");
  repo.write(".github/workflows/build-image.yml", R"(
on:
  workflow_call:
    inputs:
      dockerfile: {type: string}
      platforms: {type: string, default: linux/riscv64}
jobs:
  build:
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: ${{ inputs.dockerfile }}
          platforms: ${{ inputs.platforms }}
)");
  CHECK(declared(repo.write("images/reused.Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/call.yml job images");
  CHECK(declared(repo.write("images/defaulted.Dockerfile", kPlain)) ==
        "linux/riscv64 <- .github/workflows/call.yml job defaults");
  CHECK(declared(repo.write("images/remote.Dockerfile", kPlain)) == "none");
  // Include-only matrix: one combination per entry.
  CHECK(declared(repo.write("images/per-arch.Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/release.yml job per-arch");
  // The matrix combination that names cmd/cli adds linux/s390x; `server` has no Dockerfile here.
  CHECK(declared(cli) == "linux/amd64, linux/arm64, linux/s390x <- .github/workflows/release.yml job build");
  CHECK(declared(root) == "linux/ppc64le <- .github/workflows/release.yml job build");
  CHECK(declared(job) == "linux/amd64 <- .github/workflows/release.yml job images");
  CHECK(declared(gpu) == "linux/arm64 <- .github/workflows/release.yml job images");
  CHECK(declared(skipped) == "none");  // ${{ inputs.platforms }} is not evaluated
}

TEST_CASE("a command's build context that is one computed value stands for any directory below", "[declared]") {
  // igor-baiborodine/docker-liferay-portal-ce (Part ZZZZZZZZZV): `docker build ./"$IMAGE_TAG"`
  // on ubuntu-latest, IMAGE_TAG a workflow_dispatch input naming a version directory two deep.
  Repo repo;
  repo.write(".github/workflows/release.yml", R"(
on:
  workflow_dispatch:
    inputs:
      releaseVersion: {required: true}
env:
  IMAGE_TAG: ${{ github.event.inputs.releaseVersion }}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t "x:${IMAGE_TAG//\//-}" ./"$IMAGE_TAG"
)");
  const std::string runner =
      "linux/amd64 <- .github/workflows/release.yml job release (no platform named: the ubuntu-latest runner's)";
  CHECK(declared(repo.write("7.4.3.23-ga23/jdk11-bullseye/Dockerfile", kPlain)) == runner);
  CHECK(declared(repo.write("7.4/Dockerfile", kPlain)) == runner);
  // Only a file named as the build reads it, never the root's own (the context is a directory
  // below), and a build that names a file itself wins.
  CHECK(declared(repo.write("7.4/Dockerfile.dev", kPlain)) == "none");
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");
  repo.write(".github/workflows/multi.yml",
             "jobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n"
             "        with:\n          context: 8.0/jdk17\n          platforms: linux/amd64,linux/arm64\n");
  CHECK(declared(repo.write("8.0/jdk17/Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- .github/workflows/multi.yml job m");
}

TEST_CASE("workflows: computed directories under a written one are that directory's family", "[declared]") {
  Repo repo;
  // StaPH-B/docker-builds (Part ZZZZZZC): a dispatch names the tool and version, a reusable
  // workflow builds ./build-files/<tool>/<version>/Dockerfile on ubuntu-latest.
  repo.write(".github/workflows/manual.yml", R"(
on:
  workflow_dispatch:
    inputs:
      tool: {required: true}
      version: {required: true}
jobs:
  build:
    uses: ./.github/workflows/build.yml
    with:
      path_to_context: "./build-files/${{ github.event.inputs.tool }}/${{ github.event.inputs.version }}"
)");
  repo.write(".github/workflows/build.yml", R"(
on:
  workflow_call:
    inputs:
      path_to_context: {type: string, required: true}
      dockerfile_name: {type: string, default: Dockerfile}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: ${{ inputs.path_to_context }}
          file: ${{ inputs.path_to_context }}/${{ inputs.dockerfile_name }}
  top:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        image: ${{ fromJSON(needs.list.outputs.images) }}
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: ./${{ matrix.image }}/Dockerfile
)");
  CHECK(declared(repo.write("build-files/kaptive/3.0.0/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/manual.yml job build (no platform named: the ubuntu-latest runner's)");
  // A computed top-level directory would stand for every image of the repository.
  CHECK(declared(repo.write("web/Dockerfile", kPlain)) == "none");
  // A build that names the file itself wins over the family.
  repo.write(".github/workflows/multi.yml", R"(
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: build-files/mash/2.3
          platforms: linux/amd64,linux/arm64
)");
  CHECK(declared(repo.write("build-files/mash/2.3/Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/multi.yml job one");
}

TEST_CASE("a make file named Makefile.<suffix> is read as a Makefile", "[declared]") {
  Repo repo;
  // grafana/pyroscope's Makefile.examples (Part SH); automake's Makefile.am is not a make file.
  const auto file = repo.write("tools/update_examples.Dockerfile", kPlain);
  repo.write("Makefile.examples",
             "tools/update_examples:\n"
             "\tdocker buildx build --platform linux/amd64 -t u -f tools/update_examples.Dockerfile tools\n");
  CHECK(declared(file) == "linux/amd64 <- Makefile.examples");
  const auto other = repo.write("other/Dockerfile", kPlain);
  repo.write("other/Makefile.am", "image:\n\tdocker buildx build --platform linux/s390x -f other/Dockerfile .\n");
  CHECK(declared(other) == "none");
}

TEST_CASE("Makefile: a recipe's automatic variables name its rule's target and prerequisites", "[declared]") {
  Repo repo;
  // OpenFogStack/celestial (Part SV): `-f $<` is the rule's first prerequisite.
  const auto file = repo.write("compile.Dockerfile", kPlain);
  const auto other = repo.write("satgen.Dockerfile", kPlain);
  repo.write("Makefile",
             "ARCH=amd64\nOS=linux\n"
             "celestial-make: compile.Dockerfile ## build the compile container\n"
             "\t@docker build --platform ${OS}/${ARCH} -f $< -t $@ .\n"
             "satgen: satgen.Dockerfile | out\n"
             "\tdocker buildx build --platform linux/arm64 -f $^ -t $$USER/$@ .\n");
  CHECK(declared(file) == "linux/amd64 <- Makefile");
  // `$^`, every normal prerequisite (not the order-only ones after `|`).
  CHECK(declared(other) == "linux/arm64 <- Makefile");
  // A rule of 20,000 prerequisites: `$^` past 64 KiB leaves the line as written, while `$<` of
  // the same rule is still its first prerequisite.
  Repo big;
  const auto first = big.write("a.Dockerfile", kPlain);
  std::string prerequisites = "a.Dockerfile";
  for (int i = 0; i < 20000; ++i) prerequisites += " p" + std::to_string(i);
  big.write("Makefile", "img: " + prerequisites +
                            "\n\tdocker buildx build --platform linux/s390x -f $^ .\n"
                            "\tdocker buildx build --platform linux/arm64 -f $< .\n");
  CHECK(declared(first) == "linux/arm64 <- Makefile");
}

TEST_CASE("Makefile: buildx lines with make variables", "[declared]") {
  Repo repo;
  const auto file = repo.write("build/Dockerfile", kPlain);
  const auto unresolved = repo.write("Dockerfile.dev", kPlain);
  repo.write("Makefile",
             "DOCKER ?= docker\n"
             "PLATFORMS ?= linux/amd64,linux/arm64  # the release set\n"
             "PLATFORMS ?= linux/s390x\n"
             "image:\n"
             "\t@$(DOCKER) buildx build --platform $(PLATFORMS) \\\n"
             "\t  -t x:$(VERSION) -f build/Dockerfile .\n"
             "dev:\n"
             "\tdocker buildx build --platform $(shell go env GOARCH) -f Dockerfile.dev .\n");
  CHECK(declared(file) == "linux/amd64, linux/arm64 <- Makefile");
  CHECK(declared(unresolved) == "none");
  // One platform from an overridable default is the developer's machine; a `cd` moves the
  // build elsewhere (here to a place that is not resolved).
  const auto local = repo.write("cmd/local/Dockerfile", kPlain);
  const auto moved = repo.write("Dockerfile", kPlain);
  const auto tools = repo.write("tools/Dockerfile", kPlain);
  repo.write("local.mk",
             "LOCAL_ARCH ?= linux/amd64\n"
             "FIXED := linux/arm64\n"
             "local:\n\tdocker buildx build --load --platform=$(LOCAL_ARCH) -f cmd/local/Dockerfile .\n"
             "other:\n\tcd $(TMP_DIR) && docker buildx build --platform linux/s390x .\n"
             "tools:\n\tcd tools && docker buildx build --platform $(FIXED) .\n");
  CHECK(declared(local) == "none");
  CHECK(declared(moved) == "none");
  CHECK(declared(tools) == "linux/arm64 <- local.mk");
}

TEST_CASE("shell scripts: build commands with the script's own variables, run from its directory", "[declared]") {
  Repo repo;
  const auto root = repo.write("Dockerfile", kPlain);
  const auto docker = repo.write("docker/Dockerfile", kPlain);
  // zincsearch's multiarch.sh: the multi-platform line is commented out, the amd64 one runs.
  repo.write("multiarch.sh",
             "#/bin/sh\n# docker buildx build --push --platform linux/arm/v7,linux/arm64/v8,linux/amd64 .\n"
             "docker buildx build --push --platform linux/amd64 --tag example/zinc:test .\n");
  CHECK(declared(root) == "linux/amd64 <- multiarch.sh");
  // A script beside the Dockerfile, its platforms in a variable and its arguments in an array
  // over several lines, after a `cd` it can follow (Lemmy's docker/test_deploy.sh runs from the root).
  repo.write("docker/publish.sh",
             "set -e\nPLATFORMS=linux/amd64,linux/arm64\nargs=(\n  --file docker/Dockerfile\n  --push\n)\ncd ..\n"
             "docker buildx build --platform \"$PLATFORMS\" \"${args[@]}\" -t x .\n");
  CHECK(declared(docker) == "linux/amd64, linux/arm64 <- docker/publish.sh");
  // Platforms the caller decides (an argument, a default the environment overrides) declare nothing.
  Repo other;
  const auto file = other.write("Dockerfile", kPlain);
  other.write("build.sh",
              "docker buildx build --platform \"$1\" .\ndocker buildx build --platform ${PLATFORMS:-linux/amd64} .\n");
  CHECK(declared(file) == "none");
  other.write("build.sh", "docker buildx build --platform linux/amd64,$EXTRA .\n");
  CHECK(declared(file) == "none");
  // A plain build names no platform: it is built for the machine that runs the script (the
  // weakest reading, as a compose service without `platforms`).
  other.write("build.sh", "docker build -t x .\n");
  CHECK(declared(file) == " <- build.sh (no platforms: built for the machine that runs it)");
  // A script that does not parse as one is read for what it can, never fatal.
  other.write("build.sh", "docker buildx build --platform \"linux/arm64 .\n\x01\x02(((");
  CHECK_NOTHROW(declared(file));
}

TEST_CASE("scripts: the repository root from git, declared variables, and a script one directory up", "[declared]") {
  // actions-gateway/github-actions-gateway's scripts/dogfood/runner-build.sh (Part ZZZZW):
  // `REPO_ROOT="$(git rev-parse --show-toplevel)"`, `readonly DOCKERFILE="${REPO_ROOT}/..."`, and
  // inside a function `docker buildx build --platform linux/amd64 --file "${DOCKERFILE}" ...`.
  Repo repo;
  const auto runner = repo.write("scripts/dogfood/runner/Dockerfile", kPlain);
  repo.write("scripts/dogfood/runner-build.sh",
             "#!/usr/bin/env bash\nset -euo pipefail\nREPO_ROOT=\"$(git rev-parse --show-toplevel)\"\n"
             "readonly DOCKERFILE=\"${REPO_ROOT}/scripts/dogfood/runner/Dockerfile\"\n"
             "main() {\n  local tag\n  docker buildx build \\\n    --platform linux/amd64 \\\n    --file \"${DOCKERFILE}\" \\\n"
             "    --push \\\n    \"${REPO_ROOT}/scripts/dogfood/runner\"\n}\nmain \"$@\"\n");
  CHECK(declared(runner) == "linux/amd64 <- scripts/dogfood/runner-build.sh");
  // Twin: a script two directories up is not read for it (it may build anything below).
  Repo deep;
  const auto image = deep.write("images/group/app/Dockerfile", kPlain);
  deep.write("images/build.sh", "docker buildx build --platform linux/amd64 -f group/app/Dockerfile group/app\n");
  CHECK(declared(image) == "none");
}

TEST_CASE("DOCKER_DEFAULT_PLATFORM: the platform of a plain build after it, in scripts and Makefiles", "[declared]") {
  // kubermatic/dashboard's chrome-headless release.sh (Part QP): on an arm64 Mac it exports
  // linux/amd64 before a plain build, after moving to its own directory.
  Repo repo;
  const auto chrome = repo.write("containers/chrome/Dockerfile", kPlain);
  repo.write("containers/chrome/release.sh",
             "set -euo pipefail\ncd $(dirname $0)\nif [[ $(uname -m) == 'arm64' ]]; then\n"
             "  export DOCKER_DEFAULT_PLATFORM=linux/amd64\nfi\ndocker build --pull -t x .\n");
  CHECK(declared(chrome) == "linux/amd64 <- containers/chrome/release.sh");
  // A prefix assignment is that command's alone; an explicit --platform still wins.
  const auto prefixed = repo.write("prefixed/Dockerfile", kPlain);
  const auto after = repo.write("after/Dockerfile", kPlain);
  const auto named = repo.write("named/Dockerfile", kPlain);
  repo.write("build.sh",
             "cd \"$(dirname \"${BASH_SOURCE[0]}\")\"\n"
             "DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -f prefixed/Dockerfile prefixed\n"
             "docker build -f after/Dockerfile after\n"
             "export DOCKER_DEFAULT_PLATFORM=linux/amd64\ndocker build --platform linux/s390x -f named/Dockerfile named\n");
  CHECK(declared(prefixed) == "linux/arm64 <- build.sh");
  CHECK(declared(after) == " <- build.sh (no platforms: built for the machine that runs it)");
  CHECK(declared(named) == "linux/s390x <- build.sh");
  // A script one level down that moves to the directory above its own.
  const auto parent = repo.write("tools/Dockerfile", kPlain);
  repo.write("tools/ci/release.sh", "");
  repo.write("tools/release.sh", "cd $(dirname $0)/ci/..\nexport DOCKER_DEFAULT_PLATFORM=linux/ppc64le\ndocker build .\n");
  CHECK(declared(parent) == "linux/ppc64le <- tools/release.sh");
  // A value the script does not give declares nothing beyond the plain build.
  Repo other;
  const auto file = other.write("Dockerfile", kPlain);
  other.write("build.sh", "export DOCKER_DEFAULT_PLATFORM=$PLATFORM\ndocker build -t x .\n");
  CHECK(declared(file) == " <- build.sh (no platforms: built for the machine that runs it)");
  // A Makefile's exported variable is in every recipe's environment; an unexported one is not.
  Repo make;
  const auto exported = make.write("Dockerfile", kPlain);
  make.write("Makefile", "export DOCKER_DEFAULT_PLATFORM = linux/amd64\nimage:\n\tdocker build -t x .\n");
  CHECK(declared(exported) == "linux/amd64 <- Makefile");
  make.write("Makefile", "DOCKER_DEFAULT_PLATFORM = linux/amd64\nimage:\n\tdocker build -t x .\n");
  CHECK(declared(exported) == " <- Makefile (no platforms: built for the machine that runs it)");
  make.write("Makefile",
             "PLATFORM := linux/arm64\nDOCKER_DEFAULT_PLATFORM = $(PLATFORM)\nexport DOCKER_DEFAULT_PLATFORM\n"
             "image:\n\tdocker build -t x .\n");
  CHECK(declared(exported) == "linux/arm64 <- Makefile");
}

TEST_CASE("scripts: a variable holding the script's own directory, however written, is that directory", "[declared]") {
  // elotl/kip's scripts/init-cert/build.sh (Part YR), run by .travis.yml from the root:
  // SCRIPT_DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" && pwd )"; cd $SCRIPT_DIR; docker build .
  Repo repo;
  const auto initCert = repo.write("scripts/init-cert/Dockerfile", kPlain);
  repo.write("scripts/init-cert/build.sh",
             "#!/usr/bin/env bash\nSCRIPT_DIR=\"$( cd \"$( dirname \"${BASH_SOURCE[0]}\" )\" && pwd )\"\n"
             "cd $SCRIPT_DIR\ndocker build -t elotl/init-cert .\n");
  repo.write(".travis.yml", "language: go\nscript:\n- ./scripts/init-cert/build.sh\n");
  CHECK(declared(initCert) == "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  // The other spellings, each with a path after it (a script in app/ naming the root): through
  // -f and the context of the build.
  const auto app = repo.write("app/Dockerfile", kPlain);
  for (const std::string value :
       {"\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")/..\" && pwd)\"", "$(cd $(dirname $0)/.. && pwd -P)",
        "\"$( cd -- \"$( dirname -- \"${BASH_SOURCE[0]:-$0}\"; )/..\" &> /dev/null && pwd 2> /dev/null; )\"",
        "\"$( cd \"$( dirname \"${BASH_SOURCE[0]}\" )/..\" >/dev/null 2>&1 && pwd )\"", "$(dirname $(readlink -f $0))/..",
        "`dirname $0`/..", "$(realpath \"$(dirname \"${0}\")/..\")"}) {
    INFO(value);
    repo.write("app/release.sh",
               "ROOT=" + value + "\ndocker buildx build --platform linux/arm64 -f \"$ROOT/app/Dockerfile\" \"$ROOT\"\n");
    CHECK(declared(app) == "linux/arm64 <- app/release.sh");
  }
  // A directory computed from anything but the script's own path is not known.
  for (const std::string value :
       {"\"$(cd \"$(dirname \"$1\")/..\" && pwd)\"", "$(pwd)/..", "\"$(cd \"$(dirname \"$0\")/$(x)\" && pwd)\""}) {
    INFO(value);
    repo.write("app/release.sh",
               "ROOT=" + value + "\ndocker buildx build --platform linux/arm64 -f \"$ROOT/app/Dockerfile\" \"$ROOT\"\n");
    CHECK(declared(app) == "none");
  }
}

TEST_CASE("Makefile: a variable that names itself or a fan-out past the expansion bound is unresolved", "[declared]") {
  // make refuses a recursive variable that references itself; values that each name the next
  // several times grow exponentially (fuzz.declarations: 664 bytes took 5 s, ten levels of
  // eight took minutes). Both name no platform now; an ordinary chain still resolves.
  Repo repo;
  const auto self = repo.write("self/Dockerfile", kPlain);
  const auto fanOut = repo.write("fan/Dockerfile", kPlain);
  const auto chain = repo.write("chain/Dockerfile", kPlain);
  std::string makefile = "V10 = linux/amd64\n";
  for (int level = 9; level >= 0; --level) {
    makefile += "V" + std::to_string(level) + " =";
    for (int k = 0; k < 8; ++k) makefile += " $(V" + std::to_string(level + 1) + ")";
    makefile += "\n";
  }
  makefile +=
      "SELF = $(SELF) $(SELF)\nBASE = linux/arm64\nVIA = $(BASE)\n"
      "all:\n\tdocker buildx build --platform $(SELF) self\n\tdocker buildx build --platform $(V0) fan\n"
      "\tdocker buildx build --platform $(VIA) chain\n";
  repo.write("Makefile", makefile);
  CHECK(declared(self) == "none");
  CHECK(declared(fanOut) == "none");
  CHECK(declared(chain) == "linux/arm64 <- Makefile");
}

TEST_CASE("Makefile: the whole file's expansions share one bound, past which a reference is unresolved, not the text",
          "[declared]") {
  // Thousands of `X := $(BIG)` lines, each within the 64 KiB bound of one expansion, took 17 s
  // in a release build before the file had a bound of its own (the declarations fuzzer found a
  // 68 KB such input). Past the bound a literal --platform is still read; a reference is not
  // (within its own 64 KiB bound, $(PLATFORM) alone would name linux/s390x).
  Repo repo;
  const auto literal = repo.write("literal/Dockerfile", kPlain);
  const auto referenced = repo.write("referenced/Dockerfile", kPlain);
  std::string makefile = "A0 = x\nPLATFORM = linux/s390x\n";
  for (int level = 1; level <= 11; ++level) {
    makefile += "A" + std::to_string(level) + " = ";
    for (int k = 0; k < 4; ++k) makefile += "$(A" + std::to_string(level - 1) + ")";
    makefile += "\n";
  }
  for (int copy = 0; copy < 3000; ++copy) makefile += "V" + std::to_string(copy) + " := $(A11)\n";
  makefile +=
      "all:\n\tdocker buildx build --platform linux/arm64 literal\n\tdocker buildx build --platform $(PLATFORM) referenced\n";
  repo.write("Makefile", makefile);
  CHECK(declared(literal) == "linux/arm64 <- Makefile");
  CHECK(declared(referenced) == "none");
}

TEST_CASE("Makefile: conditionals take the branch make takes, and a tab-started line outside a rule is not a recipe",
          "[declared]") {
  // GreptimeDB's Makefile: `ifeq ($(BUILDX_MULTI_PLATFORM_BUILD), all)` with tab-indented
  // assignments of the buildx options in each branch, after `?= false`. make reads those
  // lines as assignments (no rule is open) and takes the `else`: a build for make's machine.
  Repo repo;
  const auto builder = repo.write("docker/dev-builder/Dockerfile", kPlain);
  const std::string makefile =
      "BUILDX_MULTI_PLATFORM_BUILD ?= false\n"
      "IMAGE ?= x\n"
      "ifeq ($(BUILDX_MULTI_PLATFORM_BUILD), all)\n"
      "\tBUILDX_OPTS := --platform linux/amd64,linux/arm64 --push\n"
      "else ifeq ($(BUILDX_MULTI_PLATFORM_BUILD), amd64)\n"
      "\tBUILDX_OPTS := --platform linux/amd64 --push\n"
      "else\n"
      "\tBUILDX_OPTS := -o type=docker\n"
      "endif\n"
      "dev-builder:\n"
      "\tdocker buildx build $(BUILDX_OPTS) -f docker/dev-builder/Dockerfile -t $(IMAGE) .\n";
  repo.write("Makefile", makefile);
  CHECK(declared(builder) == " <- Makefile (no platforms: built for the machine that runs it)");
  // A CI job's `make dev-builder BUILDX_MULTI_PLATFORM_BUILD=all`: the command-line value
  // replaces the default, and the branch it selects is taken.
  Repo ci;
  const auto built = ci.write("docker/dev-builder/Dockerfile", kPlain);
  ci.write("Makefile", makefile);
  ci.write(".github/workflows/dev.yml",
           "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
           "      - run: make dev-builder BUILDX_MULTI_PLATFORM_BUILD=all IMAGE=y\n");
  CHECK(declared(built) == "linux/amd64, linux/arm64 <- .github/workflows/dev.yml job image");
  // Twins: a condition on what only runs know (`$(shell uname -m)`) keeps every branch, the
  // last assignment winning as before; a branch nested in one not taken is not taken either;
  // and a tab-started line after a rule stays that rule's recipe, inside a conditional too.
  Repo unknown;
  const auto probed = unknown.write("Dockerfile", kPlain);
  const auto nested = unknown.write("nested/Dockerfile", kPlain);
  const auto recipe = unknown.write("recipe/Dockerfile", kPlain);
  unknown.write("Makefile",
                "ifeq ($(shell uname -m),x86_64)\n"
                "\tPLATFORM := linux/amd64\n"
                "else\n"
                "\tPLATFORM := linux/arm64\n"
                "endif\n"
                "MODE := local\n"
                "ifeq ($(MODE),release)\n"
                "  ifdef MODE\n"
                "    NESTED := linux/s390x\n"
                "  endif\n"
                "else\n"
                "  NESTED := linux/ppc64le\n"
                "endif\n"
                "image:\n"
                "\tdocker buildx build --platform $(PLATFORM) .\n"
                "nested:\n"
                "\tdocker buildx build --platform $(NESTED) -f nested/Dockerfile nested\n"
                "recipe:\n"
                "ifneq ($(MODE),local)\n"
                "\tdocker buildx build --platform linux/s390x -f recipe/Dockerfile recipe\n"
                "else\n"
                "\tdocker buildx build --platform linux/riscv64 -f recipe/Dockerfile recipe\n"
                "endif\n");
  CHECK(declared(probed) == "linux/arm64 <- Makefile");
  CHECK(declared(nested) == "linux/ppc64le <- Makefile");
  CHECK(declared(recipe) == "linux/riscv64 <- Makefile");
}

TEST_CASE("Makefile: Podman's --os/--arch name the platform", "[declared]") {
  // aquareum-tv/aquareum: `cd docker && docker build --target=builder --os=linux --arch=amd64 -f
  // build.Dockerfile ...`, the Podman/Buildah spelling of `--platform linux/amd64`.
  Repo repo;
  const auto builder = repo.write("docker/build.Dockerfile", kPlain);
  const auto arm = repo.write("arm/Dockerfile", kPlain);
  const auto both = repo.write("both/Dockerfile", kPlain);
  const auto plain = repo.write("plain/Dockerfile", kPlain);
  repo.write("Makefile",
             "docker-build-builder:\n"
             "\tcd docker \\\n"
             "\t&& docker build --target=builder --os=linux --arch=amd64 -f build.Dockerfile -t x:builder .\n"
             "arm:\n\tpodman build --arch arm64 --variant v8 -f arm/Dockerfile arm\n"
             "both:\n\tpodman build --platform linux/s390x --arch amd64 -f both/Dockerfile both\n"
             "plain:\n\tdocker build -f plain/Dockerfile plain\n");
  CHECK(declared(builder) == "linux/amd64 <- Makefile");
  CHECK(declared(arm) == "linux/arm64 <- Makefile");  // v8 is arm64's only variant
  // Twins: an explicit --platform wins, and a build that names neither is for the machine
  // that runs make.
  CHECK(declared(both) == "linux/s390x <- Makefile");
  CHECK(declared(plain) == " <- Makefile (no platforms: built for the machine that runs it)");
}

TEST_CASE("Makefile: a context per template variable stands for each directory there", "[declared]") {
  // rstudio/r-system-requirements: a `define` template expanded by `$(foreach variant, ...)`
  // runs `docker build --platform=linux/amd64 ... docker/$(variant)/.` for every variant.
  Repo repo;
  const auto bookworm = repo.write("docker/bookworm/Dockerfile", kPlain);
  const auto deeper = repo.write("docker/bookworm/test/Dockerfile", kPlain);
  const auto other = repo.write("images/bookworm/Dockerfile", kPlain);
  const auto anywhere = repo.write("tools/Dockerfile", kPlain);
  repo.write("Makefile",
             "VARIANTS ?= bionic bookworm\n"
             "define GEN_BUILD_IMAGES\n"
             "build-$(variant):\n"
             "\tdocker build --platform=linux/amd64 -t img:$(variant) docker/$(variant)/.\n"
             "endef\n"
             "$(foreach variant,$(VARIANTS), \\\n"
             "\t$(eval $(GEN_BUILD_IMAGES)) \\\n"
             ")\n"
             "some:\n\tdocker build --platform=linux/s390x $(DIR)\n");
  CHECK(declared(bookworm) == "linux/amd64 <- Makefile");
  // Twins: one directory stands for one directory, the written ones must match, and a context
  // that is only a variable names no file.
  CHECK(declared(deeper) == "none");
  CHECK(declared(other) == "none");
  CHECK(declared(anywhere) == "none");
}

TEST_CASE("Makefile: a recipe line after `exit 1` never runs", "[declared]") {
  // apify/apify-actor-docker: the arm64 recipe says "Not supported", exits 1, and keeps its old
  // buildx line; make stops the recipe at the failing line, so only linux/amd64 is built.
  Repo repo;
  const auto selenium = repo.write("python-selenium/Dockerfile", kPlain);
  repo.write("Makefile",
             "test-python-selenium:\n"
             "\tdocker buildx build --platform linux/amd64 --file ./python-selenium/Dockerfile ./python-selenium\n"
             "\n"
             "test-python-selenium-arm:\n"
             "\t@echo \"Not supported due to Chrome driver lacking support for arm64 on Linux\"\n"
             "\t@exit 1\n"
             "\n"
             "\t# the build it used to run\n"
             "\tdocker buildx build --platform linux/arm64 --file ./python-selenium/Dockerfile ./python-selenium\n");
  CHECK(declared(selenium) == "linux/amd64 <- Makefile");
  // Twins: `-exit 1` tells make to ignore the status, `exit 0` succeeds, and the next rule's
  // recipe runs whatever the one before did.
  const auto ignored = repo.write("ignored/Dockerfile", kPlain);
  const auto succeeded = repo.write("succeeded/Dockerfile", kPlain);
  const auto next = repo.write("next/Dockerfile", kPlain);
  repo.write("extra.mk",
             "ignored:\n"
             "\t-exit 1\n"
             "\tdocker buildx build --platform linux/arm64 ignored\n"
             "succeeded:\n"
             "\t@exit 0\n"
             "\tdocker buildx build --platform linux/s390x succeeded\n"
             "broken:\n"
             "\texit 2\n"
             "next:\n"
             "\tdocker buildx build --platform linux/ppc64le next\n");
  CHECK(declared(ignored) == "linux/arm64 <- extra.mk");
  CHECK(declared(succeeded) == "linux/s390x <- extra.mk");
  CHECK(declared(next) == "linux/ppc64le <- extra.mk");
}

TEST_CASE("the file name and an architecture directory", "[declared]") {
  Repo repo;
  CHECK(declared(repo.write("Dockerfile.aarch64", kPlain)) == "linux/arm64 <- the file name");
  CHECK(declared(repo.write("Dockerfile.armhf", kPlain)) == "linux/arm/v7 <- the file name");
  CHECK(declared(repo.write("Dockerfile-ppc64le", kPlain)) == "linux/ppc64le <- the file name");
  CHECK(declared(repo.write("build-amd64.Dockerfile", kPlain)) == "linux/amd64 <- the file name");
  CHECK(declared(repo.write("Dockerfile.arm64v8", kPlain)) == "linux/arm64 <- the file name");
  CHECK(declared(repo.write("docker/arm64/Dockerfile", kPlain)) == "linux/arm64 <- the directory arm64/");
  // Two architectures, an ambiguous word, a directory that only contains an arch word: none.
  CHECK(declared(repo.write("Dockerfile.amd64-to-arm64", kPlain)) == "none");
  CHECK(declared(repo.write("arm64-tools/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("amd64/Dockerfile.arm64", kPlain)) == "none");
  CHECK(declared(repo.write("release/mariner2-arm64/docker/Dockerfile", kPlain)) ==
        "linux/arm64 <- the directory mariner2-arm64/");
  CHECK(declared(repo.write("ci/aarch64-linux/Dockerfile", kPlain)) == "linux/arm64 <- the directory aarch64-linux/");
  CHECK(declared(repo.write("ci/docker/x86_64-musl/Dockerfile", kPlain)) == "linux/amd64 <- the directory x86_64-musl/");
  CHECK(declared(repo.write("cross/aarch64-unknown-linux-gnu/Dockerfile", kPlain)) ==
        "linux/arm64 <- the directory aarch64-unknown-linux-gnu/");
  CHECK(declared(repo.write("x86_64-tools/Dockerfile", kPlain)) == "none");
  // A word and '_' before the architecture (consbio/mbtileserver's `.github/actions/build_x86_64/`).
  CHECK(declared(repo.write(".github/actions/build_x86_64/Dockerfile", kPlain)) == "linux/amd64 <- the directory build_x86_64/");
  CHECK(declared(repo.write("ci/docker_arm64v8/Dockerfile", kPlain)) == "linux/arm64 <- the directory docker_arm64v8/");
  CHECK(declared(repo.write("x86_64_tools/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("ubuntu_20_04_cp38/Dockerfile", kPlain)) == "none");
  // An architecture, then a distribution and its release: per-architecture build environments
  // (mraunak/rules_ml_toolchain's `cc/config/x86_64_ubuntu20_gcc10/` beside `aarch64_ubuntu20_gcc10/`,
  // Part JI). Another word after the architecture still says nothing (`x86_64_tools/` above).
  CHECK(declared(repo.write("cc/config/x86_64_ubuntu20_gcc10/Dockerfile", kPlain)) ==
        "linux/amd64 <- the directory x86_64_ubuntu20_gcc10/");
  CHECK(declared(repo.write("cc/config/aarch64_ubuntu18_gcc8.4/Dockerfile", kPlain)) ==
        "linux/arm64 <- the directory aarch64_ubuntu18_gcc8.4/");
  CHECK(declared(repo.write("images/aarch64-centos7/Dockerfile", kPlain)) == "linux/arm64 <- the directory aarch64-centos7/");
  CHECK(declared(repo.write("amd64_cross/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("arm64-ubuntu-tools-x86_64/Dockerfile", kPlain)) == "none");
  // The plain file of a per-architecture family here (Dockerfile.aarch64, Dockerfile.armhf, ...).
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- its per-architecture siblings (Dockerfile is the amd64 one)");
}

TEST_CASE("a repository named for one architecture", "[declared]") {
  // omert08/arangodb-arm64 (Part GO): a clone keeps the repository's name as its directory.
  Repo outer(false);
  // What a Dockerfile at `file` of a clone named `repository` (a directory holding .git) declares.
  const auto inClone = [&](const std::string& repository, const std::string& file,
                           const std::string& text = std::string(kPlain)) {
    fs::create_directories(outer.root / repository / ".git");
    return declared(outer.write(repository + "/" + file, text), text);
  };
  CHECK(inClone("arangodb-arm64", "Dockerfile") == "linux/arm64 <- the repository's name arangodb-arm64");
  // ...or for `linux` glued to one, as release assets name their builds (hellfire1980/
  // ps3netsrv_linuxX86_64, Part ZZI: the repository of aldostools' ps3netsrv_linuxX86_64).
  CHECK(inClone("ps3netsrv_linuxX86_64", "Dockerfile") == "linux/amd64 <- the repository's name ps3netsrv_linuxX86_64");
  CHECK(inClone("tool-linuxarm64", "Dockerfile") == "linux/arm64 <- the repository's name tool-linuxarm64");
  CHECK(inClone("linuxfoo", "Dockerfile") == "none");
  // What is nearer wins: the file's own name, a directory below the root.
  CHECK(declared(outer.write("arangodb-arm64/Dockerfile.amd64", kPlain)) == "linux/amd64 <- the file name");
  CHECK(declared(outer.write("arangodb-arm64/x86_64/Dockerfile", kPlain)) == "linux/amd64 <- the directory x86_64/");
  // A name that only contains an architecture word, or one that says x86 alone: nothing.
  CHECK(inClone("arm64-tools", "Dockerfile") == "none");
  CHECK(inClone("bamboo-agent-x86", "Dockerfile") == "none");
  // A directory that is no repository's (no .git): its name is the user's, not the project's.
  CHECK(declared(outer.write("scratch-arm64/Dockerfile", kPlain)) == "none");
  // The weakest of the names: a base image that names its architecture comes first.
  const std::string armhfBase = "FROM arm32v7/alpine:3.19\n";
  CHECK(inClone("arangodb-arm64", "pi/Dockerfile", armhfBase) == "linux/arm/v7 <- the base image arm32v7/alpine:3.19");
  // Named for hardware of one architecture by a word that names its images
  // (MarvellServer/ThunderX-HPC-Containers, Part BA; dusty-nv's jetson-containers)...
  CHECK(inClone("ThunderX-HPC-Containers", "ubuntu/apps/namd/cpu/Dockerfile.namd") ==
        "linux/arm64 <- the repository's name ThunderX-HPC-Containers (thunderx exists for linux/arm64 only)");
  CHECK(inClone("jetson-containers", "Dockerfile") ==
        "linux/arm64 <- the repository's name jetson-containers (jetson exists for linux/arm64 only)");
  // ...not by one that names other things as well (`intel` in a repository's name is any
  // project about Intel, `neuron` the NEURON simulator), nor by a word inside another.
  CHECK(inClone("intel-demos", "Dockerfile") == "none");
  CHECK(inClone("thunderxyz", "Dockerfile") == "none");
}

TEST_CASE("a file named for the ARM or the x86 family", "[declared]") {
  Repo repo;
  // vllm's docker/Dockerfile.arm: "arm" alone is the ARM platform of the default pair...
  CHECK(declared(repo.write("docker/Dockerfile.arm", kPlain)) == "linux/arm64 <- the file name (ARM: linux/arm64)");
  CHECK(declared(repo.write("arm.Dockerfile", kPlain)) == "linux/arm64 <- the file name (ARM: linux/arm64)");
  // ...unless its base images or pins name the ARM platform.
  const std::string armhfBase = "FROM arm32v7/debian:bookworm\n";
  CHECK(declared(repo.write("pi/Dockerfile-arm", armhfBase), armhfBase) ==
        "linux/arm/v7 <- the base image arm32v7/debian:bookworm");
  // A word that only contains "arm" is none.
  CHECK(declared(repo.write("Dockerfile.farm", kPlain)) == "none");
  CHECK(declared(repo.write("Dockerfile.armada", kPlain)) == "none");
  // "x86" is x86-64 as often as i386: the x86 platform of the default pair, linux/amd64, unless
  // the file names which (justinboneh/jenkinsexample's linux-x86.dockerfile fetches the x86_64
  // CMake installer).
  CHECK(declared(repo.write("x86/linux-x86.dockerfile", kPlain)) == "linux/amd64 <- the file name (x86: linux/amd64)");
  const std::string i386Base = "FROM i386/debian:bookworm\n";
  CHECK(declared(repo.write("x86/Dockerfile.x86", i386Base), i386Base) == "linux/386 <- the base image i386/debian:bookworm");
  CHECK(declared(repo.write("x86/Dockerfile.x86-to-arm", kPlain)) == "none");
  CHECK(declared(repo.write("x86/Dockerfile.x86box", kPlain)) == "none");
  CHECK(declared(repo.write("x86/build-x86.Dockerfile", kPlain)) == "linux/amd64 <- the file name (x86: linux/amd64)");
  // A family word inside a longer name describes something else.
  CHECK(declared(repo.write("x86/playwright-x86-browsers.Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("x86/Dockerfile.with-arm-tools", kPlain)) == "none");
  // A directory named for a distribution and a family, glued or joined (JetBrains/
  // teamcity-docker-images' Agent/UbuntuARM/24.04-sudo/, Part ZZZJ); another word in it, or a
  // word that is no distribution, says nothing.
  CHECK(declared(repo.write("Agent/UbuntuARM/24.04-sudo/Dockerfile", kPlain)) ==
        "linux/arm64 <- the directory UbuntuARM/ (ARM: linux/arm64)");
  CHECK(declared(repo.write("images/debian12-x86/Dockerfile", kPlain)) ==
        "linux/amd64 <- the directory debian12-x86/ (x86: linux/amd64)");
  CHECK(declared(repo.write("Agent/UbuntuARMTools/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("Agent/CrossARM/Dockerfile", kPlain)) == "none");
  // Named for a family, the file says its own platform before a cross toolchain says its
  // target: kylape/stackrox-tekton's arm.Dockerfile installs gcc-aarch64-linux-gnu beside an
  // arm64 Go toolchain.
  const std::string crossGcc = "FROM fedora:43\nRUN dnf install -y gcc gcc-aarch64-linux-gnu\n";
  CHECK(declared(repo.write("dev/arm.Dockerfile", crossGcc), crossGcc) == "linux/arm64 <- the file name (ARM: linux/arm64)");
}

TEST_CASE("a file name whose words are glued: DockerfileARM, DockerfileArm64", "[declared]") {
  Repo repo;
  // QuantConnect/Lean's DockerfileLeanFoundationARM ("a version of DockerfileLeanFoundation for ARM").
  CHECK(declared(repo.write("lean/DockerfileLeanFoundationARM", kPlain)) == "linux/arm64 <- the file name (ARM: linux/arm64)");
  CHECK(declared(repo.write("a/DockerfileArm64", kPlain)) == "linux/arm64 <- the file name");
  CHECK(declared(repo.write("a/DockerfileAMD64", kPlain)) == "linux/amd64 <- the file name");
  CHECK(declared(repo.write("a/ContainerfileAarch64", kPlain)) == "linux/arm64 <- the file name");
  // The glued family word must end the name, as a separated one must; words that only contain
  // an architecture's letters stay none.
  CHECK(declared(repo.write("b/DockerfileWithArmTools", kPlain)) == "none");
  CHECK(declared(repo.write("b/DockerfileHarmony", kPlain)) == "none");
  CHECK(declared(repo.write("b/DockerfileWeb", kPlain)) == "none");
  CHECK(declared(repo.write("b/Dockerfile2", kPlain)) == "none");
  // The plain one of the glued pair is the amd64 file.
  const auto foundation = repo.write("lean/DockerfileLeanFoundation", kPlain);
  const auto jupyter = repo.write("lean/DockerfileJupyter", kPlain);
  CHECK(declared(foundation) == "linux/amd64 <- its per-architecture siblings (DockerfileLeanFoundation is the amd64 one)");
  CHECK(declared(jupyter) == "none");
}

TEST_CASE("siblings: the plain file of a per-architecture family is the amd64 one", "[declared]") {
  Repo repo;
  const auto plain = repo.write("svc/Dockerfile", kPlain);
  CHECK(declared(plain) == "none");
  repo.write("svc/arm64/Dockerfile", kPlain);
  CHECK(declared(plain) == "linux/amd64 <- its per-architecture siblings (Dockerfile is the amd64 one)");
  // A sibling for amd64 too: the plain file is not the amd64 one.
  repo.write("svc/Dockerfile.x86_64", kPlain);
  CHECK(declared(plain) == "none");
  // The suffix form (typesense docker/development.Dockerfile beside development-arm.Dockerfile).
  const auto development = repo.write("docker/development.Dockerfile", kPlain);
  const auto other = repo.write("docker/other.Dockerfile", kPlain);
  repo.write("docker/development-arm.Dockerfile", kPlain);
  CHECK(declared(development) == "linux/amd64 <- its per-architecture siblings (development.Dockerfile is the amd64 one)");
  CHECK(declared(other) == "none");
  // The plain file beside the suffix form of the ARM family (kylape/stackrox-tekton:
  // Dockerfile and arm.Dockerfile) or of one architecture.
  const auto dev = repo.write("dev/Dockerfile", kPlain);
  repo.write("dev/notes.Dockerfile", kPlain);
  CHECK(declared(dev) == "none");
  repo.write("dev/arm.Dockerfile", kPlain);
  CHECK(declared(dev) == "linux/amd64 <- its per-architecture siblings (Dockerfile is the amd64 one)");
  const auto tools = repo.write("tools/Containerfile", kPlain);
  repo.write("tools/arm64.Containerfile", kPlain);
  CHECK(declared(tools) == "linux/amd64 <- its per-architecture siblings (Containerfile is the amd64 one)");
  // An x86 file beside it is the family's amd64 one: the plain file is not.
  repo.write("dev/Dockerfile.x86", kPlain);
  CHECK(declared(dev) == "none");
}

TEST_CASE("siblings: a variant of a per-architecture family is an amd64 file", "[declared]") {
  // docker/compose 1.x: Dockerfile.run and Dockerfile.musl beside Dockerfile.armhf and
  // Dockerfile.s390x are the x86-64 ones.
  Repo repo;
  const auto run = repo.write("Dockerfile.run", kPlain);
  const auto musl = repo.write("Dockerfile-musl", kPlain);
  CHECK(declared(run) == "none");
  repo.write("Dockerfile.armhf", kPlain);
  repo.write("Dockerfile.s390x", kPlain);
  CHECK(declared(run) == "linux/amd64 <- its per-architecture siblings (Dockerfile.run is the amd64 one)");
  CHECK(declared(musl) == "linux/amd64 <- its per-architecture siblings (Dockerfile-musl is the amd64 one)");
  // The arch-named files still say their own; a file of another family is no variant.
  CHECK(declared(repo.write("Dockerfile.armhf", kPlain)) !=
        "linux/amd64 <- its per-architecture siblings (Dockerfile.armhf is the amd64 one)");
  CHECK(declared(repo.write("build.Dockerfile", kPlain)) == "none");
  // A family with an amd64 file of its own: the variant is not the amd64 one.
  repo.write("Dockerfile.amd64", kPlain);
  CHECK(declared(run) == "none");
}

TEST_CASE("every FROM pinned to one constant --platform declares that platform", "[declared]") {
  Repo repo;
  const auto file = repo.write("tools/Dockerfile", kPlain);
  CHECK(declared(file, "FROM --platform=linux/amd64 debian AS a\nFROM a\nFROM --platform=linux/amd64 alpine\n") ==
        "linux/amd64 <- the --platform of every FROM");
  CHECK(declared(file, "FROM --platform=linux/amd64 debian AS a\nFROM alpine\n") == "none");
  // Beside a stage on the build machine, a pinned shipped stage declares its platform when
  // nothing reads the target's (grafana/pyroscope's .NET example, its profiler x86-64 only, Part
  // SH); a file that asks for the target's architecture is written for several, and the pin is
  // then the mistake MA101 reports.
  CHECK(declared(file, "FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/amd64 alpine\n") ==
        "linux/amd64 <- the --platform of every FROM not on $BUILDPLATFORM");
  CHECK(declared(file,
                 "FROM --platform=$BUILDPLATFORM golang AS b\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n"
                 "FROM --platform=linux/amd64 alpine\nCOPY --from=b /app /app\n") == "none");
  CHECK(declared(file, "FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/amd64 alpine AS run\nFROM run\n") ==
        "linux/amd64 <- the --platform of every FROM not on $BUILDPLATFORM");
  CHECK(declared(file, "FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/amd64 alpine AS t\nFROM b\n") ==
        "none");
  // Beside stages on the build machine, a pin on an image named for the pinned platform does
  // (cartesi/machine-emulator-tools' RISC-V root file systems, Part LW).
  CHECK(declared(file,
                 "FROM --platform=$BUILDPLATFORM ubuntu:22.04 AS cross\n"
                 "FROM --platform=linux/riscv64 riscv64/ubuntu:22.04\nCOPY --from=cross /b /usr/bin/\n") ==
        "linux/riscv64 <- the --platform of every FROM not on $BUILDPLATFORM");
  CHECK(declared(file, "FROM --platform=${BUILDPLATFORM} golang AS b\nFROM --platform=linux/arm64 arm64v8/alpine\n") ==
        "linux/arm64 <- the --platform of every FROM not on $BUILDPLATFORM");
  CHECK(declared(file, "FROM --platform=$BUILDPLATFORM golang AS b\nFROM --platform=linux/arm64 amd64/alpine\n") == "none");
  CHECK(declared(file, "FROM --platform=linux/amd64 debian\nFROM --platform=linux/arm64 alpine\n") == "none");
}

TEST_CASE("a pin through a global ARG's default declares its platform unless a build passes the ARG", "[declared]") {
  Repo repo;
  const auto file = repo.write("tool/wine.dockerfile", kPlain);
  // zhoujd/zzdwm (Part WF): the default is what every build of a plain `docker build` gets.
  CHECK(declared(file, "ARG VARIANT=22.04\nARG PLATFORM=linux/amd64\nFROM --platform=$PLATFORM ubuntu:$VARIANT\n") ==
        "linux/amd64 <- the --platform of every FROM (the default of ARG PLATFORM)");
  CHECK(declared(file, "ARG P=\"linux/arm64\"\nFROM --platform=${P} alpine AS a\nFROM --platform=linux/arm64 debian\n") ==
        "linux/arm64 <- the --platform of every FROM (the default of ARG P)");
  // An ARG declared only inside a stage is not seen by FROM; one with no default names nothing.
  CHECK(declared(file, "FROM --platform=$PLATFORM alpine\nARG PLATFORM=linux/amd64\n") == "none");
  CHECK(declared(file, "ARG PLATFORM\nFROM --platform=$PLATFORM alpine\n") == "none");
  // An ARG with no default is empty in FROM unless a build passes it, so a `:-` default in the
  // flag is what every such build gets (AdrianOrenstein/docker-pytorch-template, Part ZZZZZZZA).
  CHECK(declared(file, "ARG PLATFORM\nFROM --platform=${PLATFORM:-linux/amd64} ubuntu\n") ==
        "linux/amd64 <- the --platform of every FROM (the default of ARG PLATFORM)");
  CHECK(declared(file, "ARG PLATFORM\nFROM --platform=${PLATFORM:+linux/amd64} ubuntu\n") == "none");
  // A default given to an automatic platform ARG is MA145's mistake, not a choice of platform.
  CHECK(declared(file, "ARG TARGETPLATFORM=linux/amd64\nFROM --platform=$TARGETPLATFORM alpine\n") == "none");
  // A default built from an ARG with no value (one a build may pass) is not a constant.
  CHECK(declared(file, "ARG VARIANT\nARG PLATFORM=linux/arm${VARIANT}\nFROM --platform=$PLATFORM ubuntu\n") == "none");
  // A build that passes the ARG chooses the platform itself: the default declares nothing.
  repo.write("tool/Makefile", "all:\n\tdocker build --build-arg PLATFORM=$(P) -f wine.dockerfile .\n");
  CHECK(declared(file, "ARG PLATFORM=linux/amd64\nFROM --platform=$PLATFORM ubuntu\n") ==
        " <- tool/Makefile (no platforms: built for the machine that runs it)");
  CHECK(declared(file, "ARG PLATFORM\nFROM --platform=${PLATFORM:-linux/amd64} ubuntu\n") ==
        " <- tool/Makefile (no platforms: built for the machine that runs it)");
}

TEST_CASE("the base images: all external bases name one architecture", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  CHECK(declared(file, "FROM arm64v8/ubuntu:22.04\n") == "linux/arm64 <- the base image arm64v8/ubuntu:22.04");
  // Docker Hub's former names of the namespaces (EuropecoinEUORG/docker-golang-armhf-ubuntu).
  CHECK(declared(file, "FROM armhf/ubuntu:16.04\n") == "linux/arm/v7 <- the base image armhf/ubuntu:16.04");
  CHECK(declared(file, "FROM aarch64/alpine\n") == "linux/arm64 <- the base image aarch64/alpine");
  // A tag naming a cross toolchain's target is not the image's platform (ossrs/srs).
  CHECK(declared(file, "FROM ossrs/srs:ubuntu20-cache-cross-aarch64\n") == "none");
  CHECK(declared(file, "ARG V=3.19\nFROM example/alpine:${V}-arm64 AS base\nFROM base\nFROM scratch\n") ==
        "linux/arm64 <- the base image example/alpine:3.19-arm64");
  // An architecture from an ARG default is the default of a per-architecture build.
  CHECK(declared(file, "ARG ARCH=amd64\nFROM quay.io/prometheus/busybox-linux-${ARCH}:latest\n") == "none");
  CHECK(declared(file, "ARG BASE=amd64/alpine\nFROM ${BASE}\n") == "none");
  // But a default that names an image published for one platform is that platform's, as the
  // image written out is (spcl/HPCAgent-Bench's MI300A image, Part ZZZZK)...
  CHECK(declared(file, "ARG BASE_IMAGE=docker.io/rocm/pytorch:rocm7.2.3_ubuntu24.04\nFROM ${BASE_IMAGE}\n") ==
        "linux/amd64 <- the base image docker.io/rocm/pytorch:rocm7.2.3_ubuntu24.04 (published for linux/amd64 only)");
  // ...unless a build of the project passes the ARG: its default is not what that build gets.
  repo.write("Makefile", "all:\n\tdocker build --build-arg BASE_IMAGE=$(BASE) .\n");
  CHECK(declared(file, "ARG BASE_IMAGE=docker.io/rocm/pytorch:rocm7.2.3_ubuntu24.04\nFROM ${BASE_IMAGE}\n") ==
        " <- Makefile (no platforms: built for the machine that runs it)");
  fs::remove(repo.root / "Makefile");
  CHECK(declared(file, "FROM k8s.gcr.io/pause-amd64:3.1\nFROM --platform=$BUILDPLATFORM golang AS tools\n") ==
        "linux/amd64 <- the base image k8s.gcr.io/pause-amd64:3.1");
  CHECK(declared(file, "FROM example/x:arm32v7-1.2\n") == "linux/arm/v7 <- the base image example/x:arm32v7-1.2");
  // A tag's architecture joined by '_' (ich777/docker-owncast's FROM
  // ich777/debian-baseimage:bullseye_amd64, Part DR), x86_64 kept whole; a '_' word inside the
  // tag is no end of it.
  CHECK(declared(file, "FROM ich777/debian-baseimage:bullseye_amd64\n") ==
        "linux/amd64 <- the base image ich777/debian-baseimage:bullseye_amd64");
  CHECK(declared(file, "FROM example/x:focal_x86_64\n") == "linux/amd64 <- the base image example/x:focal_x86_64");
  CHECK(declared(file, "FROM example/x:v1_arm64_build\n") == "none");
  // Its untagged name is the data's amd64 `latest` (ich777/docker-openttd-server, Part
  // ZZZZZZZZZZZZZH); a tag naming another architecture is not that release's amd64 build.
  CHECK(declared(file, "FROM ich777/debian-baseimage\n") ==
        "linux/amd64 <- the base image ich777/debian-baseimage (published for linux/amd64 only)");
  CHECK(declared(file, "FROM ich777/debian-baseimage:latest_arm64\n") ==
        "linux/arm64 <- the base image ich777/debian-baseimage:latest_arm64");
  // A multi-architecture builder beside a shipped stage on an arch-fixed base: the image is what
  // its last stage's base is (ewoutp/rpi_watchdog_go: golang:alpine cross-compiles GOARCH=arm
  // for FROM arm32v6/alpine), also through a stage built FROM it.
  CHECK(declared(file, "FROM golang AS build\nFROM arm64v8/alpine\n") == "linux/arm64 <- the base image arm64v8/alpine");
  CHECK(declared(file, "FROM golang:alpine AS build\nFROM arm32v6/alpine:latest AS run\nFROM run\n") ==
        "linux/arm/v6 <- the base image arm32v6/alpine:latest");
  // The twins: the shipped stage's base names no architecture (an arch-fixed builder), or the
  // file ends in scratch after a builder that names none: none.
  CHECK(declared(file, "FROM arm64v8/golang AS build\nFROM alpine\n") == "none");
  CHECK(declared(file, "FROM golang AS build\nFROM arm64v8/alpine AS tools\nFROM scratch\n") == "none");
  // A variable with no value only in the tag leaves the repository that names the architecture
  // (dtroncy/docker-rpi-alpine); one in the repository's name could be any image.
  CHECK(declared(file, "ARG alpine_version\nFROM arm32v6/alpine:$alpine_version\n") ==
        "linux/arm/v6 <- the base image arm32v6/alpine:$alpine_version");
  CHECK(declared(file, "ARG ns\nFROM ${ns}/alpine:3.19\n") == "none");
  // Two architectures, an unresolved base: none.
  CHECK(declared(file, "FROM arm64v8/alpine AS a\nFROM amd64/alpine AS b\n") == "none");
  CHECK(declared(file, "ARG BASE\nFROM ${BASE}\nFROM arm64v8/alpine\n") == "none");
  CHECK(declared(file, "FROM registry:5000/amd64-tools:1\n") == "none");
  // A middle path component naming the OS and the architecture together (SAS's Viya 4 registry,
  // Part ZZZJ); an architecture word there without `linux`, or two architectures, say nothing.
  CHECK(declared(file, "FROM cr.sas.com/viya-4-x64_oci_linux_2-docker/sas-analytics-pro:1.28\n") ==
        "linux/amd64 <- the base image cr.sas.com/viya-4-x64_oci_linux_2-docker/sas-analytics-pro:1.28");
  CHECK(declared(file, "FROM example.com/viya-x64/pro:1\n") == "none");
  CHECK(declared(file, "FROM example.com/linux_arm64_x64/pro:1\n") == "none");
  CHECK(declared(file, "FROM alpine:3.19\n") == "none");
}

TEST_CASE("Docker Hub's automated build hook declares linux/amd64", "[declared]") {
  // CM2Walki/steamcmd: bookworm/hooks/build runs `docker build --target=...` for Docker Hub's
  // autobuild, which runs on amd64 builders only. The twins: a hook that builds with buildx
  // and --platform, a pre_build hook that registers QEMU for other architectures, and a
  // Dockerfile in another directory, declare nothing.
  Repo repo;
  const auto file = repo.write("bookworm/Dockerfile", kPlain);
  repo.write("bookworm/hooks/build",
             "#!/bin/bash\ndocker build --target=bookworm -f $(basename ${DOCKERFILE_PATH}) -t $DOCKER_REPO:latest .\n");
  CHECK(declared(file, kPlain) ==
        "linux/amd64 <- hooks/build: a plain docker build in Docker Hub's automated build, on amd64 builders only");
  const auto other = repo.write("bullseye/Dockerfile", kPlain);
  CHECK(declared(other, kPlain) == "none");
  repo.write("bullseye/hooks/build", "#!/bin/bash\ndocker build -t $IMAGE_NAME .\n");
  repo.write("bullseye/hooks/pre_build", "#!/bin/bash\ndocker run --rm --privileged multiarch/qemu-user-static:register\n");
  CHECK(declared(other, kPlain) == "none");
  const auto buildx = repo.write("trixie/Dockerfile", kPlain);
  repo.write("trixie/hooks/build",
             "#!/bin/bash\ndocker buildx build --platform linux/amd64,linux/arm64 -t $IMAGE_NAME --push .\n");
  CHECK(declared(buildx, kPlain) == "none");
}

TEST_CASE("Docker Hub's automated tests (a sut service) beside a Dockerfile declare linux/amd64", "[declared]") {
  Repo repo;
  // wernight/docker-plex-media-server (Part ZZZZZZM): latest/docker-compose.test.yml, format 1.
  const auto latest = repo.write("latest/Dockerfile", kPlain);
  repo.write("latest/docker-compose.test.yml",
             "sut:\n  build: .\n  command: sh -c 'sleep 10 && wget -O /dev/null http://localhost:32400/'\n");
  CHECK(declared(latest) ==
        "linux/amd64 <- docker-compose.test.yml: Docker Hub's automated tests (a sut service), run by its automated builds on "
        "amd64 builders only");
  const auto v3 = repo.write("v3/Dockerfile", kPlain);
  repo.write("v3/docker-compose.test.yaml", "services:\n  sut:\n    build: .\n    command: ./run_tests.sh\n");
  CHECK(declared(v3) ==
        "linux/amd64 <- docker-compose.test.yaml: Docker Hub's automated tests (a sut service), run by its automated builds on "
        "amd64 builders only");
  // No sut service: a compose file for tests of another kind, read as compose (a build for the
  // machine that runs it).
  const auto other = repo.write("other/Dockerfile", kPlain);
  repo.write("other/docker-compose.test.yml", "services:\n  app:\n    build: .\n  db:\n    image: postgres:16\n");
  CHECK(declared(other) == " <- other/docker-compose.test.yml service app (no platforms: built for the machine that runs it)");
  // A workflow that builds the file for several platforms says more.
  repo.write(".github/workflows/build.yml",
             "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n"
             "        with:\n          context: latest\n          platforms: linux/amd64,linux/arm64\n");
  CHECK(declared(latest) == "linux/amd64, linux/arm64 <- .github/workflows/build.yml job b");
}

TEST_CASE("a Serverless Framework config declares its Lambda images' platforms", "[declared]") {
  // umihico/docker-selenium-lambda (Part ZZZZZZI): provider.ecr.images.img builds ./Dockerfile
  // with `platform: linux/amd64`. Without a platform the image is the functions' (their
  // architecture, else the provider's, else Lambda's x86_64); `uri:` builds nothing.
  Repo repo;
  const auto root = repo.write("Dockerfile", kPlain);
  CHECK(declared(root) == "none");
  repo.write("serverless.yml", R"(
service: docker-selenium-lambda
provider:
  name: aws
  ecr:
    images:
      img:
        path: ./
        platform: linux/amd64
functions:
  demo:
    image:
      name: img
)");
  CHECK(declared(root) == "linux/amd64 <- serverless.yml provider.ecr.images.img (an AWS Lambda image)");
  const auto worker = repo.write("worker/Dockerfile.lambda", kPlain);
  const auto api = repo.write("worker/api/Dockerfile", kPlain);
  const auto prebuilt = repo.write("worker/prebuilt/Dockerfile", kPlain);
  const auto variable = repo.write("worker/var/Dockerfile", kPlain);
  repo.write("worker/serverless.yaml", R"(
provider:
  name: aws
  architecture: arm64
  ecr:
    images:
      job:
        path: .
        file: Dockerfile.lambda
      api:
        path: ./api
      prebuilt:
        uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/prebuilt@sha256:abc
      var:
        path: ./var
        platform: ${self:custom.platform}
functions:
  job:
    image: job
  api:
    architecture: x86_64
    image:
      name: api
)");
  CHECK(declared(worker) == "linux/arm64 <- worker/serverless.yaml provider.ecr.images.job (an AWS Lambda image)");
  CHECK(declared(api) == "linux/amd64 <- worker/serverless.yaml provider.ecr.images.api (an AWS Lambda image)");
  CHECK(declared(prebuilt) == "none");
  CHECK(declared(variable) == "none");
}

TEST_CASE("a Fly.io app's fly.toml declares linux/amd64 for the Dockerfile it builds", "[declared]") {
  // flyctl builds for linux/amd64 only (superfly/flyctl#2597). The app config sits beside the
  // Dockerfile or above it; `[build] dockerfile` names another file; an app that deploys an
  // image or builds with buildpacks builds no Dockerfile.
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  CHECK(declared(file) == "none");
  repo.write("fly.toml", "app = 'linkding'\nprimary_region = 'ams'\n\n[build]\n\n[http_service]\n  internal_port = 8080\n");
  CHECK(declared(file) == "linux/amd64 <- fly.toml (a Fly.io app: flyctl builds linux/amd64)");
  const auto web = repo.write("web/Dockerfile", kPlain);
  CHECK(declared(web) == "none");  // the root config builds the root Dockerfile
  repo.write("web/fly.toml", "app = \"web\"\n[build]\n  dockerfile = \"deploy/Dockerfile.fly\"  # the release image\n");
  CHECK(declared(web) == "none");
  const auto named = repo.write("web/deploy/Dockerfile.fly", kPlain);
  CHECK(declared(named) == "linux/amd64 <- web/fly.toml (a Fly.io app: flyctl builds linux/amd64)");
  // The top-level dotted form is the same key.
  const auto dotted = repo.write("api/Containerfile", kPlain);
  repo.write("api/fly.toml", "app = \"api\"\nbuild.dockerfile = 'Containerfile'\n");
  CHECK(declared(dotted) == "linux/amd64 <- api/fly.toml (a Fly.io app: flyctl builds linux/amd64)");
  // A prebuilt image or buildpacks: no Dockerfile is built; a key of another table is not the build's.
  const auto image = repo.write("img/Dockerfile", kPlain);
  repo.write("img/fly.toml", "[build]\n  image = \"flyio/postgres:14\"\n");
  CHECK(declared(image) == "none");
  const auto packs = repo.write("packs/Dockerfile", kPlain);
  repo.write("packs/fly.toml", "[build]\nbuilder = \"paketobuildpacks/builder:base\"\n");
  CHECK(declared(packs) == "none");
  const auto elsewhere = repo.write("other/Dockerfile.prod", kPlain);
  repo.write("other/fly.toml", "[env]\ndockerfile = \"Dockerfile.prod\"\n");
  CHECK(declared(elsewhere) == "none");
}

TEST_CASE("a Heroku app's heroku.yml declares linux/amd64 for the Dockerfiles it builds", "[declared]") {
  // aceventurapetdetective4/lichess-bot (Part ZL): `build: docker: worker: Dockerfile`, a
  // stockfish_x64_bmi2 engine for Heroku's amd64 dynos. Paths are from the repository root;
  // a process may name its file and stage in a map; a file no process names is not declared.
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  CHECK(declared(file) == "none");
  repo.write("heroku.yml",
             "build:\n  docker:\n    worker: Dockerfile\n    web:\n      dockerfile: app/Dockerfile.web\n"
             "      target: Release\nrun:\n  worker:\n    command:\n      - python3 bot.py\n    image: worker\n");
  CHECK(declared(file) == "linux/amd64 <- heroku.yml build.docker.worker (a Heroku app: its dynos run linux/amd64)");
  const auto web = repo.write("app/Dockerfile.web", kPlain);
  CHECK(declared(web) == "linux/amd64 <- heroku.yml build.docker.web (a Heroku app: its dynos run linux/amd64)");
  CHECK(declared(repo.write("app/Dockerfile", kPlain)) == "none");
  // A manifest without a docker build (buildpacks, or malformed YAML) declares nothing.
  Repo packs;
  packs.write("heroku.yml", "build:\n  languages:\n    - ruby\n");
  CHECK(declared(packs.write("Dockerfile", kPlain)) == "none");
  Repo broken;
  broken.write("heroku.yml", "build: {docker: [\n");
  CHECK(declared(broken.write("Dockerfile", kPlain)) == "none");
  const auto builds =
      context::readHerokuManifest("build:\n  docker:\n    web:\n      dockerfile: Dockerfile\n      target: Prod\n", "/repo");
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].targetStage == "prod");
}

TEST_CASE("readFlyConfig: the build table's strings, and nothing from a malformed config", "[declared]") {
  const std::filesystem::path dir = "/repo/app";
  auto builds = context::readFlyConfig("[build]\ndockerfile = \"ops/Dockerfile\"\nbuild-target = \"Release\"\n", dir);
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].dockerfile == "/repo/app/ops/Dockerfile");
  CHECK(builds[0].targetStage == "release");
  CHECK(platformList(builds[0].platforms) == "linux/amd64");
  // An unterminated string names nothing: the default file is taken.
  builds = context::readFlyConfig("[build]\ndockerfile = \"ops/Dockerfile\n", dir);
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].dockerfile == "/repo/app/Dockerfile");
  CHECK(context::readFlyConfig("[build]\n  buildpacks = [\"gcr.io/paketo-buildpacks/nodejs\"]\n", dir).empty());
}

TEST_CASE("the official x86-only tags are the generator's shape: one sorted line per image", "[declared][data]") {
  // data/official-x86-only-tags.txt is looked up in place (a line per image, its tags after
  // single spaces), so a hand edit that breaks the shape would silently match nothing.
  std::ifstream in(test::sourceDir() / "data/official-x86-only-tags.txt");
  REQUIRE(in);
  std::string line, previousImage;
  size_t images = 0, tags = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string image, tag, previousTag;
    words >> image;
    INFO(image);
    CHECK(image > previousImage);
    CHECK(image.find('/') == std::string::npos);  // official images only: no namespace
    previousImage = image;
    ++images;
    size_t count = 0;
    while (words >> tag) {
      CHECK(tag > previousTag);
      CHECK(std::none_of(tag.begin(), tag.end(), [](unsigned char c) { return std::isupper(c) || c == ':'; }));
      previousTag = tag;
      ++count;
    }
    CHECK(count > 0);
    CHECK(line.find("  ") == std::string::npos);
    tags += count;
  }
  CHECK(images > 100);
  CHECK(tags > 20000);
}

TEST_CASE("base images published for one architecture, with no architecture in their names", "[declared]") {
  Repo repo;
  // (Not named .gitpod.Dockerfile: that name declares linux/amd64 by itself, see below.)
  const auto file = repo.write("workspace.Dockerfile", kPlain);
  // data/one-architecture-images.json: Gitpod's workspaces exist for x86-64 only, Jetson's
  // L4T images for arm64 only.
  CHECK(declared(file, "FROM gitpod/workspace-full:2023-08-08-12-42-30\n") ==
        "linux/amd64 <- the base image gitpod/workspace-full:2023-08-08-12-42-30 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM nvcr.io/nvidia/l4t-base:r36.2.0\n") ==
        "linux/arm64 <- the base image nvcr.io/nvidia/l4t-base:r36.2.0 (published for linux/arm64 only)");
  CHECK(declared(file, "FROM dustynv/l4t-pytorch:r36.4.0 AS build\nFROM build\n") ==
        "linux/arm64 <- the base image dustynv/l4t-pytorch:r36.4.0 (published for linux/arm64 only)");
  // Bioconductor's legacy images, deprecated in 2020 before its first arm64 builds (2023); the
  // current bioconductor/bioconductor_docker is multi-architecture.
  CHECK(declared(file, "FROM bioconductor/release_base\n") ==
        "linux/amd64 <- the base image bioconductor/release_base (published for linux/amd64 only)");
  CHECK(declared(file, "FROM bioconductor/devel_core2:latest\n") ==
        "linux/amd64 <- the base image bioconductor/devel_core2:latest (published for linux/amd64 only)");
  CHECK(declared(file, "FROM bioconductor/bioconductor_docker:RELEASE_3_20\n") == "none");
  // PyPA's wheel build images carry the wheel tag's machine at the end of their names.
  CHECK(declared(file, "FROM quay.io/pypa/manylinux_2_28_x86_64 AS base\nFROM base AS cuda\n") ==
        "linux/amd64 <- the base image quay.io/pypa/manylinux_2_28_x86_64");
  CHECK(declared(file, "FROM quay.io/pypa/manylinux2014_aarch64\n") ==
        "linux/arm64 <- the base image quay.io/pypa/manylinux2014_aarch64");
  // Mixed with a multi-architecture base, or two different ones: nothing is declared.
  CHECK(declared(file, "FROM gitpod/workspace-full AS ide\nFROM alpine\n") == "none");
  CHECK(declared(file, "FROM gitpod/workspace-base AS a\nFROM nvcr.io/nvidia/l4t-base:r36\n") == "none");
  // Official images with one architecture at some releases (CentOS 6: i386 and x86_64 only;
  // sharpreflections/centos6-build-cmake, spring-boot's CentOS 6.9 test image) or at every tag
  // (the `java` image, frozen before multi-architecture manifests).
  const std::string digest = "@sha256:" + std::string(64, 'a');
  for (const std::string& base : std::vector<std::string>{"centos:6", "docker.io/library/centos:centos6.10",
                                                          "centos:6.9" + digest, "java:8-jdk", "jenkins:2.19.1"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  // NVIDIA's CUDA images before CUDA 11 (x86-64 only in nvidia/cuda), also when the version is
  // a variable but the tag names cuDNN 7 (triagemd/tensorflow-builds, Part AR).
  for (const std::string& base : std::vector<std::string>{"nvidia/cuda:10.0-cudnn7-devel-ubuntu16.04", "nvidia/cuda:8.0-runtime",
                                                          "nvidia/cuda:9.2-devel-ubuntu18.04"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  // Flyway's images before arm64 builds (sammyers/docker-flyway, Part BB).
  for (const std::string& base :
       std::vector<std::string>{"boxfuse/flyway", "boxfuse/flyway:5.2.4", "flyway/flyway:7-alpine", "flyway/flyway:8.4.4"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  CHECK(declared(file, "FROM flyway/flyway:8.5.0\n") == "none");
  // .NET Core 2.x's Alpine images (x64 only: no musl arm64 build before 3.0), under both the
  // Docker Hub name and MCR's (srvahidi/GoFNOL, Part VJ); their Debian tags and 3.x are not meant.
  for (const std::string& base :
       std::vector<std::string>{"mcr.microsoft.com/dotnet/core/runtime-deps:2.2-alpine3.9",
                                "mcr.microsoft.com/dotnet/core/sdk:2.1-alpine", "microsoft/dotnet:2.1-sdk-alpine3.7"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  for (const std::string& base :
       std::vector<std::string>{"mcr.microsoft.com/dotnet/core/runtime-deps:2.2-stretch-slim",
                                "mcr.microsoft.com/dotnet/core/sdk:3.1-alpine", "microsoft/dotnet:2.1-sdk"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "none");
  }
  // Selenium's images before 4.21.0 (amd64 only; Kurento's dev-integration-browser image on
  // selenium/node-base:3.14.0, Part TT), and its Chrome and Edge ones at every release; the
  // Chromium and Firefox images from 4.21.0 on exist for arm64 too.
  for (const std::string& base : std::vector<std::string>{"selenium/node-base:3.14.0", "selenium/hub:4.20.0-20240505",
                                                          "selenium/standalone-chrome:4.25.0"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  CHECK(declared(file, "FROM selenium/standalone-chromium:4.25.0\n") == "none");
  // An image COPY --from copies from is pulled for the target platform as a base is, so one
  // published for one platform pins the build (7error/docker-harbor, Part ZZZZZZZZZW: Harbor
  // v1.10.5's programs onto debian:buster); a stage, a variable or an index is no image, and a
  // base of another architecture contradicts it.
  const std::string harbor = "FROM debian:buster\nCOPY --from=goharbor/harbor-core:v1.10.5 /harbor/harbor_core /usr/bin/\n";
  CHECK(declared(file, harbor) ==
        "linux/amd64 <- the image goharbor/harbor-core:v1.10.5 that COPY --from copies from "
        "(published for linux/amd64 only)");
  CHECK(declared(file, "FROM gitpod/workspace-base AS a\n" + harbor) ==
        "linux/amd64 <- the base image gitpod/workspace-base and the image goharbor/harbor-core:v1.10.5 that COPY --from "
        "copies from (published for linux/amd64 only)");
  CHECK(declared(file, "FROM debian:buster\nCOPY --from=goharbor/harbor-core:v2.14.0 /harbor /harbor\n") == "none");
  // A stage of that name is what COPY --from copies: the stage of Jetson's base (arm64 only), not Harbor's image.
  CHECK(declared(file,
                 "FROM nvcr.io/nvidia/l4t-base:r36.2.0 AS goharbor/harbor-core:v1.10.5\nFROM debian\n"
                 "COPY --from=goharbor/harbor-core:v1.10.5 /a /a\n") ==
        "linux/arm64 <- the base image nvcr.io/nvidia/l4t-base:r36.2.0 (published for linux/arm64 only)");
  CHECK(declared(file, "FROM debian:buster\nCOPY --from=0 /a /a\nCOPY --from=$HARBOR /a /a\n") == "none");
  CHECK(declared(file, "FROM nvcr.io/nvidia/l4t-base:r36.2.0\nCOPY --from=goharbor/harbor-core:v1.10.5 /a /a\n") == "none");
  CHECK(declared(file, "FROM debian:buster\nCOPY --from=multiarch/qemu-user-static:x86_64-aarch64 /usr/bin/q /usr/bin/\n") ==
        "none");
  // A stage of an image the data pins (ROCm: x86-64 only), copied from by the shipped stage
  // directly or through another stage, pins the build too: BuildKit builds it for the target
  // (ZoeCMa/docker-alphafold, Part ZZZZZZZZZZZJ). Not when the shipped stage does not copy
  // from it (BuildKit skips it), not for an architecture word alone (a `-amd64` SDK tag is one
  // manifest BuildKit pulls for any target), and not for a stage pinned with --platform.
  const std::string rocmStage = "FROM rocm/tensorflow:rocm6.4.1-py3.12-tf2.18-dev AS build_base\nFROM build_base AS build\n";
  const std::string pinnedByRocm =
      "linux/amd64 <- the base image rocm/tensorflow:rocm6.4.1-py3.12-tf2.18-dev (published for linux/amd64 only)";
  CHECK(declared(file, rocmStage + "FROM ubuntu:noble\nCOPY --from=build /lib/x86_64-linux-gnu /lib/x86_64-linux-gnu\n") ==
        pinnedByRocm);
  CHECK(declared(file,
                 rocmStage +
                     "FROM ubuntu:noble AS mid\nCOPY --from=build /opt /opt\nFROM ubuntu:noble\nCOPY --from=mid /opt /opt\n") ==
        pinnedByRocm);
  CHECK(declared(file, rocmStage + "FROM ubuntu:noble\nCOPY --from=1 /opt /opt\n") == pinnedByRocm);
  CHECK(declared(file, rocmStage + "FROM ubuntu:noble\nCOPY app /app\n") == "none");
  CHECK(declared(file,
                 "FROM mcr.microsoft.com/dotnet/sdk:8.0-bookworm-slim-amd64 AS build\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\n"
                 "COPY --from=build /app /app\n") == "none");
  CHECK(
      declared(file,
               "FROM --platform=$BUILDPLATFORM rocm/tensorflow:latest AS build\nFROM ubuntu:noble\nCOPY --from=build /a /a\n") ==
      "none");
  CHECK(declared(file, "FROM selenium/node-firefox:4.21.0\n") == "none");
  // A third party's image of a Debian or Ubuntu release that ended before anyone but the
  // official images pushed more than one architecture under a name: Docker Hub's automated
  // builds made amd64 images (airdock-io/docker-oracle-jdk on airdock/base:jessie, Part CY;
  // pataquets/docker-mame on pataquets/ubuntu:trusty).
  const auto why = [](const std::string& release) {
    return " (a third party's " + release +
           " image: a release that ended before images other than the official ones were published for more than one "
           "architecture)";
  };
  for (const auto& [base, release] : std::vector<std::pair<std::string, std::string>>{{"airdock/base:jessie", "jessie"},
                                                                                      {"pataquets/ubuntu:trusty", "trusty"},
                                                                                      {"circleci/python:3.6-jessie", "jessie"},
                                                                                      {"quay.io/acme/app:1.2_precise", "precise"},
                                                                                      {"nodesource/trusty:6.3.0", "trusty"}}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + why(release));
  }
  CHECK(declared(file, "FROM rjeschmi/easybuild-centos6\n") ==
        "linux/amd64 <- the base image rjeschmi/easybuild-centos6 (centos6: CentOS 5 and 6 were released for x86 only)");
  // The official images (multi-architecture since 2017), later releases, a tag that only
  // contains the word, and names of other architectures' images say nothing of the kind.
  for (const std::string& base : std::vector<std::string>{
           "debian:jessie", "library/debian:jessie", "docker.io/library/ubuntu:trusty", "acme/base:stretch", "acme/base:bionic",
           "acme/base:jessiex", "hypriot/rpi-node:jessie", "acme/raspbian:jessie", "trusty/app:1.0", "acme/centos7:latest"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "none");
  }
  CHECK(declared(file, "FROM resin/rpi-raspbian:jessie\n") == "linux/arm/v6 <- the base image resin/rpi-raspbian:jessie");
  CHECK(declared(file, "FROM armhf/debian:jessie\n") == "linux/arm/v7 <- the base image armhf/debian:jessie");
  CHECK(declared(file, "FROM flyway/flyway:10\n") == "none");
  // OpenResty's images before 1.19.3.2-1 (metacoma/tmuxinator-as-a-service, Part DW), and the
  // multi-architecture ones after.
  for (const std::string& base :
       std::vector<std::string>{"openresty/openresty:1.15.8.3-1-alpine-fat", "openresty/openresty:1.19.3.2-0-alpine"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  CHECK(declared(file, "FROM openresty/openresty:1.19.3.2-1-alpine\n") == "none");
  // OSS-Fuzz's base builders (meshtastic/firmware's .clusterfuzzlite/Dockerfile, Part EA); its
  // arm64 images are the separately named -testing-arm ones.
  CHECK(declared(file, "FROM gcr.io/oss-fuzz-base/base-builder:v1\n") ==
        "linux/amd64 <- the base image gcr.io/oss-fuzz-base/base-builder:v1 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM gcr.io/oss-fuzz-base/base-builder-testing-arm\n") == "none");
  CHECK(declared(file, "FROM openresty/openresty:1.21.4.1-0-jammy\n") == "none");
  // ubuntu-debootstrap, frozen in 2016 before multi-architecture manifests (vistalab/docker,
  // Part EX); CARLA's and FreeSurfer's images (x86-64 programs).
  for (const std::string& base :
       std::vector<std::string>{"ubuntu-debootstrap:trusty", "carlasim/carla:0.9.13", "freesurfer/freesurfer:7.4.1"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  CHECK(declared(file, "FROM ubuntu:trusty\n") == "none");
  // TensorFlow's GPU images (iikkateivas/edge-tpu-demo, Part FB); its CPU tags say nothing.
  CHECK(declared(file, "FROM tensorflow/tensorflow:nightly-devel-gpu-py3\n") ==
        "linux/amd64 <- the base image tensorflow/tensorflow:nightly-devel-gpu-py3 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM tensorflow/tensorflow:2.15.0\n") == "none");
  // A personal image last pushed before multi-architecture images (cloverzrg's Orion image, Part FN).
  CHECK(declared(file, "FROM jolokia/java-jolokia:latest\n") ==
        "linux/amd64 <- the base image jolokia/java-jolokia:latest (published for linux/amd64 only)");
  // The PostGIS project's images, built for amd64 only (dustymugs/pgplus, Part IA), through the
  // ARG default BuildKit expands; a community arm64 build of them is not that repository.
  CHECK(declared(file, "ARG POSTGIS_RELEASE=14-3.2\nFROM postgis/postgis:$POSTGIS_RELEASE\n") ==
        "linux/amd64 <- the base image postgis/postgis:14-3.2 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM imresamu/postgis:16-3.4\n") == "none");
  // An image named for hardware whose software exists for one architecture (cadenai/byodr's
  // Jetson Nano files on balena's device base, Part FB); the registry's host is not read.
  CHECK(declared(file, "FROM balenalib/jetson-nano-ubuntu:bionic\n") ==
        "linux/arm64 <- the base image balenalib/jetson-nano-ubuntu:bionic (jetson exists for linux/arm64 only)");
  CHECK(declared(file, "FROM example/jetson-app:1\n") ==
        "linux/arm64 <- the base image example/jetson-app:1 (jetson exists for linux/arm64 only)");
  CHECK(declared(file, "FROM rocm/dev-ubuntu-22.04 AS gpu\nFROM balenalib/jetson-nano-ubuntu\n") == "none");
  CHECK(declared(file, "FROM intel.example.com/tools/app:1\n") == "none");
  // `neuron` there is as often the NEURON simulator (MetaCell/NetPyNE-UI's base).
  CHECK(declared(file, "FROM metacell/jupyter-neuron:latest\n") == "none");
  // Intel's oneAPI images, amd64 only (jelyoussefi/safety, Part GN): by the word of the name.
  CHECK(declared(file, "FROM intel/oneapi\n") ==
        "linux/amd64 <- the base image intel/oneapi (oneapi exists for linux/amd64 only)");
  CHECK(declared(file, "FROM intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04\n") ==
        "linux/amd64 <- the base image intel/oneapi-basekit:2024.0.1-devel-ubuntu22.04 (oneapi exists for linux/amd64 only)");
  CHECK(declared(file, "FROM example/oneapisdk:1\n") == "none");
  // Phusion's baseimage before its multi-architecture bionic-1.0.0 (QuantConnect/Lean#5506).
  CHECK(declared(file, "FROM phusion/baseimage:0.9.22\n") ==
        "linux/amd64 <- the base image phusion/baseimage:0.9.22 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM phusion/baseimage:focal-1.2.0\n") == "none");
  // Its `latest` was a 0.x amd64 image (jdidion/atropos, Part ZX); the untagged name is latest,
  // as BuildKit pulls it; `master` is the multi-architecture branch build.
  CHECK(declared(file, "FROM phusion/baseimage:latest\n") ==
        "linux/amd64 <- the base image phusion/baseimage:latest (published for linux/amd64 only)");
  CHECK(declared(file, "FROM phusion/baseimage\n") ==
        "linux/amd64 <- the base image phusion/baseimage (published for linux/amd64 only)");
  CHECK(declared(file, "FROM phusion/baseimage:master\n") == "none");
  // Falco before 0.32.1, its first ARM64 release (falcosecurity-retire/falco-operator on
  // sysdig/falco:0.14.0, Part KB).
  CHECK(declared(file, "FROM sysdig/falco:0.14.0\n") ==
        "linux/amd64 <- the base image sysdig/falco:0.14.0 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM falcosecurity/falco:0.31.1\n") ==
        "linux/amd64 <- the base image falcosecurity/falco:0.31.1 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM falcosecurity/falco:0.32.1\n") == "none");
  // Jenkins X's pipeline builder images, built on amd64 (salaboy/builder-go-kubebuilder, Part JS).
  CHECK(declared(file, "FROM gcr.io/jenkinsxio/builder-base:0.0.69\n") ==
        "linux/amd64 <- the base image gcr.io/jenkinsxio/builder-base:0.0.69 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM gcr.io/jenkinsxio/jx-cli:latest\n") == "none");
  // GitHub Packages' first Docker registry never took multi-architecture manifests
  // (github/codeql-learninglab-actions, Part GN); its successor ghcr.io does.
  CHECK(declared(file, "FROM docker.pkg.github.com/github/codeql-learninglab-actions/codeql-learninglab-check:v2.0.0\n") ==
        "linux/amd64 <- the base image docker.pkg.github.com/github/codeql-learninglab-actions/codeql-learninglab-check:v2.0.0 "
        "(published for linux/amd64 only)");
  CHECK(declared(file, "FROM ghcr.io/github/codeql-learninglab-actions/codeql-learninglab-check:v2.0.0\n") == "none");
  CHECK(declared(file, "ARG CUDA_VERSION\nFROM nvidia/cuda:${CUDA_VERSION}-cudnn7-devel-ubuntu16.04\n") ==
        "linux/amd64 <- the base image nvidia/cuda:${CUDA_VERSION}-cudnn7-devel-ubuntu16.04 (published for linux/amd64 only)");
  // Official-image tags built for x86 only (data/official-x86-only-tags.txt, from the history of
  // docker-library/official-images): a tag dropped before manifest lists reached library/ in
  // September 2017 (node:4.2.2, unchartedsoftware/essex-components-docker), or one whose last
  // entry named amd64 alone (r-base:3.5.0, papaemman/learn-docker; alpine:3.3, Part IL;
  // node:8.7.0-alpine: the node Alpine variants until November 2017).
  for (const std::string& base : std::vector<std::string>{"node:4.2.2", "library/r-base:3.5.0", "docker.io/alpine:3.3",
                                                          "node:8.7.0-alpine", "python:3.5.2" + digest}) {
    CHECK(declared(file, "FROM " + base + "\n") == "linux/amd64 <- the base image " + base + " (published for linux/amd64 only)");
  }
  // The same releases' multi-architecture tags, one that left the file just after manifest lists
  // came (ruby:2.4.1, 2017-09-15: it may have been pushed as one), another namespace's image of
  // the same name, and a tag of no such list: none.
  for (const std::string base : {"node:8.7.0", "alpine:3.6", "ruby:2.4.1", "example/node:4.2.2", "node", "r-base:4.0.0"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "none");
  }
  // Other releases, look-alike names and the images that took their place: none.
  for (const std::string base : {"jenkins/jenkins:lts", "centos:7", "centos:60", "centos", "quay.io/centos/centos:6", "openjdk:8",
                                 "nvidia/cuda:11.2.2-cudnn8-devel-ubuntu20.04", "nvidia/cuda:12.4.0-base-ubuntu22.04",
                                 "nvidia/cuda:100.0", "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04"}) {
    CHECK(declared(file, "FROM " + base + "\n") == "none");
  }
  // One architecture built: a native file whose name says no architecture was kept for that one
  // (theonerk/wechatwork-fetch-messages copies its x86-64 SDK's lib/*.so under java:8).
  const auto sdk = repo.write("sdk/Dockerfile", "FROM java:8\nCOPY lib/libsdk.so /usr/lib/\n");
  CHECK(findingsOf("MA150", sdk).empty());
  const auto multi = repo.write("multi/Dockerfile", "FROM eclipse-temurin:8\nCOPY lib/libsdk.so /usr/lib/\n");
  CHECK(findingsOf("MA150", multi).size() == 1);
  // A look-alike name is not the published image.
  CHECK(declared(file, "FROM example/gitpod-workspace-full\n") == "none");
  CHECK(declared(file, "FROM quay.io/pypa/manylinux_2_28\n") == "none");
  CHECK(declared(file, "FROM rocm/pytorch:latest\n") ==
        "linux/amd64 <- the base image rocm/pytorch:latest (published for linux/amd64 only)");
  // The Codespaces universal devcontainer (dapr/quickstarts' .devcontainer) exists for x86-64
  // only; the other devcontainer images are multi-architecture.
  CHECK(declared(file, "FROM mcr.microsoft.com/vscode/devcontainers/universal:latest\n") ==
        "linux/amd64 <- the base image mcr.microsoft.com/vscode/devcontainers/universal:latest (published for linux/amd64 "
        "only)");
  CHECK(declared(file, "FROM mcr.microsoft.com/devcontainers/universal:2\n") ==
        "linux/amd64 <- the base image mcr.microsoft.com/devcontainers/universal:2 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM mcr.microsoft.com/devcontainers/base:ubuntu\n") == "none");
}

TEST_CASE("bake targets that export no image: checks and file exports", "[declared]") {
  // docker/buildx's hack/dockerfiles/lint.Dockerfile: bake's `lint` target discards its result
  // (`output = ["type=cacheonly"]`) and lists its platforms under a condition bake resolves at
  // run time; `modernize-fix` writes fixed sources to a directory (`output = ["."]`).
  Repo repo;
  const auto lintFile = repo.write("hack/lint.Dockerfile", kPlain);
  repo.write("docker-bake.hcl",
             "variable \"MULTI\" {\n  default = \"\"\n}\n"
             "target \"lint\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n  output = [\"type=cacheonly\"]\n"
             "  platforms = MULTI != \"\" ? [\"linux/amd64\", \"linux/arm64\"] : []\n}\n"
             "target \"fix\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n  target = \"fix\"\n  output = [\".\"]\n}\n");
  const auto found = context::findDeclaredPlatforms(lintFile, kPlain);
  REQUIRE(found);
  CHECK(found->shipsNoImage);
  CHECK(found->platforms.empty());
  CHECK(found->source == "docker-bake.hcl target \"fix\" (exports no image: a check or files)");
  // An image target of the same file (no platforms: the machine that runs bake) ships one.
  repo.write("docker-bake.hcl",
             "target \"lint\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n"
             "  output = [\"type=cacheonly\"]\n}\n"
             "target \"image\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n}\n");
  CHECK(declared(lintFile) == "none");
  // A check whose platforms bake reads names them, and still ships no image.
  repo.write("docker-bake.hcl",
             "target \"validate\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n"
             "  output = [\"type=cacheonly\"]\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  const auto withPlatforms = context::findDeclaredPlatforms(lintFile, kPlain);
  REQUIRE(withPlatforms);
  CHECK(withPlatforms->shipsNoImage);
  CHECK(platformList(withPlatforms->platforms) == "linux/amd64, linux/arm64");
  // MA141's final stage on $BUILDPLATFORM is no image's userland there.
  const std::string onBuilder = "FROM --platform=$BUILDPLATFORM golang:1.22 AS lint\nRUN go vet ./...\n";
  repo.write("hack/lint.Dockerfile", onBuilder);
  InDirectory in(repo.root);
  cli::LintOptions options;
  options.paths = {"hack/lint.Dockerfile"};
  options.noContext = true;
  CHECK(lint(options).out.find("MA141") == std::string::npos);
  // A workflow that builds it plainly on a runner makes an image of it after all: that build
  // is what the file is for.
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: docker build -f hack/lint.Dockerfile .\n");
  CHECK(declared(repo.root / "hack/lint.Dockerfile", onBuilder).find("ci.yml") != std::string::npos);
  fs::remove(repo.root / ".github/workflows/ci.yml");
  repo.write("docker-bake.hcl",
             "target \"image\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n"
             "  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  CHECK(lint(options).out.find("MA141") != std::string::npos);
}

TEST_CASE("a file that serves a prebuilt x86 program with its 32-bit runtime is an x86 image", "[declared]") {
  // The ctf_xinetd template (csivitu/ctf-challenges, redpwn/redpwnctf-2020-challenges, Part RG):
  // xinetd serves the challenge binary copied from the context, lib32z1 is its runtime.
  Repo repo;
  const auto file = repo.write("pwn/chall/Dockerfile", kPlain);
  const std::string template_ =
      "FROM ubuntu:16.04\nRUN apt-get update -y && apt-get install -y lib32z1 xinetd\nRUN useradd -m ctf\n"
      "COPY ./ctf.xinetd /etc/xinetd.d/ctf\nCOPY ./start.sh /start.sh\nCOPY ./bin/ /home/ctf/\nCMD [\"/start.sh\"]\n";
  const std::string note =
      " <- the program it serves (a prebuilt one from the build context, run by xinetd, socat or a jail, with the 32-bit x86 "
      "runtime it needs installed): an x86 program's image";
  CHECK(declared(file, template_) == "linux/amd64" + note);
  // socat's EXEC: of a binary named without an extension, its runtime from the i386 architecture
  // (mishrasunny174/encrypt-ctf).
  CHECK(declared(file,
                 "FROM ubuntu:14.04\nRUN dpkg --add-architecture i386\nRUN apt update && apt -y install socat libc6:i386\n"
                 "COPY flag.txt pwn0 /home/pwn0/\nCMD su pwn0 -c \"socat TCP-LISTEN:4444,fork EXEC:/home/pwn0/pwn0\"\n") ==
        "linux/amd64" + note);
  // Its twins: the same template serving a Python script (redpwnCTF's albatross), a challenge the
  // file compiles itself, and one with no x86 runtime say nothing.
  CHECK(declared(file,
                 "FROM python:3.7-buster\nRUN apt-get update && apt-get install -y lib32z1 xinetd\n"
                 "COPY ./ctf.xinetd /etc/xinetd.d/ctf\nCOPY ./start.sh /start.sh\nCOPY ./albatross.py /albatross.py\n") ==
        "none");
  CHECK(declared(file, template_ + "RUN gcc -m32 -o /home/ctf/chall /home/ctf/chall.c\n") == "none");
  CHECK(declared(file,
                 "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y xinetd\nCOPY ./bin/ /home/ctf/\n"
                 "CMD [\"/start.sh\"]\n") == "none");
}

TEST_CASE("a binary-exploitation workspace with the 32-bit x86 runtime is an x86 image", "[declared]") {
  // sinofp/pwn-docker and ZooPin/ROP (Part RQ): pwntools and pwndbg or PEDA beside lib32z1 or
  // a `gcc -m32` build of the lab's program.
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  const std::string note =
      " <- its exploitation toolkit (pwntools, pwndbg, PEDA, GEF or ROPgadget beside the 32-bit x86 runtime or toolchain): "
      "a workspace for x86 programs";
  CHECK(declared(file,
                 "FROM ubuntu:xenial\nRUN pip install --upgrade pwntools\nRUN git clone https://github.com/pwndbg/pwndbg\n"
                 "RUN apt-get install -y lib32ncurses5 lib32z1\n") == "linux/amd64" + note);
  CHECK(declared(file,
                 "FROM debian:bullseye-slim\nRUN apt install -y gcc-multilib gdb-multiarch\nRUN pip install ropgadget pwntools\n"
                 "COPY ./exercices/* ./\nRUN gcc rop.c -fno-stack-protector -no-pie -m32 -o rop\n") == "linux/amd64" + note);
  // Its twins: the toolkit alone (pwntools runs on arm64 too), and x86 libraries with no toolkit.
  CHECK(declared(file, "FROM ubuntu:22.04\nRUN pip install pwntools && git clone https://github.com/hugsy/gef\n") == "none");
  CHECK(declared(file, "FROM ubuntu:22.04\nRUN apt-get install -y lib32z1 lib32stdc++6 openjdk-17-jdk\n") == "none");
}

TEST_CASE("a file that installs a program published for one architecture only", "[declared]") {
  // mbentley/docker-teamspeak, overshard/docker-teamspeak (Part BH): TeamSpeak 3's server
  // exists for x86 only, so the image is an amd64 one by design.
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  const std::string teamspeak =
      "FROM debian:bookworm\nRUN wget https://files.teamspeak-services.com/releases/server/3.13.7/"
      "teamspeak3-server_linux_amd64-3.13.7.tar.bz2 -O /tmp/ts.tar.bz2 && tar jxf /tmp/ts.tar.bz2 -C /opt\n";
  CHECK(declared(file, teamspeak) == "linux/amd64 <- the install of TeamSpeak 3 server (published for linux/amd64 only)");
  // A file that chooses by architecture (an arm64 leg through box64) is a multi-platform design.
  CHECK(declared(file, "ARG TARGETARCH\n" + teamspeak) == "none");
  // CUDA 10's repository packages (amrosado/docker-gromacs-gpu, Part ZZZZZZZZZZZF): NVIDIA built
  // CUDA for Arm servers from CUDA 11 on; CUDA 11's package and Jetson's l4t one are not these.
  const auto cudaRepo = [](const std::string& package) {
    return "FROM ubuntu\nRUN wget https://developer.download.nvidia.com/compute/cuda/10.1/Prod/local_installers/" + package +
           " && dpkg -i " + package + "\n";
  };
  CHECK(declared(file, cudaRepo("cuda-repo-ubuntu1804-10-1-local-10.1.243-418.87.00_1.0-1_amd64.deb")) ==
        "linux/amd64 <- the install of CUDA 10's local repository package for Ubuntu 18.04 "
        "(cuda-repo-ubuntu1804-10-<minor>-local) (published for linux/amd64 only)");
  CHECK(declared(file, cudaRepo("cuda-repo-ubuntu1804-11-0-local_11.0.3-450.51.06-1_arm64.deb")) == "none");
  CHECK(declared(file, cudaRepo("cuda-repo-l4t-10-2-local-10.2.89_1.0-1_arm64.deb")) == "none");
  // SteamCMD by its package name (DACRepair/docker-satisfactory) or its tarball
  // (HMBSbige/KF2Server): Valve publishes it for x86 only.
  const std::string steamApt =
      "FROM debian:latest\nRUN dpkg --add-architecture i386 && apt-get update && apt-get -y install lib32gcc1-s1 steamcmd\n";
  CHECK(declared(file, steamApt) == "linux/amd64 <- the install of SteamCMD (published for linux/amd64 only)");
  const std::string steamTarball =
      "FROM ubuntu\nRUN apt-get install -y lib32gcc1 wget && wget "
      "https://steamcdn-a.akamaihd.net/client/installer/steamcmd_linux.tar.gz && tar -xzf steamcmd_linux.tar.gz\n";
  CHECK(declared(file, steamTarball) == "linux/amd64 <- the install of SteamCMD (published for linux/amd64 only)");
  // AMD Xilinx's Vivado, named anywhere in the file (ReconfigureIO/reco-sdaccel's workaround
  // comment), or its unified installer (retar-kamuy/docker-examples): x86-64 software only.
  CHECK(declared(file, "FROM ubuntu:18.04\n# Vivado expects bash as /bin/sh\nRUN ./xsetup --batch Install\n") ==
        "linux/amd64 <- the install of AMD Xilinx Vivado (published for linux/amd64 only)");
  // Its PetaLinux tools (eliza0x/petalinux4ultra96, Part DQ): their installer runs on x86-64 hosts only.
  CHECK(declared(file, "FROM ubuntu:18.04\nCOPY petalinux-v2019.2-final-installer.run /\n") ==
        "linux/amd64 <- the install of AMD Xilinx PetaLinux tools (published for linux/amd64 only)");
  // The Unity Editor for Linux (arcln/unity-docker): an x86-64 program; a file that only
  // builds a Linux player, or names Unity otherwise, says nothing of its own platform.
  CHECK(declared(file,
                 "FROM ubuntu:16.04\nRUN wget \"https://download.unity3d.com/download_unity/2285c3239188/"
                 "LinuxEditorInstaller/Unity.tar.xz\" && xz -d Unity.tar.xz\n") ==
        "linux/amd64 <- the install of the Unity Editor for Linux (published for linux/amd64 only)");
  CHECK(declared(file, "FROM ubuntu:22.04\nCOPY Builds/LinuxServer/ /game/\n# a Unity dedicated server build\n") == "none");
  // A CARLA agent image whose final stage is CUDA's but whose Python API comes from the
  // simulator's image (aasewold/experiments, Part EY), and FreeSurfer's Linux tarball
  // (vistalab/docker, Part EX): both serve x86-64 programs.
  CHECK(declared(file,
                 "ARG CARLA_VERSION\nFROM carlasim/carla:${CARLA_VERSION} AS carla\nFROM nvidia/cuda:11.3.1-runtime-ubuntu18.04\n"
                 "COPY --from=carla /home/carla/PythonAPI carla/PythonAPI\n") ==
        "linux/amd64 <- the install of the CARLA simulator (published for linux/amd64 only)");
  CHECK(declared(file,
                 "FROM ubuntu:trusty\nRUN wget -qO- ftp://surfer.nmr.mgh.harvard.edu/pub/dist/freesurfer/5.3.0/"
                 "freesurfer-Linux-centos4_x86_64-stable-pub-v5.3.0.tar.gz | tar -xz -C /opt\n") ==
        "linux/amd64 <- the install of FreeSurfer (published for linux/amd64 only)");
  CHECK(declared(file, "FROM ubuntu:trusty\nRUN pip install nibabel  # reads FreeSurfer's surfaces\n") == "none");
  // FoundationDB's packages from foundationdb.org/downloads, x86-64 only (hiroshi/foundationdb-docker,
  // Part GO); its later releases on GitHub name their architecture (`_aarch64.deb` since 7.3.5x).
  CHECK(declared(file,
                 "FROM ubuntu:16.04\nADD https://www.foundationdb.org/downloads/5.1.5/ubuntu/installers/"
                 "foundationdb-server_5.1.5-1_amd64.deb .\n") ==
        "linux/amd64 <- the install of FoundationDB's foundationdb.org packages (published for linux/amd64 only)");
  CHECK(declared(file,
                 "FROM ubuntu:22.04\nADD https://github.com/apple/foundationdb/releases/download/7.3.63/"
                 "foundationdb-clients_7.3.63-1_amd64.deb .\n") == "none");
  // The Checkmk server's packages, x86-64 only (dhagist/check_mk, Part IB); a community ARM build
  // from GitHub is no such install (an armhf package alone makes it a device's file instead).
  CHECK(declared(file,
                 "FROM debian:jessie\nRUN wget -O /tmp/cmk.deb https://mathias-kettner.de/support/1.4.0p22/"
                 "check-mk-raw-1.4.0p22_0.jessie_amd64.deb\n") ==
        "linux/amd64 <- the install of the Checkmk server's packages (Mathias Kettner's download site) (published for "
        "linux/amd64 only)");
  CHECK(declared(file,
                 "FROM debian:bullseye\nRUN wget https://github.com/chrisss404/check-mk-arm/releases/download/2.1.0p6/"
                 "check-mk-raw-2.1.0p6_0.bullseye_armhf.deb\n")
            .rfind("linux/arm/v7 <- the file's content", 0) == 0);
  // Factorio's headless server, x86-64 only before 2.1 (Brijeshkrishna/factorio, Part IM); the
  // game's other downloads (its arm64 archive since 2.1) are no such install.
  CHECK(declared(file,
                 "FROM ubuntu:latest\nRUN wget -O factorio.tar.xz https://factorio.com/get-download/1.1.87/headless/linux64\n") ==
        "linux/amd64 <- the install of Factorio's headless server (its linux64 download) (published for linux/amd64 only)");
  CHECK(declared(file, "FROM ubuntu:latest\nRUN wget https://factorio.com/get-download/2.1.19/headless/linux-arm64\n") == "none");
  // The OpenWrt SDK, whose host tools exist for x86-64 only, whichever router it builds for
  // (fasheng/docker-openwrt-buildsdk, Part IJ); OpenWrt's own root filesystem is no such install.
  CHECK(declared(file,
                 "FROM ubuntu:18.04\nENV OPENWRT_SDK_URL https://downloads.openwrt.org/releases/18.06.0/targets/bcm53xx/"
                 "generic/openwrt-sdk-18.06.0-bcm53xx_gcc-7.3.0_musl_eabi.Linux-x86_64.tar.xz\n") ==
        "linux/amd64 <- the install of the OpenWrt SDK (built for x86-64 hosts) (published for linux/amd64 only)");
  // (It is what a scratch image made of it is: its root file system's, arm64 here.)
  CHECK(declared(file,
                 "FROM scratch\nADD https://downloads.openwrt.org/releases/23.05.3/targets/armsr/armv8/"
                 "openwrt-23.05.3-armsr-armv8-rootfs.tar.gz /\n")
            .rfind("linux/arm64 <- the image's whole userland", 0) == 0);
  // Firebird 2.x server packages, x86 only (suryastef/docker, Part IH); Debian's own firebird3.0
  // packages exist for arm64.
  CHECK(declared(file,
                 "FROM centos:7\nRUN yum install -y https://master.dl.sourceforge.net/project/firebird/firebird-linux-i386/"
                 "2.1.7-Release/FirebirdSS-2.1.7.18553-0.i686.rpm\n") ==
        "linux/amd64 <- the install of the Firebird 1.5 to 2.5 SuperServer packages (published for linux/amd64 only)");
  CHECK(declared(file, "FROM debian:bookworm\nRUN apt-get install -y firebird3.0-server\n") == "none");
  // IBM App Connect Enterprise's LINUX64 tarball, x86-64 only (ViririTT/CustomerIS, Part JT).
  CHECK(declared(file,
                 "FROM ubuntu:18.04\nARG DOWNLOAD_URL=http://public.dhe.ibm.com/ibmdl/export/pub/software/websphere/"
                 "integration/11.0.0.9-ACE-LINUX64-DEVELOPER.tar.gz\n") ==
        "linux/amd64 <- the install of IBM App Connect Enterprise (its LINUX64 developer or server tarball) (published for "
        "linux/amd64 only)");
  // The Dropbox daemon (TechupBusiness/simple-docker-multi-project, Part TD) and Percona
  // XtraBackup 2.4 (juxuny/percona-xtrabackup, Part TB): x86 only; XtraBackup 8.0 is not.
  CHECK(declared(file, "FROM ubuntu:bionic\nRUN wget -O - \"https://www.dropbox.com/download?plat=lnx.x86_64\" | tar xzf -\n") ==
        "linux/amd64 <- the install of the Dropbox Linux daemon (dropboxd) (published for linux/amd64 only)");
  CHECK(declared(file,
                 "FROM ubuntu:18.04\nRUN wget https://downloads.percona.com/downloads/Percona-XtraBackup-2.4/"
                 "Percona-XtraBackup-2.4.21/binary/debian/focal/x86_64/Percona-XtraBackup-2.4.21-focal-x86_64-bundle.tar\n") ==
        "linux/amd64 <- the install of Percona XtraBackup 2.4 (published for linux/amd64 only)");
  CHECK(declared(file, "FROM ubuntu:22.04\nRUN apt-get install -y percona-xtrabackup-80\n") == "none");
  // Oracle's MySQL 5.7 (its yum repository and downloads): arm64 builds began with 8.0. Ubuntu's
  // own mysql-server-5.7 packages, built for arm64 too, are no such install.
  CHECK(declared(file,
                 "FROM centos:7\nRUN yum install -y https://dev.mysql.com/get/mysql57-community-release-el7-11.noarch.rpm\n") ==
        "linux/amd64 <- the install of MySQL 5.7 Community Server (Oracle's yum repository package for it) (published for "
        "linux/amd64 only)");
  CHECK(declared(file, "FROM ubuntu:18.04\nRUN apt-get install -y mysql-server-5.7\n") == "none");
  // Kurento Media Server, built for amd64 only (Kurento/kurento's local image, Part TT).
  CHECK(declared(file, "FROM ubuntu:20.04\nRUN apt-get install -y kurento-media-server\n") ==
        "linux/amd64 <- the install of Kurento Media Server (published for linux/amd64 only)");
  // Intel's GPU runtime repository, added for amd64 (OpenVisualCloud/Dockerfiles' Flex/ images, Part ZZZJ).
  CHECK(declared(file,
                 "FROM ubuntu:22.04\nRUN echo \"deb [arch=amd64] https://repositories.intel.com/gpu/ubuntu jammy "
                 "client\" > /etc/apt/sources.list.d/intel.list && apt-get update && apt-get install -y "
                 "intel-opencl-icd\n") ==
        "linux/amd64 <- the install of Intel's GPU runtime (repositories.intel.com/gpu) (published for linux/amd64 only)");
  // One that installs an x86 emulator runs it on other architectures too.
  CHECK(declared(file, steamTarball + "RUN apt-get install -y box86 box64\n") == "none");
  // What the project declares comes first.
  repo.write("docker-bake.hcl", "target \"ts\" {\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  CHECK(declared(file, teamspeak) == "linux/amd64, linux/arm64 <- docker-bake.hcl target \"ts\"");
}

TEST_CASE("a file named for hardware whose software exists for one architecture", "[declared]") {
  Repo repo;
  CHECK(declared(repo.write("Dockerfile.rocm", kPlain), kPlain) ==
        "linux/amd64 <- the file name (rocm exists for linux/amd64 only)");
  CHECK(declared(repo.write("docker/Dockerfile.neuron.dev", kPlain), kPlain) ==
        "linux/amd64 <- the file name (neuron exists for linux/amd64 only)");
  CHECK(declared(repo.write("jetson-orin.Dockerfile", kPlain), kPlain) ==
        "linux/arm64 <- the file name (jetson exists for linux/arm64 only)");
  CHECK(declared(repo.write("configs/Dockerfile.ipex", kPlain), kPlain) ==
        "linux/amd64 <- the file name (ipex exists for linux/amd64 only)");
  CHECK(declared(repo.write("docker/rocm/Dockerfile", kPlain), kPlain) ==
        "linux/amd64 <- the directory rocm/ (rocm exists for linux/amd64 only)");
  // Intel's Xeon servers (OpenVisualCloud/Dockerfiles' Xeon/ubuntu-20.04/... images, Part ZZZJ).
  CHECK(declared(repo.write("Xeon/ubuntu-20.04/service/owt/Dockerfile", kPlain), kPlain) ==
        "linux/amd64 <- the directory xeon/ (xeon exists for linux/amd64 only)");
  // A word inside another word, or two hardware words for different platforms: nothing.
  CHECK(declared(repo.write("Dockerfile.neurons", kPlain), kPlain) == "none");
  CHECK(declared(repo.write("Dockerfile.rocm-jetson", kPlain), kPlain) == "none");
  // An architecture in the name wins over the hardware word.
  CHECK(declared(repo.write("Dockerfile.rocm.arm64", kPlain), kPlain) == "linux/arm64 <- the file name");
  // A declaration elsewhere (here a bake file) wins over the name.
  repo.write("docker-bake.hcl",
             "target \"r\" {\n  dockerfile = \"Dockerfile.rocm\"\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  CHECK(declared(repo.root / "Dockerfile.rocm", kPlain) == "linux/amd64, linux/arm64 <- docker-bake.hcl target \"r\"");
}

TEST_CASE("Gitpod's .gitpod.Dockerfile is built by Gitpod, on x86-64 only", "[declared]") {
  Repo repo;
  // mitrydoug/updatecli-sandbox (Part AJ): FROM ubuntu, then the amd64 updatecli .deb.
  const std::string text = "FROM ubuntu:latest\nRUN curl -sLo /tmp/u.deb https://example.com/updatecli_amd64.deb\n";
  const auto file = repo.write(".gitpod.Dockerfile", text);
  CHECK(declared(file, text) == "linux/amd64 <- the file name (.gitpod.Dockerfile: Gitpod builds it, on x86-64 only)");
  CHECK(findingsOf("MA110", file).empty());
  // Only that name: a file that merely mentions gitpod says nothing.
  CHECK(declared(repo.write("gitpod.Dockerfile", text), text) == "none");
  CHECK(declared(repo.write("docker/Dockerfile.gitpod", text), text) == "none");
  // A workflow that builds it for several platforms wins over the name.
  repo.write(".github/workflows/ws.yml",
             "jobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
             "          file: .gitpod.Dockerfile\n          platforms: linux/amd64,linux/arm64\n");
  CHECK(declared(file, text) == "linux/amd64, linux/arm64 <- .github/workflows/ws.yml job b");
}

TEST_CASE("a Windows container image is a windows/ build, whatever else is declared", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile.windows", kPlain);
  // argo-workflows' Dockerfile.windows: the tag comes from a global ARG, the last stage is
  // nanoserver.
  CHECK(declared(file,
                 "ARG IMAGE_OS_VERSION=ltsc2022-amd64\n"
                 "FROM mcr.microsoft.com/windows/servercore:${IMAGE_OS_VERSION} as builder\n"
                 "FROM mcr.microsoft.com/windows/nanoserver:${IMAGE_OS_VERSION} as argoexec-base\n") ==
        "windows/amd64 <- the Windows base image mcr.microsoft.com/windows/nanoserver:ltsc2022-amd64");
  // The Windows variants of other images say so in their tags; the last stage decides,
  // through the stages it is built on.
  CHECK(declared(file, "FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022 AS build\nFROM build AS final\n") ==
        "windows/amd64 <- the Windows base image mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022");
  repo.write("docker-bake.hcl",
             "target \"a\" {\n  dockerfile = \"Dockerfile.windows\"\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  CHECK(declared(file, "FROM microsoft/windowsservercore\n") ==
        "windows/amd64 <- the Windows base image microsoft/windowsservercore");
  // A Linux image shipped from a file that mentions Windows (a builder cross-compiling
  // .exe files) is not a Windows build.
  CHECK(declared(file, "FROM golang AS windows-build\nRUN GOOS=windows go build\nFROM alpine\n") ==
        "linux/amd64, linux/arm64 <- docker-bake.hcl target \"a\"");
}

TEST_CASE("order of trust: bake, compose, workflows, Makefile, shell scripts, file name, base images", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile.aarch64", "FROM amd64/alpine\n");
  const std::string text = "FROM amd64/alpine\n";
  CHECK(declared(file, text) == "linux/arm64 <- the file name");
  repo.write("build.sh", "#!/bin/sh\ndocker buildx build --platform linux/ppc64le -f Dockerfile.aarch64 .\n");
  CHECK(declared(file, text) == "linux/ppc64le <- build.sh");
  repo.write("Makefile", "all:\n\tdocker buildx build --platform linux/s390x -f Dockerfile.aarch64 .\n");
  CHECK(declared(file, text) == "linux/s390x <- Makefile");
  repo.write(".github/workflows/ci.yaml",
             "jobs:\n  b:\n    steps:\n      - run: docker build --platform linux/riscv64 -f Dockerfile.aarch64 .\n");
  CHECK(declared(file, text) == "linux/riscv64 <- .github/workflows/ci.yaml job b");
  repo.write("compose.yaml", "services:\n  a:\n    build:\n      dockerfile: Dockerfile.aarch64\n      platforms: [linux/386]\n");
  CHECK(declared(file, text) == "linux/386 <- compose.yaml service a");
  repo.write("docker-bake.hcl",
             "target \"a\" {\n  dockerfile = \"Dockerfile.aarch64\"\n  platforms = [\"linux/arm/v6\"]\n}\n"
             "target \"b\" {\n  dockerfile = \"Dockerfile.aarch64\"\n  platforms = [\"linux/arm64\"]\n}\n");
  // Two targets of the same kind naming the file are merged.
  CHECK(declared(file, text) == "linux/arm/v6, linux/arm64 <- docker-bake.hcl target \"a\", docker-bake.hcl target \"b\"");
}

TEST_CASE("malformed declaration files are ignored, never fatal", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile.arm64", kPlain);
  repo.write("docker-bake.hcl",
             std::string("target \"x\" {\n  platforms = [\"linux/amd64\"\n  context = \"${\"\n}}}]][[ \"\xff") + '\0');
  repo.write("docker-bake.json", "{\"target\": {\"x\": [1, 2, {\"platforms\": ");
  repo.write("compose.yaml", "services: [\n  - : : :\n\t{{{");
  repo.write("docker-compose.yml", "services:\n  a:\n    build:\n      - not a map\n  b: 3\n");
  repo.write(".github/workflows/a.yml", "jobs:\n  - steps\n");
  repo.write(".github/workflows/b.yml",
             "jobs:\n  x:\n    strategy:\n      matrix: ${{ fromJson(needs.a.outputs.m) }}\n"
             "    steps: {uses: docker/build-push-action@v6}\n");
  repo.write(".github/workflows/c.yml", std::string(200, '[') + "\n");
  repo.write(".github/workflows/loop.yml",
             "jobs:\n  again:\n    uses: ./.github/workflows/loop.yml\n"
             "  up:\n    uses: ./../../etc/passwd\n");
  repo.write("Makefile", "$(((((\n\tdocker buildx build --platform\n\tdocker build -f\n");
  CHECK(declared(file) == "linux/arm64 <- the file name");
  // Deeply nested YAML and HCL do not exhaust the stack.
  repo.write("docker-bake.hcl", std::string(100000, '[') + std::string(100000, '{'));
  repo.write(".github/workflows/d.yml", "jobs: " + std::string(100000, '['));
  CHECK(declared(file) == "linux/arm64 <- the file name");
}

TEST_CASE("bounds: a declaration file over 1 MiB or outside the root is not read", "[declared]") {
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  const std::string target = "target \"default\" {\n  platforms = [\"linux/arm64\"]\n}\n";
  repo.write("docker-bake.hcl", target + "# " + std::string(1024 * 1024, 'x') + "\n");
  CHECK(declared(file) == "none");
  Repo outside(false);
  outside.write("docker-bake.hcl", target);
  fs::remove(repo.root / "docker-bake.hcl");
  fs::create_symlink(outside.root / "docker-bake.hcl", repo.root / "docker-bake.hcl");
  CHECK(declared(file) == "none");
  fs::remove(repo.root / "docker-bake.hcl");
  repo.write("docker-bake.hcl", target);
  CHECK(declared(file) == "linux/arm64 <- docker-bake.hcl target \"default\"");
}

TEST_CASE("the repository root: .git, else the working directory, else the file's directory", "[declared]") {
  Repo repo(false);
  repo.write("docker-bake.hcl", "target \"api\" {\n  context = \"svc/api\"\n  platforms = [\"linux/arm64\"]\n}\n");
  const auto file = repo.write("svc/api/Dockerfile", kPlain);
  CHECK(context::repositoryRoot(file) == file.parent_path());  // not run from the repository
  CHECK(declared(file) == "none");
  {
    InDirectory in(repo.root);
    CHECK(context::repositoryRoot("svc/api/Dockerfile") == repo.root);
    CHECK(declared("svc/api/Dockerfile") == "linux/arm64 <- docker-bake.hcl target \"api\"");
  }
  fs::create_directories(repo.root / ".git");
  CHECK(context::repositoryRoot(file) == repo.root);
  CHECK(declared(file) == "linux/arm64 <- docker-bake.hcl target \"api\"");
}

TEST_CASE("lint: --platform, then the configuration, then declarations, then the default", "[declared][cli]") {
  Repo repo;
  // An arm64 download: an error for every platform but linux/arm64.
  const auto file =
      repo.write("Dockerfile.aarch64", "FROM debian\nRUN curl -fsSLO https://dl.k8s.io/v1/bin/linux/arm64/kubectl\n");
  const auto plain = repo.write("Dockerfile", "FROM debian\n");
  const auto declaredRun = lint({.paths = {file.string(), plain.string()}});
  CHECK(declaredRun.code == 0);
  CHECK(declaredRun.out == file.string() + ": targets linux/arm64 (from the file name)\n" + plain.string() +
                               ": targets linux/amd64 (from its per-architecture siblings (Dockerfile is the amd64 one))\n"
                               "no findings in 2 files\n");

  const auto json = nlohmann::json::parse(lint({.paths = {file.string(), plain.string()}, .format = "json"}).out);
  CHECK(json["inputs"][0]["platforms"] == nlohmann::json::array({"linux/arm64"}));
  CHECK(json["inputs"][0]["platformsSource"] == "the file name");
  CHECK(json["inputs"][1]["platforms"] == nlohmann::json::array({"linux/amd64"}));
  CHECK(json["inputs"][1]["platformsSource"] == "its per-architecture siblings (Dockerfile is the amd64 one)");
  // A file with nothing declared keeps the default.
  const auto lone = repo.write("other/Dockerfile", "FROM debian\n");
  const auto loneJson = nlohmann::json::parse(lint({.paths = {lone.string()}, .format = "json"}).out);
  CHECK(loneJson["inputs"][0]["platforms"] == nlohmann::json::array({"linux/amd64", "linux/arm64"}));
  CHECK(loneJson["inputs"][0]["platformsSource"] == "the default");

  const auto sarif = nlohmann::json::parse(lint({.paths = {file.string()}, .format = "sarif"}).out);
  CHECK(sarif["runs"][0]["properties"]["targetPlatforms"] ==
        nlohmann::json::array(
            {{{"path", file.string()}, {"platforms", nlohmann::json::array({"linux/arm64"})}, {"source", "the file name"}}}));

  // The arm64 download breaks the platform each source names, and only that one.
  const auto flag = lint({.paths = {file.string()}, .format = "json", .platforms = "linux/amd64"});
  CHECK(flag.code == 1);
  CHECK(nlohmann::json::parse(flag.out)["inputs"][0]["platformsSource"] == "--platform");
  CHECK(nlohmann::json::parse(flag.out)["inputs"][0]["platforms"] == nlohmann::json::array({"linux/amd64"}));
  CHECK(findingsIn("MA110", flag) ==
        std::vector<std::string>{
            "line 2, breaks linux/amd64: downloads the linux/arm64 build ('arm64' in the URL) on every platform: breaks "
            "linux/amd64"});

  const auto config = repo.write("config.yaml", "platforms: [linux/s390x]\n");
  const auto configured = lint({.paths = {file.string()}, .format = "json", .configPath = config.string()});
  CHECK(configured.code == 1);
  const auto configuredJson = nlohmann::json::parse(configured.out);
  CHECK(configuredJson["inputs"][0]["platformsSource"] == "the configuration");
  CHECK(configuredJson["inputs"][0]["platforms"] == nlohmann::json::array({"linux/s390x"}));
  CHECK(findingsIn("MA110", configured) ==
        std::vector<std::string>{
            "line 2, breaks linux/s390x: downloads the linux/arm64 build ('arm64' in the URL) on every platform: breaks "
            "linux/s390x"});
  // The flag wins over the configuration: linux/arm64 only, which the download serves.
  const auto both = lint({.paths = {file.string()}, .format = "json", .platforms = "linux/arm64", .configPath = config.string()});
  CHECK(both.code == 0);
  CHECK(nlohmann::json::parse(both.out)["inputs"][0]["platformsSource"] == "--platform");
  CHECK(nlohmann::json::parse(both.out)["inputs"][0]["platforms"] == nlohmann::json::array({"linux/arm64"}));
  CHECK(findingsIn("MA110", both).empty());
}

TEST_CASE("lint: a malformed declaration file is no error exit", "[declared][cli]") {
  Repo repo;
  const auto file = repo.write("Dockerfile", "FROM debian\n");
  repo.write("docker-bake.hcl", "target {{{ \"");
  repo.write("compose.yaml", ": : [");
  repo.write(".github/workflows/x.yml", "\t\t{{");
  const auto run = lint({.paths = {file.string()}});
  CHECK(run.code == 0);
  CHECK(run.err.empty());
  CHECK(run.out == "no findings in 1 file\n");
}

TEST_CASE("workflows: a build step whose file comes from the job's environment at run time", "[declared]") {
  Repo repo;
  repo.write(".github/workflows/build.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: |\n          case $HW in cpu) export dockerfile=\"Dockerfile.cpu\" ;; esac\n"
             "          echo \"DOCKERFILE=${dockerfile}\" >> $GITHUB_ENV\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          context: .\n"
             "          file: ${{ env.DOCKERFILE }}\n          platforms: linux/amd64\n");
  CHECK(declared(repo.write("Dockerfile.cpu", kPlain)) == "linux/amd64 <- .github/workflows/build.yml job build");
  CHECK(declared(repo.write("Dockerfile.gpu", kPlain)) == "none");
}

TEST_CASE("workflows: a directory of the file path computed at run time", "[declared]") {
  Repo repo;
  // pulumi-docker-containers: the matrix comes from a script's output, so `matrix.sdk` is
  // unknown; the step builds docker/<any one directory>/Dockerfile.ubi for linux/amd64.
  repo.write(".github/workflows/release.yml",
             "on: push\njobs:\n  ubi:\n    strategy:\n      matrix: ${{ fromJSON(needs.m.outputs.matrix) }}\n"
             "    steps:\n      - run: |\n          docker build \\\n            -f docker/${{ matrix.sdk }}/Dockerfile.ubi \\\n"
             "            --platform linux/amd64 \\\n            docker/${{ matrix.sdk }} --load\n");
  CHECK(declared(repo.write("docker/go/Dockerfile.ubi", kPlain)) == "linux/amd64 <- .github/workflows/release.yml job ubi");
  CHECK(declared(repo.write("docker/python/Dockerfile.ubi", kPlain)) == "linux/amd64 <- .github/workflows/release.yml job ubi");
  // Another file name, another depth, or a file name computed at run time: none.
  CHECK(declared(repo.write("docker/go/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("docker/go/sub/Dockerfile.ubi", kPlain)) == "none");
  repo.write(".github/workflows/other.yml",
             "on: push\njobs:\n  any:\n    steps:\n      - run: docker build -f ${{ matrix.file }} --platform linux/s390x .\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("workflows: a file name computed in part at run time", "[declared]") {
  Repo repo;
  // FCP-INDI/C-PAC: a matrix of the caller's inputs picks stage images by name; the step
  // builds .github/Dockerfiles/<any>.Dockerfile on the runner, and base-<any>.Dockerfile. The
  // `cat` of the same computed name is one word, not a file `}}.Dockerfile` the job names.
  repo.write(".github/workflows/build.yml",
             "on: workflow_call\njobs:\n  stages:\n    runs-on: ubuntu-latest\n"
             "    strategy:\n      matrix:\n        Dockerfile: ${{ fromJSON(inputs.phase_one) }}\n"
             "    steps:\n      - run: cat .github/Dockerfiles/${{ matrix.Dockerfile }}.Dockerfile\n"
             "      - uses: docker/build-push-action@v4\n        with:\n"
             "          file: .github/Dockerfiles/${{ matrix.Dockerfile }}.Dockerfile\n"
             "  base:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
             "          docker buildx build --platform linux/s390x -f docker/base-${{ inputs.variant }}.Dockerfile docker\n");
  const auto afni = repo.write(".github/Dockerfiles/AFNI.21.1.00-bionic.Dockerfile", kPlain);
  CHECK(declared(afni) == declared(repo.write(".github/Dockerfiles/base-lite.Dockerfile", kPlain)));
  CHECK(declared(afni).rfind("linux/amd64 <- .github/workflows/build.yml job stages", 0) == 0);
  CHECK(declared(repo.write("docker/base-standard.Dockerfile", kPlain)) == "linux/s390x <- .github/workflows/build.yml job base");
  // The written parts still have to match: another suffix, another prefix, another directory.
  CHECK(declared(repo.write(".github/Dockerfiles/notes.txt", kPlain)) == "none");
  CHECK(declared(repo.write("docker/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write(".github/Dockerfiles/sub/x.Dockerfile", kPlain)) == "none");
  // A name computed with no Dockerfile word left written names nothing.
  repo.write(
      ".github/workflows/any.yml",
      "on: push\njobs:\n  any:\n    steps:\n      - run: docker buildx build --platform linux/ppc64le -f ci/${{ matrix.f }} ci\n");
  CHECK(declared(repo.write("ci/Dockerfile", kPlain)) == "none");
}

TEST_CASE("workflows: a computed path stands back for a build that names the file", "[declared]") {
  Repo repo;
  // apify/apify-actor-docker: every release workflow builds `./${{ matrix.image-name }}/Dockerfile`,
  // some for amd64 and arm64, some for amd64 alone: a whole computed directory stands for every
  // image of the repository, so it is not read as naming any one.
  repo.write(".github/workflows/node.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          context: ./${{ matrix.image-name }}\n"
             "          file: ./${{ matrix.image-name }}/Dockerfile\n          platforms: linux/amd64,linux/arm64\n");
  const auto selenium = repo.write("python-selenium/Dockerfile", kPlain);
  CHECK(declared(selenium) == "none");
  // A partly computed name that matches beside a build naming the file: the named one decides.
  repo.write(".github/workflows/family.yml",
             "on: push\njobs:\n  family:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile.${{ matrix.w }}\n"
             "          platforms: linux/amd64,linux/arm64\n"
             "  one:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: docker buildx build --platform linux/s390x -f docker/Dockerfile.bench docker\n");
  CHECK(declared(repo.write("docker/Dockerfile.bench", kPlain)) == "linux/s390x <- .github/workflows/family.yml job one");
  CHECK(declared(repo.write("docker/Dockerfile.other", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/family.yml job family");
  // `${{ github.job }}` is the job's id (moveit's docker.yaml: `.docker/${{ github.job }}/Dockerfile`).
  repo.write(".github/workflows/docker.yaml",
             "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          file: .docker/${{ github.job }}/Dockerfile\n"
             "          platforms: linux/ppc64le\n");
  CHECK(declared(repo.write(".docker/release/Dockerfile", kPlain)) ==
        "linux/ppc64le <- .github/workflows/docker.yaml job release");
  CHECK(declared(repo.write(".docker/source/Dockerfile", kPlain)) == "none");
}

TEST_CASE("a build that names no platform yields to what the file itself fixes", "[declared]") {
  // meeDamian/simple-qemu: the workflow builds `FROM arm32v6/alpine` with a plain `docker
  // build` on ubuntu-latest; BuildKit follows the single-architecture base, and the image is
  // arm32v6's. The runner's platform is only the machine's default.
  Repo repo;
  const auto armBase = repo.write("Dockerfile", "FROM arm32v6/alpine:3.20\nRUN apk add --no-cache qemu\n");
  const auto named = repo.write("named/Dockerfile.aarch64", kPlain);
  const auto plain = repo.write("plain/Dockerfile", kPlain);
  const auto explicit_ = repo.write("explicit/Dockerfile", "FROM arm32v6/alpine:3.20\n");
  repo.write(".github/workflows/test.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: docker build -t x .\n"
             "      - run: docker build -f named/Dockerfile.aarch64 named\n"
             "      - run: docker build plain\n"
             "      - run: docker buildx build --platform linux/arm64 explicit\n");
  CHECK(declared(armBase, "FROM arm32v6/alpine:3.20\nRUN apk add --no-cache qemu\n") ==
        "linux/arm/v6 <- the base image arm32v6/alpine:3.20");
  CHECK(declared(named) == "linux/arm64 <- the file name");
  // Twins: a file that fixes nothing is built for the runner's platform, and a platform the
  // build names wins over the base image.
  CHECK(declared(plain) == "linux/amd64 <- .github/workflows/test.yml job build (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(explicit_, "FROM arm32v6/alpine:3.20\n") == "linux/arm64 <- .github/workflows/test.yml job build");
}

TEST_CASE("GitHub workflows: a run script's own variables and arrays name the Dockerfile", "[declared]") {
  // colmap/colmap build-docker.yml: `docker_args=( --file docker/Dockerfile ... )` over several
  // lines, then `docker build . "${docker_args[@]}"` on ubuntu-24.04.
  Repo repo;
  const auto viaArray = repo.write("docker/Dockerfile", kPlain);
  const auto viaScalar = repo.write("tools/Dockerfile.cli", kPlain);
  const auto ambiguous = repo.write("either/Dockerfile.a", kPlain);
  const auto root = repo.write("Dockerfile", kPlain);
  repo.write(".github/workflows/docker.yml", R"(on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: |
          docker_args=(
            --file docker/Dockerfile
            --build-arg CUDA_ARCHITECTURES="$cuda_archs"
          )
          docker build . \
            "${docker_args[@]}" \
            --tag example/app:latest
      - run: |
          export DOCKERFILE="tools/Dockerfile.cli"
          PLATFORMS=linux/amd64,linux/arm64
          docker buildx build --platform $PLATFORMS -f ${DOCKERFILE} .
      - run: |
          F=either/Dockerfile.a
          F=either/Dockerfile.b
          docker build -f $F .
)");
  CHECK(declared(viaArray) ==
        "linux/amd64 <- .github/workflows/docker.yml job build (no platform named: the ubuntu-24.04 runner's)");
  CHECK(declared(viaScalar) == "linux/amd64, linux/arm64 <- .github/workflows/docker.yml job build");
  // Two values for one name: which one the build reads is not known.
  CHECK(declared(ambiguous) == "none");
  // The array names its own file: the root Dockerfile is not what the first step builds.
  CHECK(declared(root) == "none");
}

TEST_CASE("bake files that a workflow's bake-action names in files:, wherever they are kept", "[declared]") {
  // haoxins/jupyter-notebooks keeps its bake files in .github/workflows/ and names them in
  // docker/bake-action's `files:`, with metadata-action's generated file beside them.
  Repo repo;
  const auto base = repo.write("base/Dockerfile", kPlain);
  const auto unnamed = repo.write("other/Dockerfile", kPlain);
  repo.write(".github/workflows/bake-base.hcl",
             "target \"docker-metadata-action\" {}\ntarget \"bake-platform\" {\n  inherits = [\"docker-metadata-action\"]\n"
             "  context = \"base\"\n  dockerfile = \"Dockerfile\"\n  platforms = [\"linux/amd64\"]\n}\n");
  repo.write(".github/workflows/unused.hcl", "target \"x\" {\n  context = \"other\"\n  platforms = [\"linux/s390x\"]\n}\n");
  repo.write(".github/workflows/build.yaml",
             "on: push\njobs:\n  base:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: docker/bake-action@v1\n        with:\n          files: |\n"
             "            .github/workflows/bake-base.hcl\n"
             "            ${{ steps.meta.outputs.bake-file }}\n          targets: bake-platform\n");
  CHECK(declared(base) == "linux/amd64 <- .github/workflows/bake-base.hcl target \"bake-platform\"");
  // Twin: a bake file no workflow names is not read there.
  CHECK(declared(unnamed) == "none");
}

TEST_CASE("Cloud Build: docker builder steps, shell steps and substitutions", "[declared]") {
  // GoogleCloudPlatform/cloud-builders-community protoc/cloudbuild.yaml: a plain `build` on
  // Cloud Build's x86-64 workers; vbehar/jx: buildx with `--platform $_DOCKER_BUILDX_PLATFORMS`.
  Repo repo;
  const auto protoc = repo.write("protoc/Dockerfile", kPlain);
  repo.write("protoc/cloudbuild.yaml",
             "substitutions:\n  _ARCH: linux-x86_64\nsteps:\n"
             "  - name: 'gcr.io/cloud-builders/docker'\n"
             "    args: ['build', '--build-arg=ARCH=${_ARCH}', '--tag=gcr.io/${PROJECT_ID}/protoc:${_ARCH}', '.']\n");
  const auto boot = repo.write("Dockerfile-boot", kPlain);
  const auto scripted = repo.write("tools/Dockerfile", kPlain);
  const auto inDir = repo.write("svc/api/Dockerfile", kPlain);
  const auto pushed = repo.write("other/Dockerfile", kPlain);
  repo.write("cloudbuild.yaml",
             "substitutions:\n  _DOCKER_BUILDX_PLATFORMS: 'linux/amd64,linux/arm64'\nsteps:\n"
             "- name: 'gcr.io/cloud-builders/docker'\n"
             "  args: ['buildx', 'build', '--platform', '$_DOCKER_BUILDX_PLATFORMS', '-f', 'Dockerfile-boot', '--push', '.']\n"
             "- name: 'gcr.io/cloud-builders/docker'\n"
             "  entrypoint: bash\n"
             "  args: ['-c', 'docker build -t x:$SHORT_SHA tools && docker push x:$SHORT_SHA']\n"
             "- name: docker:24\n"
             "  dir: svc\n"
             "  args: ['build', '-f', 'api/Dockerfile', '.']\n"
             "- name: 'gcr.io/cloud-builders/docker'\n"
             "  args: ['push', 'other']\n"
             "- name: 'gcr.io/cloud-builders/gcloud'\n"
             "  args: ['builds', 'submit', 'other']\n");
  CHECK(declared(protoc) == "linux/amd64 <- protoc/cloudbuild.yaml (no platform named: Cloud Build's x86-64 workers)");
  CHECK(declared(boot) == "linux/amd64, linux/arm64 <- cloudbuild.yaml");
  CHECK(declared(scripted) == "linux/amd64 <- cloudbuild.yaml (no platform named: Cloud Build's x86-64 workers)");
  CHECK(declared(inDir) == "linux/amd64 <- cloudbuild.yaml (no platform named: Cloud Build's x86-64 workers)");
  // Twins: a push, or a step of another builder, builds nothing; a config that is not YAML
  // declares nothing and is no error.
  CHECK(declared(pushed) == "none");
  const auto broken = repo.write("broken/Dockerfile", kPlain);
  repo.write("broken/cloudbuild.json", "{\"steps\": [ {\"name\": ");
  CHECK(declared(broken) == "none");
}

TEST_CASE("Cloud Build: kaniko steps, with the source checked out at /workspace", "[declared]") {
  // controlplaneio/docker-gcloud-sdk (Part ZZZZZZZJ): kaniko's debug image run through `sh -c`,
  // `--dockerfile=/workspace/Dockerfile --context=/workspace`; and kaniko's own image with its
  // flags as args.
  Repo repo;
  const auto root = repo.write("Dockerfile", kPlain);
  const auto service = repo.write("svc/Dockerfile", kPlain);
  const auto arm = repo.write("arm/Dockerfile", kPlain);
  repo.write("cloudbuild.yaml",
             "steps:\n- id: build\n  name: 'gcr.io/kaniko-project/executor:debug'\n  entrypoint: sh\n  args:\n    - -c\n"
             "    - |\n      /kaniko/executor --dockerfile=/workspace/Dockerfile \\\n        --context=/workspace \\\n"
             "        --destination=gcr.io/x/y:latest\n"
             "- name: gcr.io/kaniko-project/executor:latest\n"
             "  args: ['--dockerfile=Dockerfile', '--context=dir:///workspace/svc', '--destination=gcr.io/x/svc']\n"
             "- name: gcr.io/kaniko-project/executor:latest\n"
             "  args: ['--dockerfile=/workspace/arm/Dockerfile', '--context=/workspace/arm', '--custom-platform=linux/arm64']\n");
  CHECK(declared(root) == "linux/amd64 <- cloudbuild.yaml (no platform named: Cloud Build's x86-64 workers)");
  CHECK(declared(service) == "linux/amd64 <- cloudbuild.yaml (no platform named: Cloud Build's x86-64 workers)");
  CHECK(declared(arm) == "linux/arm64 <- cloudbuild.yaml");
  // Twin: /workspace inside a longer path is not the checkout.
  const auto elsewhere = repo.write("other/Dockerfile", kPlain);
  repo.write("other/cloudbuild.yaml",
             "steps:\n- name: gcr.io/kaniko-project/executor:latest\n"
             "  args: ['--dockerfile=/srv/workspace/other/Dockerfile', '--context=/srv/workspace/other']\n");
  CHECK(declared(elsewhere) == "none");
}

TEST_CASE("Cloud Build: a config of any name that runs Cloud Build's builders, its paths also from the root", "[declared]") {
  // GoogleCloudPlatform/buildpacks tools/cloudbuild/validate_tests.yaml, submitted from the
  // repository root ("gcloud builds submit --config=tools/cloudbuild/..."): its
  // `-f=tools/cloudbuild/Dockerfile` is a path from the root, not from the config's directory.
  Repo repo;
  const auto tools = repo.write("tools/cloudbuild/Dockerfile", kPlain);
  repo.write("tools/cloudbuild/validate_tests.yaml",
             "steps:\n  - id: build-bazel-pack-image\n    name: gcr.io/cloud-builders/docker\n"
             "    args: ['build', '-t=bazel-pack', '-f=tools/cloudbuild/Dockerfile', '.']\n");
  CHECK(declared(tools) ==
        "linux/amd64 <- tools/cloudbuild/validate_tests.yaml (no platform named: Cloud Build's x86-64 workers)");
  // Twins: a YAML file that runs none of Cloud Build's builder images is not read as a config,
  // nor is one of another name that has no `steps:`.
  const auto other = repo.write("svc/Dockerfile", kPlain);
  repo.write("svc/pipeline.yaml", "steps:\n  - name: docker\n    args: ['build', '.']\n");
  repo.write("svc/notes.yml", "image: gcr.io/cloud-builders/docker\nargs: ['build', '.']\n");
  CHECK(declared(other) == "none");
}

TEST_CASE("Azure Pipelines: script lines and Docker@2 tasks with --platform, plain builds on their agent's machine",
          "[declared]") {
  Repo repo;
  // A pipeline file above the Dockerfiles (as azure-functions-docker keeps host/4/*-build.yml),
  // a matrix entry's variables in the -f path, and a Docker@2 task.
  repo.write("host/4/python-build.yml",
             "pool:\n  vmImage: ubuntu-latest\nvariables:\n  HOST_MAJOR_VERSION: 4\njobs:\n  - job: Python\n"
             "    strategy:\n      matrix:\n        _312:\n          suffix: \"312\"\n    steps:\n"
             "      - bash: |\n          docker buildx build --platform linux/amd64,linux/arm64 \\\n"
             "            -f host/$(HOST_MAJOR_VERSION)/python/python$(suffix).Dockerfile host/$(HOST_MAJOR_VERSION)/python\n"
             "      - bash: docker build -f host/$(HOST_MAJOR_VERSION)/python/plain.Dockerfile host/4/python\n");
  CHECK(declared(repo.write("host/4/python/python312.Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- host/4/python-build.yml job Python");
  // A plain build on a Microsoft-hosted Ubuntu agent (x64) is for linux/amd64.
  CHECK(declared(repo.write("host/4/python/plain.Dockerfile", kPlain)) ==
        "linux/amd64 <- host/4/python-build.yml job Python (no platform named: the Microsoft-hosted ubuntu-latest agent's)");
  repo.write("azure-pipelines.yml",
             "steps:\n  - task: Docker@2\n    inputs:\n      command: build\n      Dockerfile: svc/Dockerfile\n"
             "      buildContext: svc\n      arguments: --platform linux/arm64\n");
  CHECK(declared(repo.write("svc/Dockerfile", kPlain)) == "linux/arm64 <- azure-pipelines.yml");
  // mercur3/node-java: a Docker@2 buildAndPush with no `arguments`, the pool set on the job.
  Repo plain;
  plain.write("azure-pipelines.yml",
              "jobs:\n  - job:\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - task: Docker@2\n"
              "        inputs:\n          command: buildAndPush\n          repository: x/node-java\n"
              "          Dockerfile: Dockerfile\n");
  CHECK(declared(plain.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- azure-pipelines.yml job ? (no platform named: the Microsoft-hosted ubuntu-latest agent's)");
  // Twins: an agent of the project's own pool (its architecture not known), and a Windows image
  // (which builds Windows containers), declare nothing; the stage's pool is the job's default.
  Repo own;
  own.write("azure-pipelines.yml",
            "pool:\n  vmImage: ubuntu-22.04\nstages:\n  - stage: s\n    pool: BuildAgents\n    jobs:\n      - job: a\n"
            "        steps:\n          - script: docker build -t x .\n");
  CHECK(declared(own.write("Dockerfile", kPlain)) == "none");
  Repo windows;
  windows.write("azure-pipelines.yml", "pool:\n  vmImage: windows-2022\nsteps:\n  - script: docker build -t x .\n");
  CHECK(declared(windows.write("Dockerfile", kPlain)) == "none");
  // AnimalLogic/docker-usd (Part ZZW): the step runs a repository script whose plain builds run
  // on the hosted Ubuntu agent; a `make` goal's recipe likewise.
  Repo scripted;
  const std::string onTheHostedAgent =
      "linux/amd64 <- azure-pipelines.yml (no platform named: the Microsoft-hosted ubuntu-16.04 agent's)";
  scripted.write("azure-pipelines.yml",
                 "pool:\n  vmImage: 'Ubuntu 16.04'\nsteps:\n- script: cd linux && ./build-centos7.sh\n"
                 "  displayName: 'build images'\n- script: make -C tools image\n");
  // A `cd` in a subshell, a `( ... )` group or a list run in the background, moves that subshell
  // alone: the builds after it run where the script was (its downloads served from elsewhere by
  // `cd ${DOWNLOADS_DIR} && python -m SimpleHTTPServer && cd - &`).
  scripted.write("linux/build-centos7.sh",
                 "#!/usr/bin/env bash\nset -e\ncd ${DOWNLOADS_DIR} && python -m SimpleHTTPServer && cd - &\n"
                 "(cd centos7/tools && docker build -t al/tools .)\n"
                 "docker build -t al/base -f centos7/base/Dockerfile .\n");
  CHECK(declared(scripted.write("linux/centos7/base/Dockerfile", kPlain)) ==
        "linux/amd64 <- azure-pipelines.yml (no platform named: the Microsoft-hosted ubuntu-16.04 agent's)");
  CHECK(declared(scripted.write("linux/centos7/tools/Dockerfile", kPlain)) ==
        "linux/amd64 <- azure-pipelines.yml (no platform named: the Microsoft-hosted ubuntu-16.04 agent's)");
  // ...while the script's own `cd` to a place not known still ends what is read.
  scripted.write("linux/build-other.sh", "cd ${SOMEWHERE}\ndocker build -t al/other -f centos7/other/Dockerfile .\n");
  scripted.write(".azure-pipelines/other.yml",
                 "pool:\n  vmImage: ubuntu-latest\nsteps:\n- script: cd linux && ./build-other.sh\n");
  CHECK(declared(scripted.write("linux/centos7/other/Dockerfile", kPlain)) == "none");
  scripted.write("tools/Makefile", "image:\n\tdocker build -t tools .\n");
  CHECK(declared(scripted.write("tools/Dockerfile", kPlain)) ==
        "linux/amd64 <- azure-pipelines.yml (no platform named: the Microsoft-hosted ubuntu-16.04 agent's)");
  // A script the step runs that is not in the repository builds nothing known.
  Repo missing;
  missing.write("azure-pipelines.yml", "pool:\n  vmImage: ubuntu-latest\nsteps:\n- script: ./ci/build.sh\n");
  CHECK(declared(missing.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("build arguments the project's builds pass: every way they are written", "[declared][build-args]") {
  std::set<std::string> names;
  context::collectBuildArgNames(
      "jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
      "          build-args: |\n            RUNTIME=${{ matrix.runtime }}\n            VERSION=1\n"
      "          platforms: linux/amd64\n"
      "      - run: docker buildx build --build-arg ARCH=arm64 --build-arg=GOARCH --build-arg \"QUOTED=1\" .\n"
      "      - run: docker buildx bake --set app.args.BAKE_SET=1\n",
      names);
  CHECK(names == std::set<std::string>{"RUNTIME", "VERSION", "ARCH", "GOARCH", "QUOTED", "BAKE_SET"});
  names.clear();
  // compose (map and list) and bake (HCL block, one-line HCL, JSON).
  context::collectBuildArgNames(
      "services:\n  app:\n    build:\n      args:\n        MAP_ARG: x\n      platforms: [linux/amd64]\n"
      "  other:\n    build:\n      args:\n        - LIST_ARG=y\n",
      names);
  context::collectBuildArgNames(
      "target \"app\" {\n  args = {\n    HCL_ARG = \"1\"\n  }\n  tags = [\"x\"]\n}\n"
      "target \"b\" { args = { ONE_LINE = \"1\", SECOND = \"2\" } }\n",
      names);
  context::collectBuildArgNames("{\"target\": {\"app\": {\"args\": {\n \"JSON_ARG\": \"1\"\n}}}}\n", names);
  CHECK(names == std::set<std::string>{"MAP_ARG", "LIST_ARG", "HCL_ARG", "ONE_LINE", "SECOND", "JSON_ARG"});
  // Not build arguments: other keys after the block, k8s container args, other tools' flags.
  names.clear();
  context::collectBuildArgNames("args:\n  - --verbose\n  - serve\ntags: x\nNOT_AN_ARG=1\nrun: tool --build-args FOO=1\n", names);
  CHECK(names.empty());
}

TEST_CASE("lint: an ARG default the project's workflow overrides is not a fixed architecture", "[declared][build-args][cli]") {
  // EventStore: `ARG RUNTIME=linux-x64` and `dotnet publish --runtime=${RUNTIME}`; the
  // workflow passes RUNTIME per architecture, so the default is not what the images get.
  Repo repo;
  const std::string dockerfile =
      "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nARG RUNTIME=linux-x64\n"
      "RUN dotnet publish --runtime=${RUNTIME} -o /out\n"
      "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0\nCOPY --from=build /out /app\n";
  const auto file = repo.write("Dockerfile", dockerfile);
  const auto alone = findingsOf("MA130", file);
  REQUIRE(alone.size() == 1);
  CHECK_THAT(alone[0],
             StartsWith("line 3, breaks linux/arm64: ") && Contains("'--runtime=${RUNTIME}' is 'linux-x64' for every target"));
  repo.write(".github/workflows/image.yml",
             "jobs:\n  image:\n    strategy:\n      matrix:\n        runtime: [linux-x64, linux-arm64]\n"
             "    steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
             "          build-args: |\n            RUNTIME=${{ matrix.runtime }}\n");
  CHECK(findingsOf("MA130", file).empty());
}

namespace mal::data {
extern const std::string_view k_one_architecture_images_json;
}

TEST_CASE("data/one-architecture-images.json: every entry names its platform and its source, and declares it",
          "[declared][data]") {
  const auto json = nlohmann::json::parse(mal::data::k_one_architecture_images_json);
  // Each entry is read by the reader as it is written: a base image under the prefix, or a
  // file named for the hardware word, declares the entry's platform (an entry the matcher
  // cannot reach, say a prefix in upper case or with docker.io/, fails here).
  Repo repo;
  const auto file = repo.write("Dockerfile", kPlain);
  // Every entry of every list names a platform as the tool writes it, and a source.
  const auto checkedPlatform = [](const nlohmann::json& entry) {
    auto platform = entry.at("platform").get<std::string>();
    REQUIRE(mal::parsePlatform(platform).has_value());
    CHECK(mal::parsePlatform(platform)->str() == platform);
    CHECK(entry.at("source").get<std::string>().size() > 20);
    return platform;
  };
  REQUIRE(!json.at("images").empty());
  for (const auto& entry : json.at("images")) {
    INFO(entry.dump());
    const auto platform = checkedPlatform(entry);
    // A prefix entry matches any repository under it; a repository entry that one repository,
    // at a tag that continues one of its release tags (or at any tag when it lists none).
    std::string base;
    if (entry.contains("repository")) {
      const auto repository = entry.at("repository").get<std::string>();
      REQUIRE(!repository.empty());
      const auto tags = entry.value("tags", nlohmann::json::array());
      const auto words = entry.value("tagWords", nlohmann::json::array());
      base = repository + ":" +
             (!tags.empty()   ? tags.front().get<std::string>() + ".9"
              : words.empty() ? std::string("x")
                              : "1.0-" + words.front().get<std::string>());
      CHECK(declared(file, "FROM " + repository + "-other:x\n") == "none");
      // Releases before a version: an older one matches; that release, `latest` and the tag
      // of the line it is in do not (they moved on to the multi-architecture builds).
      if (entry.contains("releasesBefore")) {
        const auto before = entry.at("releasesBefore").get<std::string>();
        base = repository + ":0.1.0";
        for (const std::string& tag : {before, before + ".0", std::string("latest"), before.substr(0, before.find('.'))}) {
          CHECK(declared(file, "FROM " + repository + ":" + tag + "\n") == "none");
        }
      }
    } else {
      // A prefix entry with release tags matches its repositories at those releases only.
      const auto prefix = entry.at("prefix").get<std::string>();
      REQUIRE(!prefix.empty());
      const auto tags = entry.value("tags", nlohmann::json::array());
      const auto words = entry.value("tagWords", nlohmann::json::array());
      base = prefix + "x" +
             (!tags.empty()   ? ":" + tags.front().get<std::string>() + ".9"
              : words.empty() ? std::string()
                              : ":1.0-" + words.front().get<std::string>());
      if (!tags.empty() || !words.empty()) CHECK(declared(file, "FROM " + prefix + "x:latest\n") == "none");
    }
    // An entry with variants matches its releases of those variants only (`2.2-alpine3.9`).
    if (const auto variants = entry.value("tagVariants", nlohmann::json::array()); !variants.empty()) {
      CHECK(declared(file, "FROM " + base + "\n") == "none");
      base +=
          (base.find(':', base.rfind('/') + 1) == std::string::npos ? ":" : "-") + variants.front().get<std::string>() + "3.9";
    }
    CHECK(declared(file, "FROM " + base + "\n") ==
          platform + " <- the base image " + base + " (published for " + platform + " only)");
  }
  REQUIRE(!json.at("hardware").empty());
  for (const auto& entry : json.at("hardware")) {
    INFO(entry.dump());
    const auto word = entry.at("word").get<std::string>();
    const auto platform = checkedPlatform(entry);
    CHECK(declared(repo.write("Dockerfile." + word, kPlain)) ==
          platform + " <- the file name (" + word + " exists for " + platform + " only)");
  }
  // A product is found by its mention, and a file that also chooses by architecture itself
  // (`uname -m`) is a multi-platform design that declares nothing.
  REQUIRE(!json.at("products").empty());
  for (const auto& entry : json.at("products")) {
    INFO(entry.dump());
    const auto mention = entry.at("mentions").get<std::string>();
    const auto platform = checkedPlatform(entry);
    const std::string install = "FROM debian:12\nRUN curl -fsSLO https://example.org/" + mention + "1.0.tar.gz\n";
    CHECK(declared(file, install) ==
          platform + " <- the install of " + entry.at("product").get<std::string>() + " (published for " + platform + " only)");
    CHECK(declared(file, install + "RUN echo $(uname -m)\n") == "none");
  }
}

TEST_CASE("lint: a plain build on a runner is built where it runs: host output and $BUILDPLATFORM match the target",
          "[declared][cli]") {
  // rohan-sircar/actix-demo, amigin/cdf-dioxus: `cargo build --release` and then a plain
  // `docker build` on the same ubuntu-latest runner; azure-relay-bridge's matrix also has
  // windows-latest and macos-latest, where no Linux image is built.
  Repo repo;
  const auto copied = repo.write("Dockerfile", "FROM debian:12-slim\nCOPY target/release/app /usr/local/bin/app\n");
  const auto builder = repo.write("builder/Dockerfile",
                                  "FROM --platform=$BUILDPLATFORM rust:1 AS build\nRUN cargo build --release\n"
                                  "FROM debian:12-slim\nCOPY --from=build /src/target/release/app /app\n");
  CHECK(findingsOf("MA150", copied).size() == 1);  // nothing declared: every default target gets one build
  CHECK(findingsOf("MA141", builder).size() == 1);
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  publish:\n    strategy:\n      matrix:\n"
             "        os: [ubuntu-latest, windows-latest, macos-latest]\n"
             "    runs-on: ${{ matrix.os }}\n    steps:\n"
             "      - run: cargo build --release\n"
             "      - run: docker build -t app .\n"
             "        if: matrix.os == 'ubuntu-latest'\n"
             "      - run: docker build -t builder builder\n");
  CHECK(declared(copied) ==
        "linux/amd64 <- .github/workflows/ci.yml job publish (no platform named: the ubuntu-latest runner's)");
  CHECK(findingsOf("MA150", copied).empty());
  CHECK(findingsOf("MA141", builder).empty());
  // Twin: a build that names its platforms is one build for several, and the host's binary
  // is wrong in all but one of them.
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: docker buildx build --platform linux/amd64,linux/arm64 -t app .\n"
             "      - run: docker buildx build --platform linux/amd64,linux/arm64 builder\n");
  CHECK(findingsOf("MA150", copied).size() == 1);
  CHECK(findingsOf("MA141", builder).size() == 1);
}

TEST_CASE("lint: an automatic platform ARG the project's Makefile passes is no fixed default", "[declared][build-args][cli]") {
  // nextflow: `ARG TARGETPLATFORM=linux/amd64` in the image, and docker/Makefile builds it once
  // per platform with `--platform linux/arm64 --build-arg TARGETPLATFORM=linux/arm64`: the
  // --build-arg replaces the default in every build the project runs (MA145's twin is the
  // same file alone, where nothing passes it).
  Repo repo;
  const auto file = repo.write("docker/Dockerfile",
                               "FROM amazoncorretto:25-al2023\nARG TARGETPLATFORM=linux/amd64\n"
                               "COPY dist/${TARGETPLATFORM}/docker /usr/local/bin/docker\n");
  const auto alone = findingsOf("MA145", file);
  REQUIRE(alone.size() == 1);
  CHECK_THAT(alone[0], StartsWith("line 2, breaks linux/arm64: ARG TARGETPLATFORM=linux/amd64 in stage 0") &&
                           Contains("keeps its default under --platform"));
  repo.write("docker/Makefile",
             "build:\n\tdocker buildx build --platform linux/amd64 --build-arg TARGETPLATFORM=linux/amd64 .\n"
             "\tdocker buildx build --platform linux/arm64 --build-arg TARGETPLATFORM=linux/arm64 .\n");
  CHECK(findingsOf("MA145", file).empty());
}

TEST_CASE("lint: GOARCH from a build argument the project's Makefile passes tells the stage its target",
          "[declared][build-args][cli]") {
  // ev-smoke/devops: a $BUILDPLATFORM Go builder with `GOARCH=${ARCH}` from `ARG ARCH`, and the
  // Makefile's image target runs `docker build --build-arg ARCH=$(ARCH)` (ARCH from uname -m).
  // The twin is the same file alone: nothing passes ARCH, so every target builds with its
  // empty default, for the build machine (MA141).
  Repo repo;
  const auto file = repo.write("Dockerfile",
                               "FROM --platform=$BUILDPLATFORM golang:1.23 AS builder\nARG PLATFORM\nARG ARCH\nWORKDIR /src\n"
                               "COPY . .\nRUN CGO_ENABLED=0 GOOS=${PLATFORM} GOARCH=${ARCH} go build -o app\n"
                               "FROM scratch\nCOPY --from=builder /src/app .\nENTRYPOINT [\"/app\"]\n");
  auto ma141 = [](const std::string& out) {
    size_t n = 0;
    const auto json = nlohmann::json::parse(out);  // kept: a range-for over a temporary's member dangles
    for (const auto& f : json["findings"]) n += f["rule"] == "MA141";
    return n;
  };
  CHECK(ma141(lint({.paths = {file.string()}, .format = "json"}).out) == 1);
  repo.write("Makefile",
             "image:\n\t@DOCKER_BUILDKIT=1 docker build --file Dockerfile --tag x:$(VERSION)-$(ARCH) \\\n"
             "\t\t--build-arg PLATFORM=$(PLATFORM) \\\n\t\t--build-arg ARCH=$(ARCH) .\n");
  CHECK(ma141(lint({.paths = {file.string()}, .format = "json"}).out) == 0);
}

TEST_CASE("lint: an ARG GOARCH default the project's Makefile replaces is not the target it builds for",
          "[declared][build-args][cli]") {
  // digitalocean/doctl: `ARG GOARCH=amd64` then `make build GOARCH=$GOARCH`, and the Makefile's
  // docker_build target passes `--build-arg GOARCH=$(GOARCH)`, the host's architecture. Alone, the
  // default is what every target builds with (MA130).
  Repo repo;
  const auto file = repo.write("Dockerfile",
                               "FROM golang:1.24-alpine AS build\nARG GOARCH=amd64\nCOPY . /src\n"
                               "RUN cd /src && go build -o /out/app\nFROM alpine:3\nCOPY --from=build /out/app /app\n");
  CHECK(findingsOf("MA130", file).size() == 1);
  repo.write("Makefile", "docker_build:\n\tdocker build -f Dockerfile --build-arg GOARCH=$(GOARCH) . -t app_local\n");
  CHECK(findingsOf("MA130", file).empty());
}

TEST_CASE("lint: dapper passes DAPPER_HOST_ARCH to Dockerfile.dapper, also through a chain of defaults",
          "[declared][build-args][cli]") {
  // rancher/strato's Dockerfile.dapper: `ARG DAPPER_HOST_ARCH=amd64`, `ARG HOST_ARCH=${DAPPER_HOST_ARCH}`,
  // `ARG ARCH=${HOST_ARCH}`, then ENV and `GOARCH=$ARCH`; rancher/dapper passes every build
  // --build-arg DAPPER_HOST_ARCH=<the host's GOARCH> (file/file.go, argsFromEnv). The twin is the
  // same text under another name, which dapper does not build by default: its defaults are constants.
  const std::string text =
      "FROM golang:1.22\nARG DAPPER_HOST_ARCH=amd64\nARG HOST_ARCH=${DAPPER_HOST_ARCH}\nARG ARCH=${HOST_ARCH}\n"
      "ENV ARCH=${ARCH} HOST_ARCH=${HOST_ARCH}\nENV GOARCH=$ARCH\nRUN go build -o /usr/bin/app ./cmd/app\n";
  Repo repo;
  CHECK(findingsOf("MA130", repo.write("Dockerfile.dapper", text)).empty());
  CHECK(findingsOf("MA130", repo.write("build/Dockerfile.build", text)).size() == 1);
  // A value derived from a passed ARG stays passed through ENV, and a new constant ends it.
  CHECK(findingsOf("MA130", repo.write("Dockerfile.dapper", text + "ENV GOARCH=amd64\nRUN go build ./cmd/other\n")).size() == 1);
}

TEST_CASE("lint: a Home Assistant add-on's BUILD_ARCH is passed per architecture by its builder", "[declared][build-args][cli]") {
  // hassio-addons/addon-ssh: `ARG BUILD_ARCH=amd64` and `ha_${BUILD_ARCH}`; the Supervisor and
  // home-assistant/builder build the add-on once per `arch` of its config.yaml with
  // --build-arg BUILD_ARCH=<arch>, so the default is never the arm64 build's value. The twin is
  // the same file with a config.yaml that is no add-on's (and with none at all).
  Repo repo;
  const auto file = repo.write("ssh/Dockerfile",
                               "ARG BUILD_FROM=ghcr.io/hassio-addons/base:19.0.0\nFROM ${BUILD_FROM}\nARG BUILD_ARCH=amd64\n"
                               "RUN curl -L -s -o /usr/bin/ha "
                               "\"https://github.com/home-assistant/cli/releases/download/4.42.0/ha_${BUILD_ARCH}\"\n");
  // The default's download, on the RUN line, breaking linux/arm64.
  auto defaultDownload = [](int line, int argLine) {
    return std::vector<std::string>{
        "line " + std::to_string(line) +
        ", breaks linux/arm64: downloads the linux/amd64 build on every platform: the URL expands to "
        "'https://github.com/home-assistant/cli/releases/download/4.42.0/ha_amd64', where 'amd64' comes from $BUILD_ARCH "
        "(set by ARG on line " +
        std::to_string(argLine) + "): breaks linux/arm64"};
  };
  const auto alone = findingsOf("MA110", file);
  CHECK(alone == defaultDownload(4, 3));
  repo.write("ssh/config.yaml", "name: Terminal\nversion: dev\nlog_level: info\n");
  CHECK(findingsOf("MA110", file) == alone);
  repo.write("ssh/config.yaml", "name: Terminal\nversion: dev\nslug: ssh\narch:\n  - aarch64\n  - amd64\n");
  CHECK(findingsOf("MA110", file).empty());
  // A build.json with the base per architecture marks an add-on too.
  Repo other;
  const auto json = other.write("addon/Dockerfile",
                                "FROM alpine\nARG BUILD_ARCH=amd64\nRUN wget -O /usr/bin/ha "
                                "https://github.com/home-assistant/cli/releases/download/4.42.0/ha_${BUILD_ARCH}\n");
  CHECK(findingsOf("MA110", json) == defaultDownload(3, 2));
  other.write("addon/build.json",
              "{\n  \"build_from\": {\n    \"aarch64\": \"ghcr.io/home-assistant/aarch64-base:3.20\"\n  }\n}\n");
  CHECK(findingsOf("MA110", json).empty());
}

TEST_CASE("one build for several architectures, told from single-platform builds", "[declared]") {
  Repo repo;
  const auto together = repo.write("together/Dockerfile", kPlain);
  const auto legs = repo.write("legs/Dockerfile", kPlain);
  repo.write(".github/workflows/images.yml", R"(
jobs:
  together:
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: together/Dockerfile
          platforms: linux/amd64,linux/arm64
  legs:
    strategy:
      matrix:
        include:
          - platform: linux/amd64
          - platform: linux/arm64
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: legs/Dockerfile
          platforms: ${{ matrix.platform }}
)");
  CHECK(declared(together) == "linux/amd64, linux/arm64 <- .github/workflows/images.yml job together");
  const auto both = context::findDeclaredPlatforms(together, kPlain);
  REQUIRE(both);
  CHECK(both->oneBuildForSeveral);
  const auto perLeg = context::findDeclaredPlatforms(legs, kPlain);
  REQUIRE(perLeg);
  std::vector<std::string> legPlatforms;
  for (const auto& platform : perLeg->platforms) legPlatforms.push_back(platform.str());
  CHECK(legPlatforms == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  CHECK(perLeg->source == ".github/workflows/images.yml job legs");
  CHECK_FALSE(perLeg->oneBuildForSeveral);  // each leg builds one platform with its own context
}

TEST_CASE("lint: an arch-less program from a build-output directory in a multi-platform build", "[declared][cli]") {
  // castai/cluster-controller before PR #49 copied bin/castai-cluster-controller, built once by
  // CI, into every platform's image; the fix copies bin/castai-cluster-controller-$TARGETARCH.
  Repo repo;
  const std::string dockerfile =
      "FROM alpine:3.19\nRUN apk add --no-cache openssl\n"
      "COPY bin/castai-cluster-controller /usr/local/bin/castai-cluster-controller\n"
      "CMD [\"castai-cluster-controller\"]\n";
  const auto file = repo.write("Dockerfile", dockerfile);
  // Alone, nothing says one build serves several architectures: each may get its own binary.
  CHECK(findingsOf("MA150", file).empty());
  // A matrix of single-platform builds says nothing either.
  repo.write(".github/workflows/legs.yml",
             "jobs:\n  legs:\n    strategy:\n      matrix:\n        include:\n          - platform: linux/amd64\n"
             "          - platform: linux/arm64\n    steps:\n      - uses: docker/build-push-action@v6\n"
             "        with:\n          platforms: ${{ matrix.platform }}\n");
  CHECK(findingsOf("MA150", file).empty());
  fs::remove(repo.root / ".github/workflows/legs.yml");
  // One build-push-action step for both: the same context, so the same binary, for both.
  repo.write(".github/workflows/image.yml",
             "jobs:\n  image:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
             "          platforms: linux/amd64,linux/arm64\n");
  const auto together = findingsOf("MA150", file);
  REQUIRE(together.size() == 1);
  CHECK_THAT(together[0], StartsWith("line 3: ") && Contains("'/usr/local/bin/castai-cluster-controller'") &&
                              Contains(".github/workflows/image.yml job image") && Contains("not in the build context to check"));
  // With the binary in the context, its bytes decide (a text file here: nothing to report).
  repo.write("bin/castai-cluster-controller", "#!/bin/sh\nexec true\n");
  CHECK(findingsOf("MA150", file).empty());
}

TEST_CASE("lint: goreleaser's dockers give each platform its own context", "[declared][cli]") {
  Repo repo;
  const auto file = repo.write("Dockerfile",
                               "FROM alpine:3.19\nARG TARGETARCH\n"
                               "RUN wget -O /usr/local/bin/kubectl https://dl.k8s.io/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n"
                               "COPY dist/app /usr/local/bin/app\nENTRYPOINT [\"app\"]\n");
  // $TARGETARCH says one build makes several platforms: every one gets the same dist/app.
  const auto alone = findingsOf("MA150", file);
  REQUIRE(alone.size() == 1);
  CHECK_THAT(alone[0], StartsWith("line 4: copies 'dist/app' from the build context as the program '/usr/local/bin/app'") &&
                           Contains("the linux/amd64, linux/arm64 images all get the same one"));
  repo.write(".goreleaser.yaml", "project_name: app\nbuilds:\n  - goarch: [amd64, arm64]\ndockers:\n  - goarch: arm64\n");
  CHECK(findingsOf("MA150", file).empty());
}

TEST_CASE("lint: a program kept beside the Dockerfile is the project's own file, not a build output", "[declared][cli]") {
  // philiplehmann/container (Part GH): apps/pdftk/Dockerfile, built with the repository root as
  // context, copies apps/pdftk/bin/pdftk, a checked-in wrapper script, beside dist/apps/pdftk.
  Repo repo;
  const std::string dockerfile =
      "FROM debian:bookworm-slim\nARG TARGETARCH\nRUN echo \"$TARGETARCH\" > /arch\n"
      "COPY apps/pdftk/bin/pdftk /bin/pdftk\nCOPY dist/apps/pdftk/bin/server /usr/local/bin/server\n"
      "CMD [\"server\"]\n";
  const auto nested = repo.write("apps/pdftk/Dockerfile", dockerfile);
  const auto findings = findingsOf("MA150", nested);
  // The build output is still one file for every platform; the file kept beside the Dockerfile is not judged.
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0], StartsWith("line 5: copies 'dist/apps/pdftk/bin/server'"));
  // At the root, the Dockerfile's directory holds everything: bin/ there is where builds write.
  const auto atRoot = repo.write("Dockerfile",
                                 "FROM debian:bookworm-slim\nARG TARGETARCH\nRUN echo \"$TARGETARCH\" > /arch\n"
                                 "COPY bin/pdftk /bin/pdftk\nCMD [\"pdftk\"]\n");
  const auto rootFindings = findingsOf("MA150", atRoot);
  REQUIRE(rootFindings.size() == 1);
  CHECK_THAT(rootFindings[0], StartsWith("line 4: copies 'bin/pdftk'"));
}

TEST_CASE("lint: a stage the project builds only for some platforms (bake, compose, build-push-action target)",
          "[declared][cli]") {
  // imagegenius/docker-immich: one Dockerfile, bake targets that stop at different stages; the
  // CUDA stage (NVIDIA's x86_64 apt repository) is built for linux/amd64 only, the main image
  // for amd64 and arm64. BuildKit builds a target stage and what it takes from, nothing else.
  const std::string dockerfile =
      "FROM debian:bookworm AS main\nRUN true\n"
      "FROM main AS cuda\n"
      "RUN echo 'deb https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/ /' "
      "> /etc/apt/sources.list.d/cuda.list\n"
      "FROM main AS openvino\nRUN true\n";
  auto bakeFile = [](const std::string& cudaPlatforms, const std::string& cudaTarget) {
    return "target \"main\" {\n  target = \"main\"\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n"
           "target \"cuda\" {\n  target = \"" +
           cudaTarget + "\"\n  platforms = [" + cudaPlatforms + "]\n}\n";
  };
  {
    Repo repo;
    const auto file = repo.write("Dockerfile", dockerfile);
    repo.write("docker-bake.hcl", bakeFile("\"linux/amd64\"", "cuda"));
    CHECK(declared(file, dockerfile) ==
          "linux/amd64, linux/arm64 <- docker-bake.hcl target \"cuda\", docker-bake.hcl target \"main\"");
    CHECK(findingsOf("MA112", file).empty());
    // The same stage built for arm64 too: reported.
    repo.write("docker-bake.hcl", bakeFile("\"linux/amd64\", \"linux/arm64\"", "cuda"));
    CHECK(findingsOf("MA112", file).size() == 1);
    // A target that is no stage of the file (or one bake computes): every stage stays built for
    // every platform declared.
    repo.write("docker-bake.hcl", bakeFile("\"linux/amd64\"", "cuda-${VARIANT}"));
    CHECK(findingsOf("MA112", file).size() == 1);
  }
  {
    Repo repo;
    const auto file = repo.write("Dockerfile", dockerfile);
    repo.write(
        "compose.yaml",
        "services:\n  main:\n    build:\n      context: .\n      target: main\n      platforms: [linux/amd64, linux/arm64]\n"
        "  cuda:\n    build:\n      context: .\n      target: cuda\n      platforms: [linux/amd64]\n");
    CHECK(findingsOf("MA112", file).empty());
  }
  {
    Repo repo;
    const auto file = repo.write("Dockerfile", dockerfile);
    repo.write(
        ".github/workflows/build.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          target: main\n"
        "          platforms: linux/amd64,linux/arm64\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          target: cuda\n          platforms: linux/amd64\n");
    CHECK(findingsOf("MA112", file).empty());
    // A build with no target builds the last stage: `openvino` for arm64 takes nothing from `cuda`.
    repo.write(
        ".github/workflows/build.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n"
        "      - uses: docker/build-push-action@v6\n        with:\n          target: cuda\n          platforms: linux/amd64\n");
    CHECK(findingsOf("MA112", file).empty());
  }
  {
    // The same with buildx's own `--target` in a `run:` step (cksystemsteaching/selfie: the full
    // image's stage only for amd64, the smaller one for arm64, Part FR).
    Repo repo;
    const auto file = repo.write("Dockerfile", dockerfile);
    repo.write(".github/workflows/build.yml",
               "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
               "          docker buildx build --platform=linux/amd64,linux/arm64 --target=main .\n"
               "          docker buildx build --platform linux/amd64 --target cuda .\n");
    CHECK(findingsOf("MA112", file).empty());
    repo.write(".github/workflows/build.yml",
               "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
               "          docker buildx build --platform=linux/amd64,linux/arm64 --target=cuda .\n");
    CHECK(findingsOf("MA112", file).size() == 1);
  }
}

TEST_CASE("workflows: third-party build actions, read by their own inputs", "[declared]") {
  Repo repo;
  // opspresso/kubectl's push.yml: action-builder's `--docker` runs `docker build . -f Dockerfile`
  // on the runner; its `--release` step builds nothing.
  repo.write(".github/workflows/push.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: opspresso/action-builder@master\n        with:\n          args: --release\n"
             "      - uses: opspresso/action-builder@master\n        with:\n          args: --docker\n"
             "        env:\n          DOCKERFILE: docker/Dockerfile.opspresso\n");
  CHECK(declared(repo.write("docker/Dockerfile.opspresso", kPlain)) ==
        "linux/amd64 <- .github/workflows/push.yml job build (no platform named: the ubuntu-latest runner's)");
  // elgohr's action builds `dockerfile` from `workdir`; a `platforms` input is a buildx build.
  repo.write(".github/workflows/elgohr.yml",
             "on: push\njobs:\n  publish:\n    runs-on: ubuntu-24.04-arm\n    steps:\n"
             "      - uses: elgohr/Publish-Docker-Github-Action@v5\n        with:\n          name: org/app\n"
             "          workdir: services/api\n          dockerfile: Dockerfile.prod\n"
             "      - uses: elgohr/Publish-Docker-Github-Action@v5\n        with:\n          name: org/web\n"
             "          workdir: services/web\n          platforms: linux/amd64,linux/arm64\n");
  CHECK(declared(repo.write("services/api/Dockerfile.prod", kPlain)) ==
        "linux/arm64 <- .github/workflows/elgohr.yml job publish (no platform named: the ubuntu-24.04-arm runner's)");
  CHECK(declared(repo.write("services/web/Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/elgohr.yml job publish");
  // whoan's builds $context/$dockerfile; buildah-build's `archs` are one image each.
  repo.write(".github/workflows/other.yml",
             "on: push\njobs:\n  cache:\n    runs-on: ubuntu-22.04\n    steps:\n"
             "      - uses: whoan/docker-build-with-cache-action@v8\n        with:\n          image_name: app\n"
             "          context: worker\n          dockerfile: Dockerfile.worker\n"
             "      - uses: redhat-actions/buildah-build@v2\n        with:\n          image: tool\n"
             "          containerfiles: ./tool/Containerfile\n          archs: amd64, arm64, ppc64le\n");
  CHECK(declared(repo.write("worker/Dockerfile.worker", kPlain)) ==
        "linux/amd64 <- .github/workflows/other.yml job cache (no platform named: the ubuntu-22.04 runner's)");
  CHECK(declared(repo.write("tool/Containerfile", kPlain)) ==
        "linux/amd64, linux/arm64, linux/ppc64le <- .github/workflows/other.yml job cache");
  // An input is read trimmed, as `@actions/core`'s getInput does: a block scalar naming one
  // Containerfile is that file (NickSica/podman-readarr, Part HE); one naming two is not followed.
  repo.write(".github/workflows/podman.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: redhat-actions/buildah-build@v2\n        with:\n          image: readarr\n"
             "          containerfiles: |\n            ./readarr/Containerfile\n"
             "      - uses: redhat-actions/buildah-build@v2\n        with:\n          image: pair\n"
             "          containerfiles: |\n            ./pair/Containerfile\n            ./pair/Containerfile.extra\n");
  CHECK(declared(repo.write("readarr/Containerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/podman.yml job build (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(repo.write("pair/Containerfile", kPlain)) == "none");
  // Blacksmith's build-push-action is docker's; Depot's builds elsewhere than the runner, so
  // a step naming no platform declares nothing, and one naming them declares those.
  repo.write(".github/workflows/forks.yml",
             "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: useblacksmith/build-push-action@v1\n        with:\n          file: Dockerfile.smith\n"
             "      - uses: depot/build-push-action@v1\n        with:\n          file: Dockerfile.depot\n"
             "      - uses: depot/build-push-action@v1\n        with:\n          file: Dockerfile.depot-multi\n"
             "          platforms: linux/amd64,linux/arm64\n");
  CHECK(declared(repo.write("Dockerfile.smith", kPlain)) ==
        "linux/amd64 <- .github/workflows/forks.yml job image (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(repo.write("Dockerfile.depot", kPlain)) == "none");
  CHECK(declared(repo.write("Dockerfile.depot-multi", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/forks.yml job image");
  // triptixx/action-docker-build: `docker build --file=$dockerfile $path` from the root
  // (triptixx/prowlarr, Part SU).
  repo.write(".github/workflows/triptixx.yml",
             "on: push\njobs:\n  prowlarr:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: triptixx/action-docker-build@master\n        with:\n          repo: prowlarr-dev\n"
             "          dockerfile: images/Dockerfile.prowlarr\n          path: images\n");
  CHECK(declared(repo.write("images/Dockerfile.prowlarr", kPlain)) ==
        "linux/amd64 <- .github/workflows/triptixx.yml job prowlarr (no platform named: the ubuntu-latest runner's)");
}

TEST_CASE("a file built FROM the project's own image of one platform is built for that platform", "[declared]") {
  // mikeschippers/docker-tibco (Part KW): tibtra/Dockerfile is FROM tibrv:8.4.4, which the
  // project's tibrv/Dockerfile builds with TIBCO's x86-only installer; tibadmin is FROM tibtra.
  Repo repo;
  const std::string tibrv =
      "FROM debian:jessie\nADD TIB_rv_8.4.4_linux_x86.zip /tmp/\n"
      "RUN unzip /tmp/TIB_rv_8.4.4_linux_x86.zip && bash TIBCOUniversalInstaller-lnx-x86.bin -silent\n";
  repo.write("tibrv/Dockerfile", tibrv);
  const std::string tibtra = "FROM tibrv:8.4.4\nADD TIB_TRA_5.10.zip /tmp/\n";
  const auto tibtraFile = repo.write("tibtra/Dockerfile", tibtra);
  const std::string tibadmin = "FROM tibtra:5.10.0\nENV JAVA_HOME=/usr/lib/jvm/java-7-openjdk-amd64/jre\n";
  const auto tibadminFile = repo.write("tibadmin/Dockerfile", tibadmin);
  CHECK(declared(tibtraFile, tibtra)
            .find("linux/amd64 <- the project's own base image tibrv:8.4.4 (tibrv/Dockerfile, "
                  "for linux/amd64 by the install of TIBCO") == 0);
  CHECK(declared(tibadminFile, tibadmin).find("linux/amd64 <- the project's own base image tibtra:5.10.0 (tibtra/Dockerfile") ==
        0);
  // A later stage named like the directory is the file's own stage, not the project's image.
  CHECK(declared(tibadminFile, "FROM alpine:3.19 AS tibtra\nRUN true\nFROM tibtra\nRUN true\n") == "none");
  // The repository named like the image: its root Dockerfile builds it (Asuri-Team/ctf-xinetd's
  // Dockerfile.example, FROM asuri/ctf-xinetd).
  Repo named;
  const fs::path root = named.root.parent_path() / "ctf-xinetd";
  fs::rename(named.root, root);
  named.root = root;
  named.write("Dockerfile", "FROM arm64v8/ubuntu:22.04\nRUN true\n");
  const std::string example = "FROM asuri/ctf-xinetd\nCOPY bin/ /home/ctf/\n";
  const auto exampleFile = named.write("Dockerfile.example", example);
  CHECK(declared(exampleFile, example)
            .find("linux/arm64 <- the project's own base image asuri/ctf-xinetd (Dockerfile, for "
                  "linux/arm64 by the base image arm64v8/ubuntu:22.04)") == 0);
}

TEST_CASE("the twin: a base image not resolved to the project's own one-platform image says nothing", "[declared]") {
  Repo repo;
  const auto file = repo.write("app/Dockerfile", "FROM tibrv:8.4.4\nRUN true\n");
  // No directory of that name.
  CHECK(declared(file, "FROM tibrv:8.4.4\nRUN true\n") == "none");
  // The project's image is built for two platforms (a bake file), or only plainly on a runner.
  repo.write("tibrv/Dockerfile", "FROM debian:bookworm\nRUN true\n");
  repo.write("docker-bake.hcl",
             "target \"tibrv\" {\n  context = \"tibrv\"\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}\n");
  CHECK(declared(file, "FROM tibrv:8.4.4\nRUN true\n") == "none");
  fs::remove(repo.root / "docker-bake.hcl");
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: docker build -t tibrv tibrv\n");
  CHECK(declared(file, "FROM tibrv:8.4.4\nRUN true\n") == "none");
  // A Docker Official Image's name is that image, whatever the project keeps in node/.
  repo.write("node/Dockerfile", "FROM arm64v8/node:20\nRUN true\n");
  CHECK(declared(file, "FROM node:20\nRUN true\n") == "none");
  // A registry host is another publisher's image.
  CHECK(declared(file, "FROM ghcr.io/acme/node:20\nRUN true\n") == "none");
  // A cycle (each directory's image FROM the other's) ends.
  repo.write("a/Dockerfile", "FROM b\nRUN true\n");
  repo.write("b/Dockerfile", "FROM a\nRUN true\n");
  CHECK(declared(repo.root / "a/Dockerfile", "FROM b\nRUN true\n") == "none");
  // Followed four images deep, and only so many files in all: a chain of six to an arm64 base
  // declares nothing, and a file whose twenty stages each name such an image stops reading.
  for (int i = 0; i < 6; ++i) {
    repo.write("c" + std::to_string(i) + "/Dockerfile",
               i == 5 ? std::string("FROM arm64v8/alpine:3.19\n") : "FROM c" + std::to_string(i + 1) + "\n");
  }
  CHECK(declared(repo.root / "c0/Dockerfile", "FROM c1\n") == "none");
  CHECK(declared(repo.root / "c3/Dockerfile", "FROM c4\n").find("linux/arm64 <- the project's own base image c4") == 0);
  std::string manyStages;
  for (int i = 0; i < 20; ++i) manyStages += "FROM c5 AS s" + std::to_string(i) + "\n";
  CHECK(declared(file, manyStages) == "none");
}

TEST_CASE("a build of the default Dockerfile reads a lower-case dockerfile where there is no Dockerfile", "[declared]") {
  // jerryliang122/self-hosted-docker (Part MB): build-push-action with its defaults (context .,
  // file Dockerfile) on ubuntu-latest; the repository keeps `dockerfile`, which BuildKit reads
  // when `Dockerfile` is missing (dockerui: "dockerfile is also supported casing").
  Repo repo;
  repo.write(".github/workflows/docker.yml",
             "on: push\njobs:\n  gd:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
             "      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          push: true\n"
             "          platforms: linux/arm64\n");
  const auto lower = repo.write("dockerfile", kPlain);
  CHECK(declared(lower) == "linux/arm64 <- .github/workflows/docker.yml job gd");
  // The twin: where the context has a `Dockerfile`, that is the file built, not `dockerfile`.
  repo.write("Dockerfile", kPlain);
  CHECK(declared(lower) == "none");
  // Nor is another name read for it: `Dockerfile.dev` is built only when named.
  CHECK(declared(repo.write("app/dockerfile.dev", kPlain)) == "none");
}

TEST_CASE("Travis CI: plain builds on its machines, by arch:, through the scripts a job runs", "[declared][hosted-ci]") {
  Repo repo;
  // sebastianschramm/helm-kubectl-docker (Part MJ): `script: bash ./build.sh`, a plain build.
  repo.write(".travis.yml",
             "language: python\nservices:\n- docker\njobs:\n  include:\n    - stage: build\n      script: bash ./build.sh\n"
             "    - stage: arm\n      arch: arm64\n      script: docker build -f arm/Dockerfile arm\n"
             "    - stage: mac\n      os: osx\n      script: docker build -f mac/Dockerfile mac\n"
             "    - stage: multi\n      script:\n        - cd multi && sh -e ../ci/multi.sh\n");
  repo.write("build.sh",
             "#!/bin/bash\nset -e\nRELEASE=$(date)\ndocker build -t x:${RELEASE} --build-arg V=$(cat v | cut -d- -f1) .\n");
  repo.write("ci/multi.sh", "docker buildx build --platform linux/amd64,linux/s390x -t m .\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job build (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(repo.write("arm/Dockerfile", kPlain)) ==
        "linux/arm64 <- .travis.yml job arm (no platform named: Travis CI's arm64 machine)");
  // A macOS job builds no Linux image; a script run after `cd` builds in that directory.
  CHECK(declared(repo.write("mac/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("multi/Dockerfile", kPlain)) == "linux/amd64, linux/s390x <- .travis.yml job multi");
}

TEST_CASE("a compose build a CI job runs builds its services on the job's machine", "[declared][hosted-ci]") {
  // menski/docker-camunda-bpm-platform-new (Part ZZZZZZZZZZI): Travis runs `docker-compose
  // build` over a compose file of the first format (services at the top, no `version:`).
  Repo repo;
  repo.write(".travis.yml", "services: docker\nbefore_script:\n  - docker-compose build\n");
  repo.write("docker-compose.yml", "camunda-h2:\n  build: .\n  ports:\n    - \"8080:8080\"\nlinks: [a]\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  // A workflow's `docker compose -f F build SERVICE`: that service only, its `platforms:`
  // when it names them, else the runner's.
  Repo workflow;
  workflow.write(".github/workflows/ci.yml",
                 "on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04-arm\n    steps:\n"
                 "      - run: docker compose -f deploy/compose.yaml --project-name x build web multi\n");
  workflow.write("deploy/compose.yaml",
                 "services:\n  web:\n    build: ../web\n  worker:\n    build: ../worker\n"
                 "  multi:\n    build:\n      context: ../multi\n      platforms: [linux/amd64, linux/arm64]\n");
  CHECK(declared(workflow.write("web/Dockerfile", kPlain)) ==
        "linux/arm64 <- .github/workflows/ci.yml job b (no platform named: the ubuntu-24.04-arm runner's)");
  CHECK(declared(workflow.write("worker/Dockerfile", kPlain)) == "none");
  CHECK(declared(workflow.write("multi/Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- .github/workflows/ci.yml job b");
  // `up` without --build, or a compose file the job does not name, builds nothing there: the
  // compose file alone says a build for whatever machine runs it.
  Repo up;
  up.write(".travis.yml", "script:\n  - docker-compose up -d\n  - docker compose -f other.yml build\n");
  up.write("docker-compose.yml", "services:\n  app:\n    build: .\n");
  CHECK(declared(up.write("Dockerfile", kPlain)) ==
        " <- docker-compose.yml service app (no platforms: built for the machine that runs it)");
}

TEST_CASE("Travis CI: a job's phases run in one shell, over its env: matrix", "[declared][hosted-ci]") {
  // getsentry/docker-sentry (Part ZZZZZZZZG), docker-library's template: `cd "$VERSION"` in
  // before_script holds for `docker build .` in script, VERSION from the env: matrix.
  Repo repo;
  repo.write(".travis.yml",
             "language: bash\nservices: docker\nenv:\n  - VERSION=9.1\n  - VERSION=10 VARIANT=alpine\n"
             "before_script:\n  - cd \"$VERSION\"\nscript:\n  - docker build -t \"x:$VERSION\" .\n"
             "  - docker build -t \"x:$VERSION-onbuild\" onbuild\n");
  CHECK(declared(repo.write("9.1/Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(repo.write("9.1/onbuild/Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(repo.write("10/Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  // The twin: no job cds into 8/ and the root is never built after the cd.
  CHECK(declared(repo.write("8/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");

  // `env: global:` reaches every job, an include's own env: only that job; `cd -` goes back.
  Repo matrix;
  matrix.write(".travis.yml",
               "env:\n  global:\n    - DIR=images\njobs:\n  include:\n    - env: NAME=web\n"
               "      script:\n        - cd $DIR/$NAME && docker build -t w . && cd -\n        - docker build -t r .\n"
               "    - arch: arm64\n      env: [NAME=api]\n      script: cd \"$TRAVIS_BUILD_DIR/$DIR\" && docker build $NAME\n");
  CHECK(declared(matrix.write("images/web/Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job 1 (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(matrix.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job 1 (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(matrix.write("images/api/Dockerfile", kPlain)) ==
        "linux/arm64 <- .travis.yml job 2 (no platform named: Travis CI's arm64 machine)");
}

TEST_CASE("a CI job's make runs the Makefile rules of its goals, on the job's machine", "[declared][hosted-ci]") {
  // NCI-GDC/mutect2-tool (Part ZT): Travis's `install: make build`, whose rule (through the
  // prerequisite build-docker) runs a plain `docker build .`: Travis's amd64 machine.
  Repo repo;
  repo.write(".travis.yml", "language: python\nservices: docker\ninstall: make build\nscript:\n- make test\n");
  repo.write(
      "Makefile",
      "IMAGE ?= x\n\nbuild: build-docker\n\nbuild-docker: docker-login\n\tdocker build . --file ./Dockerfile -t \"$(IMAGE)\"\n"
      "docker-login:\n\t@echo login\n\ntest:\n\tpytest\n\nlocal:\n\tdocker build -f local/Dockerfile local\n"
      "release:\n\t$(MAKE) -C . nested\nnested:\n\tdocker build -f nested/Dockerfile nested\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  // A rule no goal of the job reaches is the Makefile's alone: built wherever make runs.
  CHECK(declared(repo.write("local/Dockerfile", kPlain)) == " <- Makefile (no platforms: built for the machine that runs it)");
  // A workflow step's `make -C ops release`, and a sub-make its recipe runs.
  Repo workflow;
  workflow.write(
      ".github/workflows/ci.yml",
      "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make -C ops -j 4 release V=1\n");
  workflow.write("ops/Makefile",
                 "all:\n\techo\nrelease:\n\t$(MAKE) -C . nested\nnested:\n\tdocker build -f nested/Dockerfile nested\n");
  CHECK(declared(workflow.write("ops/nested/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/ci.yml job build (no platform named: the ubuntu-latest runner's)");
  // A made recipe that runs a repository script: that script's plain build, on the same runner
  // (harrison-ai/cobalt-docker-coder-dev, Part ZZZZZZZZZZZZZO: `make build` runs
  // `./scripts/build.sh $(IMAGE_NAME)`, whose `docker build -t "${IMAGE_NAME}:base" base`).
  Repo script;
  script.write(".github/workflows/build.yaml",
               "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
               "      - run: make build\n");
  script.write("Makefile",
               "IMAGE_NAME := ghcr.io/x/dev\nbuild:\n\t./scripts/build.sh $(IMAGE_NAME)\n"
               "local:\n\t./scripts/local.sh\n");
  script.write("scripts/build.sh",
               "#!/usr/bin/env bash\nset -e\nIMAGE_NAME=\"$1\"\ndocker build -t \"${IMAGE_NAME}:base\" base\n");
  script.write("scripts/local.sh", "#!/bin/sh\ndocker build -t local other\n");
  CHECK(declared(script.write("base/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/build.yaml job build (no platform named: the ubuntu-latest runner's)");
  // Twin: the script of a rule no goal of the job makes is not run there.
  CHECK(declared(script.write("other/Dockerfile", kPlain)) == "none");
  // A make or a script run through a wrapper: Flaconi/docker-atlantis-terragrunt (Part
  // ZZZZZZZZZZZZZZZZT) defines `retry() { ... eval "${*}" ... }` and runs `retry make build ...`;
  // `sudo ./ci/image.sh` and `timeout 30m make` likewise run what follows them.
  Repo wrapped;
  wrapped.write(".github/workflows/docker-build.yml",
                "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
                "          retry() {\n            for n in $(seq ${RETRIES}); do\n"
                "              if eval \"${*}\"; then return 0; fi; sleep 2;\n            done; return 1;\n          }\n"
                "          retry make build ATLANTIS=${ATLANTIS}\n"
                "      - run: sudo ./ci/image.sh\n      - run: timeout 30m make -C tools image\n");
  wrapped.write("Makefile", "build:\n\tdocker build --network=host -t x .\n");
  wrapped.write("ci/image.sh", "#!/bin/sh\ndocker build -t s scripted\n");
  wrapped.write("tools/Makefile", "image:\n\tdocker build -t t .\n");
  const std::string onRunner =
      "linux/amd64 <- .github/workflows/docker-build.yml job build (no platform named: the ubuntu-latest runner's)";
  CHECK(declared(wrapped.write("Dockerfile", kPlain)) == onRunner);
  CHECK(declared(wrapped.write("scripted/Dockerfile", kPlain)) == onRunner);
  CHECK(declared(wrapped.write("tools/Dockerfile", kPlain)) == onRunner);
  // Twin: a make that is only an argument of another command (`echo make build`) runs nothing.
  Repo echoed;
  echoed.write(".travis.yml", "script: echo make build\n");
  echoed.write("Makefile", "build:\n\tdocker build .\n");
  CHECK(declared(echoed.write("Dockerfile", kPlain)) == " <- Makefile (no platforms: built for the machine that runs it)");
  // A goal computed at run time names no rule.
  Repo computed;
  computed.write(".travis.yml", "script: make $TARGET\n");
  computed.write("Makefile", "image:\n\tdocker build .\n");
  CHECK(declared(computed.write("Dockerfile", kPlain)) == " <- Makefile (no platforms: built for the machine that runs it)");
}

TEST_CASE("CircleCI: plain builds on its machines, by resource class, and the docker orb's builds", "[declared][hosted-ci]") {
  Repo repo;
  // xenking/viewscreen (Part UQ): `setup_remote_docker` and a plain `docker build .`, whose
  // engine is CircleCI's amd64 one.
  repo.write(".circleci/config.yml",
             "version: 2.1\norbs:\n  dkr: circleci/docker@2.5.0\nexecutors:\n  arm:\n    machine: true\n"
             "    resource_class: arm.medium\n  mac:\n    macos:\n      xcode: 15.0.0\njobs:\n"
             "  build:\n    docker:\n      - image: docker:git\n    steps:\n      - checkout\n"
             "      - setup_remote_docker\n      - run:\n          name: Build\n"
             "          command: docker build -t x/y:$CIRCLE_SHA1 .\n"
             "  arm64:\n    executor: arm\n    steps:\n      - run: docker build -f arm/Dockerfile arm\n"
             "  scripted:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n"
             "      - run:\n          working_directory: tools\n          command: bash ./build.sh\n"
             "  orb:\n    machine: true\n    steps:\n      - dkr/build:\n          image: x/orb\n"
             "          path: orb\n          dockerfile: release.Dockerfile\n          docker-context: orb\n"
             "  mac:\n    executor: mac\n    steps:\n      - run: docker build -f mac/Dockerfile mac\n"
             "  windows:\n    machine:\n      image: windows-server-2022-gui:current\n    resource_class: windows.medium\n"
             "    steps:\n      - run: docker build -f win/Dockerfile win\n");
  repo.write("tools/build.sh", "#!/bin/sh\ndocker buildx build --platform linux/amd64,linux/ppc64le -t t .\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .circleci/config.yml job build (no platform named: CircleCI's amd64 machine)");
  CHECK(declared(repo.write("arm/Dockerfile", kPlain)) ==
        "linux/arm64 <- .circleci/config.yml job arm64 (no platform named: CircleCI's arm64 machine)");
  // A `run:` in a working directory builds there, through the script it runs by path.
  CHECK(declared(repo.write("tools/Dockerfile", kPlain)) == "linux/amd64, linux/ppc64le <- .circleci/config.yml job scripted");
  CHECK(declared(repo.write("orb/release.Dockerfile", kPlain)) ==
        "linux/amd64 <- .circleci/config.yml job orb (no platform named: CircleCI's amd64 machine)");
  // A macOS or Windows job builds no Linux image; malformed YAML declares nothing and is no error.
  CHECK(declared(repo.write("mac/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("win/Dockerfile", kPlain)) == "none");
  Repo broken;
  broken.write(".circleci/config.yml", "jobs: {\n");
  CHECK(declared(broken.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("CircleCI: steps run in the job's working directory, seen from where checkout put the repository",
          "[declared][hosted-ci]") {
  // rrouzbeh/docker-zeek-kafka (Part ZZZZZZZZZZZZZZZZZJ): the executor's remote engine builds
  // docker/Dockerfile with `docker build .` in `working_directory: ~/zeek-kafka/docker`, the
  // repository checked out into ~/zeek-kafka.
  Repo repo;
  repo.write(".circleci/config.yml",
             "version: 2.1\nexecutors:\n  publisher:\n    docker:\n      - image: circleci/buildpack-deps:stretch\n"
             "jobs:\n  build:\n    working_directory: ~/zeek-kafka/docker\n    executor: publisher\n    steps:\n"
             "      - checkout:\n          path: ~/zeek-kafka\n      - setup_remote_docker\n"
             "      - run:\n          command: docker build -t x/zeek:latest .\n"
             "  inner:\n    working_directory: ~/project/tools\n    docker:\n      - image: cimg/base:current\n"
             "    steps:\n      - checkout:\n          path: ..\n      - run:\n          working_directory: web\n"
             "          command: docker build .\n"
             "  loads:\n    working_directory: ~/elsewhere\n    docker:\n      - image: cimg/base:current\n"
             "    steps:\n      - run: docker build -f loaded/Dockerfile loaded\n");
  CHECK(declared(repo.write("docker/Dockerfile", kPlain)) ==
        "linux/amd64 <- .circleci/config.yml job build (no platform named: CircleCI's amd64 machine)");
  // A relative checkout path is taken from the working directory; a run's own
  // working_directory from the job's.
  CHECK(declared(repo.write("tools/web/Dockerfile", kPlain)) ==
        "linux/amd64 <- .circleci/config.yml job inner (no platform named: CircleCI's amd64 machine)");
  // The root's Dockerfile is built by none of them.
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");
  // With no checkout step the commands' paths stay taken from the root.
  CHECK(declared(repo.write("loaded/Dockerfile", kPlain)) ==
        "linux/amd64 <- .circleci/config.yml job loads (no platform named: CircleCI's amd64 machine)");
}

TEST_CASE("Semaphore: plain builds on its machines, by agent type, with prologues and env_vars", "[declared][hosted-ci]") {
  Repo repo;
  // starlightcrafted/docker-postal (Part ZZZZZZZZZZZZZZZE): `cd alpine` then a plain
  // `docker build .` on the pipeline's e1-standard-2 machine.
  repo.write(
      ".semaphore/semaphore.yml",
      "version: v1.0\nname: Docker Build\nagent:\n  machine:\n    type: e1-standard-2\n    os_image: ubuntu1804\n"
      "global_job_config:\n  env_vars:\n    - name: DIR\n      value: scripted\nblocks:\n"
      "  - name: Build\n    task:\n      jobs:\n        - name: Alpine\n          commands:\n"
      "            - checkout\n            - cd alpine\n            - docker build --network=host -t q/p:alpine .\n"
      "        - name: Scripted\n          commands:\n            - checkout\n            - bash ./$DIR/build.sh\n"
      "  - name: Arm\n    task:\n      agent:\n        machine:\n          type: r1-standard-4\n          os_image: ubuntu2004\n"
      "      prologue:\n        commands:\n          - checkout\n          - cd arm\n"
      "      env_vars:\n        - name: FILE\n          value: release.Dockerfile\n"
      "      jobs:\n        - name: Image\n          commands:\n            - docker build -f $FILE .\n"
      "  - name: Self-hosted\n    task:\n      agent:\n        machine:\n          type: s1-my-agents\n"
      "      jobs:\n        - name: Image\n          commands:\n            - docker build -f own/Dockerfile own\n"
      "  - name: Mac\n    task:\n      agent:\n        machine:\n          type: a2-standard-4\n"
      "      jobs:\n        - name: Image\n          commands:\n            - docker build -f mac/Dockerfile mac\n"
      "promotions:\n  - name: Tests\n    pipeline_file: tests.yml\n");
  repo.write(
      ".semaphore/tests.yml",
      "version: v1.0\nagent:\n  machine:\n    type: f1-standard-2\nblocks:\n  - task:\n      jobs:\n"
      "        - commands:\n            - docker buildx build --platform linux/amd64,linux/s390x -f multi/Dockerfile multi\n");
  repo.write("scripted/build.sh", "#!/bin/sh\ndocker build -t s scripted\n");
  CHECK(declared(repo.write("alpine/Dockerfile", kPlain)) ==
        "linux/amd64 <- .semaphore/semaphore.yml block Build job Alpine (no platform named: Semaphore's amd64 machine)");
  // A job's commands run a script by path, with the pipeline's env_vars put in.
  CHECK(declared(repo.write("scripted/Dockerfile", kPlain)) ==
        "linux/amd64 <- .semaphore/semaphore.yml block Build job Scripted (no platform named: Semaphore's amd64 machine)");
  // The task's agent wins over the pipeline's; its prologue's `cd` holds for the job.
  CHECK(declared(repo.write("arm/release.Dockerfile", kPlain)) ==
        "linux/arm64 <- .semaphore/semaphore.yml block Arm job Image (no platform named: Semaphore's arm64 machine)");
  // A build naming its platforms, in a promoted pipeline.
  CHECK(declared(repo.write("multi/Dockerfile", kPlain)) == "linux/amd64, linux/s390x <- .semaphore/tests.yml block 1 job 1");
  // A self-hosted agent's machine is unknown; a macOS machine builds no Linux image.
  CHECK(declared(repo.write("own/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("mac/Dockerfile", kPlain)) == "none");
  Repo broken;
  broken.write(".semaphore/semaphore.yml", "blocks: [\n");
  CHECK(declared(broken.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("Jenkinsfile: sh steps' builds that name platforms, in their dir blocks", "[declared][hosted-ci]") {
  Repo repo;
  // linuxserver/docker-krita (Part ZZZZZZZZZZZZZZZZA): MULTIARCH='false', so only the
  // `--platform=linux/amd64` build of Dockerfile runs; the Build-Multi stage's
  // `-f Dockerfile.aarch64` names a file the repository has not.
  repo.write("Jenkinsfile", R"JF(pipeline {
  agent { label 'X86-64-MULTI' }
  environment { MULTIARCH = 'false' }
  stages {
    /* sh "docker buildx build --platform=linux/s390x ." in a comment builds nothing */
    stage('Build-Single') {
      steps {
        // sh 'docker buildx build --platform=linux/ppc64le .'
        sh "sed -r -i 's|(^FROM .*)|\\1\\n\\nENV LSIO_FIRST_PARTY=true|g' Dockerfile"
        sh "docker buildx build \
          --label \"org.opencontainers.image.title=Krita\" \
          --no-cache --pull -t ${IMAGE}:${META_TAG} --platform=linux/amd64 \
          --build-arg VERSION=\"${VERSION_TAG}\" ."
      }
    }
    stage('Build ARMHF') {
      steps {
        sh(label: 'arm', script: '''docker buildx build -f Dockerfile.armhf \
          --platform=linux/arm/v7 .''')
      }
    }
    stage('Tools') {
      steps {
        dir('tools') {
          sh """
            docker buildx build --platform linux/arm64,linux/riscv64 -t t .
          """
        }
        sh script: 'docker build -t plain -f plain/Dockerfile plain'
      }
    }
  }
}
)JF");
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "linux/amd64 <- Jenkinsfile sh step");
  CHECK(declared(repo.write("Dockerfile.armhf", kPlain)) == "linux/arm/v7 <- Jenkinsfile sh step");
  // A `dir('tools')` block runs its steps there.
  CHECK(declared(repo.write("tools/Dockerfile", kPlain)) == "linux/arm64, linux/riscv64 <- Jenkinsfile sh step");
  // A plain build on a Jenkins agent: its machine is not known.
  CHECK(declared(repo.write("plain/Dockerfile", kPlain)) == "none");
  // Damaged Groovy (an unclosed string, stray braces) declares nothing and is no error.
  Repo broken;
  broken.write("Jenkinsfile", "}}} sh \"docker buildx build --platform=linux/amd64 .\n sh '''unclosed");
  CHECK(declared(broken.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("Drone: the pipeline's platform (linux/amd64 when none), commands and docker plugins", "[declared][hosted-ci]") {
  Repo repo;
  // UKHomeOffice/docker-helm (Part MJ): `$$(cat .semver | ...)` in a --build-arg is one word.
  repo.write(".drone.yml",
             "---\nkind: pipeline\ntype: kubernetes\nname: default\nplatform:\n  os: linux\n  arch: amd64\nsteps:\n"
             "- name: build\n  image: acp/dind\n  commands:\n"
             "  - docker build --build-arg HELM_VERSION=$$(cat .semver | cut -d \"-\" -f -1) -t \"repo:tag\" . --no-cache\n"
             "---\nkind: pipeline\nname: arm\nplatform:\n  arch: arm64\nsteps:\n"
             "- name: publish\n  image: plugins/docker\n  settings:\n    dockerfile: edge/release.Dockerfile\n    context: edge\n"
             "---\nkind: pipeline\nname: buildx\nsteps:\n"
             "- name: publish\n  image: thegeeklab/drone-docker-buildx:24\n  settings:\n    dockerfile: multi/Dockerfile\n"
             "    context: multi\n    platforms: [linux/amd64, linux/arm64]\n"
             "---\nkind: pipeline\nname: kaniko\nsteps:\n- name: image\n  image: banzaicloud/drone-kaniko\n"
             "  settings:\n    repo: registry.example/x\n    dockerfile: kaniko/Dockerfile\n"
             "- name: s390x\n  image: plugins/kaniko:1.6\n  settings:\n    dockerfile: custom/Dockerfile\n"
             "    platform: linux/s390x\n"
             "---\nkind: secret\nname: token\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) ==
        "linux/amd64 <- .drone.yml pipeline default (no platform named: the pipeline's linux/amd64 machine)");
  // kaniko builds for the machine it runs on (kramergroup-workflows/matsci-base, Part VD), or
  // for the `platform` its plugin is given (--custom-platform).
  CHECK(declared(repo.write("kaniko/Dockerfile", kPlain)) ==
        "linux/amd64 <- .drone.yml pipeline kaniko (no platform named: the pipeline's linux/amd64 machine)");
  CHECK(declared(repo.write("custom/Dockerfile", kPlain)) == "linux/s390x <- .drone.yml pipeline kaniko");
  CHECK(declared(repo.write("edge/release.Dockerfile", kPlain)) ==
        "linux/arm64 <- .drone.yml pipeline arm (no platform named: the pipeline's linux/arm64 machine)");
  CHECK(declared(repo.write("multi/Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- .drone.yml pipeline buildx");
  // Malformed YAML declares nothing and is no error.
  Repo broken;
  broken.write(".drone.yml", "kind: pipeline\nsteps: [\n");
  broken.write(".travis.yml", "script: {\n");
  CHECK(declared(broken.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("Drone: a stray top-level comma ends the stream, it does not loop", "[declared][hosted-ci]") {
  // yaml-cpp 0.7's LoadAll reads ",x" as an empty document that consumes nothing and asks for
  // the next one forever (the declarations fuzzer: 2 GiB in seconds). The documents before
  // the comma are still read; the comma and what follows it are not.
  const std::string pipeline =
      "kind: pipeline\nname: arm\nplatform:\n  arch: arm64\nsteps:\n"
      "- name: publish\n  image: plugins/docker\n";
  for (const std::string& tail : {std::string("---\n,\n"), std::string("---\n,x\n"), std::string("---\n- a\n,\n")}) {
    const auto declarations =
        mal::context::readDronePipelines(pipeline + tail, "/repo", [](const auto&) { return std::optional<std::string>(); });
    REQUIRE(declarations.size() == 1);
    CHECK(declarations[0].dockerfile == "/repo/Dockerfile");
    CHECK(declarations[0].name == "pipeline arm (no platform named: the pipeline's linux/arm64 machine)");
  }
  CHECK(mal::context::readDronePipelines(",!/usr/bin/env bash\ncd ..\n", "/repo", [](const auto&) {
          return std::optional<std::string>();
        }).empty());
}

TEST_CASE("Drone: a step's working_dir under the workspace is where its plugin and commands build", "[declared][hosted-ci]") {
  // cenk1cenk2/docker-lerna-dev (Part ZZZZZZZZZZZZH): plugins/docker with `working_dir:
  // /drone/src/build` builds build/Dockerfile on the pipeline's (default amd64) machine.
  const auto read = [](const std::string& step) {
    std::vector<std::string> files;
    for (const auto& d : mal::context::readDronePipelines("kind: pipeline\nname: p\nsteps:\n" + step, "/repo",
                                                          [](const auto&) { return std::optional<std::string>(); })) {
      files.push_back(d.dockerfile.string());
    }
    std::string joined;
    for (const auto& f : files) joined += (joined.empty() ? "" : " ") + f;
    return joined;
  };
  CHECK(read("- name: publish\n  image: plugins/docker\n  working_dir: /drone/src/build\n") == "/repo/build/Dockerfile");
  CHECK(
      read("- name: publish\n  image: plugins/docker\n  working_dir: /drone/src\n  settings:\n    dockerfile: a/Dockerfile\n") ==
      "/repo/a/Dockerfile");
  CHECK(read("- name: b\n  image: docker\n  working_dir: /drone/src/sub\n  commands:\n  - docker build .\n") ==
        "/repo/sub/Dockerfile");
  // Outside the workspace (or a name that only begins like it) is no directory of the repository.
  CHECK(read("- name: publish\n  image: plugins/docker\n  working_dir: /tmp/build\n").empty());
  CHECK(read("- name: publish\n  image: plugins/docker\n  working_dir: /drone/srcx\n").empty());
  CHECK(read("- name: publish\n  image: plugins/docker\n  working_dir: /drone/src/../../etc\n").empty());
}

TEST_CASE("a loop over the subdirectories builds the Dockerfile of each", "[declared][hosted-ci]") {
  Repo repo;
  // Leticia-maria/orca (Part QY): every top-level directory `tool:version/` is built in turn
  // on the ubuntu-latest runner, after a cd into the loop variable.
  repo.write(".github/workflows/publish.yml",
             "on: push\njobs:\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
             "          rootdir=\"$(pwd)\"\n          for d in $(ls | sort -h -r); do\n"
             "              if [ -d \"$d\" ]; then\n                  cd \"$d\"\n"
             "                  docker build --tag ghcr.io/x/$d .\n                  cd \"$rootdir\"\n"
             "              fi\n          done\n");
  CHECK(declared(repo.write("orca:5.0.2/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/publish.yml job push (no platform named: the ubuntu-latest runner's)");
  // The loop variable as the context, in a script beside the directories; two levels down is
  // not one of them.
  Repo other;
  other.write("build-all.sh", "for image in */; do\n  docker buildx build --platform linux/arm64 -t x/$image \"$image\"\ndone\n");
  CHECK(declared(other.write("tools/Dockerfile", kPlain)) == "linux/arm64 <- build-all.sh");
  CHECK(declared(other.write("tools/nested/Dockerfile", kPlain)) == "none");
  // After the cd, a context or a -f path is relative to each subdirectory, not to the loop's.
  Repo inside;
  inside.write("build.sh",
               "for d in */; do\n  cd \"$d\"\n  docker buildx build --platform linux/s390x -t x src\n"
               "  docker buildx build --platform linux/ppc64le -f Dockerfile.cli .\n  cd ..\ndone\n");
  CHECK(declared(inside.write("app/src/Dockerfile", kPlain)) == "linux/s390x <- build.sh");
  CHECK(declared(inside.write("src/Dockerfile", kPlain)) == "none");
  CHECK(declared(inside.write("app/Dockerfile.cli", kPlain)) == "linux/ppc64le <- build.sh");
  CHECK(declared(inside.write("Dockerfile.cli", kPlain)) == "none");
  // Its twins: a loop over anything else (a list of names, another directory's entries) says
  // nothing of where `cd "$d"` goes, and after the loop an unresolved cd still ends the reading.
  Repo twin;
  twin.write("build.sh",
             "for d in $(cat images.txt); do\n  cd \"$d\" && docker build --platform linux/s390x -t x .\ndone\n"
             "for d in $(ls images/); do\n  docker build --platform linux/s390x \"$d\"\ndone\n"
             "cd \"$SOMEWHERE\"\ndocker build --platform linux/s390x .\n");
  CHECK(declared(twin.write("app/Dockerfile", kPlain)) == "none");
  CHECK(declared(twin.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("a workflow run step's script, run by path, builds on the job's runner", "[declared][hosted-ci]") {
  Repo repo;
  // OpenNMT/CTranslate2: ci.yml runs docker/build_all.sh, whose plain `docker build` is the
  // image's only build, on ubuntu-22.04.
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  docker:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n"
             "      - run: ./docker/build_all.sh 4.5.0\n");
  repo.write("docker/build_all.sh",
             "#!/bin/bash\nVERSION=$1\nIMAGE=ctranslate2\ndocker build -t $IMAGE:$VERSION -f docker/Dockerfile .\n");
  CHECK(declared(repo.write("docker/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/ci.yml job docker (no platform named: the ubuntu-22.04 runner's)");
  // A script outside the repository, or one that is not there, is not read.
  repo.write(".github/workflows/other.yml",
             "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bash ../outside.sh && ./missing.sh\n"
             "      - run: docker login\n");
  CHECK(declared(repo.write("other/Dockerfile", kPlain)) == "none");
  // CINECA-HPC/ci-containers: `cd ${GITHUB_WORKSPACE}/<matrix dirs>` before the build; the
  // runner's checkout directory is the repository root, as `${{ github.workspace }}` is.
  repo.write(".github/workflows/images.yml",
             "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n"
             "          - toolchain: clang\n            version: 20.1.8\n    steps:\n"
             "      - run: |\n          cd ${GITHUB_WORKSPACE}/${{ matrix.toolchain }}/${{ matrix.version }}\n"
             "          docker build -t x -f Dockerfile .\n");
  CHECK(declared(repo.write("clang/20.1.8/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/images.yml job b (no platform named: the ubuntu-latest runner's)");
  // Its twin: a directory from a variable the workflow does not set is not resolved.
  repo.write(".github/workflows/unknown.yml",
             "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - run: cd ${SOMEWHERE}/gcc && docker build -t x -f Dockerfile .\n");
  CHECK(declared(repo.write("gcc/Dockerfile", kPlain)) == "none");
}

TEST_CASE("build-push-action's Git context {{defaultContext}}:subdir builds that directory", "[declared]") {
  // Mon-ius/Docker-Yarn-Dev (Part ZZZZZZZX): `context: "{{defaultContext}}:gpu"` with
  // `file: Dockerfile`, a path in that context; femiwiki writes `{{ defaultContext }}:dockers/x`.
  Repo repo;
  repo.write(".github/workflows/gpu.yml",
             "on: push\njobs:\n  gpu:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n"
             "        with:\n          context: \"{{defaultContext}}:gpu\"\n          file: Dockerfile\n"
             "          platforms: linux/amd64\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          context: '{{ defaultContext }}:dockers/wiki'\n"
             "          platforms: linux/amd64,linux/arm64\n"
             "      - uses: docker/build-push-action@v6\n        with:\n          context: '{{defaultContext}}'\n"
             "          file: tools/Dockerfile\n          platforms: linux/s390x\n");
  CHECK(declared(repo.write("gpu/Dockerfile", kPlain)) == "linux/amd64 <- .github/workflows/gpu.yml job gpu");
  CHECK(declared(repo.write("dockers/wiki/Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/gpu.yml job gpu");
  CHECK(declared(repo.write("tools/Dockerfile", kPlain)) == "linux/s390x <- .github/workflows/gpu.yml job gpu");
  // Twin: the root Dockerfile is not the one `file: Dockerfile` names in the gpu/ context.
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");
}

TEST_CASE("a variant directory is its family's platform when the project builds its siblings for one", "[declared]") {
  // A repository whose workflow builds each of `built` (directory, platforms) with
  // build-push-action, one step each; the file asked about is `<family>/<retired>/Dockerfile`.
  const auto familyOf = [](const std::vector<std::pair<std::string, std::string>>& built, const std::string& retired) {
    Repo repo;
    std::string steps;
    for (const auto& [directory, platforms] : built) {
      repo.write(directory + "/Dockerfile", kPlain);
      steps += "      - uses: docker/build-push-action@v5\n        with:\n          context: " + directory +
               "\n          platforms: " + platforms + "\n";
    }
    repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps);
    return declared(repo.write(retired + "/Dockerfile", kPlain));
  };
  // theohbrothers/docker-packer (Part ZZZZZZZJ): a retired variant directory beside the
  // variants the workflow builds with `platforms: linux/amd64`.
  CHECK(familyOf({{"variants/1.11.2-ubuntu-22.04", "linux/amd64"}, {"variants/1.11.2-qemu-ubuntu-22.04", "linux/amd64"}},
                 "variants/1.7.7-ubuntu-16.04") ==
        "linux/amd64 <- its sibling variants, 2 of them built for linux/amd64 only (variants/1.11.2-qemu-ubuntu-22.04/Dockerfile "
        "by .github/workflows/ci.yml job build)");
  // Twins: one declared sibling is not a family; siblings declared for different platforms, or
  // for several, say nothing of this one; directories at the repository's top level are not a
  // family; and a sibling built plainly on a runner declares no platform of the family.
  CHECK(familyOf({{"variants/a", "linux/amd64"}}, "variants/old") == "none");
  CHECK(familyOf({{"variants/a", "linux/amd64"}, {"variants/b", "linux/amd64,linux/arm64"}}, "variants/old") == "none");
  CHECK(familyOf({{"a", "linux/amd64"}, {"b", "linux/amd64"}}, "c") == "none");
  Repo plain;
  plain.write("images/a/Dockerfile", kPlain);
  plain.write("images/b/Dockerfile", kPlain);
  plain.write(
      ".github/workflows/ci.yml",
      "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build images/a && docker build images/b\n");
  CHECK(declared(plain.write("images/c/Dockerfile", kPlain)) == "none");
}

TEST_CASE("a workflow step's env reaches the script it runs by path", "[declared][hosted-ci]") {
  // DRSchlaubi/docker-kotlin (Part ZZZZZZZP): the release job sets BUILD_CONTEXT in the step's
  // env and runs scripts/build.sh, a plain `docker image build ... "$BUILD_CONTEXT"`; the
  // workflow's own text names no build.
  Repo repo;
  repo.write(".github/workflows/release.yaml",
             "on: release\nenv:\n  REPO: x/kotlin\njobs:\n  jdk16:\n    runs-on: ubuntu-20.04\n    steps:\n"
             "      - uses: actions/checkout@v2\n      - name: Build Oracle\n        env:\n          BUILD_CONTEXT: \"oracle\"\n"
             "        run: \"scripts/build.sh\"\n");
  repo.write("scripts/build.sh", "#!/bin/sh\ndocker image build --pull -t \"$REPO:1\" \"$BUILD_CONTEXT\"\n");
  CHECK(declared(repo.write("oracle/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/release.yaml job jdk16 (no platform named: the ubuntu-20.04 runner's)");
  // Twins: a variable the script sets itself keeps the script's value, and one the step does
  // not give stays unknown.
  Repo own;
  own.write(".github/workflows/release.yaml",
            "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          CONTEXT: stepdir\n"
            "        run: ./build.sh\n");
  own.write("build.sh", "#!/bin/sh\nCONTEXT=scriptdir\ndocker build \"$CONTEXT\"\n");
  CHECK(declared(own.write("stepdir/Dockerfile", kPlain)) == "none");
  CHECK(declared(own.write("scriptdir/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/release.yaml job b (no platform named: the ubuntu-latest runner's)");
  Repo unknown;
  unknown.write(".github/workflows/release.yaml",
                "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./build.sh\n");
  unknown.write("build.sh", "#!/bin/sh\ndocker build \"$CONTEXT\"\n");
  CHECK(declared(unknown.write("stepdir/Dockerfile", kPlain)) == "none");
}

TEST_CASE("balena's base images: the architecture word of balenalib/resin names, and device images by data",
          "[declared][base-images]") {
  Repo repo;
  auto from = [&](const std::string& image) {
    return declared(repo.write("Dockerfile", "FROM " + image + "\nRUN true\n"), "FROM " + image + "\nRUN true\n");
  };
  CHECK(from("balenalib/armv7hf-debian:buster") == "linux/arm/v7 <- the base image balenalib/armv7hf-debian:buster");
  CHECK(from("resin/aarch64-alpine") == "linux/arm64 <- the base image resin/aarch64-alpine");
  CHECK(from("balenalib/generic-armv7ahf-alpine-node") ==
        "linux/arm/v7 <- the base image balenalib/generic-armv7ahf-alpine-node");
  CHECK(from("resin/rpi-raspbian:stretch") == "linux/arm/v6 <- the base image resin/rpi-raspbian:stretch");
  // migruiz/cameras-stream rpi/Dockerfile (Part NS): a Raspberry Pi 3 device image is armv7hf,
  // its 64-bit twin aarch64.
  CHECK(from("balenalib/raspberrypi3-alpine-node:10-latest") ==
        "linux/arm/v7 <- the base image balenalib/raspberrypi3-alpine-node:10-latest (published for linux/arm/v7 only)");
  CHECK(from("balenalib/raspberrypi3-64-debian") ==
        "linux/arm64 <- the base image balenalib/raspberrypi3-64-debian (published for linux/arm64 only)");
  // Elsewhere a first word is no architecture: a cross toolchain's name says its target.
  CHECK(from("someone/arm-none-eabi-gcc") == "none");
}

TEST_CASE("GitLab CI: builds that name platforms, with variables, and a plain build that declares nothing",
          "[declared][hosted-ci]") {
  Repo repo;
  repo.write(".gitlab-ci.yml",
             "variables:\n  PLATFORMS: linux/amd64,linux/arm64\n  DOCKER_DRIVER: overlay2\n"
             "stages: [build]\n.template: &buildx\n  image: docker:24\n"
             "build-multi:\n  <<: *buildx\n  stage: build\n  script:\n"
             "    - docker buildx build --platform $PLATFORMS -f docker/Dockerfile -t $CI_REGISTRY_IMAGE .\n"
             "build-x86:\n  variables:\n    ONE: linux/amd64\n  script:\n    - docker buildx build --platform ${ONE} x86\n"
             "build-plain:\n  script:\n    - docker build -t plain plain\n"
             "build-unknown:\n  script:\n    - docker buildx build --platform $CI_PLATFORMS other\n");
  CHECK(declared(repo.write("docker/Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- .gitlab-ci.yml job build-multi");
  CHECK(declared(repo.write("x86/Dockerfile", kPlain)) == "linux/amd64 <- .gitlab-ci.yml job build-x86");
  CHECK(declared(repo.write("plain/Dockerfile", kPlain)) == "none");
  CHECK(declared(repo.write("other/Dockerfile", kPlain)) == "none");
}

TEST_CASE("GitLab CI and Drone: a cd holds for the commands after it in the same shell", "[declared][hosted-ci]") {
  // GitLab runs before_script and script in one shell, after_script in another.
  Repo repo;
  repo.write(".gitlab-ci.yml",
             "before_script:\n  - cd images\nbuild:\n  script:\n    - docker buildx build --platform linux/arm64 web\n"
             "  after_script:\n    - docker buildx build --platform linux/s390x web\n");
  CHECK(declared(repo.write("images/web/Dockerfile", kPlain)) == "linux/arm64 <- .gitlab-ci.yml job build");
  // Twin: after_script starts again at the checkout, where web/ is another directory.
  CHECK(declared(repo.write("web/Dockerfile", kPlain)) == "linux/s390x <- .gitlab-ci.yml job build");
  // A Drone step's commands are one script.
  Repo drone;
  drone.write(".drone.yml",
              "kind: pipeline\ntype: docker\nname: default\nplatform:\n  arch: arm64\nsteps:\n  - name: build\n"
              "    image: docker\n    commands:\n      - cd services\n      - docker build -t api api\n");
  CHECK(declared(drone.write("services/api/Dockerfile", kPlain)) ==
        "linux/arm64 <- .drone.yml pipeline default (no platform named: the pipeline's linux/arm64 machine)");
  CHECK(declared(drone.write("api/Dockerfile", kPlain)) == "none");
}

TEST_CASE("GitLab CI: plain buildctl and kaniko builds on GitLab's hosted runners are their machine's", "[declared][hosted-ci]") {
  // HAProxy-Template-IC/haproxy-template-ingress-controller (Part ZZZZV): the job extends a
  // template tagged saas-linux-medium-amd64 and runs `buildctl-daemonless.sh build --frontend
  // dockerfile.v0 --local context=... --local dockerfile=...` with no platform.
  Repo repo;
  repo.write(
      ".gitlab-ci.yml",
      ".build-image:\n  image: moby/buildkit:rootless\n  tags:\n    - saas-linux-medium-amd64\n"
      "build-ci:\n  extends:\n    - .build-image\n  script:\n    - |\n"
      "      buildctl-daemonless.sh build \\\n        --frontend dockerfile.v0 \\\n"
      "        --local context=.gitlab/ci/images/ci/ \\\n        --local dockerfile=.gitlab/ci/images/ci/ \\\n"
      "        --output type=image,name=x,push=true\n"
      "build-arm:\n  tags: [saas-linux-small-arm64]\n  script:\n"
      "    - /kaniko/executor --context $CI_PROJECT_DIR/arm --dockerfile $CI_PROJECT_DIR/arm/Dockerfile.kaniko --destination x\n"
      "build-own-runner:\n  tags: [docker, linux]\n  script:\n"
      "    - /kaniko/executor --context $CI_PROJECT_DIR/own --destination x\n"
      "build-named:\n  tags: [saas-linux-small-amd64]\n  script:\n"
      "    - buildctl build --frontend dockerfile.v0 --local context=multi --local dockerfile=multi "
      "--opt platform=linux/amd64,linux/arm64\n");
  CHECK(declared(repo.write(".gitlab/ci/images/ci/Dockerfile", kPlain)) ==
        "linux/amd64 <- .gitlab-ci.yml job build-ci (no platform named: GitLab's hosted runner)");
  CHECK(declared(repo.write("arm/Dockerfile.kaniko", kPlain)) ==
        "linux/arm64 <- .gitlab-ci.yml job build-arm (no platform named: GitLab's hosted runner)");
  // A platform the build names wins over the runner's.
  CHECK(declared(repo.write("multi/Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- .gitlab-ci.yml job build-named");
  // Twin: on the project's own runners the machine is unknown, and a plain build declares nothing.
  CHECK(declared(repo.write("own/Dockerfile", kPlain)) == "none");
}

TEST_CASE("an image FROM scratch whose userland is one architecture's root file system", "[declared]") {
  Repo repo;
  const auto of = [&](const std::string& path, const std::string& text) { return declared(repo.write(path, text), text); };
  // sleepgod/docker-OpenWrt (Part ZZZZZZT): the OpenWrt x86-64 rootfs, fetched in a builder stage.
  CHECK(of("openwrt/Dockerfile",
           "FROM alpine AS builder\n"
           "ENV base=https://github.com/o/releases/download/2021.04.17/\n"
           "ENV file=openwrt-x86-64-generic-rootfs.tar.gz\n"
           "RUN wget -q \"$base$file\" && mkdir /rootfs && tar xf \"$file\" -C /rootfs\n"
           "FROM scratch\nCOPY --from=builder /rootfs/ /\nCMD [\"/bin/sh\"]\n") ==
        "linux/amd64 <- the image's whole userland (FROM scratch, with linux/amd64's root file system: "
        "openwrt-x86-64-generic-rootfs.tar.gz)");
  CHECK(of("alpine/Dockerfile", "FROM scratch\nADD alpine-minirootfs-3.19.1-aarch64.tar.gz /\nCMD [\"/bin/sh\"]\n") ==
        "linux/arm64 <- the image's whole userland (FROM scratch, with linux/arm64's root file system: "
        "alpine-minirootfs-3.19.1-aarch64.tar.gz)");
  // Chosen per target, a program rather than a userland, or two architectures: nothing declared.
  CHECK(of("multi/Dockerfile", "FROM scratch\nARG TARGETARCH\nADD rootfs-${TARGETARCH}.tar.gz /\n") == "none");
  CHECK(of("tool/Dockerfile", "FROM scratch\nCOPY tool-linux-amd64 /tool\nENTRYPOINT [\"/tool\"]\n") == "none");
  CHECK(of("two/Dockerfile", "FROM scratch\nADD rootfs-x86_64.tar.xz /\nADD overlay-aarch64.tar.xz /\n") == "none");
}

TEST_CASE("workflows: platforms an earlier step writes to GITHUB_OUTPUT or GITHUB_ENV", "[declared]") {
  Repo repo;
  // Steam-Headless/docker-steam-headless (Part ZZZZZZP): a prepare step writes docker_platforms,
  // build-push-action reads ${{ steps.prepare.outputs.docker_platforms }}.
  repo.write(".github/workflows/build.yml", R"(
on: push
jobs:
  outputs:
    runs-on: ubuntu-latest
    steps:
      - id: prepare
        run: |
          echo "docker_image=example/headless" >> $GITHUB_OUTPUT
          echo "docker_platforms=linux/amd64" >> $GITHUB_OUTPUT
      - uses: docker/build-push-action@v6
        with:
          file: Dockerfile.debian
          platforms: ${{ steps.prepare.outputs.docker_platforms }}
  set-output:
    runs-on: ubuntu-latest
    steps:
      - id: prep
        run: |
          DOCKER_PLATFORMS=linux/amd64,linux/arm/v7
          echo ::set-output name=platforms::${DOCKER_PLATFORMS}
      - uses: docker/build-push-action@v6
        with:
          file: legacy/Dockerfile
          platforms: ${{ steps.prep.outputs.platforms }}
  env:
    runs-on: ubuntu-latest
    steps:
      - run: echo "PLATFORMS=linux/arm64" >> "$GITHUB_ENV"
      - run: docker buildx build --platform "$PLATFORMS" -f env/Dockerfile .
  undecided:
    runs-on: ubuntu-latest
    steps:
      - id: pick
        run: |
          if [ "$GITHUB_REF" = refs/heads/main ]; then
            echo "platforms=linux/amd64,linux/arm64" >> $GITHUB_OUTPUT
          else
            echo "platforms=linux/amd64" >> $GITHUB_OUTPUT
          fi
      - uses: docker/build-push-action@v6
        with:
          file: undecided/Dockerfile
          platforms: ${{ steps.pick.outputs.platforms }}
)");
  CHECK(declared(repo.write("Dockerfile.debian", kPlain)) == "linux/amd64 <- .github/workflows/build.yml job outputs");
  CHECK(declared(repo.write("legacy/Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm/v7 <- .github/workflows/build.yml job set-output");
  CHECK(declared(repo.write("env/Dockerfile", kPlain)) == "linux/arm64 <- .github/workflows/build.yml job env");
  // Two values, chosen at run time: not known.
  CHECK(declared(repo.write("undecided/Dockerfile", kPlain)) == "none");
}

TEST_CASE("a local composite action's steps build as the job's, with the inputs the step passes", "[declared][hosted-ci]") {
  Repo repo;
  repo.write(".github/workflows/release.yml", R"(
on: push
jobs:
  dev-builder:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/build-image
        with:
          dockerfile: docker/dev-builder/centos/Dockerfile
          platforms: linux/amd64
      - uses: ./.github/actions/build-image
        with:
          dockerfile: docker/dev-builder/ubuntu/Dockerfile
  plain:
    runs-on: ubuntu-24.04-arm
    steps:
      - uses: ./.github/actions/plain-build
)");
  repo.write(".github/actions/build-image/action.yml", R"(
name: build-image
inputs:
  dockerfile: {required: true}
  platforms: {default: "linux/amd64,linux/arm64"}
runs:
  using: composite
  steps:
    - uses: docker/build-push-action@v6
      with:
        file: ${{ inputs.dockerfile }}
        platforms: ${{ inputs.platforms }}
)");
  repo.write(".github/actions/plain-build/action.yml", R"(
runs:
  using: composite
  steps:
    - shell: bash
      run: docker build -f docker/plain/Dockerfile .
)");
  CHECK(declared(repo.write("docker/dev-builder/centos/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/release.yml job dev-builder");
  CHECK(declared(repo.write("docker/dev-builder/ubuntu/Dockerfile", kPlain)) ==
        "linux/amd64, linux/arm64 <- .github/workflows/release.yml job dev-builder");
  CHECK(declared(repo.write("docker/plain/Dockerfile", kPlain)) ==
        "linux/arm64 <- .github/workflows/release.yml job plain (no platform named: the ubuntu-24.04-arm runner's)");
}

TEST_CASE("a local Docker container action is built on the runner of the job that uses it", "[declared][hosted-ci]") {
  Repo repo;
  // kbst/catalog (Part OA): `uses: ./.github/actions/updater`, whose action.yaml runs its Dockerfile.
  repo.write(".github/workflows/updater.yml",
             "on: schedule\njobs:\n  update:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
             "      - uses: ./.github/actions/updater\n      - uses: ./\n      - uses: ./.github/actions/node-action\n");
  repo.write(".github/actions/updater/action.yaml", "name: updater\nruns:\n  using: docker\n  image: Dockerfile\n");
  repo.write(".github/actions/node-action/action.yml", "name: n\nruns:\n  using: node20\n  main: index.js\n");
  repo.write(".github/actions/node-action/Dockerfile", kPlain);
  CHECK(declared(repo.write(".github/actions/updater/Dockerfile", kPlain)) ==
        "linux/amd64 <- .github/workflows/updater.yml job update (no platform named: the ubuntu-latest runner's)");
  CHECK(declared(repo.root / ".github/actions/node-action/Dockerfile") == "none");
  // The repository's own published actions (`uses: ./`, `uses: ./lint-action`, hckops/actions) are
  // built on their users' runners, any architecture.
  repo.write("action.yml", "name: published\nruns:\n  using: docker\n  image: Dockerfile\n");
  CHECK(declared(repo.write("Dockerfile", kPlain)) == "none");
  repo.write(".github/workflows/test.yml",
             "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./lint-action\n");
  repo.write("lint-action/action.yml", "name: lint\nruns:\n  using: docker\n  image: Dockerfile\n");
  CHECK(declared(repo.write("lint-action/Dockerfile", kPlain)) == "none");
}

TEST_CASE("a build script that sets its Dockerfile in two branches builds either", "[declared][hosted-ci]") {
  Repo repo;
  repo.write(".travis.yml", "script: bash ci/build.sh\n");
  repo.write("ci/build.sh",
             "#!/bin/bash\nif [ \"$GPU\" = slim ]; then\n  DOCKERFILE=Dockerfile.slim\nelse\n  DOCKERFILE=Dockerfile.full\nfi\n"
             "docker build -f docker/$DOCKERFILE -t image .\n");
  CHECK(declared(repo.write("docker/Dockerfile.slim", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  CHECK(declared(repo.write("docker/Dockerfile.full", kPlain)) ==
        "linux/amd64 <- .travis.yml job (no platform named: Travis CI's amd64 machine)");
  // A script beside the Dockerfile, read on its own: its two platform lists are each a build.
  Repo other;
  other.write("build.sh",
              "if [ \"$1\" = all ]; then\n  P=linux/amd64,linux/arm64\nelse\n  P=linux/amd64\nfi\n"
              "docker buildx build --platform $P -t x .\n");
  CHECK(declared(other.write("Dockerfile", kPlain)) == "linux/amd64, linux/arm64 <- build.sh");
}

TEST_CASE("a file that names one device architecture only, by hand, is built for that device", "[declared]") {
  // tomaszderkowski/spotifyd-docker ("for RaspbianOS", a plain docker build on the Pi):
  // spotifyd's armv6 build on debian:stable, nothing else declared.
  Repo repo;
  const std::string spotifyd =
      "FROM debian:stable\nENV V=0.2.24\n"
      "RUN wget https://github.com/Spotifyd/spotifyd/releases/download/v${V}/"
      "spotifyd-linux-armv6-slim.tar.gz && tar -xf spotifyd-linux-armv6-slim.tar.gz\n";
  const auto pi = repo.write("Dockerfile", spotifyd);
  CHECK(declared(pi, spotifyd) ==
        "linux/arm/v6 <- the file's content (every architecture it names is linux/arm/v6, a device's, with no switch on "
        "the target)");
  // An s390x toolchain chosen by hand (SamYuan1990/wireguardTest) is the same.
  const std::string go = "FROM ubuntu:20.04\nADD https://go.dev/dl/go1.15.3.linux-s390x.tar.gz /\n";
  CHECK(declared(repo.write("s390x-go/Dockerfile", go), go).rfind("linux/s390x <- the file's content", 0) == 0);
  // Twins: an amd64 or arm64 asset is what a developer's own machine runs, not a sign of
  // intent; two architectures, or a switch on the target, are a multi-platform design.
  for (const std::string text :
       {"FROM debian:12\nRUN wget https://x.org/tool-linux-amd64.tar.gz\n",
        "FROM debian:12\nRUN wget https://x.org/tool-linux-arm64.tar.gz\n",
        "FROM debian:12\nRUN wget https://x.org/tool-linux-armv7.tar.gz https://x.org/tool-linux-amd64.tar.gz\n",
        "FROM debian:12\nARG TARGETARCH\n"
        "RUN if [ \"$TARGETARCH\" = arm ]; then wget https://x.org/tool-linux-armv7.tar.gz; fi\n"}) {
    INFO(text);
    CHECK(declared(repo.write("twin/Dockerfile", text), text) == "none");
  }
  // A declaration wins: a plain build on an amd64 runner makes an amd64 image whatever it holds.
  repo.write(".github/workflows/ci.yml",
             "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t x .\n");
  CHECK(declared(pi, spotifyd).rfind("linux/amd64 <- .github/workflows/ci.yml", 0) == 0);
}
