// Hostile text through the Dockerfile side: matchers that cannot backtrack, bounds that
// hold, and reports that stay well-formed whatever bytes they carry. Every long or
// explosive input is generated here, at test time.
#include <catch2/catch.hpp>
#include <fnmatch.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "analyzer/context/build_context.h"
#include "analyzer/context/dockerignore.h"
#include "analyzer/dockerfile/ast.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/glob.h"
#include "analyzer/text_util.h"
#include "report/reporter.h"
#include "rules/catalog.h"
#include "rules/lint_engine.h"
#include "rules/pragmas.h"

using namespace mal;

namespace {

#ifndef MAL_TIME_FACTOR
#define MAL_TIME_FACTOR 1
#endif

// Seconds since `start`, in release-build seconds: a sanitized build runs the same work several
// times slower, and these bounds only tell a linear run from a runaway one.
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / MAL_TIME_FACTOR;
}

}  // namespace

// ---------------------------------------------------------------------------------
// The shell-pattern matcher, against fnmatch(3) itself on inputs small enough for it.

TEST_CASE("glob: shell patterns match as fnmatch does (random patterns, both modes)", "[glob]") {
  std::mt19937 rng(20261202);
  const std::vector<std::string> atoms = {"a", "b", "/", "*", "?", "[ab]", "[!a]", "[^/]", "[a-c]", "\\*", "."};
  const std::string alphabet = "ab/c.*";
  // Both answers must occur, or the comparison would pass on a matcher that always says one.
  int matched = 0, unmatched = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string pattern;
    for (int n = static_cast<int>(rng() % 6); n >= 0; --n) pattern += atoms[rng() % atoms.size()];
    std::string text;
    for (int n = static_cast<int>(rng() % 7); n > 0; --n) text += alphabet[rng() % alphabet.size()];
    for (const bool pathname : {false, true}) {
      const bool expected = fnmatch(pattern.c_str(), text.c_str(), pathname ? FNM_PATHNAME : 0) == 0;
      INFO("pattern '" << pattern << "' text '" << text << "' pathname " << pathname);
      CHECK(glob::compileShellPattern(pattern, pathname).matches(text) == expected);
      ++(expected ? matched : unmatched);
    }
  }
  CHECK(matched >= 100);
  CHECK(unmatched >= 100);
}

TEST_CASE("glob: prefixes and suffixes come from one pass", "[glob]") {
  const auto star = glob::compileShellPattern("*b", false);
  CHECK(star.matchingPrefixes("abcab") == std::vector<size_t>{2, 5});
  const auto startsB = glob::compileShellPattern("b*", false);
  CHECK(startsB.reversed().matchingPrefixes("bacba") == std::vector<size_t>{1, 4});  // suffixes "b", "bcab" of "abcab"
}

TEST_CASE("glob: a cursor fed a text piece by piece answers as matches() on the whole", "[glob]") {
  // .dockerignore matching feeds a path one segment at a time from its parent's cursor.
  std::mt19937 rng(20261203);
  const std::vector<std::string> atoms = {"a", "b", "/", "*", "?", "[ab]", "[!a]", "[^/]", "\\*", "."};
  const std::string alphabet = "ab/.*";
  int matched = 0, unmatched = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string pattern;
    for (int n = static_cast<int>(rng() % 6); n >= 0; --n) pattern += atoms[rng() % atoms.size()];
    std::string text;
    for (int n = static_cast<int>(rng() % 9); n > 0; --n) text += alphabet[rng() % alphabet.size()];
    for (const bool pathname : {false, true}) {
      const auto matcher = glob::compileShellPattern(pattern, pathname);
      auto cursor = matcher.start();
      for (size_t at = 0; at < text.size();) {
        const size_t piece = std::min<size_t>(text.size() - at, rng() % 4);
        matcher.advance(cursor, std::string_view(text).substr(at, piece));
        at += piece;
      }
      const bool expected = fnmatch(pattern.c_str(), text.c_str(), pathname ? FNM_PATHNAME : 0) == 0;
      INFO("pattern '" << pattern << "' text '" << text << "' pathname " << pathname);
      CHECK(cursor.accepting == expected);
      ++(expected ? matched : unmatched);
    }
  }
  CHECK(matched >= 100);
  CHECK(unmatched >= 100);
  // A spent budget leaves the cursor dead and says so.
  const auto stars = glob::compileShellPattern("*a*a*a*b", false);
  auto cursor = stars.start();
  size_t budget = 50;
  stars.advance(cursor, std::string(100, 'a'), &budget);
  CHECK(budget == 0);
  CHECK(cursor.states.empty());
  CHECK_FALSE(cursor.accepting);
}

