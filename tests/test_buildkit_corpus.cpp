// BuildKit's own parser tests (../shared/corpora/buildkit-parser): our dump must equal
// each case's `result` byte for byte, and the negative cases must be rejected.
#include <catch2/catch.hpp>

#include "analyzer/dockerfile/ast.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace mal;

TEST_CASE("BuildKit testfiles: the dump equals BuildKit's result", "[parser][buildkit]") {
  const fs::path root = test::sharedDir() / "corpora/buildkit-parser/testfiles";
  REQUIRE(fs::is_directory(root));
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto dockerfile = entry.path() / "Dockerfile";
    const auto expected = entry.path() / "result";
    if (!fs::exists(dockerfile) || !fs::exists(expected)) continue;
    ++cases;
    INFO("case " << entry.path().filename().string());
    const auto parsed = dockerfile::parse(SourceText(dockerfile.string(), test::readFile(dockerfile)));
    REQUIRE_FALSE(parsed.error.has_value());
    CHECK(dockerfile::buildkitDump(*parsed.dockerfile) == test::readFile(expected));
  }
  CHECK(cases == 33);
}

TEST_CASE("BuildKit testfiles-negative: every case is rejected with a message", "[parser][buildkit]") {
  const fs::path root = test::sharedDir() / "corpora/buildkit-parser/testfiles-negative";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto dockerfile = entry.path() / "Dockerfile";
    ++cases;
    INFO("case " << entry.path().filename().string());
    const auto parsed = dockerfile::parse(SourceText(dockerfile.string(), test::readFile(dockerfile)));
    REQUIRE(parsed.error.has_value());
    CHECK_FALSE(parsed.error->message.empty());
    CHECK(parsed.error->describe().rfind("dockerfile parse error on line ", 0) == 0);
  }
  CHECK(cases == 4);
}

TEST_CASE("BuildKit testfile-line: instruction line spans", "[parser][buildkit]") {
  const auto path = test::sharedDir() / "corpora/buildkit-parser/testfile-line/Dockerfile";
  const auto parsed = dockerfile::parse(SourceText(path.string(), test::readFile(path)));
  REQUIRE(parsed.dockerfile.has_value());
  const auto& in = parsed.dockerfile->instructions;
  REQUIRE(in.size() == 3);
  CHECK((in[0].startLine == 5 && in[0].endLine == 5));
  CHECK((in[1].startLine == 11 && in[1].endLine == 12));
  CHECK((in[2].startLine == 17 && in[2].endLine == 31));
}
