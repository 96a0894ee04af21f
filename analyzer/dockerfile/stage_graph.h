// Which platform each stage runs on and which target platforms reach it, as BuildKit
// decides them (frontend/dockerfile/dockerfile2llb/convert.go), and what each stage hands
// on to the stages that copy from it. Built once per file and per set of target platforms;
// every rule that judges "does this break a target?" asks this model instead of guessing.
//
// BuildKit behaviour this model follows:
// - FROM and FROM --platform are expanded with the global ARGs only, which start with the
//   automatic platform ARGs of the platform being built (buildDispatchStates). So
//   `FROM base-${TARGETARCH}` picks a stage per target platform, and a stage name only
//   counts when an earlier stage has it (dispatchStates.addState).
// - A stage based on an earlier stage takes that stage's platform, state and environment,
//   including the values of its ARGs (dispatchState.init: `ds.platform = ds.base.platform`,
//   `ds.state = ds.base.state`; ARG values live in the state's environment since frontend
//   1.1.2, a7e52bf; 1.10's c7c2f0e also copies the declared-ARG list for the UndefinedVar check).
// - `COPY --from` is not expanded: a variable in it fails the whole build
//   ("variable expansion is not supported for --from", toCommand).
// - Only the target stage (the last one, unless --target names another) and what it depends
//   on is built (isReachable). A named stage nothing depends on may still be a --target, unless
//   its use is commented out (`#COPY --from=it ...`: a leftover taken out of the build).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/platform.h"

namespace mal::dockerfile {

// Where a stage's instructions run.
enum class StageRuns {
  OnTarget,   // the platform being built (no --platform, or $TARGETPLATFORM)
  Pinned,     // one fixed platform (--platform=linux/amd64, directly or through an ARG default)
  OnBuilder,  // the build machine ($BUILDPLATFORM): its architecture is not the image's
};

// What a stage hands on through COPY --from / RUN --mount=from.
enum class Payload {
  Portable,  // web bundles, JARs, scripts, sources, docs: the same on every architecture
  Native,    // binaries, shared libraries, a venv or node_modules with compiled parts, a userland
};

struct StagePlatform {
  StageRuns runs = StageRuns::OnTarget;
  std::optional<Platform> pinned;  // set when runs == Pinned
  std::string pinnedThroughArg;    // the global ARG whose default pinned it, if any
  size_t decidedBy = 0;            // the stage whose FROM decided (itself, or the stage it is based on)
};

// One edge of the stage graph: `consumer` takes something from `source`.
struct StageUse {
  enum class Kind { Base, Copy, Mount } kind;
  size_t consumer = 0;
  size_t source = 0;
  size_t instruction = 0;             // the FROM, COPY or RUN instruction
  Payload payload = Payload::Native;  // what the consumer gets (a base: always the whole userland)
  std::string paths;                  // the copied paths, as written (for messages)
};

// A `FROM name-${TARGETARCH}` that names no stage for some target platform: BuildKit then
// pulls an image of that name, which normally does not exist.
struct MissingSelection {
  size_t stage = 0;
  Platform target;
  std::string expanded;  // the name the target gets
};

// The ARG and ENV values of a stage at one instruction for one target (environmentAt).
struct StageEnvironment {
  Environment values;
  std::map<std::string, size_t> definedAt;  // per name, the instruction that set it last
  // Names whose value comes, through any chain of ARG and ENV defaults, from an ARG the
  // project's own builds pass (StageGraph::argsPassedByBuilds): `ARG HOST_ARCH=${DAPPER_HOST_ARCH}`
  // then `ENV ARCH=${HOST_ARCH}` is the passed value, not the defaults' `amd64`.
  std::set<std::string> fromPassedArgs;
};

struct StageGraph {
  std::vector<Platform> targets;
  std::vector<StagePlatform> platform;       // per stage
  std::vector<std::vector<bool>> reachedBy;  // [stage][target]: built when building that target
  std::vector<std::vector<size_t>> baseFor;  // [stage][target]: the earlier stage it is based on, or npos
  // [stage]: the automatic platform ARGs (TARGETARCH, ...) that a stage it is based on, at any
  // depth and for any target, declares: BuildKit carries their values into this stage.
  std::vector<std::set<std::string>> platformArgsFromBases;
  std::vector<StageUse> uses;
  // Per stage, the indices into `uses` of the uses it is the source of, and of those it
  // consumes: a walk of the graph follows edges without a pass over every use at each stage
  // (that was quadratic in the number of stages, audit H10).
  std::vector<std::vector<size_t>> usesFrom, usesInto;
  std::map<size_t, std::vector<size_t>> usesAtInstruction;  // the same by the instruction that makes the use
  std::vector<bool> shipsNative;                            // per stage: its native code ends up in an image
  // Per stage, when the project's builds name the stages they stop at (`--target official`):
  // whether one of those builds makes it. Empty when they name none. A stage only a possible
  // --target reaches (`dev`, built by hand) is not what the declared builds make.
  std::vector<bool> builtByNamedTarget;
  // per stage: its userland is Raspbian (`resin/rpi-raspbian`, balena's `raspberry-pi-` device
  // images), whose dpkg architecture `armhf` is built for ARMv6 with VFP: content named armhf
  // there is the distribution's own, not ARMv7 code (Motion's pi_stretch_..._armhf.deb).
  std::vector<bool> raspbianUserland;
  // per stage: FROM scratch (or such a stage) with no RUN, CMD or ENTRYPOINT. It runs nothing
  // of what it holds; what it gets, it hands on to the stages that take from it.
  std::vector<bool> runsNothing;
  std::vector<MissingSelection> missingSelections;
  // Build arguments the project's own build commands pass (context::buildArgsPassed): an ARG
  // default of one of these is not a value the project builds with, so no value is fixed by it.
  std::set<std::string> argsPassedByBuilds;

