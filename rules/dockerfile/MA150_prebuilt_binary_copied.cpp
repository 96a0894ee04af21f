// MA150: COPY/ADD of a native binary from the build context. With the context read, the
// file's real ELF machine decides: foreign to a target is an error, matching is fine, an
// unreadable ELF stays a warning. Without it, native-looking names are a warning.
#include <algorithm>
#include <map>
#include <set>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
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
  // (`pytorch_model.bin`, `ggml-model-q4_0.bin`), tokenizers, firmware blobs.
  if (text::endsWith(base, ".bin")) {
    for (std::string_view data : {"model", "weight", "ggml", "gguf", "vocab", "token", "checkpoint", "ckpt", "firmware",
                                  "embedding", "lora", "adapter"}) {
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

// `target/release/<name>` or `target/debug/<name>`, a name without an extension: cargo's
// own output directory holds the program it built for the machine it ran on (a cross build
// puts it under `target/<triple>/`, which names its architecture). A CI job ran `cargo build`
// before `docker build`, and every image gets that one machine's program.
// (databendlabs/databend docker/Dockerfile before e18c2b1: `COPY ./target/release/databend-query`.)
bool isCargoHostOutput(const std::string& path) {
  std::string p = path;
  while (text::startsWith(p, "./")) p = p.substr(2);
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
  for (const auto& run : ctx.model.scripts) {
    if (run.stage != stage || run.instruction <= after) continue;
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

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  // A package of an architecture the stage adds to dpkg is a multiarch package (MA112 judges the
  // added architecture).
  const auto addedToDpkg = architecturesAddedToDpkg(ctx.model);
  for (const auto& stage : ctx.model.stages) {
    const auto artifacts = architecturesPerArtifact(ctx, stage);
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
      const auto judged = platformsJudged(ctx, stage.index);
      if (judged.empty()) continue;
      const auto archVars = dockerfile::archVariablesBefore(stage, index);
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        const auto& source = in.args[i];
        if (source.value.find("://") != std::string::npos) continue;
        const auto verdict = judgeByElf(ctx, rule, out, index, i, source.span, judged);
        if (verdict == ContextVerdict::Judged) continue;
        const auto expansion = dockerfile::expandWord(source.value, {}, ctx.file.escapeToken);
        const bool perArch = std::any_of(expansion.referenced.begin(), expansion.referenced.end(),
                                         [&](const auto& v) { return vocab::isPlatformArchVariable(v) || archVars.count(v); });
        if (perArch) continue;
        const auto* lfs = lfsPointerCopied(ctx, index, i);
        const std::string lfsNote = lfs ? " ('" + lfs->path +
                                              "' in the context is a Git LFS pointer: the build copies the pointer text "
                                              "unless `git lfs pull` ran before it)"
                                        : "";
        // The path says which architecture it holds: every other target gets a foreign file.
        if (const auto named = archNamedInPath(expansion.value)) {
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
          const auto broken = ctx.brokenBy(stage.index, named->token.platform);
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
     .what = "COPY or ADD (without --from) of native code from the build context. With the context read "
             "(`--context DIR`, by default the Dockerfile's directory) every copied file is inspected: an ELF whose "
             "machine is not a target's is an error naming the machine; a matching one is fine; an ELF that cannot "
             "be read is a warning. Without the file (not checked in, produced by CI before the build, "
             "`--no-context`, or a Git LFS pointer, which is said): a path that names its architecture is an error "
             "for the other targets: GOOS-GOARCH directories and release names (`bin/linux-amd64/app`, "
             "`dist/app_linux_amd64_v1/app`), target-triple directories (`target/x86_64-unknown-linux-musl/release/"
             "app`), the architecture field of `.deb`, `.rpm`, `.whl`, `.apk`, `.ipk` names; `*.so*`, `*.a`, `*.o`, "
             "`*.node`, `*.bin`, `*.run` and Git LFS pointers are a warning (not a `Dockerfile.run`, which is a "
             "Dockerfile, nor model weights, tokenizers or firmware named `*.bin`). A package for one architecture "
             "(`*_aarch64.whl`, `*_amd64.deb`) that the stage's RUNs touch only inside architecture branches is "
             "an inert file on the other platforms, and is not reported; nor is a package of the architecture the stage "
             "adds with `dpkg --add-architecture` (`*_i386.deb` after `dpkg --add-architecture i386`): dpkg installs it as "
             "a multiarch package beside the native ones (amd64 runs i386 code), and where a target cannot run that "
             "architecture MA112 reports the added architecture, the one root cause. A file with no native name "
             "(`bin/server`) is not guessed at: on real Dockerfiles that guess was wrong every time (even the program "
             "of a FROM scratch image: goreleaser hands each architecture's build its own binary), except in "
             "cargo's host output directory (`target/release/app`), which holds the build machine's program. A path chosen "
             "per architecture (`lib/${TARGETARCH}/...`) stays quiet, and so does one artifact that a stage copies for "
             "several architectures under names that keep the architecture (`app_amd64.snap` and `app_arm64.snap` side "
             "by side: a set of release files kept as data, in which every image also gets its own).",
     .why = "A prebuilt binary has one machine type. Copied into every platform's image, it makes the others "
            "fail at `dlopen` or `exec` time (`exec format error`, `wrong ELF class`).",
     .example =
         "FROM debian\n"
         "COPY proprietary-x86-lib.so /usr/lib/\n"
         "# MA150: copies shared library 'proprietary-x86-lib.so', an x86-64 ELF, into the linux/arm64 image, which cannot load it",
     .fix = "Build the library in a stage for $TARGETARCH, or ship one per architecture and copy "
            "`lib/${TARGETARCH}/libfoo.so` with `ARG TARGETARCH` declared.",
     .bad = {"FROM debian\nCOPY proprietary-x86-lib.so /usr/lib/\n", "FROM debian\nADD vendor/libfoo.so.1.2 /usr/lib/\n",
             "FROM debian\nCOPY bin/linux-amd64/app /usr/local/bin/app\n",
             "FROM debian\nCOPY target/x86_64-unknown-linux-musl/release/app /usr/local/bin/\n",
             "FROM node:20\nCOPY [\"build/Release/addon.node\", \"/app/\"]\n",
             "FROM debian\nCOPY ./target/release/server /usr/local/bin/server\n"},
     .good = {"FROM debian\nARG TARGETARCH\nCOPY lib/${TARGETARCH}/libfoo.so /usr/lib/\n",
              "FROM debian\nARG TARGETARCH\nCOPY bin/linux-${TARGETARCH}/app /usr/local/bin/app\n",
              "FROM debian\nCOPY docker-entrypoint.sh /usr/local/bin/\n",
              "FROM debian\nCOPY --from=build /out/libfoo.so /usr/lib/\n", "FROM debian\nCOPY app.py /app/\n",
              "FROM scratch\nCOPY dozzle /\nENTRYPOINT [\"/dozzle\"]\n"}},
    check};

}  // namespace mal::rules
