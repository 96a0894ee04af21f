// Which platforms a Dockerfile is meant for, read from where projects declare it: bake
// files, compose files, GitHub workflows, Makefiles, the file's own name, its base images.
// A source: it reads declaration files next to the Dockerfile (bounded, never outside the
// repository root) so that `lint` checks a single-architecture file for its one platform
// instead of the default pair.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/dockerfile/ast.h"
#include "analyzer/platform.h"

namespace mal::context {

struct DeclaredPlatforms {
  std::vector<Platform> platforms;  // normalised, deduplicated, in declaration order
  // Where they were read, for a person: "docker-bake.hcl target \"app\"",
  // ".github/workflows/release.yml job build", "the file name", "the base image arm64v8/ubuntu:22.04".
  std::string source;
  // One declared build makes images for several architectures from one build context (a
  // bake target's or build-push-action's `platforms` list), not several single-platform
  // builds (a matrix leg each, a Makefile per architecture) that each get their own context.
  bool oneBuildForSeveral = false;
  // Every build read names no platform and is taken to be for the machine it runs on (a
  // GitHub-hosted runner, Cloud Build's workers): what the file itself fixes (its name, its
  // pins, an architecture's base image) says more, since that build follows the base image.
  bool onlyMachineDefaults = false;
  // No platform is named, but every build of the file is for the machine that runs it, whatever
  // that is (a compose service with no `platforms`: `docker compose build` builds for its
  // engine's platform): `platforms` is empty and the targets stay the defaults, but no target is
  // built on another platform than its own, so $BUILDPLATFORM is the target in each build.
  bool forBuildMachine = false;
  // Every build of the file that names it exports no image (bake targets with `output =
  // ["type=cacheonly"]` or a local directory): its stages are checks or file generators, so
  // what the final stage's userland is does not matter. `platforms` may be empty (the targets
  // stay the defaults).
  bool shipsNoImage = false;
  // Per target stage (lower case; "" is the last stage), the platforms the declared builds
  // that stop there name: a bake file that builds `final-cuda` for linux/amd64 only and
  // `final-main` for amd64 and arm64 (imagegenius/docker-immich). Empty unless some
  // declaration names a target stage.
  std::map<std::string, std::vector<Platform>> platformsByTargetStage;
};

// Stands, in a declared Dockerfile path, for a run of characters computed at run time (a
// matrix a script prints, a caller's inputs): it matches any characters within one path
// component, so alone it is any one directory name.
constexpr char kAnyDirectory = '\x04';
// Stands, as a whole component of a declared path, for one or more directories: a build context
// that is a value computed at run time and nothing else (`docker build ./"$IMAGE_TAG"` with
// IMAGE_TAG a workflow input such as `7.4.3.23-ga23/jdk11-bullseye`).
constexpr char kAnyDirectories = '\x05';

// Does a declared path hold a computed part (kAnyDirectory or kAnyDirectories): a pattern that
// stands for a family of files rather than naming one?
inline bool isPathPattern(const std::string& path) {
  return path.find(kAnyDirectory) != std::string::npos || path.find(kAnyDirectories) != std::string::npos;
}

// Does the declared `pattern` (a path, perhaps with kAnyDirectory parts) name `dockerfile`?
bool declaredPathMatches(const std::filesystem::path& pattern, const std::filesystem::path& dockerfile);

// One build that a declaration file describes: which Dockerfile, for which platforms.
struct BuildDeclaration {
  std::filesystem::path dockerfile;  // absolute and lexically normal; may hold kAnyDirectory parts
  std::vector<Platform> platforms;
  std::string name;  // "target \"app\"", "service web", "job build"
  // A build that names no platform builds for the machine it runs on. `fromRunner`: these
  // platforms are that machine's, a GitHub-hosted runner's (`ubuntu-latest`: linux/amd64).
  // `unknownRunner`: no platforms, on a machine whose architecture is not known (a
  // self-hosted or larger runner label, `${{ matrix.runner }}` naming one): then no build of
  // that file is taken to be for its runner's platform alone (khoj builds its arm64 leg on
  // `ubuntu-linux-arm64` without naming the platform).
  bool fromRunner = false;
  bool unknownRunner = false;
  // No platforms, built by whatever machine runs the build (a compose service without
  // `platforms`): a build for that machine's own platform. Declares no platform (merge skips it);
  // findDeclaredPlatforms reads it last, as DeclaredPlatforms::forBuildMachine.
  bool forBuildMachine = false;
  // The build exports no image: a check whose result is discarded (a bake target's `output =
  // ["type=cacheonly"]`, docker/buildx's `lint` and `validate-*` targets) or files written to a
  // directory (`output = ["."]`, `type=local`: generated code, docs).
  bool shipsNoImage = false;
  // The stage the build stops at (a bake target's `target`, compose's `build.target`,
  // build-push-action's `target`), lower case; empty: the last stage, BuildKit's default.
  std::string targetStage;
};

// Declaration files already read in this run: a repository with 300 Dockerfiles reads
// its workflows once, not 300 times. Owned by the caller and kept across files.
class DeclarationCache {
 public:
  // What `load` returns for `key` (a file or directory and the kind read there), loaded once.
  const std::vector<BuildDeclaration>& declarations(const std::string& key,
                                                    const std::function<std::vector<BuildDeclaration>()>& load);
  // The regular files directly in `directory`, sorted; empty when it cannot be listed.
  const std::vector<std::filesystem::path>& listing(const std::filesystem::path& directory);
  // The build-argument names one declaration file passes (see buildArgsPassed), read once.
  const std::set<std::string>& buildArgs(const std::filesystem::path& file, const std::filesystem::path& root);

