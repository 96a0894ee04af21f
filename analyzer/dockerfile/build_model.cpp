#include "analyzer/dockerfile/build_model.h"

#include <algorithm>
#include <map>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"

namespace mal::dockerfile {

bool Stage::declaresArgBefore(const std::string& argName, size_t instruction) const {
  return std::any_of(args.begin(), args.end(),
                     [&](const ArgDeclaration& a) { return a.name == argName && a.instruction < instruction; });
}

std::string Stage::label() const {
  if (!name.empty()) return "stage '" + name + "'";
  return "stage " + std::to_string(index) + " (FROM " + baseRaw + ")";
}

const Stage* BuildModel::stageNamed(const std::string& name) const {
  if (const auto named = firstStageNamed.find(text::lower(name)); named != firstStageNamed.end()) return &stages[named->second];
  // A stage can also be named by its index.
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
    const size_t index = std::stoul(name);
    if (index < stages.size()) return &stages[index];
  }
  return nullptr;
}

namespace {

// The flags BuildKit's instruction parser accepts (frontend/dockerfile/instructions).
const std::map<std::string, std::set<std::string>>& knownFlags() {
  static const std::map<std::string, std::set<std::string>> flags = {
      {"from", {"platform"}},
      {"run", {"mount", "network", "security", "device"}},
      {"copy", {"from", "chown", "chmod", "link", "parents", "exclude"}},
      {"add", {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack", "parents"}},
      {"healthcheck", {"interval", "timeout", "start-period", "start-interval", "retries"}},
  };
  return flags;
}

const std::set<std::string>& knownCommands() {
  static const std::set<std::string> commands = {"add",    "arg",   "cmd",         "copy",  "entrypoint", "env",
                                                 "expose", "from",  "healthcheck", "label", "maintainer", "onbuild",
                                                 "run",    "shell", "stopsignal",  "user",  "volume",     "workdir"};
  return commands;
}

// Why a keyword that reads as an instruction is none: a Unicode blank (a no-break space pasted
// from a web page or a word processor) where a space belongs. BuildKit splits the keyword from
// its arguments at ASCII blanks only (parser.splitCommand), so `FROM\u00a0golang` is one
// unknown word (chuckchill/gotest). Empty when the keyword holds none.
std::string unicodeBlankNote(const std::string& keyword) {
  static const std::pair<std::string_view, std::string_view> kBlanks[] = {{"\xC2\xA0", "a no-break space (U+00A0)"},
                                                                          {"\xE2\x80\xAF", "a narrow no-break space (U+202F)"},
                                                                          {"\xE3\x80\x80", "an ideographic space (U+3000)"},
                                                                          {"\xE2\x80\x8B", "a zero-width space (U+200B)"},
                                                                          {"\xEF\xBB\xBF", "a byte-order mark (U+FEFF)"}};
  size_t first = std::string::npos;
  std::string_view name;
  for (const auto& [bytes, what] : kBlanks) {
    const size_t at = keyword.find(bytes);
    if (at < first) {
      first = at;
      name = what;
    }
  }
  if (first == std::string::npos) return "";
  std::string before = keyword.substr(0, first);
  for (auto& c : before) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string where = knownCommands().count(text::lower(before)) ? " after " + before : "";
  return " (" + std::string(name) + where +
         ": BuildKit separates an instruction from its arguments at ASCII spaces and tabs only)";
}

// Arguments of one instruction, checked the way BuildKit's instructions.Parse does.
void checkInstruction(const Instruction& in, std::vector<ModelError>& errors, bool nested) {
  const std::string upper = [&] {
    std::string u = in.keyword;
    for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  if (!knownCommands().count(in.command)) {
    errors.push_back({"unknown instruction: " + upper + unicodeBlankNote(in.keyword), in.keywordSpan});
    return;
  }
  if (nested && (in.command == "onbuild" || in.command == "from" || in.command == "maintainer")) {
    errors.push_back({upper + " isn't allowed as an ONBUILD trigger", in.keywordSpan});
    return;
  }
  const auto allowed = knownFlags().find(in.command);
  for (const auto& flag : in.flags) {
    const std::string name = text::lower(flag.name());
    if (allowed == knownFlags().end() || !allowed->second.count(name)) {
      errors.push_back({"unknown flag: " + flag.name(), flag.span});
    }
  }
  const size_t argc = in.args.size();
  const bool noArgs = argc == 0 || (argc == 1 && in.args[0].value.empty() && !in.args[0].nested);
  if (in.command == "from" && argc != 1 && argc != 3) {
    errors.push_back({"FROM requires either one or three arguments", in.span});
  } else if (in.command == "from" && argc == 3 && text::lower(in.args[1].value) != "as") {
    errors.push_back({"FROM requires either one or three arguments", in.args[1].span});
  } else if (in.command == "from" && argc == 3) {
    // BuildKit's stage name pattern: ^[a-z][a-z0-9-_\.]*$ (instructions/parse.go), lowercased first.
    const std::string name = text::lower(in.args[2].value);
    const bool valid =
        !name.empty() && std::islower(static_cast<unsigned char>(name[0])) && std::all_of(name.begin(), name.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
                 c == '_' || c == '.';
        });
    if (!valid) {
      errors.push_back(
          {"invalid name for build stage: \"" + in.args[2].value + "\", name can't start with a number or contain symbols",
           in.args[2].span});
    }
  } else if ((in.command == "copy" || in.command == "add") && argc + in.heredocs.size() < 2 && !in.json) {
    errors.push_back({upper + " requires at least two arguments, but only one was provided. Destination could "
                              "not be determined",
                      in.span});
  } else if ((in.command == "run" || in.command == "arg" || in.command == "env" || in.command == "label" ||
              in.command == "workdir" || in.command == "user" || in.command == "expose" || in.command == "volume" ||
              in.command == "stopsignal" || in.command == "maintainer" || in.command == "onbuild") &&
             noArgs && !in.json && in.heredocs.empty()) {
    errors.push_back({upper + " requires at least one argument", in.span});
  }
  if (in.command == "onbuild" && argc == 1 && in.args[0].nested) checkInstruction(*in.args[0].nested, errors, true);
}

// ARG name[=value] words of one instruction.
std::vector<ArgDeclaration> argDeclarations(const Instruction& in, size_t index) {
  std::vector<ArgDeclaration> out;
  for (const auto& arg : in.args) {
    ArgDeclaration d;
    const size_t eq = arg.value.find('=');
    d.name = arg.value.substr(0, eq);
    if (eq != std::string::npos) d.value = arg.value.substr(eq + 1);
    d.instruction = index;
    d.span = arg.span;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::set<std::string> archVariablesBefore(const Stage& stage, size_t before) {
  std::set<std::string> vars;
  for (const auto& [name, since] : stage.archVariableSince) {
    if (since < before) vars.insert(name);
  }
  return vars;
}

namespace {

// One pass over the stage: which ARG/ENV carry the architecture, and from where.
void findArchVariables(Stage& stage, const Stage* base, const ParsedDockerfile& file) {
  if (base) {
    for (const auto& [name, since] : base->archVariableSince) stage.archVariableSince.emplace(name, stage.fromInstruction);
  }
  auto mentionsArch = [&](const std::string& value) {
    const Expansion e = expandWord(value, {}, file.escapeToken);
    return std::any_of(e.referenced.begin(), e.referenced.end(), [&](const std::string& v) {
      return vocab::isPlatformArchVariable(v) || stage.archVariableSince.count(v);
    });
  };
  for (size_t idx : stage.instructions) {
    const Instruction& in = file.instructions[idx];
    if (in.command == "arg") {
      for (const auto& d : argDeclarations(in, idx)) {
        if (vocab::isPlatformArchVariable(d.name) || (d.value && mentionsArch(*d.value)))
          stage.archVariableSince.emplace(d.name, idx);
      }
    } else if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {  // key, value, separator
        if (mentionsArch(in.args[i + 1].value)) stage.archVariableSince.emplace(in.args[i].value, idx);
      }
    }
  }
}

}  // namespace

namespace {

bool isShellName(const std::string& word) {
  static const std::set<std::string> shells = {"sh",      "bash",      "ash",      "dash",      "zsh",
                                               "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/env"};
  return shells.count(word) > 0;
}

// `COPY <<EOF /usr/local/bin/install.sh` whose file a later RUN of the stage runs (names its
// path or file name), or that starts with a shell's #!: a script that runs at build time.
bool isExecutedCopyHeredoc(const ParsedDockerfile& file, const Stage& stage, size_t index, const Heredoc& doc) {
  const Instruction& in = file.instructions[index];
  if (in.args.empty()) return false;
  const std::string destination = in.args.back().value;
  if (text::startsWith(doc.content, "#!") && doc.content.find("sh") < doc.content.find('\n')) return true;
  const std::string name =
      destination.substr(destination.find_last_of('/') == std::string::npos ? 0 : destination.find_last_of('/') + 1);
  if (name.empty()) return false;
  for (size_t later : stage.instructions) {
    if (later <= index || file.instructions[later].command != "run") continue;
    if (file.instructions[later].line.text.find(name) != std::string::npos) return true;
  }
  return false;
}

// Admits a script to the shell parser within the bounds (kMaxScriptBytes and the file's
// kMaxScriptBytesPerFile), or records it as not parsed; its text and origin table (four
// bytes per byte) are built only once it is admitted.
class ScriptSink {
 public:
  explicit ScriptSink(BuildModel& model) : model_(model) {}

  bool admit(size_t index, size_t bytes) {
    if (bytes > kMaxScriptBytes || bytes > fileBudget_) {
      model_.scriptsNotParsed.push_back({index, bytes, bytes <= kMaxScriptBytes});
      return false;
    }
    fileBudget_ -= bytes;
    return true;
  }

  void add(size_t index, size_t stageIndex, bool fromHeredoc, shell::ScriptText script, const std::set<std::string>& archVars) {
    model_.scripts.push_back({index, stageIndex, fromHeredoc, shell::parseScript(std::move(script), archVars)});
  }

 private:
  BuildModel& model_;
  size_t fileBudget_ = kMaxScriptBytesPerFile;
};

shell::ScriptText heredocScript(const Heredoc& doc) {
  shell::ScriptText script;
  script.text = doc.content;
  script.origin.reserve(doc.content.size() + 1);
  for (size_t i = 0; i <= doc.content.size(); ++i) script.origin.push_back(doc.contentBegin + static_cast<uint32_t>(i));
  return script;
}

void addScripts(const ParsedDockerfile& file, size_t index, size_t stageIndex, const Stage& stage, ScriptSink& sink) {
  const Instruction& outer = file.instructions[index];
  const Instruction& in = outer.effective();
  if (in.command == "copy" && &in == &outer) {
    for (const auto& doc : outer.heredocs) {
      if (!isExecutedCopyHeredoc(file, stage, index, doc) || !sink.admit(index, doc.content.size())) continue;
      sink.add(index, stageIndex, true, heredocScript(doc), archVariablesBefore(stage, index));
    }
    return;
  }
  if (in.command != "run" || in.json) return;
  const auto archVars = archVariablesBefore(stage, index);
  // A RUN whose command is only heredocs runs each heredoc as the script; so does one that
  // hands the heredoc to a shell (`RUN bash <<EOF`).
  bool heredocIsScript = false;
  if (!outer.heredocs.empty()) {
    const auto words = text::split(text::trim(in.rest()), ' ');
    heredocIsScript = words.empty() || text::startsWith(words[0], "<<") || isShellName(words[0]);
  }
  if (!heredocIsScript && sink.admit(index, in.restEnd - in.restBegin)) {
    shell::ScriptText script;
    script.text = in.rest();
    const size_t offset = in.restBegin;
    script.origin.reserve(script.text.size() + 1);
    for (size_t i = 0; i <= script.text.size(); ++i) {
      script.origin.push_back(outer.line.origin[std::min(offset + i, outer.line.origin.size() - 1)]);
    }
    sink.add(index, stageIndex, false, std::move(script), archVars);
  }
  for (const auto& doc : outer.heredocs) {
    if (!heredocIsScript) break;
    if (sink.admit(index, doc.content.size())) sink.add(index, stageIndex, true, heredocScript(doc), archVars);
  }
}

}  // namespace

std::span<const RunScript> BuildModel::scriptsIn(size_t stage) const {
  if (stage >= firstScriptOfStage.size()) return {};
  const size_t end = stage + 1 < firstScriptOfStage.size() ? firstScriptOfStage[stage + 1] : scripts.size();
  return std::span<const RunScript>(scripts).subspan(firstScriptOfStage[stage], end - firstScriptOfStage[stage]);
}

BuildModel buildModel(const ParsedDockerfile& file) {
  BuildModel model;
  model.stageOf.resize(file.instructions.size());
  Environment globalEnv;
  // BuildKit predefines the platform ARGs in the global scope (for FROM lines).
  for (const char* name :
       {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"}) {
    globalEnv[name] = "${" + std::string(name) + "}";
  }
  bool reportedNoStage = false;
  for (size_t index = 0; index < file.instructions.size(); ++index) {
    const Instruction& in = file.instructions[index];
    checkInstruction(in, model.errors, false);
    if (in.command == "from") {
      Stage stage;
      stage.index = model.stages.size();
      stage.fromInstruction = index;
      if (!in.args.empty()) {
        stage.baseRaw = in.args[0].value;
        stage.baseSpan = in.args[0].span;
        stage.baseExpanded = expandWord(stage.baseRaw, globalEnv, file.escapeToken).value;
      }
      if (in.args.size() == 3) stage.name = text::lower(in.args[2].value);
      if (const Flag* platform = in.flag("platform")) {
        stage.platformRaw = platform->value();
        stage.platformSpan = platform->span;
      }
      if (const Stage* parent = model.stageNamed(stage.baseExpanded);
          parent && !stage.baseExpanded.empty() &&
          !std::all_of(stage.baseExpanded.begin(), stage.baseExpanded.end(), ::isdigit)) {
        stage.parentStage = parent->index;
      }
      model.stageOf[index] = stage.index;
      if (!stage.name.empty()) model.firstStageNamed.try_emplace(stage.name, stage.index);
      model.stages.push_back(std::move(stage));
      continue;
    }
    if (model.stages.empty()) {
      if (in.command == "arg") {
        for (auto& d : argDeclarations(in, index)) {
          globalEnv[d.name] = d.value ? std::optional<std::string>(expandWord(*d.value, globalEnv, file.escapeToken).value)
                                      : (globalEnv.count(d.name) ? globalEnv[d.name] : std::nullopt);
          model.globalArgs.push_back(std::move(d));
        }
      } else if (knownCommands().count(in.command) && !reportedNoStage) {
        // BuildKit stops at the first instruction outside a stage (dispatch returns the
        // error); a fragment file of forty ENV lines is one mistake, not forty.
        model.errors.push_back({"no build stage in current context", in.keywordSpan});
        reportedNoStage = true;
      }
      continue;
    }
    Stage& stage = model.stages.back();
    model.stageOf[index] = stage.index;
    stage.instructions.push_back(index);
    const Instruction& effective = in.effective();
    if (in.command == "arg") {
      for (auto& d : argDeclarations(in, index)) stage.args.push_back(std::move(d));
    }
    std::string from;
    if (effective.command == "copy") {
      if (const Flag* f = effective.flag("from")) from = f->value();
    } else if (effective.command == "run") {
      for (const auto& f : effective.flags) {
        if (text::lower(f.name()) != "mount") continue;
        for (const auto& part : text::split(f.value(), ',')) {
          if (text::startsWith(part, "from=")) from = part.substr(5);
        }
      }
    }
    // BuildKit does not expand COPY --from: a variable there fails the whole build (toCommand).
    if (in.command == "copy" && !from.empty() && expandWord(from, {}, file.escapeToken).value != from) {
      model.errors.push_back(
          {"variable expansion is not supported for --from, define a new stage with FROM using ARG "
           "from global scope as a workaround",
           effective.flag("from")->span});
    }
    if (!from.empty()) {
      if (const Stage* source = model.stageNamed(from); source && source->index < stage.index) {
        stage.copiesFrom.push_back(source->index);
      }
    }
  }
  for (auto& stage : model.stages) {
    findArchVariables(stage, stage.parentStage ? &model.stages[*stage.parentStage] : nullptr, file);
  }
  ScriptSink sink(model);
  for (const auto& stage : model.stages) {
    model.firstScriptOfStage.push_back(model.scripts.size());
    for (size_t index : stage.instructions) addScripts(file, index, stage.index, stage, sink);
  }
  return model;
}

}  // namespace mal::dockerfile
