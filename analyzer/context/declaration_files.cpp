// The parsers of the files where projects say which platforms they build: bake (HCL and
// JSON), compose, GitHub workflows and Makefiles. They are forgiving: what they cannot
// read (a function call, an expression they do not evaluate, a malformed file) names no
// platform, and never an error. Hand scanners only: this is untrusted text.
#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "analyzer/context/declared_platforms.h"
#include "analyzer/text_util.h"

namespace fs = std::filesystem;

namespace mal::context {
namespace {

// Stands for a value that could not be resolved (`$(shell ...)`, `${{ inputs.x }}`); a path
// or platform holding it is not used.
constexpr char kUnresolved = '\x01';
// The repository root as a script's variable holds it (`$(git rev-parse --show-toplevel)`),
// put in for the root by buildCommandsIn where the reader knows the root.
constexpr std::string_view kRepositoryRoot = "$(git rev-parse --show-toplevel)";

bool isResolved(std::string_view s) {
  return s.find(kUnresolved) == std::string_view::npos && s.find('$') == std::string_view::npos;
}

// "linux/amd64,linux/arm64" or one per line: what buildx's --platform and the actions take.
// Only Linux platforms: a `darwin/arm64` or `windows/amd64` entry of a cross-compiling
// target builds binaries, not a Linux image these rules check.
std::vector<Platform> platformsIn(std::string_view list) {
  std::vector<Platform> out;
  std::string item;
  auto flush = [&] {
    if (!item.empty() && isResolved(item)) {
      const auto p = parsePlatform(item);
      if (p && p->os == "linux" && std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
    }
    item.clear();
  };
  for (const char c : list) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'') {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return out;
}

bool isRemote(std::string_view location) {
  return location.find("://") != std::string_view::npos || text::startsWith(location, "git@") ||
         text::startsWith(location, "github.com/") || text::startsWith(location, "target:") ||
         text::startsWith(location, "docker-image:") || text::startsWith(location, "oci-layout:");
}

// `path` against `base` (paths in these files are relative to where the tool runs).
std::optional<fs::path> resolveAgainst(const fs::path& base, const std::string& path) {
  if (!isResolved(path) || isRemote(path)) return std::nullopt;
  const fs::path p(path);
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

// A Dockerfile path in which parts are computed at run time (`-f docker/${{ matrix.sdk }}/Dockerfile.ubi`
// over a matrix a script prints; `file: .github/Dockerfiles/base-${{ matrix.variant }}.Dockerfile`
// over a matrix the caller passes in): each computed run of characters becomes kAnyDirectory,
// matched by any characters within one path component. The file name must still say it is a
// Dockerfile (`${{ matrix.image }}.Dockerfile`, `Dockerfile.${{ matrix.variant }}`): a name
// computed whole, or around no such word, names no file. nullopt when nothing is computed.
std::optional<fs::path> resolvePattern(const fs::path& base, const std::string& path) {
  if (isRemote(path) || path.find('$') != std::string::npos) return std::nullopt;
  const auto parts = text::split(path, '/');
  if (parts.empty() || parts.back().empty()) return std::nullopt;
  if (!isResolved(parts.back())) {
    std::string writtenName = parts.back();
    writtenName.erase(std::remove(writtenName.begin(), writtenName.end(), kUnresolved), writtenName.end());
    const std::string lowered = text::lower(writtenName);
    if (lowered.find("dockerfile") == std::string::npos && lowered.find("containerfile") == std::string::npos) {
      return std::nullopt;
    }
  }
  bool any = false;
  for (const auto& part : parts) {
    if (part == "..") return std::nullopt;
    if (part.find(kUnresolved) != std::string::npos) any = true;
  }
  if (!any) return std::nullopt;
  std::string written;
  for (const char c : path) {
    const bool computed = c == kUnresolved;
    if (computed && !written.empty() && written.back() == kAnyDirectory) continue;  // one run, one wildcard
    written += computed ? kAnyDirectory : c;
  }
  const fs::path p(written);
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

// The Dockerfile a build uses: `file` relative to `fileBase` (bake and compose: the context;
// the CLI and build-push-action: the working directory), else <context>/Dockerfile.
std::optional<fs::path> dockerfileOf(const fs::path& workingDirectory, const std::string& context,
                                     const std::optional<std::string>& file, bool fileRelativeToContext) {
  const auto contextPath = resolveAgainst(workingDirectory, context.empty() ? "." : context);
  if (!file || file->empty()) {
    if (!contextPath) return std::nullopt;
    return *contextPath / "Dockerfile";
  }
  if (fileRelativeToContext) {
    if (!contextPath && !fs::path(*file).is_absolute()) return std::nullopt;
    return resolveAgainst(contextPath ? *contextPath : workingDirectory, *file);
  }
  return resolveAgainst(workingDirectory, *file);
}

// ---------------------------------------------------------------------------------------
// Command lines: `docker buildx build --platform X [-f F] CTX` in a workflow `run:` or a
// Makefile recipe, after the caller substituted the variables it knows.

// Marks a Makefile value assigned with `?=`: an overridable default. One platform given
// that way (`LOCAL_ARCH ?= linux/amd64`, "set LOCAL_ARCH=linux/arm64 for arm64") is the
// developer's machine, not what the file is meant for.
constexpr char kOverridableBegin = '\x02';
constexpr char kOverridableEnd = '\x03';

struct BuildCommand {
  std::string platforms;
  bool overridablePlatform = false;  // the --platform value came through a `?=` default
  std::optional<std::string> file;
  std::string context;
  fs::path workingDirectory;  // after the script's `cd`s
  std::string target;         // `--target`: the stage the build stops at
  // The context is each directory one level below workingDirectory in turn (a loop over them).
  bool eachSubdirectory = false;
};

// A simple command and the shell it runs in: 0 for the script's own, another number for each
// subshell, a `( ... )` group or a list put in the background with `&`. A `cd` there moves
// only that subshell (AnimalLogic/docker-usd's build script serves its downloads with
// `cd ${DOWNLOADS_DIR} && python -m SimpleHTTPServer && cd - &`, then builds where it was).
struct ShellCommand {
  std::vector<std::string> words;
  int subshell = 0;
};

// Shell words grouped into simple commands (split at newlines, ;, &&, ||, |, &, parentheses
// and backquotes), quotes removed, each with the subshell it runs in. Enough to find a build
// command and the directory it runs in; not a shell parser.
std::vector<ShellCommand> shellCommands(std::string_view script) {
  std::vector<ShellCommand> commands(1);
  std::vector<int> subshells{0};  // the innermost last
  int nextSubshell = 1;
  size_t listStart = 0;  // the first command of the current and-or list
  std::string word;
  bool inWord = false;
  auto endWord = [&] {
    if (inWord) commands.back().words.push_back(word);
    word.clear();
    inWord = false;
  };
  auto endCommand = [&] {
    endWord();
    if (!commands.back().words.empty()) commands.push_back({{}, subshells.back()});
    commands.back().subshell = subshells.back();
  };
  for (size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '\\' && i + 1 < script.size()) {
      if (script[i + 1] == '\n') {
        ++i;  // a continuation line
        continue;
      }
      word += script[++i];
      inWord = true;
    } else if (c == '\'' || c == '"') {
      const size_t close = script.find(c, i + 1);
      const size_t end = close == std::string_view::npos ? script.size() : close;
      word.append(script.substr(i + 1, end - i - 1));
      inWord = true;
      i = end;
    } else if (c == '$' && i + 1 < script.size() && script[i + 1] == '(') {
      // A command substitution is part of its word (`--build-arg V=$(cat .semver | cut -d- -f1)`),
      // not the end of the command: kept as written, up to its closing parenthesis.
      int depth = 0;
      size_t end = i + 1;
      for (; end < script.size(); ++end) {
        if (script[end] == '(') ++depth;
        if (script[end] == ')' && --depth == 0) break;
      }
      word.append(script.substr(i, std::min(end, script.size() - 1) - i + 1));
      inWord = true;
      i = end;
    } else if (c == '#' && !inWord) {
      while (i + 1 < script.size() && script[i + 1] != '\n') ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      endWord();
    } else if (c == '(') {
      endCommand();
      subshells.push_back(nextSubshell++);
      commands.back().subshell = subshells.back();
      listStart = commands.size() - 1;
    } else if (c == ')') {
      endCommand();
      if (subshells.size() > 1) subshells.pop_back();
      commands.back().subshell = subshells.back();
      listStart = commands.size() - 1;
    } else if (c == '&' && i + 1 < script.size() && script[i + 1] == '&') {
      endCommand();
      ++i;  // `&&`: the list goes on
    } else if (c == '&' && (i == 0 || script[i - 1] != '>') && (i + 1 >= script.size() || script[i + 1] != '>')) {
      // `list &`: the whole and-or list before it runs in a subshell of its own.
      endCommand();
      const int background = nextSubshell++;
      for (size_t k = listStart; k + 1 < commands.size(); ++k) {
        if (commands[k].subshell == subshells.back()) commands[k].subshell = background;
      }
      listStart = commands.size() - 1;
    } else if (c == '\n' || c == ';') {
      endCommand();
      listStart = commands.size() - 1;
    } else if (c == '&' || c == '|' || c == '`') {
      endCommand();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  commands.pop_back();  // the empty one endCommand leaves last
  return commands;
}

// Where each shell of a script is: the script's own directory, and each subshell's, which
// starts where the script was when the subshell is first seen; a subshell whose `cd` went
// to a place not known is lost (its commands are not read), the script's own ends the reading.
class ShellDirectories {
 public:
  explicit ShellDirectories(fs::path& script) : script_(script) {}
  bool lost(int subshell) const { return lost_.count(subshell) > 0; }
  fs::path& of(int subshell) { return subshell == 0 ? script_ : subshells_.try_emplace(subshell, script_).first->second; }
  void lose(int subshell) { lost_.insert(subshell); }
  void moveTo(int subshell, fs::path next) {
    previous_[subshell] = of(subshell);
    of(subshell) = std::move(next);
  }
  // `cd -`, `pushd -` or a bare `popd`: back to where the shell was before its last move.
  static bool goesBack(const std::vector<std::string>& words) {
    return (words.size() == 2 && words[1] == "-" && (words[0] == "cd" || words[0] == "pushd")) ||
           (words.size() == 1 && words[0] == "popd");
  }
  // Where a `cd DIR` or `pushd DIR` (DIR against the shell's directory) or a move back takes the
  // shell; nullopt when that is not known (a computed DIR, a move back before any move).
  std::optional<fs::path> destination(int subshell, const std::vector<std::string>& words) {
    if (goesBack(words)) {
      const auto it = previous_.find(subshell);
      return it == previous_.end() ? std::nullopt : std::optional(it->second);
    }
    return words.size() == 2 ? resolveAgainst(of(subshell), words[1]) : std::nullopt;
  }

 private:
  fs::path& script_;
  std::map<int, fs::path> subshells_;
  std::map<int, fs::path> previous_;
  std::set<int> lost_;
};

std::vector<std::vector<std::string>> simpleCommands(std::string_view script) {
  std::vector<std::vector<std::string>> out;
  for (auto& command : shellCommands(script)) out.push_back(std::move(command.words));
  return out;
}

std::string baseName(const std::string& word) {
  const size_t slash = word.rfind('/');
  return slash == std::string::npos ? word : word.substr(slash + 1);
}

// The build options that take a value (docker buildx build --help); the rest are switches.
bool optionTakesValue(const std::string& name) {
  static const std::set<std::string> kWithValue = {"-t",
                                                   "--tag",
                                                   "--build-arg",
                                                   "--label",
                                                   "--target",
                                                   "--cache-from",
                                                   "--cache-to",
                                                   "-o",
                                                   "--output",
                                                   "--secret",
                                                   "--ssh",
                                                   "--progress",
                                                   "--network",
                                                   "--iidfile",
                                                   "--metadata-file",
                                                   "--builder",
                                                   "--attest",
                                                   "--annotation",
                                                   "--add-host",
                                                   "--build-context",
                                                   "--shm-size",
                                                   "--ulimit",
                                                   "--allow",
                                                   "--cgroup-parent",
                                                   "-m",
                                                   "--memory",
                                                   "--memory-swap",
                                                   "--cpu-shares",
                                                   "--cpuset-cpus",
                                                   "--isolation",
                                                   "--call",
                                                   "--security-opt",
                                                   "--platform",
                                                   "-f",
                                                   "--file",
                                                   "--squash-all",
                                                   "--jobs",
                                                   "--layers",
                                                   "--format",
                                                   "--manifest",
                                                   "--os",
                                                   "--arch",
                                                   "--variant",
                                                   "--creds",
                                                   "--authfile",
                                                   "--cert-dir",
                                                   "--sign-by"};
  return kWithValue.count(name) > 0;
}

bool isShellName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// The script's own directory written as a value (`SCRIPT_DIR="$( cd "$( dirname
// "${BASH_SOURCE[0]}" )" && pwd )"`, `$(dirname "$(readlink -f "$0")")`, `` `dirname $0` ``,
// `$(realpath "$(dirname "$0")")`, also with `/..` or a subdirectory after it): the word
// scriptRelativeDirectory reads, `$(dirname $0)` plus that path, so that a `cd "$SCRIPT_DIR"` or
// a `docker build -f "$SCRIPT_DIR/Dockerfile"` after it lands where the script is
// (elotl/kip's scripts/init-cert/build.sh, Part YR). Read by taking the value apart, no regex:
// quotes, blanks, `--`, `;` and redirections to /dev/null carry no meaning here.
std::optional<std::string> scriptDirectoryExpression(std::string_view value) {
  std::string compact;
  for (char c : value) {
    if (c != '"' && c != '\'' && c != ' ' && c != '\t') compact += c;
  }
  for (std::string_view noise : {"&>/dev/null", "2>/dev/null", ">/dev/null", "2>&1", "--", ";"}) {
    for (size_t at = compact.find(noise); at != std::string::npos; at = compact.find(noise, at)) compact.erase(at, noise.size());
  }
  std::string_view rest = compact;
  auto take = [&rest](std::string_view prefix) {
    if (!text::startsWith(rest, prefix)) return false;
    rest.remove_prefix(prefix.size());
    return true;
  };
  // The script's own path: $0 or BASH_SOURCE, perhaps through readlink -f/-e or realpath.
  auto takeScriptPath = [&]() {
    for (std::string_view self : {"${BASH_SOURCE[0]:-$0}", "${BASH_SOURCE[0]}", "${BASH_SOURCE}", "$BASH_SOURCE", "${0}", "$0"}) {
      if (take(self)) return true;
    }
    return false;
  };
  auto takeSelf = [&]() {
    for (std::string_view wrapper : {"$(readlink-f", "$(readlink-e", "$(realpath"}) {
      if (take(wrapper)) return takeScriptPath() && take(")");
    }
    return takeScriptPath();
  };
  // Its directory: $(dirname SELF) or `dirname SELF`.
  auto takeDirectory = [&]() {
    if (take("$(dirname")) return takeSelf() && take(")");
    if (take("`dirname")) return takeSelf() && take("`");
    return false;
  };
  // A path after the directory (`/..`, `/docker`), up to what closes the expression.
  auto takeRelative = [&rest](std::string& into) {
    while (!rest.empty() && rest.front() != ')' && rest.front() != '&') {
      into += rest.front();
      rest.remove_prefix(1);
    }
    return into.empty() || into.front() == '/';
  };
  std::string relative;
  bool ok = false;
  if (take("$(cd")) {
    // $(cd DIRECTORY[/PATH] && pwd[-P])
    ok = takeDirectory() && takeRelative(relative) && take("&&pwd");
    if (ok) take("-P");
    ok = ok && take(")");
  } else if (take("$(realpath")) {
    ok = takeDirectory() && takeRelative(relative) && take(")");
  } else {
    ok = takeDirectory() && takeRelative(relative);
  }
  if (!ok || !rest.empty() || relative.find_first_of("$`(") != std::string::npos) return std::nullopt;
  return "$(dirname $0)" + relative;
}

// Every literal value a run script assigns each variable, at most four of them in order (a name
// given more, or one whose value has a command substitution, is left out). The script's own
// directory, however written, is the literal `$(dirname $0)` (scriptDirectoryExpression).
std::map<std::string, std::vector<std::string>> scriptAssignments(const std::string& script) {
  constexpr size_t kMaxValues = 4;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> unusable;
  auto assign = [&](const std::string& name, const std::string& value) {
    auto& list = values[name];
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
    if (list.size() > kMaxValues) unusable.insert(name);
  };
  const auto lines = text::split(script, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = text::trim(lines[i]);
    // `export NAME=...`, and the declarations of well-kept scripts: `readonly NAME=...`,
    // `local NAME=...`, `declare -r NAME=...` (their flags dropped).
    for (bool again = true; again;) {
      again = false;
      for (std::string_view keyword : {"export ", "readonly ", "local ", "declare ", "typeset "}) {
        if (!text::startsWith(line, keyword)) continue;
        line = text::trim(line.substr(keyword.size()));
        while (text::startsWith(line, "-")) {
          const size_t blank = line.find(' ');
          line = blank == std::string::npos ? std::string() : text::trim(line.substr(blank));
        }
        again = true;
      }
    }
    const size_t equals = line.find('=');
    if (equals == std::string::npos || !isShellName(line.substr(0, equals))) continue;
    const std::string name = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    if (text::startsWith(value, "(")) {
      // An array, perhaps over several lines, up to the line that closes it.
      std::string body = value.substr(1);
      // Each line is looked at once: a long unclosed array stays linear.
      for (bool closed = body.find(')') != std::string::npos; !closed && i + 1 < lines.size();) {
        closed = lines[++i].find(')') != std::string::npos;
        body += "\n" + lines[i];
      }
      const size_t close = body.rfind(')');
      if (close == std::string::npos || body.find("$(") != std::string::npos) continue;
      std::string joined;
      for (const auto& command : simpleCommands(body.substr(0, close))) {
        for (const auto& word : command) joined += (joined.empty() ? "" : " ") + ("\"" + word + "\"");
      }
      assign(name + "[@]", joined);
      continue;
    }
    if (const auto directory = scriptDirectoryExpression(value)) {
      assign(name, *directory);
      continue;
    }
    // The repository's root, as scripts find it (`REPO_ROOT="$(git rev-parse --show-toplevel)"`):
    // the literal kRepositoryRoot, which the build-command reader puts the root in for.
    {
      std::string compact;
      for (char c : value) {
        if (c != '"' && c != '\'' && c != ' ' && c != '\t') compact += c;
      }
      if (compact == "$(gitrev-parse--show-toplevel)" || compact == "`gitrev-parse--show-toplevel`") {
        assign(name, std::string(kRepositoryRoot));
        continue;
      }
    }
    // A lone word: no command after it, no substitution in it.
    auto commands = simpleCommands(value);
    std::erase_if(commands, [](const auto& words) { return words.empty(); });
    if (value.find("$(") != std::string::npos || value.find('`') != std::string::npos || commands.size() != 1 ||
        commands[0].size() != 1) {
      continue;
    }
    assign(name, commands[0][0]);
  }
  for (const auto& name : unusable) values.erase(name);
  return values;
}

// The script with `values` put in where it uses them (`$NAME`, `${NAME}`, `"${NAME[@]}"`).
std::string withValues(const std::string& script, const std::map<std::string, std::string>& values) {
  if (values.empty()) return script;
  return text::substituteShellVariables(script, [&](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

// Values that use the script's other single values (`DOCKERFILE="${REPO_ROOT}/docker/Dockerfile"`)
// with those put in, two levels deep: a name used in its own value stays as written.
std::map<std::string, std::string> withOwnValues(std::map<std::string, std::string> values) {
  for (int level = 0; level < 2; ++level) {
    std::map<std::string, std::string> next = values;
    for (auto& [name, value] : next) {
      if (value.find('$') == std::string::npos || value == kRepositoryRoot || text::startsWith(value, "$(dirname")) continue;
      auto others = values;
      others.erase(name);
      value = withValues(value, others);
    }
    values = std::move(next);
  }
  return values;
}

// The variables a run script assigns itself, put in where it uses them: a scalar assigned alone
// on its line (`DOCKERFILE=docker/Dockerfile`, also after `export`), the same value wherever
// it is assigned, and an array (`args=(--file docker/Dockerfile --build-arg X=1)`, over several
// lines) used as `"${args[@]}"` (colmap/colmap's build-docker.yml hands `docker build` its
// `--file` that way). Values with a command substitution, and names assigned different values,
// are left alone. A reader of build commands, not a shell: enough to find which file a build
// names.
std::string expandScriptAssignments(const std::string& script) {
  std::map<std::string, std::string> single;
  for (const auto& [name, list] : scriptAssignments(script)) {
    if (list.size() == 1) single[name] = list.front();
  }
  return withValues(script, withOwnValues(single));
}

// The script once for each combination of the values of the variables it assigns several
// literal values (`DOCKERFILE=Dockerfile_rocm` in one branch and `DOCKERFILE=Dockerfile` in the
// other: OpenNMT/CTranslate2's docker/build_all.sh builds either), at most 8 variants; a
// variable that would make more is left as written. Which branch runs is the caller's (an
// argument, the environment): each variant is a build the script can run.
std::vector<std::string> scriptVariants(const std::string& script) {
  constexpr size_t kMaxVariants = 8;
  std::vector<std::map<std::string, std::string>> variants(1);
  for (const auto& [name, list] : scriptAssignments(script)) {
    if (list.size() == 1) {
      for (auto& variant : variants) variant[name] = list.front();
      continue;
    }
    if (variants.size() * list.size() > kMaxVariants) continue;
    std::vector<std::map<std::string, std::string>> next;
    for (const auto& variant : variants) {
      for (const auto& value : list) {
        next.push_back(variant);
        next.back()[name] = value;
      }
    }
    variants = std::move(next);
  }
  std::vector<std::string> out;
  out.reserve(variants.size());
  for (const auto& variant : variants) out.push_back(withValues(script, withOwnValues(variant)));
  return out;
}

// The value a command's words give DOCKER_DEFAULT_PLATFORM, the Docker CLI's platform for a
// build, pull or run that names none (docker docs, "Environment variables": "the default
// platform for commands that take the --platform flag"): `export DOCKER_DEFAULT_PLATFORM=...`
// or a bare assignment sets it for the rest of the script (`setsForScript`), a prefix
// (`DOCKER_DEFAULT_PLATFORM=linux/amd64 docker build .`) for that command alone. kubermatic's
// chrome-headless release.sh sets it to linux/amd64 on an arm64 Mac before its plain build:
// the image is amd64 wherever it is built. A value the script does not give (`$ARCH`) is none.
std::optional<std::string> defaultPlatformAssigned(const std::vector<std::string>& words, bool& setsForScript) {
  static constexpr std::string_view kName = "DOCKER_DEFAULT_PLATFORM=";
  size_t k = 0;
  // `if [ ... ]; then export DOCKER_DEFAULT_PLATFORM=linux/amd64; fi`: the keyword begins the command.
  while (k < words.size() && (words[k] == "then" || words[k] == "else" || words[k] == "do" || words[k] == "{")) ++k;
  if (k < words.size() && words[k] == "export") ++k;
  std::optional<std::string> value;
  for (; k < words.size(); ++k) {
    const size_t equals = words[k].find('=');
    if (equals == std::string::npos || equals == 0) break;
    if (text::startsWith(words[k], kName)) value = words[k].substr(kName.size());
  }
  setsForScript = k == words.size();
  if (value && (value->empty() || !isResolved(*value))) return std::nullopt;
  return value;
}

// What a script's reader knows when it starts: the DOCKER_DEFAULT_PLATFORM it inherits (a
// Makefile's `export`), and the directory the script file is in, for a `cd` to it.
struct ShellStart {
  std::optional<std::string> defaultPlatform;
  std::optional<fs::path> scriptDirectory;
  std::optional<fs::path> repositoryRoot;  // for kRepositoryRoot
};

// `cd "$(dirname "$0")"`, `cd $(dirname ${BASH_SOURCE[0]})/..`: a script moving to its own
// directory (or one relative to it), whatever directory it was started from. The word as
// simpleCommands leaves it (quotes removed; `$0` may be unresolved by then).
std::optional<fs::path> scriptRelativeDirectory(const std::string& word, const fs::path& scriptDirectory) {
  std::string_view rest = word;
  if (!text::startsWith(rest, "$(dirname ")) return std::nullopt;
  const size_t close = rest.find(')');
  if (close == std::string_view::npos) return std::nullopt;
  const std::string argument = text::trim(rest.substr(10, close - 10));
  if (argument != "$0" && argument != std::string(1, kUnresolved) && argument != "${BASH_SOURCE[0]}" &&
      argument != "${BASH_SOURCE}" && argument != "$BASH_SOURCE") {
    return std::nullopt;
  }
  rest.remove_prefix(close + 1);
  if (rest.empty()) return scriptDirectory;
  if (rest.front() != '/') return std::nullopt;
  return resolveAgainst(scriptDirectory, std::string(rest.substr(1)));
}

// Does a `for NAME in LIST` header loop over the directories one level below the current one?
// `for d in */`, `for d in *`, `for d in $(ls)`, `$(ls -d */)`, `$(ls | sort -r)`,
// `$(find . -mindepth 1 -maxdepth 1 -type d)`: each pass's NAME is one such directory.
bool loopsOverSubdirectories(const std::vector<std::string>& words) {
  if (words.size() < 4 || words[0] != "for" || words[2] != "in") return false;
  for (size_t k = 3; k < words.size(); ++k) {
    const std::string& item = words[k];
    const bool glob = item == "*/" || item == "*" || item == "./*/" || item == "./*";
    // `ls` of the current directory: no path after it but a `*/` glob.
    const size_t slash = item.find('/', 4);
    const bool here = slash == std::string::npos || (item[slash - 1] == '*' && item.find('/', slash + 1) == std::string::npos);
    const bool listing = text::startsWith(item, "$(ls") && item.size() > 4 && (item[4] == ' ' || item[4] == ')') && here;
    const bool found = text::startsWith(item, "$(find . ") && item.find("-maxdepth 1") != std::string::npos &&
                       item.find("-type d") != std::string::npos;
    if (!glob && !listing && !found) return false;
  }
  return true;
}

bool isUnresolvedWhole(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c == kUnresolved || c == '/'; });
}

// A build by BuildKit's own client or by kaniko, which CI jobs run where no Docker daemon is
// (GitLab's hosted runners): `buildctl build --frontend dockerfile.v0 --local context=DIR
// --local dockerfile=DIR [--opt filename=NAME] [--opt platform=P] [--opt target=T]` (also
// `buildctl-daemonless.sh`; BuildKit's dockerfile frontend reads those options, and the file
// is `Dockerfile` in the dockerfile directory unless `filename` names another), and
// `/kaniko/executor --context DIR --dockerfile FILE [--custom-platform P] [--target T]`
// (kaniko: a relative --dockerfile is a path in the context). Either builds for the machine it
// runs on when no platform is named.
std::optional<BuildCommand> buildKitOrKanikoBuild(const std::vector<std::string>& words, const fs::path& here) {
  size_t i = 0;
  while (i < words.size() && words[i].find('=') != std::string::npos && words[i][0] != '-') ++i;  // VAR=value prefixes
  if (i >= words.size()) return std::nullopt;
  const std::string program = baseName(words[i]);
  const bool buildctl = program == "buildctl" || program == "buildctl-daemonless.sh";
  const bool kaniko = program == "executor" && words[i].find("kaniko") != std::string::npos;
  if (!buildctl && !kaniko) return std::nullopt;
  // `buildctl [--addr ...] build`: the global options come before the verb.
  size_t k = i + 1;
  if (buildctl) {
    while (k < words.size() && words[k] != "build") ++k;
    if (k >= words.size()) return std::nullopt;
    ++k;
  }
  BuildCommand command;
  command.workingDirectory = here;
  std::optional<std::string> contextDir, dockerfileDir, filename;
  bool dockerfileFrontend = kaniko;
  for (; k < words.size(); ++k) {
    std::string name = words[k];
    std::optional<std::string> value;
    if (const size_t equals = name.find('='); name[0] == '-' && equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (k + 1 < words.size()) {
      value = words[k + 1];
    }
    if (!value || name.empty() || name[0] != '-') continue;
    if (buildctl) {
      if (name == "--frontend")
        dockerfileFrontend = text::startsWith(*value, "dockerfile.v0") || text::startsWith(*value, "gateway.v0");
      if (name == "--local" && text::startsWith(*value, "context=")) contextDir = value->substr(8);
      if (name == "--local" && text::startsWith(*value, "dockerfile=")) dockerfileDir = value->substr(11);
      if (name == "--opt" && text::startsWith(*value, "filename=")) filename = value->substr(9);
      if (name == "--opt" && text::startsWith(*value, "platform=")) command.platforms = value->substr(9);
      if (name == "--opt" && text::startsWith(*value, "target=")) command.target = value->substr(7);
    } else {
      if (name == "--context" || name == "-c") contextDir = *value;
      if (name == "--dockerfile" || name == "-f") filename = *value;
      if (name == "--custom-platform") command.platforms = *value;
      if (name == "--target") command.target = *value;
    }
  }
  if (!dockerfileFrontend) return std::nullopt;
  if (kaniko && contextDir && text::startsWith(*contextDir, "dir://")) contextDir = contextDir->substr(6);
  command.context = contextDir.value_or(".");
  const std::string file = filename.value_or("Dockerfile");
  if (buildctl) {
    command.file = dockerfileDir.value_or(command.context) + "/" + file;
  } else {
    command.file = !file.empty() && file[0] == '/' ? file : command.context + "/" + file;
  }
  return command;
}

// The build commands of a script run in `directory`, following its `cd`s (a `cd` to a
// place it cannot resolve leaves the rest of the script unread, or of the subshell it runs
// in). In a loop over the subdirectories (loopsOverSubdirectories), a `cd "$d"` or a context
// `"$d"` that the reader cannot resolve is each of them in turn: the build stands for the
// Dockerfile of every directory one level down (Leticia-maria/orca's workflow builds each
// `tool:version/` so).
std::vector<BuildCommand> buildCommandsIn(std::string_view script, fs::path directory, const ShellStart& start = {}) {
  std::vector<BuildCommand> out;
  std::optional<std::string> defaultPlatform = start.defaultPlatform;
  int loopDepth = 0;
  int subdirectoryLoop = 0;      // the depth of the loop over subdirectories, 0 outside one
  bool inLoopDirectory = false;  // moved into the loop's directory by an unresolved cd
  ShellDirectories directories(directory);
  for (auto& [words, subshell] : shellCommands(script)) {
    if (directories.lost(subshell)) continue;
    fs::path& here = directories.of(subshell);
    if (start.repositoryRoot) {
      for (auto& word : words) {
        if (text::startsWith(word, kRepositoryRoot)) word = start.repositoryRoot->string() + word.substr(kRepositoryRoot.size());
      }
    }
    if (!words.empty() && (words[0] == "for" || words[0] == "while" || words[0] == "until")) {
      ++loopDepth;
      if (subdirectoryLoop == 0 && loopsOverSubdirectories(words)) subdirectoryLoop = loopDepth;
      continue;
    }
    if (!words.empty() && words[0] == "done") {
      if (subdirectoryLoop != 0 && subdirectoryLoop == loopDepth) {
        subdirectoryLoop = 0;
        inLoopDirectory = false;
      }
      loopDepth = std::max(0, loopDepth - 1);
      continue;
    }
    bool setsForScript = false;
    std::optional<std::string> commandPlatform = defaultPlatformAssigned(words, setsForScript);
    if (commandPlatform && setsForScript) {
      defaultPlatform = commandPlatform;
      continue;
    }
    if (!commandPlatform) commandPlatform = defaultPlatform;
    bool overridable = false;
    for (size_t k = 0; k < words.size(); ++k) {
      if (words[k].find(kOverridableBegin) == std::string::npos) continue;
      if (text::startsWith(words[k], "--platform") || (k > 0 && words[k - 1] == "--platform")) overridable = true;
      std::erase_if(words[k], [](char c) { return c == kOverridableBegin || c == kOverridableEnd; });
    }
    if (!words.empty() && (words[0] == "cd" || words[0] == "pushd" || words[0] == "popd")) {
      if (words.size() == 2 && subdirectoryLoop != 0 && !inLoopDirectory && isUnresolvedWhole(words[1])) {
        inLoopDirectory = true;
        continue;
      }
      if (words.size() == 2 && inLoopDirectory && (words[1] == ".." || words[1] == "../" || isUnresolvedWhole(words[1]))) {
        inLoopDirectory = false;  // back to where the loop started (`cd ..`, `cd "$rootdir"`)
        continue;
      }
      if (inLoopDirectory) return out;
      auto next = directories.destination(subshell, words);
      if (!next && !ShellDirectories::goesBack(words) && words.size() == 2 && start.scriptDirectory) {
        next = scriptRelativeDirectory(words[1], *start.scriptDirectory);
      }
      if (!next && words[0] == "popd") continue;  // a stack this reader did not see pushed
      if (!next) {
        if (subshell == 0) return out;
        directories.lose(subshell);
        continue;
      }
      directories.moveTo(subshell, std::move(*next));
      continue;
    }
    if (auto other = buildKitOrKanikoBuild(words, here)) {
      if (other->platforms.empty() && commandPlatform) other->platforms = *commandPlatform;
      if (!inLoopDirectory) out.push_back(std::move(*other));
      continue;
    }
    size_t i = 0;
    while (i < words.size() && !(baseName(words[i]) == "docker" || baseName(words[i]) == "podman")) ++i;
    if (i >= words.size()) continue;
    // Global options of the client (`docker --context x buildx build`).
    for (++i; i < words.size() && words[i].size() > 1 && words[i][0] == '-'; ++i) {
      if (words[i].find('=') == std::string::npos &&
          (words[i] == "--context" || words[i] == "-c" || words[i] == "-H" || words[i] == "--host" || words[i] == "--config" ||
           words[i] == "-l" || words[i] == "--log-level")) {
        ++i;
      }
    }
    if (i < words.size() && (words[i] == "buildx" || words[i] == "image")) ++i;
    if (i >= words.size() || (words[i] != "build" && words[i] != "b")) continue;
    BuildCommand command;
    command.overridablePlatform = overridable;
    command.workingDirectory = here;
    std::vector<std::string> positional;
    // Podman's and Buildah's spelling of one platform: `--os linux --arch amd64 [--variant v8]`
    // is `--platform linux/amd64[/v8]` (podman-build(1): "--arch: Set the ARCH of the image to be
    // built, and that of the base image to be pulled, if the build uses one, to the provided
    // value instead of using the architecture of the host"; --os defaults to the host's, linux).
    std::string os, arch, variant;
    for (++i; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w.size() < 2 || w[0] != '-') {
        positional.push_back(w);
        continue;
      }
      const size_t equals = w.find('=');
      const std::string name = w.substr(0, equals);
      std::optional<std::string> value;
      if (equals != std::string::npos) {
        value = w.substr(equals + 1);
      } else if (text::startsWith(w, "-f") && w.size() > 2 && w[1] == 'f') {
        value = w.substr(2);  // -fDockerfile
      } else if (optionTakesValue(name) && i + 1 < words.size()) {
        value = words[++i];
      }
      if (!value) continue;
      if (name == "--platform") command.platforms += (command.platforms.empty() ? "" : ",") + *value;
      if (name == "-f" || name == "--file") command.file = *value;
      if (name == "--target") command.target = *value;
      if (name == "--os") os = *value;
      if (name == "--arch") arch = *value;
      if (name == "--variant") variant = *value;
    }
    if (command.platforms.empty() && !arch.empty()) {
      command.platforms = (os.empty() ? "linux" : os) + "/" + arch + (variant.empty() ? "" : "/" + variant);
    }
    if (command.platforms.empty() && commandPlatform) command.platforms = *commandPlatform;
    // A build with no --platform builds for the machine it runs on: kept, for a caller that
    // knows that machine (a GitHub-hosted runner); the others declare nothing for it.
    if (positional.empty()) continue;
    command.context = positional.back();
    // `docker build -f "$SCRIPT_DIR/Dockerfile" "$SCRIPT_DIR"`: paths from the script's directory.
    if (start.scriptDirectory) {
      if (auto inScript = scriptRelativeDirectory(command.context, *start.scriptDirectory)) command.context = inScript->string();
      if (command.file) {
        if (auto inScript = scriptRelativeDirectory(*command.file, *start.scriptDirectory)) command.file = inScript->string();
      }
    }
    if (command.context == "-" && !command.file) continue;  // the Dockerfile comes from stdin
    if (inLoopDirectory) {
      // After `cd "$d"`, relative paths are below each subdirectory: `docker build .` is its
      // Dockerfile, `docker build src` and `-f Dockerfile.x` the same names one level down.
      const std::string each(1, kUnresolved);
      if (command.context == "." || command.context == "./") {
        command.context = each;
      } else if (!fs::path(command.context).is_absolute()) {
        command.context = each + "/" + command.context;
      }
      if (command.file && !fs::path(*command.file).is_absolute()) command.file = each + "/" + *command.file;
      command.eachSubdirectory = command.context == each && !command.file;
    } else if (subdirectoryLoop != 0 && !command.file) {
      command.eachSubdirectory = isUnresolvedWhole(command.context);
    }
    out.push_back(command);
  }
  return out;
}

// The simple commands of a CI command line with the directory each runs in: a `cd` or `pushd`
// moves the rest, and one that cannot be resolved ends what is read.
std::vector<std::pair<std::vector<std::string>, fs::path>> commandsWithDirectory(std::string_view line, fs::path directory) {
  std::vector<std::pair<std::vector<std::string>, fs::path>> out;
  ShellDirectories directories(directory);
  for (auto& [words, subshell] : shellCommands(line)) {
    if (words.empty() || directories.lost(subshell)) continue;
    fs::path& here = directories.of(subshell);
    if (((words[0] == "cd" || words[0] == "pushd") && words.size() == 2) || ShellDirectories::goesBack(words)) {
      auto next = directories.destination(subshell, words);
      if (!next && words[0] == "popd") continue;  // a stack this reader did not see pushed
      if (!next && subshell == 0) break;
      if (!next) {
        directories.lose(subshell);
        continue;
      }
      directories.moveTo(subshell, std::move(*next));
      continue;
    }
    out.emplace_back(std::move(words), here);
  }
  return out;
}

// Where the command a simple command runs begins, past the commands that run their arguments
// as a command (`sudo`, `time`, `nice`, `nohup`, `env`, `timeout 30m`, `eval`, `exec`, `xargs`,
// `command`, and `retry`, the name CI scripts give their retry loop: Flaconi/docker-atlantis-
// terragrunt's workflow defines `retry() { ... eval "${*}" ... }` and runs `retry make build`,
// Part ZZZZZZZZZZZZZZZZT) with their options and arguments (`-n 10`, `VAR=value`, `--`).
size_t wrappedCommandStart(const std::vector<std::string>& words) {
  static const std::set<std::string> kWrappers{"sudo", "time", "nice",    "nohup", "env",  "timeout",
                                               "eval", "exec", "command", "retry", "xargs"};
  size_t i = 0;
  bool wrapped = false;
  for (; i < words.size(); ++i) {
    const std::string& w = words[i];
    // After a wrapper: its options, an assignment `env` makes, a count or a duration.
    const bool wrapperArgument =
        wrapped && !w.empty() &&
        (w[0] == '-' || w.find('=') != std::string::npos || std::isdigit(static_cast<unsigned char>(w[0])));
    if (kWrappers.count(baseName(w))) {
      wrapped = true;
    } else if (!wrapperArgument) {
      break;
    }
  }
  return i;
}

// The repository scripts a CI command line runs by path, with the directory each runs in:
// `bash ./build.sh x`, `sh -e ci/build.sh`, `./scripts/docker.sh` (after any `cd`).
std::vector<std::pair<fs::path, fs::path>> scriptsRunBy(std::string_view line, const fs::path& start) {
  std::vector<std::pair<fs::path, fs::path>> out;
  for (const auto& [allWords, directory] : commandsWithDirectory(line, start)) {
    // `sudo ./build.sh`, `retry bash ci/build.sh`: the script the wrapper runs.
    const size_t first = wrappedCommandStart(allWords);
    if (first >= allWords.size()) continue;
    const std::vector<std::string> words(allWords.begin() + static_cast<std::ptrdiff_t>(first), allWords.end());
    size_t i = 0;
    if (words[0] == "bash" || words[0] == "sh" || words[0] == "/bin/bash" || words[0] == "/bin/sh") {
      i = 1;
      while (i < words.size() && text::startsWith(words[i], "-")) ++i;
      if (i >= words.size()) continue;
    } else if (words[0].find('/') == std::string::npos && !text::endsWith(words[0], ".sh")) {
      continue;
    }
    const std::string& path = words[i];
    if (path.empty() || path.find('$') != std::string::npos || path.find(kUnresolved) != std::string::npos) continue;
    if (const auto resolved = resolveAgainst(directory, path)) out.emplace_back(*resolved, directory);
  }
  return out;
}

// A `make` a CI command line runs (after any `cd`): the Makefile it reads and the goals it makes.
struct MakeRun {
  fs::path directory;                   // where make runs (`-C dir`)
  std::optional<std::string> makefile;  // `-f file`; else make's own names in `directory`
  std::vector<std::string> goals;       // empty: make's default goal
  // `make image PLATFORMS=linux/amd64`: command-line variables, which override the Makefile's
  // own assignments of those names (all but `override` ones).
  std::vector<std::pair<std::string, std::string>> variables;
};

// The value of an option at words[i], written `NAME VALUE` or `--long=VALUE`, for any of `names`
// (moving i past a separate value); nullopt when words[i] is none of them.
std::optional<std::string> optionValue(const std::vector<std::string>& words, size_t& i,
                                       std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (words[i] == name) return i + 1 < words.size() ? std::optional(words[++i]) : std::string();
    if (text::startsWith(name, "--") && text::startsWith(words[i], std::string(name) + "=")) {
      return words[i].substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

std::vector<MakeRun> makeRunsBy(std::string_view line, const fs::path& start) {
  std::vector<MakeRun> out;
  for (const auto& [allWords, directory] : commandsWithDirectory(line, start)) {
    const size_t first = wrappedCommandStart(allWords);
    if (first >= allWords.size()) continue;
    const std::vector<std::string> words(allWords.begin() + static_cast<std::ptrdiff_t>(first), allWords.end());
    if (baseName(words[0]) != "make" && baseName(words[0]) != "gmake") continue;
    MakeRun run{directory, std::nullopt, {}, {}};
    bool understood = true;
    for (size_t i = 1; i < words.size() && understood; ++i) {
      const std::string& w = words[i];
      std::optional<std::string> chdir = optionValue(words, i, {"-C", "--directory"});
      const std::optional<std::string> file = chdir ? std::nullopt : optionValue(words, i, {"-f", "--file", "--makefile"});
      if (!chdir && !file && text::startsWith(w, "-C")) {
        chdir = w.substr(2);
      } else if (chdir || file) {
        // read above: a directory to run in, or the makefile
      } else if (w == "-j" || w == "-l") {
        if (i + 1 < words.size() && !words[i + 1].empty() && std::isdigit(static_cast<unsigned char>(words[i + 1][0]))) ++i;
      } else if (w == "-o" || w == "-W" || w == "-I") {
        ++i;
      } else if (!w.empty() && w[0] != '-' && w.find('=') == std::string::npos) {
        run.goals.push_back(w);
      } else if (const size_t equals = w.find('='); !w.empty() && w[0] != '-' && equals != std::string::npos) {
        // `NAME=value` and `NAME:=value` (make's simply expanded form on the command line).
        std::string name = w.substr(0, equals);
        if (!name.empty() && name.back() == ':') name.pop_back();
        if (!name.empty() && name.find_first_of(" \t:$") == std::string::npos)
          run.variables.emplace_back(name, w.substr(equals + 1));
      }
      if (chdir) {
        const auto next = resolveAgainst(run.directory, *chdir);
        understood = next.has_value();
        if (next) run.directory = *next;
      }
      if (file) run.makefile = *file;
    }
    const bool computed = std::any_of(run.goals.begin(), run.goals.end(), [](const std::string& goal) {
      return goal.find('$') != std::string::npos || goal.find(kUnresolved) != std::string::npos;
    });
    if (understood && !computed) out.push_back(std::move(run));
  }
  return out;
}

// `madeRecipeLines`, when given, receives each recipe line of the rules made, expanded: where a
// caller looks for the scripts a recipe runs.
std::vector<BuildCommand> makefileBuildCommands(const std::string& text, const fs::path& directory,
                                                const std::vector<std::string>* goals,
                                                const std::vector<std::pair<std::string, std::string>>& commandLine = {},
                                                std::vector<std::string>* madeRecipeLines = nullptr);

// A `docker compose build` (or `docker-compose build`, `docker compose up --build`) a CI
// command line runs: the compose files it reads and the services it builds (empty: all).
struct ComposeBuild {
  fs::path directory;              // --project-directory, else where it runs
  std::vector<std::string> files;  // -f/--file; else compose's own names in `directory`
  std::vector<std::string> services;
};

std::vector<ComposeBuild> composeBuildsRunBy(std::string_view line, const fs::path& start) {
  std::vector<ComposeBuild> out;
  for (const auto& [words, directory] : commandsWithDirectory(line, start)) {
    size_t i = 0;
    if (baseName(words[0]) == "docker-compose") {
      i = 1;
    } else if (baseName(words[0]) == "docker" && words.size() > 1 && words[1] == "compose") {
      i = 2;
    } else {
      continue;
    }
    ComposeBuild build{directory, {}, {}};
    bool understood = true;
    // Compose's options before the subcommand; the ones with a value take the next word.
    static const std::set<std::string, std::less<>> kWithValue{"-p",     "--project-name", "--env-file", "--profile",
                                                               "--ansi", "--progress",     "--parallel"};
    for (; i < words.size() && !words[i].empty() && words[i][0] == '-'; ++i) {
      const std::string& w = words[i];
      const auto file = optionValue(words, i, {"-f", "--file"});
      const auto projectDirectory = file ? std::nullopt : optionValue(words, i, {"--project-directory"});
      if (!file && !projectDirectory && kWithValue.count(w)) ++i;
      if (file && !file->empty()) build.files.push_back(*file);
      if (projectDirectory) {
        const auto next = resolveAgainst(directory, *projectDirectory);
        understood = understood && next.has_value();
        if (next) build.directory = *next;
      }
    }
    if (!understood || i >= words.size()) continue;
    const std::string& subcommand = words[i];
    const bool builds =
        subcommand == "build" || (subcommand == "up" && std::find(words.begin() + i, words.end(), "--build") != words.end());
    if (!builds) continue;
    for (++i; i < words.size(); ++i) {
      if (!words[i].empty() && words[i][0] != '-' && subcommand == "build") build.services.push_back(words[i]);
    }
    const bool computed =
        std::any_of(build.files.begin(), build.files.end(), [](const std::string& f) { return !isResolved(f); });
    if (!computed) out.push_back(std::move(build));
  }
  return out;
}

// The build commands of the repository scripts a command line run in `directory` runs by path
// (`./scripts/build.sh`, `bash ci/build.sh`), each variant of the script's own values; the CI
// step's `environment` stands in for the variables a script reads but does not set.
void addBuildsOfScriptsRun(std::vector<BuildCommand>& commands, std::string_view line, const fs::path& directory,
                           const ReadRepositoryFile& readScript, const std::map<std::string, std::string>* environment) {
  for (const auto& [script, workingDirectory] : scriptsRunBy(line, directory)) {
    auto text = readScript(script);
    if (!text) continue;
    if (environment && !environment->empty()) {
      const auto own = scriptAssignments(*text);
      std::string given;
      for (const auto& [name, value] : *environment) {
        const bool plain = isResolved(value) && value.find_first_of("'\n\\") == std::string::npos;
        if (plain && !own.count(name)) given += name + "='" + value + "'\n";
      }
      text = given + *text;
    }
    for (const auto& variant : scriptVariants(*text)) {
      for (auto& command : buildCommandsIn(variant, workingDirectory, {.scriptDirectory = script.parent_path()})) {
        commands.push_back(std::move(command));
      }
    }
  }
}

// The build commands of one CI command line run in `directory`: its own, those of the
// repository scripts it runs by path, and those of the Makefile rules a `make` of it makes
// (`make build` in a Travis `install:` whose recipe runs `docker build .`: NCI-GDC/mutect2-tool,
// Part ZT). A recipe's `--platform $(PLATFORM)` with a `?=` default is the caller's to replace,
// as readMakefile treats it.
// `environment`: the CI step's own environment (a workflow's `env:` at the workflow, job and
// step), which a script it runs reads as variables it does not set itself: DRSchlaubi/docker-kotlin's
// release step sets `BUILD_CONTEXT: "oracle"` for scripts/build.sh's `docker image build ...
// "$BUILD_CONTEXT"` (Part ZZZZZZZP).
std::vector<BuildCommand> ciBuildCommands(const std::string& line, const fs::path& directory,
                                          const ReadRepositoryFile& readScript,
                                          const std::map<std::string, std::string>* environment = nullptr) {
  auto commands = buildCommandsIn(line, directory);
  if (!readScript) return commands;
  addBuildsOfScriptsRun(commands, line, directory, readScript, environment);
  // A compose build on the CI machine: its services' builds, those that name no `platforms`
  // for that machine (compose builds for its engine's platform), as a plain `docker build`
  // there is (menski/docker-camunda-bpm-platform-new's Travis job runs `docker-compose build`,
  // Part ZZZZZZZZZZI).
  for (const auto& build : composeBuildsRunBy(line, directory)) {
    // The files named with -f, else the first of compose's own names that exists, each read once.
    std::vector<std::pair<fs::path, std::string>> files;
    for (const auto& name : build.files) {
      const auto path = resolveAgainst(build.directory, name);
      if (auto text = path ? readScript(*path) : std::nullopt) files.emplace_back(*path, std::move(*text));
    }
    if (build.files.empty()) {
      for (const char* name : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}) {
        const auto path = resolveAgainst(build.directory, name);
        if (auto text = path ? readScript(*path) : std::nullopt) {
          files.emplace_back(*path, std::move(*text));
          break;
        }
      }
    }
    for (const auto& [path, text] : files) {
      for (const auto& declaration : readComposeFile(text, path.parent_path())) {
        const std::string service = text::startsWith(declaration.name, "service ") ? declaration.name.substr(8) : "";
        if (!build.services.empty() && std::find(build.services.begin(), build.services.end(), service) == build.services.end()) {
          continue;
        }
        BuildCommand command;
        command.file = declaration.dockerfile.string();
        command.context = ".";
        command.workingDirectory = build.directory;
        command.target = declaration.targetStage;
        std::vector<std::string> named;
        for (const auto& platform : declaration.platforms) named.push_back(platform.str());
        command.platforms = text::join(named, ",");
        commands.push_back(std::move(command));
      }
    }
  }
  for (const auto& run : makeRunsBy(line, directory)) {
    std::optional<std::string> text;
    for (const std::string& name : run.makefile ? std::vector<std::string>{*run.makefile}
                                                : std::vector<std::string>{"GNUmakefile", "makefile", "Makefile"}) {
      const auto path = resolveAgainst(run.directory, name);
      if (path && (text = readScript(*path))) break;
    }
    if (!text) continue;
    std::vector<std::string> recipeLines;
    for (auto& command : makefileBuildCommands(*text, run.directory, &run.goals, run.variables, &recipeLines)) {
      if (command.overridablePlatform && platformsIn(command.platforms).size() == 1) continue;
      commands.push_back(std::move(command));
    }
    // A made recipe that runs a repository script builds what that script builds, on the same
    // machine: harrison-ai/cobalt-docker-coder-dev's workflow runs `make build`, whose recipe
    // runs `./scripts/build.sh $(IMAGE_NAME)`, whose `docker build ... base` is a plain build on
    // the ubuntu-latest runner (Part ZZZZZZZZZZZZZO).
    for (const auto& recipeLine : recipeLines)
      addBuildsOfScriptsRun(commands, recipeLine, run.directory, readScript, environment);
  }
  return commands;
}

// The Dockerfile a build command uses, or a pattern for it when a directory of its path is
// computed at run time: `-f docker/${{ matrix.sdk }}/Dockerfile`, or a context such as
// `docker/$(variant)/.` built once per variant by a Makefile's `$(foreach ...)` template
// (rstudio/r-system-requirements), whose <context>/Dockerfile stands for every directory
// there. A context that is only computed directories (`$(DIR)`) names no file.
std::optional<fs::path> dockerfileOfCommand(const BuildCommand& command, bool computedContextIsAnyDirectory = false) {
  if (command.eachSubdirectory) return resolvePattern(command.workingDirectory, std::string(1, kUnresolved) + "/Dockerfile");
  if (auto dockerfile = dockerfileOf(command.workingDirectory, command.context, command.file, false)) return dockerfile;
  if (command.file) return resolvePattern(command.workingDirectory, *command.file);
  const auto parts = text::split(command.context, '/');
  const bool namesADirectory = std::any_of(
      parts.begin(), parts.end(), [](const std::string& part) { return !part.empty() && part != "." && isResolved(part); });
  if (!namesADirectory) {
    // A plain build on a CI machine whose context is one computed value and nothing else
    // (`./"$IMAGE_TAG"`, a workflow input naming a version directory): it stands for any
    // directory below, at any depth, on that machine. Not a Makefile's or a script's own
    // (`--platform=linux/s390x $(DIR)` would claim every file of the repository).
    const std::string computed(1, kUnresolved);
    if (!computedContextIsAnyDirectory || (command.context != computed && command.context != "./" + computed)) {
      return std::nullopt;
    }
    return (command.workingDirectory / std::string(1, kAnyDirectories) / "Dockerfile").lexically_normal();
  }
  return resolvePattern(command.workingDirectory, command.context + "/Dockerfile");
}

void addDeclaration(std::vector<BuildDeclaration>& out, std::optional<fs::path> dockerfile, std::vector<Platform> platforms,
                    const std::string& name, const std::string& targetStage = "") {
  if (!dockerfile || platforms.empty()) return;
  out.push_back({std::move(*dockerfile), std::move(platforms), name});
  out.back().targetStage = text::lower(targetStage);
}

// A build command with no `--platform` (a Makefile's or a script's plain `docker build -f X .`):
// BuildKit builds for the platform of the machine that runs it, so what that command's recipe
// made before it on the same machine (fasttext.bin taken out of an image built there,
// xeb/fastText-docker) is that platform's. Declares no platform: the weakest reading, as a
// compose service without `platforms`.
void addBuildForItsMachine(std::vector<BuildDeclaration>& out, std::optional<fs::path> dockerfile) {
  if (!dockerfile) return;
  BuildDeclaration native{std::move(*dockerfile), {}, ""};
  native.forBuildMachine = true;
  out.push_back(std::move(native));
}

// ---------------------------------------------------------------------------------------
// Bake, HCL: a tokenizer for blocks, attributes, strings (with `${...}` kept), heredocs and
// lists. Anything else (function calls, operators, objects, for-expressions) is an
// unknown value.

struct HclValue {
  enum class Kind { Unknown, String, List, Reference } kind = Kind::Unknown;
  std::string text;             // String: the template as written; Reference: the variable name
  std::vector<HclValue> items;  // List
};

struct HclToken {
  enum class Kind { Identifier, String, Number, Punct, Newline, End } kind = Kind::End;
  std::string text;
};

class HclTokenizer {
 public:
  explicit HclTokenizer(std::string_view input) : in_(input) {}

  std::vector<HclToken> tokens() {
    std::vector<HclToken> out;
    while (pos_ < in_.size()) {
      const char c = in_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        out.push_back({HclToken::Kind::Newline, "\n"});
        ++pos_;
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (pos_ < in_.size() && in_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const size_t close = in_.find("*/", pos_ + 2);
        pos_ = close == std::string_view::npos ? in_.size() : close + 2;
      } else if (c == '"') {
        out.push_back({HclToken::Kind::String, quoted()});
      } else if (c == '<' && peek(1) == '<' && (isIdentStart(peek(2)) || (peek(2) == '-' && isIdentStart(peek(3))))) {
        out.push_back({HclToken::Kind::String, heredoc()});
      } else if (isIdentStart(c)) {
        const size_t begin = pos_;
        while (pos_ < in_.size() && (isIdentStart(in_[pos_]) || isDigit(in_[pos_]) || in_[pos_] == '-')) ++pos_;
        out.push_back({HclToken::Kind::Identifier, std::string(in_.substr(begin, pos_ - begin))});
      } else if (isDigit(c)) {
        const size_t begin = pos_;
        while (pos_ < in_.size() && (isDigit(in_[pos_]) || in_[pos_] == '.' || in_[pos_] == 'e')) ++pos_;
        out.push_back({HclToken::Kind::Number, std::string(in_.substr(begin, pos_ - begin))});
      } else {
        out.push_back({HclToken::Kind::Punct, std::string(1, c)});
        ++pos_;
      }
    }
    out.push_back({HclToken::Kind::End, ""});
    return out;
  }

 private:
  static bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool isDigit(char c) { return c >= '0' && c <= '9'; }
  char peek(size_t ahead) const { return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0'; }

  // A quoted template: escapes decoded, `${...}` kept as written (quotes may nest in it).
  std::string quoted() {
    std::string out;
    int interpolation = 0;  // depth of ${ ... }
    for (++pos_; pos_ < in_.size(); ++pos_) {
      const char c = in_[pos_];
      if (c == '\n') break;  // unterminated: HCL strings are one line
      if (interpolation == 0 && c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\' && pos_ + 1 < in_.size()) {
        const char e = in_[++pos_];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        continue;
      }
      if (c == '$' && peek(1) == '{') ++interpolation;
      if (interpolation > 0 && c == '}') --interpolation;
      out += c;
    }
    return out;
  }

  std::string heredoc() {
    pos_ += 2;
    if (in_[pos_] == '-') ++pos_;
    const size_t begin = pos_;
    while (pos_ < in_.size() && (isIdentStart(in_[pos_]) || isDigit(in_[pos_]))) ++pos_;
    const std::string marker(in_.substr(begin, pos_ - begin));
    while (pos_ < in_.size() && in_[pos_] != '\n') ++pos_;
    std::string out;
    while (pos_ < in_.size()) {
      ++pos_;
      const size_t end = std::min(in_.find('\n', pos_), in_.size());
      const std::string_view line = in_.substr(pos_, end - pos_);
      pos_ = end;
      if (text::trim(line) == marker) break;
      out.append(line).push_back('\n');
    }
    return out;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

struct HclBlock {
  std::string type;
  std::vector<std::string> labels;
  std::map<std::string, HclValue> attributes;
};

class HclParser {
 public:
  explicit HclParser(std::vector<HclToken> tokens) : t_(std::move(tokens)) {}

  // The top-level blocks (target, variable, group, ...) with their attributes; nested
  // blocks are skipped.
  std::vector<HclBlock> blocks() {
    std::vector<HclBlock> out;
    while (!at(HclToken::Kind::End)) {
      if (at(HclToken::Kind::Identifier)) {
        HclBlock block;
        block.type = take().text;
        if (isPunct("=")) {  // a top-level attribute: not a bake block
          take();
          expression();
          continue;
        }
        while (at(HclToken::Kind::String) || at(HclToken::Kind::Identifier)) block.labels.push_back(take().text);
        if (!isPunct("{")) continue;
        take();
        body(block.attributes);
        out.push_back(std::move(block));
      } else {
        take();
      }
    }
    return out;
  }

 private:
  bool at(HclToken::Kind kind) const { return t_[i_].kind == kind; }
  bool isPunct(const char* p) const { return at(HclToken::Kind::Punct) && t_[i_].text == p; }
  const HclToken& take() { return i_ + 1 < t_.size() ? t_[i_++] : t_[i_]; }
  void skipNewlines() {
    while (at(HclToken::Kind::Newline)) take();
  }

  // Skips to the bracket that closes the one just taken.
  void skipBalanced() {
    int depth = 1;
    while (depth > 0 && !at(HclToken::Kind::End)) {
      if (isPunct("{") || isPunct("[") || isPunct("(")) ++depth;
      if (isPunct("}") || isPunct("]") || isPunct(")")) --depth;
      take();
    }
  }

  void body(std::map<std::string, HclValue>& attributes) {
    while (true) {
      skipNewlines();
      if (at(HclToken::Kind::End)) return;
      if (isPunct("}")) {
        take();
        return;
      }
      if (!at(HclToken::Kind::Identifier)) {
        take();
        continue;
      }
      const std::string name = take().text;
      if (isPunct("=")) {
        take();
        attributes[name] = expression();
        continue;
      }
      while (at(HclToken::Kind::String) || at(HclToken::Kind::Identifier)) take();
      if (isPunct("{")) {  // a nested block (matrix, ...): not read
        take();
        skipBalanced();
      }
    }
  }

  // An attribute's value up to the end of its line; Unknown when it is more than one primary.
  HclValue expression(bool inList = false) {
    HclValue value = primary();
    auto atEnd = [&] {
      return at(HclToken::Kind::End) || at(HclToken::Kind::Newline) || isPunct("}") || (inList && (isPunct(",") || isPunct("]")));
    };
    if (atEnd()) return value;
    while (!atEnd()) {  // an operator expression: skip it
      if (isPunct("{") || isPunct("[") || isPunct("(")) {
        take();
        skipBalanced();
      } else {
        take();
      }
    }
    return {};
  }

  HclValue primary() {
    if (at(HclToken::Kind::String) || at(HclToken::Kind::Number)) return {HclValue::Kind::String, take().text, {}};
    if (isPunct("[") && depth_ >= kMaxNesting) {  // hostile nesting: skipped, not recursed into
      take();
      skipBalanced();
      return {};
    }
    if (isPunct("[")) {
      const NestingGuard guard(depth_);
      take();
      HclValue list{HclValue::Kind::List, "", {}};
      while (true) {
        skipNewlines();
        if (at(HclToken::Kind::End)) return {};
        if (isPunct("]")) {
          take();
          return list;
        }
        list.items.push_back(expression(true));
        skipNewlines();
        if (isPunct(",")) take();
      }
    }
    if (isPunct("{") || isPunct("(")) {
      take();
      skipBalanced();
      return {};
    }
    if (at(HclToken::Kind::Identifier)) {
      const std::string name = take().text;
      if (name == "true" || name == "false" || name == "null") return {HclValue::Kind::String, name, {}};
      if (isPunct("(")) {  // a function call
        take();
        skipBalanced();
        return {};
      }
      if (isPunct(".") || isPunct("[")) return {};  // a traversal: left to the caller to skip
      return {HclValue::Kind::Reference, name, {}};
    }
    take();
    return {};
  }

  static constexpr int kMaxNesting = 32;
  struct NestingGuard {
    int& depth;
    explicit NestingGuard(int& d) : depth(++d) {}
    ~NestingGuard() { --depth; }
  };

  std::vector<HclToken> t_;
  size_t i_ = 0;
  int depth_ = 0;
};

HclValue fromJson(const nlohmann::json& j, int depth = 0) {
  if (j.is_string()) return {HclValue::Kind::String, j.get<std::string>(), {}};
  if (j.is_number() || j.is_boolean()) return {HclValue::Kind::String, j.dump(), {}};
  if (j.is_array() && depth < 32) {
    HclValue list{HclValue::Kind::List, "", {}};
    for (const auto& item : j) list.items.push_back(fromJson(item, depth + 1));
    return list;
  }
  return {};
}

struct BakeTarget {
  std::string file;  // the bake file that defined it first
  std::map<std::string, HclValue> attributes;
};

class BakeModel {
 public:
  void addHcl(const std::string& fileName, const std::string& text) {
    for (auto& block : HclParser(HclTokenizer(text).tokens()).blocks()) {
      if (block.labels.empty()) continue;
      if (block.type == "variable") {
        if (auto it = block.attributes.find("default"); it != block.attributes.end()) {
          variables_[block.labels[0]] = it->second;
        }
      } else if (block.type == "target") {
        addTarget(fileName, block.labels[0], std::move(block.attributes));
      }
    }
  }

  void addJson(const std::string& fileName, const std::string& text) {
    const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) return;
    if (const auto v = doc.find("variable"); v != doc.end() && v->is_object()) {
      for (const auto& [name, body] : v->items()) {
        if (body.is_object() && body.contains("default")) variables_[name] = fromJson(body["default"]);
      }
    }
    if (const auto t = doc.find("target"); t != doc.end() && t->is_object()) {
      for (const auto& [name, body] : t->items()) {
        if (!body.is_object()) continue;
        std::map<std::string, HclValue> attributes;
        for (const auto& [key, value] : body.items()) attributes[key] = fromJson(value);
        addTarget(fileName, name, std::move(attributes));
      }
    }
  }

  std::vector<BuildDeclaration> declarations(const fs::path& directory) const {
    std::vector<BuildDeclaration> out;
    const std::set<fs::path> splitFiles = filesOfPlatformSplit(directory);
    for (const auto& [name, target] : targets_) {
      // `output = ["type=cacheonly"]`: the target is a check (a lint, a validation) whose result
      // is discarded; `output = ["."]` or `type=local`: its files are written to a directory
      // (generated code, docs, fixed sources). buildx exports no image of either.
      bool exportsNoImage = false;
      if (const auto output = attribute(name, "output", 0)) {
        const auto entries = strings(*output, 0);
        exportsNoImage = !entries.empty() && std::all_of(entries.begin(), entries.end(), [](const std::string& entry) {
          return entry.find("type=cacheonly") != std::string::npos || entry.find("type=local") != std::string::npos ||
                 (entry.find("type=") == std::string::npos && entry.find('=') == std::string::npos);
        });
      }
      const auto platforms = attribute(name, "platforms", 0);
      std::vector<Platform> list;
      if (platforms) {
        for (const auto& item : strings(*platforms, 0)) {
          for (const auto& p : platformsIn(item)) {
            if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
          }
        }
      }
      const auto context = attribute(name, "context", 0);
      const auto dockerfile = attribute(name, "dockerfile", 0);
      const auto contextText = context ? single(*context) : std::optional<std::string>(".");
      if (!contextText) continue;
      std::optional<std::string> file;
      if (dockerfile) {
        file = single(*dockerfile);
        if (!file) continue;
      }
      // `target = "final-cuda"`: the build stops at that stage. One that is not a plain string
      // (a variable bake cannot resolve here) names no stage the graph knows, which keeps
      // every stage built for every platform.
      std::string stage;
      if (const auto named = attribute(name, "target", 0)) stage = single(*named).value_or(std::string(1, kUnresolved));
      auto dockerfilePath = dockerfileOf(directory, *contextText, file, true);
      // A target that only defaults to a file the split names does not build it (see filesOfPlatformSplit).
      if (!dockerfile && dockerfilePath && splitFiles.count(*dockerfilePath)) continue;
      const std::string shown = target.file + " target \"" + name + "\"";
      if (list.empty()) {
        // No platform read: a check or a file export (its platforms a list bake cannot resolve
        // here) still says what the file is built for; any other target builds an image for
        // the machine that runs bake (as a compose service with no `platforms`).
        if (!dockerfilePath) continue;
        BuildDeclaration unnamed{std::move(*dockerfilePath), {}, shown};
        unnamed.shipsNoImage = exportsNoImage;
        unnamed.forBuildMachine = !exportsNoImage;
        unnamed.targetStage = text::lower(stage);
        out.push_back(std::move(unnamed));
        continue;
      }
      const size_t before = out.size();
      addDeclaration(out, std::move(dockerfilePath), list, shown, stage);
      if (out.size() > before) out.back().shipsNoImage = exportsNoImage;
    }
    return out;
  }

 private:
  // The Dockerfiles of a platform split: two or more files of one directory, each named by a
  // target's `dockerfile` (`amd64` -> Dockerfile for linux/amd64, `arm64v8` -> Dockerfile.aarch64
  // for linux/arm64). A target of the same bake file with no `dockerfile` (`64`, `all`) defaults
  // to `Dockerfile` only because bake does: it is the template's target for a single-file build,
  // not one that builds the split's amd64 file for arm64 (thespad/docker-kopia-server's
  // linuxserver-style bake file, whose workflow builds `amd64` and `arm64v8`, Part
  // ZZZZZZZZZZZZZZZC). Where targets name one file only, every target counts as before.
  std::set<fs::path> filesOfPlatformSplit(const fs::path& directory) const {
    // Per directory, per file a target names: the platforms those targets build it for.
    std::map<fs::path, std::map<fs::path, std::set<std::string>>> namedByDirectory;
    for (const auto& [name, target] : targets_) {
      const auto dockerfile = attribute(name, "dockerfile", 0);
      const auto platforms = attribute(name, "platforms", 0);
      if (!dockerfile || !platforms) continue;
      const auto context = attribute(name, "context", 0);
      const auto contextText = context ? single(*context) : std::optional<std::string>(".");
      const auto file = single(*dockerfile);
      if (!contextText || !file) continue;
      if (auto path = dockerfileOf(directory, *contextText, file, true)) {
        auto& built = namedByDirectory[path->parent_path()][*path];
        for (const auto& item : strings(*platforms, 0)) {
          for (const auto& p : platformsIn(item)) built.insert(p.str());
        }
      }
    }
    std::set<fs::path> out;
    for (const auto& [where, files] : namedByDirectory) {
      if (files.size() < 2) continue;
      // A split by platform: no platform is built from two of the files (a `dev` target of
      // Dockerfile.dev and a `test` one of Dockerfile, both linux/amd64, split nothing).
      std::set<std::string> seen;
      bool disjoint = true;
      for (const auto& [file, platforms] : files) {
        for (const auto& p : platforms) disjoint = seen.insert(p).second && disjoint;
      }
      if (!disjoint) continue;
      for (const auto& [file, platforms] : files) out.insert(file);
    }
    return out;
  }

  // Takes the attributes over: their values are moved into the target.
  void addTarget(const std::string& fileName, const std::string& name, std::map<std::string, HclValue>&& attributes) {
    auto [it, added] = targets_.try_emplace(name, BakeTarget{fileName, {}});
    for (auto& [key, value] : attributes) it->second.attributes[key] = std::move(value);  // an override file wins
  }

  // The attribute, from the target or what it inherits (a later parent wins).
  std::optional<HclValue> attribute(const std::string& target, const std::string& key, int depth) const {
    const auto it = targets_.find(target);
    if (it == targets_.end() || depth > 16) return std::nullopt;
    if (const auto a = it->second.attributes.find(key); a != it->second.attributes.end()) return a->second;
    const auto inherits = it->second.attributes.find("inherits");
    if (inherits == it->second.attributes.end()) return std::nullopt;
    const auto parents = strings(inherits->second, 0);
    for (auto parent = parents.rbegin(); parent != parents.rend(); ++parent) {
      if (auto found = attribute(*parent, key, depth + 1)) return found;
    }
    return std::nullopt;
  }

  // A string template with the `${VAR}` it can resolve from variable defaults.
  std::string interpolate(const std::string& templ, int depth) const {
    std::string out;
    for (size_t i = 0; i < templ.size(); ++i) {
      if (templ.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 2;
        continue;
      }
      if (templ.compare(i, 2, "${") != 0) {
        out += templ[i];
        continue;
      }
      const size_t close = templ.find('}', i);
      if (close == std::string::npos) {
        out += kUnresolved;
        break;
      }
      const std::string name = text::trim(templ.substr(i + 2, close - i - 2));
      const auto variable = variables_.find(name);
      if (depth < 8 && variable != variables_.end() && variable->second.kind == HclValue::Kind::String) {
        out += interpolate(variable->second.text, depth + 1);
      } else {
        out += kUnresolved;
      }
      i = close;
    }
    return out;
  }

  std::vector<std::string> strings(const HclValue& value, int depth) const {
    switch (value.kind) {
      case HclValue::Kind::String: return {interpolate(value.text, depth)};
      case HclValue::Kind::List: {
        std::vector<std::string> out;
        for (const auto& item : value.items) {
          for (auto& s : strings(item, depth)) out.push_back(std::move(s));
        }
        return out;
      }
      case HclValue::Kind::Reference:
        if (const auto v = variables_.find(value.text); v != variables_.end() && depth < 8) return strings(v->second, depth + 1);
        return {};
      case HclValue::Kind::Unknown: return {};
    }
    return {};
  }

  std::optional<std::string> single(const HclValue& value) const {
    auto list = strings(value, 0);
    if (value.kind == HclValue::Kind::List || list.size() != 1 || !isResolved(list[0])) return std::nullopt;
    return list[0];
  }

  std::map<std::string, HclValue> variables_;
  std::map<std::string, BakeTarget> targets_;
};

// ---------------------------------------------------------------------------------------
// YAML (compose, workflows) through yaml-cpp, never inserting (const nodes) and never
// trusting a node's type.

// A merge key (`<<: *defaults`), which yaml-cpp keeps as an ordinary key, is followed through
// at most kMergeDepth maps: an anchor can merge itself (`.x: &x` with `<<: *x` inside it, found
// by the declarations fuzzer), a node that is its own merge. Recursion, not a loop: assigning
// to a YAML::Node rebinds the node it refers to (yaml-cpp's set_ref), which would edit the file.
YAML::Node childWithin(const YAML::Node& node, const std::string& key, int mergesLeft) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& constNode = node;
  if (const YAML::Node value = constNode[key]; value.IsDefined()) return value;
  if (const YAML::Node merged = constNode["<<"]; mergesLeft > 0 && merged.IsDefined() && merged.IsMap()) {
    return childWithin(merged, key, mergesLeft - 1);
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node child(const YAML::Node& node, const std::string& key) {
  constexpr int kMergeDepth = 16;
  return childWithin(node, key, kMergeDepth);
}

std::optional<std::string> scalar(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

// A scalar, or a sequence of scalars joined by commas.
std::optional<std::string> scalarOrList(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (!node.IsSequence()) return std::nullopt;
  std::string out;
  for (const auto& item : node) {
    if (item.IsScalar()) out += (out.empty() ? "" : ",") + item.Scalar();
  }
  return out;
}

// A `with:` input as an action reads it: `@actions/core`'s getInput trims surrounding
// whitespace, so a block scalar (`containerfiles: |` then `./Containerfile`, NickSica/podman-readarr)
// is its one line, not that line and a newline. A sequence is joined by commas.
std::optional<std::string> actionInput(const YAML::Node& node) {
  auto value = scalarOrList(node);
  if (value) value = text::trim(*value);
  return value;
}

// build-push-action's Git context of the workflow's own commit, `{{defaultContext}}` (also
// `{{ defaultContext }}`), optionally with a subdirectory after `:` (buildx's Git context
// syntax): `{{defaultContext}}:gpu` builds the repository's gpu/ directory
// (Mon-ius/Docker-Yarn-Dev, femiwiki/docker-mediawiki, Part ZZZZZZZX). Another context is kept.
std::string withoutDefaultContext(const std::string& context) {
  if (!text::startsWith(context, "{{")) return context;
  const size_t close = context.find("}}");
  if (close == std::string::npos || text::trim(context.substr(2, close - 2)) != "defaultContext") return context;
  std::string rest = context.substr(close + 2);
  if (!rest.empty() && rest[0] == ':') rest.erase(0, 1);
  rest = text::trim(rest);
  return rest.empty() ? "." : rest;
}

std::optional<YAML::Node> loadYaml(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Where the first document that consumes nothing begins, if one does. yaml-cpp 0.7 reads a
// stray flow entry at the top level (",x", "- a\n,") as an empty document and leaves the comma
// where it was, so the next document begins at the same place again: LoadAll then asks for
// documents forever, each a new null node (the declarations fuzzer found it: 2 GiB in
// seconds). The event parser shows it: two documents starting at one position.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::optional<int> lastStart;
  bool stuck = false;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (lastStart && *lastStart == mark.pos) stuck = true;
    lastStart = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::optional<size_t> firstStuckDocument(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (!starts.stuck && parser.HandleNextDocument(starts)) {
  }
  if (!starts.stuck || !starts.lastStart || *starts.lastStart < 0) return std::nullopt;
  return static_cast<size_t>(*starts.lastStart);
}

// Every document of a YAML stream, as LoadAll reads them, up to a document that would make
// LoadAll loop (the text before it is read again until none does: each round is shorter).
// Empty when the stream does not parse.
std::vector<YAML::Node> loadYamlDocuments(std::string text) {
  try {
    while (const auto stuck = firstStuckDocument(text)) {
      if (*stuck >= text.size()) return {};
      text.resize(*stuck);
    }
    return YAML::LoadAll(text);
  } catch (const std::exception&) {
    return {};
  }
}

// Compose interpolation: `${VAR:-default}` and `${VAR-default}` take their default; a bare
// `$VAR` or `${VAR}` is unknown here; `$$` is a dollar.
std::string composeInterpolate(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (i + 1 < s.size() && s[i + 1] == '{') {
      const size_t close = s.find('}', i);
      if (close == std::string::npos) return out + kUnresolved;
      const std::string inner = s.substr(i + 2, close - i - 2);
      const size_t dash = inner.find('-');
      out += dash == std::string::npos ? std::string(1, kUnresolved) : inner.substr(dash + 1);
      i = close;
    } else {
      out += kUnresolved;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// GitHub workflows: `${{ matrix.x }}` per matrix combination, `${{ env.X }}` from the
// workflow, job and step env; nothing else is evaluated.

using MatrixCombination = std::map<std::string, YAML::Node>;

// yaml-cpp's Node assignment rewrites the node assigned to (in the document): never
// assign, replace the entry.
void setEntry(MatrixCombination& combination, const std::string& key, const YAML::Node& value) {
  combination.erase(key);
  combination.emplace(key, value);
}

// `[N]` indices into a list, after a key of an expression's path (`matrix.dockerfile[0]` over
// `dockerfile: [[Dockerfile, latest]]`, thewatershedcenter/xpra-bridge, Part VN).
YAML::Node indexed(const YAML::Node& node, std::string_view indices) {
  if (indices.empty() || !node.IsDefined()) return node;
  const size_t close = indices.find(']');
  size_t index = 0;
  const auto digits = indices.substr(1, close == std::string_view::npos ? 0 : close - 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (indices.front() != '[' || close == std::string_view::npos || digits.empty() || error != std::errc() ||
      end != digits.data() + digits.size() || !node.IsSequence() || index >= node.size()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  const YAML::Node& list = node;
  return indexed(list[index], indices.substr(close + 1));
}

// A path's key and the `[N]` indices after it: "dockerfile[0]" is "dockerfile" and "[0]".
std::pair<std::string, std::string_view> keyAndIndices(const std::string& component) {
  const size_t bracket = component.find('[');
  if (bracket == std::string::npos) return {component, {}};
  return {component.substr(0, bracket), std::string_view(component).substr(bracket)};
}

YAML::Node descend(const YAML::Node& node, const std::vector<std::string>& path, size_t from) {
  if (from >= path.size() || !node.IsDefined()) return node;
  const auto [key, indices] = keyAndIndices(path[from]);
  return descend(indexed(child(node, key), indices), path, from + 1);
}

bool sameValue(const YAML::Node& a, const YAML::Node& b) { return a.IsScalar() && b.IsScalar() && a.Scalar() == b.Scalar(); }

std::vector<MatrixCombination> matrixCombinations(const YAML::Node& matrix) {
  constexpr size_t kMaxCombinations = 256;
  std::vector<MatrixCombination> combinations(1);
  if (!matrix.IsMap()) return combinations;
  for (const auto& entry : matrix) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
    if (key.empty() || key == "include" || key == "exclude" || !entry.second.IsSequence()) continue;
    std::vector<MatrixCombination> next;
    for (const auto& combination : combinations) {
      for (const auto& value : entry.second) {
        if (next.size() >= kMaxCombinations) break;
        auto extended = combination;
        setEntry(extended, key, value);
        next.push_back(std::move(extended));
      }
    }
    combinations = std::move(next);
  }
  if (combinations.size() == 1 && combinations[0].empty()) combinations.clear();
  const std::set<std::string> originalKeys = [&] {
    std::set<std::string> keys;
    for (const auto& c : combinations) {
      for (const auto& [k, v] : c) keys.insert(k);
    }
    return keys;
  }();
  auto matches = [&](const MatrixCombination& c, const YAML::Node& entry, bool originalOnly) {
    for (const auto& kv : entry) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (originalOnly && !originalKeys.count(key)) continue;
      const auto it = c.find(key);
      if (it == c.end() || !sameValue(it->second, kv.second)) return false;
    }
    return true;
  };
  if (const YAML::Node exclude = child(matrix, "exclude"); exclude.IsSequence()) {
    for (const auto& entry : exclude) {
      if (!entry.IsMap()) continue;
      std::erase_if(combinations, [&](const MatrixCombination& c) { return matches(c, entry, false); });
    }
  }
  // An include extends the original combinations it does not contradict, else it is a
  // combination of its own; combinations made by includes are not extended by later ones.
  const size_t original = combinations.size();
  if (const YAML::Node include = child(matrix, "include"); include.IsSequence()) {
    for (const auto& entry : include) {
      if (!entry.IsMap() || combinations.size() >= kMaxCombinations) continue;
      bool extended = false;
      for (size_t k = 0; k < original; ++k) {
        auto& c = combinations[k];
        if (!matches(c, entry, true)) continue;
        for (const auto& kv : entry) {
          if (kv.first.IsScalar()) setEntry(c, kv.first.Scalar(), kv.second);
        }
        extended = true;
      }
      if (!extended) {
        MatrixCombination added;
        for (const auto& kv : entry) {
          if (kv.first.IsScalar()) setEntry(added, kv.first.Scalar(), kv.second);
        }
        combinations.push_back(std::move(added));
      }
    }
  }
  if (combinations.empty()) combinations.emplace_back();
  return combinations;
}

// A path of a workflow step relative to the runner's workspace: `./x/`, `$GITHUB_WORKSPACE/x`
// and `${GITHUB_WORKSPACE}/x` (which actions/checkout's `path:` and `working-directory:` take
// as written, each relative to the workspace, so they name one directory) are all `x`.
std::string underWorkspace(std::string path) {
  for (const std::string_view prefix : {"${GITHUB_WORKSPACE}", "$GITHUB_WORKSPACE"}) {
    if (path == prefix) return ".";
    if (text::startsWith(path, std::string(prefix) + "/")) path.erase(0, prefix.size() + 1);
  }
  while (text::startsWith(path, "./")) path.erase(0, 2);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path.empty() ? "." : path;
}

class WorkflowScope {
 public:
  WorkflowScope(const MatrixCombination& matrix, std::map<std::string, std::string> env,
                const std::map<std::string, std::string>& inputs)
      : matrix_(matrix), env_(std::move(env)), inputs_(inputs) {}

  void addEnv(const YAML::Node& env) {
    if (!env.IsMap()) return;
    for (const auto& kv : env) {
      if (kv.first.IsScalar() && kv.second.IsScalar()) env_[kv.first.Scalar()] = expand(kv.second.Scalar());
    }
  }
  const std::map<std::string, std::string>& env() const { return env_; }

  // `${{ expr }}` replaced where expr is matrix.X[.Y], env.X or github.workspace.
  std::string expand(const std::string& s) const {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
      const size_t open = s.find("${{", i);
      if (open == std::string::npos) break;
      const size_t close = s.find("}}", open);
      if (close == std::string::npos) break;
      out.append(s, i, open - i);
      out += evaluate(text::trim(s.substr(open + 3, close - open - 3)));
      i = close + 2;
    }
    out.append(s, std::min(i, s.size()));
    return out;
  }

  // Shell `$VAR` and `${VAR}` from the env (a run step sees it as its environment); a name the
  // env does not set is unresolved. An array the script did not assign stays as written.
  std::string expandShell(const std::string& s) const {
    return text::substituteShellVariables(s, [&](const std::string& name) -> std::optional<std::string> {
      if (text::endsWith(name, "[@]")) return std::nullopt;
      const auto it = env_.find(name);
      if (it != env_.end()) return it->second;
      // The runner's checkout directory, as `${{ github.workspace }}` (CINECA-HPC/ci-containers:
      // `cd ${GITHUB_WORKSPACE}/${{ matrix.toolchain }}/${{ matrix.version }}`, then a build).
      if (name == "GITHUB_WORKSPACE") return std::string(".");
      return std::string(1, kUnresolved);
    });
  }

 private:
  std::string evaluate(const std::string& expression) const {
    if (expression == "github.workspace") return ".";
    // `${{ steps.prepare.outputs.docker_platforms }}`: what an earlier step of the job wrote to
    // $GITHUB_OUTPUT (writesOf, recorded by WorkflowReader::recordWrites).
    if (text::startsWith(expression, "steps.")) {
      const auto it = stepOutputs_.find(expression.substr(6));
      if (it != stepOutputs_.end()) return it->second;
    }
    // The job's id, as the runner sets it for that job's steps (moveit's docker.yaml builds
    // `.docker/${{ github.job }}/Dockerfile` in jobs named ci, release, source, ...).
    if (expression == "github.job" && !job_.empty()) return job_;
    if (text::startsWith(expression, "inputs.")) {
      const auto it = inputs_.find(expression.substr(7));
      if (it != inputs_.end()) return it->second;
    }
    if (text::startsWith(expression, "env.")) {
      const auto it = env_.find(expression.substr(4));
      if (it != env_.end()) return it->second;
    }
    if (text::startsWith(expression, "matrix.")) {
      const auto path = text::split(expression.substr(7), '.');
      const auto [key, indices] = keyAndIndices(path[0]);
      const auto it = matrix_.find(key);
      if (it != matrix_.end()) {
        if (const auto value = scalarOrList(descend(indexed(it->second, indices), path, 1))) return *value;
      }
    }
    return std::string(1, kUnresolved);
  }

  const MatrixCombination& matrix_;
  std::map<std::string, std::string> env_;
  const std::map<std::string, std::string>& inputs_;  // a reusable workflow's, from its caller and defaults
  std::string job_;                                   // the id of the job whose steps these are
  std::string checkoutPath_;                          // actions/checkout's path:, normalized; empty: the workspace

 public:
  void setJob(std::string id) { job_ = std::move(id); }
  // actions/checkout's `path:` (this repository cloned below the workspace, not at it): a
  // directory of the job's steps at or under it is that far into the repository.
  void setCheckoutPath(std::string path) { checkoutPath_ = std::move(path); }
  std::string inRepository(const std::string& workspacePath) const {
    if (checkoutPath_.empty()) return workspacePath;
    const std::string path = underWorkspace(workspacePath);
    if (path == checkoutPath_) return ".";
    if (text::startsWith(path, checkoutPath_ + "/")) return path.substr(checkoutPath_.size() + 1);
    return workspacePath;
  }
  // `<step id>.outputs.<name>` -> value, and a value a step put in the job's environment.
  void setStepOutput(const std::string& key, const std::string& value) { stepOutputs_[key] = value; }
  void setEnv(const std::string& name, const std::string& value) { env_[name] = value; }

 private:
  std::map<std::string, std::string> stepOutputs_;
};

// What a run step writes for the steps after it, with literal values (after the values the
// script assigns itself): `echo "docker_platforms=linux/amd64" >> $GITHUB_OUTPUT` (also the
// deprecated `echo ::set-output name=docker_platforms::linux/amd64`) is the step's output
// `docker_platforms`, and `echo "PLATFORMS=linux/amd64" >> $GITHUB_ENV` is the environment of
// the job's later steps (GitHub's "Workflow commands"). A name written twice with different
// values, or a value computed at run time, is not known.
struct StepWrites {
  std::map<std::string, std::optional<std::string>> outputs;
  std::map<std::string, std::optional<std::string>> env;
};

StepWrites writesOf(const std::string& script) {
  StepWrites writes;
  auto record = [](std::map<std::string, std::optional<std::string>>& into, const std::string& name, std::string value) {
    value = text::trim(value);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    const bool known = !name.empty() && isResolved(value) && value.find('`') == std::string::npos;
    auto [it, added] = into.try_emplace(name, known ? std::optional(value) : std::nullopt);
    if (!added && it->second != (known ? std::optional(value) : std::nullopt)) it->second = std::nullopt;
  };
  for (const std::string& raw : text::split(script, '\n')) {
    std::string line = text::trim(raw);
    if (const size_t set = line.find("::set-output name="); set != std::string::npos) {
      const size_t nameBegin = set + 18;
      const size_t colons = line.find("::", nameBegin);
      if (colons == std::string::npos) continue;
      std::string value = line.substr(colons + 2);
      if (!value.empty() && (value.back() == '"' || value.back() == '\'')) value.pop_back();
      record(writes.outputs, line.substr(nameBegin, colons - nameBegin), value);
      continue;
    }
    const bool output = line.find("GITHUB_OUTPUT") != std::string::npos;
    const bool env = line.find("GITHUB_ENV") != std::string::npos;
    if (!output && !env) continue;
    const size_t redirect = line.find(">>");
    if (redirect == std::string::npos || !text::startsWith(line, "echo ")) continue;
    std::string assignment = text::trim(line.substr(5, redirect - 5));
    if (assignment.size() >= 2 && (assignment.front() == '"' || assignment.front() == '\'') &&
        assignment.back() == assignment.front()) {
      assignment = assignment.substr(1, assignment.size() - 2);
    }
    const size_t equals = assignment.find('=');
    if (equals == std::string::npos) continue;
    record(output ? writes.outputs : writes.env, text::trim(assignment.substr(0, equals)), assignment.substr(equals + 1));
  }
  return writes;
}

// Dockerfile names a job's scripts spell out (`dockerfile="Dockerfile_intel"`,
// `echo "DOCKERFILE=Dockerfile.cpu" >> $GITHUB_ENV`): the files a build step whose `file:`
// comes from the job's environment at run time can be building.
std::vector<std::string> dockerfileNamesIn(const YAML::Node& steps) {
  std::vector<std::string> names;
  if (!steps.IsSequence()) return names;
  for (const auto& step : steps) {
    const auto run = scalar(child(step, "run"));
    if (!run) continue;
    std::string word;
    auto flush = [&] {
      const std::string base = word.substr(word.find_last_of('/') == std::string::npos ? 0 : word.find_last_of('/') + 1);
      const bool looksLikeDockerfile = text::startsWith(base, "Dockerfile") || text::startsWith(base, "Containerfile") ||
                                       text::endsWith(text::lower(base), ".dockerfile");
      if (looksLikeDockerfile && word.find('$') == std::string::npos &&
          std::find(names.begin(), names.end(), word) == names.end() && names.size() < 64) {
        names.push_back(word);
      }
      word.clear();
    };
    for (size_t i = 0; i < run->size(); ++i) {
      const char c = (*run)[i];
      if (run->compare(i, 3, "${{") == 0) {
        // An expression is part of its word, blanks and all: `base-${{ matrix.variant }}.Dockerfile`
        // is one (computed) name, not a name `}}.Dockerfile`.
        const size_t close = run->find("}}", i + 3);
        const size_t end = close == std::string::npos ? run->size() : close + 2;
        word.append(*run, i, end - i);
        i = end - 1;
      } else if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '=' || c == ';' || c == '>') {
        flush();
      } else {
        word += c;
      }
    }
    flush();
  }
  return names;
}

// The machine a job runs on, for a build that names no platform (buildx then builds for
// the machine it runs on).
struct Runner {
  std::optional<Platform> platform;  // nothing when its architecture is not known
  std::string label;                 // as `runs-on` names it
  // A GitHub-hosted Windows or macOS runner (`windows-latest`, `macos-14`): the first runs
  // Windows containers and the second no Docker engine, so a `docker build` of a Linux image
  // there builds nothing (azure-relay-bridge runs its steps over ubuntu, windows and macos
  // runners and builds the image only `if: matrix.os == 'ubuntu-latest'`).
  bool buildsNoLinuxImage = false;
};

// The runner a job's `runs-on` names: a GitHub-hosted Linux one (`ubuntu-latest`,
// `ubuntu-24.04`: linux/amd64; `ubuntu-24.04-arm`: linux/arm64), or one of unknown
// architecture (self-hosted and larger-runner labels, several labels, an expression not resolved).
Runner runnerOf(const YAML::Node& runsOn, const WorkflowScope& scope) {
  const auto label = scalar(runsOn);
  if (!label) return {std::nullopt, runsOn.IsSequence() ? "several labels" : ""};
  const std::string value = text::lower(scope.expand(*label));
  Runner runner{std::nullopt, value};
  runner.buildsNoLinuxImage = text::startsWith(value, "windows-") || text::startsWith(value, "macos-");
  if (!text::startsWith(value, "ubuntu-")) return runner;
  const std::string version = value.substr(7);
  if (text::endsWith(version, "-arm") && version.find_first_not_of("0123456789.") == version.size() - 4) {
    runner.platform = parsePlatform("linux/arm64");
  } else if (version == "latest" || (!version.empty() && version.find_first_not_of("0123456789.") == std::string::npos)) {
    runner.platform = parsePlatform("linux/amd64");
  }
  return runner;
}

// One build of `dockerfile`: for the `platforms` it names, else for its runner's platform.
// A build that names no platform, on a CI machine: for that machine's platform when it is
// known (`fromRunner`, "(no platform named: <machine>)"), else of a machine not known.
void addBuildOnMachine(std::vector<BuildDeclaration>& out, fs::path dockerfile, const std::optional<Platform>& machine,
                       const std::string& name, const std::string& machineNote, const std::string& targetStage) {
  BuildDeclaration build{std::move(dockerfile), {}, name};
  build.targetStage = text::lower(targetStage);
  if (machine) {
    build.platforms = {*machine};
    build.name += (build.name.empty() ? "" : " ") + ("(no platform named: " + machineNote + ")");
    build.fromRunner = true;
  } else {
    build.unknownRunner = true;
  }
  out.push_back(std::move(build));
}

void addWorkflowBuild(std::vector<BuildDeclaration>& out, std::optional<fs::path> dockerfile,
                      const std::optional<std::string>& platforms, const Runner& runner, const std::string& name,
                      const std::string& targetStage = "") {
  if (platforms) {
    addDeclaration(out, std::move(dockerfile), platformsIn(*platforms), name, targetStage);
    return;
  }
  if (!dockerfile || runner.buildsNoLinuxImage) return;
  addBuildOnMachine(out, std::move(*dockerfile), runner.platform, name, "the " + runner.label + " runner's", targetStage);
}

// Whether a workflow's text can hold a build or a call of a local workflow or action: docker or
// podman (any case: `Publish-Docker-Github-Action`, `file: Dockerfile.prod`), buildah, a
// build-push-action fork, `./.github/workflows/` or `./.github/actions/`.
bool mayBuildImages(const std::string& text) {
  const std::string lowered = text::lower(text);
  // `make`: a goal whose rule builds (`run: make image`) is read through the Makefile; a
  // repository script run by path (`run: scripts/build.sh`) through the script.
  for (const char* word : {"docker", "podman", "buildah", "build-push-action", "./.github/workflows/", "./.github/actions/",
                           "make", ".sh", "scripts/"}) {
    if (lowered.find(word) != std::string::npos) return true;
  }
  return false;
}

// `uses: owner/name@ref` (or `owner/name/sub/path@ref`) names `action` (GitHub's names are
// case-insensitive).
bool usesAction(const std::string& uses, std::string_view action) {
  const std::string lowered = text::lower(uses.substr(0, uses.find('@')));
  return lowered == action || text::startsWith(lowered, std::string(action) + "/");
}

// Actions that take docker/build-push-action's inputs (`context`, `file`, `platforms`,
// `target`) and build with buildx: Blacksmith's fork of it, and Depot's, whose builds run on
// Depot's machines, so a step of it naming no platform says nothing of the runner's.
struct BuildPushLikeAction {
  std::string_view name;
  bool buildsOnRunner;
};
constexpr BuildPushLikeAction kBuildPushLikeActions[] = {
    {"docker/build-push-action", true},
    {"useblacksmith/build-push-action", true},
    {"depot/build-push-action", false},
};

// Third-party actions that run a plain `docker build` (or buildah's) of one Dockerfile on the
// runner's engine, read from their action.yml and build script: with no platform input set,
// the image is the runner's architecture. Inputs are `with:` names unless `fromEnv` (opspresso
// reads its step's env). Paths are relative to the repository root, or to `workdirInput`'s
// directory where the action `cd`s there first.
struct PlainBuildAction {
  std::string_view name;
  std::string_view workdirInput;       // "" none
  std::string_view contextInput;       // "" none: the context is "."
  std::string_view fileInput;          // "" none
  std::string_view fileDefault;        // used when the input is not set
  bool fileRelativeToContext;          // the script builds `$CONTEXT/$DOCKERFILE`
  std::string_view platformsInput;     // "" none
  std::string_view archsInput;         // "" none: architectures, each built for linux/<arch>
  std::string_view targetInput;        // "" none
  bool fromEnv = false;                // the inputs are the step's env
  std::string_view commandInput = {};  // a `with:` input that must name one of `commands`
  std::string_view commands = {};      // space-separated: the values of commandInput that build
};
constexpr PlainBuildAction kPlainBuildActions[] = {
    // entrypoint.sh: cd "$INPUT_WORKDIR"; docker build -f "$INPUT_DOCKERFILE" ... "${INPUT_CONTEXT:-.}";
    // `platforms` switches it to buildx with --platform.
    {"elgohr/publish-docker-github-action", "workdir", "context", "dockerfile", "Dockerfile", false, "platforms", "", ""},
    // dist/index.js: docker build -f "$dockerfile" (default Dockerfile, from the root) "$directory";
    // `platform` is passed as --platform.
    {"mr-smithers-excellent/docker-build-push", "", "directory", "dockerfile", "Dockerfile", false, "platform", "", "target"},
    // docker-build.sh: docker build --file "$INPUT_CONTEXT/$INPUT_DOCKERFILE" "$INPUT_CONTEXT".
    {"whoan/docker-build-with-cache-action", "", "context", "dockerfile", "Dockerfile", true, "", "", ""},
    // entrypoint.sh `_docker_push`: docker build ... "${BUILD_PATH:-.}" -f "${DOCKERFILE:-Dockerfile}",
    // run for `args: --docker` and `args: --ecr`.
    {"opspresso/action-builder", "", "BUILD_PATH", "DOCKERFILE", "Dockerfile", false, "", "", "", true, "args", "--docker --ecr"},
    {"opspresso/action-docker", "", "BUILD_PATH", "DOCKERFILE", "Dockerfile", false, "", "", "", true},
    // build.sh: docker build --file=$INPUT_DOCKERFILE ... ${INPUT_PATH:-.}, from the workspace
    // root (action.yml: dockerfile defaults to Dockerfile); no platform input (triptixx/prowlarr,
    // Part SU, and the owner's other images).
    {"triptixx/action-docker-build", "", "path", "dockerfile", "Dockerfile", false, "", "", ""},
    // buildah build -f <containerfiles> <context>; `platforms` and `archs` build one image
    // each, else the host's.
    {"redhat-actions/buildah-build", "", "context", "containerfiles", "", false, "platforms", "archs", ""},
};

// A plain build by a third-party action: its Dockerfile, for the platforms it names or else
// the runner's.
void plainActionBuild(const PlainBuildAction& action, const YAML::Node& step, const WorkflowScope& scope, const fs::path& root,
                      const std::string& name, std::vector<BuildDeclaration>& out, const Runner& runner) {
  const YAML::Node with = child(step, "with");
  const auto input = [&](std::string_view key) -> std::optional<std::string> {
    if (key.empty()) return std::nullopt;
    if (action.fromEnv) {
      const auto it = scope.env().find(std::string(key));
      if (it == scope.env().end()) return std::nullopt;
      return it->second;
    }
    const auto value = actionInput(child(with, std::string(key)));
    if (!value) return std::nullopt;
    return scope.expand(*value);
  };
  if (!action.commandInput.empty()) {
    const auto command = scalar(child(with, std::string(action.commandInput)));
    const auto builds = text::split(action.commands, ' ');
    if (!command || std::find(builds.begin(), builds.end(), text::trim(*command)) == builds.end()) return;
  }
  std::optional<fs::path> directory = root;
  if (const auto workdir = input(action.workdirInput); workdir && !workdir->empty()) {
    directory = resolveAgainst(root, *workdir);
  }
  if (!directory) return;
  const auto context = input(action.contextInput);
  auto file = input(action.fileInput);
  if (!file || file->empty()) {
    file = action.fileDefault.empty() ? std::nullopt : std::optional(std::string(action.fileDefault));
  }
  // Several Dockerfiles in one step (`containerfiles:` listing two, by commas or one a line)
  // are not followed.
  if (file && file->find_first_of(",\n") != std::string::npos) return;
  std::optional<std::string> platforms = input(action.platformsInput);
  if (platforms && platforms->empty()) platforms.reset();
  if (!platforms) {
    // `archs: amd64, arm64` (a YAML list comes joined with commas).
    std::string listed;
    for (const auto& arch : text::split(input(action.archsInput).value_or(""), ',')) {
      const std::string word = text::trim(arch);
      if (!word.empty()) listed += (listed.empty() ? "" : ",") + (word.find('/') == std::string::npos ? "linux/" + word : word);
    }
    if (!listed.empty()) platforms = listed;
  }
  const auto target = input(action.targetInput);
  addWorkflowBuild(out, dockerfileOf(*directory, context ? *context : ".", file, action.fileRelativeToContext), platforms, runner,
                   name, target.value_or(""));
}

// The directory actions/checkout clones this repository into, relative to the workspace: its
// `path:` input (NIXKnight/Docker-Kanboard checks out to `${GITHUB_WORKSPACE}/Docker-Kanboard`
// and builds with that working-directory, Part ZZZZZZZZZZZZS). Empty when the first checkout
// of this repository has none (the workspace itself), or names another repository first.
std::string checkoutPathOf(const YAML::Node& steps, const WorkflowScope& scope) {
  if (!steps.IsSequence()) return "";
  for (const auto& step : steps) {
    const auto uses = scalar(child(step, "uses"));
    if (!uses || !usesAction(*uses, "actions/checkout")) continue;
    const YAML::Node with = child(step, "with");
    if (const auto repository = scalar(child(with, "repository"));
        repository && scope.expand(*repository).find("github.repository") == std::string::npos &&
        *repository != "${{ github.repository }}") {
      continue;  // another repository's checkout
    }
    const auto path = scalar(child(with, "path"));
    if (!path) return "";
    std::string normalized = underWorkspace(scope.expand(*path));
    if (normalized == "." || normalized.find('$') != std::string::npos || normalized.find(kUnresolved) != std::string::npos ||
        fs::path(normalized).is_absolute() || normalized.find("..") != std::string::npos) {
      return "";
    }
    return normalized;
  }
  return "";
}

void workflowStep(const YAML::Node& step, const WorkflowScope& jobScope, const std::string& defaultDirectory,
                  const fs::path& root, const std::string& name, std::vector<BuildDeclaration>& out,
                  const std::vector<std::string>& namedInJob, const Runner& runner, const ReadRepositoryFile& readScript,
                  int actionDepth = 0);

// `uses: ./.github/actions/updater`: an action of the repository's own. A Docker container
// action (`runs: {using: docker, image: Dockerfile}` in its action.yml) is built by the runner
// from that Dockerfile when the job reaches the step, so for the runner's platform (kbst/catalog,
// Part OA). A composite action (`runs: {using: composite, steps: [...]}`) runs its steps in the
// job, as if written there, with `${{ inputs.X }}` from the step's `with:` and the action's
// input defaults (GitHub's "Creating a composite action"): its builds are the job's. Not an
// action elsewhere (`uses: ./`, `./bootstrap-action`): that may be a published action, tested
// by its own workflow but run on every user's runner, arm64 ones too.
void localAction(const YAML::Node& step, const std::string& uses, const WorkflowScope& scope, const std::string& defaultDirectory,
                 const fs::path& root, const std::string& name, std::vector<BuildDeclaration>& out, const Runner& runner,
                 const ReadRepositoryFile& readFile, int depth) {
  if (!readFile || depth >= 3) return;
  const auto directory = resolveAgainst(root, uses.substr(0, uses.find('@')));
  if (!directory) return;
  // Under .github/, where a repository keeps the actions of its own workflows.
  const auto relative = directory->lexically_relative(root);
  if (relative.empty() || *relative.begin() != ".github") return;
  for (const char* file : {"action.yml", "action.yaml"}) {
    const auto text = readFile(*directory / file);
    if (!text) continue;
    const auto doc = loadYaml(*text);
    if (!doc) return;
    const YAML::Node runs = child(*doc, "runs");
    const auto using_ = scalar(child(runs, "using"));
    if (!using_) return;
    if (text::lower(*using_) == "composite") {
      std::map<std::string, std::string> inputs;
      if (const YAML::Node with = child(step, "with"); with.IsMap()) {
        for (const auto& kv : with) {
          if (kv.first.IsScalar() && kv.second.IsScalar()) inputs[kv.first.Scalar()] = scope.expand(kv.second.Scalar());
        }
      }
      if (const YAML::Node declared = child(*doc, "inputs"); declared.IsMap()) {
        for (const auto& input : declared) {
          const auto value = scalar(child(input.second, "default"));
          if (input.first.IsScalar() && value && !inputs.count(input.first.Scalar())) inputs[input.first.Scalar()] = *value;
        }
      }
      const MatrixCombination none;
      WorkflowScope actionScope(none, scope.env(), inputs);
      const YAML::Node steps = child(runs, "steps");
      if (!steps.IsSequence()) return;
      const auto namedInAction = dockerfileNamesIn(steps);
      for (const auto& inner : steps) {
        workflowStep(inner, actionScope, defaultDirectory, root, name, out, namedInAction, runner, readFile, depth + 1);
      }
      return;
    }
    const auto image = scalar(child(runs, "image"));
    if (text::lower(*using_) != "docker" || !image || text::startsWith(*image, "docker://")) return;
    addWorkflowBuild(out, resolveAgainst(*directory, *image), std::nullopt, runner, name);
    return;
  }
}

// Is the first directory of `pattern` under `root` computed (`./${{ matrix.image }}/Dockerfile`)?
bool topDirectoryComputed(const fs::path& pattern, const fs::path& root) {
  const fs::path relative = pattern.lexically_relative(root);
  if (relative.empty() || relative.begin() == relative.end()) return true;
  const std::string first = relative.begin()->string();
  const bool onlyTheFile = std::next(relative.begin()) == relative.end();
  return !onlyTheFile && (first == ".." || first.find(kAnyDirectory) != std::string::npos);
}

void workflowStep(const YAML::Node& step, const WorkflowScope& jobScope, const std::string& defaultDirectory,
                  const fs::path& root, const std::string& name, std::vector<BuildDeclaration>& out,
                  const std::vector<std::string>& namedInJob, const Runner& runner, const ReadRepositoryFile& readScript,
                  int actionDepth) {
  if (!step.IsMap()) return;
  WorkflowScope scope = jobScope;
  scope.addEnv(child(step, "env"));
  const auto uses = scalar(child(step, "uses"));
  if (!uses) {
    // a run step, below
  } else if (text::startsWith(*uses, "./")) {
    localAction(step, *uses, scope, defaultDirectory, root, name, out, runner, readScript, actionDepth);
    return;
  } else if (const auto plain = std::find_if(std::begin(kPlainBuildActions), std::end(kPlainBuildActions),
                                             [&](const PlainBuildAction& a) { return usesAction(*uses, a.name); });
             plain != std::end(kPlainBuildActions)) {
    plainActionBuild(*plain, step, scope, root, name, out, runner);
    return;
  } else if (const auto buildPush = std::find_if(std::begin(kBuildPushLikeActions), std::end(kBuildPushLikeActions),
                                                 [&](const BuildPushLikeAction& a) { return usesAction(*uses, a.name); });
             buildPush != std::end(kBuildPushLikeActions)) {
    // Depot's builders are not the runner: a step of it naming no platform declares nothing.
    const Runner elsewhere{std::nullopt, "Depot builder"};
    const Runner& builder = buildPush->buildsOnRunner ? runner : elsewhere;
    const YAML::Node with = child(step, "with");
    std::optional<std::string> platforms;  // nothing: the step names none
    if (child(with, "platforms").IsDefined()) {
      const auto listed = scalarOrList(child(with, "platforms"));
      if (!listed) return;
      platforms = scope.expand(*listed);
    }
    auto context = actionInput(child(with, "context"));
    bool gitContext = false;
    if (context) {
      std::string inCheckout = withoutDefaultContext(*context);
      gitContext = inCheckout != *context;
      context = std::move(inCheckout);
    }
    if (context && !gitContext) context = scope.inRepository(scope.expand(*context));
    auto file = actionInput(child(with, "file"));
    if (file) file = scope.expand(*file);
    if (file && !gitContext) file = scope.inRepository(*file);
    // In a Git context the file is a path in that context, not in the runner's checkout.
    if (gitContext && file && !file->empty() && (*file)[0] != '/' && *context != ".") file = *context + "/" + *file;
    // `file: ${{ env.DOCKERFILE }}` set by a script at run time: every Dockerfile the job's
    // scripts name is one this step may build.
    if (file && file->find(kUnresolved) != std::string::npos) {
      const size_t before = out.size();
      for (const auto& named : namedInJob) {
        addWorkflowBuild(out, dockerfileOf(root, context ? scope.expand(*context) : ".", named, false), platforms, builder, name);
      }
      // Nothing named by the job: the path itself, its computed parts matching any name
      // (`.github/Dockerfiles/${{ matrix.Dockerfile }}.Dockerfile` over a matrix of inputs),
      // unless a top-level directory is computed: `./${{ matrix.image }}/Dockerfile` would stand
      // for every image of the repository, built by this step or by another with other platforms.
      // Under a written directory the computed ones are that directory's family of images
      // (StaPH-B/docker-builds: `./build-files/${{ inputs.tool }}/${{ inputs.version }}`, Part
      // ZZZZZZC); a build that names one of them itself still wins (namingItFirst).
      if (out.size() == before) {
        const auto pattern = resolvePattern(root, *file);
        if (pattern && !topDirectoryComputed(*pattern, root)) addWorkflowBuild(out, pattern, platforms, builder, name);
      }
      return;
    }
    // `target:` stops the build at that stage (one the workflow computes names no stage).
    const auto stage = actionInput(child(with, "target"));
    addWorkflowBuild(out, dockerfileOf(root, context ? scope.expand(*context) : ".", file, false), platforms, builder, name,
                     stage ? scope.expand(*stage) : "");
    return;
  }
  const auto run = scalar(child(step, "run"));
  if (!run) return;
  const auto directory = scalar(child(step, "working-directory"));
  const auto workingDirectory = resolveAgainst(root, directory ? scope.inRepository(scope.expand(*directory)) : defaultDirectory);
  if (!workingDirectory) return;
  // With the repository scripts it runs by path (`./docker/build_all.sh`, OpenNMT/CTranslate2).
  const std::string script = scope.expandShell(expandScriptAssignments(scope.expand(*run)));
  for (const auto& command : ciBuildCommands(script, *workingDirectory, readScript, &scope.env())) {
    addWorkflowBuild(out, dockerfileOfCommand(command, command.platforms.empty()),
                     command.platforms.empty() ? std::nullopt : std::optional(command.platforms), runner, name, command.target);
  }
}

// ---------------------------------------------------------------------------------------
// Makefiles: `VAR = value` (=, :=, ::=, ?=, +=) then recipe lines with their `$(VAR)` expanded.

class MakeVariables {
 public:
  void assign(const std::string& line) {
    std::string rest = text::trim(line);
    bool exported = false;
    bool overriding = false;
    for (const char* prefix : {"export ", "override "}) {
      if (!text::startsWith(rest, prefix)) continue;
      rest = text::trim(rest.substr(std::string(prefix).size()));
      exported = exported || std::string_view(prefix) == "export ";
      overriding = overriding || std::string_view(prefix) == "override ";
    }
    const size_t equals = rest.find('=');
    if (exported && equals == std::string::npos) {
      // `export NAME ...`: those variables go into every recipe's environment.
      for (const auto& name : text::split(rest, ' ')) {
        if (!text::trim(name).empty()) exported_.insert(text::trim(name));
      }
      return;
    }
    if (equals == std::string::npos || equals == 0) return;
    size_t nameEnd = equals;
    std::string op = "=";
    for (const char* candidate : {"::=", ":=", "?=", "+=", "!="}) {
      const size_t len = std::string(candidate).size();
      if (equals + 1 >= len && rest.compare(equals + 1 - len, len, candidate) == 0) {
        op = candidate;
        nameEnd = equals + 1 - len;
        break;
      }
    }
    const std::string name = text::trim(rest.substr(0, nameEnd));
    if (name.empty() || name.find_first_of(" \t:$") != std::string::npos) return;
    const std::string value = text::trim(rest.substr(equals + 1));
    if (exported) exported_.insert(name);
    if (commandLine_.count(name) && !overriding) return;  // the caller's value stands
    if (op == "?=" && values_.count(name)) return;
    if (op == "?=") {
      overridable_.insert(name);
    } else if (op != "+=") {
      overridable_.erase(name);
    }
    if (op == "!=") {
      values_[name] = std::string(1, kUnresolved);
    } else if (op == "+=") {
      values_[name] += (values_[name].empty() ? "" : " ") + value;
    } else if (op == ":=" || op == "::=") {
      values_[name] = expand(value);
    } else {
      values_[name] = value;
    }
  }

  // `make goal NAME=value`: a command-line variable. It is the caller's decision, not an
  // overridable default, and the Makefile's own assignments of it do not apply.
  void setFromCommandLine(const std::string& name, const std::string& value) {
    values_[name] = value;
    overridable_.erase(name);
    commandLine_.insert(name);
  }

  // Whether `ifdef NAME` holds: the variable has a non-empty value. Not known for a name the
  // Makefile never assigns (the environment may give it one).
  std::optional<bool> hasValue(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return !text::trim(it->second).empty();
  }

  // The value of a variable the Makefile exports to its recipes' environment, when it has one
  // that is fully known.
  std::optional<std::string> exportedValue(const std::string& name) const {
    const auto it = values_.find(name);
    if (!exported_.count(name) || it == values_.end()) return std::nullopt;
    std::string value = expand(it->second);
    if (value.empty() || !isResolved(value)) return std::nullopt;
    return value;
  }

  // `$(VAR)` and `${VAR}` replaced by their values, recursively as make does. Bounded: a
  // variable that refers to itself (make stops with "Recursive variable references itself")
  // stays unresolved, and the whole expansion reads at most kExpansionSteps characters, since
  // values that each name the next several times grow exponentially with the depth
  // (fuzz.declarations found 664 bytes of Makefile that took 5 s). 64 KiB is far more than any
  // real command line needs; at 1 MiB a mutation of that input with two such recipe lines
  // still took 13 s under the sanitizers. The whole Makefile's expansions share a budget too:
  // thousands of `X := $(BIG)` lines, each within its own 64 KiB, took 17 s in a release build
  // (a 47 KB Makefile; the declarations fuzzer's 68 KB input took 13 s under the sanitizers).
  // Once it is spent, a variable reference stays unresolved; the text around it is still read.
  std::string expand(const std::string& s) const {
    size_t steps = kExpansionSteps;
    std::set<std::string> active;
    std::string out = expand(s, 0, steps, active);
    budget_ -= std::min(budget_, kExpansionSteps - steps);
    return out;
  }

 private:
  static constexpr size_t kExpansionSteps = 1 << 16;
  static constexpr size_t kMakefileExpansionSteps = 1 << 21;  // 2 Mi characters: 32 full expansions
  mutable size_t budget_ = kMakefileExpansionSteps;

  std::string expand(const std::string& s, int depth, size_t& steps, std::set<std::string>& active) const {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (steps == 0) {
        out += kUnresolved;
        break;
      }
      --steps;
      if (s[i] != '$' || i + 1 >= s.size()) {
        out += s[i];
        continue;
      }
      const char next = s[i + 1];
      if (next == '$') {
        out += '$';
        ++i;
        continue;
      }
      if (next != '(' && next != '{') {  // $@, $<, $X: automatic or one-letter variables
        out += kUnresolved;
        ++i;
        continue;
      }
      const char close = next == '(' ? ')' : '}';
      int nesting = 0;
      size_t end = i + 2;
      for (; end < s.size(); ++end) {
        if (s[end] == next) ++nesting;
        if (s[end] == close && nesting-- == 0) break;
      }
      const std::string name = s.substr(i + 2, end - i - 2);
      const auto it = values_.find(name);
      if (it == values_.end() || depth >= 10 || active.count(name) > 0 || budget_ == 0) {
        out += kUnresolved;
      } else {
        active.insert(name);
        const std::string value = expand(it->second, depth + 1, steps, active);
        active.erase(name);
        out += overridable_.count(name) ? kOverridableBegin + value + kOverridableEnd : value;
      }
      i = std::min(end, s.size());
    }
    return out;
  }

  std::map<std::string, std::string> values_;
  std::set<std::string> overridable_;  // assigned with ?=
  std::set<std::string> exported_;     // `export`ed to the recipes' environment
  std::set<std::string> commandLine_;  // given on make's command line
};

}  // namespace

std::vector<BuildDeclaration> readBakeFiles(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                            const fs::path& directory) {
  BakeModel model;
  for (const auto& [name, text] : namedTexts) {
    if (text::endsWith(name, ".json")) {
      model.addJson(name, text);
    } else {
      model.addHcl(name, text);
    }
  }
  return model.declarations(directory);
}

std::vector<BuildDeclaration> readComposeFile(const std::string& text, const fs::path& directory) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc) return out;
  // Compose's first file format (docker-compose 1.x, no `version:`) has the services at the top.
  const bool firstFormat = !child(*doc, "services").IsDefined() && !child(*doc, "version").IsDefined();
  const YAML::Node services = firstFormat ? *doc : child(*doc, "services");
  if (!services.IsMap()) return out;
  for (const auto& service : services) {
    if (!service.first.IsScalar() || (firstFormat && !service.second.IsMap())) continue;
    const YAML::Node build = child(service.second, "build");
    std::optional<std::string> context, file, platforms, stage;
    if (const auto shortForm = scalar(build)) {
      context = shortForm;
    } else if (build.IsMap()) {
      context = scalar(child(build, "context"));
      file = scalar(child(build, "dockerfile"));
      platforms = scalarOrList(child(build, "platforms"));
      stage = scalar(child(build, "target"));
    } else {
      continue;
    }
    if (file) file = composeInterpolate(*file);
    // Not the service's `platform:`: that is where a development setup runs it
    // (compose.armv7.yaml), not what the Dockerfile is for. With no `platforms`, compose builds
    // for its engine's own platform: a build for the machine that runs it.
    if (!platforms) {
      if (auto dockerfile = dockerfileOf(directory, composeInterpolate(context.value_or(".")), file, true)) {
        BuildDeclaration native{std::move(*dockerfile), {}, "service " + service.first.Scalar()};
        native.forBuildMachine = true;
        out.push_back(std::move(native));
      }
      continue;
    }
    addDeclaration(out, dockerfileOf(directory, composeInterpolate(context.value_or(".")), file, true),
                   platformsIn(composeInterpolate(*platforms)), "service " + service.first.Scalar(),
                   stage ? composeInterpolate(*stage) : "");
  }
  return out;
}

namespace {

struct WorkflowReader {
  const fs::path& root;
  const ReadRepositoryFile& readScript;
  std::map<std::string, const std::string*> texts;          // by path from the root
  std::map<std::string, std::optional<YAML::Node>> parsed;  // each workflow parsed once, called or not
  std::vector<BuildDeclaration> out;

  const std::optional<YAML::Node>& document(const std::string& path) {
    auto [it, added] = parsed.try_emplace(path);
    const auto text = texts.find(path);
    // Parsing YAML is most of the cost: a workflow that neither builds nor calls a local
    // workflow declares nothing.
    if (added && text != texts.end() && mayBuildImages(*text->second)) {
      it->second = loadYaml(*text->second);
    }
    return it->second;
  }

  // A workflow's jobs; `inputs` are what its caller passed (with the declared defaults
  // added), `name` what its declarations are called.
  void jobs(const YAML::Node& doc, std::map<std::string, std::string> inputs, const std::string& callerName, int depth) {
    const YAML::Node jobs = child(doc, "jobs");
    if (!jobs.IsMap()) return;
    const YAML::Node declaredInputs = child(child(child(doc, "on"), "workflow_call"), "inputs");
    if (declaredInputs.IsMap()) {
      for (const auto& input : declaredInputs) {
        const auto value = scalar(child(input.second, "default"));
        if (input.first.IsScalar() && value && !inputs.count(input.first.Scalar())) inputs[input.first.Scalar()] = *value;
      }
    }
    const MatrixCombination none;
    WorkflowScope workflowScope(none, {}, inputs);
    workflowScope.addEnv(child(doc, "env"));
    const auto workflowDirectory = scalar(child(child(child(doc, "defaults"), "run"), "working-directory"));
    for (const auto& job : jobs) {
      if (!job.first.IsScalar()) continue;
      const std::string name = callerName.empty() ? "job " + job.first.Scalar() : callerName;
      const YAML::Node steps = child(job.second, "steps");
      const auto uses = scalar(child(job.second, "uses"));
      if (!steps.IsSequence() && !uses) continue;
      const auto jobDirectory = scalar(child(child(child(job.second, "defaults"), "run"), "working-directory"));
      for (const auto& combination : matrixCombinations(child(child(job.second, "strategy"), "matrix"))) {
        WorkflowScope jobScope(combination, workflowScope.env(), inputs);
        jobScope.setJob(job.first.Scalar());
        jobScope.addEnv(child(job.second, "env"));
        if (uses) {
          callWorkflow(*uses, child(job.second, "with"), jobScope, name, depth);
          continue;
        }
        jobScope.setCheckoutPath(checkoutPathOf(steps, jobScope));
        const std::string directory =
            jobScope.inRepository(jobScope.expand(jobDirectory.value_or(workflowDirectory.value_or("."))));
        const auto namedInJob = dockerfileNamesIn(steps);
        const Runner runner = runnerOf(child(job.second, "runs-on"), jobScope);
        for (const auto& step : steps) {
          workflowStep(step, jobScope, directory, root, name, out, namedInJob, runner, readScript);
          recordWrites(step, jobScope);
        }
      }
    }
  }

  // The outputs and environment a run step leaves for the job's later steps (writesOf).
  static void recordWrites(const YAML::Node& step, WorkflowScope& scope) {
    const auto run = scalar(child(step, "run"));
    if (!run) return;
    WorkflowScope stepScope = scope;
    stepScope.addEnv(child(step, "env"));
    const StepWrites writes = writesOf(expandScriptAssignments(stepScope.expand(*run)));
    const auto id = scalar(child(step, "id"));
    for (const auto& [name, value] : writes.outputs) {
      if (id) scope.setStepOutput(*id + ".outputs." + name, value.value_or(std::string(1, kUnresolved)));
    }
    for (const auto& [name, value] : writes.env) scope.setEnv(name, value.value_or(std::string(1, kUnresolved)));
  }

  // `uses: ./.github/workflows/build.yml` with `with:` inputs; remote workflows are not read.
  void callWorkflow(const std::string& uses, const YAML::Node& with, const WorkflowScope& scope, const std::string& name,
                    int depth) {
    if (!text::startsWith(uses, "./") || depth >= 3) return;
    const auto& doc = document(fs::path(uses.substr(2)).lexically_normal().string());
    if (!doc) return;
    std::map<std::string, std::string> inputs;
    if (with.IsMap()) {
      for (const auto& kv : with) {
        if (kv.first.IsScalar() && kv.second.IsScalar()) inputs[kv.first.Scalar()] = scope.expand(kv.second.Scalar());
      }
    }
    jobs(*doc, std::move(inputs), name, depth + 1);
  }
};

}  // namespace

std::vector<BuildDeclaration> readWorkflows(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                            const fs::path& root, const ReadRepositoryFile& readScript) {
  WorkflowReader reader{root, readScript, {}, {}, {}};
  for (const auto& [name, text] : namedTexts) reader.texts[name] = &text;
  for (const auto& [name, text] : namedTexts) {
    const size_t before = reader.out.size();
    if (const auto& doc = reader.document(name)) reader.jobs(*doc, {}, "", 0);
    for (size_t i = before; i < reader.out.size(); ++i) reader.out[i].name = name + " " + reader.out[i].name;
  }
  return std::move(reader.out);
}

std::vector<std::filesystem::path> bakeFilesNamedByWorkflows(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                                             const fs::path& root) {
  std::vector<fs::path> out;
  for (const auto& [name, text] : namedTexts) {
    if (text.find("bake-action") == std::string::npos) continue;  // parsing is the cost
    const auto doc = loadYaml(text);
    if (!doc || !doc->IsMap()) continue;
    const YAML::Node jobs = child(*doc, "jobs");
    if (!jobs.IsMap()) continue;
    for (const auto& job : jobs) {
      const YAML::Node steps = child(job.second, "steps");
      if (!steps.IsSequence()) continue;
      for (const auto& step : steps) {
        const auto uses = scalar(child(step, "uses"));
        if (!uses || !text::startsWith(*uses, "docker/bake-action")) continue;
        const YAML::Node with = child(step, "with");
        const auto files = scalarOrList(child(with, "files"));
        if (!files) continue;
        const auto workdir = scalar(child(with, "workdir"));
        const auto base = resolveAgainst(root, workdir ? *workdir : ".");
        if (!base) continue;
        // One path per line or comma; a path computed at run time (metadata-action's
        // `${{ steps.meta.outputs.bake-file }}`) is left out.
        std::string item;
        auto flush = [&] {
          const std::string path = text::trim(item);
          item.clear();
          if (path.empty() || path.find("${{") != std::string::npos) return;
          if (const auto resolved = resolveAgainst(*base, path)) {
            if (std::find(out.begin(), out.end(), *resolved) == out.end()) out.push_back(*resolved);
          }
        };
        for (const char c : *files) {
          if (c == '\n' || c == ',') {
            flush();
          } else {
            item += c;
          }
        }
        flush();
      }
    }
  }
  return out;
}

namespace {

// Azure Pipelines: `$(name)` macros from `variables:` and the job's matrix entry; the steps'
// `script:`/`bash:` command lines and `Docker@` tasks. A build names platforms through
// `--platform`; a plain one builds for its agent's machine, known only for Microsoft-hosted
// agents: `pool: vmImage: ubuntu-*` runs on x64 (the actions/runner-images VMs, whose Linux
// images for Azure Pipelines are x64 only), a Windows or macOS image builds no Linux image,
// and a pool of the project's own (`pool: name`, `pool: MyPool`) has an architecture not known.
using AzureVariables = std::map<std::string, std::string>;

struct AzureAgent {
  std::optional<Platform> platform;
  std::string note;                 // "the Microsoft-hosted ubuntu-latest agent's"
  bool buildsNoLinuxImage = false;  // a Windows or macOS image
};

// The agent a `pool:` names, or `outer` (the stage's or the pipeline's) when it names none.
AzureAgent azureAgentOf(const YAML::Node& pool, const AzureAgent& outer) {
  if (!pool || pool.IsNull()) return outer;
  AzureAgent agent;
  const auto image = scalar(child(pool, "vmImage"));
  if (!image) return agent;  // a pool of the project's own agents
  // The older hosted images were also written with a space (`vmImage: 'Ubuntu 16.04'`, the
  // Azure Pipelines docs of 2019; AnimalLogic/docker-usd).
  std::string value = text::lower(*image);
  std::replace(value.begin(), value.end(), ' ', '-');
  agent.buildsNoLinuxImage = text::startsWith(value, "windows-") || text::startsWith(value, "macos-") ||
                             text::startsWith(value, "vs20") || text::startsWith(value, "win1");
  if (text::startsWith(value, "ubuntu-")) {
    const std::string version = value.substr(7);
    if (version == "latest" || (!version.empty() && version.find_first_not_of("0123456789.") == std::string::npos)) {
      agent.platform = parsePlatform("linux/amd64");
      agent.note = "the Microsoft-hosted " + value + " agent's";
    }
  }
  return agent;
}

// One build named by an Azure step: for its platforms, else for its agent's machine.
void addAzureBuild(std::vector<BuildDeclaration>& out, std::optional<fs::path> dockerfile, const std::string& platforms,
                   const AzureAgent& agent, const std::string& name, const std::string& targetStage) {
  if (!platforms.empty()) {
    addDeclaration(out, std::move(dockerfile), platformsIn(platforms), name, targetStage);
    return;
  }
  if (!dockerfile || agent.buildsNoLinuxImage) return;
  addBuildOnMachine(out, std::move(*dockerfile), agent.platform, name, agent.note, targetStage);
}

void addAzureVariables(const YAML::Node& node, AzureVariables& into) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && kv.second.IsScalar()) into[kv.first.Scalar()] = kv.second.Scalar();
    }
  } else if (node.IsSequence()) {  // - name: x \n value: y
    for (const auto& item : node) {
      const auto name = scalar(child(item, "name"));
      const auto value = scalar(child(item, "value"));
      if (name && value) into[*name] = *value;
    }
  }
}

std::string expandAzureMacros(const std::string& text, const AzureVariables& variables) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("$(", i);
    const size_t close = open == std::string::npos ? std::string::npos : text.find(')', open);
    if (close == std::string::npos) break;
    out.append(text, i, open - i);
    const std::string name = text.substr(open + 2, close - open - 2);
    const auto it = variables.find(name);
    out += it != variables.end() ? it->second : std::string(1, kUnresolved);
    i = close + 1;
  }
  out.append(text, std::min(i, text.size()));
  return out;
}

void azureSteps(const YAML::Node& steps, const AzureVariables& variables, const AzureAgent& agent, const fs::path& root,
                const ReadRepositoryFile& readScript, const std::string& name, std::vector<BuildDeclaration>& out) {
  if (!steps.IsSequence()) return;
  for (const auto& step : steps) {
    for (const char* key : {"script", "bash"}) {
      const auto script = scalar(child(step, key));
      if (!script) continue;
      // With the repository scripts it runs by path and the Makefile rules of a `make`, as the
      // other CI readers (AnimalLogic/docker-usd, Part ZZW: `cd linux && ./build-centos7.sh`).
      for (const auto& command : ciBuildCommands(expandAzureMacros(*script, variables), root, readScript)) {
        addAzureBuild(out, dockerfileOfCommand(command), command.platforms, agent, name, command.target);
      }
    }
    const auto task = scalar(child(step, "task"));
    if (!task || !text::startsWith(text::lower(*task), "docker@")) continue;
    const YAML::Node inputs = child(step, "inputs");
    const auto command = scalar(child(inputs, "command"));
    if (command && *command != "build" && *command != "buildAndPush" && *command != "Build an image") continue;
    // The task runs `docker build <arguments> -f <Dockerfile> <buildContext>` (Docker@0 and @1
    // spell the file's input `dockerFile`).
    const auto arguments = scalar(child(inputs, "arguments"));
    auto file = scalar(child(inputs, "Dockerfile"));
    if (!file) file = scalar(child(inputs, "dockerFile"));
    const auto context = scalar(child(inputs, "buildContext"));
    const std::string line = "docker build " + expandAzureMacros(arguments.value_or(""), variables) + " -f " +
                             expandAzureMacros(file.value_or("Dockerfile"), variables) + " " +
                             expandAzureMacros(context.value_or("."), variables);
    for (const auto& built : buildCommandsIn(line, root)) {
      addAzureBuild(out, dockerfileOf(built.workingDirectory, built.context, built.file, false), built.platforms, agent, name,
                    built.target);
    }
  }
}

void azureJobs(const YAML::Node& jobs, const AzureVariables& outer, const AzureAgent& outerAgent, const fs::path& root,
               const ReadRepositoryFile& readScript, std::vector<BuildDeclaration>& out) {
  if (!jobs.IsSequence()) return;
  for (const auto& job : jobs) {
    AzureVariables variables = outer;
    addAzureVariables(child(job, "variables"), variables);
    const AzureAgent agent = azureAgentOf(child(job, "pool"), outerAgent);
    const std::string name = "job " + scalar(child(job, "job")).value_or(scalar(child(job, "deployment")).value_or("?"));
    const YAML::Node matrix = child(child(job, "strategy"), "matrix");
    if (!matrix.IsMap()) {
      azureSteps(child(job, "steps"), variables, agent, root, readScript, name, out);
      continue;
    }
    for (const auto& entry : matrix) {
      AzureVariables combination = variables;
      addAzureVariables(entry.second, combination);
      azureSteps(child(job, "steps"), combination, agent, root, readScript, name, out);
    }
  }
}

}  // namespace

std::vector<BuildDeclaration> readAzurePipeline(const std::string& text, const fs::path& root,
                                                const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  AzureVariables variables;
  addAzureVariables(child(*doc, "variables"), variables);
  // With no `pool:` anywhere the organisation's default pool runs the job: not known here.
  const AzureAgent agent = azureAgentOf(child(*doc, "pool"), AzureAgent{});
  azureSteps(child(*doc, "steps"), variables, agent, root, readScript, "", out);
  azureJobs(child(*doc, "jobs"), variables, agent, root, readScript, out);
  const YAML::Node stages = child(*doc, "stages");
  if (stages.IsSequence()) {
    for (const auto& stage : stages) {
      AzureVariables stageVariables = variables;
      addAzureVariables(child(stage, "variables"), stageVariables);
      azureJobs(child(stage, "jobs"), stageVariables, azureAgentOf(child(stage, "pool"), agent), root, readScript, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Google Cloud Build configs (cloudbuild.yaml / .json): each step runs a builder image with
// `args`; the `gcr.io/cloud-builders/docker` builder (or a `docker` image) runs the docker
// CLI with them, and an `entrypoint: bash` step (or a `script:`) runs a shell script.

namespace {

// `$_NAME` / `${_NAME}` from the config's `substitutions:` defaults (a trigger can override
// them; the defaults are what the file says), `$$` a literal `$`; Cloud Build's own values
// ($PROJECT_ID, $COMMIT_SHA, ...) are unknown here.
std::string expandCloudBuild(const std::string& s, const std::map<std::string, std::string>& substitutions) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    if (s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    size_t end = i + 1;
    if (s[i + 1] == '{') {
      const size_t close = s.find('}', i + 2);
      if (close == std::string::npos) return out + kUnresolved;
      name = s.substr(i + 2, close - i - 2);
      end = close;
    } else {
      while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) ++end;
      name = s.substr(i + 1, end - i - 1);
      --end;
    }
    if (name.empty()) {
      out += '$';
      continue;
    }
    const auto it = substitutions.find(name);
    out += it != substitutions.end() ? it->second : std::string(1, kUnresolved);
    i = end;
  }
  return out;
}

// A word for simpleCommands: single-quoted, a single quote inside it written as '\''.
std::string shellQuoted(const std::string& word) {
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool isDockerBuilder(std::string image) {
  image = image.substr(0, image.find_first_of(":@"));
  const size_t slash = image.rfind('/');
  return (slash == std::string::npos ? image : image.substr(slash + 1)) == "docker";
}

}  // namespace

// `/workspace/x` as `<source>/x`, where the path starts a word, an option's value (after a
// blank, a quote or `=`) or kaniko's `dir://` context.
std::string withWorkspaceAt(const std::string& script, const std::string& source) {
  static constexpr std::string_view kWorkspace = "/workspace";
  std::string out;
  size_t i = 0;
  while (i < script.size()) {
    const size_t at = script.find(kWorkspace, i);
    if (at == std::string::npos) break;
    const size_t end = at + kWorkspace.size();
    const bool starts = at == 0 || std::string_view(" \t\n=\"'").find(script[at - 1]) != std::string_view::npos ||
                        (at >= 6 && script.compare(at - 6, 6, "dir://") == 0);
    const bool ends = end == script.size() || std::string_view("/ \t\n\"';").find(script[end]) != std::string_view::npos;
    out.append(script, i, at - i);
    out += starts && ends ? source : std::string(kWorkspace);
    i = end;
  }
  out.append(script, std::min(i, script.size()));
  return out;
}

std::vector<BuildDeclaration> readCloudBuild(const std::string& text, const fs::path& directory) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  std::map<std::string, std::string> substitutions;
  const YAML::Node defaults = child(*doc, "substitutions");
  if (defaults.IsMap()) {
    for (const auto& entry : defaults) {
      const auto key = scalar(entry.first);
      const auto value = scalar(entry.second);
      if (key && value) substitutions[*key] = *value;
    }
  }
  const YAML::Node steps = child(*doc, "steps");
  if (!steps.IsSequence()) return out;
  // Cloud Build runs every step on an x86-64 Compute Engine VM (its machine types are E2 and
  // N1 ones); an image for any other platform needs `buildx build --platform` with QEMU
  // registered first. A build that names no platform builds linux/amd64.
  const auto worker = parsePlatform("linux/amd64");
  for (const auto& step : steps) {
    if (!step.IsMap()) continue;
    std::vector<std::string> args;
    const YAML::Node argsNode = child(step, "args");
    if (argsNode.IsSequence()) {
      for (const auto& arg : argsNode) {
        const auto value = scalar(arg);
        if (!value) break;
        args.push_back(expandCloudBuild(*value, substitutions));
      }
    }
    std::string script;
    const auto image = scalar(child(step, "name"));
    const auto entrypoint = scalar(child(step, "entrypoint"));
    if (const auto inline_ = scalar(child(step, "script"))) {
      script = expandCloudBuild(*inline_, substitutions);
    } else if (entrypoint &&
               (*entrypoint == "bash" || *entrypoint == "sh" || *entrypoint == "/bin/bash" || *entrypoint == "/bin/sh")) {
      if (args.size() >= 2 && args[0] == "-c") script = args[1];
    } else if (image && isDockerBuilder(*image) && (!entrypoint || baseName(*entrypoint) == "docker")) {
      script = "docker";
      for (const auto& arg : args) script += " " + shellQuoted(arg);
    } else if (image && image->find("kaniko-project/executor") != std::string::npos && !entrypoint) {
      // Kaniko's image, whose entrypoint is /kaniko/executor: the args are its flags.
      script = "/kaniko/executor";
      for (const auto& arg : args) script += " " + shellQuoted(arg);
    }
    if (script.empty()) continue;
    // Cloud Build checks the source out at /workspace, every step's working directory: kaniko's
    // `--dockerfile=/workspace/Dockerfile --context=/workspace` (controlplaneio/docker-gcloud-sdk,
    // Part ZZZZZZZJ) names the repository's files.
    script = withWorkspaceAt(script, directory.string());
    const auto dir = scalar(child(step, "dir"));
    const auto workingDirectory = resolveAgainst(directory, dir ? expandCloudBuild(*dir, substitutions) : ".");
    if (!workingDirectory) continue;
    for (const auto& command : buildCommandsIn(script, *workingDirectory)) {
      if (!command.platforms.empty()) {
        addDeclaration(out, dockerfileOfCommand(command), platformsIn(command.platforms), "", command.target);
      } else if (auto dockerfile = dockerfileOfCommand(command)) {
        addBuildOnMachine(out, std::move(*dockerfile), worker, "", "Cloud Build's x86-64 workers", command.target);
      }
    }
  }
  return out;
}

namespace {

// A recipe line that is only `exit N` (N not 0) or `false`, without the `-` prefix that tells
// make to ignore its status: make stops the recipe there (GNU make, "Errors in Recipes"), so the
// lines after it never run. apify's `test-python-selenium-arm` says "Not supported", exits 1,
// and keeps its old `buildx build --platform linux/arm64` below.
bool stopsRecipe(std::string body) {
  body = text::trim(body);
  bool ignoresErrors = false;
  while (!body.empty() && (body[0] == '@' || body[0] == '-' || body[0] == '+')) {
    ignoresErrors = ignoresErrors || body[0] == '-';
    body.erase(0, 1);
  }
  body = text::trim(body);
  if (!body.empty() && body.back() == ';') body = text::trim(body.substr(0, body.size() - 1));
  if (ignoresErrors) return false;
  if (body == "false") return true;
  if (!text::startsWith(body, "exit")) return false;
  const std::string status = text::trim(body.substr(4));
  if (status.empty() || status.size() == body.size() - 4) return false;  // `exit` alone, or `exitfoo`
  return status.find_first_not_of("0123456789") == std::string::npos && status.find_first_not_of('0') != std::string::npos;
}

}  // namespace

namespace {

// The rule a logical line of a Makefile starts, when it is one: `image: Dockerfile.build
// deps | order-only` gives its first target and its normal prerequisites. An assignment
// (`A := b`, `A ::= b`) or a target-specific one (`image: A = b`) is not a rule.
struct MakeRule {
  std::string target;
  std::vector<std::string> targets;  // every target of `a b: c`; `target` is the first
  std::vector<std::string> prerequisites;
  std::string all;  // the prerequisites joined by blanks, what `$^` stands for
};

std::optional<MakeRule> makeRuleOf(const std::string& line) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  if (line.find('=') != std::string::npos) return std::nullopt;
  MakeRule rule;
  const auto targets = text::split(text::trim(line.substr(0, colon)), ' ');
  if (targets.empty() || text::trim(targets.front()).empty()) return std::nullopt;
  rule.target = text::trim(targets.front());
  for (const auto& each : targets) {
    if (!text::trim(each).empty()) rule.targets.push_back(text::trim(each));
  }
  std::string rest = line.substr(colon + 1);
  if (!rest.empty() && rest[0] == ':') rest.erase(0, 1);  // a double-colon rule
  rest = rest.substr(0, rest.find('|'));
  for (const auto& word : text::split(text::trim(rest), ' ')) {
    if (!text::trim(word).empty()) rule.prerequisites.push_back(text::trim(word));
  }
  rule.all = text::join(rule.prerequisites, " ");
  return rule;
}

// A recipe line's automatic variables, by the rule it belongs to: `$@` (the target), `$<` (the
// first prerequisite) and `$^` (all of them). `docker build --platform linux/amd64 -f $< .` in
// a rule `celestial-make: compile.Dockerfile` builds compile.Dockerfile (OpenFogStack/celestial,
// Part SV). `$$` stays make's escaped dollar.
// A line whose expansion would grow past 64 KiB (`$^` of a rule with thousands of prerequisites)
// is left as written, before anything is copied: no recipe line names a Dockerfile that way,
// and a Makefile of 20,000 such lines must not copy gigabytes.
std::string withAutomaticVariables(const std::string& line, const MakeRule& rule) {
  constexpr size_t kMaxExpanded = size_t{64} << 10;
  if (line.find('$') == std::string::npos) return line;
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '$' || i + 1 >= line.size()) {
      out += line[i];
      continue;
    }
    const char next = line[i + 1];
    const std::string* value = next == '@'                                  ? &rule.target
                               : next == '<' && !rule.prerequisites.empty() ? &rule.prerequisites.front()
                               : next == '^'                                ? &rule.all
                                                                            : nullptr;
    if (value && out.size() + value->size() > kMaxExpanded) return line;
    if (next == '$') {
      out += "$$";
    } else if (next == '@' || next == '<' || next == '^') {
      if (value) out += *value;  // `$<` of a rule with no prerequisite is empty
    } else {
      out += line[i];
      continue;
    }
    ++i;
  }
  return out;
}

}  // namespace

namespace {

// The goals `make` would make, when it is asked for `goals`: the rules that have one of them as
// a target, the rules of their prerequisites, and the goals their recipes ask a sub-make for
// (`$(MAKE) push`, `make -C . image`), transitively. No goal is make's default: the first
// rule's target that does not start with '.'.
std::vector<bool> rulesMadeFor(const std::vector<MakeRule>& rules, const std::vector<std::pair<std::string, size_t>>& recipes,
                               const std::vector<std::string>& goals) {
  // Indexed once: a Makefile of thousands of rules is read in one pass, not once per goal.
  std::map<std::string, std::vector<size_t>> rulesOf;
  for (size_t r = 1; r < rules.size(); ++r) {
    for (const auto& target : rules[r].targets) rulesOf[target].push_back(r);
  }
  std::vector<std::vector<size_t>> recipesOf(rules.size());
  for (size_t i = 0; i < recipes.size(); ++i) recipesOf[recipes[i].second].push_back(i);
  std::vector<bool> made(rules.size(), false);
  std::vector<std::string> wanted = goals;
  if (wanted.empty()) {
    for (size_t r = 1; r < rules.size(); ++r) {
      if (!rules[r].target.empty() && rules[r].target[0] != '.') {
        wanted.push_back(rules[r].target);
        break;
      }
    }
  }
  std::set<std::string> seen;
  while (!wanted.empty()) {
    const std::string goal = std::move(wanted.back());
    wanted.pop_back();
    if (!seen.insert(goal).second) continue;
    const auto found = rulesOf.find(goal);
    if (found == rulesOf.end()) continue;
    for (const size_t r : found->second) {
      if (made[r]) continue;
      made[r] = true;
      for (const auto& prerequisite : rules[r].prerequisites) wanted.push_back(prerequisite);
      for (const size_t i : recipesOf[r]) {
        // `$(MAKE)` is make's own name for itself; read as a word, not a command substitution.
        std::string plain = recipes[i].first;
        for (const std::string_view self : {"$(MAKE)", "${MAKE}"}) {
          for (size_t at = plain.find(self); at != std::string::npos; at = plain.find(self, at))
            plain.replace(at, self.size(), "make");
        }
        for (const auto& words : simpleCommands(plain)) {
          if (words.empty() || baseName(words[0]) != "make") continue;
          for (size_t w = 1; w < words.size(); ++w) {
            if (words[w] == "-C" || words[w] == "-f") ++w;  // another directory or file: its own rules
            if (w < words.size() && !words[w].empty() && words[w][0] != '-' && words[w].find('=') == std::string::npos) {
              wanted.push_back(words[w]);
            }
          }
        }
      }
    }
  }
  return made;
}

// make's conditional directives (`ifeq`, `ifneq`, `ifdef`, `ifndef`, `else [if...]`, `endif`),
// evaluated with the values known so far as make does while it reads. A condition on what is
// not known here (`$(shell uname -m)`, a variable only the environment sets) leaves every
// branch in, as if each could be the one taken: the reader then sees all their assignments
// and recipes, in order.
class MakeConditionals {
 public:
  // Applies `line` when it is a conditional directive; false when it is not one.
  bool apply(const std::string& line, const MakeVariables& variables) {
    std::string rest = text::trim(line);
    const std::string word = rest.substr(0, rest.find_first_of(" \t("));
    if (word == "endif") {
      if (!frames_.empty()) frames_.pop_back();
      return true;
    }
    if (word == "else") {
      if (frames_.empty()) return true;
      Frame& frame = frames_.back();
      const std::string condition = text::trim(rest.substr(4));
      if (frame.decided) {
        frame.active = false;
      } else if (condition.empty()) {
        frame.active = frame.outer;
      } else {
        const auto holds = evaluate(condition, variables);
        frame.active = frame.outer && holds != false;
        frame.decided = holds == true;
      }
      return true;
    }
    if (word != "ifeq" && word != "ifneq" && word != "ifdef" && word != "ifndef") return false;
    const bool outer = active();
    const auto holds = outer ? evaluate(rest, variables) : std::optional<bool>(false);
    frames_.push_back({outer, outer && holds != false, holds == true});
    return true;
  }

