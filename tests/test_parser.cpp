// The parser beyond BuildKit's dump: exact positions, directives, heredocs, JSON form.
#include <catch2/catch.hpp>

#include "analyzer/dockerfile/ast.h"
#include "test_support.h"

using namespace mal;
using namespace mal::dockerfile;

namespace {

ParsedDockerfile parseOk(const SourceText& source) {
  auto result = parse(source);
  INFO((result.error ? result.error->describe() : std::string()));
  REQUIRE(result.dockerfile.has_value());
  return *result.dockerfile;
}

std::string textAt(const SourceText& source, Span span) { return source.bytes().substr(span.begin, span.end - span.begin); }

}  // namespace

TEST_CASE("flags and arguments keep their exact source ranges", "[parser]") {
  const SourceText source("Dockerfile",
                          "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
                          "COPY --from=build --chmod=755 /out/app /usr/local/bin/\n");
  const auto file = parseOk(source);
  const auto& from = file.instructions[0];
  REQUIRE(from.flags.size() == 1);
  CHECK(from.flags[0].name() == "platform");
  CHECK(from.flags[0].value() == "$BUILDPLATFORM");
  CHECK(textAt(source, from.flags[0].span) == "--platform=$BUILDPLATFORM");
  REQUIRE(from.args.size() == 3);
  CHECK(textAt(source, from.args[0].span) == "golang:1.22");
  CHECK(source.position(from.args[2].span.begin).column == 47);
  const auto& copy = file.instructions[1];
  CHECK(copy.flag("from")->value() == "build");
  CHECK(textAt(source, copy.args[1].span) == "/usr/local/bin/");
  CHECK(source.position(copy.args[1].span.begin).line == 2);
}

TEST_CASE("a word after a continuation maps to its own line and column", "[parser]") {
  const SourceText source("Dockerfile", "FROM alpine\nRUN apk add \\\n    # a comment inside\n\n      curl \\\n  && echo done\n");
  const auto file = parseOk(source);
  const auto& run = file.instructions[1];
  CHECK(run.line.text == "RUN apk add       curl   && echo done");
  const size_t curl = run.line.text.find("curl");
  const Position p = source.position(run.line.span(curl, curl + 4).begin);
  CHECK(p.line == 5);
  CHECK(p.column == 7);
  CHECK(run.startLine == 2);
  CHECK(run.endLine == 6);
  // The empty continuation line, reported as BuildKit does: at the instruction's first line.
  REQUIRE(file.warnings.size() == 1);
  CHECK(file.warnings[0].message == "Empty continuation line found in: RUN apk add       curl   && echo done");
  CHECK(file.warnings[0].line == 2);
}

TEST_CASE("the escape directive switches to backtick, only in the leading block", "[parser]") {
  const SourceText windows("Dockerfile", "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\n");
  const auto file = parseOk(windows);
  CHECK(file.escapeToken == '`');
  CHECK(file.instructions[1].args[0].value == "dir   c:\\");

  const SourceText late("Dockerfile", "FROM alpine\n# escape=`\nRUN echo a `\n");
  const auto lateFile = parseOk(late);
  CHECK(lateFile.escapeToken == '\\');
  REQUIRE(lateFile.instructions.size() == 2);
  CHECK(lateFile.instructions[1].args[0].value == "echo a `");  // the backtick is no escape there

  const SourceText twice("Dockerfile", "# escape=`\n# escape=\\\nFROM alpine\n");
  const auto error = parse(twice);
  REQUIRE(error.error.has_value());
  CHECK(error.error->message == "only one escape parser directive can be used");
}

TEST_CASE("directives: syntax and check are recorded, a blank line ends the block", "[parser]") {
  const SourceText source("Dockerfile", "# syntax=docker/dockerfile:1\n# check=skip=all\n\n# escape=`\nFROM alpine\n");
  const auto file = parseOk(source);
  REQUIRE(file.directives.size() == 2);
  CHECK(file.directives[0].name == "syntax");
  CHECK(file.directives[0].value == "docker/dockerfile:1");
  CHECK(file.directives[1].name == "check");
  CHECK(file.escapeToken == '\\');
}

TEST_CASE("heredocs: several per instruction, quoted delimiters, <<- tab stripping", "[parser][heredoc]") {
  const SourceText source("Dockerfile",
                          "FROM alpine\n"
                          "COPY <<one <<\"two\" /dest/\n"
                          "first\n"
                          "one\n"
                          "second $HOME\n"
                          "two\n"
                          "RUN <<-EOT sh\n"
                          "\techo hi\n"
                          "\tEOT\n"
                          "run echo after\n");
  const auto file = parseOk(source);
  REQUIRE(file.instructions.size() == 4);
  const auto& copy = file.instructions[1];
  REQUIRE(copy.heredocs.size() == 2);
  CHECK(copy.heredocs[0].name == "one");
  CHECK(copy.heredocs[0].content == "first\n");
  CHECK(copy.heredocs[0].expand);
  CHECK(copy.heredocs[1].name == "two");
  CHECK_FALSE(copy.heredocs[1].expand);
  CHECK(copy.heredocs[1].content == "second $HOME\n");
  CHECK(source.position(copy.heredocs[1].contentBegin).line == 5);
  CHECK(copy.endLine == 6);
  const auto& run = file.instructions[2];
  REQUIRE(run.heredocs.size() == 1);
  CHECK(run.heredocs[0].chomp);
  CHECK(run.heredocs[0].content == "\techo hi\n");
  CHECK(file.instructions[3].command == "run");
}