  // The target platforms that build this stage.
  std::vector<Platform> targetsReaching(size_t stage) const;
  // The target platforms for which content of one architecture (`content`) in this stage is
  // wrong: those that build it on their own platform and cannot run `content`. Stages that
  // run pinned or on the build machine are judged by what they ship (see shipsNative).
  std::vector<Platform> brokenBy(size_t stage, const Platform& content) const;
  // The same for a program (a download, a library path, a copied binary) rather than an
  // image or a package: judged by executesOn, so an i386 program breaks no amd64 target.
  std::vector<Platform> programBrokenBy(size_t stage, const Platform& content) const;
  // The same for a requirement rather than one architecture: `works(target)` says whether the
  // stage's content (a package, a flag) is fine when built for that target.
  std::vector<Platform> brokenWhere(size_t stage, const std::function<bool(const Platform&)>& works) const;
  // Does any stage that runs on the target platform take native code from this stage? A stage
  // that runs nothing (FROM scratch, only COPY) and hands its files on counts by where they
  // go; one that is itself built as an image counts as on the target.
  // (Decided for every stage once, in feedsTarget, when the graph is built.)
  bool feedsTargetNatively(size_t stage) const { return stage < feedsTarget.size() && feedsTarget[stage]; }
  std::vector<bool> feedsTarget;  // per stage: feedsTargetNatively

