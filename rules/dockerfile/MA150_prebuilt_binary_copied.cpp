// MA150: COPY/ADD of a native binary from the build context. With the context read, the
// file's real ELF machine decides: foreign to a target is an error, matching is fine, an
// unreadable ELF stays a warning. Without it, native-looking names are a warning.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "analyzer/context/build_context.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/arch_named_paths.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

bool isNativeArtifactName(const std::string& path) {
  std::string name = text::lower(path);
  while (!name.empty() && name.back() == '/') name.pop_back();
  const std::string base = baseName(name);
  // Text that only looks like an installer by its suffix: a Dockerfile for a second build
  // (stakater/Reloader's `Dockerfile.run`, which its CMD tars up for the next `docker build`).
  if (text::startsWith(base, "dockerfile") || text::startsWith(base, "containerfile") || text::endsWith(base, ".dockerfile")) {
    return false;
  }
  // `.bin` is also the suffix of data every architecture reads alike: model weights
  // (`pytorch_model.bin`, `ggml-model-q4_0.bin`), tokenizers, firmware blobs, a chess engine's
  // opening book (Polyglot's `book.bin`, djlogan2/icc_uci, Part ZL), data files and tables.
  if (text::endsWith(base, ".bin")) {
    for (std::string_view data : {"model", "weight", "ggml", "gguf", "vocab", "token", "checkpoint", "ckpt", "firmware",
                                  "embedding", "lora", "adapter", "book", "data", "dict", "table", "font"}) {
      if (base.find(data) != std::string_view::npos) return false;
    }
  }
  for (std::string_view suffix : {".a", ".node", ".bin", ".run", ".o", ".so"}) {
    if (text::endsWith(name, suffix)) return true;
  }
  // libfoo.so.1.2.3: ".so" followed by version numbers only
  const size_t so = name.rfind(".so.");
  return so != std::string::npos && std::all_of(name.begin() + static_cast<long>(so) + 4, name.end(),
                                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

// A context path as written without its leading `./` (any number of them): `./bin/app` is `bin/app`.
std::string withoutLeadingDotSlash(const std::string& path) {
  size_t start = 0;
  while (path.compare(start, 2, "./") == 0) start += 2;
  return path.substr(start);
}

// `target/release/<name>` or `target/debug/<name>`, a name without an extension: cargo's
// own output directory holds the program it built for the machine it ran on (a cross build
// puts it under `target/<triple>/`, which names its architecture). A CI job ran `cargo build`
// before `docker build`, and every image gets that one machine's program.
// (databendlabs/databend docker/Dockerfile before e18c2b1: `COPY ./target/release/databend-query`.)
bool isCargoHostOutput(const std::string& path) {
  const std::string p = withoutLeadingDotSlash(path);
  for (std::string_view dir : {"target/release/", "target/debug/"}) {
    size_t at = p.find(dir);
    if (at == std::string::npos || (at > 0 && p[at - 1] != '/')) continue;
    const std::string name = p.substr(at + dir.size());
    if (!name.empty() && name.find_first_of("/.*?[") == std::string::npos) return true;
  }
  return false;
}

// The target platforms whose images get what this stage copies: the targets that build it
// on their own platform, or every target when a build-machine stage ships it; none for a
// pinned stage (MA101 reports the pin).
std::vector<Platform> platformsJudged(const DockerfileContext& ctx, size_t stage) {
  return ctx.stages->brokenWhere(stage, [](const Platform&) { return false; });
}

const char* kindOf(const elf::ElfFacts& facts) {
  switch (facts.type) {
    case 1: return "object file";
    case 2: return "executable";
    case 3: return facts.interpreter.empty() ? "shared library" : "executable";
    default: return "ELF file";
  }
}

// What the build context says of one COPY source.
enum class ContextVerdict {
  Unknown,  // not read, or the source was not found there: only its name can be judged
  NoElf,    // found, but holds no ELF file (text, archives, packages, Git LFS pointers)
  Judged,   // its ELF files were inspected (and reported if foreign)
};

// The first Git LFS pointer the source copies, or null.
const context::ContextFile* lfsPointerCopied(const DockerfileContext& ctx, size_t index, size_t argument) {
  if (!ctx.buildContext) return nullptr;
  for (const auto* r : ctx.buildContext->resolutions(index, argument)) {
    for (const auto& copied : r->files) {
      if (copied.file->lfsPointer) return copied.file;
    }
  }
  return nullptr;
}

// Judges the source by the ELF files it copies.
ContextVerdict judgeByElf(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, size_t index, size_t argument,
                          Span span, const std::vector<Platform>& judged) {
  if (!ctx.buildContext) return ContextVerdict::Unknown;
  const auto resolutions = ctx.buildContext->resolutions(index, argument);
  if (resolutions.empty() || std::none_of(resolutions.begin(), resolutions.end(), [](auto* r) { return r->found; })) {
    return ContextVerdict::Unknown;
  }
  bool anyElf = false;
  // Per file: the platforms it cannot run on.
  std::map<std::string, std::pair<const context::ContextFile*, std::vector<Platform>>> foreign;
  const context::ContextFile* damaged = nullptr;
  for (const auto* r : resolutions) {
    if (std::find(judged.begin(), judged.end(), r->platform) == judged.end()) continue;
    for (const auto& copied : r->files) {
      const auto& elf = copied.file->elf;
      if (!elf.isElf) continue;
      anyElf = true;
      if (!elf.facts) {
        damaged = damaged ? damaged : copied.file;
        continue;
      }
      if (!elf.facts->runsOn(r->platform)) {
        auto& entry = foreign[copied.file->path];
        entry.first = copied.file;
        entry.second.push_back(r->platform);
      }
    }
  }
  if (!foreign.empty()) {
    const auto& [file, platforms] = foreign.begin()->second;
    std::string message = "copies " + std::string(kindOf(*file->elf.facts)) + " '" + file->path + "', " +
                          file->elf.facts->describeWithArticle() + " ELF, into the " + platformList(platforms) +
                          " image, which cannot " +
                          (file->elf.facts->type == 3 && file->elf.facts->interpreter.empty() ? "load" : "run") + " it";
    if (foreign.size() > 1) message += " (and " + std::to_string(foreign.size() - 1) + " more foreign ELF files)";
    out.report(rule, span, message,
               "build it in a stage for $TARGETARCH, or keep one build per architecture and copy "
               "'.../${TARGETARCH}/...' (declare `ARG TARGETARCH`)",
               Severity::Error, platforms);
    return ContextVerdict::Judged;
  }
  if (damaged) {
    out.report(rule, span,
               "copies '" + damaged->path + "', an ELF file that cannot be read (" + damaged->elf.error +
                   "): its architecture is unknown");
  }
  return anyElf ? ContextVerdict::Judged : ContextVerdict::NoElf;  // every ELF it copies runs on its platform
}

// Does the copy keep the architecture in the name it lands under (a directory destination,
// or one that names the same architecture)? `COPY bin/linux-amd64/app /usr/local/bin/app`
// installs the amd64 build as the program; `ADD app_amd64.snap /app/app_amd64.snap` keeps a file.
bool keepsArchitectureName(const DockerfileContext& ctx, const dockerfile::Instruction& in, const ArchNamedPath& source) {
  const std::string destination = dockerfile::expandWord(in.args.back().value, {}, ctx.file.escapeToken).value;
  if (destination.empty() || destination.back() == '/' || destination == "." || in.args.size() > 2) return true;
  const auto named = archNamedInPath(destination);
  return named && named->token.platform == source.token.platform;
}

// The sources of a stage's COPY/ADD (from the context) that name an architecture and keep it
// where they land, keyed by the path with that name taken out: `AdGuardHome_amd64.snap` and
// `AdGuardHome_arm64.snap` are one artifact, and the architectures the stage copies it for.
std::map<std::string, std::set<std::string>> architecturesPerArtifact(const DockerfileContext& ctx,
                                                                      const dockerfile::Stage& stage) {
  std::map<std::string, std::set<std::string>> out;
  for (size_t index : stage.instructions) {
    const auto& in = ctx.instruction(index);
    if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
    for (size_t i = 0; i + 1 < in.args.size(); ++i) {
      const std::string value = dockerfile::expandWord(in.args[i].value, {}, ctx.file.escapeToken).value;
      if (const auto named = archNamedInPath(value); named && keepsArchitectureName(ctx, in, *named)) {
        out[value.substr(0, named->token.begin) + '\0' + value.substr(named->token.end)].insert(named->token.platform.str());
      }
    }
  }
  return out;
}

// Is a package copied for one architecture (a wheel, a .deb) used only inside an architecture
// branch of the stage's later RUNs? grafana/oncall copies its aarch64 grpcio wheel
// everywhere and runs `pip install` on it only under `if [ "$TARGETPLATFORM" = linux/arm64 ]`:
// on the other platforms it is an inert file nothing installs.
// A package that does nothing until a package manager installs it.
bool isPackageArchive(const std::string& path) {
  const std::string name = text::lower(path);
  for (std::string_view suffix : {".whl", ".deb", ".rpm", ".apk", ".ipk"}) {
    if (text::endsWith(name, suffix)) return true;
  }
  return false;
}

bool usedOnlyInArchBranches(const DockerfileContext& ctx, size_t stage, size_t after, const std::string& path) {
  const std::string name = baseName(path);
  if (name.empty()) return false;
  bool used = false;
  for (const auto& run : ctx.model.scriptsIn(stage)) {
    if (run.instruction <= after) continue;
    for (const auto& command : run.script.commands) {
      const bool mentions = std::any_of(command.words.begin(), command.words.end(),
                                        [&](const shell::Word& w) { return w.literal.find(name) != std::string::npos; });
      if (!mentions) continue;
      if (!command.insideArchBranch()) return false;
      used = true;
    }
  }
  return used;
}

bool namesPlatformVariable(std::string_view text) {
  static constexpr std::string_view kNames[] = {"TARGETPLATFORM", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDARCH"};
  auto isNameChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::string_view name : kNames) {
    for (size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
      const size_t end = at + name.size();
      if ((at == 0 || !isNameChar(text[at - 1])) && (end == text.size() || !isNameChar(text[end]))) return true;
    }
  }
  return false;
}

// Does the file choose something by the target's or the build machine's architecture
// ($TARGETARCH in a URL or path, a `$BUILDPLATFORM` stage that cross-builds)? Then one build
// makes several architectures' images (buildx builds every platform of `--platform a,b`
// from the same context). Not `FROM --platform=$TARGETPLATFORM`, which is the default and
// chooses nothing: sigp/lighthouse's Dockerfile.cross has only that, and CI builds it once per
// architecture with that architecture's binary in ./bin. Not $TARGETOS either.
bool choosesByPlatform(const DockerfileContext& ctx) {
  for (const auto& in : ctx.file.instructions) {
    if (in.command != "from") {
      if (namesPlatformVariable(in.line.text)) return true;
      continue;
    }
    for (const auto& flag : in.flags) {
      if (flag.name() == "platform" && namesPlatformVariable(flag.value()) &&
          flag.value().find("TARGETPLATFORM") == std::string::npos) {
        return true;
      }
    }
    for (const auto& arg : in.args) {
      if (namesPlatformVariable(arg.value)) return true;
    }
  }
  return false;
}

std::string absoluteIn(const std::string& workdir, const std::string& path) {
  return (std::filesystem::path(workdir) / path).lexically_normal().generic_string();
}

// The programs the file's ENTRYPOINT and CMD instructions start, as absolute paths (a bare
// name is found on $PATH, which the bin directories below stand for). The WORKDIR a relative
// one is found under is the stage's scope model's, for the first target that builds the stage.
std::set<std::string> startedPrograms(const DockerfileContext& ctx) {
  std::set<std::string> out;
  for (const auto& stage : ctx.model.stages) {
    const auto targets = ctx.stages->targetsReaching(stage.index);
    if (targets.empty()) continue;  // no target builds it: it starts nothing
    context::ScopeWalker scope(ctx.file, ctx.model, stage, targets.front());
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "entrypoint" && in.command != "cmd") || in.args.empty()) continue;
      std::string program = in.json ? in.args[0].value : text::split(text::trim(in.rest()), ' ').front();
      program = dockerfile::expandWord(program, {}, ctx.file.escapeToken).value;
      if (program.find('/') == std::string::npos) continue;
      out.insert(absoluteIn(scope.before(index).workdir, program));
    }
  }
  return out;
}