TEST_CASE("heredocs: blanks after << open one, as BuildKit 0.22 lexes them", "[parser][heredoc]") {
  // moby/buildkit 0b77373ab: the lexer keeps the blanks after an unquoted `<<` in the word and
  // reHeredoc takes `\s*` before the name (pzeiger/containers' `RUN << 'EOF'`, Part DS).
  const SourceText source("Dockerfile",
                          "FROM alpine\n"
                          "RUN cat << 'EOF' > /etc/motd\n"
                          "hello $USER\n"
                          "EOF\n"
                          "RUN << -EOF\n"
                          "-EOF\n"
                          "RUN echo '<< NOT' \"<< NOR\"\n");
  const auto file = parseOk(source);
  REQUIRE(file.instructions.size() == 4);
  REQUIRE(file.instructions[1].heredocs.size() == 1);
  CHECK(file.instructions[1].heredocs[0].name == "EOF");
  CHECK_FALSE(file.instructions[1].heredocs[0].expand);
  CHECK(file.instructions[1].heredocs[0].content == "hello $USER\n");
  REQUIRE(file.instructions[2].heredocs.size() == 1);
  CHECK(file.instructions[2].heredocs[0].name == "-EOF");
  // Quoted, `<<` is text.
  CHECK(file.instructions[3].heredocs.empty());
  // `<<-` then a blank is still no heredoc there (moby/buildkit#6822 is open): the next line is
  // an instruction of its own.
  const auto chomped = parseOk(SourceText("Dockerfile", "FROM alpine\nRUN cat <<- EOF > /x\nhello\nEOF\n"));
  REQUIRE(chomped.instructions.size() == 4);
  CHECK(chomped.instructions[1].heredocs.empty());
  CHECK(chomped.instructions[2].command == "hello");
}

TEST_CASE("an unterminated heredoc is a parse error at its instruction", "[parser][heredoc]") {
  const auto result = parse(SourceText("Dockerfile", "FROM alpine\nRUN <<EOF\necho never ends\n"));
  REQUIRE(result.error.has_value());
  CHECK(result.error->message == "unterminated heredoc");
  CHECK(result.error->line == 2);
}

TEST_CASE("JSON form: elements with spans, JSON form never holds heredocs", "[parser]") {
  const SourceText source("Dockerfile", "FROM alpine\nCMD [\"echo\", \"<<EOF\"]\nENTRYPOINT [ \"/bin/sh\" , \"-c\" ]\n");
  const auto file = parseOk(source);
  const auto& cmd = file.instructions[1];
  CHECK(cmd.json);
  CHECK(cmd.heredocs.empty());
  REQUIRE(cmd.args.size() == 2);
  CHECK(cmd.args[1].value == "<<EOF");  // an argument like any other
  const auto& entry = file.instructions[2];
  REQUIRE(entry.args.size() == 2);
  CHECK(textAt(source, entry.args[0].span) == "\"/bin/sh\"");
  CHECK(textAt(source, entry.args[1].span) == "\"-c\"");
}

TEST_CASE("keywords are case-insensitive, ONBUILD nests its trigger", "[parser]") {
  const SourceText source("Dockerfile", "from alpine\nOnBuild Run echo \"$TARGETARCH\"\n");
  const auto file = parseOk(source);
  CHECK(file.instructions[0].command == "from");
  const auto& onbuild = file.instructions[1];
  CHECK(onbuild.command == "onbuild");
  CHECK(onbuild.effective().command == "run");
  CHECK(buildkitDump(file) == "(from \"alpine\")\n(onbuild (run \"echo \\\"$TARGETARCH\\\"\"))\n");
}

TEST_CASE("a byte-order mark and CRLF line ends are accepted", "[parser]") {
  const auto file = parseOk(SourceText("Dockerfile",
                                       "\xEF\xBB\xBF"
                                       "FROM alpine\r\nRUN echo a \\\r\n  b\r\n"));
  REQUIRE(file.instructions.size() == 2);
  CHECK(file.instructions[1].args[0].value == "echo a   b");
}

TEST_CASE("columns count code points, not bytes", "[parser]") {
  const SourceText source("Dockerfile", "FROM alpine\nLABEL name=\"café\" arch=amd64\n");
  const auto file = parseOk(source);
  const auto& label = file.instructions[1];
  REQUIRE(label.args.size() == 6);
  CHECK(source.position(label.args[3].span.begin).column == 19);
}
