// A RUN body as the rules see it: the commands it runs, each word with its exact place
// in the Dockerfile, and for every command the `case`/`if`/`&&` branches around it --
// so a rule can ask "is this inside a switch on the architecture, and which arm?".
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/source_text.h"

namespace mal::shell {

// The script's bytes and, for each byte, the file offset it came from (continuation
// lines and escape characters were removed by the Dockerfile parser).
struct ScriptText {
  std::string text;
  std::vector<uint32_t> origin;  // origin.size() == text.size() + 1
  Span span(size_t begin, size_t end) const;
};

struct Word {
  std::string text;     // as written, quotes included
  std::string literal;  // quotes removed; expansions kept as written ("$x", "${x}")
  size_t begin = 0;     // byte range in the script
  size_t end = 0;
  std::vector<std::string> variables;  // names it expands ($x, ${x%-*}, ...)
  bool hasCommandSubstitution = false;
  bool archVarying = false;  // built from an architecture probe or an arch variable
};

// One branch that encloses a command.
struct Branch {
  enum class Kind { CaseArm, IfThen, IfElse, AndThen, OrElse } kind;
  std::string condition;              // case subject, or the if/&& condition text
  std::vector<std::string> patterns;  // case arm patterns, e.g. {"amd64", "x86_64"}
  bool onArchitecture = false;        // the condition is an architecture probe
  // Not written around the command: an earlier top-level statement of the script stops it
  // where the condition does not hold (`[ "$(uname -m)" = x86_64 ] || exit 1`), so whatever
  // follows runs only where it holds. A deliberate refusal, not a test that ends a RUN by
  // accident (MA152).
  bool guard = false;
};

struct Command {
  std::vector<Word> words;       // words[0] is the command name (empty for bare assignments)
  std::vector<Branch> branches;  // outermost first
  size_t begin = 0;
  size_t end = 0;
  // `a | b`: the index (in Script::commands) of the command that reads this one's standard
  // output, or npos when it is not piped (or is not a plain command of the pipeline).
  size_t pipesInto = static_cast<size_t>(-1);
  std::string name() const;  // words[0].literal without a leading path
  bool insideArchBranch() const;
};

struct Assignment {
  std::string name;
  Word value;
  std::vector<Branch> branches;
  bool archDerived = false;  // from a probe, an arch variable, or inside an arch branch
};

// A `case` on an architecture probe, for completeness checks.
struct ArchSwitch {
  std::string subject;
  struct Arm {
    std::vector<std::string> patterns;
    bool fails = false;    // the arm's body exits non-zero / returns false
    bool assigns = false;  // it sets a variable (a URL, a name) that the script goes on to use
    bool acts = false;     // it runs something other than echo/printf/true/:
  };
  std::vector<Arm> arms;
  size_t begin = 0;
  size_t end = 0;
};

// One `$name` / `${name...}` anywhere in the script.
struct VariableUse {
  std::string name;
  size_t begin = 0;  // the whole expansion, in the script
  size_t end = 0;
};

// A file a command reads or writes through a redirection (`> /etc/ld-musl-x86_64.path`).
struct Redirect {
  Word target;
  std::vector<Branch> branches;  // outermost first
};

struct Script {
  ScriptText source;
  std::vector<VariableUse> variableUses;  // every expansion, in source order
  std::vector<Command> commands;          // in source order, nested ones included
  std::vector<Assignment> assignments;
  // Per name, its assignments in the order their values end, with what holds of the first k
  // of them: what rules ask at every word ("is $URL set before this command, by what, and is
  // any of its values chosen per architecture?") is one lookup, not a pass over the script
  // (that was quadratic in a script's words, audit H10).
  struct NamedAssignments {
    std::vector<size_t> indices;  // into `assignments`
    std::vector<bool>
        archChosenUpTo;  // [k]: one of indices[0..k] is chosen per architecture (a probe, an arch variable, an arch branch)
    std::vector<bool> unknownUpTo;  // [k]: ... or takes a command substitution's output
    std::vector<bool> plainUpTo;    // [k]: one of them is outside any branch
  };
  std::map<std::string, NamedAssignments, std::less<>> assignmentsByName;
  struct AssignedBefore {
    const Assignment* last = nullptr;  // the last one whose value ends at or before the position
    bool archChosen = false;           // as NamedAssignments, over those up to `last`
    bool unknown = false;
    bool plain = false;
  };
  AssignedBefore assignedBefore(std::string_view name, size_t position) const;
  bool assigns(std::string_view name) const { return assignmentsByName.find(name) != assignmentsByName.end(); }
  std::vector<Redirect> redirects;  // in source order
  std::vector<ArchSwitch> archSwitches;
  std::set<std::string> archVariables;  // known to hold the architecture at the end
  bool hasSyntaxError = false;
};

// Parses `source` as a POSIX/bash script. `archVariables` seeds the variables known to
// carry the architecture (ARG TARGETARCH in scope, ENV ARCH=${TARGETARCH}, ...).
Script parseScript(ScriptText source, const std::set<std::string>& archVariables);

}  // namespace mal::shell
