// BuildKit's own parser tests (../shared/corpora/buildkit-parser): our dump must equal
// each case's `result` byte for byte, and the negative cases must be rejected.
#include <catch2/catch.hpp>

#include "analyzer/dockerfile/ast.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace mal;

namespace {

// How many cases the corpus says a folder holds (its SOURCE.md table: "| `testfiles/<case>/` | 33 |"),
// so that a case lost in a copy fails here, and no count is copied into the test.
int documentedCases(const std::string& folder) {
  const std::string sourceMd = test::readFile(test::sharedDir() / "corpora/buildkit-parser/SOURCE.md");
  const std::string row = "| `" + folder + "/<case>/` | ";
  const size_t at = sourceMd.find(row);
  if (at == std::string::npos) return -1;
  return std::stoi(sourceMd.substr(at + row.size()));
}

}  // namespace

TEST_CASE("BuildKit testfiles: the dump equals BuildKit's result", "[parser][buildkit]") {
  const fs::path root = test::sharedDir() / "corpora/buildkit-parser/testfiles";
  REQUIRE(fs::is_directory(root));
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto dockerfile = entry.path() / "Dockerfile";
    const auto expected = entry.path() / "result";
    ++cases;
    INFO("case " << entry.path().filename().string());
    REQUIRE(fs::exists(dockerfile));
    REQUIRE(fs::exists(expected));
    const auto parsed = dockerfile::parse(SourceText(dockerfile.string(), test::readFile(dockerfile)));
    REQUIRE_FALSE(parsed.error.has_value());
    CHECK(dockerfile::buildkitDump(*parsed.dockerfile) == test::readFile(expected));
  }
  CHECK(cases == documentedCases("testfiles"));
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
  CHECK(cases == documentedCases("testfiles-negative"));
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