TEST_CASE("glob: brackets, closed or not, escaped or first, read as fnmatch reads them", "[glob]") {
  // The close of a bracket is found in one right-to-left pass; this holds it to fnmatch on the
  // hard cases: ']' first, escaped ']', ranges ending in an escape, '[' never closed.
  std::mt19937 rng(20261204);
  const std::vector<std::string> atoms = {"[", "]", "\\]", "\\", "!", "^", "-", "a", "b", "*"};
  const std::string alphabet = "ab[]!-\\";
  int matched = 0, unmatched = 0;
  for (int round = 0; round < 6000; ++round) {
    std::string pattern;
    for (int n = static_cast<int>(rng() % 7); n >= 0; --n) pattern += atoms[rng() % atoms.size()];
    // A pattern ending in a lone '\\' is malformed to fnmatch; here it is a literal '\\'.
    if (pattern.back() == '\\') pattern += 'a';
    std::string text;
    for (int n = static_cast<int>(rng() % 5); n > 0; --n) text += alphabet[rng() % alphabet.size()];
    const bool expected = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
    INFO("pattern '" << pattern << "' text '" << text << "'");
    CHECK(glob::compileShellPattern(pattern, false).matches(text) == expected);
    ++(expected ? matched : unmatched);
  }
  CHECK(matched >= 100);
  CHECK(unmatched >= 100);
}

TEST_CASE("glob: many unclosed brackets compile in linear time", "[glob][adversarial]") {
  // Each '[' used to scan to the pattern's end for its ']': quadratic (found by fuzz.expand).
  const auto start = std::chrono::steady_clock::now();
  const std::string brackets(200000, '[');
  CHECK(glob::compileShellPattern(brackets, false).matches(brackets));
  const std::string escapedClose = brackets + "\\]";  // the only ']' is escaped: still no close
  CHECK(glob::compileShellPattern(escapedClose, false).matches(brackets + "]"));
  CHECK(secondsSince(start) < 5.0);
}

TEST_CASE("glob: patterns that make backtracking matchers explode stay fast", "[glob][adversarial]") {
  const auto start = std::chrono::steady_clock::now();
  std::string pattern;
  for (int i = 0; i < 2000; ++i) pattern += "*a";
  pattern += "*b";
  const std::string text(20000, 'a');  // no 'b': a backtracking matcher tries every split
  CHECK_FALSE(glob::compileShellPattern(pattern, false).matches(text));
  CHECK_FALSE(glob::compileShellPattern(pattern, true).matches(text));
  CHECK(secondsSince(start) < 5.0);
}

// ---------------------------------------------------------------------------------
// .dockerignore, against moby/patternmatcher's own test table (MatchesOrParentMatches).