// Where COPY puts one source: the destination, or the source's name inside it when the
// destination is a directory (ends in '/', is '.', or takes several sources).
// The WORKDIR comes from the stage's scope walker, advanced along the stage once (a scope
// computed afresh for every COPY made a file of many COPYs quadratic: audit H10).
// The destination is expanded with the stage's ARG and ENV values there, as BuildKit does
// (`COPY bin/tool ${APP_DIR}/bin/` after `ENV APP_DIR=/usr/lib/rhasspy` lands under
// /usr/lib/rhasspy, not /bin: JarvyJ/Rhasspy-Satellite, Part SV).
std::string landedPath(const DockerfileContext& ctx, size_t index, const std::string& source, context::ScopeWalker& scope) {
  const auto& in = ctx.instruction(index);
  const auto& here = scope.before(index);
  std::string destination = dockerfile::expandWord(in.args.back().value, here.env, ctx.file.escapeToken).value;
  if (destination.empty() || destination.back() == '/' || destination == "." || in.args.size() > 2) {
    destination += "/" + baseName(source);
  }
  return absoluteIn(here.workdir, destination);
}

bool isExecutableLocation(const std::string& landed, const std::set<std::string>& programs) {
  const std::string directory = std::filesystem::path(landed).parent_path().generic_string();
  for (std::string_view bin : {"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}) {
    if (directory == bin) return true;
  }
  return programs.count(landed) > 0;
}

// Where a process supervisor looks for a service's scripts: s6-overlay's
// `/etc/s6-overlay/s6-rc.d/<service>/{run,finish,up,down}` and `/etc/services.d/<service>/
// {run,finish}`, runit's `/etc/service/<service>/run` and `/etc/sv/<service>/run`, and the
// one-shot `cont-init.d`/`cont-finish.d` directories. s6-supervise and runsv exec that file
// by its `#!` line (or, for s6-rc's `up`/`down`, parse it as execline): projects keep it as
// text, often named `<service>.run` in the context (0xJacky/nginx-ui's
// `resources/docker/nginx.run`), and the suffix is then no makeself installer.
bool isSupervisorScriptPath(const std::string& landed) {
  const auto parts = text::split(landed, '/');
  if (parts.size() < 3) return false;
  const std::string& name = parts.back();
  const std::string& parent = parts[parts.size() - 2];
  if (parent == "cont-init.d" || parent == "cont-finish.d") return true;
  if (name != "run" && name != "finish" && name != "up" && name != "down") return false;
  // The service directory's parent says which supervisor reads it.
  const std::string& services = parts[parts.size() - 3];
  if (services == "s6-rc.d" || services == "services.d") return true;
  return (services == "service" || services == "sv") && name != "up" && name != "down";
}

// A name that is not a compiled program's: one with an extension (`run.sh`, `app.py`,
// `tool.jar`) or the words of the start-up scripts projects check in without one
// (`docker-entrypoint`, `start-server`, `wait-for-it`, `healthcheck`).
bool looksLikeScriptName(const std::string& name) {
  if (name.empty() || name.find('.') != std::string::npos) return true;
  static constexpr std::string_view kScriptWords[] = {
      "entrypoint", "start",   "startup", "run",       "init",    "healthcheck", "health",  "wait", "launch", "launcher", "boot",
      "setup",      "install", "config",  "configure", "wrapper", "script",      "scripts", "env",  "docker", "cmd"};
  std::string word;
  for (const char c : text::lower(name) + "-") {
    if (c == '-' || c == '_') {
      for (std::string_view script : kScriptWords) {
        if (word == script) return true;
      }
      word.clear();
    } else {
      word += c;
    }
  }
  return false;
}

// A file whose extension says it is source or configuration text (`linux_x86_64_gnu_noxml.mk`,
// `Linux-ARM64-g++.h`, `config-amd64.yaml`): named for an architecture, but no machine code
// is copied; what the build does with it is the build's business. Not `.sh`, `.run` or `.bin`:
// installers named so carry programs (`Miniconda3-latest-Linux-x86_64.sh`).
bool namesTextFile(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string name = text::lower(slash == std::string::npos ? path : path.substr(slash + 1));
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  static const std::set<std::string, std::less<>> kText = {"mk",   "h",     "hpp",  "c",   "cc",         "cpp",   "json",
                                                           "yaml", "yml",   "toml", "ini", "cfg",        "conf",  "txt",
                                                           "md",   "patch", "diff", "xml", "properties", "cmake", "pc"};
  return kText.count(std::string_view(name).substr(dot + 1)) > 0;
}

// A path under a directory that build tools write their products to (`bin/app`,
// `dist/app`, `build/bin/app`, `_output/app`), where CI leaves what it built before
// `docker build`. Checked-in helpers live elsewhere (`scripts/`, `hack/`, `files/`,
// `docker/`): on the real-world sample (bench/precision), every extensionless program
// copied from such a directory, or from the context's root, was a script.
bool isBuildOutputPath(const std::string& path) {
  const std::string p = withoutLeadingDotSlash(path);
  const auto parts = text::split(p, '/');
  if (parts.size() < 2) return false;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    for (std::string_view output : {"bin", "dist", "build", "out", "output", "_output", "_out", "release", "artifacts"}) {
      if (text::lower(parts[i]) == output) return true;
    }
  }
  return false;
}

