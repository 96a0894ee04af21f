#include "analyzer/dockerfile/stage_graph.h"

#include "analyzer/dockerfile/global_scope.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"

namespace mal::dockerfile {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// Stand-ins for the values BuildKit gives the automatic platform ARGs. The target's are
// real (the platform being built); the build machine's are markers, since it is unknown.
constexpr std::string_view kBuildMarker = "@build@";
constexpr std::string_view kTargetMarker = "@target@";

Environment automaticArgs(const Platform* target) {
  Environment env;
  if (target) {
    env["TARGETPLATFORM"] = target->str();
    env["TARGETOS"] = target->os;
    env["TARGETARCH"] = target->architecture;
    env["TARGETVARIANT"] = target->variant;
  } else {
    for (const char* name : {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"}) env[name] = std::string(kTargetMarker);
  }
  for (const char* name : {"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"}) env[name] = std::string(kBuildMarker);
  return env;
}

}  // namespace

Environment globalScope(const BuildModel& model, const Platform* target, char escape) {
  Environment env = automaticArgs(target);
  for (const auto& arg : model.globalArgs) {
    if (arg.value) {
      env[arg.name] = expandWord(*arg.value, env, escape).value;
    } else if (!env.count(arg.name)) {
      env[arg.name] = std::nullopt;
    }
  }
  return env;
}

namespace {

// BuildKit registers stage names as it meets them: a FROM can only name an earlier stage.
size_t earlierStageNamed(const BuildModel& model, const std::string& name, size_t before) {
  const auto named = model.firstStageNamed.find(text::lower(name));
  if (named == model.firstStageNamed.end() || named->second >= before) return kNone;
  return named->second;
}

bool hasExtension(std::string_view name, std::initializer_list<std::string_view> extensions) {
  return std::any_of(extensions.begin(), extensions.end(), [&](std::string_view e) { return text::endsWith(name, e); });
}

// The source paths of a COPY (everything but the destination); none for heredocs.
std::vector<std::string> copySources(const Instruction& in) {
  std::vector<std::string> out;
  if (in.args.size() < 2) return out;
  for (size_t i = 0; i + 1 < in.args.size(); ++i) out.push_back(in.args[i].value);
  return out;
}

std::string mountSource(const Instruction& in, std::string& from) {
  std::string source = "/";
  for (const auto& flag : in.flags) {
    if (text::lower(flag.name()) != "mount") continue;
    std::string thisFrom, thisSource = "/";
    for (const auto& part : text::split(flag.value(), ',')) {
      if (text::startsWith(part, "from=")) thisFrom = part.substr(5);
      if (text::startsWith(part, "source=") || text::startsWith(part, "src=")) thisSource = part.substr(part.find('=') + 1);
    }
    if (!thisFrom.empty()) {
      from = thisFrom;
      source = thisSource;
    }
  }
  return source;
}

}  // namespace

// The one architecture a stage name is for (`build-amd64`, `debian-buster.arm64v8-base`,
// `linux_arm64`), or empty: such a stage is built for that architecture only, by a selector
// or a build arg that names it.
std::string architectureNamedBy(const std::string& stageName) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"amd64", "amd64"},    {"x86_64", "amd64"}, {"x64", "amd64"},       {"arm64", "arm64"},     {"aarch64", "arm64"},
      {"arm64v8", "arm64"},  {"armv8", "arm64"},  {"arm32v7", "arm"},     {"armv7", "arm"},       {"armhf", "arm"},
      {"arm32v6", "arm"},    {"armv6", "arm"},    {"armv6hf", "arm"},     {"armv7hf", "arm"},     {"armel", "arm"},
      {"i386", "386"},       {"386", "386"},      {"ppc64le", "ppc64le"}, {"ppc64el", "ppc64le"}, {"s390x", "s390x"},
      {"riscv64", "riscv64"}};
  std::string found;
  for (const auto& part : text::split(stageName, '-')) {
    for (const auto& piece : text::split(part, '.')) {
      // x86_64 keeps its underscore; other names split on it (linux_arm64).
      std::vector<std::string> words = {piece};
      if (piece != "x86_64") words = text::split(piece, '_');
      for (const auto& word : words) {
        for (const auto& [name, arch] : kNames) {
          if (word != name) continue;
          if (!found.empty() && found != arch) return "";  // names two: a combined stage
          found = arch;
        }
      }
    }
  }
  return found;
}

bool runsOn(const Platform& content, const Platform& target) {
  if (content.architecture != target.architecture) return false;
  if (content.variant.empty() || content.variant == target.variant) return true;
  // Older arm code runs on newer arm cores: v5 and v6 binaries run on arm/v7.
  return target.architecture == "arm" && content.variant < target.variant;
}

bool executesOn(const Platform& content, const Platform& target) {
  return runsOn(content, target) || (content.architecture == "386" && target.architecture == "amd64");
}