TEST_CASE(".dockerignore: patternmatcher's table of single patterns", "[context][dockerignore]") {
  struct Case {
    const char* pattern;
    const char* path;
    bool match;
  };
  const Case cases[] = {
      {"**", "file", true},
      {"**", "dir/file", true},
      {"**/", "file", true},
      {"**/**", "dir/file", true},
      {"dir/**", "dir/file", true},
      {"dir/**", "dir/dir2/file", true},
      {"**/dir", "dir", true},
      {"**/dir", "dir/file", true},
      {"**/dir2/*", "dir/dir2/file", true},
      {"**/dir2/**", "dir/dir2/dir3/file", true},
      {"**file", "file", true},
      {"**file", "dir/file", true},
      {"**/file", "dir/dir/file", true},
      {"**/file*", "dir/dir/file.txt", true},
      {"**/file*txt", "dir/dir/file.txt", true},
      {"**/**/*.txt", "dir/dir/file.txt", true},
      {"**/**/*.txt2", "dir/dir/file.txt", false},
      {"**/*.txt", "file.txt", true},
      {"a**/*.txt", "a/dir/dir/file.txt", true},
      {"a/*.txt", "a/dir/file.txt", false},
      {"a/*.txt", "a/file.txt", true},
      {"a/*.txt**", "a/file.txt", true},
      {"a[b-d]e", "ae", false},
      {"a[b-d]e", "ace", true},
      {"a[^b-d]e", "aze", true},
      {".*", ".foo", true},
      {".*", "foo", false},
      {"abc.def", "abcdef", false},
      {"abc?def", "abcZdef", true},
      {"abc?def", "abcdef", false},
      {"**/foo/bar", "dir/dir2/foo/bar", true},
      {"abc/**", "abc", false},
      {"abc/**", "abc/def/ghi", true},
      {"**/.foo", "bar.foo", false},
      {"a(b)c/def", "a(b)c/def", true},
      {"a.|)$(}+{bc", "a.|)$(}+{bc", true},
      {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
      {"a\\\\", "a\\", true},
      {"a\\*b", "a*b", true},
      {"*c", "abc", true},
      {"a*", "ab/c", true},
      {"a*/b", "a/c/b", false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true},
      {"a*b?c*x", "abxbbxdbxebxczzy", false},
      {"ab[^e-g]", "abc", true},
      {"a?b",
       "a\xE2\x98\xBA"
       "b",
       true},
      {"a???b",
       "a\xE2\x98\xBA"
       "b",
       false},
      {"a?b", "a/b", false},
      {"[\\-x]", "-", true},
      {"*x", "xxx", true},
      {"/abs/*", "abs/x", true},
      {"./rel", "rel", true},
      {"a/../b", "b", true},
  };
  for (const auto& c : cases) {
    INFO("pattern '" << c.pattern << "' path '" << c.path << "'");
    const auto ignore = context::DockerIgnore::parse(c.pattern);
    CHECK(ignore.errors().empty());
    CHECK(ignore.excluded(c.path) == c.match);
  }
}

TEST_CASE(".dockerignore: exceptions, comments, BOM and the patterns BuildKit refuses", "[context][dockerignore]") {
  const auto last = context::DockerIgnore::parse("**\n!util/docker/web\n");
  CHECK_FALSE(last.excluded("util/docker/web/foo"));
  CHECK(last.hasExceptions());
  CHECK(context::DockerIgnore::parse("**\n!util/docker/web\nutil/docker/web/foo\n").excluded("util/docker/web/foo"));
  CHECK_FALSE(context::DockerIgnore::parse("docs\n!docs/README.md\n").excluded("docs/README.md"));
  CHECK(context::DockerIgnore::parse("\xEF\xBB\xBF"
                                     "secret\r\n")
            .excluded("secret"));
  // `#` only starts a comment in the first column: BuildKit trims after the check.
  CHECK(context::DockerIgnore::parse("  #x\n").excluded("#x"));
  CHECK_FALSE(context::DockerIgnore::parse("#x\n").excluded("#x"));
  // Each refused with BuildKit's reason (filepath.ErrBadPattern, or the lone `!`), on line 1.
  for (const char* bad : {"[", "a[", "[^bc", "[]a]", "[-]", "[x-]", "[a-b-c]", "\\"}) {
    INFO(bad);
    const auto errors = context::DockerIgnore::parse(bad).errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == ".dockerignore line 1: syntax error in pattern");
  }
  const auto lone = context::DockerIgnore::parse("!").errors();
  REQUIRE(lone.size() == 1);
  CHECK(lone[0] == ".dockerignore line 1: illegal exclusion pattern: \"!\"");
  const std::string longLine(70 * 1024, 'a');
  CHECK(context::DockerIgnore::parse(longLine).errors().at(0).find("64 KiB") != std::string::npos);
}

TEST_CASE(".dockerignore: a long pattern and many ** finish fast", "[context][dockerignore][adversarial]") {
  const auto start = std::chrono::steady_clock::now();
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "**/a*";
  many += "/zzz";
  const auto manyStars = context::DockerIgnore::parse(many + "\n" + std::string(60000, 'x') + "*\n");
  CHECK(manyStars.errors().empty());
  std::string deepPath;
  for (int i = 0; i < 200; ++i) deepPath += "aaaa/";
  deepPath += "file";
  for (int i = 0; i < 2000; ++i) CHECK_FALSE(manyStars.excluded(deepPath + std::to_string(i)));
  // And the long pattern still matches what it names (a matcher that gave up would say "no"
  // above). That the `**` one matches deep paths it names: the next test (audit H7).
  CHECK(manyStars.excluded(std::string(60000, 'x') + "-build"));
  CHECK(secondsSince(start) < 5.0);
}

