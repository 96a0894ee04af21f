// Image references, normalised the way Docker does it.
#include <catch2/catch.hpp>

#include "analyzer/registry/reference.h"

using mal::registry::parseReference;

namespace {
std::string normal(const std::string& text) {
  std::string error;
  const auto ref = parseReference(text, error);
  INFO(text << ": " << error);
  REQUIRE(ref.has_value());
  return ref->str();
}
std::string rejected(const std::string& text) {
  std::string error;
  CHECK_FALSE(parseReference(text, error).has_value());
  return error;
}
const std::string kDigest = "sha256:" + std::string(64, 'a');
}  // namespace

TEST_CASE("references normalise like Docker's", "[registry][reference]") {
  CHECK(normal("alpine") == "docker.io/library/alpine:latest");
  CHECK(normal("alpine:3.20") == "docker.io/library/alpine:3.20");
  CHECK(normal("bitnami/redis:7") == "docker.io/bitnami/redis:7");
  CHECK(normal("index.docker.io/library/ubuntu") == "docker.io/library/ubuntu:latest");
  CHECK(normal("ghcr.io/org/team/app:v1.2.3") == "ghcr.io/org/team/app:v1.2.3");
  CHECK(normal("localhost/app") == "localhost/app:latest");
  CHECK(normal("127.0.0.1:5000/app:dev") == "127.0.0.1:5000/app:dev");
  CHECK(normal("[::1]:5000/app") == "[::1]:5000/app:latest");
  CHECK(normal("alpine@" + kDigest) == "docker.io/library/alpine@" + kDigest);
  CHECK(normal("alpine:3.20@" + kDigest) == "docker.io/library/alpine:3.20@" + kDigest);
  CHECK(normal("my-registry:5000/a__b/c-d.e") == "my-registry:5000/a__b/c-d.e:latest");
}

TEST_CASE("the API host, and loopback registries", "[registry][reference]") {
  std::string error;
  CHECK(parseReference("alpine", error)->apiHost() == "registry-1.docker.io");
  CHECK(parseReference("quay.io/x/y", error)->apiHost() == "quay.io");
  CHECK(parseReference("127.0.0.1:5000/x", error)->isLoopback());
  CHECK(parseReference("localhost:5000/x", error)->isLoopback());
  CHECK(parseReference("[::1]:5000/x", error)->isLoopback());
  CHECK_FALSE(parseReference("registry.example.com:5000/x", error)->isLoopback());
  CHECK_FALSE(parseReference("alpine", error)->isLoopback());
}

TEST_CASE("invalid references give a one-line reason", "[registry][reference]") {
  CHECK(rejected("Alpine").find("not a valid repository name component") != std::string::npos);
  CHECK(rejected("alpine:").find("not a valid tag") != std::string::npos);
  CHECK(rejected("alpine@sha256:abc").find("not a valid digest") != std::string::npos);
  CHECK(rejected("ghcr.io/").find("names no repository") != std::string::npos);
  CHECK(rejected("a//b").find("not a valid repository name component") != std::string::npos);
  CHECK(rejected("").find("1 to 4096") != std::string::npos);
  CHECK(rejected(std::string(300, 'a') + "/" + std::string(10, 'b')).find("longer than 255") != std::string::npos);
}