// A source under the Dockerfile's own directory, named from the repository root
// (`COPY apps/pdftk/bin/pdftk` in apps/pdftk/Dockerfile, built with the root as context): a
// file kept with the Dockerfile in the source tree, where projects check in their wrapper
// scripts (philiplehmann/container's `exec java -jar` wrapper); builds write their products
// to output directories of their own (`dist/apps/pdftk` beside it). Not said of a file at the
// root, whose directory holds everything.
bool keptBesideTheDockerfile(const DockerfileContext& ctx, const std::string& source) {
  if (!ctx.options || ctx.options->dockerfileDirectoryFromRoot.empty()) return false;
  std::string path = withoutLeadingDotSlash(source);
  while (text::startsWith(path, "/")) path = path.substr(1);
  return text::startsWith(path, ctx.options->dockerfileDirectoryFromRoot + "/");
}

// Why this file's build is one context for several architectures, for the message; empty
// when nothing says so (a file linted on the default targets alone says nothing: each
// platform may be built alone with its own binary, as goreleaser does).
std::string multiPlatformEvidence(const DockerfileContext& ctx, bool fileChoosesByPlatform) {
  if (ctx.options && !ctx.options->multiPlatformBuildDeclaredBy.empty()) {
    return "one build makes every platform's image (" + ctx.options->multiPlatformBuildDeclaredBy + ")";
  }
  if (ctx.options && ctx.options->perPlatformContexts) return {};
  if (fileChoosesByPlatform) return "the file chooses by the platform ($TARGETARCH, $BUILDPLATFORM), so one build makes several";
  return {};
}