TEST_CASE(".dockerignore: many `**/a*` against a deep tree, walked as a context is (audit H7)",
          "[context][dockerignore][adversarial]") {
  // Matching every parent of every path again made this take minutes: now each name is
  // read once per pattern from its parent directory's state.
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [repeats, depth] : {std::pair{300, 600}, std::pair{1000, 2000}}) {
    std::string line;
    for (int i = 0; i < repeats; ++i) line += "**/a*";
    const auto ignore = context::DockerIgnore::parse(line + "\n");
    // A directory chain a/a/.../a with a file in each: a path is excluded once `repeats`
    // of its segments start with 'a', so from depth `repeats` on (the file's own name counts).
    std::string dir;
    int wrong = 0;
    for (int d = 1; d <= depth; ++d) {
      dir += d == 1 ? "a" : "/a";
      if (ignore.excluded(dir) != (d >= repeats)) ++wrong;
      if (ignore.excluded(dir + "/f") != (d >= repeats)) ++wrong;
      if (ignore.excluded(dir + "/a.txt") != (d + 1 >= repeats)) ++wrong;
    }
    INFO(repeats << " x **/a* against depth " << depth);
    CHECK(wrong == 0);
    CHECK_FALSE(ignore.exhausted());
  }
  CHECK(secondsSince(start) < 5.0);
}

TEST_CASE(".dockerignore: one matcher asked many paths in any order answers as a fresh one", "[context][dockerignore]") {
  // The directory states are kept between questions: what one path leaves behind must never
  // change the answer for another.
  std::mt19937 rng(20261204);
  const std::vector<std::string> atoms = {"a", "b", "/", "*", "**", "**/", "?", "[ab]", "[^a]", "\xE2\x98\xBA", "."};
  const std::vector<std::string> names = {"a", "b", "ab", "ba", "a.b", "\xE2\x98\xBA", "\xFF", ".a"};
  int excluded = 0, kept = 0;
  for (int round = 0; round < 300; ++round) {
    std::string file;
    for (int lines = 1 + static_cast<int>(rng() % 4); lines > 0; --lines) {
      if (rng() % 4 == 0) file += "!";
      for (int n = static_cast<int>(rng() % 5); n >= 0; --n) file += atoms[rng() % atoms.size()];
      file += "\n";
    }
    const auto shared = context::DockerIgnore::parse(file);
    for (int q = 0; q < 20; ++q) {
      std::string path;
      for (int n = static_cast<int>(rng() % 4); n >= 0; --n) path += (path.empty() ? "" : "/") + names[rng() % names.size()];
      const bool fresh = context::DockerIgnore::parse(file).excluded(path);
      INFO(".dockerignore '" << file << "' path '" << path << "'");
      CHECK(shared.excluded(path) == fresh);
      ++(fresh ? excluded : kept);
    }
  }
  CHECK(excluded >= 300);
  CHECK(kept >= 300);
}

TEST_CASE(".dockerignore: past its work bound every path reads as excluded, and it says so", "[context][dockerignore]") {
  const auto ignore = context::DockerIgnore::parse("**/a*a*a*a*b\nkeep\n", 5000);
  CHECK_FALSE(ignore.excluded("other/x"));  // cheap: within the bound
  CHECK(ignore.excluded("keep/y"));
  CHECK_FALSE(ignore.exhausted());
  std::string path;
  for (int i = 0; i < 100; ++i) path += "aaaaaaaaaa/";
  CHECK(ignore.excluded(path + "z"));  // no pattern matches it, but the bound ran out
  CHECK(ignore.exhausted());
  CHECK(ignore.excluded("other"));
}

// ---------------------------------------------------------------------------------
// Long lines through the parser and the pragma scanner (std::regex overflowed the stack).

