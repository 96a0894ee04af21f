#include <catch2/catch.hpp>

#include "analyzer/dockerfile/expand.h"

using mal::dockerfile::Environment;
using mal::dockerfile::expandWord;

TEST_CASE("variable expansion follows BuildKit's operators", "[expand]") {
  const Environment env = {
      {"ARCH", "arm64"}, {"EMPTY", ""}, {"DECLARED", std::nullopt}, {"PLATFORM", "linux/arm/v7"}, {"FILE", "archive.tar.gz"}};
  CHECK(expandWord("x-$ARCH-${ARCH}", env).value == "x-arm64-arm64");
  CHECK(expandWord("${EMPTY:-dflt}", env).value == "dflt");
  CHECK(expandWord("${EMPTY-dflt}", env).value.empty());
  CHECK(expandWord("${MISSING-dflt}", env).value == "dflt");
  CHECK(expandWord("${ARCH:+set}", env).value == "set");
  CHECK(expandWord("${EMPTY:+set}", env).value.empty());
  CHECK(expandWord("${EMPTY+set}", env).value == "set");
  CHECK(expandWord("${PLATFORM#*/}", env).value == "arm/v7");
  CHECK(expandWord("${PLATFORM##*/}", env).value == "v7");
  CHECK(expandWord("${FILE%.*}", env).value == "archive.tar");
  CHECK(expandWord("${FILE%%.*}", env).value == "archive");
  CHECK(expandWord("${PLATFORM/\\//-}", env).value == "linux-arm/v7");
  CHECK(expandWord("${PLATFORM//\\//-}", env).value == "linux-arm-v7");
  CHECK(expandWord("'$ARCH' \"$ARCH\" \\$ARCH", env).value == "$ARCH arm64 $ARCH");
}

TEST_CASE("expansion reports what it referenced and what was unset", "[expand]") {
  const auto e = expandWord("${TARGETARCH:-amd64}/$DECLARED/$ARCH", {{"ARCH", "x"}, {"DECLARED", std::nullopt}});
  CHECK(e.value == "amd64//x");
  CHECK(e.referenced == std::set<std::string>{"TARGETARCH", "DECLARED", "ARCH"});
  CHECK(e.unset == std::set<std::string>{"TARGETARCH", "DECLARED"});
}