  // Whether the lines read now are in a branch make takes (or may take).
  bool active() const { return frames_.empty() || frames_.back().active; }

 private:
  struct Frame {
    bool outer;    // the enclosing branch is taken
    bool active;   // this branch is (or may be) taken
    bool decided;  // an earlier branch is certainly taken: the rest are not
  };

  // `ifeq (a,b)`, `ifeq "a" "b"`, `ifdef NAME` and their negations: true, false, or not known.
  static std::optional<bool> evaluate(const std::string& directive, const MakeVariables& variables) {
    const size_t split = directive.find_first_of(" \t(");
    if (split == std::string::npos) return std::nullopt;
    const std::string word = directive.substr(0, split);
    const std::string arguments = text::trim(directive.substr(split));
    std::optional<bool> holds;
    if (word == "ifdef" || word == "ifndef") {
      const std::string name = text::trim(variables.expand(arguments));
      if (!isResolved(name) || name.find_first_of(" \t") != std::string::npos) return std::nullopt;
      holds = variables.hasValue(name);
    } else {
      const auto operands = operandsOf(arguments);
      if (!operands) return std::nullopt;
      const std::string left = known(variables.expand(operands->first));
      const std::string right = known(variables.expand(operands->second));
      if (!isResolved(left) || !isResolved(right)) return std::nullopt;
      holds = text::trim(left) == text::trim(right);
    }
    if (!holds) return std::nullopt;
    return word == "ifndef" || word == "ifneq" ? !*holds : *holds;
  }