TEST_CASE("a 60 KB pragma comment, an 80 KB directive and long lines parse in a blink", "[parser][adversarial]") {
  const auto start = std::chrono::steady_clock::now();
  const std::string pragma = "# multiarch-lint ignore=MA110 -- " + std::string(60 * 1024, 'r') + "\nFROM debian\n";
  const auto pragmas = rules::findPragmas(SourceText("Dockerfile", pragma));
  REQUIRE(pragmas.size() == 1);
  CHECK(pragmas[0].rules == std::vector<std::string>{"MA110"});
  CHECK(pragmas[0].reason == std::string(60 * 1024, 'r'));

  const std::string directive = "# syntax=" + std::string(80 * 1024, 'd') + "\nFROM debian\n";
  const auto parsed = dockerfile::parse(SourceText("Dockerfile", directive));
  REQUIRE(parsed.dockerfile);
  REQUIRE(parsed.dockerfile->directives.size() == 1);
  CHECK(parsed.dockerfile->directives[0].value == std::string(80 * 1024, 'd'));

  const std::string heredoc = "FROM debian\nRUN " + std::string(40 * 1024, '1') + "<<EOF\nx\nEOF\n";
  const auto longRun = dockerfile::parse(SourceText("Dockerfile", heredoc));
  REQUIRE(longRun.dockerfile);
  const auto& longDocs = longRun.dockerfile->instructions.back().heredocs;
  REQUIRE(longDocs.size() == 1);
  CHECK(longDocs[0].name == "EOF");
  CHECK(longDocs[0].content == "x\n");
  CHECK(secondsSince(start) < 5.0);
}

TEST_CASE("directives and heredoc words read as BuildKit's regexps do", "[parser]") {
  const auto directive = [](const std::string& line) {
    const auto parsed = dockerfile::parse(SourceText("Dockerfile", line + "\nFROM x\n"));
    return parsed.dockerfile && !parsed.dockerfile->directives.empty() ? parsed.dockerfile->directives[0].value
                                                                       : std::string("<none>");
  };
  CHECK(directive("#syntax=docker/dockerfile:1") == "docker/dockerfile:1");
  CHECK(directive("# syntax = a b  ") == "a b");
  CHECK(directive("# 1syntax=x") == "<none>");
  CHECK(directive("# check=skip=all") == "skip=all");
  const auto docs = [](const std::string& run) {
    const auto parsed = dockerfile::parse(SourceText("Dockerfile", "FROM x\n" + run + "\n"));
    REQUIRE(parsed.dockerfile);
    return parsed.dockerfile->instructions.back().heredocs;
  };
  const auto two = docs("RUN 3<<-'EOT' cat <<B\nx\nEOT\ny\nB");
  REQUIRE(two.size() == 2);
  CHECK(two[0].fileDescriptor == 3);
  CHECK(two[0].chomp);
  CHECK_FALSE(two[0].expand);
  CHECK(two[1].name == "B");
  CHECK(docs("RUN <<a<b").empty());
  // Too many digits for a descriptor: saturated, not an exception.
  CHECK(docs("RUN 99999999999999999999999<<E\nE").at(0).fileDescriptor == 0xFFFFFFFFu);
}

// ---------------------------------------------------------------------------------
// Expansion bounds.

TEST_CASE("expansion: a doubling ARG chain is cut at the bound and says so", "[expand][adversarial]") {
  dockerfile::Environment env{{"A0", "xx"}};
  dockerfile::ExpansionBudget budget;
  bool bounded = false;
  for (int i = 1; i <= 30; ++i) {
    const std::string prev = "$A" + std::to_string(i - 1);
    auto e = dockerfile::expandWord(prev + prev, env, '\\', &budget);
    bounded = bounded || e.bounded;
    CHECK(e.value.size() <= dockerfile::kMaxExpandedBytes);
    env["A" + std::to_string(i)] = std::move(e.value);
  }
  CHECK(bounded);
}

TEST_CASE("expansion: ${V%%*b} and ${V//?b/c} over a long value are linear", "[expand][adversarial]") {
  const auto start = std::chrono::steady_clock::now();
  const dockerfile::Environment env{{"V", std::string(200000, 'a') + "b"}, {"W", std::string(200000, 'a')}};
  CHECK(dockerfile::expandWord("${V%%*b}", env).value.empty());
  CHECK(dockerfile::expandWord("${V%*b}", env).value == std::string(200000, 'a'));
  CHECK(dockerfile::expandWord("${V##*a}", env).value == "b");
  CHECK(dockerfile::expandWord("${V//?b/c}", env).value == std::string(199999, 'a') + "c");
  CHECK(dockerfile::expandWord("${W//?b/c}", env).value == std::string(200000, 'a'));
  // Quadratic by nature (the longest match from every position): given up on, and said.
  const auto quadratic = dockerfile::expandWord("${W//*b/c}", env);
  CHECK(quadratic.bounded);
  CHECK(secondsSince(start) < 10.0);
}