 private:
  std::map<std::string, std::set<std::string>> buildArgs_;
  std::map<std::string, std::vector<BuildDeclaration>> declarations_;
  std::map<std::string, std::vector<std::filesystem::path>> listings_;
};

// The repository root: the nearest ancestor holding .git, else the current working
// directory when it contains the Dockerfile, else the Dockerfile's directory.
std::filesystem::path repositoryRoot(const std::filesystem::path& dockerfile);

// Sources in order of trust (the first that names this Dockerfile wins; declarations of the
// same kind that name it are merged): bake files, compose files, GitHub workflows (with local
// reusable workflows and composite actions), Azure Pipelines files, Makefiles, a cross-toolchain
// image (amd64), the file name, Docker Hub's hooks/build and automated tests (amd64), Fly.io,
// Heroku and Serverless Framework apps, the file's pins, a scratch image of one architecture's
// root file system, the base images, a program published for one architecture, a plain
// build on a runner of one architecture, the repository's name (`arangodb-arm64`), the file's
// content when every architecture it names is one device's (`spotifyd-linux-armv6`).
// nullopt when none names a platform.
std::optional<DeclaredPlatforms> findDeclaredPlatforms(const std::filesystem::path& dockerfile, const std::string& dockerfileText,
                                                       DeclarationCache& cache);
std::optional<DeclaredPlatforms> findDeclaredPlatforms(const std::filesystem::path& dockerfile,
                                                       const std::string& dockerfileText);

// The names of the build arguments the project's own build commands pass (`--build-arg NAME=`
// in workflows, Makefiles, pipelines and scripts; `build-args:` of docker/build-push-action;
// `args` of bake targets and compose services), read from the declaration files near the
// Dockerfile. A default of such an ARG is not what the project builds with: a workflow that
// passes `RUNTIME=linux-arm64` on its arm64 leg overrides `ARG RUNTIME=linux-x64` (BuildKit:
// a --build-arg replaces a stage's default, dispatchArg). Names only, over-approximated: a
// name another Dockerfile of the project is given still counts, which can only silence.
// A Home Assistant add-on's Dockerfile (a `config.yaml` with `slug` and `arch`, or a
// `build.yaml` with `build_from`, beside it) is given BUILD_FROM, BUILD_VERSION and BUILD_ARCH
// per architecture by the Supervisor and home-assistant/builder.
std::set<std::string> buildArgsPassed(const std::filesystem::path& dockerfile, DeclarationCache& cache);
// The scanner behind it, on one file's text.
void collectBuildArgNames(const std::string& text, std::set<std::string>& names);

// Does the project build its images with goreleaser's `dockers:` (a .goreleaser.y*ml at the
// repository root or beside the Dockerfile)? goreleaser runs one `docker build` per platform,
// each in a fresh context holding that platform's binaries under their plain names, so a
// `COPY app /usr/local/bin/` there is each platform's own program.
bool buildsWithGoreleaserDockers(const std::filesystem::path& dockerfile, DeclarationCache& cache);

// A cross-toolchain image: a file that sets up compilers for a fixed foreign target (Debian's
// `gcc-<triple>` or `crossbuild-essential-<arch>`, a `<triple>-gcc` or a target triple in a
// TARGET/CROSS/TRIPLE variable, cargo's `CARGO_TARGET_<TRIPLE>_LINKER`, a cross-rs base) and
// names none of BuildKit's platform arguments, pins no stage and no base image to an
// architecture. Compilers installed without being configured count only where a directory
// of `relativeDirectory` (from the repository root) names the target. It is a build host's environment, not an image for each
// platform: its directory may be named after the target (`builders/linux.aarch64/`) and its host tools are x86-64 ones, as on the
// build machines such images are made for (dockcross, cross-rs, the Rust project's CI). Read as linux/amd64. (Issue 9: "a
// cross-toolchain image built for one fixed target, in a file whose purpose is that target" is correct.)
std::optional<DeclaredPlatforms> fromCrossToolchainImage(const dockerfile::ParsedDockerfile& file,
                                                         const std::filesystem::path& relativeDirectory);

// The single platform an image reference names through a Docker Hub architecture namespace
// (`arm64v8/ubuntu`) or its tag (`:1.2-arm64`, `:arm64v8-1.2`, `pause-amd64:3.1`); nullopt
// when it names none or several.
std::optional<Platform> platformOfImageReference(const std::string& image);

// The parsers behind the declaration sources (declaration_files.cpp). Every path they
// return is resolved against `directory` (the bake/compose file's, the Makefile's, the
// repository root for workflows). Malformed input gives no declarations, never an error.
std::vector<BuildDeclaration> readBakeFiles(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                            const std::filesystem::path& directory);
std::vector<BuildDeclaration> readComposeFile(const std::string& text, const std::filesystem::path& directory);
// The workflows of .github/workflows, named by their path from the root: read together, so
// that a job calling a local reusable workflow (`uses: ./.github/workflows/build.yml`)
// finds it, and each file is parsed once.
// Reads a repository file a CI job runs (a build script), within the repository; nullopt when
// it is not there or not readable. Empty: scripts are not followed.
using ReadRepositoryFile = std::function<std::optional<std::string>(const std::filesystem::path&)>;
std::vector<BuildDeclaration> readWorkflows(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                            const std::filesystem::path& root, const ReadRepositoryFile& readScript = {});
std::vector<BuildDeclaration> readMakefile(const std::string& text, const std::filesystem::path& directory);
// A shell script's build commands (`docker buildx build --platform ...`), with the variables and
// arrays it sets itself put in; a platform list it does not fix itself declares nothing.
std::vector<BuildDeclaration> readShellScript(const std::string& text, const std::filesystem::path& directory,
                                              const std::optional<std::filesystem::path>& repositoryRoot = std::nullopt);
// The bake files the workflows' `docker/bake-action` steps name in `files:` (`.github/workflows/
// bake-base.hcl`), resolved against the step's `workdir` (default: the repository root).
std::vector<std::filesystem::path> bakeFilesNamedByWorkflows(const std::vector<std::pair<std::string, std::string>>& namedTexts,
                                                             const std::filesystem::path& root);
// An Azure Pipelines file: its paths are relative to the checkout, the repository root; its
// `script:`/`bash:` steps with the repository scripts they run by path and a `make`'s rules.
std::vector<BuildDeclaration> readAzurePipeline(const std::string& text, const std::filesystem::path& root,
                                                const ReadRepositoryFile& readScript = {});
// A Google Cloud Build config: its paths are relative to the directory the build's source is
// (taken as the config's own directory), and a step's `dir:`.
std::vector<BuildDeclaration> readCloudBuild(const std::string& text, const std::filesystem::path& directory);
// A Travis CI config (`.travis.yml`): each job's command lines (and the repository scripts they
// run by path), on Travis' amd64 machines unless `arch:` names others; paths from the root.
std::vector<BuildDeclaration> readTravisConfig(const std::string& text, const std::filesystem::path& root,
                                               const ReadRepositoryFile& readScript = {});
// A CircleCI config (`.circleci/config.yml`): each Linux job's `run:` commands (and the
// repository scripts they run by path) and the circleci/docker orb's `build`/`publish`, on
// CircleCI's amd64 machines unless an `arm.*` resource class names arm64; paths from the root.
std::vector<BuildDeclaration> readCircleCiConfig(const std::string& text, const std::filesystem::path& root,
                                                 const ReadRepositoryFile& readScript = {});
// Drone pipelines (`.drone.yml`, several YAML documents): `commands:` lines and the docker
// plugins' builds, on the pipeline's `platform:` (linux/amd64 when it names none).
std::vector<BuildDeclaration> readDronePipelines(const std::string& text, const std::filesystem::path& root,
                                                 const ReadRepositoryFile& readScript = {});
// A Semaphore pipeline (`.semaphore/*.yml`): each block's jobs (with the prologues and
// `env_vars`), on the agent's machine: x86-64 for the e1/e2/f1 types, arm64 for r1, unknown for
// a self-hosted agent type; macOS jobs are left out. Paths from the root.
std::vector<BuildDeclaration> readSemaphorePipeline(const std::string& text, const std::filesystem::path& root,
                                                    const ReadRepositoryFile& readScript = {});
// A Jenkinsfile: the scripts of its `sh` steps (in their `dir('...')` blocks), run from the
// workspace, the repository root; a build there counts where it names its platforms (linuxserver's
// `docker buildx build --platform=linux/amd64 .`), since a Jenkins agent's machine is not known.
std::vector<BuildDeclaration> readJenkinsfile(const std::string& text, const std::filesystem::path& root,
                                              const ReadRepositoryFile& readScript = {});
// A Fly.io app config (`fly.toml`): the Dockerfile its `[build]` names (default: `Dockerfile`
// beside it), which flyctl builds for linux/amd64; nothing when it deploys an image or builds
// with buildpacks. Paths from the config's directory.
std::vector<BuildDeclaration> readFlyConfig(const std::string& text, const std::filesystem::path& directory);
// A Heroku app's `heroku.yml`: the Dockerfile of each process type under `build.docker` (a
// path from the app's root, or a map with `dockerfile` and `target`), which Heroku builds and
// runs on its linux/amd64 dynos.
std::vector<BuildDeclaration> readHerokuManifest(const std::string& text, const std::filesystem::path& root);
// A Serverless Framework config (`serverless.yml`): each `provider.ecr.images.<name>` with a
// `path` (the build context; `file` the Dockerfile in it, default `Dockerfile`) is built by
// `sls deploy` with `docker build`, for its `platform` when it names one; without one the
// image is meant for the Lambda functions that run it (`functions.<f>.image`), on their
// `architecture` (else the provider's, else x86_64, AWS Lambda's default). Paths from the
// config's directory.
std::vector<BuildDeclaration> readServerlessConfig(const std::string& text, const std::filesystem::path& directory);
// Does a compose file define a `sut` service (at the top, compose file format 1, or under
// `services:`), the service Docker Hub's automated tests run?
bool definesSutService(const std::string& text);
// A GitLab CI config (`.gitlab-ci.yml`): builds that name platforms in jobs' script lines, with
// the file's and the job's `variables:`; a plain build declares nothing (a job's runner is not
// known). Paths from the repository root.
std::vector<BuildDeclaration> readGitlabCi(const std::string& text, const std::filesystem::path& root);

}  // namespace mal::context