  // A `?=` default's value as make reads it when nothing overrides it.
  static std::string known(std::string value) {
    std::erase_if(value, [](char c) { return c == kOverridableBegin || c == kOverridableEnd; });
    return value;
  }

  // `(a,b)` split at its top-level comma, or `"a" "b"` / `'a' 'b'`.
  static std::optional<std::pair<std::string, std::string>> operandsOf(const std::string& arguments) {
    if (arguments.empty()) return std::nullopt;
    if (arguments[0] == '(') {
      int depth = 0;
      for (size_t i = 1; i < arguments.size(); ++i) {
        const char c = arguments[i];
        if (c == '(' || c == '{') ++depth;
        if ((c == ')' || c == '}') && depth-- == 0) return std::nullopt;  // no comma at the top level
        if (c == ',' && depth == 0) {
          const size_t close = arguments.rfind(')');
          if (close == std::string::npos || close <= i) return std::nullopt;
          return std::pair{arguments.substr(1, i - 1), arguments.substr(i + 1, close - i - 1)};
        }
      }
      return std::nullopt;
    }
    std::vector<std::string> quoted;
    for (size_t i = 0; i < arguments.size() && quoted.size() < 2;) {
      const char quote = arguments[i];
      if (quote == ' ' || quote == '\t') {
        ++i;
        continue;
      }
      if (quote != '"' && quote != '\'') return std::nullopt;
      const size_t close = arguments.find(quote, i + 1);
      if (close == std::string::npos) return std::nullopt;
      quoted.push_back(arguments.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    if (quoted.size() != 2) return std::nullopt;
    return std::pair{quoted[0], quoted[1]};
  }

  std::vector<Frame> frames_;
};

std::vector<BuildCommand> makefileBuildCommands(const std::string& text, const fs::path& directory,
                                                const std::vector<std::string>* goals,
                                                const std::vector<std::pair<std::string, std::string>>& commandLine,
                                                std::vector<std::string>* madeRecipeLines) {
  std::vector<BuildCommand> out;
  MakeVariables variables;
  for (const auto& [name, value] : commandLine) variables.setFromCommandLine(name, value);
  MakeConditionals conditionals;
  // Each recipe line with the index of its rule in `rules` (a rule's prerequisites are kept once,
  // not copied for each of its lines).
  std::vector<MakeRule> rules(1);
  std::vector<std::pair<std::string, size_t>> recipes;
  // Logical lines: a trailing backslash continues the line.
  std::string logical;
  bool recipe = false;
  // A rule's recipe may follow: a tab-started line is one of its recipe lines. Elsewhere (before
  // any rule, after an assignment) make reads a tab-started line as any other line, which is
  // how assignments indented inside a conditional are written.
  bool inRule = false;
  // Inside `define NAME` ... `endef`: a template or canned recipe, read line by line as if it
  // were written out (its tab-started lines as recipe lines, its conditionals not evaluated),
  // since `$(eval)` or `$(NAME)` puts it where it runs.
  bool inDefine = false;
  bool stopped = false;  // the current recipe has already failed on purpose
  auto finish = [&] {
    const std::string trimmed = text::trim(logical);
    const size_t hash = logical.find('#');
    const std::string uncommented = hash == std::string::npos ? logical : logical.substr(0, hash);
    const std::string directive = text::trim(uncommented);
    if (recipe) {
      if (conditionals.active() && !stopped) recipes.emplace_back(logical, rules.size() - 1);
      stopped = stopped || (conditionals.active() && stopsRecipe(logical));
    } else if (!inDefine && conditionals.apply(uncommented, variables)) {
      // a conditional directive: it neither ends a recipe nor starts anything
    } else if (!trimmed.empty() && trimmed[0] != '#' && conditionals.active()) {
      // A rule or an assignment ends the recipe; blank lines and comments do not.
      stopped = false;
      if (auto started = makeRuleOf(uncommented)) {
        rules.push_back(std::move(*started));
        inRule = true;
      } else if (!inDefine) {
        inRule = false;
      }
      if (directive == "define" || text::startsWith(directive, "define ") || text::startsWith(directive, "override define ") ||
          text::startsWith(directive, "export define ")) {
        inDefine = true;
      } else if (directive == "endef") {
        inDefine = false;
        inRule = false;
      }
      variables.assign(uncommented);
    }
    logical.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (logical.empty()) recipe = (inRule || inDefine) && !line.empty() && line[0] == '\t';
    const bool continued = !line.empty() && line.back() == '\\';
    if (continued) line.back() = ' ';
    logical += (recipe && !logical.empty() ? "\\\n" : "") + line;
    if (!continued) finish();
    if (end == text.size()) break;
  }
  if (!logical.empty()) finish();
  const std::vector<bool> made = goals ? rulesMadeFor(rules, recipes, *goals) : std::vector<bool>(rules.size(), true);
  for (const auto& [line, ruleIndex] : recipes) {
    if (!made[ruleIndex]) continue;
    std::string body = text::trim(line);
    while (!body.empty() && (body[0] == '@' || body[0] == '-' || body[0] == '+')) body.erase(0, 1);
    body = variables.expand(withAutomaticVariables(body, rules[ruleIndex]));
    for (auto& command :
         buildCommandsIn(body, directory, {.defaultPlatform = variables.exportedValue("DOCKER_DEFAULT_PLATFORM")})) {
      out.push_back(std::move(command));
    }
    if (madeRecipeLines) madeRecipeLines->push_back(std::move(body));
  }
  return out;
}

}  // namespace

std::vector<BuildDeclaration> readMakefile(const std::string& text, const fs::path& directory) {
  std::vector<BuildDeclaration> out;
  for (const auto& command : makefileBuildCommands(text, directory, nullptr)) {
    if (command.platforms.empty()) {
      addBuildForItsMachine(out, dockerfileOfCommand(command));
      continue;
    }
    auto platforms = platformsIn(command.platforms);
    if (command.overridablePlatform && platforms.size() == 1) continue;
    addDeclaration(out, dockerfileOfCommand(command), std::move(platforms), "", command.target);
  }
  return out;
}

// A shell script beside the Dockerfile or at the root (`build.sh`, `docker-build.sh`): its
// `docker buildx build --platform ...` lines, after its own variables and arrays are put in
// (`PLATFORMS=linux/amd64,linux/arm64` then `--platform "$PLATFORMS"`). Run from its own
// directory, as a Makefile is; a `cd` it cannot resolve ends what is read. A platform list that
// keeps anything the script does not set itself (`$1`, `${PLATFORMS:-linux/amd64}`, the
// caller's environment) declares nothing: the caller decides it.
std::vector<BuildDeclaration> readShellScript(const std::string& text, const fs::path& directory,
                                              const std::optional<fs::path>& repositoryRoot) {
  std::vector<BuildDeclaration> out;
  // Each variant of the script's own values (a variable it sets in two branches), its other
  // variables unknown.
  for (const auto& variant : scriptVariants(text)) {
    const std::string expanded =
        text::substituteShellVariables(variant, [](const std::string& name) -> std::optional<std::string> {
          if (text::endsWith(name, "[@]")) return std::nullopt;
          return std::string(1, kUnresolved);
        });
    for (const auto& command :
         buildCommandsIn(expanded, directory, {.scriptDirectory = directory, .repositoryRoot = repositoryRoot})) {
      if (command.platforms.empty()) {
        addBuildForItsMachine(out, dockerfileOfCommand(command));
        continue;
      }
      if (command.platforms.find(kUnresolved) != std::string::npos || command.platforms.find('$') != std::string::npos) continue;
      addDeclaration(out, dockerfileOfCommand(command), platformsIn(command.platforms), "", command.target);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Hosted CI services whose machines have a known architecture: Travis CI (`.travis.yml`) and
// Drone (`.drone.yml`). A plain `docker build` there builds for the machine's platform, as on
// a GitHub-hosted runner; a script the job runs by path (`bash ./build.sh`, `./ci/build.sh`) is
// read too, one level deep, since that is where such builds usually are.

namespace {

// One CI job's builds: a build naming platforms declares them; a plain one builds for the
// job's machine (`fromRunner`), or declares nothing where that machine is not known.
void addCiBuilds(std::vector<BuildDeclaration>& out, const std::vector<std::string>& lines, const fs::path& root,
                 const std::optional<Platform>& machine, const std::string& name, const std::string& machineNote,
                 const ReadRepositoryFile& readScript) {
  for (const auto& line : lines) {
    for (const auto& command : ciBuildCommands(line, root, readScript)) {
      if (!command.platforms.empty()) {
        if (command.platforms.find('$') == std::string::npos && command.platforms.find(kUnresolved) == std::string::npos) {
          addDeclaration(out, dockerfileOfCommand(command), platformsIn(command.platforms), name, command.target);
        }
        continue;
      }
      if (auto dockerfile = dockerfileOfCommand(command, true)) {
        addBuildOnMachine(out, std::move(*dockerfile), machine, name, machineNote, command.target);
      }
    }
  }
}

// A YAML scalar or list of scalars as command lines.
std::vector<std::string> commandLines(const YAML::Node& node) {
  std::vector<std::string> out;
  if (const auto one = scalar(node)) {
    out.push_back(*one);
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (const auto line = scalar(item)) out.push_back(*line);
    }
  }
  return out;
}

// Travis CI's `arch:` names (docs.travis-ci.com, "Building on Multiple CPU Architectures").
std::optional<Platform> travisMachine(const std::string& arch) {
  const std::string a = text::lower(text::trim(arch));
  if (a == "amd64" || a == "x86_64") return parsePlatform("linux/amd64");
  if (a == "arm64" || a == "arm64-graviton2" || a == "aarch64") return parsePlatform("linux/arm64");
  if (a == "ppc64le") return parsePlatform("linux/ppc64le");
  if (a == "s390x") return parsePlatform("linux/s390x");
  return std::nullopt;
}

// The phases of a Travis job that run commands, in the order Travis runs them.
constexpr const char* kTravisPhases[] = {"before_install", "install",       "before_script", "script",
                                         "after_success",  "after_failure", "before_deploy", "after_script"};

// A Travis key that takes one item or a list of them (`env:`, `deploy:`): its items.
std::vector<YAML::Node> itemsOf(const YAML::Node& node) {
  return node.IsSequence() ? std::vector<YAML::Node>(node.begin(), node.end()) : std::vector<YAML::Node>{node};
}

// The assignments of one Travis `env:` entry (`VERSION=9.1 VARIANT="alpine 3"`); an encrypted
// one (`secure: ...`) gives none.
void addTravisAssignments(const YAML::Node& entry, std::map<std::string, std::string>& into) {
  const auto line = scalar(entry);
  if (!line) return;
  for (const auto& words : simpleCommands(*line)) {
    for (const auto& word : words) {
      const size_t equals = word.find('=');
      if (equals != std::string::npos && isShellName(word.substr(0, equals)))
        into[word.substr(0, equals)] = word.substr(equals + 1);
    }
  }
}

// The environments a Travis job runs in: the root `env: global:` in every one; for the root job,
// one for each entry of a root `env:` list (or of `env: jobs:` / `env: matrix:`), as Travis
// expands its build matrix (docs.travis-ci.com, "Environment Variables"); a `jobs.include`
// entry has its own `env:` only. TRAVIS_BUILD_DIR is the checkout. At most 64 (docker-library's
// image repositories list one entry per version and variant, a few dozen).
std::vector<std::map<std::string, std::string>> travisEnvironments(const YAML::Node& rootEnv, const YAML::Node& ownEnv,
                                                                   bool rootJob, const fs::path& repository) {
  constexpr size_t kMaxEnvironments = 64;
  std::map<std::string, std::string> global{{"TRAVIS_BUILD_DIR", repository.string()}};
  std::vector<YAML::Node> matrix;
  if (rootEnv.IsMap()) {
    for (const YAML::Node& entry : itemsOf(child(rootEnv, "global"))) addTravisAssignments(entry, global);
    matrix = itemsOf(child(rootEnv, "jobs").IsDefined() ? child(rootEnv, "jobs") : child(rootEnv, "matrix"));
  } else if (rootEnv.IsDefined()) {
    matrix = itemsOf(rootEnv);
  }
  if (!rootJob) {
    for (const YAML::Node& entry : itemsOf(ownEnv)) addTravisAssignments(entry, global);
    return {global};
  }
  std::vector<std::map<std::string, std::string>> out;
  for (const YAML::Node& entry : matrix) {
    if (out.size() == kMaxEnvironments) break;
    out.push_back(global);
    addTravisAssignments(entry, out.back());
  }
  if (out.empty()) out.push_back(global);
  return out;
}

void travisJob(const YAML::Node& job, bool rootJob, const YAML::Node& root, const fs::path& repository, const std::string& name,
               const ReadRepositoryFile& readScript, std::vector<BuildDeclaration>& out) {
  // A job's own key wins over the file's (Travis merges the root keys into every job).
  auto key = [&](const char* k) {
    const YAML::Node own = child(job, k);
    return own.IsDefined() ? own : child(root, k);
  };
  const auto os = scalar(key("os"));
  if (os && text::lower(*os) != "linux") return;  // macOS and Windows jobs build no Linux image here
  std::vector<std::string> lines;
  for (const char* phase : kTravisPhases) {
    for (auto& line : commandLines(key(phase))) lines.push_back(std::move(line));
  }
  // `deploy: {provider: script, script: bash docker_push.sh}`, one or a list of them.
  const YAML::Node deploy = key("deploy");
  for (const YAML::Node& each : itemsOf(deploy)) {
    if (scalar(child(each, "provider")) == std::optional<std::string>("script")) {
      for (auto& line : commandLines(child(each, "script"))) lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) return;
  // Travis runs a job's phases in one shell: a `cd "$VERSION"` in before_script holds for the
  // `docker build .` in script (docker-library's .travis.yml, copied by many image repositories:
  // getsentry/docker-sentry, Part ZZZZZZZZG). Its environment's values are put in first.
  std::string script;
  for (const auto& line : lines) script += line + "\n";
  std::vector<std::string> scripts;
  // The job's script is read once per environment: bounded in bytes as well (a 1 MiB config
  // of 64 entries would otherwise be read 64 times).
  constexpr size_t kMaxScriptBytes = size_t{4} << 20;
  size_t scriptBytes = 0;
  for (const auto& environment : travisEnvironments(child(root, "env"), child(job, "env"), rootJob, repository)) {
    if ((scriptBytes += script.size()) > kMaxScriptBytes) break;
    std::string assigned;
    for (const auto& [variable, value] : environment) assigned += variable + "=" + shellQuoted(value) + "\n";
    scripts.push_back(expandScriptAssignments(assigned + script));
  }
  // Travis runs a job on an amd64 machine unless `arch:` names another.
  const YAML::Node arch = key("arch");
  std::vector<std::string> archs = commandLines(arch);
  if (archs.empty()) archs = {"amd64"};
  for (const auto& a : archs) {
    addCiBuilds(out, scripts, repository, travisMachine(a), name, "Travis CI's " + text::lower(a) + " machine", readScript);
  }
}

}  // namespace

std::vector<BuildDeclaration> readTravisConfig(const std::string& text, const fs::path& root,
                                               const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  // The root is a job of its own (with every `arch:` it lists) unless the file has only
  // `jobs.include` entries and no phase at the root.
  travisJob(YAML::Node(YAML::NodeType::Map), true, *doc, root, "job", readScript, out);
  for (const char* matrixKey : {"jobs", "matrix"}) {
    const YAML::Node include = child(child(*doc, matrixKey), "include");
    if (!include.IsSequence()) continue;
    size_t index = 0;
    for (const auto& job : include) {
      ++index;
      if (!job.IsMap()) continue;
      const auto jobName = scalar(child(job, "name"));
      const auto stage = scalar(child(job, "stage"));
      travisJob(job, false, *doc, root, "job " + jobName.value_or(stage.value_or(std::to_string(index))), readScript, out);
    }
  }
  return out;
}

namespace {

// CircleCI's machine for a job (circleci.com/docs, "Using the Arm VM / Docker executor"): an
// `arm.*` resource class is arm64, any other Linux one amd64, and so is the remote Docker
// engine `setup_remote_docker` starts for a Docker executor. A macOS or Windows job builds no
// Linux image here.
// `executor: name` (or `{name: ...}`) takes the executor's keys from the file's `executors:`;
// without one, the job's own keys say. Never assigned to a YAML::Node that holds a node:
// yaml-cpp's assignment rebinds the node it referred to (the job's own, here), not the variable.
YAML::Node circleCiExecutor(const YAML::Node& job, const YAML::Node& executors) {
  const YAML::Node named = child(job, "executor");
  const auto name = named.IsMap() ? scalar(child(named, "name")) : scalar(named);
  return name && child(executors, *name).IsMap() ? child(executors, *name) : job;
}

Platform circleCiMachine(const YAML::Node& job, const YAML::Node& executors, bool& buildsLinux) {
  const YAML::Node executor = circleCiExecutor(job, executors);
  const auto key = [&](const char* k) { return child(job, k).IsDefined() ? child(job, k) : child(executor, k); };
  const std::string resourceClass = text::lower(scalar(key("resource_class")).value_or(""));
  const std::string machineImage = text::lower(scalar(child(key("machine"), "image")).value_or(""));
  buildsLinux = !key("macos").IsDefined() && resourceClass.find("windows") == std::string::npos &&
                !text::startsWith(machineImage, "windows");
  return *parsePlatform(text::startsWith(resourceClass, "arm.") ? "linux/arm64" : "linux/amd64");
}

// Where a job's `run` steps start, from the repository root: the job's `working_directory`
// (its executor's, default `~/project`) as seen from the directory its `checkout` step fills
// (`checkout: {path: ...}`, relative to the working directory; default the working directory
// itself). CircleCI runs every step in the job's working directory (circleci.com/docs,
// configuration reference: jobs.<job>.working_directory, steps.checkout.path).
// rrouzbeh/docker-zeek-kafka (Part ZZZZZZZZZZZZZZZZZJ) checks out into ~/zeek-kafka and runs a
// plain `docker build .` in `working_directory: ~/zeek-kafka/docker`. Empty when the steps start
// at the root, or when no checkout step says where the repository is (a job that only loads a
// saved image) or the working directory is outside it.
std::string circleCiStepDirectory(const YAML::Node& job, const YAML::Node& executors) {
  auto workingDirectory = scalar(child(job, "working_directory"));
  if (!workingDirectory) workingDirectory = scalar(child(circleCiExecutor(job, executors), "working_directory"));
  const fs::path working = fs::path(workingDirectory.value_or("~/project")).lexically_normal();
  std::optional<fs::path> checkout;
  for (const auto& step : child(job, "steps")) {
    if (scalar(step) == std::optional<std::string>("checkout")) {
      checkout = working;
    } else if (step.IsMap() && child(step, "checkout").IsDefined()) {
      const std::string path = scalar(child(child(step, "checkout"), "path")).value_or(".");
      const bool absolute = text::startsWith(path, "/") || text::startsWith(path, "~");
      checkout = (absolute ? fs::path(path) : working / path).lexically_normal();
    }
    if (checkout) break;
  }
  if (!checkout) return "";
  const fs::path relative = working.lexically_relative(*checkout);
  if (relative.empty() || relative == "." || *relative.begin() == "..") return "";
  return relative.string();
}

}  // namespace

std::vector<BuildDeclaration> readCircleCiConfig(const std::string& text, const fs::path& root,
                                                 const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  const YAML::Node jobs = child(*doc, "jobs");
  if (!jobs.IsMap()) return out;
  // The aliases of the circleci/docker orb, whose `build` and `publish` commands run a plain
  // `docker build -f <path>/<dockerfile> <docker-context>` (defaults Dockerfile, `.`, `.`).
  std::set<std::string> dockerOrbs;
  const YAML::Node orbs = child(*doc, "orbs");
  if (orbs.IsMap()) {
    for (const auto& orb : orbs) {
      const auto reference = scalar(orb.second);
      if (orb.first.IsScalar() && reference && text::startsWith(*reference, "circleci/docker@")) {
        dockerOrbs.insert(orb.first.Scalar());
      }
    }
  }
  for (const auto& job : jobs) {
    if (!job.first.IsScalar() || !job.second.IsMap()) continue;
    const YAML::Node steps = child(job.second, "steps");
    if (!steps.IsSequence()) continue;
    bool buildsLinux = true;
    const auto machine = circleCiMachine(job.second, child(*doc, "executors"), buildsLinux);
    if (!buildsLinux) continue;
    const std::string name = "job " + job.first.Scalar();
    const std::string machineNote = "CircleCI's " + machine.architecture + " machine";
    const std::string stepDirectory = circleCiStepDirectory(job.second, child(*doc, "executors"));
    const std::string intoStepDirectory = stepDirectory.empty() ? "" : "cd " + shellQuoted(stepDirectory) + "\n";
    std::vector<std::string> lines;
    for (const auto& step : steps) {
      if (!step.IsMap()) continue;
      for (const auto& entry : step) {
        if (!entry.first.IsScalar()) continue;
        const std::string key = entry.first.Scalar();
        if (key == "run") {
          // `run: <command>` or `run: {command: ..., working_directory: ...}`.
          const auto command = entry.second.IsMap() ? scalar(child(entry.second, "command")) : scalar(entry.second);
          const auto directory = entry.second.IsMap() ? scalar(child(entry.second, "working_directory")) : std::nullopt;
          if (command) {
            lines.push_back(intoStepDirectory + (directory ? "cd " + shellQuoted(*directory) + "\n" : "") + *command);
          }
          continue;
        }
        const auto slash = key.find('/');
        if (slash == std::string::npos || !dockerOrbs.count(key.substr(0, slash))) continue;
        const std::string command = key.substr(slash + 1);
        if (command != "build" && command != "publish") continue;
        const fs::path path = scalar(child(entry.second, "path")).value_or(".");
        const std::string dockerfile = scalar(child(entry.second, "dockerfile")).value_or("Dockerfile");
        const std::string context = scalar(child(entry.second, "docker-context")).value_or(".");
        lines.push_back(intoStepDirectory + "docker build -f " + shellQuoted((path / dockerfile).lexically_normal().string()) +
                        " " + shellQuoted(context));
      }
    }
    addCiBuilds(out, lines, root, machine, name, machineNote, readScript);
  }
  return out;
}

namespace {

// The images of Drone plugins that run a plain `docker build` of `settings.dockerfile`
// (default `Dockerfile`, from the repository root) in `settings.context` (default `.`) on the
// pipeline's machine, and of those that take `settings.platforms` (buildx).
// The kaniko plugins build the same way: kaniko builds for the machine it runs on unless
// `--custom-platform` (the plugins' `platform` setting) names another (banzaicloud/drone-kaniko,
// "make it behave like the Drone Docker plugin": PLUGIN_DOCKERFILE, default Dockerfile, and
// PLUGIN_CONTEXT, default the checkout).
bool isDronePlainBuildPlugin(const std::string& image) {
  const std::string name = text::lower(image.substr(0, image.find_first_of(":@")));
  return name == "plugins/docker" || name == "plugins/ecr" || name == "plugins/gcr" || name == "plugins/acr" ||
         name == "plugins/heroku" || name == "plugins/kaniko" || name == "plugins/kaniko-ecr" || name == "plugins/kaniko-gcr" ||
         name == "plugins/kaniko-acr" || name == "banzaicloud/drone-kaniko" || name == "woodpeckerci/plugin-kaniko";
}
bool isDroneBuildxPlugin(const std::string& image) {
  const std::string name = text::lower(image.substr(0, image.find_first_of(":@")));
  return name == "thegeeklab/drone-docker-buildx" || name == "plugins/buildx" || name == "woodpeckerci/plugin-docker-buildx";
}

void droneStep(const YAML::Node& step, const fs::path& root, const std::optional<Platform>& machine, const std::string& name,
               const ReadRepositoryFile& readScript, std::vector<BuildDeclaration>& out) {
  if (!step.IsMap()) return;
  const std::string note = machine ? "the pipeline's " + machine->str() + " machine" : "";
  // `working_dir:` sets the step container's working directory, where its commands run and a
  // plugin's relative `dockerfile` and `context` point; the repository is cloned to the
  // default workspace /drone/src (cenk1cenk2/docker-lerna-dev builds build/Dockerfile with
  // plugins/docker and `working_dir: /drone/src/build`, Part ZZZZZZZZZZZZH). A directory
  // outside the workspace is nothing of the repository's.
  fs::path directory = root;
  if (const auto workingDir = scalar(child(step, "working_dir"))) {
    constexpr std::string_view kWorkspace = "/drone/src";
    const std::string& dir = *workingDir;
    if (!text::startsWith(dir, kWorkspace) || (dir.size() > kWorkspace.size() && dir[kWorkspace.size()] != '/')) return;
    const auto resolved = resolveAgainst(root, "." + dir.substr(kWorkspace.size()));
    if (!resolved || text::startsWith(resolved->lexically_relative(root).string(), "..")) return;
    directory = *resolved;
  }
  // A step's commands run as one shell script: a `cd` holds for the commands after it.
  std::string commands;
  for (const auto& line : commandLines(child(step, "commands"))) commands += line + "\n";
  addCiBuilds(out, {commands}, directory, machine, name, note, readScript);
  const auto image = scalar(child(step, "image"));
  if (!image) return;
  // Drone 1.x puts a plugin's parameters under `settings:`; 0.8 beside `image:`.
  const YAML::Node settings = child(step, "settings").IsMap() ? child(step, "settings") : step;
  const auto file = scalar(child(settings, "dockerfile"));
  const auto context = scalar(child(settings, "context"));
  if (isDronePlainBuildPlugin(*image)) {
    const auto platform = scalar(child(settings, "platform"));
    if (platform && platform->find('$') == std::string::npos) {
      addDeclaration(out, dockerfileOf(directory, context.value_or("."), file.value_or("Dockerfile"), false),
                     platformsIn(*platform), name);
    } else if (auto dockerfile = dockerfileOf(directory, context.value_or("."), file.value_or("Dockerfile"), false)) {
      addBuildOnMachine(out, std::move(*dockerfile), machine, name, note, "");
    }
  } else if (isDroneBuildxPlugin(*image)) {
    const auto platforms = scalarOrList(child(settings, "platforms"));
    if (!platforms || platforms->find('$') != std::string::npos) return;
    addDeclaration(out, dockerfileOf(directory, context.value_or("."), file.value_or("Dockerfile"), false),
                   platformsIn(*platforms), name);
  }
}

}  // namespace

std::vector<BuildDeclaration> readDronePipelines(const std::string& text, const fs::path& root,
                                                 const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  for (const auto& doc : loadYamlDocuments(text)) {
    if (!doc.IsMap()) continue;
    const auto kind = scalar(child(doc, "kind"));
    if (kind && *kind != "pipeline") continue;  // secrets, signatures, templates
    const auto type = scalar(child(doc, "type")).value_or("docker");
    if (type != "docker" && type != "kubernetes" && type != "exec") continue;  // ssh, digitalocean, ...: other machines
    // "If you do not specify a platform, the pipeline runs on linux/amd64" (Drone's docs,
    // pipeline platform); an exec pipeline runs on whatever machine its runner is.
    const YAML::Node platform = child(doc, "platform");
    const auto os = scalar(child(platform, "os")).value_or("linux");
    if (text::lower(os) != "linux") continue;
    std::optional<Platform> machine;
    if (const auto arch = scalar(child(platform, "arch"))) {
      machine = parsePlatform("linux/" + text::lower(*arch));
    } else if (type != "exec") {
      machine = parsePlatform("linux/amd64");
    }
    const std::string name = "pipeline " + scalar(child(doc, "name")).value_or("default");
    const YAML::Node steps = child(doc, "steps");
    if (steps.IsSequence()) {
      for (const auto& step : steps) droneStep(step, root, machine, name, readScript, out);
    }
    // Drone 0.8: `pipeline:` maps step names to steps.
    const YAML::Node legacy = child(doc, "pipeline");
    if (legacy.IsMap()) {
      for (const auto& step : legacy) droneStep(step.second, root, machine, name, readScript, out);
    }
  }
  return out;
}

namespace {

// Semaphore's machine for an agent (docs/reference/machine-types.md): the E1, E2 and F1 Linux
// generations are x86-64, R1 is ARM; `a1-`/`a2-` are macOS machines, which build no Linux image
// here; any other type (a self-hosted agent type such as `s1-...`) is a machine of unknown
// architecture, where a plain build declares nothing.
std::optional<Platform> semaphoreMachine(const std::string& type, bool& buildsLinux) {
  const std::string t = text::lower(text::trim(type));
  buildsLinux = !text::startsWith(t, "a1-") && !text::startsWith(t, "a2-");
  if (text::startsWith(t, "e1-") || text::startsWith(t, "e2-") || text::startsWith(t, "f1-")) return parsePlatform("linux/amd64");
  if (text::startsWith(t, "r1-")) return parsePlatform("linux/arm64");
  return std::nullopt;
}

// `env_vars: [{name: X, value: y}]` as shell assignments.
std::string semaphoreAssignments(const YAML::Node& envVars) {
  std::string assigned;
  for (const YAML::Node& entry : itemsOf(envVars)) {
    const auto name = scalar(child(entry, "name"));
    const auto value = scalar(child(entry, "value"));
    if (name && value && isShellName(*name)) assigned += *name + "=" + shellQuoted(*value) + "\n";
  }
  return assigned;
}

}  // namespace

std::vector<BuildDeclaration> readSemaphorePipeline(const std::string& text, const fs::path& root,
                                                    const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  const auto pipelineType = scalar(child(child(child(*doc, "agent"), "machine"), "type"));
  const YAML::Node global = child(*doc, "global_job_config");
  const std::string globalSetup = semaphoreAssignments(child(global, "env_vars"));
  const auto globalPrologue = commandLines(child(child(global, "prologue"), "commands"));
  size_t blockIndex = 0;
  for (const YAML::Node& block : itemsOf(child(*doc, "blocks"))) {
    ++blockIndex;
    const YAML::Node task = child(block, "task");
    if (!task.IsMap()) continue;
    // A task's own agent overrides the pipeline's.
    const auto type = scalar(child(child(child(task, "agent"), "machine"), "type"));
    bool buildsLinux = true;
    const auto machine = semaphoreMachine(type.value_or(pipelineType.value_or("")), buildsLinux);
    if (!buildsLinux) continue;
    const std::string blockName = scalar(child(block, "name")).value_or(std::to_string(blockIndex));
    const std::string machineNote = machine ? "Semaphore's " + machine->architecture + " machine" : "";
    const std::string taskSetup = globalSetup + semaphoreAssignments(child(task, "env_vars"));
    std::vector<std::string> prologue = globalPrologue;
    for (auto& line : commandLines(child(child(task, "prologue"), "commands"))) prologue.push_back(std::move(line));
    size_t jobIndex = 0;
    for (const YAML::Node& job : itemsOf(child(task, "jobs"))) {
      ++jobIndex;
      const auto commands = commandLines(child(job, "commands"));
      if (commands.empty()) continue;
      // A job's prologue and commands run in one shell, from the checkout (`checkout` clones
      // the repository and enters it), so a `cd alpine` holds for the `docker build .` after it.
      std::string script = taskSetup + semaphoreAssignments(child(job, "env_vars"));
      for (const auto& line : prologue) script += line + "\n";
      for (const auto& line : commands) script += line + "\n";
      const std::string name = "block " + blockName + " job " + scalar(child(job, "name")).value_or(std::to_string(jobIndex));
      addCiBuilds(out, {expandScriptAssignments(script)}, root, machine, name, machineNote, readScript);
    }
  }
  return out;
}

namespace {

// A scanner of a Jenkinsfile's Groovy for its `sh` steps: the shell scripts they run, each with
// the `dir('...') { }` blocks around it. Comments and other string literals are skipped whole;
// never a regex over the text.
class JenkinsfileScanner {
 public:
  explicit JenkinsfileScanner(const std::string& text) : text_(text) {}

  // Each `sh` step's script, prefixed by a `cd` into the directories of its `dir` blocks.
  std::vector<std::string> shellScripts() {
    std::vector<std::string> out;
    // The `dir('x') {` blocks open around the position: their directory and the brace depth
    // that closes them.
    std::vector<std::pair<std::string, int>> dirs;
    int depth = 0;
    std::optional<std::string> pendingDir;  // a `dir('x')` seen, its `{` not yet
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (skipComment()) continue;
      if (c == '"' || c == '\'') {
        literal();
        continue;
      }
      if (c == '{') {
        ++depth;
        if (pendingDir) dirs.emplace_back(std::move(*pendingDir), depth);
        pendingDir.reset();
        ++pos_;
        continue;
      }
      if (c == '}') {
        if (!dirs.empty() && dirs.back().second == depth) dirs.pop_back();
        --depth;
        ++pos_;
        continue;
      }
      if (!isIdentifierStart(c) || (pos_ > 0 && isIdentifierPart(text_[pos_ - 1]))) {
        ++pos_;
        continue;
      }
      const std::string word = identifier();
      if (word == "dir") {
        if (auto path = firstArgument(false)) pendingDir = std::move(*path);
      } else if (word == "sh") {
        if (auto script = firstArgument(true)) {
          std::string prefix;
          for (const auto& entry : dirs) prefix += "cd " + shellQuoted(entry.first) + "\n";
          out.push_back(prefix + *script);
          if (out.size() >= kMaxScripts) break;
        }
      }
    }
    return out;
  }

 private:
  static constexpr size_t kMaxScripts = 512;

  static bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool isIdentifierPart(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  bool skipComment() {
    if (text_.compare(pos_, 2, "//") == 0) {
      const size_t end = text_.find('\n', pos_);
      pos_ = end == std::string::npos ? text_.size() : end + 1;
      return true;
    }
    if (text_.compare(pos_, 2, "/*") == 0) {
      const size_t end = text_.find("*/", pos_ + 2);
      pos_ = end == std::string::npos ? text_.size() : end + 2;
      return true;
    }
    return false;
  }

  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string identifier() {
    const size_t start = pos_;
    while (pos_ < text_.size() && isIdentifierPart(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // A Groovy string literal at pos_ (single, double or tripled quotes), unescaped; nothing when
  // it is not closed (a one-line string at its line's end, any string at the text's end).
  std::optional<std::string> literal() {
    const char quote = text_[pos_];
    const std::string tripled(3, quote);
    const bool triple = text_.compare(pos_, 3, tripled) == 0;
    pos_ += triple ? 3 : 1;
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        const char next = text_[pos_ + 1];
        pos_ += 2;
        switch (next) {
          case '\n': out += ' '; break;  // a line continued: one shell line
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case '\\':
          case '"':
          case '\'':
          case '$': out += next; break;
          default: out += '\\'; out += next;
        }
        continue;
      }
      if (triple ? text_.compare(pos_, 3, tripled) == 0 : c == quote) {
        pos_ += triple ? 3 : 1;
        return out;
      }
      if (!triple && c == '\n') return std::nullopt;
      out += c;
      ++pos_;
    }
    return std::nullopt;
  }

  // The string a step is called with: `sh "..."`, `sh('...')`, `sh script: '''...'''`,
  // `sh(label: 'x', script: "...")`; `dir('x')` takes its first string. Anything else (a
  // variable, a concatenation's later parts) is no script this reads.
  std::optional<std::string> firstArgument(bool named) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') ++pos_;
    for (int argument = 0; argument < 8; ++argument) {
      skipSpace();
      if (pos_ >= text_.size()) return std::nullopt;
      const char c = text_[pos_];
      if (c == '"' || c == '\'') return literal();
      if (!named || !isIdentifierStart(c)) return std::nullopt;
      const std::string key = identifier();
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return std::nullopt;
      ++pos_;
      skipSpace();
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) return std::nullopt;
      auto value = literal();
      if (key == "script") return value;
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
    }
    return std::nullopt;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<BuildDeclaration> readJenkinsfile(const std::string& text, const fs::path& root,
                                              const ReadRepositoryFile& readScript) {
  std::vector<BuildDeclaration> out;
  // A Jenkins agent's machine is the project's own: only builds that name their platforms count.
  addCiBuilds(out, JenkinsfileScanner(text).shellScripts(), root, std::nullopt, "sh step", "", readScript);
  return out;
}

// ---------------------------------------------------------------------------------------
// GitLab CI (`.gitlab-ci.yml`): each job's `before_script`, `script` and `after_script` lines,
// with `$VAR` and `${VAR}` from the file's and the job's `variables:` (`$CI_PROJECT_DIR` is the
// checkout, the repository root). Which machine runs a job is the runner's business (its
// `tags:` pick one, self-hosted runners are common), so, as in Azure Pipelines, a build that
// names its platforms declares them and a plain one declares nothing; except on GitLab.com's
// hosted runners, whose tags say their machine (`saas-linux-medium-amd64`,
// `saas-linux-small-arm64`: GitLab docs, "Hosted runners on Linux"), where a plain build is
// that machine's.

namespace {

using GitlabVariables = std::map<std::string, std::string>;

void addGitlabVariables(const YAML::Node& node, GitlabVariables& into) {
  if (!node.IsMap()) return;
  for (const auto& kv : node) {
    const auto name = scalar(kv.first);
    if (!name) continue;
    // `VAR: value` or `VAR: {value: ..., description: ...}`.
    const auto value = kv.second.IsMap() ? scalar(child(kv.second, "value")) : scalar(kv.second);
    if (value) into[*name] = *value;
  }
}

// The `tags:` of a job, or of the templates it `extends:` (a name or a list; the first that has
// tags wins, at most 8 levels deep, as GitLab allows 11 at most). Each top-level entry is
// indexed once and each template's tags found once (a template met again while its own are
// being found has none): a file of many templates that extend each other stays linear.
class GitlabTags {
 public:
  explicit GitlabTags(const YAML::Node& doc) {
    for (const auto& entry : doc) {
      if (const auto key = scalar(entry.first); key && entry.second.IsMap()) entries_.emplace(*key, entry.second);
    }
  }

  std::vector<std::string> of(const YAML::Node& job, int depth = 0) {
    std::vector<std::string> tags;
    for (const auto& tag : child(job, "tags")) {
      if (const auto value = scalar(tag)) tags.push_back(*value);
    }
    if (!tags.empty() || depth >= 8) return tags;
    const YAML::Node extends = child(job, "extends");
    std::vector<std::string> parents;
    if (const auto one = scalar(extends)) parents.push_back(*one);
    for (const auto& parent : extends) {
      if (const auto name = scalar(parent)) parents.push_back(*name);
    }
    for (const auto& parent : parents) {
      const auto known = found_.find(parent);
      if (known != found_.end()) {
        if (!known->second.empty()) return known->second;
        continue;
      }
      found_[parent] = {};  // in progress
      const auto entry = entries_.find(parent);
      if (entry == entries_.end()) continue;
      auto inherited = of(entry->second, depth + 1);
      found_[parent] = inherited;
      if (!inherited.empty()) return inherited;
    }
    return tags;
  }

 private:
  std::map<std::string, YAML::Node> entries_;
  std::map<std::string, std::vector<std::string>> found_;
};

// The machine of a GitLab.com hosted runner tag: `saas-linux-<size>-amd64` or `-arm64`
// (a GPU runner's `saas-linux-medium-amd64-gpu-standard` too).
std::optional<Platform> gitlabHostedRunnerPlatform(const std::vector<std::string>& tags) {
  for (const auto& tag : tags) {
    if (!text::startsWith(tag, "saas-linux-")) continue;
    if (tag.find("-amd64") != std::string::npos) return parsePlatform("linux/amd64");
    if (tag.find("-arm64") != std::string::npos) return parsePlatform("linux/arm64");
  }
  return std::nullopt;
}

// GitLab's keywords at the top level; every other key whose value is a map is a job (a hidden
// one, `.name`, is a template other jobs `extends:`, whose keys yaml-cpp does not merge: read
// through `<<` anchors only).
bool isGitlabKeyword(const std::string& key) {
  static const std::set<std::string> kKeywords = {"stages",   "variables",     "default",      "include", "workflow", "image",
                                                  "services", "before_script", "after_script", "cache",   "pages"};
  return kKeywords.count(key) > 0 || text::startsWith(key, ".");
}

}  // namespace

std::vector<BuildDeclaration> readGitlabCi(const std::string& text, const fs::path& root) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  GitlabVariables global;
  addGitlabVariables(child(*doc, "variables"), global);
  GitlabTags tags(*doc);
  for (const auto& job : *doc) {
    const auto key = scalar(job.first);
    if (!key || isGitlabKeyword(*key) || !job.second.IsMap()) continue;
    GitlabVariables variables = global;
    addGitlabVariables(child(job.second, "variables"), variables);
    if (!variables.count("CI_PROJECT_DIR")) variables["CI_PROJECT_DIR"] = root.string();
    const auto hostedRunner = gitlabHostedRunnerPlatform(tags.of(job.second));
    // before_script and script run in one shell, after_script in another (GitLab's docs,
    // "before_script"): a `cd` in before_script holds for script.
    std::vector<std::string> shells(2);
    for (const char* phase : {"before_script", "script", "after_script"}) {
      YAML::Node lines = child(job.second, phase);
      if (!lines.IsDefined()) lines = child(*doc, phase);  // the top-level default
      for (const auto& line : commandLines(lines)) shells[std::string_view(phase) == "after_script"] += line + "\n";
    }
    for (const auto& shell : shells) {
      const std::string expanded =
          text::substituteShellVariables(shell, [&](const std::string& name) -> std::optional<std::string> {
            if (text::endsWith(name, "[@]")) return std::nullopt;
            const auto it = variables.find(name);
            return it != variables.end() ? it->second : std::string(1, kUnresolved);
          });
      for (const auto& command : buildCommandsIn(expanded, root)) {
        if (command.platforms.empty() && hostedRunner) {
          if (auto dockerfile = dockerfileOfCommand(command, true)) {
            addBuildOnMachine(out, std::move(*dockerfile), hostedRunner, "job " + *key, "GitLab's hosted runner", command.target);
          }
          continue;
        }
        if (command.platforms.empty() || command.platforms.find(kUnresolved) != std::string::npos ||
            command.platforms.find('$') != std::string::npos) {
          continue;
        }
        addDeclaration(out, dockerfileOfCommand(command), platformsIn(command.platforms), "job " + *key, command.target);
      }
    }
  }
  return out;
}

namespace {

// A TOML string value as written after `key =`: a basic ("...") or literal ('...') string on
// one line; nullopt for anything else (a number, an array, a multi-line string). Fly's
// `[build]` keys are such strings; no other TOML is needed here (no dependency parses TOML).
std::optional<std::string> tomlString(std::string_view written) {
  const std::string value = text::trim(written);
  if (value.size() < 2 || (value.front() != '"' && value.front() != '\'')) return std::nullopt;
  const char quote = value.front();
  std::string out;
  for (size_t i = 1; i < value.size(); ++i) {
    const char c = value[i];
    if (c == quote) return out;
    if (c == '\\' && quote == '"' && i + 1 < value.size()) {
      out += value[++i];  // enough for paths: \" and \\ stand for themselves
      continue;
    }
    out += c;
  }
  return std::nullopt;  // unterminated
}

}  // namespace

std::vector<BuildDeclaration> readFlyConfig(const std::string& text, const fs::path& directory) {
  // The `[build]` table's keys (or dotted `build.key` ones at the top): `dockerfile` names the
  // file, relative to the config's directory; `image` deploys a prebuilt image and `builder` /
  // `buildpacks` build without a Dockerfile, so then nothing is built from one.
  std::map<std::string, std::string> build;
  bool inBuild = false, inTop = true, other = false;
  for (const std::string& raw : text::split(text, '\n')) {
    const std::string line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      inTop = false;
      inBuild = line == "[build]";
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string key = text::trim(std::string_view(line).substr(0, equals));
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front()) {
      key = key.substr(1, key.size() - 2);
    }
    if (inTop && text::startsWith(key, "build.")) {
      key = key.substr(6);
    } else if (!inBuild) {
      continue;
    }
    if (key == "image" || key == "builder" || key == "buildpacks") other = true;
    if (auto value = tomlString(std::string_view(line).substr(equals + 1))) build[key] = *value;
  }
  if (other) return {};
  BuildDeclaration declaration;
  const auto named = build.find("dockerfile");
  declaration.dockerfile =
      (directory / (named != build.end() && !named->second.empty() ? named->second : std::string("Dockerfile")))
          .lexically_normal();
  // flyctl builds for linux/amd64, the only architecture of Fly Machines, on its remote builder
  // and on a local engine alike (superfly/flyctl#2597 hard-codes it for Apple silicon, #378).
  declaration.platforms = {*parsePlatform("linux/amd64")};
  declaration.name = "Fly.io app";
  if (const auto target = build.find("build-target"); target != build.end())
    declaration.targetStage = text::lower(target->second);
  return {declaration};
}

// A Heroku app's build manifest (`heroku.yml` at the app's root): `build.docker` maps each
// process type to the Dockerfile that makes its image, a path from the root (`web: Dockerfile`,
// `worker: app/Dockerfile`) or `{dockerfile: ..., target: ...}`. Heroku's container stack builds
// those images itself and runs them on its dynos, which are linux/amd64: its buildpacks say
// "when run on Heroku, this buildpack is still only ever run on amd64" (heroku/heroku-buildpack-python#1575),
// and `heroku container:push` pins its builds to linux/amd64 (heroku/cli 9.0.0, heroku/cli#2967).
std::vector<BuildDeclaration> readHerokuManifest(const std::string& text, const fs::path& root) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  const YAML::Node docker = child(child(*doc, "build"), "docker");
  if (!docker.IsMap()) return out;
  for (const auto& entry : docker) {
    const auto process = scalar(entry.first);
    std::optional<std::string> file = scalar(entry.second);
    std::string target;
    if (entry.second.IsMap()) {
      file = scalar(child(entry.second, "dockerfile"));
      target = text::lower(scalar(child(entry.second, "target")).value_or(""));
    }
    if (!process || !file || file->empty()) continue;
    BuildDeclaration declaration;
    declaration.dockerfile = (root / *file).lexically_normal();
    declaration.platforms = {*parsePlatform("linux/amd64")};
    declaration.name = "build.docker." + *process;
    declaration.targetStage = target;
    out.push_back(std::move(declaration));
  }
  return out;
}

// The Lambda architecture a Serverless `architecture:` names (Lambda's `x86_64` or `arm64`,
// x86_64 when none is written, AWS Lambda's default); nullopt for a variable or another word.
std::optional<Platform> lambdaPlatform(const std::optional<std::string>& architecture) {
  const std::string written = text::lower(text::trim(architecture.value_or("x86_64")));
  if (written == "x86_64") return parsePlatform("linux/amd64");
  if (written == "arm64") return parsePlatform("linux/arm64");
  return std::nullopt;
}

std::vector<BuildDeclaration> readServerlessConfig(const std::string& text, const fs::path& directory) {
  std::vector<BuildDeclaration> out;
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return out;
  const YAML::Node provider = child(*doc, "provider");
  const YAML::Node images = child(child(provider, "ecr"), "images");
  if (!images.IsMap()) return out;
  const auto providerArchitecture = scalar(child(provider, "architecture"));
  const YAML::Node functions = child(*doc, "functions");
  for (const auto& image : images) {
    const auto name = scalar(image.first);
    // `uri:` deploys an image built elsewhere; only `path:` (the build context) builds one.
    const auto path = scalar(child(image.second, "path"));
    if (!name || !path) continue;
    const auto context = resolveAgainst(directory, *path);
    const std::string file = scalar(child(image.second, "file")).value_or("Dockerfile");
    if (!context || !isResolved(file)) continue;
    BuildDeclaration declaration;
    declaration.dockerfile = (*context / file).lexically_normal();
    declaration.name = "provider.ecr.images." + *name;
    if (const YAML::Node platform = child(image.second, "platform"); platform.IsDefined()) {
      // `docker build --platform` as written; a variable (`${self:custom.platform}`) says nothing.
      const auto written = scalar(platform);
      if (!written || !isResolved(*written)) continue;
      declaration.platforms = platformsIn(*written);
    } else {
      // No platform: the image is meant for the functions that run it, whose architecture
      // (theirs, else the provider's, else Lambda's x86_64) it must match to start there.
      bool used = false, known = true;
      if (functions.IsMap()) {
        for (const auto& function : functions) {
          const YAML::Node uses = child(function.second, "image");
          const auto imageName = uses.IsMap() ? scalar(child(uses, "name")) : scalar(uses);
          if (!imageName || *imageName != *name) continue;
          used = true;
          const auto architecture = scalar(child(function.second, "architecture"));
          const auto platform = lambdaPlatform(architecture ? architecture : providerArchitecture);
          if (!platform) {
            known = false;
          } else if (std::find(declaration.platforms.begin(), declaration.platforms.end(), *platform) ==
                     declaration.platforms.end()) {
            declaration.platforms.push_back(*platform);
          }
        }
      }
      if (!used) {
        if (const auto platform = lambdaPlatform(providerArchitecture)) declaration.platforms.push_back(*platform);
      }
      if (!known || declaration.platforms.empty()) continue;
    }
    out.push_back(std::move(declaration));
  }
  return out;
}

bool definesSutService(const std::string& text) {
  const auto doc = loadYaml(text);
  if (!doc || !doc->IsMap()) return false;
  const YAML::Node services = child(*doc, "services");
  return child(services.IsMap() ? services : *doc, "sut").IsMap();
}

}  // namespace mal::context