// Issue 10 item 4: a file that does not vary, named without an architecture and not in the
// build context to read, installed as a program (a bin directory, the ENTRYPOINT/CMD) by a
// build that makes several architectures' images from that one context. It was built for
// one machine, and every platform gets it. Only where the multi-platform build is said.
bool reportArchlessProgram(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out, context::ScopeWalker& scope,
                           size_t index, const dockerfile::Argument& source, const std::vector<Platform>& judged,
                           const std::string& evidence, const std::set<std::string>& programs) {
  if (evidence.empty()) return false;
  const std::string value = source.value;
  if (value.empty() || value == "." || value.back() == '/' || value.find_first_of("*?[") != std::string::npos) return false;
  if (text::startsWith(value, "<<")) return false;  // a heredoc: text written in the Dockerfile
  const std::string name = baseName(value);
  if (looksLikeScriptName(name) || !isBuildOutputPath(value) || keptBesideTheDockerfile(ctx, value)) return false;
  const bool severalArchitectures =
      std::any_of(judged.begin(), judged.end(), [&](const Platform& p) { return p.architecture != judged.front().architecture; });
  if (!severalArchitectures) return false;
  const std::string landed = landedPath(ctx, index, value, scope);
  if (!isExecutableLocation(landed, programs)) return false;
  out.report(rule, source.span,
             "copies '" + value + "' from the build context as the program '" + landed +
                 "', one file for every platform, though " + evidence + ": a program is built for one architecture, and the " +
                 platformList(judged) + " images all get the same one" +
                 std::string(ctx.buildContext ? " (it is not in the build context to check)" : ""),
             "copy one build per architecture ('" + value + "-${TARGETARCH}' or '${TARGETARCH}/" + name +
                 "' with `ARG TARGETARCH`) or build it in a stage for $TARGETARCH; if each platform is built alone "
                 "with its own binary in the context, say so with `# multiarch-lint ignore=MA150 -- reason`");
  return true;
}

