// The build a Dockerfile describes: its stages, the ARGs visible where, the stage graph
// (FROM <stage>, COPY --from), and every RUN body parsed as shell. Built once per file;
// rules only read it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/dockerfile/expand.h"
#include "analyzer/shell/shell_model.h"

namespace mal::dockerfile {

struct ArgDeclaration {
  std::string name;
  std::optional<std::string> value;  // the default, as written
  size_t instruction = 0;            // index in ParsedDockerfile::instructions
  Span span;
};

struct Stage {
  size_t index = 0;
  std::string name;  // the AS name, lowercased; empty when unnamed
  size_t fromInstruction = 0;
  std::string baseRaw;       // as written
  std::string baseExpanded;  // with global ARGs (and the automatic platform ARGs) expanded
  Span baseSpan;
  std::string platformRaw;  // the --platform value as written; empty when absent
  Span platformSpan;
  std::optional<size_t> parentStage;  // FROM <an earlier stage>
  std::vector<size_t> instructions;   // after FROM, in order (indexes into the file)
  std::vector<ArgDeclaration> args;   // ARGs declared in this stage, in order
  std::vector<size_t> copiesFrom;     // stages read by COPY --from / RUN --mount=from=
  // Variables that carry the architecture, with the instruction from which they do:
  // declared platform ARGs (TARGETARCH, ...) and ARG/ENV whose value is built from one,
  // including those of the stage it is based on (their values are in its environment).
  std::map<std::string, size_t> archVariableSince;

  // Is ARG `name` declared in this stage before instruction `instruction`?
  bool declaresArgBefore(const std::string& name, size_t instruction) const;
  // The stage's displayed name: its AS name or "stage N".
  std::string label() const;
};

// A shell script run at build time: a shell-form RUN body, a RUN heredoc, or a COPY heredoc
// that a later RUN executes (its instruction is then the COPY).
struct RunScript {
  size_t instruction = 0;  // index in ParsedDockerfile::instructions
  size_t stage = 0;
  bool fromHeredoc = false;
  shell::Script script;
};

// The shell syntax tree costs about 150 bytes of memory per byte of script, so what is
// given to the shell parser is bounded: a script longer than kMaxScriptBytes, or one that
// would take the file's scripts past kMaxScriptBytesPerFile, is not parsed and is listed
// in BuildModel::scriptsNotParsed (the report says so: never a silent "clean"). The
// largest RUN of the 1,650 real Dockerfiles of bench/ is 9 KiB, the most per file 39 KiB.
inline constexpr size_t kMaxScriptBytes = size_t{1} << 20;
inline constexpr size_t kMaxScriptBytesPerFile = size_t{2} << 20;

struct ScriptNotParsed {
  size_t instruction = 0;   // index in ParsedDockerfile::instructions
  size_t bytes = 0;         // the script's length
  bool fileBudget = false;  // false: the script alone is over kMaxScriptBytes
};

// An error BuildKit reports when it turns the syntax tree into instructions.
struct ModelError {
  std::string message;
  Span span;
};

struct BuildModel {
  std::vector<ArgDeclaration> globalArgs;
  std::vector<Stage> stages;
  std::vector<RunScript> scripts;
  std::vector<ScriptNotParsed> scriptsNotParsed;  // beyond the bounds above, in file order
  std::vector<ModelError> errors;
  std::vector<std::optional<size_t>> stageOf;  // per instruction: its stage, if any
  // Per stage name (lowered, as stored), the first stage with it: what `FROM name` and
  // `COPY --from=name` resolve to, found in one lookup (a search per question was quadratic in
  // the number of stages, audit H10).
  std::map<std::string, size_t> firstStageNamed;
  // Per stage, where its scripts start in `scripts` (a stage's scripts are pushed together, in
  // file order, so they are one range): a rule asks for one stage's scripts without a pass over
  // every script of the file (audit H10).
  std::vector<size_t> firstScriptOfStage;

  const Stage* stageNamed(const std::string& name) const;
  // The scripts of one stage, in file order.
  std::span<const RunScript> scriptsIn(size_t stage) const;
};

BuildModel buildModel(const ParsedDockerfile& dockerfile);

// Variables known to carry the architecture when instruction `before` of `stage` runs
// (Stage::archVariableSince, computed once per stage).
std::set<std::string> archVariablesBefore(const Stage& stage, size_t before);

}  // namespace mal::dockerfile
