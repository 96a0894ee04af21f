// How MA150 (and the rules that quote a copied path) name the architecture a path carries:
// the words a person reads in the message.
#include <catch2/catch.hpp>

#include "rules/dockerfile/arch_named_paths.h"

using namespace mal;

namespace {
std::string kindOf(std::string_view path) {
  const auto found = rules::archNamedInPath(path);
  return found ? found->kind : "none";
}
}  // namespace

TEST_CASE("an architecture in a copied path is named as what it is", "[arch-named-paths]") {
  // A wheel's platform tag reads like a GOOS-GOARCH pair but is a Python package
  // (alexeygrigorev/serverless-deep-learning, bench/precision Part MN).
  CHECK(kindOf("tflite/tflite_runtime-2.2.0-cp37-cp37m-linux_x86_64.whl") == "a Python wheel built for x86_64");
  CHECK(kindOf("hugo_extended_0.111.3_linux-amd64.deb") == "a package built for amd64");
  // A release archive or build directory named for an OS and architecture.
  CHECK(kindOf("teeworlds-0.7.4-linux_x86_64.tar.gz") == "a linux-x86_64 build");
  CHECK(kindOf("bin/linux-amd64/app") == "a linux-amd64 build");
  CHECK(kindOf("target/x86_64-unknown-linux-musl/release/app") == "the x86_64-unknown-linux-musl target directory");
  CHECK(kindOf("dist/amd64/app") == "a per-architecture build directory (amd64/)");
  CHECK(kindOf("curl-amd64") == "a program named for amd64");
  CHECK(kindOf("wheels/requests-2.31.0-py3-none-any.whl") == "none");
}
