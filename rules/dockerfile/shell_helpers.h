// Small questions rules ask of shell commands.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/shell/shell_model.h"

namespace mal::rules {

// The words of the program a command runs, past `sudo`, `env VAR=x`, `time`, `nice`,
// `nohup`, `command`, `exec` wrappers. Empty for a bare assignment.
std::vector<const shell::Word*> programWords(const shell::Command& command);

std::string baseName(std::string_view path);

// Where a branch's test condition stands in the script: [begin, end) of its text without the
// terminators the condition carries (`[ ... ];`, `... &&`), or npos when it is not found.
std::pair<size_t, size_t> conditionRange(const shell::Script& script, std::string_view condition);

// The whitespace-separated pieces of a word's literal with their byte offsets in the
// word's source text (for flags inside CFLAGS="-O2 -mavx2").
struct Piece {
  std::string text;
  size_t offset;  // into word.text
};
std::vector<Piece> pieces(const shell::Word& word);

// The file a command's output goes to, replaced or appended to: `cmd > FILE`, `cmd >> FILE`,
// `cmd | tee [-a] FILE`; an empty path when it writes nowhere this scan can read.
struct OutputFile {
  std::string path;
  bool appends = false;  // `>>`, `tee -a`
};
OutputFile outputFileOf(const shell::Script& script, size_t index);

// Does the script go on when this command fails? `cmd || true` (also `|| :`, `|| echo ...`,
// `|| exit 0`, with the command's own redirections between): the fallback runs instead, and
// the list's status is the fallback's, so a missing operand stops nothing.
bool failureIgnored(const shell::Script& script, const shell::Command& command);

// Is this word (or the command around it) varied by the architecture?
bool variesByArch(const shell::Command& command, const shell::Word& word);

// Does the value a RUN gives shell variable `name` (its value ending at `valueEnd`) die with
// the RUN unread? BuildKit runs every RUN in a fresh shell: only ENV and ARG reach the next
// instruction. Dead when nothing in the script expands `$name` and nothing sources or evals
// text that could, and, for an `exported` value, no program starts after it (a program reads
// its environment: `export JAVA_HOME=...; mvn package`); shell builtins read nothing of it.
bool valueDiesWithRun(const shell::Script& script, std::string_view name, size_t valueEnd, bool exported);

}  // namespace mal::rules
