// A cross-toolchain image read as built for its x86-64 build host (fromCrossToolchainImage),
// each form with the twin that must not be read so.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analyzer/context/declared_platforms.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

// What the file alone says, in a directory below the repository root: "linux/amd64 <- source" or "none".
std::string crossImage(const std::string& text, const std::string& directory = "docker") {
  const auto parsed = dockerfile::parse(SourceText("Dockerfile", text));
  REQUIRE(parsed.dockerfile);
  const auto found = context::fromCrossToolchainImage(*parsed.dockerfile, directory);
  if (!found) return "none";
  return platformList(found->platforms) + " <- " + found->source;
}

const std::string kHostNote = " (no platform argument, no pinned base: such build images run on an x86-64 build host)";

}  // namespace

TEST_CASE("a cross-toolchain image: the target configured in a variable or a compiler setting", "[declared][cross]") {
  // koalaman/shellcheck's builders/linux.aarch64: ENV TARGET, gcc-$TARGET, a cross GHC.
  CHECK(crossImage("FROM ubuntu:25.04\nENV TARGET=aarch64-linux-gnu\n"
                   "RUN apt-get install -y \"gcc-$TARGET\" ghc\n"
                   "RUN curl -L https://downloads.haskell.org/cabal-x86_64-linux.tar.xz | tar xJ\n") ==
        "linux/amd64 <- a cross-toolchain image for aarch64-linux-gnu" + kHostNote);
  // rust-lang/rustup's ci/docker/<triple>: cargo's linker and the cc crate's compiler.
  CHECK(crossImage("FROM rust-powerpc-unknown-linux-gnu\nRUN apt-get install -qy gcc-multilib\n"
                   "ENV CC_powerpc_unknown_linux_gnu=powerpc-unknown-linux-gnu-gcc \\\n"
                   "    CARGO_TARGET_POWERPC_UNKNOWN_LINUX_GNU_LINKER=powerpc-unknown-linux-gnu-gcc\n") ==
        "linux/amd64 <- a cross-toolchain image for powerpc-unknown-linux-gnu" + kHostNote);
  // Its Solaris image names Rust's SPARC architecture, `sparcv9` (GNU spells it `sparc64`).
  CHECK(crossImage("FROM rust-sparcv9-sun-solaris\nRUN apt-get install -qy gcc-multilib libclang-dev\n"
                   "ENV CC_sparcv9_sun_solaris=sparcv9-solaris-gcc \\\n"
                   "    CARGO_TARGET_SPARCV9_SUN_SOLARIS_LINKER=sparcv9-solaris-gcc\n",
                   "ci/docker/sparcv9-sun-solaris") ==
        "linux/amd64 <- a cross-toolchain image for sparcv9-sun-solaris" + kHostNote);
  CHECK(crossImage("FROM debian:bookworm\nENV CC=riscv64-linux-gnu-gcc\nRUN make\n") ==
        "linux/amd64 <- a cross-toolchain image for riscv64-linux-gnu" + kHostNote);
  // A custom cross-rs image, as cross-rs's docs write one.
  CHECK(crossImage("ARG CROSS_BASE_IMAGE\nFROM $CROSS_BASE_IMAGE\nRUN apt-get install -y protobuf-compiler\n") ==
        "linux/amd64 <- a cross-toolchain image for a cross-rs target" + kHostNote);
}

TEST_CASE("a cross-toolchain image: compilers installed count where they exist only for other hosts", "[declared][cross]") {
  // rqlite's CircleCI image: cross compilers for several targets, the first for Windows.
  CHECK(crossImage("FROM cimg/go:1.25\nRUN apt-get install -y gcc-mingw-w64-x86-64-posix gcc-aarch64-linux-gnu\n",
                   ".circleci/images/circleci-primary") ==
        "linux/amd64 <- a cross-toolchain image for aarch64-linux-gnu" + kHostNote);
  // A Windows cross compiler exists for every host: a general CI image that has one says
  // nothing (facebook/rocksdb's build_tools images) ...
  CHECK(crossImage("FROM ubuntu:22.04\nRUN apt-get install -y mingw-w64 openjdk-8-jdk\n", "build_tools/ubuntu22_image") ==
        "none");
  // ... unless the directory names the target.
  CHECK(crossImage("FROM ubuntu:22.04\nRUN apt-get install -y mingw-w64\n", "builders/windows.x86_64") ==
        "linux/amd64 <- a cross-toolchain image for x86_64-w64-mingw32" + kHostNote);
  CHECK(crossImage("FROM debian:bookworm\nRUN apt-get install -y crossbuild-essential-armhf\n", "ci/armhf") ==
        "linux/amd64 <- a cross-toolchain image for crossbuild-essential-armhf" + kHostNote);
  CHECK(crossImage("FROM debian:bookworm\nRUN apt-get install -y crossbuild-essential-armhf\n", "ci") == "none");
}