TEST_CASE("expansion: compiling long patterns over and over spends the budget", "[expand][adversarial]") {
  // ${A%$X} compiles X afresh at each use; with X long and the word full of them, the cost was
  // unbounded although no match ran long. Compiling is charged to the same match budget.
  const dockerfile::Environment env{{"A", "abc"}, {"X", std::string(200000, 'q')}};
  std::string word;
  for (int i = 0; i < 2000; ++i) word += "${A%$X}";
  dockerfile::ExpansionBudget budget;
  const auto e = dockerfile::expandWord(word, env, '\\', &budget);
  CHECK(e.bounded);
  CHECK(budget.matchSteps == 0);
  // Short patterns, the everyday case, are untouched by the charge.
  CHECK(dockerfile::expandWord("${A%c}${A#a}${A/b/x}", env).value == "abbcaxc");
}

// ---------------------------------------------------------------------------------
// Every reporter on random bytes, parsed back by a real parser of its format.

namespace {

std::string randomBytes(std::mt19937& rng, size_t maxLength) {
  std::string s(rng() % maxLength, '\0');
  for (auto& c : s) {
    const unsigned pick = rng() % 8;
    c = static_cast<char>(pick < 3    ? 'a' + rng() % 26
                          : pick < 5  ? rng() % 256
                          : pick == 5 ? rng() % 32
                                      : "<>&\"'\\%:,"[rng() % 9]);
  }
  return s;
}

report::Report randomReport(std::mt19937& rng) {
  report::Report r;
  r.rules = rules::allRules();
  for (int i = 0; i < 3; ++i) {
    report::InputResult input;
    input.path = randomBytes(rng, 40);
    for (int j = 0; j < 3; ++j) {
      Finding f;
      const auto* rule = r.rules[rng() % r.rules.size()];
      f.ruleId = std::string(rule->id);
      f.slug = std::string(rule->slug);
      f.severity = static_cast<Severity>(rng() % 3);
      f.message = randomBytes(rng, 80);
      f.fix = randomBytes(rng, 40);
      f.location.path = input.path;
      f.location.line = static_cast<int>(rng() % 5);
      f.location.column = 1 + static_cast<int>(rng() % 20);
      f.location.endLine = f.location.line;
      f.location.endColumn = f.location.column + 3;
      f.location.sourceLine = randomBytes(rng, 60);
      if (rng() % 2) {
        f.location.platform = "linux/arm64";
        f.location.imagePath = "/" + randomBytes(rng, 30);
        f.location.image = randomBytes(rng, 20);
      }
      input.findings.push_back(std::move(f));
    }
    if (rng() % 2) input.error = randomBytes(rng, 50);
    r.inputs.push_back(std::move(input));
  }
  return r;
}

// python3's XML parser: exit 0 when the document is well-formed.
bool wellFormedXml(const std::string& xml) {
  char name[] = "/tmp/mal-xml-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return false;
  close(fd);
  std::ofstream(name, std::ios::binary) << xml;
  const std::string command =
      "python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' " + std::string(name) + " 2>/dev/null";
  const int status = std::system(command.c_str());
  std::remove(name);
  return status == 0;
}

}  // namespace

