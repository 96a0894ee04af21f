#include <algorithm>
#include <set>

#include "analyzer/dockerfile/global_scope.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/stage_helpers.h"

namespace mal::rules {
namespace {

// Docker Hub's single-architecture namespaces of the official images.
std::optional<Platform> archNamespacePlatform(const std::string& image) {
  std::string name = image;
  for (const char* registry : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (text::startsWith(name, registry)) name = name.substr(std::string(registry).size());
  }
  const size_t slash = name.find('/');
  if (slash == std::string::npos) return std::nullopt;
  return vocab::dockerHubArchNamespace(name.substr(0, slash));
}

// The repository (registry and namespace kept) and the tag of an image reference.
std::pair<std::string, std::string> repositoryAndTag(const std::string& image) {
  std::string name = image.substr(0, image.find('@'));
  const size_t slash = name.rfind('/');
  const size_t colon = name.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return {name.substr(0, colon), name.substr(colon + 1)};
  }
  return {name, ""};
}

// The architecture a tag names as a suffix or prefix (`1.2-amd64`, `arm64v8-1.2`,
// `3.19-x86_64`), or a Docker Hub namespace spelling (`arm64v8`, `arm32v7`) at either end.
std::optional<Platform> tagPlatform(const std::string& tag) {
  const std::string lowered = text::lower(tag);
  static const std::pair<const char*, const char*> kNamespaceTags[] = {
      {"arm64v8", "linux/arm64"}, {"arm32v7", "linux/arm/v7"}, {"arm32v6", "linux/arm/v6"}};
  for (const auto& [word, platform] : kNamespaceTags) {
    // (Comparisons on views: GCC 12 at -O3 warns falsely on `"-" + std::string(...)`, -Wrestrict.)
    const std::string_view w(word);
    const bool prefix = lowered.size() > w.size() && text::startsWith(lowered, w) && lowered[w.size()] == '-';
    const bool suffix = lowered.size() > w.size() && text::endsWith(lowered, w) && lowered[lowered.size() - w.size() - 1] == '-';
    if (prefix || suffix || lowered == w) {
      return parsePlatform(platform);
    }
  }
  for (const auto& token : vocab::findArchTokens(lowered)) {
    // At an end of the tag, separated by '-' or '_': `1.2-amd64`, `amd64-1.2`, `x86_64-musl`.
    const bool atStart =
        token.begin == 0 && (token.end == lowered.size() || lowered[token.end] == '-' || lowered[token.end] == '_');
    const bool atEnd =
        token.end == lowered.size() && token.begin > 0 && (lowered[token.begin - 1] == '-' || lowered[token.begin - 1] == '_');
    if (atStart || atEnd) return token.platform;
  }
  return std::nullopt;
}

// Images that build for one fixed target whatever runs them (data/vendor-assets.json).
std::optional<std::pair<Platform, std::string>> toolchainTarget(const std::string& repository, const std::string& tag) {
  const auto* image = data::findToolchainImage(repository);
  if (!image) return std::nullopt;
  const std::string part = image->archInTag ? tag : repository.substr(image->image.size());
  const auto tokens = vocab::findArchTokens(part);
  if (tokens.empty()) return std::nullopt;
  return std::make_pair(tokens.front().platform, image->source);
}

// Docker Hub's namespace of the official images for a platform (arm64v8 for linux/arm64).
std::string hubNamespaceFor(const Platform& platform) {
  if (platform.architecture == "arm64") return "arm64v8";
  if (platform.architecture == "arm")
    return platform.variant == "v6" ? "arm32v6" : platform.variant == "v5" ? "arm32v5" : "arm32v7";
  if (platform.architecture == "386") return "i386";
  return platform.architecture;
}

// `FROM ${TARGETARCH}/alpine`: the namespace is chosen per target in GOARCH's words, which
// are Docker Hub's only for some architectures (amd64/, ppc64le/, s390x/, riscv64/); arm64/,
// arm/ and 386/ hold no official images (they are arm64v8/, arm32v7/, i386/). Reported once
// per stage, for the targets whose namespace does not exist.
void checkNamespacePerTarget(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out,
                             const dockerfile::Stage& stage) {
  const std::string raw = stage.baseRaw.substr(0, stage.baseRaw.find('/'));
  if (stage.baseRaw.find('/') == std::string::npos || raw.find('$') == std::string::npos) return;
  std::vector<Platform> broken;
  std::vector<std::string> names;
  for (size_t t = 0; t < ctx.targets.size() && t < ctx.stages->targets.size(); ++t) {
    if (!ctx.stages->reachedBy[stage.index][t]) continue;
    const Platform& target = ctx.stages->targets[t];
    const auto env = dockerfile::globalScope(ctx.model, &target, ctx.file.escapeToken);
    const auto e = dockerfile::expandWord(stage.baseRaw, env, ctx.file.escapeToken);
    if (!e.unset.empty() || e.bounded) return;
    const std::string ns = e.value.substr(0, e.value.find('/'));
    if (ns == hubNamespaceFor(target) || archNamespacePlatform(e.value)) continue;  // an official namespace
    // Only a namespace that is an architecture's name (arm64, arm, 386, aarch64) and nothing else.
    const auto tokens = vocab::findArchTokens(ns);
    const bool archName =
        (tokens.size() == 1 && tokens[0].begin == 0 && tokens[0].end == ns.size()) || ns == "arm" || ns == "386";
    if (!archName) return;
    broken.push_back(target);
    names.push_back("'" + e.value + "' on " + target.str());
  }
  if (broken.empty()) return;
  std::vector<std::string> right;
  right.reserve(broken.size());
  for (const auto& p : broken) right.push_back(hubNamespaceFor(p) + "/ for " + p.str());
  out.report(rule, stage.baseSpan,
             "the base image's namespace is built from the target's architecture, and Docker Hub has no official images "
             "under it: " +
                 text::join(names, ", ") + " (" + text::join(right, ", ") + ")",
             "use the multi-architecture image without a namespace (`FROM alpine:3.20`): BuildKit picks each target's "
             "build from its index",
             std::nullopt, broken);
}

bool onlyAFileSource(const DockerfileContext& ctx, size_t stage) {
  if (stage + 1 == ctx.model.stages.size()) return false;
  bool copiedFrom = false;
  for (const auto& use : ctx.stages->uses) {
    if (use.source != stage) continue;
    if (use.kind == dockerfile::StageUse::Kind::Base) return false;
    copiedFrom = true;
  }
  return copiedFrom;
}

// Does the image reference expand a variable that says it is the target or an architecture
// (`${TARGETARCH}`, `$TARGETPLATFORM`, `${ARCH}`, `${arch}`, `${DEB_ARCH}`)?
bool namesArchitectureVariable(const std::string& raw, char escapeToken) {
  if (raw.find('$') == std::string::npos) return false;
  const auto e = dockerfile::expandWord(raw, {}, escapeToken);
  // A word of the name (split at '_') that is an architecture's: `arch`, `ARCH`, `ARCHITECTURE`,
  // `GOARCH`, `DEB_ARCH`; not `RESEARCH_IMAGE` or `SEARCH`.
  static const std::set<std::string> kArchWords{"goarch", "debarch", "dpkgarch", "buildarch", "hostarch", "qemuarch"};
  return std::any_of(e.referenced.begin(), e.referenced.end(), [](const std::string& name) {
    if (text::startsWith(name, "TARGET")) return true;
    for (const auto& word : text::split(text::lower(name), '_')) {
      if (text::startsWith(word, "arch") || kArchWords.count(word)) return true;
    }
    return false;
  });
}

// `ARG BASEIMAGE=amd64/alpine:3.24` then `FROM ${BASEIMAGE}`, where the project's own builds
// pass BASEIMAGE (flannel's images/iperf3/Makefile: `--build-arg BASEIMAGE=$(BASEIMAGE)`, one
// per ARCH; a Makefile target that passes `IMAGE=golang:latest` on a Mac beside the plain build
// on the Raspberry Pi): the default is one machine's value, not the base of every build. BuildKit
// gives a passed --build-arg to a global ARG in place of its default (dockerfile2llb's metaArgs).
// Only where the architecture comes from that value: `FROM ${REGISTRY}/amd64/alpine` names amd64
// in the FROM line itself, whatever registry the builds pass.
bool baseChosenByPassedArg(const DockerfileContext& ctx, const dockerfile::Stage& stage) {
  if (stage.baseRaw.find('$') == std::string::npos || ctx.stages->argsPassedByBuilds.empty()) return false;
  auto env = dockerfile::globalScope(ctx.model, nullptr, ctx.file.escapeToken);
  const auto e = dockerfile::expandWord(stage.baseRaw, env, ctx.file.escapeToken);
  bool passed = false;
  for (const auto& name : e.referenced) {
    if (!ctx.stages->argsPassedByBuilds.count(name)) continue;
    passed = true;
    env[name] = "docker.io";  // a word that names no architecture, read as a registry where one stands
  }
  if (!passed) return false;
  const std::string neutral = dockerfile::expandWord(stage.baseRaw, env, ctx.file.escapeToken).value;
  return !archNamespacePlatform(neutral) && !tagPlatform(repositoryAndTag(neutral).second);
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    checkNamespacePerTarget(ctx, rule, out, stage);
    if (baseChosenByPassedArg(ctx, stage)) continue;
    auto platform = archNamespacePlatform(stage.baseExpanded);
    std::string what;
    const auto [repository, tag] = repositoryAndTag(stage.baseExpanded);
    // A tag chosen per target (`FROM img:1.2-${TARGETARCH}`) is the per-arch idiom, and so is
    // one chosen by an architecture variable of any spelling: ymd-h/cpprb's wheel builder
    // `FROM quay.io/pypa/manylinux2014_${arch}` (`ARG arch="x86_64"`, Part XB) is built once
    // per architecture with `--build-arg arch=aarch64`.
    const bool perTargetTag = namesArchitectureVariable(stage.baseRaw, ctx.file.escapeToken);
    bool toolchain = false;
    if (!platform && !perTargetTag) {
      if (auto fixedTarget = toolchainTarget(repository, tag)) {
        toolchain = true;
        platform = fixedTarget->first;
        what = "the toolchain image '" + stage.baseExpanded + "' builds for " + platform->str() + " only";
      } else if ((platform = tagPlatform(tag))) {
        what = "the tag '" + tag + "' names the single-architecture " + platform->str() + " image";
      }
    }
    if (!platform) continue;
    // A per-architecture stage (`AS base-arm64`, picked by `FROM base-${TARGETARCH}`) is the idiom.
    bool perArchStage = false;
    for (const auto& token : vocab::findArchTokens(stage.name)) {
      perArchStage = perArchStage || token.platform.architecture == platform->architecture;
    }
    if (perArchStage) continue;
    // qemu-user-static's tag names the emulator's host (`x86_64-aarch64`): an image that only
    // lends its emulator binary to a build is chosen for the build machine on purpose.
    if (repository.find("qemu-user-static") != std::string::npos && onlyAFileSource(ctx, stage.index)) continue;
    // A stage that only lends files that are the same on every architecture (a CA bundle,
    // zoneinfo, a JAR, a web bundle) ships none of its base's code: like a pinned stage with
    // portable output (MA101), the base's architecture decides nothing in the images.
    if (onlyAFileSource(ctx, stage.index) && !ctx.stages->shipsNative[stage.index]) continue;
    // A build stage that only lends files and is told its target (`dotnet publish -r linux-arm`,
    // GOARCH, `--target`, TARGETARCH) cross-compiles: its base runs the compiler, and what it
    // copies out is built for the target it names (a constant wrong one is MA130's).
    // (Not a toolchain image: its fixed target is the very thing reported.)
    if (!toolchain && onlyAFileSource(ctx, stage.index) && stageKnowsTarget(ctx.model, ctx.file, stage.index)) continue;
    // The image is the toolchain itself, extended (its last stage is FROM it and starts no
    // program: no CMD or ENTRYPOINT): a build environment whose target-architecture files are
    // a sysroot for its cross compiler, not programs its host runs (calm04061/cloud's
    // Dockerfile.musl builds OpenSSL for aarch64 into messense/rust-musl-cross:aarch64-musl).
    if (toolchain && stage.index + 1 == ctx.model.stages.size() &&
        std::none_of(stage.instructions.begin(), stage.instructions.end(), [&](size_t i) {
          const std::string& command = ctx.instruction(i).command;
          return command == "cmd" || command == "entrypoint";
        })) {
      continue;
    }
    const auto broken = ctx.brokenBy(stage.index, *platform);
    if (broken.empty()) continue;
    if (!what.empty()) {
      out.report(
          rule, stage.baseSpan,
          what + ": " + platformList(broken) + (broken.size() == 1 ? " gets " : " get ") + platform->architecture + " binaries",
          "use the multi-architecture tag (without the architecture), select one per target with "
          "`FROM image:tag-${TARGETARCH}` or a stage named per architecture, or cross-compile on "
          "$BUILDPLATFORM for $TARGETARCH");
      continue;
    }
    const std::string image = stage.baseExpanded.substr(stage.baseExpanded.find('/') + 1);
    out.report(rule, stage.baseSpan,
               "base image '" + stage.baseExpanded + "' is the single-architecture " + platform->str() + " build: " +
                   platformList(broken) + (broken.size() == 1 ? " gets " : " get ") + platform->architecture + " binaries",
               "use the multi-architecture '" + image + "' instead", std::nullopt, broken);
  }
}

}  // namespace

