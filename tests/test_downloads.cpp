// The download model of lint --probe-downloads: each platform-dependent URL spelled out
// per target platform, in the vocabulary of whatever names the architecture.
#include <catch2/catch.hpp>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/downloads.h"
#include "analyzer/dockerfile/stage_graph.h"
#include "test_support.h"

using namespace mal;

namespace {

// "platform url" lines of every download in the file, in order.
std::vector<std::string> downloads(const std::string& text,
                                   const std::string& platforms = "linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le") {
  const SourceText source("Dockerfile", text);
  auto parsed = dockerfile::parse(source);
  REQUIRE(parsed.dockerfile.has_value());
  const auto model = dockerfile::buildModel(*parsed.dockerfile);
  std::vector<std::string> errors;
  const auto graph = dockerfile::buildStageGraph(*parsed.dockerfile, model, parsePlatformList(platforms, errors));
  REQUIRE(errors.empty());
  std::vector<std::string> out;
  for (const auto& d : dockerfile::findDownloads(*parsed.dockerfile, model, graph)) {
    for (const auto& u : d.urls) out.push_back(u.platform.str() + " " + u.url);
  }
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("TARGETARCH, TARGETOS, TARGETPLATFORM, TARGETVARIANT where the stage declares them", "[downloads]") {
  CHECK(downloads("FROM debian\nARG TARGETOS TARGETARCH TARGETVARIANT\n"
                  "RUN curl -fsSLO https://x.example/t-${TARGETOS}-$TARGETARCH${TARGETVARIANT}.tgz\n") ==
        Lines{"linux/amd64 https://x.example/t-linux-amd64.tgz", "linux/arm64 https://x.example/t-linux-arm64.tgz",
              "linux/arm/v7 https://x.example/t-linux-armv7.tgz", "linux/ppc64le https://x.example/t-linux-ppc64le.tgz"});
  // Not declared in the stage: empty in the RUN, so the URL is not complete.
  CHECK(downloads("FROM debian\nRUN curl -fsSLO https://x.example/t-${TARGETARCH}.tgz\n").empty());
  // TARGETPLATFORM holds slashes.
  CHECK(downloads("FROM debian\nARG TARGETPLATFORM\nADD https://x.example/$TARGETPLATFORM/t /t\n", "linux/amd64,linux/arm64") ==
        Lines{"linux/amd64 https://x.example/linux/amd64/t", "linux/arm64 https://x.example/linux/arm64/t"});
}

TEST_CASE("uname -m, dpkg --print-architecture and apk --print-arch each in their own vocabulary", "[downloads]") {
  CHECK(downloads("FROM debian\nRUN wget https://x.example/t-$(uname -m).tgz\n") ==
        Lines{"linux/amd64 https://x.example/t-x86_64.tgz", "linux/arm64 https://x.example/t-aarch64.tgz",
              "linux/arm/v7 https://x.example/t-armv7l.tgz", "linux/ppc64le https://x.example/t-ppc64le.tgz"});
  CHECK(downloads("FROM debian\nRUN curl -O \"https://x.example/t_$(dpkg --print-architecture).deb\"\n") ==
        Lines{"linux/amd64 https://x.example/t_amd64.deb", "linux/arm64 https://x.example/t_arm64.deb",
              "linux/arm/v7 https://x.example/t_armhf.deb", "linux/ppc64le https://x.example/t_ppc64el.deb"});
  CHECK(downloads("FROM alpine\nRUN A=`apk --print-arch` && aria2c https://x.example/t-$A.apk\n", "linux/arm/v7,linux/arm/v6") ==
        Lines{"linux/arm/v7 https://x.example/t-armv7.apk", "linux/arm/v6 https://x.example/t-armhf.apk"});
  CHECK(dockerfile::archProbeOutput({"uname", "-m"}, {"linux", "s390x", ""}) == "s390x");
  CHECK(dockerfile::archProbeOutput({"dpkg", "--print-architecture"}, {"linux", "riscv64", ""}) == "riscv64");
  CHECK(dockerfile::archProbeOutput({"uname", "-r"}, {"linux", "amd64", ""}) == std::nullopt);
}

TEST_CASE("case and if arms the platform takes", "[downloads]") {
  const std::string caseScript =
      "FROM debian\n"
      "RUN arch=\"$(dpkg --print-architecture)\"; \\\n"
      "    case \"$arch\" in \\\n"
      "      amd64) A=x86_64 ;; \\\n"
      "      arm64) A=aarch64 ;; \\\n"
      "      *) A=$arch ;; \\\n"
      "    esac; \\\n"
      "    curl -fsSLO https://x.example/t-$A.tgz\n";
  CHECK(downloads(caseScript) ==
        Lines{"linux/amd64 https://x.example/t-x86_64.tgz", "linux/arm64 https://x.example/t-aarch64.tgz",
              "linux/arm/v7 https://x.example/t-armhf.tgz", "linux/ppc64le https://x.example/t-ppc64el.tgz"});
  // Alternatives and globs in patterns; TARGETARCH as the subject.
  CHECK(downloads("FROM debian\nARG TARGETARCH\n"
                  "RUN case ${TARGETARCH} in amd64|x86_64) A=x64;; arm*) A=arm;; esac && curl -LO https://x.example/$A.zip\n",
                  "linux/amd64,linux/arm64,linux/arm/v7") == Lines{"linux/amd64 https://x.example/x64.zip",
                                                                   "linux/arm64 https://x.example/arm.zip",
                                                                   "linux/arm/v7 https://x.example/arm.zip"});
  CHECK(downloads("FROM debian\n"
                  "RUN if [ \"$(uname -m)\" = \"aarch64\" ]; then A=arm64; else A=amd64; fi; curl -LO https://x.example/$A.zip\n",
                  "linux/amd64,linux/arm64") ==
        Lines{"linux/amd64 https://x.example/amd64.zip", "linux/arm64 https://x.example/arm64.zip"});
  // A download inside an arm runs only on the platforms that take it: a constant URL there does not vary.
  CHECK(downloads(
            "FROM debian\nARG TARGETARCH\n"
            "RUN case $TARGETARCH in amd64) curl -LO https://x.example/a.zip;; arm64) curl -LO https://x.example/b.zip;; esac\n")
            .empty());
}

TEST_CASE("ARG and ENV of the stage and its base stage, and URLs held in variables", "[downloads]") {
  const std::string text =
      "ARG VERSION=1.2\n"
      "FROM debian AS base\n"
      "ARG TARGETARCH\n"
      "ENV BASE_URL=https://x.example/v\n"
      "FROM base\n"
      "ARG VERSION\n"
      "ENV ASSET=t-${VERSION}-${TARGETARCH}.tgz\n"
      "RUN URL=\"$BASE_URL$VERSION/$ASSET\" && curl -fsSL \"$URL\" -o /tmp/t.tgz\n";
  CHECK(downloads(text, "linux/amd64,linux/arm64") ==
        Lines{"linux/amd64 https://x.example/v1.2/t-1.2-amd64.tgz", "linux/arm64 https://x.example/v1.2/t-1.2-arm64.tgz"});
  // An unknown variable (a build arg without a default) leaves the URL out.
  CHECK(downloads("FROM debian\nARG TARGETARCH\nARG VERSION\nRUN curl -LO https://x.example/$VERSION/t-$TARGETARCH\n").empty());
}

TEST_CASE("only stages that run on the target, only URLs that vary", "[downloads]") {
  CHECK(
      downloads("FROM --platform=$BUILDPLATFORM debian\nARG TARGETARCH\nRUN curl -LO https://x.example/t-$TARGETARCH\n").empty());
  CHECK(downloads("FROM --platform=linux/amd64 debian\nRUN curl -LO https://x.example/t-$(uname -m)\n").empty());
  CHECK(downloads("FROM debian\nRUN curl -LO https://x.example/t.tgz\n").empty());
  // Git sources of ADD are clones, not downloads.
  CHECK(downloads("FROM debian\nARG TARGETARCH\nADD https://x.example/r-$TARGETARCH.git /src\n").empty());
}