TEST_CASE("every reporter stays well-formed on random bytes", "[report][adversarial]") {
  std::mt19937 rng(42);
  for (int round = 0; round < 40; ++round) {
    const auto r = randomReport(rng);
    for (const auto format : {report::Format::Json, report::Format::Sarif, report::Format::Gitlab}) {
      std::ostringstream out;
      REQUIRE_NOTHROW(report::write(format, r, out, {}));
      CHECK_NOTHROW(nlohmann::json::parse(out.str()));
    }
    std::ostringstream text, github;
    report::write(report::Format::Text, r, text, {});
    report::write(report::Format::Github, r, github, {});
    // Text carries the bytes as they were.
    CHECK(text.str().find(r.inputs[0].path) != std::string::npos);
    // One workflow command (or one plain log line, or the summary) per line: no raw newline inside one.
    for (const auto& line : text::split(github.str(), '\n')) {
      CHECK((line.empty() || line.rfind("::", 0) == 0 || line.rfind("multiarch-lint: ", 0) == 0 ||
             (line.back() == ']' && line.find(" [MA") != std::string::npos)));
    }
    if (round < 10) {  // python3 per round costs ~50 ms
      std::ostringstream checkstyle;
      report::write(report::Format::Checkstyle, r, checkstyle, {});
      CHECK(wellFormedXml(checkstyle.str()));
    }
  }
}

TEST_CASE("a Latin-1 byte: U+FFFD in SARIF, raw in text, the same column in both", "[report]") {
  const std::string dockerfile = "FROM debian\nRUN echo \xE9t\xE9 && curl -O https://example.com/linux/amd64/tool\n";
  rules::LintSettings settings;
  report::Report r;
  r.rules = rules::allRules();
  r.inputs.push_back(
      {"caf\xE9/Dockerfile", rules::lintDockerfile(SourceText("caf\xE9/Dockerfile", dockerfile), settings), std::nullopt});
  REQUIRE(r.inputs[0].findings.size() == 1);
  const int column = r.inputs[0].findings[0].location.column;
  CHECK(column == 51);  // each Latin-1 byte is one code point, as "été" in UTF-8 would be
  std::ostringstream sarif;
  report::write(report::Format::Sarif, r, sarif, {});
  const auto doc = nlohmann::json::parse(sarif.str());
  const auto& result = doc["runs"][0]["results"][0];
  CHECK(result["locations"][0]["physicalLocation"]["region"]["startColumn"] == column);
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>().find("%EF%BF%BD") !=
        std::string::npos);
  std::ostringstream text;
  report::write(report::Format::Text, r, text, {});
  CHECK(text.str().find("caf\xE9/Dockerfile:2:51:") == 0);
}

// ---------------------------------------------------------------------------------
// One pass along a stage gives what the per-instruction questions give.

TEST_CASE("archVariablesBefore (computed once per stage) and ScopeWalker answer per instruction", "[model]") {
  const std::string text =
      "ARG BASE=debian\nFROM $BASE\nARG TARGETARCH\nARG A=${TARGETARCH}-x B\nENV C=$A D=plain\n"
      "RUN echo $C\nARG E=$C F\nWORKDIR /src/$D\nENV G=${E%-x}\nCOPY f /$G/\nRUN echo\nWORKDIR sub\n";
  const SourceText source("Dockerfile", text);
  const auto parsed = dockerfile::parse(source);
  REQUIRE(parsed.dockerfile);
  const auto model = dockerfile::buildModel(*parsed.dockerfile);
  REQUIRE(model.stages.size() == 1);
  const auto& stage = model.stages[0];
  const Platform arm{"linux", "arm64", ""};
  context::ScopeWalker scope(*parsed.dockerfile, model, stage, arm);
  for (size_t i = 0; i <= parsed.dockerfile->instructions.size(); ++i) {
    INFO("before instruction " << i);
    const auto expected = context::scopeBefore(*parsed.dockerfile, model, stage, i, arm);
    const auto& got = scope.before(i);
    CHECK(got.env == expected.env);
    CHECK(got.workdir == expected.workdir);
  }
  CHECK(dockerfile::archVariablesBefore(stage, 99) == std::set<std::string>{"TARGETARCH", "A", "C", "E", "G"});
  CHECK(scope.before(99).workdir == "/src/plain/sub");
  CHECK(scope.before(99).env.at("G") == "arm64");
}

TEST_CASE("text: a word without the quotes that only group it", "[text]") {
  CHECK(text::withoutQuotes("\"linux/amd64\"") == "linux/amd64");
  CHECK(text::withoutQuotes("'/opt/jdk'") == "/opt/jdk");
  CHECK(text::withoutQuotes("\"'x86_64'\"") == "x86_64");
  CHECK(text::withoutQuotes("plain") == "plain");
  CHECK(text::withoutQuotes("\"\"").empty());
  CHECK(text::withoutQuotes("").empty());
}