// The value a COPY source has for every target that builds the stage, when a variable it
// reads has a different value per target and the word still comes out the same: the
// expansion form drops the difference (`${TARGETARCH:+amd64/}` is `amd64/` whenever BuildKit
// sets TARGETARCH, and it sets it for every target). Nothing when the word differs per target,
// when what it reads is the same for every target (an explicit `ARG TARGETARCH=amd64` default
// is MA145's finding), or when a variable in it is unset (the base image may set it).
std::optional<std::string> sameDespitePlatform(const DockerfileContext& ctx, size_t stage, size_t before,
                                               const std::string& word) {
  const auto& graph = *ctx.stages;
  std::optional<std::string> value;
  std::map<std::string, std::set<std::string>> read;  // per variable, the values the targets give it
  size_t targets = 0;
  for (size_t t = 0; t < graph.targets.size(); ++t) {
    if (stage >= graph.reachedBy.size() || !graph.reachedBy[stage][t]) continue;
    ++targets;
    const auto& env = dockerfile::environmentAt(ctx.file, ctx.model, graph, stage, before, t).values;
    const auto e = dockerfile::expandWord(word, env, ctx.file.escapeToken);
    if (e.bounded || !e.unset.empty() || (value && *value != e.value)) return std::nullopt;
    value = e.value;
    for (const auto& name : e.referenced) {
      const auto it = env.find(name);
      read[name].insert(it != env.end() && it->second ? *it->second : std::string());
    }
  }
  const bool readVaries = std::any_of(read.begin(), read.end(), [](const auto& r) { return r.second.size() > 1; });
  if (targets < 2 || !readVaries) return std::nullopt;
  return value;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const std::string evidence = multiPlatformEvidence(ctx, choosesByPlatform(ctx));
  const std::set<std::string> programs = evidence.empty() ? std::set<std::string>{} : startedPrograms(ctx);
  // A package of an architecture the stage adds to dpkg is a multiarch package (MA112 judges the
  // added architecture).
  const auto addedToDpkg = architecturesAddedToDpkg(ctx.model);
  for (const auto& stage : ctx.model.stages) {
    const auto artifacts = architecturesPerArtifact(ctx, stage);
    // The stage's scope for the first platform judged (the same for every instruction of
    // the stage), walked along it once and only where a path's WORKDIR is asked for.
    std::optional<context::ScopeWalker> scope;
    const auto scopeFor = [&](const Platform& platform) -> context::ScopeWalker& {
      if (!scope) scope.emplace(ctx.file, ctx.model, stage, platform);
      return *scope;
    };
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
      const auto judged = platformsJudged(ctx, stage.index);
      if (judged.empty()) continue;
      // One architecture built (a declared single platform, an amd64-only base such as
      // `java:8`): a file whose architecture its name does not say was kept for that one
      // (theonerk/wechatwork-fetch-messages' x86-64 SDK libraries under java:8); with the
      // context present its bytes are judged anyway.
      const bool oneArchitecture = std::all_of(judged.begin(), judged.end(),
                                               [&](const Platform& p) { return p.architecture == judged.front().architecture; });
      const auto archVars = dockerfile::archVariablesBefore(stage, index);
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        const auto& source = in.args[i];
        if (source.value.find("://") != std::string::npos) continue;
        const auto verdict = judgeByElf(ctx, rule, out, index, i, source.span, judged);
        if (verdict == ContextVerdict::Judged) continue;
        auto expansion = dockerfile::expandWord(source.value, {}, ctx.file.escapeToken);
        const bool perArch = std::any_of(expansion.referenced.begin(), expansion.referenced.end(),
                                         [&](const auto& v) { return vocab::isPlatformArchVariable(v) || archVars.count(v); });
        if (perArch) {
          // Reading an architecture variable is not varying by it: `${TARGETARCH:+amd64/}` is
          // `amd64/` whenever BuildKit sets TARGETARCH, which it does for every target. The
          // path is judged by the value BuildKit gives it, when that is one for every target.
          // (explodingcamera/liwan scripts/Containerfile before 5b776e0.)
          const auto fixed = sameDespitePlatform(ctx, stage.index, index, source.value);
          if (!fixed) continue;
          expansion.value = *fixed;
        } else if (!expansion.referenced.empty()) {
          // Built from ENV values (`ENV JAVA_PKG=jdk/jdk-8u*-linux-x64.tar.gz`, then `ADD $JAVA_PKG
          // /opt/jdk/`): BuildKit expands them in COPY and ADD sources, and no --build-arg replaces
          // an ENV, so the path is judged by the value it gets for every target. Not through an
          // ARG default: `ARG ARCH=amd64` then `COPY .build/linux-${ARCH}/app` is the
          // one-build-per-architecture idiom, the default replaced by each build's --build-arg
          // (prometheus' Makefile.common). (dim777/docker-images, bench/precision Part AQ.)
          const auto fixed = dockerfile::valueForEveryTarget(ctx.file, ctx.model, *ctx.stages, stage.index, index, source.value);
          if (fixed && !fixed->variables.empty() &&
              std::all_of(fixed->variables.begin(), fixed->variables.end(),
                          [&](const auto& variable) { return ctx.instruction(variable.second.instruction).command == "env"; })) {
            expansion.value = fixed->value;
          }
        }
        const auto* lfs = lfsPointerCopied(ctx, index, i);
        const std::string lfsNote = lfs ? " ('" + lfs->path +
                                              "' in the context is a Git LFS pointer: the build copies the pointer text "
                                              "unless `git lfs pull` ran before it)"
                                        : "";
        // The path says which architecture it holds: every other target gets a foreign file.
        // A portable bundle's name (iDempiere's gtk.linux.x86_64 server, run by the image's JVM)
        // says which launcher it carries, not what the image runs.
        if (const auto named = archNamedInPath(expansion.value);
            named && !namesTextFile(expansion.value) && !data::namesPortableBundle(baseName(expansion.value))) {
          // One artifact copied for several architectures is a set kept as data (release files
          // to publish, per-architecture packages to choose from at run time): each image
          // gets its own architecture's too.
          const std::string artifact =
              expansion.value.substr(0, named->token.begin) + '\0' + expansion.value.substr(named->token.end);
          if (const auto it = artifacts.find(artifact);
              it != artifacts.end() && it->second.size() > 1 && keepsArchitectureName(ctx, in, *named)) {
            continue;
          }
          if (isPackageArchive(expansion.value) && (usedOnlyInArchBranches(ctx, stage.index, index, expansion.value) ||
                                                    addedToDpkg[stage.index].count(named->token.platform.architecture))) {
            continue;
          }
          // A program or archive of programs for 32-bit x86 (`TIB_ems_8.3_linux_x86.zip`, a
          // `*-i386` binary) runs on amd64, whose kernels execute IA-32 code; a package archive
          // does not install there until dpkg or rpm knows its architecture (handled above).
          const auto broken = isPackageArchive(expansion.value) ? ctx.brokenBy(stage.index, named->token.platform)
                                                                : ctx.programBrokenBy(stage.index, named->token.platform);
          if (!broken.empty()) {
            out.report(rule, source.span,
                       "copies '" + source.value + "', " + named->kind + " for " + named->token.platform.str() + ", into the " +
                           platformList(broken) + " image" + lfsNote,
                       "copy the build for each target: '" + expansion.value.substr(0, named->token.begin) + "${TARGETARCH}" +
                           expansion.value.substr(named->token.end) +
                           "' with `ARG TARGETARCH` (mind the vendor's spelling: x86_64/aarch64 or amd64/arm64), "
                           "or build it in a stage for $TARGETARCH",
                       Severity::Error, broken);
          }
          continue;
        }
        if (verdict == ContextVerdict::NoElf && !lfs) continue;  // present, and no native code in it
        // The multi-platform build said is one that makes this stage: where the project's builds
        // name the stages they stop at, a stage none of them reaches is built another way
        // (hashicorp/boundary, Part ZZZ: `--target=official` for amd64 and arm64; the `dev`
        // stage that copies bin/boundary only by `docker-build-dev`, one GOARCH at a time).
        const bool declaredBuildMakesStage =
            ctx.stages->builtByNamedTarget.empty() || ctx.stages->builtByNamedTarget[stage.index];
        if (verdict == ContextVerdict::Unknown && !lfs && expansion.referenced.empty() && declaredBuildMakesStage &&
            reportArchlessProgram(ctx, rule, out, scopeFor(judged.front()), index, source, judged, evidence, programs)) {
          continue;
        }
        // A file with no native name (`bin/server`) is not reported without its bytes: on the
        // real-world sample (bench/precision) guessing "one architecture's program" from a
        // build-output path and a bin destination was wrong every time (scripts, per-architecture
        // CI jobs, build-arg defaults). A Git LFS pointer is reported whatever its name: the
        // image gets the pointer's text.
        // Not the program of a FROM scratch image either, though it can only be native code: on
        // the real-world sample those were goreleaser's per-architecture builds, each given
        // its own binary (open-telemetry collector releases, watchtower, minio).
        const bool hostProgram = isCargoHostOutput(expansion.value);
        if (!isNativeArtifactName(source.value) && !lfs && !hostProgram) continue;
        // The only build runs on a machine of the one target platform and names no other
        // (a plain `docker build` after `cargo build` on the same runner: rohan-sircar/actix-demo,
        // amigin/cdf-dioxus): what that machine built, or what a repository keeps for it, is
        // the target's. A file whose name says another architecture was judged above.
        if (!lfs && ctx.options && ctx.options->targetIsBuildMachine) continue;
        if (!lfs && oneArchitecture) continue;
        if (!lfs && !hostProgram && isSupervisorScriptPath(landedPath(ctx, index, source.value, scopeFor(judged.front())))) {
          continue;  // a service's run script, whatever suffix it had in the context
        }
        if (hostProgram && !lfs && !isNativeArtifactName(source.value)) {
          out.report(rule, source.span,
                     "copies '" + source.value + "' from the build context as cargo's build for the machine it ran on" +
                         ": it was built for one architecture and every target platform gets it" +
                         std::string(ctx.buildContext ? " (it is not in the build context to check)" : ""),
                     "build it in a stage for $TARGETARCH (FROM --platform=$BUILDPLATFORM with a cross build, or a "
                     "native one), or keep one per architecture and copy '.../${TARGETARCH}/...' (declare `ARG TARGETARCH`)");
          continue;
        }
        out.report(rule, source.span,
                   "copies the prebuilt native file '" + source.value +
                       "' from the build context: it was built for one architecture and every target platform "
                       "gets it" +
                       std::string(ctx.buildContext ? " (it is not in the build context to check)" : "") + lfsNote,
                   "build it in a stage for $TARGETARCH, or keep one per architecture and copy "
                   "'.../${TARGETARCH}/...' (declare `ARG TARGETARCH`); with the context present its ELF machine "
                   "is checked");
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA150 = {
    {.id = "MA150",
     .slug = "prebuilt-binary-copied",
     .severity = Severity::Warning,
     .analysis = Analysis::Dockerfile,
     .summary = "COPY/ADD of a prebuilt native binary from the build context (read, or named after its architecture)",
     .what =
         "COPY or ADD (without --from) of native code from the build context. With the context read "
         "(`--context DIR`, by default the Dockerfile's directory) every copied file is inspected: an ELF whose "
         "machine is not a target's is an error naming the machine; a matching one is fine; an ELF that cannot "
         "be read is a warning. Without the file (not checked in, produced by CI before the build, "
         "`--no-context`, or a Git LFS pointer, which is said): a path that names its architecture is an error "
         "for the other targets: GOOS-GOARCH directories and release names (`bin/linux-amd64/app`, "
         "`dist/app_linux_amd64_v1/app`), a program in a directory named exactly amd64, arm64, x86_64 or "
         "aarch64 (`dist/amd64/app`), a program whose own name ends in one of them (`curl-amd64`, `tini_arm64`, "
         "no extension), target-triple directories (`target/x86_64-unknown-linux-musl/release/"
         "app`), the architecture field of `.deb`, `.rpm`, `.whl`, `.apk`, `.ipk` names, also when the path is an "
         "ENV value (`ENV JAVA_PKG=jdk/jdk-8u*-linux-x64.tar.gz`, `ADD $JAVA_PKG /opt/jdk/`: BuildKit expands it, "
         "and no --build-arg replaces an ENV; an ARG default is the per-architecture-build idiom and is left to "
         "the build that passes it), not a text file so named (a make include `linux_x86_64_gnu_noxml.mk`, "
         "`config-amd64.yaml`, a header or patch: no machine code; not `.sh` or `.run`, installers that carry "
         "programs), nor a bundle whose part the image runs is platform-neutral (data/vendor-assets.json "
         "`portableBundles`: iDempiere's `gtk.linux.x86_64` server, started with the image's own JVM); "
         "`*.so*`, `*.a`, `*.o`, "
         "`*.node`, `*.bin`, `*.run` and Git LFS pointers are a warning, the first ones only when the stage is "
         "built for several architectures (with one, from a declared platform or a base image published for one, "
         "the file was kept for it), and not a `Dockerfile.run`, which is a "
         "Dockerfile, nor model weights, tokenizers, firmware, opening books, data files or tables named `*.bin`, nor a `*.run` copied to where a "
         "process supervisor reads a service's script: s6-overlay's `s6-rc.d/<service>/run` and `services.d/<service>/"
         "run`, runit's `/etc/service/<service>/run`, `cont-init.d/`; s6-supervise and runsv exec that file by its "
         "`#!` line, and projects keep it as text. A package for one architecture "
         "(`*_aarch64.whl`, `*_amd64.deb`) that the stage's RUNs touch only inside architecture branches is "
         "an inert file on the other platforms, and is not reported; nor is a package of the architecture the stage "
         "adds with `dpkg --add-architecture` (`*_i386.deb` after `dpkg --add-architecture i386`): dpkg installs it as "
         "a multiarch package beside the native ones (amd64 runs i386 code), and where a target cannot run that "
         "architecture MA112 reports the added architecture, the one root cause. A 32-bit x86 program, or an archive "
         "of them, named so (`TIB_ems_8.3_linux_x86.zip`, `TIB_rv_8.4.1_linux_x86.zip`) is not reported for linux/amd64: amd64 "
         "kernels run IA-32 code (what such a program needs besides, i386 libraries, is its packages' business). "
         "A file with no native name "
         "(`bin/server`) is not guessed at by its name alone: on real Dockerfiles that guess was wrong every time "
         "(even the program of a FROM scratch image: goreleaser hands each architecture's build its own binary), "
         "except in cargo's host output directory (`target/release/app`), which holds the build machine's "
         "program. It is a warning when three things say it is one machine's program in every image: "
         "it comes from a build-output directory (`bin/`, `dist/`, `build/`, `out/`, `_output/`, `release/`, "
         "`artifacts/`) that is not under the Dockerfile's own directory named from the repository root (`COPY "
         "apps/pdftk/bin/pdftk` in apps/pdftk/Dockerfile is a file kept with the Dockerfile, where projects check in "
         "wrapper scripts; builds write beside it, to `dist/apps/pdftk`), has no extension and no start-up "
         "script's name (`docker-entrypoint`, `wait-for-db`), and "
         "lands where a program goes (a bin directory, or the path ENTRYPOINT/CMD starts); and one build makes "
         "several architectures' images from this one context: a bake target, compose service, workflow step, "
         "`--platform` or configuration lists several architectures for it (a build that stops at a named stage, "
         "`--target official`, only for the stages that stage is made from), or the file chooses by the platform "
         "(`$TARGETARCH`, a `$BUILDPLATFORM` stage; not `FROM --platform=$TARGETPLATFORM`, the default). BuildKit "
         "builds every platform of `--platform a,b` from the same context (one `llb.Local` for all), so each gets "
         "the same file; a matrix of single-platform builds, a Makefile per architecture, or goreleaser's "
         "`dockers:` (a `.goreleaser.yml` at the root: one context per platform) may each put their own binary "
         "there, and stay quiet. A path chosen "
         "per architecture (`lib/${TARGETARCH}/...`) stays quiet; one that reads $TARGETARCH and still is the same "
         "for every target (`dist/${TARGETARCH:+amd64/}app`, BuildKit's `:+` form gives the word whenever the "
         "variable is set) is judged by that value. One artifact that a stage copies for "
         "several architectures under names that keep the architecture (`app_amd64.snap` and `app_arm64.snap` side "
         "by side: a set of release files kept as data, in which every image also gets its own) stays quiet too. So "
         "does a file of unknown architecture where the file's only declared build names no platform and runs on a "
         "machine of its one target platform (`cargo build` then a plain `docker build` on a GitHub-hosted runner): "
         "what that machine built is the target's.",
     .why = "A prebuilt binary has one machine type. Copied into every platform's image, it makes the others "
            "fail at `dlopen` or `exec` time (`exec format error`, `wrong ELF class`).",
     .example = "FROM debian\n"
                "COPY proprietary-x86-lib.so /usr/lib/\n"
                "# MA150",
     .fix = "Build the library in a stage for $TARGETARCH, or ship one per architecture and copy "
            "`lib/${TARGETARCH}/libfoo.so` with `ARG TARGETARCH` declared.",
     .bad = {"FROM debian\nCOPY proprietary-x86-lib.so /usr/lib/\n", "FROM debian\nADD vendor/libfoo.so.1.2 /usr/lib/\n",
             "FROM debian\nCOPY bin/linux-amd64/app /usr/local/bin/app\n",
             "FROM debian\nCOPY target/x86_64-unknown-linux-musl/release/app /usr/local/bin/\n",
             "FROM node:20\nCOPY [\"build/Release/addon.node\", \"/app/\"]\n",
             "FROM debian\nCOPY ./target/release/server /usr/local/bin/server\n",
             "FROM alpine\nARG TARGETARCH\nRUN wget https://dl.k8s.io/v1.30.0/bin/linux/${TARGETARCH}/kubectl\n"
             "COPY dist/app /usr/local/bin/app\n"},
     .good = {"FROM debian\nARG TARGETARCH\nCOPY lib/${TARGETARCH}/libfoo.so /usr/lib/\n",
              "FROM debian\nARG TARGETARCH\nCOPY bin/linux-${TARGETARCH}/app /usr/local/bin/app\n",
              "FROM debian\nCOPY docker-entrypoint.sh /usr/local/bin/\n",
              "FROM debian\nCOPY --from=build /out/libfoo.so /usr/lib/\n", "FROM debian\nCOPY app.py /app/\n",
              "FROM scratch\nCOPY dozzle /\nENTRYPOINT [\"/dozzle\"]\n", "FROM alpine\nCOPY dist/app /usr/local/bin/app\n",
              "FROM alpine\nARG TARGETARCH\nCOPY dist/app-${TARGETARCH} /usr/local/bin/app\n"}},
    check};

}  // namespace mal::rules
