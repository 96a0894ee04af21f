// The stage model: where each stage runs for each target platform, which targets build it,
// and what it hands on. Each case is a BuildKit behaviour the model follows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/stage_graph.h"
#include "test_support.h"

using namespace mal;
using dockerfile::Payload;
using dockerfile::StageRuns;

namespace {

struct Graph {
  SourceText source;
  dockerfile::ParsedDockerfile file;
  dockerfile::BuildModel model;
  dockerfile::StageGraph graph;
};

// `byTargetStage`: per stage name, the platforms the project's builds that stop there name
// (platform strings; "" is the last stage).
Graph graphOf(const std::string& text, const std::string& platforms = "linux/amd64,linux/arm64",
              const std::map<std::string, std::string>& byTargetStage = {}) {
  Graph g{SourceText("Dockerfile", text), {}, {}, {}};
  auto parsed = dockerfile::parse(g.source);
  REQUIRE(parsed.dockerfile.has_value());
  g.file = *parsed.dockerfile;
  g.model = dockerfile::buildModel(g.file);
  std::vector<std::string> errors;
  std::map<std::string, std::vector<Platform>> stagePlatforms;
  for (const auto& [stage, list] : byTargetStage) stagePlatforms[stage] = parsePlatformList(list, errors);
  g.graph = dockerfile::buildStageGraph(g.file, g.model, parsePlatformList(platforms, errors), stagePlatforms);
  REQUIRE(errors.empty());
  return g;
}

std::vector<std::string> names(const std::vector<Platform>& platforms) {
  std::vector<std::string> out;
  out.reserve(platforms.size());
  for (const auto& p : platforms) out.push_back(p.str());
  return out;
}

}  // namespace

TEST_CASE("where a stage runs: the target, a pin (also through a global ARG), the build machine", "[stage-graph]") {
  const auto g = graphOf(
      "ARG PIN=linux/amd64\n"
      "FROM --platform=$BUILDPLATFORM golang AS build\n"
      "FROM --platform=${PIN} debian AS pinned\n"
      "FROM --platform=linux/arm64 debian AS literal\n"
      "FROM --platform=$TARGETPLATFORM debian AS explicit\n"
      "FROM build AS child\n"
      "FROM alpine\n");
  const auto& p = g.graph.platform;
  CHECK(p[0].runs == StageRuns::OnBuilder);
  CHECK(p[1].runs == StageRuns::Pinned);
  CHECK(p[1].pinned->str() == "linux/amd64");
  CHECK(p[1].pinnedThroughArg == "PIN");
  CHECK(p[2].runs == StageRuns::Pinned);
  CHECK(p[2].pinnedThroughArg.empty());
  CHECK(p[3].runs == StageRuns::OnTarget);
  // dispatchState.init: a stage based on another takes its platform.
  CHECK(p[4].runs == StageRuns::OnBuilder);
  CHECK(p[4].decidedBy == 0);
  CHECK(p[5].runs == StageRuns::OnTarget);
}

TEST_CASE("FROM name-${TARGETARCH} picks one stage per target, a target without one is reported", "[stage-graph]") {
  const auto g = graphOf(
      "FROM alpine AS base-amd64\n"
      "FROM alpine AS base-arm64\n"
      "FROM base-${TARGETARCH}\n",
      "linux/amd64,linux/arm64,linux/arm/v7");
  CHECK(names(g.graph.targetsReaching(0)) == std::vector<std::string>{"linux/amd64"});
  CHECK(names(g.graph.targetsReaching(1)) == std::vector<std::string>{"linux/arm64"});
  CHECK(names(g.graph.targetsReaching(2)) == std::vector<std::string>{"linux/amd64", "linux/arm64", "linux/arm/v7"});
  REQUIRE(g.graph.missingSelections.size() == 1);
  CHECK(g.graph.missingSelections[0].target.str() == "linux/arm/v7");
  CHECK(g.graph.missingSelections[0].expanded == "base-arm");
  // The amd64 stage's amd64 content breaks nothing; arm64 content there would break amd64.
  CHECK(g.graph.brokenBy(0, *parsePlatform("linux/amd64")).empty());
  CHECK(names(g.graph.brokenBy(0, *parsePlatform("linux/arm64"))) == std::vector<std::string>{"linux/amd64"});
}