namespace {
// What one stage's own base image and RUNs say about its toolchain.
struct EcosystemFacts {
  std::set<std::string> seen;
  bool nativeNodeDeps = false, dotnetNative = false;
};

EcosystemFacts ownEcosystemFacts(const BuildModel& model, size_t s) {
  EcosystemFacts facts;
  auto& [seen, nativeNodeDeps, dotnetNative] = facts;
  const Stage& stage = model.stages[s];
  const std::string base = text::lower(stage.baseExpanded);
  auto baseHas = [&](std::string_view word) { return base.find(word) != std::string::npos; };
  if (baseHas("golang") || baseHas("/go:") || text::startsWith(base, "go:")) seen.insert("go");
  if (baseHas("rust")) seen.insert("rust");
  if (baseHas("node") || baseHas("bun") || baseHas("deno")) seen.insert("node");
  if (baseHas("maven") || baseHas("gradle") || baseHas("jdk") || baseHas("temurin") || baseHas("corretto") ||
      baseHas("openjdk") || baseHas("sbt")) {
    seen.insert("java");
  }
  if (baseHas("dotnet")) seen.insert("dotnet");
  if (baseHas("python") || baseHas("pypy") || baseHas("/uv")) seen.insert("python");
  if (baseHas("ruby")) seen.insert("ruby");
  if (baseHas("gcc") || baseHas("clang") || baseHas("buildpack-deps")) seen.insert("c");
  // tonistiigi/xx: shell scripts that drive cross toolchains, the same on every platform.
  if (baseHas("tonistiigi/xx")) seen.insert("scripts");
  for (const auto& run : model.scriptsIn(s)) {
    for (const auto& command : run.script.commands) {
      const std::string name = command.name();
      if (name == "npm" || name == "yarn" || name == "pnpm" || name == "npx" || name == "bun") seen.insert("node");
      if (name == "node-gyp" || (name == "npm" && command.words.size() > 1 && command.words[1].literal == "rebuild"))
        nativeNodeDeps = true;
      if (name == "mvn" || name == "mvnw" || name == "gradle" || name == "gradlew" || name == "sbt" || name == "lein")
        seen.insert("java");
      if (name == "dotnet") {
        seen.insert("dotnet");
        for (const auto& w : command.words) {
          const std::string l = text::lower(w.literal);
          if (l == "-r" || text::startsWith(l, "--runtime") || text::startsWith(l, "--self-contained") ||
              l.find("publishaot=true") != std::string::npos || l.find("selfcontained=true") != std::string::npos) {
            dotnetNative = true;
          }
        }
      }
      if (name == "go") seen.insert("go");
      if (name == "cargo" || name == "rustc") seen.insert("rust");
      // jlink assembles a Java runtime from the JDK it runs with: that JDK's native launcher
      // and libraries, for the stage's platform. (jenkinsci/docker-agent before f396501: a
      // JRE jlinked on $BUILDPLATFORM and copied into every image.)
      if (name == "jlink") seen.insert("jlink");
      if (name == "gcc" || name == "g++" || name == "cc" || name == "clang" || name == "cmake" || name == "ninja" ||
          name == "meson" || name == "configure") {
        seen.insert("c");
      }
      // make runs whatever its Makefile says: a C build, or a project's task runner around npm
      // or Maven (stageEcosystems weighs it against the stage's other tools).
      if (name == "make") seen.insert("make");
      if (name == "pip" || name == "pip3" || name == "poetry" || name == "uv" || name == "pipenv" || name == "conda" ||
          name == "virtualenv") {
        seen.insert("python");
      }
      if (name == "bundle" || name == "gem") seen.insert("ruby");
      if (name == "apt-get" || name == "apk" || name == "yum" || name == "dnf") {
        for (const auto& w : command.words) {
          const std::string& l = w.literal;
          if (l == "g++" || l == "build-essential" || l == "build-base" || l == "python3" || l == "make") nativeNodeDeps = true;
        }
      }
    }
  }
  return facts;
}
}  // namespace

std::vector<std::string> stageEcosystems(const BuildModel& model) {
  const size_t n = model.stages.size();
  std::vector<EcosystemFacts> own(n);
  for (size_t s = 0; s < n; ++s) own[s] = ownEcosystemFacts(model, s);
  std::vector<std::string> out(n);
  for (size_t stageIndex = 0; stageIndex < n; ++stageIndex) {
    // The stage and the stages it is based on (one chain, the same for every target in practice).
    std::set<std::string> seen;
    bool nativeNodeDeps = false, dotnetNative = false;
    for (size_t s = stageIndex, hops = 0; s != kNone && hops < 64; ++hops) {
      seen.insert(own[s].seen.begin(), own[s].seen.end());
      nativeNodeDeps = nativeNodeDeps || own[s].nativeNodeDeps;
      dotnetNative = dotnetNative || own[s].dotnetNative;
      s = model.stages[s].parentStage ? *model.stages[s].parentStage : kNone;
    }
    // `make` in a Node or Java stage drives that ecosystem's build (`make authui` around npm
    // in authgear's static-files stage on $BUILDPLATFORM); elsewhere it is taken for a C build.
    if (seen.count("make") && !seen.count("node") && !seen.count("java")) seen.insert("c");
    out[stageIndex] = [&]() -> std::string {
      // Native toolchains win: a Go stage that also runs npm for its web assets builds a binary.
      for (const char* native : {"go", "rust", "c", "jlink"}) {
        if (seen.count(native)) return native;
      }
      if (seen.count("dotnet")) return dotnetNative ? "dotnet-native" : "dotnet";
      if (seen.count("python")) return "python";
      if (seen.count("ruby")) return "ruby";
      if (seen.count("node")) return nativeNodeDeps ? "node-native" : "node";
      if (seen.count("java")) return "java";
      if (seen.count("scripts")) return "scripts";
      return "";
    }();
  }
  return out;
}

bool namesNativeCode(const std::string& rawPath) {
  std::string path = text::lower(rawPath);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty() || path == "/" || path == "." || path == "/." || path == "/usr" || path == "/usr/local") return true;
  const std::string last = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (hasExtension(last, {".so", ".a", ".node", ".bin", ".run", ".dylib", ".exe"}) || last.find(".so.") != std::string::npos) {
    return true;
  }
  static const std::set<std::string_view> kNativeComponents = {
      "bin",  "sbin",          "lib",   "lib64", "lib32",      "libexec",     "site-packages",
      "venv", "dist-packages", ".venv", "gems",  "virtualenv", "node_modules"};
  for (const auto& component : text::split(path, '/')) {
    if (kNativeComponents.count(component) > 0) return true;
  }
  return false;
}

