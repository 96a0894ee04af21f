// The Dockerfile syntax tree, shaped like BuildKit's parser.Node so that its dump can be
// compared with BuildKit's byte for byte, but with an exact source span on every piece.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/source_text.h"

namespace mal::dockerfile {

// An instruction after its continuation lines were joined, with the file offset each
// byte came from, so a word found in the joined text maps back to the file exactly.
struct LogicalLine {
  std::string text;
  std::vector<uint32_t> origin;  // origin.size() == text.size() + 1 (one past the end)

  Span span(size_t begin, size_t end) const {
    if (origin.empty()) return {};
    begin = std::min(begin, text.size());
    end = std::min(std::max(end, begin), text.size());
    // The end of a span is one past its last byte, which may sit on another line.
    const uint32_t endOffset = end > begin ? origin[end - 1] + 1 : origin[begin];
    return {origin[begin], endOffset};
  }
};

struct Flag {
  std::string text;  // as BuildKit keeps it, e.g. "--platform=linux/amd64"
  Span span;
  std::string name() const;   // "platform"
  std::string value() const;  // "linux/amd64" (empty when the flag has no '=')
  bool hasValue() const;
};

struct Instruction;

// One element of BuildKit's Next chain: a word, a JSON array element, a key, value or
// separator of ENV/LABEL, or (ONBUILD) a nested instruction.
struct Argument {
  std::string value;
  Span span;
  std::shared_ptr<Instruction> nested;  // set for ONBUILD's trigger only
};

struct Heredoc {
  std::string name;
  std::string content;  // every line up to the terminator, newlines kept
  bool expand = true;   // false when the delimiter was quoted
  bool chomp = false;   // <<- strips leading tabs
  unsigned fileDescriptor = 0;
  uint32_t contentBegin = 0;  // file offset of content[0]; content is a verbatim slice
};

struct Instruction {
  std::string keyword;  // as written, e.g. "Run"
  std::string command;  // lowercased, e.g. "run"
  std::vector<Flag> flags;
  std::vector<Argument> args;
  bool json = false;     // exec (JSON array) form
  LogicalLine line;      // the joined text: keyword, flags and arguments
  size_t restBegin = 0;  // where the arguments (after flags) start in line.text
  size_t restEnd = 0;
  std::vector<Heredoc> heredocs;
  std::vector<std::string> comments;  // the comment block right above
  int startLine = 0;                  // 1-based, inclusive; heredoc bodies included
  int endLine = 0;
  Span span;  // from the keyword to the end of the last line (heredoc terminator included)
  Span keywordSpan;

  // The shell-form body or the raw argument text after the flags.
  std::string rest() const { return line.text.substr(restBegin, restEnd - restBegin); }
  Span restSpan() const { return line.span(restBegin, restEnd); }
  const Flag* flag(std::string_view name) const;
  const Instruction& effective() const;  // the ONBUILD trigger, or this
};

struct Directive {
  std::string name;  // lowercased: syntax, escape, check
  std::string value;
  int line = 0;
};

struct Warning {
  std::string message;
  int line = 0;
};

struct ParsedDockerfile {
  std::vector<Instruction> instructions;
  std::vector<Directive> directives;
  std::vector<Warning> warnings;
  char escapeToken = '\\';
};

struct ParseError {
  std::string message;  // BuildKit's wording, without the location prefix
  int line = 0;         // 1-based
  int endLine = 0;
  std::string describe() const;  // "dockerfile parse error on line N: message"
};

struct ParseResult {
  std::optional<ParsedDockerfile> dockerfile;
  std::optional<ParseError> error;
};

// Parses like BuildKit's parser.Parse (frontend/dockerfile/parser): same directives,
// escape handling, continuation rules, per-instruction argument grammar and heredocs.
ParseResult parse(const SourceText& source);

// BuildKit's Node.Dump() of the whole file followed by a newline: the format of the
// conformance corpus' `result` files.
std::string buildkitDump(const ParsedDockerfile& dockerfile);

}  // namespace mal::dockerfile