TEST_CASE("a global ARG can select the stage, and names only count for earlier stages", "[stage-graph]") {
  const auto g = graphOf(
      "ARG FLAVOUR=build-${TARGETARCH}\n"
      "FROM scratch AS later-user\n"
      "FROM alpine AS build-amd64\n"
      "FROM alpine AS build-arm64\n"
      "FROM ${FLAVOUR}\n");
  REQUIRE(g.graph.baseFor.size() == 4);
  CHECK(g.graph.baseFor[3][0] == 1);
  CHECK(g.graph.baseFor[3][1] == 2);
  CHECK(g.graph.missingSelections.empty());
}

TEST_CASE("what a stage hands on: portable bundles and JARs, native binaries and userlands", "[stage-graph]") {
  const auto g = graphOf(
      "FROM --platform=$BUILDPLATFORM node:20 AS web\nRUN npm ci && npm run build\n"
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS go\nRUN go build -o /out/app .\n"
      "FROM --platform=linux/amd64 maven AS jar\nRUN mvn package\n"
      "FROM --platform=linux/amd64 python:3.12 AS venv\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install numpy\n"
      "FROM debian\n"
      "COPY --from=web /app/dist /srv/www\n"
      "COPY --from=go /out/app /usr/local/bin/app\n"
      "COPY --from=jar /src/target/app.jar /app.jar\n"
      "COPY --from=venv /opt/venv /opt/venv\n");
  CHECK_FALSE(g.graph.shipsNative[0]);
  CHECK(g.graph.shipsNative[1]);
  CHECK_FALSE(g.graph.shipsNative[2]);
  CHECK(g.graph.shipsNative[3]);
  CHECK(g.graph.feedsTargetNatively(1));
  CHECK_FALSE(g.graph.feedsTargetNatively(0));
  // A build-machine stage: its own tools are its business, a binary it ships reaches every target.
  CHECK(g.graph.brokenBy(0, *parsePlatform("linux/amd64")).empty());
  CHECK(names(g.graph.brokenBy(1, *parsePlatform("linux/amd64"))) == std::vector<std::string>{"linux/arm64"});
  // A pinned stage's own platform content is consistent there.
  CHECK(g.graph.brokenBy(3, *parsePlatform("linux/amd64")).empty());
}

TEST_CASE("a FROM scratch stage that runs nothing hands its files on: where they go decides", "[stage-graph]") {
  // The binary passes through `bin` (scratch, COPY only) into a stage on the build machine:
  // a host tool, never in a target image.
  const auto host = graphOf(
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS base\n"
      "FROM base AS build\nRUN go build -o /out/tool .\n"
      "FROM scratch AS bin\nCOPY --from=build /out/tool /tool\n"
      "FROM base AS check\nCOPY --from=bin /tool /usr/bin/tool\nRUN tool check ./...\n");
  CHECK(host.graph.runsNothing[2]);
  CHECK_FALSE(host.graph.runsNothing[3]);
  CHECK_FALSE(host.graph.feedsTargetNatively(1));
  // The same pass-through into a stage of the target platform ships the build machine's binary.
  const auto shipped = graphOf(
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -o /out/tool .\n"
      "FROM scratch AS bin\nCOPY --from=build /out/tool /tool\n"
      "FROM alpine\nCOPY --from=bin /tool /usr/bin/tool\n");
  CHECK(shipped.graph.feedsTargetNatively(0));
  // A scratch stage that is itself the image ships what it holds.
  const auto final = graphOf(
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -o /out/tool .\n"
      "FROM scratch\nCOPY --from=build /out/tool /tool\nENTRYPOINT [\"/tool\"]\n");
  CHECK(final.graph.feedsTargetNatively(0));
}