extern const DockerfileRule kMA103 = {
    {.id = "MA103",
     .slug = "arch-prefixed-base-image",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "The base image is one architecture's: its namespace (amd64/, arm64v8/), its tag (-amd64) or a "
                "cross toolchain that fixes the target",
     .what =
         "`FROM amd64/alpine`, `arm64v8/ubuntu`, `arm32v7/...`, `i386/...`, `ppc64le/...`, `s390x/...`, "
         "`riscv64/...`: Docker Hub's per-architecture copies of the official images (and their former names, "
         "`armhf/`, `aarch64/`, `armel/`). Tags that name an "
         "architecture at either end (`:1.2-amd64`, `:arm64v8-1.2`, `:3.19-x86_64`): the per-architecture "
         "tags that multi-arch manifests list are each one architecture. Cross-compiler images whose name or "
         "tag fixes the target (`dockcross/linux-arm64`, `messense/rust-musl-cross:x86_64-musl`, "
         "data/vendor-assets.json). A namespace built from the target's architecture (`FROM ${TARGETARCH}/alpine`) "
         "for the targets where Docker Hub has none of that name (arm64/, arm/, 386/: the official ones are "
         "arm64v8/, arm32v7/, i386/). A stage named after the architecture (`AS base-arm64`), an image chosen with "
         "${TARGETARCH} or another architecture variable (`manylinux2014_${arch}`, `${DEB_ARCH}`: a build per "
         "architecture, the default being one of them), and a build for that platform only stay quiet, and so does a base chosen by a global ARG that "
         "the project's own build commands pass with --build-arg (a Makefile or workflow giving BASEIMAGE per "
         "architecture): its default is one machine's value, and BuildKit replaces it with the passed one. So does a build stage whose files are copied "
         "out and that is told its target (`dotnet publish -r linux-arm`, GOARCH, `cargo --target`, TARGETARCH): "
         "it cross-compiles on that base, and a constant target is MA130's to judge. So does a stage whose files are copied out and are all portable (certificates and other files under /etc, zoneinfo, JARs, web bundles): its base's code reaches no image. So does a file whose image is the "
         "toolchain image extended (its last stage is FROM it, with no CMD or ENTRYPOINT): a build environment whose "
         "target-architecture files are its cross compiler's sysroot.",
     .why = "Those repositories hold one architecture only: every target platform gets that architecture's "
            "base, and the image fails with `exec format error` elsewhere.",
     .example = "FROM amd64/alpine:3.19\n"
                "# MA103",
     .fix = "Use the multi-architecture official image (`ubuntu:22.04`); for per-arch stages name the stage "
            "after the architecture and select it with `FROM base-${TARGETARCH}`.",
     .bad = {"FROM amd64/alpine:3.19\n", "FROM docker.io/arm64v8/ubuntu:22.04\n", "FROM myorg/app-base:1.4-amd64\n",
             "FROM messense/rust-musl-cross:x86_64-musl AS build\nFROM alpine\nCOPY --from=build /app /app\n",
             "ARG TARGETARCH\nFROM ${TARGETARCH}/alpine:3.20\n"},
     .good = {"FROM alpine:3.19\n", "FROM arm64v8/ubuntu:22.04 AS base-arm64\nFROM amd64/ubuntu:22.04 AS base-amd64\n",
              "FROM myorg/amd64tools:1\n", "ARG TARGETARCH\nFROM myorg/app-base:1.4-${TARGETARCH}\n", "FROM myorg/app-base:1.4\n",
              "FROM amd64/alpine:3.19 AS certs\nRUN apk add --no-cache ca-certificates\nFROM scratch\n"
              "COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY app /app\n"}},
    check};

}  // namespace mal::rules