Payload payloadOfPath(const std::string& rawPath, const std::string& ecosystem) {
  std::string path = text::lower(rawPath);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (ecosystem == "scripts") return Payload::Portable;
  if (path.empty() || path == "/" || path == "." || path == "/.") return Payload::Native;  // a whole userland
  const std::string last = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const auto components = text::split(path, '/');
  auto hasComponent = [&](std::initializer_list<std::string_view> names) {
    return std::any_of(components.begin(), components.end(),
                       [&](const std::string& c) { return std::find(names.begin(), names.end(), c) != names.end(); });
  };
  // Native by name, whatever built it.
  if (hasExtension(last, {".so", ".a", ".node", ".bin", ".run", ".dylib"}) || last.find(".so.") != std::string::npos) {
    return Payload::Native;
  }
  // The Filesystem Hierarchy Standard's architecture-independent places: /etc holds
  // configuration and "must not contain binaries" (FHS 3.0, 3.7.1), and these /usr/share
  // directories hold data that is the same on every architecture (FHS 4.11). A scratch image
  // takes its CA bundle, zoneinfo, mime.types and passwd from a build stage this way.
  // (Not /usr/share as a whole: /usr/share/dotnet holds the .NET runtime.)
  {
    size_t first = 0;
    while (first < components.size() && (components[first].empty() || components[first] == ".")) ++first;
    if (first < components.size() && components[first] == "etc") return Payload::Portable;
    static const std::set<std::string_view> kSharedData = {"zoneinfo", "ca-certificates", "mime", "fonts", "locale",
                                                           "i18n",     "terminfo",        "misc", "doc",   "man"};
    if (first + 2 < components.size() && components[first] == "usr" && components[first + 1] == "share" &&
        kSharedData.count(components[first + 2]) > 0)
      return Payload::Portable;
  }
  // A wheel says in its name whether it holds compiled code (py3-none-any is pure Python).
  if (text::endsWith(last, ".whl")) return last.find("-none-any") != std::string::npos ? Payload::Portable : Payload::Native;
  if (hasComponent({"site-packages", "dist-packages", "venv", ".venv", "virtualenv", "wheels", ".local", "bundle", "gems",
                    "vendor/bundle", "lib64"})) {
    return Payload::Native;
  }
  if (hasComponent({"node_modules"})) return ecosystem == "node-native" ? Payload::Native : Payload::Portable;
  // Portable by name.
  if (hasExtension(last, {".js",   ".mjs",  ".cjs",  ".ts",   ".css",       ".html",       ".htm",    ".map", ".json", ".yaml",
                          ".yml",  ".toml", ".xml",  ".txt",  ".md",        ".rst",        ".jar",    ".war", ".ear",  ".class",
                          ".py",   ".pyc",  ".rb",   ".php",  ".pl",        ".lua",        ".sql",    ".svg", ".png",  ".jpg",
                          ".jpeg", ".gif",  ".ico",  ".webp", ".woff",      ".woff2",      ".ttf",    ".otf", ".eot",  ".pem",
                          ".crt",  ".key",  ".conf", ".cfg",  ".ini",       ".properties", ".env",    ".sh",  ".csv",  ".proto",
                          ".go",   ".mod",  ".sum",  ".lock", ".wasm",      ".zip",        ".gz",     ".tgz", ".pdf",  ".tmpl",
                          ".tpl",  ".j2",   ".dll",  ".pdb",  ".deps.json", ".ps1",        ".gradle", ".kts", ".xsd"})) {
    if (text::endsWith(last, ".dll")) return ecosystem == "dotnet-native" ? Payload::Native : Payload::Portable;
    return Payload::Portable;
  }
  const bool webTooling = ecosystem == "node" || ecosystem == "node-native" || ecosystem == "java" || ecosystem.empty();
  // web-vault, static-files, ui_dist: a component whose dash- or underscore-separated word says web content.
  for (const auto& component : components) {
    for (const auto& word : text::split(component, '-')) {
      for (const auto& piece : text::split(word, '_')) {
        if (piece == "web" || piece == "www" || piece == "html" || piece == "static" || piece == "assets" || piece == "docs" ||
            piece == "frontend" || piece == "webui") {
          return Payload::Portable;
        }
      }
    }
  }
  // Archives and images of data produced at build time (a tarball of container images, a
  // bundle): files, not programs the image runs.
  if (hasExtension(last, {".tar", ".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".img", ".iso", ".db", ".sqlite"})) {
    return Payload::Portable;
  }
  if (hasComponent({"public",    "static",
                    "assets",    "www",
                    "html",      "site",
                    "docs",      "doc",
                    "templates", "migrations",
                    "locales",   "i18n",
                    "swagger",   "openapi",
                    "schemas",   "fonts",
                    "images",    "img",
                    "css",       "js",
                    ".next",     "storybook-static",
                    "web",       "ui",
                    "frontend",  "client"})) {
    return Payload::Portable;
  }
  if (webTooling && hasComponent({"dist", "build", "out", "output", "lib", "target"}) && !ecosystem.empty())
    return Payload::Portable;
  if (ecosystem == "node" || ecosystem == "java" || ecosystem == "dotnet") return Payload::Portable;
  return Payload::Native;
}

std::vector<Platform> StageGraph::targetsReaching(size_t stage) const {
  std::vector<Platform> out;
  if (stage >= reachedBy.size()) return out;
  for (size_t t = 0; t < targets.size(); ++t) {
    if (reachedBy[stage][t]) out.push_back(targets[t]);
  }
  return out;
}

std::vector<Platform> StageGraph::brokenBy(size_t stage, const Platform& content) const {
  return brokenWhere(stage, [&](const Platform& target) { return runsOn(content, target); });
}

std::vector<Platform> StageGraph::programBrokenBy(size_t stage, const Platform& content) const {
  return brokenWhere(stage, [&](const Platform& target) { return executesOn(content, target); });
}

std::vector<Platform> StageGraph::brokenWhere(size_t stage, const std::function<bool(const Platform&)>& worksOn) const {
  std::vector<Platform> out;
  if (stage >= platform.size()) return out;
  // On a Raspbian userland, ARMv7-named content (its `armhf`) is the distribution's ARMv6 build.
  const bool raspbian = stage < raspbianUserland.size() && raspbianUserland[stage];
  const auto works = [&](const Platform& target) {
    if (raspbian && target.architecture == "arm" && target.variant == "v6" && worksOn(Platform{"linux", "arm", "v7"})) {
      return true;
    }
    return worksOn(target);
  };
  switch (platform[stage].runs) {
    case StageRuns::OnTarget:
      for (size_t t = 0; t < targets.size(); ++t) {
        if (reachedBy[stage][t] && !works(targets[t])) out.push_back(targets[t]);
      }
      break;
    case StageRuns::OnBuilder:
      // A tool for the build machine is its own business; a fixed-architecture binary that
      // is copied into the images reaches every target.
      if (!shipsNative[stage] || !feedsTargetNatively(stage)) break;
      for (const auto& target : targets) {
        if (!works(target)) out.push_back(target);
      }
      break;
    case StageRuns::Pinned:
      // Content of the pinned platform is consistent there; the pin itself is MA101's finding.
      break;
  }
  return out;
}

namespace {
// Applies one ARG or ENV instruction to an environment, as BuildKit's dispatch does, and
// follows which values come from an ARG the project's builds pass (`passed`).
void applyDefinition(const ParsedDockerfile& file, const Environment& globals, const std::set<std::string>& passed, size_t index,
                     StageEnvironment& into) {
  const Instruction& in = file.instructions[index];
  auto& env = into.values;
  const auto define = [&](const std::string& name, const std::string& raw, bool argument) {
    const Expansion e = expandWord(raw, env, file.escapeToken);
    env[name] = e.value;
    const bool fromPassed = (argument && passed.count(name)) ||
                            std::any_of(e.referenced.begin(), e.referenced.end(),
                                        [&](const std::string& used) { return into.fromPassedArgs.count(used) > 0; });
    if (fromPassed) {
      into.fromPassedArgs.insert(name);
    } else {
      into.fromPassedArgs.erase(name);
    }
  };
  if (in.command == "arg") {
    for (const auto& arg : in.args) {
      const size_t eq = arg.value.find('=');
      const std::string name = arg.value.substr(0, eq);
      if (eq != std::string::npos) {
        define(name, arg.value.substr(eq + 1), true);
      } else {
        if (const auto global = globals.find(name); global != globals.end() && global->second) {
          env[name] = *global->second;
        } else if (!env.count(name)) {
          env[name] = std::nullopt;
        }
        if (passed.count(name)) into.fromPassedArgs.insert(name);
      }
      into.definedAt[name] = index;
    }
  } else if (in.command == "env") {
    for (size_t i = 0; i + 1 < in.args.size(); i += 3) {  // key, value, separator
      define(in.args[i].value, in.args[i + 1].value, false);
      into.definedAt[in.args[i].value] = index;
    }
  }
}
}  // namespace

const StageEnvironment& environmentAt(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                      size_t stage, size_t before, size_t target) {
  static const StageEnvironment kNothing;
  if (stage >= model.stages.size() || target >= graph.targets.size()) return kNothing;
  auto& cursor = graph.environmentCursors[{stage, target}];
  const auto& own = model.stages[stage].instructions;
  if (!cursor.started) {
    cursor.globals = globalScope(model, &graph.targets[target], file.escapeToken);
    std::vector<size_t> chain;
    for (size_t s = graph.baseFor[stage][target]; s != kNone && chain.size() < 63; s = graph.baseFor[s][target]) {
      chain.push_back(s);
    }
    std::reverse(chain.begin(), chain.end());
    for (size_t s : chain) {
      for (size_t index : model.stages[s].instructions)
        applyDefinition(file, cursor.globals, graph.argsPassedByBuilds, index, cursor.afterBases);
    }
    cursor.started = true;
    cursor.current = cursor.afterBases;
  }
  // A question about an earlier instruction than the last one applied starts the stage over.
  if (cursor.next > 0 && own[cursor.next - 1] >= before) {
    cursor.current = cursor.afterBases;
    cursor.next = 0;
  }
  for (; cursor.next < own.size() && own[cursor.next] < before; ++cursor.next) {
    applyDefinition(file, cursor.globals, graph.argsPassedByBuilds, own[cursor.next], cursor.current);
  }
  return cursor.current;
}

namespace {
// Does this ARG instruction declare `name` without a default?
bool declaresBare(const Instruction& in, const std::string& name) {
  if (in.command != "arg") return false;
  return std::any_of(in.args.begin(), in.args.end(), [&](const Argument& arg) { return arg.value == name; });
}
}  // namespace

const std::pair<const std::string, FixedValue::Source>* FixedValue::bringing(std::string_view piece) const {
  for (const auto& variable : variables) {
    if (variable.second.value.find(piece) != std::string::npos) return &variable;
  }
  return nullptr;
}

std::optional<FixedValue> valueForEveryTarget(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                              size_t stage, size_t before, const std::string& word) {
  if (word.find('$') == std::string::npos || stage >= model.stages.size()) return std::nullopt;
  std::optional<FixedValue> fixed;
  for (size_t t = 0; t < graph.targets.size(); ++t) {
    if (!graph.reachedBy[stage][t]) continue;
    const auto& [env, where, fromPassedArgs] = environmentAt(file, model, graph, stage, before, t);
    const Expansion e = expandWord(word, env, file.escapeToken);
    if (e.bounded || e.referenced.empty()) return std::nullopt;
    // A value that comes from an ARG the project's builds pass, directly (EventStore's workflow
    // gives RUNTIME per architecture over `ARG RUNTIME=linux-x64`) or through any chain of
    // defaults (rancher's Dockerfile.dapper: ARCH from HOST_ARCH from DAPPER_HOST_ARCH), is
    // theirs to give.
    // Unless the text around them names the architecture and no passed ARG carries one in its
    // own value: `ARG GRAALVM_STUFF=graalvm-ce-java$JAVA_VERSION-linux-amd64-$GRAALVM_VERSION.tar.gz`
    // with JAVA_VERSION and GRAALVM_VERSION passed (bare ARGs: alexanderfefelov/docker-graalvm,
    // Part ZZZZZZZQ) names amd64 whatever the builds pass.
    for (const auto& name : e.referenced) {
      if (!fromPassedArgs.count(name)) continue;
      for (const auto& passed : graph.argsPassedByBuilds) {
        const auto value = env.find(passed);
        if (value != env.end() && value->second && !vocab::findArchTokens(*value->second).empty()) return std::nullopt;
      }
    }
    // The automatic platform ARGs are the platform's to choose (an explicit default on one is
    // MA145's finding, not every use's).
    for (const auto& name : e.referenced) {
      if (vocab::isAutomaticPlatformArg(name)) return std::nullopt;
    }
    // A variable nothing declares may come from the base image's environment: unknown here.
    // One declared without a value (`ARG V`, then `${V:-amd64}`) has the value a --build-arg
    // gives it, which is one value for every target platform of the build, as a default is.
    for (const auto& name : e.unset) {
      if (!where.count(name)) return std::nullopt;
    }
    if (fixed) {
      if (fixed->value != e.value) return std::nullopt;  // it varies by target: chosen per platform
      continue;
    }
    fixed = FixedValue{e.value, {}};
    for (const auto& name : e.referenced) {
      const auto it = where.find(name);
      const auto value = env.find(name);
      if (it == where.end() || value == env.end()) continue;
      // `ARG ARCH=amd64` before the first FROM and a bare `ARG ARCH` in the stage: the value is
      // the caller's to give (rancher's workflows pass --build-arg ARCH on each architecture's
      // runner); only a default written in the stage, or an ENV, is the Dockerfile's own choice.
      if (value->second && declaresBare(file.instructions[it->second], name)) return std::nullopt;
      fixed->variables[name] = {it->second, value->second.value_or("")};
    }
  }
  return fixed;
}

std::optional<FixedValue> valueForEveryTarget(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                              const RunScript& run, const std::string& word) {
  // A command substitution is the shell's to run: its output is not known here.
  if (word.find('$') == std::string::npos || word.find("$(") != std::string::npos || word.find('`') != std::string::npos) {
    return std::nullopt;
  }
  const auto uses = expandWord(word, {}, file.escapeToken).referenced;
  for (const auto& name : uses) {
    if (run.script.assigns(name)) return std::nullopt;
  }
  return valueForEveryTarget(file, model, graph, run.stage, run.instruction, word);
}

namespace {

// Does a comment line of the file hold an instruction that takes from stage `name`
// (`COPY --from=name ...`, `RUN --mount=type=bind,from=name ...`, `# copy --from=name`)? Comments are
// kept per instruction, as the block written right above it.
bool usedInCommentedOutInstruction(const ParsedDockerfile& file, const std::string& name) {
  if (name.empty()) return false;
  const std::string lowered = text::lower(name);
  const auto isNameChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; };
  for (const auto& instruction : file.instructions) {
    for (const auto& comment : instruction.comments) {
      const std::string line = text::lower(comment);
      const bool instructionLike =
          text::startsWith(line, "copy ") || text::startsWith(line, "add ") || text::startsWith(line, "run ");
      if (!instructionLike) continue;
      // `--from=name`, or `from=name` among a --mount's options.
      constexpr std::string_view kKey = "from=";
      for (size_t at = line.find(kKey); at != std::string::npos; at = line.find(kKey, at + 1)) {
        const bool option = at > 0 && (line[at - 1] == '-' || line[at - 1] == ',');
        const size_t begin = at + kKey.size(), end = begin + lowered.size();
        if (option && line.compare(begin, lowered.size(), lowered) == 0 && (end == line.size() || !isNameChar(line[end]))) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

StageGraph buildStageGraph(const ParsedDockerfile& file, const BuildModel& model, const std::vector<Platform>& targets,
                           const std::map<std::string, std::vector<Platform>>& platformsByTargetStage) {
  StageGraph g;
  g.targets = targets;
  const size_t n = model.stages.size();
  const size_t nt = targets.size();
  g.platform.resize(n);
  g.reachedBy.assign(n, std::vector<bool>(nt, false));
  g.baseFor.assign(n, std::vector<size_t>(nt, kNone));
  g.shipsNative.assign(n, false);
  g.raspbianUserland.assign(n, false);
  for (size_t s = 0; s < n; ++s) {
    // A stage built FROM an earlier one has that stage's userland (one pass: the parent comes first).
    if (const auto parent = model.stages[s].parentStage; parent && *parent < s) {
      g.raspbianUserland[s] = g.raspbianUserland[*parent];
      continue;
    }
    const std::string base = text::lower(model.stages[s].baseExpanded);
    g.raspbianUserland[s] = base.find("raspbian") != std::string::npos || text::startsWith(base, "resin/raspberry-pi-") ||
                            text::startsWith(base, "balenalib/raspberry-pi-") || text::startsWith(base, "resin/rpi-") ||
                            text::startsWith(base, "balenalib/rpi-");
  }

  if (n == 0) return g;

  // FROM per target platform.
  for (size_t t = 0; t < nt; ++t) {
    const Environment env = globalScope(model, &targets[t], file.escapeToken);
    for (size_t s = 0; s < n; ++s) {
      const Stage& stage = model.stages[s];
      const std::string expanded = expandWord(stage.baseRaw, env, file.escapeToken).value;
      g.baseFor[s][t] = earlierStageNamed(model, expanded, s);
    }
  }
  // The automatic platform ARGs some stage it is based on (for any target, at any depth)
  // declares. Bases are earlier stages, so one pass in order suffices.
  g.platformArgsFromBases.resize(n);
  const Environment automatic = automaticArgs(nullptr);
  for (size_t s = 0; s < n; ++s) {
    for (size_t t = 0; t < nt; ++t) {
      const size_t base = g.baseFor[s][t];
      if (base >= s) continue;
      const auto& inherited = g.platformArgsFromBases[base];
      g.platformArgsFromBases[s].insert(inherited.begin(), inherited.end());
      for (const auto& [name, value] : automatic) {
        if (model.stages[base].declaresArgBefore(name, file.instructions.size())) g.platformArgsFromBases[s].insert(name);
      }
    }
  }
  // A selector that names a stage for some targets and nothing for others.
  for (size_t s = 0; s < n; ++s) {
    const Stage& stage = model.stages[s];
    if (stage.baseRaw.find('$') == std::string::npos) continue;
    const bool selectsSomewhere = std::any_of(g.baseFor[s].begin(), g.baseFor[s].end(), [](size_t b) { return b != kNone; });
    if (!selectsSomewhere) continue;
    for (size_t t = 0; t < nt; ++t) {
      if (g.baseFor[s][t] != kNone) continue;
      const Environment env = globalScope(model, &targets[t], file.escapeToken);
      g.missingSelections.push_back({s, targets[t], expandWord(stage.baseRaw, env, file.escapeToken).value});
    }
  }

  // Where each stage runs. A stage based on another takes its platform (dispatchState.init).
  const Environment symbolic = globalScope(model, nullptr, file.escapeToken);
  for (size_t s = 0; s < n; ++s) {
    const Stage& stage = model.stages[s];
    StagePlatform& p = g.platform[s];
    p.decidedBy = s;
    const auto base = std::find_if(g.baseFor[s].begin(), g.baseFor[s].end(), [](size_t b) { return b != kNone; });
    if (base != g.baseFor[s].end()) {
      p = g.platform[*base];
      continue;
    }
    if (stage.platformRaw.empty()) continue;
    const Expansion e = expandWord(stage.platformRaw, symbolic, file.escapeToken);
    if (e.value.find(kBuildMarker) != std::string::npos) {
      p.runs = StageRuns::OnBuilder;
    } else if (e.value.find(kTargetMarker) != std::string::npos) {
      p.runs = StageRuns::OnTarget;
    } else if (auto pinned = parsePlatform(e.value)) {
      p.runs = StageRuns::Pinned;
      p.pinned = *pinned;
      for (const auto& name : e.referenced) {
        const bool declaredGlobally = std::any_of(model.globalArgs.begin(), model.globalArgs.end(),
                                                  [&](const ArgDeclaration& a) { return a.name == name && a.value; });
        if (!automaticArgs(nullptr).count(name) || declaredGlobally) p.pinnedThroughArg = name;
      }
    }
  }

  // The stage graph's edges: bases (per target), COPY --from and RUN --mount=from.
  const std::vector<std::string> ecosystems = stageEcosystems(model);
  for (size_t s = 0; s < n; ++s) {
    std::set<size_t> bases;
    for (size_t b : g.baseFor[s]) {
      if (b != kNone && bases.insert(b).second)
        g.uses.push_back({StageUse::Kind::Base, s, b, model.stages[s].fromInstruction, Payload::Native, ""});
    }
    for (size_t index : model.stages[s].instructions) {
      const Instruction& in = file.instructions[index];
      if (in.command != "copy" && in.command != "run") continue;  // ONBUILD triggers run in another build
      std::string from, pathText;
      Payload payload = Payload::Portable;
      std::vector<std::string> paths;
      if (in.command == "copy") {
        if (const Flag* f = in.flag("from")) from = f->value();
        paths = copySources(in);
      } else {
        paths.push_back(mountSource(in, from));
      }
      if (from.empty()) continue;
      const Stage* source = model.stageNamed(from);
      if (!source || source->index >= s) continue;
      for (const auto& path : paths) {
        if (payloadOfPath(path, ecosystems[source->index]) == Payload::Native) payload = Payload::Native;
        pathText += (pathText.empty() ? "" : " ") + path;
      }
      g.uses.push_back(
          {in.command == "copy" ? StageUse::Kind::Copy : StageUse::Kind::Mount, s, source->index, index, payload, pathText});
    }
  }

  // What is built: the last stage, and any named stage nothing depends on (a possible
  // --target), with everything they depend on for each target platform. An unnamed stage
  // nothing depends on is never built: BuildKit finds a --target by stage name only
  // (dockerfile2llb's resolveTarget: findStateByName; no index, unlike COPY --from=0), so
  // such a stage is dead code (dongle-the-gadget/MyFirstTSBot's leftover first
  // `FROM --platform=amd64 node:17-alpine`).
  std::vector<bool> dependedOn(n, false);
  for (const auto& use : g.uses) dependedOn[use.source] = true;
  for (size_t s = 0; s + 1 < n; ++s) {
    if (model.stages[s].name.empty()) dependedOn[s] = true;  // not a root of its own
  }
  g.usesFrom.assign(n, {});
  g.usesInto.assign(n, {});
  for (size_t u = 0; u < g.uses.size(); ++u) {
    g.usesFrom[g.uses[u].source].push_back(u);
    g.usesInto[g.uses[u].consumer].push_back(u);
    g.usesAtInstruction[g.uses[u].instruction].push_back(u);
  }
  const auto startsSomethingIn = [&](size_t s) {
    return std::any_of(model.stages[s].instructions.begin(), model.stages[s].instructions.end(), [&](size_t i) {
      const std::string& c = file.instructions[i].command;
      return c == "cmd" || c == "entrypoint" || c == "run";
    });
  };
  g.runsNothing.assign(n, false);
  for (size_t s = 0; s < n; ++s) {
    if (startsSomethingIn(s)) continue;
    bool fromNothing = text::lower(model.stages[s].baseExpanded) == "scratch";
    bool anyBase = false, allBasesRunNothing = true;
    for (size_t t = 0; t < nt; ++t) {
      if (g.baseFor[s][t] == kNone) continue;
      anyBase = true;
      allBasesRunNothing = allBasesRunNothing && g.runsNothing[g.baseFor[s][t]];
    }
    g.runsNothing[s] = fromNothing || (anyBase && allBasesRunNothing);
  }
  // `FROM scratch` stages that only gather files and start nothing (no CMD, ENTRYPOINT or RUN)
  // are for `--output`: they export artifacts, they are not images a platform runs.
  for (size_t s = 0; s + 1 < n; ++s) {
    if (dependedOn[s] || text::lower(model.stages[s].baseExpanded) != "scratch") continue;
    if (!startsSomethingIn(s)) dependedOn[s] = true;  // not a root of its own
  }
  // A stage before the last with no instruction after its FROM, that nothing depends on, builds
  // nothing of its own: `FROM amd64/ubuntu:bionic@sha256:... AS trigger` is there for Renovate
  // to bump the digest and so trigger a rebuild (rarkins/docker-base, Part ZZP), never built.
  // As a --target it would only re-tag its base image.
  for (size_t s = 0; s + 1 < n; ++s) {
    if (!dependedOn[s] && model.stages[s].instructions.empty()) dependedOn[s] = true;  // not a root of its own
  }
  // A named stage nothing depends on, whose use the author commented out (`#COPY --from=caddybuilder
  // /opt/caddy/ /opt/caddy/` in fuyb999/docker-kde-plasma, Part ZZZZZZZZZZZZZZZZZV): a leftover
  // taken out of the build, not a --target anyone names. BuildKit builds only what the target
  // needs, so its content reaches no image.
  for (size_t s = 0; s + 1 < n; ++s) {
    if (!dependedOn[s] && usedInCommentedOutInstruction(file, model.stages[s].name)) dependedOn[s] = true;
  }
  // The stages the project's builds stop at, each with the platforms it is built for: a build
  // of `--target final-cuda` builds that stage and what it takes from, nothing else (BuildKit
  // solves only the target's dependencies). Every name must be a stage of this file, or none
  // is used (a target computed at run time, a file the declaration does not mean).
  std::map<size_t, std::vector<Platform>> declaredRoots;
  for (const auto& [name, platforms] : platformsByTargetStage) {
    std::optional<size_t> stage;
    if (name.empty()) stage = n - 1;
    for (size_t s = 0; s < n && !stage; ++s) {
      if (text::lower(model.stages[s].name) == name) stage = s;
    }
    if (!stage) {
      declaredRoots.clear();
      break;
    }
    auto& merged = declaredRoots[*stage];  // `target = "last"` and no target are one stage
    merged.insert(merged.end(), platforms.begin(), platforms.end());
  }
  if (!declaredRoots.empty()) {
    g.builtByNamedTarget.assign(n, false);
    std::vector<size_t> work;
    work.reserve(declaredRoots.size());
    for (const auto& root : declaredRoots) work.push_back(root.first);
    while (!work.empty()) {
      const size_t s = work.back();
      work.pop_back();
      if (g.builtByNamedTarget[s]) continue;
      g.builtByNamedTarget[s] = true;
      for (size_t t = 0; t < nt; ++t) {
        if (g.baseFor[s][t] != kNone) work.push_back(g.baseFor[s][t]);
      }
      for (size_t u : g.usesInto[s]) {
        if (g.uses[u].kind != StageUse::Kind::Base) work.push_back(g.uses[u].source);
      }
    }
  }
  for (size_t t = 0; t < nt; ++t) {
    std::vector<size_t> work;
    for (size_t s = 0; s < n; ++s) {
      if (const auto declared = declaredRoots.find(s); declared != declaredRoots.end()) {
        if (std::find(declared->second.begin(), declared->second.end(), targets[t]) != declared->second.end()) work.push_back(s);
        continue;
      }
      if (s + 1 == n || !dependedOn[s]) work.push_back(s);
    }
    while (!work.empty()) {
      const size_t s = work.back();
      work.pop_back();
      if (g.reachedBy[s][t]) continue;
      g.reachedBy[s][t] = true;
      if (g.baseFor[s][t] != kNone) work.push_back(g.baseFor[s][t]);
      for (size_t u : g.usesInto[s]) {
        if (g.uses[u].kind != StageUse::Kind::Base) work.push_back(g.uses[u].source);
      }
    }
  }

  // A stage named for one architecture is that architecture's, whoever depends on it; so is
  // one named for hardware whose software exists for one architecture, by that word alone
  // (`AS intel`, `AS rocm`, `AS jetson`: mudler/LocalAI's intel stage; `intel_clc`, a tool the
  // build machine runs, names more than the hardware).
  for (size_t s = 0; s < n; ++s) {
    std::string arch = architectureNamedBy(model.stages[s].name);
    if (arch.empty()) {
      if (const auto hardware = vocab::oneArchitectureHardwareNamed(text::lower(model.stages[s].name))) {
        arch = hardware->architecture;
      }
    }
    if (arch.empty()) continue;
    for (size_t t = 0; t < nt; ++t) {
      if (targets[t].architecture != arch) g.reachedBy[s][t] = false;
    }
  }

  // A build the file makes fail on purpose for a platform (`case $TARGETPLATFORM in
  // linux/arm64) exit 1 ;;`, or a failing `*)` default with no arm for it): BuildKit stops at
  // that step, so nothing else the root reaching it builds for that platform is ever built,
  // and nothing there can break it. The file says it does not support that platform; the
  // roots that do not reach the step are still built for it. Where every target is turned
  // away, the file is judged as if nothing were (a switch we misread must not silence it).
  auto rejects = [&](size_t stage, const Platform& target) {
    const StageRuns runs = g.platform[stage].runs;
    if (runs == StageRuns::Pinned) return false;
    for (const auto& run : model.scriptsIn(stage)) {
      for (const auto& sw : run.script.archSwitches) {
        // On the build machine a probe answers for the builder; only a TARGET* value names the target.
        if (runs == StageRuns::OnBuilder && sw.subject.find("TARGET") == std::string::npos) continue;
        bool covered = false, coveredFails = false, fallbackFails = false;
        for (const auto& arm : sw.arms) {
          const bool fallback = std::find(arm.patterns.begin(), arm.patterns.end(), "*") != arm.patterns.end();
          if (fallback) {
            fallbackFails = fallbackFails || arm.fails;
            continue;
          }
          const bool matches = std::any_of(arm.patterns.begin(), arm.patterns.end(),
                                           [&](const std::string& p) { return vocab::switchPatternCovers(p, target); });
          if (matches && !covered) {
            covered = true;
            coveredFails = arm.fails;
          }
        }
        if (covered ? coveredFails : fallbackFails) return true;
      }
    }
    return false;
  };
  std::vector<std::vector<bool>> rejectedReach = g.reachedBy;
  bool anyRejected = false, finalStillBuilt = false;
  for (size_t t = 0; t < nt; ++t) {
    std::vector<bool> rejecting(n, false);
    bool any = false;
    for (size_t s = 0; s < n; ++s) {
      rejecting[s] = g.reachedBy[s][t] && rejects(s, targets[t]);
      any = any || rejecting[s];
    }
    if (!any) {
      finalStillBuilt = finalStillBuilt || (n > 0 && g.reachedBy[n - 1][t]);
      continue;
    }
    anyRejected = true;
    for (size_t s = 0; s < n; ++s) rejectedReach[s][t] = false;
    for (size_t root = 0; root < n; ++root) {
      if (!(root + 1 == n || !dependedOn[root])) continue;
      std::vector<size_t> closure, work{root};
      std::vector<bool> seen(n, false);
      bool failsHere = false;
      while (!work.empty()) {
        const size_t s = work.back();
        work.pop_back();
        if (seen[s] || !g.reachedBy[s][t]) continue;
        seen[s] = true;
        closure.push_back(s);
        failsHere = failsHere || rejecting[s];
        if (g.baseFor[s][t] != kNone) work.push_back(g.baseFor[s][t]);
        for (size_t u : g.usesInto[s]) {
          if (g.uses[u].kind != StageUse::Kind::Base) work.push_back(g.uses[u].source);
        }
      }
      if (failsHere) continue;
      for (size_t s : closure) rejectedReach[s][t] = true;
      finalStillBuilt = finalStillBuilt || root + 1 == n;
    }
  }
  if (anyRejected && finalStillBuilt) g.reachedBy = std::move(rejectedReach);

  // What ships: the built roots themselves, their bases, and native code copied into them.
  for (size_t s = n; s-- > 0;) {
    const bool reached = std::any_of(g.reachedBy[s].begin(), g.reachedBy[s].end(), [](bool r) { return r; });
    if (reached && (s + 1 == n || !dependedOn[s])) g.shipsNative[s] = true;
  }
  for (size_t s = n; s-- > 0;) {
    if (!g.shipsNative[s]) continue;
    for (size_t u : g.usesInto[s]) {
      if (g.uses[u].payload == Payload::Native) g.shipsNative[g.uses[u].source] = true;
    }
  }
  // Which stages feed the target natively, every stage at once: each use goes from an earlier
  // stage to a later one (FROM and COPY --from name earlier stages only), so one pass from the
  // last stage back decides each stage from its consumers. (A walk per stage was quadratic in
  // a chain of build-machine stages, audit H10.)
  g.feedsTarget.assign(n, false);
  for (size_t s = n; s-- > 0;) {
    for (size_t u : g.usesFrom[s]) {
      const StageUse& use = g.uses[u];
      const size_t c = use.consumer;
      if (use.payload != Payload::Native || c <= s || c >= n || !g.shipsNative[c]) continue;
      // A stage that runs nothing and hands its files on counts by where they go.
      const bool takenOnTarget = g.platform[c].runs == StageRuns::OnTarget && !(g.runsNothing[c] && !g.usesFrom[c].empty());
      if (takenOnTarget || g.feedsTarget[c]) {
        g.feedsTarget[s] = true;
        break;
      }
    }
  }
  return g;
}

}  // namespace mal::dockerfile