TEST_CASE("not a cross-toolchain image: platform arguments, pins, native targets", "[declared][cross]") {
  // BuildKit's platform arguments: a multi-platform file cross-compiling the right way.
  CHECK(crossImage("FROM --platform=$BUILDPLATFORM debian:bookworm\nARG TARGETARCH\n"
                   "RUN apt-get install -y gcc-aarch64-linux-gnu\n") == "none");
  CHECK(crossImage("FROM debian:bookworm\nRUN apt-get install -y gcc-aarch64-linux-gnu\n"
                   "RUN <<EOF\nif [ \"$TARGETARCH\" = arm64 ]; then make; fi\nEOF\n") == "none");
  // A base image or a stage fixed to an architecture says what the file is for.
  CHECK(crossImage("FROM arm64v8/debian:bookworm\nENV CC=aarch64-linux-gnu-gcc\n") == "none");
  CHECK(crossImage("FROM --platform=linux/amd64 debian:bookworm\nENV CC=aarch64-linux-gnu-gcc\n") == "none");
  // cargo configured for x86-64 and aarch64 alike builds natively on either (ephpm's CI image).
  CHECK(crossImage("FROM ubuntu:24.04\nENV CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \\\n"
                   "    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc\n") == "none");
  // An i686 target is a multilib build (wasmtime's ci/docker/i686-linux): no cross compiler,
  // but the x86-64 host's own gcc with -m32, so the image is the host's, not linux/386 as the
  // directory's name would say (its x86-64 ninja download is no break).
  CHECK(crossImage("FROM almalinux:8\nRUN dnf install -y gcc glibc-devel.i686\nENV CC_i686-unknown-linux-gnu=gcc\n",
                   "ci/docker/i686-linux") == "linux/amd64 <- a multilib build image for i686-unknown-linux-gnu" + kHostNote);
  // Configured for x86-64 as well, it builds natively wherever it runs.
  CHECK(crossImage("FROM ubuntu:24.04\nENV CC_i686_unknown_linux_gnu=gcc CC_x86_64_unknown_linux_gnu=gcc\n") == "none");
  // Words that only look like triples or compilers.
  CHECK(crossImage("FROM debian:bookworm\nENV TARGET=release HOST=example.com\nRUN apt-get install -y gcc-12\n") == "none");
  // A toolchain whose host triple is its target is a native one, built where it runs
  // (MarvellServer/ThunderX-HPC-Containers' LLVM 10 image for ThunderX machines).
  CHECK(crossImage("FROM ubuntu:18.04\nENV TRIPLET_TARGET=aarch64-linux-gnu\nENV TRIPLET_HOST=aarch64-linux-gnu\n"
                   "RUN cmake -DLLVM_HOST_TRIPLE=${TRIPLET_HOST} -DLLVM_DEFAULT_TARGET_TRIPLE=${TRIPLET_TARGET} ../llvm\n") ==
        "none");
  // Its twins: autoconf's and Gentoo's host (`CHOST`) is where the built code runs, the cross
  // target itself; and a compiler host of another architecture than the target is a cross one.
  CHECK(crossImage("FROM debian:bookworm\nENV CROSS_TRIPLE=aarch64-linux-gnu CHOST=aarch64-linux-gnu\n") ==
        "linux/amd64 <- a cross-toolchain image for aarch64-linux-gnu" + kHostNote);
  CHECK(crossImage("FROM debian:bookworm\nENV TRIPLET_TARGET=riscv64-linux-gnu TRIPLET_HOST=aarch64-linux-gnu\n") ==
        "linux/amd64 <- a cross-toolchain image for riscv64-linux-gnu" + kHostNote);
}

TEST_CASE("a cross-toolchain image wins over its directory's name, not over a file named for an architecture",
          "[declared][cross]") {
  char tmpl[] = "/tmp/mal-cross-XXXXXX";
  const fs::path root = mkdtemp(tmpl);
  fs::create_directories(root / ".git");
  fs::create_directories(root / "ci" / "docker" / "aarch64-linux");
  const std::string text = "FROM ubuntu:25.04\nENV TARGET=aarch64-linux-gnu\nRUN apt-get install -y \"gcc-$TARGET\"\n";
  const auto inDirectory = context::findDeclaredPlatforms(root / "ci" / "docker" / "aarch64-linux" / "Dockerfile", text);
  REQUIRE(inDirectory);
  CHECK(platformList(inDirectory->platforms) == "linux/amd64");
  // The same directory without a cross setting: its name is the platform (a target triple's
  // directory, as wasmtime's ci/docker).
  const auto plain =
      context::findDeclaredPlatforms(root / "ci" / "docker" / "aarch64-linux" / "Dockerfile", "FROM ubuntu:25.04\n");
  REQUIRE(plain);
  CHECK(platformList(plain->platforms) == "linux/arm64");
  // `Dockerfile.aarch64` is the arm64 image of a per-architecture pair, whatever it compiles.
  const auto named = context::findDeclaredPlatforms(root / "Dockerfile.aarch64", text);
  REQUIRE(named);
  CHECK(platformList(named->platforms) == "linux/arm64");
  fs::remove_all(root);
}