  // Where environmentAt has got to per stage and target, so that asking at each instruction in
  // order costs one pass over the stage, not one per question (that was quadratic in a stage's
  // instructions: 30k RUN lines each asking for a variable's value took 33 s, audit H10).
  struct EnvironmentCursor {
    Environment globals;          // the global ARGs for the target
    StageEnvironment afterBases;  // the stages it is built FROM, applied
    StageEnvironment current;     // and its own instructions before `next`
    size_t next = 0;              // position in the stage's instructions
    bool started = false;
  };
  mutable std::map<std::pair<size_t, size_t>, EnvironmentCursor> environmentCursors;  // by (stage, target)
};

// The ARG and ENV values a stage has when instruction `before` runs, for one target platform,
// as BuildKit computes them: the stage it is based on first (its state's environment), then
// each ARG (its default expanded, else the global value of that name, which for the automatic
// platform ARGs is the target's) and ENV in order. The answer lives in the graph's cursor for
// (stage, target): it stays valid until the next question about the same stage and target.
const StageEnvironment& environmentAt(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                      size_t stage, size_t before, size_t target);

// A word's value when instruction `before` of `stage` runs, when it is one value for every
// target platform that builds the stage: what every rule that reads a RUN word, an ENV or ARG
// value, or a COPY path built from variables should judge, instead of the text as written.
// No value (nullopt) when it varies by target (a TARGETARCH, a per-target base stage's ENV),
// when a variable in it is declared nowhere (the base image's ENV may set it), or when the word
// names no variable (its text is the value; the rules judge that already). A --build-arg is
// one value for every target of a build, so an ARG default (or `${V:-amd64}` for `ARG V`)
// is judged as the value.
struct FixedValue {
  std::string value;
  // Each variable the word expands, with the instruction that set it last and its value there
  // (empty for an ARG declared without a value).
  struct Source {
    size_t instruction = 0;
    std::string value;
  };
  std::map<std::string, Source> variables;
  // The variable whose value holds `piece` (an architecture token, a path), or nullptr
  // when the text as written holds it (then nothing arrived through a variable).
  const std::pair<const std::string, Source>* bringing(std::string_view piece) const;
};
std::optional<FixedValue> valueForEveryTarget(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                              size_t stage, size_t before, const std::string& word);
// The same for a word of a RUN script: a variable the script assigns itself is the shell's,
// not the environment's (no verdict then).
std::optional<FixedValue> valueForEveryTarget(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph,
                                              const RunScript& run, const std::string& word);

// `platformsByTargetStage` (optional): per stage name in lower case ("" for the last stage),
// the platforms the project's builds that stop at that stage are made for
// (DeclaredPlatforms::platformsByTargetStage). Such a stage is built only for those; a stage no
// build names stays built for every target. When one name is no stage of the file, none of it
// is used.
StageGraph buildStageGraph(const ParsedDockerfile& file, const BuildModel& model, const std::vector<Platform>& targets,
                           const std::map<std::string, std::vector<Platform>>& platformsByTargetStage = {});

// The one architecture a name is for (`build-amd64`, `debian-buster.arm64v8-base`,
// `linux_arm64`; GOARCH spelling: amd64, arm64, arm, 386, ...), or empty when it names none or several.
std::string architectureNamedBy(const std::string& name);

// Can an image built for `target` run code built for `content`? (arm/v6 code runs on arm/v7.)
bool runsOn(const Platform& content, const Platform& target);

// Can a machine of `target` execute a program built for `content`? runsOn, and 32-bit x86
// (i386) code on amd64: every x86-64 CPU has the IA-32 compatibility mode and amd64 kernels
// run such programs (32-bit game servers, Wine's win32 side, 32-bit installers); what such a
// program needs besides (i386 libraries, `dpkg --add-architecture i386`) is its packages'
// business. Not for a base image or a package, which runsOn judges: `apt-get install foo:i386`
// still fails on amd64 until dpkg knows the architecture.
bool executesOn(const Platform& content, const Platform& target);

// What a path copied out of a stage carries, judged by its name and by what the source
// stage does (`sourceEcosystem`: "node", "java", "dotnet", "go", "rust", "c", "python", ...).
Payload payloadOfPath(const std::string& path, const std::string& sourceEcosystem);
// Does the path's name itself say it holds machine code: a whole userland (`/`, `/usr`), a
// program or library directory (`bin`, `sbin`, `lib`, `lib64`, `libexec`), a shared or static
// library, a Node addon, or a Python, Ruby or virtualenv package tree? payloadOfPath also
// calls Native what it cannot place (`/mediawiki/extensions`); this does not.
bool namesNativeCode(const std::string& path);
// The toolchain each stage builds with, from its base image and its RUN commands and those of
// the stages it is based on (64 at most).
std::vector<std::string> stageEcosystems(const BuildModel& model);

}  // namespace mal::dockerfile