TEST_CASE("payload of a path, by name and by the toolchain of the stage it comes from", "[stage-graph]") {
  using dockerfile::payloadOfPath;
  CHECK(payloadOfPath("/app/dist", "node") == Payload::Portable);
  CHECK(payloadOfPath("/app/node_modules", "node") == Payload::Portable);
  CHECK(payloadOfPath("/app/node_modules", "node-native") == Payload::Native);
  CHECK(payloadOfPath("/src/target/app.jar", "java") == Payload::Portable);
  CHECK(payloadOfPath("/out/app", "go") == Payload::Native);
  CHECK(payloadOfPath("/usr/lib/libfoo.so.1", "") == Payload::Native);
  CHECK(payloadOfPath("/opt/venv", "python") == Payload::Native);
  CHECK(payloadOfPath("/app/publish", "dotnet") == Payload::Portable);
  CHECK(payloadOfPath("/app/publish", "dotnet-native") == Payload::Native);
  CHECK(payloadOfPath("/", "node") == Payload::Native);
  CHECK(payloadOfPath("/wheels/pkg-1.0-py3-none-any.whl", "python") == Payload::Portable);
  CHECK(payloadOfPath("/wheels/pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "python") == Payload::Native);
}

TEST_CASE("only what the target stage needs is built, a stage nothing uses may be a --target", "[stage-graph]") {
  const auto g = graphOf(
      "FROM alpine AS unused-dev\nRUN apk add gdb\n"
      "FROM alpine AS helper\n"
      "FROM alpine AS base-amd64\nCOPY --from=helper /x /x\n"
      "FROM alpine AS base-arm64\n"
      "FROM amd64/ubuntu@sha256:2aeed98f2fa91c365730dc5d70d18e95e8d53ad4f1bbf4269c3bb625060383f0 AS trigger\n"
      "FROM base-${TARGETARCH}\n");
  CHECK(names(g.graph.targetsReaching(0)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});  // a possible --target
  CHECK(names(g.graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64"});                 // only through base-amd64
  // A stage that nothing uses and that has no instruction after its FROM builds nothing of its
  // own (rarkins/docker-base's Renovate rebuild trigger, Part ZZP): not a root.
  CHECK(g.graph.targetsReaching(4).empty());
  // An unnamed stage nothing uses is never built: --target names a stage, never an index
  // (BuildKit's resolveTarget looks the target up by name). One used by index is built.
  const auto leftover = graphOf(
      "FROM --platform=linux/amd64 node:17-alpine\n"
      "FROM --platform=linux/amd64 alpine\nRUN make\n"
      "FROM alpine\nCOPY --from=1 /out /out\n");
  CHECK(leftover.graph.targetsReaching(0).empty());
  CHECK(names(leftover.graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  CHECK(names(leftover.graph.targetsReaching(2)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
}

TEST_CASE("a named stage whose one use is commented out is not built", "[stage-graph]") {
  // fuyb999/docker-kde-plasma (Part ZZZZZZZZZZZZZZZZZV): `#COPY --from=caddybuilder ...` above the
  // next instruction; BuildKit builds only what the target stage needs.
  const auto g = graphOf(
      "FROM ubuntu AS caddybuilder\nRUN wget https://x/go1.12.4.linux-amd64.tar.gz\n"
      "FROM ubuntu AS other\nRUN make\n"
      "FROM ubuntu AS mounted\nRUN make\n"
      "FROM ubuntu\n#COPY --from=caddybuilder /opt/caddy/ /opt/caddy/\n# RUN --mount=type=bind,from=mounted,target=/m ls\n"
      "COPY --from=other-stage-name /x /x\n# copy --from=otherwise /y /y\n# the other stage is kept for --target other\n"
      "RUN true\n");
  CHECK(g.graph.targetsReaching(0).empty());
  CHECK(g.graph.targetsReaching(2).empty());
  // Twins: a comment naming the stage in prose, or another stage whose name it begins, leaves
  // the stage a possible --target.
  CHECK(names(g.graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
}

// valueForEveryTarget: the one way rules read a word built from variables.
TEST_CASE("a word's value for every target: defaults are fixed, per-target values and unknowns are not", "[stages][values]") {
  const auto g = graphOf(
      "ARG GLOBAL_ARCH=amd64\n"
      "FROM debian AS base-amd64\nENV LIBDIR=/usr/lib/x86_64-linux-gnu\n"
      "FROM debian AS base-arm64\nENV LIBDIR=/usr/lib/aarch64-linux-gnu\n"
      "FROM base-${TARGETARCH} AS per-target\nRUN ls $LIBDIR\n"
      "FROM debian\nARG ARCH=x86_64\nENV GOARCH_DEFAULT=amd64\nARG GLOBAL_ARCH\nARG NO_DEFAULT\nARG TARGETARCH\n"
      "RUN GOARCH=$GOARCH_DEFAULT go build\n"
      "COPY --from=per-target /x /x\n");
  const size_t last = g.model.stages.size() - 1;
  const size_t before = g.file.instructions.size() - 1;
  auto value = [&](size_t stage, size_t at, const std::string& word) {
    return dockerfile::valueForEveryTarget(g.file, g.model, g.graph, stage, at, word);
  };
  // An ARG default and an ENV: one value, and where each variable got it.
  const auto lib = value(last, before, "/usr/lib/${ARCH}-linux-gnu/$GOARCH_DEFAULT");
  REQUIRE(lib.has_value());
  CHECK(lib->value == "/usr/lib/x86_64-linux-gnu/amd64");
  REQUIRE(lib->bringing("x86_64") != nullptr);
  CHECK(lib->bringing("x86_64")->first == "ARCH");
  CHECK(g.file.instructions[lib->bringing("amd64")->second.instruction].command == "env");
  // `${V:-amd64}` for an ARG declared without a default: the default is the value (a
  // --build-arg would be one value for every target too).
  const auto defaulted = value(last, before, "${NO_DEFAULT:-amd64}");
  REQUIRE(defaulted.has_value());
  CHECK(defaulted->value == "amd64");
  // Not fixed: an automatic platform ARG, a global default re-declared bare in the stage (the
  // caller's to give), a name nothing declares, a word without variables.
  CHECK_FALSE(value(last, before, "tool-$TARGETARCH").has_value());
  CHECK_FALSE(value(last, before, "tool-$GLOBAL_ARCH").has_value());
  CHECK_FALSE(value(last, before, "tool-$FROM_BASE_IMAGE").has_value());
  CHECK_FALSE(value(last, before, "tool-amd64").has_value());
  // A stage based on a per-target stage: its ENV differs per target, so nothing is fixed.
  const auto& perTarget = g.model.stages[2];
  CHECK_FALSE(value(2, perTarget.instructions.back(), "$LIBDIR").has_value());
  // In a RUN, a variable the script assigns itself is the shell's.
  const auto& run = g.model.scripts.back();
  const auto inRun = dockerfile::valueForEveryTarget(g.file, g.model, g.graph, run, "$GOARCH_DEFAULT");
  REQUIRE(inRun.has_value());
  CHECK(inRun->value == "amd64");
  CHECK_FALSE(dockerfile::valueForEveryTarget(g.file, g.model, g.graph, run, "$GOARCH").has_value());
  CHECK_FALSE(dockerfile::valueForEveryTarget(g.file, g.model, g.graph, run, "$(echo $ARCH)").has_value());
}

TEST_CASE("a word's value through ARGs the builds pass: the text around them is still fixed", "[stages][values]") {
  // alexanderfefelov/docker-graalvm (Part ZZZZZZZQ): build-and-push.sh passes JAVA_VERSION and
  // GRAALVM_VERSION (bare ARGs); the archive's name around them says linux-amd64 whatever they are.
  auto g = graphOf(
      "FROM ubuntu:20.04\nARG GRAALVM_VERSION\nARG JAVA_VERSION\n"
      "ARG GRAALVM_STUFF=graalvm-ce-java$JAVA_VERSION-linux-amd64-$GRAALVM_VERSION.tar.gz\n"
      "ARG RUNTIME=linux-x64\nRUN true\n");
  g.graph.argsPassedByBuilds = {"JAVA_VERSION", "GRAALVM_VERSION"};
  const size_t before = g.file.instructions.size() - 1;
  const auto stuff = dockerfile::valueForEveryTarget(g.file, g.model, g.graph, 0, before, "vm-$GRAALVM_VERSION/$GRAALVM_STUFF");
  REQUIRE(stuff.has_value());
  CHECK(stuff->value == "vm-/graalvm-ce-java-linux-amd64-.tar.gz");
  // Twin: a passed ARG whose own value names an architecture (EventStore's RUNTIME, given per
  // architecture by its workflow) makes nothing built from it fixed.
  auto perArchitecture = graphOf(g.source.bytes());
  perArchitecture.graph.argsPassedByBuilds = {"JAVA_VERSION", "RUNTIME"};
  const auto& h = perArchitecture;
  CHECK_FALSE(dockerfile::valueForEveryTarget(h.file, h.model, h.graph, 0, before, "$GRAALVM_STUFF").has_value());
  CHECK_FALSE(dockerfile::valueForEveryTarget(h.file, h.model, h.graph, 0, before, "app-$RUNTIME").has_value());
}

TEST_CASE("a finding under an opt-in build argument is info and names the argument", "[stage-graph][opt-in]") {
  // pytorch/serve docker/Dockerfile: the x86-64 symlinks are made only for the Intel
  // Extension build, which the default (empty) BUILD_WITH_IPEX never asks for.
  const std::string optIn =
      "FROM ubuntu:22.04\nARG BUILD_WITH_IPEX\n"
      "RUN if [ \"$BUILD_WITH_IPEX\" = \"true\" ]; then ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so; fi\n";
  const auto findings = test::lint(optIn);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].ruleId == "MA120");
  CHECK(findings[0].severity == Severity::Info);
  CHECK(findings[0].message.find("only with --build-arg BUILD_WITH_IPEX=true (by default BUILD_WITH_IPEX is empty") !=
        std::string::npos);
  // The same branch on by default, an ENV rather than a build argument, or a `&&` test whose
  // default holds: the default build runs it, the finding stays an error.
  for (
      const std::string onByDefault :
      {"FROM ubuntu:22.04\nARG BUILD_WITH_IPEX=true\n"
       "RUN if [ \"$BUILD_WITH_IPEX\" = \"true\" ]; then ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so; fi\n",
       "FROM ubuntu:22.04\nENV WITH_X=\n"
       "RUN if [ \"$WITH_X\" = \"true\" ]; then ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so; fi\n",
       "FROM ubuntu:22.04\nARG SLIM=no\n"
       "RUN [ \"$SLIM\" != yes ] && ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so\n"}) {
    INFO(onByDefault);
    const auto kept = test::lint(onByDefault);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].severity == Severity::Error);
  }
  // chroma-core/chroma rust/Dockerfile: x86 flags exported only under ENABLE_AVX512=1. An
  // `export` is an assignment, not a command, and is guarded all the same.
  const auto exported = test::lint(
      "FROM gcc:13\nARG ENABLE_AVX512=\n"
      "RUN if [ \"$ENABLE_AVX512\" = \"1\" ]; then export CFLAGS=\"-mavx512f -mavx512dq\" ; fi && make\n");
  REQUIRE(!exported.empty());
  for (const auto& f : exported) {
    if (f.ruleId != "MA131") continue;
    CHECK(f.severity == Severity::Info);
    CHECK(f.message.find("--build-arg ENABLE_AVX512=1") != std::string::npos);
  }
  CHECK(std::count_if(exported.begin(), exported.end(), [](const auto& f) { return f.ruleId == "MA131"; }) == 1);
  // An else branch of a test that holds by default, and `-n` on an empty ARG, are opt-in too.
  const auto elseBranch = test::lint(
      "FROM ubuntu:22.04\nARG SLIM=yes\n"
      "RUN if [ \"$SLIM\" = yes ]; then true; else ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so; fi\n");
  REQUIRE(elseBranch.size() == 1);
  CHECK(elseBranch[0].severity == Severity::Info);
  CHECK(elseBranch[0].message.find("changed from its default ('yes')") != std::string::npos);
  const auto nonEmpty = test::lint(
      "FROM ubuntu:22.04\nARG EXTRA\n"
      "RUN [ -n \"$EXTRA\" ] && ln -s /usr/lib/x86_64-linux-gnu/libjemalloc.so /usr/lib/libjemalloc.so\n");
  REQUIRE(nonEmpty.size() == 1);
  CHECK(nonEmpty[0].severity == Severity::Info);
}

TEST_CASE("a message shows the expanded value of a quoted word where the stage knows it", "[stage-graph][messages]") {
  // Every variable known: the value follows the word as written.
  const auto expanded = test::lint("FROM debian:bookworm\nARG VERSION=1.2.3\nCOPY dist/app_${VERSION}_amd64.deb /tmp/\n");
  REQUIRE(expanded.size() == 1);
  INFO(expanded[0].message);
  CHECK(expanded[0].ruleId == "MA150");
  CHECK(expanded[0].message.find("'dist/app_${VERSION}_amd64.deb' (= 'dist/app_1.2.3_amd64.deb')") != std::string::npos);
  // A variable without a value there stays as written.
  const auto unknown = test::lint("FROM debian:bookworm\nARG VERSION\nCOPY dist/app_${VERSION}_amd64.deb /tmp/\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message.find("(= ") == std::string::npos);
}

TEST_CASE("instructions before the first FROM are one error, as BuildKit stops at the first", "[stage-graph]") {
  // cloudposse/geodesic's Dockerfile.options: a fragment of ENV lines meant to be pasted in.
  const Graph g = graphOf("ENV A=1\nENV B=2\n# a comment\nENV C=3\nFROM alpine\nENV D=4\n");
  REQUIRE(g.model.errors.size() == 1);
  CHECK(g.model.errors[0].message == "no build stage in current context");
  CHECK(g.model.errors[0].span.begin == 0);  // the first ENV
}

TEST_CASE("a stage that fails on purpose for a platform: that platform builds nothing of its root", "[stage-graph]") {
  const std::string text =
      "FROM ubuntu AS base\nARG TARGETARCH\n"
      "RUN case \"$TARGETARCH\" in arm64) echo no; exit 1 ;; *) true ;; esac\n"
      "FROM base AS app\nRUN make\n"
      "FROM alpine AS other\nRUN true\n"
      "FROM app\n";
  const Graph g = graphOf(text);
  // stages: 0 base, 1 app, 2 other (a root of its own), 3 final
  CHECK(names(g.graph.targetsReaching(3)) == std::vector<std::string>{"linux/amd64"});
  CHECK(names(g.graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64"});
  CHECK(names(g.graph.targetsReaching(2)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  // A failing default with an arm for every target turns nothing away.
  const Graph covered = graphOf("FROM ubuntu\nRUN case \"$(uname -m)\" in x86_64) a=x ;; aarch64) a=y ;; *) exit 1 ;; esac\n");
  CHECK(names(covered.graph.targetsReaching(0)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  // Turning every target away is taken as a misreading: nothing is dropped.
  const Graph all = graphOf("FROM ubuntu\nRUN case \"$(uname -m)\" in *) exit 1 ;; esac\n");
  CHECK(names(all.graph.targetsReaching(0)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  // On the build machine a probe answers for the builder, not the target.
  const Graph builder = graphOf(
      "FROM --platform=$BUILDPLATFORM golang AS b\nRUN case \"$(uname -m)\" in aarch64) exit 1 ;; esac\n"
      "FROM alpine\nCOPY --from=b /x /x\n");
  CHECK(names(builder.graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
}

TEST_CASE("a stage the project's builds stop at is built for their platforms only", "[stage-graph]") {
  const std::string text =
      "FROM debian AS base\nRUN true\n"
      "FROM base AS cuda\nRUN true\n"
      "FROM base AS main\nRUN true\n"
      "FROM alpine AS unnamed-by-builds\nRUN true\n"
      "FROM main AS last\n";
  const auto g = graphOf(text, "linux/amd64,linux/arm64", {{"cuda", "linux/amd64"}, {"", "linux/amd64,linux/arm64"}});
  const auto& graph = g.graph;
  CHECK(names(graph.targetsReaching(1)) == std::vector<std::string>{"linux/amd64"});                 // cuda
  CHECK(names(graph.targetsReaching(0)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});  // base, through last
  CHECK(names(graph.targetsReaching(2)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});  // main
  // A stage no build names stays built for every target (a local build may still make it)...
  CHECK(names(graph.targetsReaching(3)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  // ...but none of the named builds makes it (hashicorp/boundary's `dev`, Part ZZZ), while they
  // make what their stages are built from.
  CHECK(graph.builtByNamedTarget == std::vector<bool>{true, true, true, false, true});
  // A name that is no stage: nothing of the map is used.
  const auto unknownGraph = graphOf(text, "linux/amd64,linux/arm64", {{"cuda", "linux/amd64"}, {"nope", "linux/amd64"}});
  const auto& unknown = unknownGraph.graph;
  CHECK(names(unknown.targetsReaching(1)) == std::vector<std::string>{"linux/amd64", "linux/arm64"});
  CHECK(unknown.builtByNamedTarget.empty());
}

TEST_CASE("MA101: an x86 pin whose output runs through the image's x86 emulator breaks only hosts it does not serve",
          "[model][MA101]") {
  // Teriyakidactyl/docker-conan-exiles-server (Part ZZZZZZZZZZZZZA): SteamCMD and amd64 Wine in a
  // linux/amd64 stage, box64 and box86 installed in the final stage for arm hosts.
  const std::string pinned = "FROM --platform=linux/amd64 debian:12 AS server\nRUN /opt/steamcmd/steamcmd.sh +quit\n";
  const std::string box64 =
      pinned + "FROM debian:12\nRUN apt-get update && apt-get install -y box64\nCOPY --from=server /opt /opt\n";
  const std::string plain = pinned + "FROM debian:12\nRUN apt-get update\nCOPY --from=server /opt /opt\n";
  const std::string qemu = pinned +
                           "FROM debian:12\nRUN apt-get update && apt-get install -y qemu-user\nCOPY --from=server /opt /opt\n"
                           "ENTRYPOINT [\"/usr/bin/qemu-x86_64\", \"/opt/server\"]\n";
  auto count = [](const std::string& file, std::vector<Platform> platforms) {
    const auto ids = test::ruleIds(test::lint(file, std::move(platforms)));
    return std::count(ids.begin(), ids.end(), std::string("MA101"));
  };
  const std::vector<Platform> armv7{Platform{"linux", "amd64", ""}, Platform{"linux", "arm", "v7"}};
  CHECK(count(box64, defaultTargetPlatforms()) == 0);
  CHECK(count(plain, defaultTargetPlatforms()) == 1);  // twin: nothing runs the x86 programs on arm64
  CHECK(count(box64, armv7) == 1);                     // box64 is for 64-bit hosts only
  CHECK(count(qemu, armv7) == 0);                      // QEMU's x86 user emulator runs on every host
}
