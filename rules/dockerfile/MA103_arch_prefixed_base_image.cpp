#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

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
  const std::string ns = name.substr(0, slash);
  static const std::pair<const char*, const char*> kNamespaces[] = {
      {"amd64", "linux/amd64"},     {"arm64v8", "linux/arm64"}, {"arm32v7", "linux/arm/v7"},
      {"arm32v6", "linux/arm/v6"},  {"arm32v5", "linux/arm/v5"}, {"i386", "linux/386"},
      {"ppc64le", "linux/ppc64le"}, {"s390x", "linux/s390x"},   {"riscv64", "linux/riscv64"},
      {"mips64le", "linux/mips64le"}};
  for (const auto& [prefix, platform] : kNamespaces) {
    if (ns == prefix) return parsePlatform(platform);
  }
  return std::nullopt;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    const auto platform = archNamespacePlatform(stage.baseExpanded);
    if (!platform) continue;
    // A per-architecture stage (`AS base-arm64`, picked by `FROM base-${TARGETARCH}`) is the idiom.
    bool perArchStage = false;
    for (const auto& token : vocab::findArchTokens(stage.name)) {
      perArchStage = perArchStage || token.platform.architecture == platform->architecture;
    }
    if (perArchStage) continue;
    const auto broken = ctx.brokenBy(stage.index, *platform);
    if (broken.empty()) continue;
    const std::string image = stage.baseExpanded.substr(stage.baseExpanded.find('/') + 1);
    out.report(rule, stage.baseSpan,
               "base image '" + stage.baseExpanded + "' is the single-architecture " + platform->str() +
                   " build: " + platformList(broken) + " get " + platform->architecture + " binaries",
               "use the multi-architecture '" + image + "' instead", std::nullopt, broken);
  }
}

}  // namespace

extern const DockerfileRule kMA103 = {
    {.id = "MA103",
     .slug = "arch-prefixed-base-image",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "The base image comes from a single-architecture namespace (amd64/, arm64v8/, ...)",
     .what = "`FROM amd64/alpine`, `arm64v8/ubuntu`, `arm32v7/...`, `i386/...`, `ppc64le/...`, `s390x/...`, "
             "`riscv64/...`: Docker Hub's per-architecture copies of the official images.",
     .why = "Those repositories hold one architecture only: every target platform gets that architecture's "
            "base, and the image fails with `exec format error` elsewhere.",
     .example = "FROM arm64v8/ubuntu:22.04\n# MA103: single-architecture linux/arm64 build",
     .fix = "Use the multi-architecture official image (`ubuntu:22.04`); for per-arch stages name the stage "
            "after the architecture and select it with `FROM base-${TARGETARCH}`.",
     .bad = {"FROM amd64/alpine:3.19\n", "FROM docker.io/arm64v8/ubuntu:22.04\n"},
     .good = {"FROM alpine:3.19\n", "FROM arm64v8/ubuntu:22.04 AS base-arm64\nFROM amd64/ubuntu:22.04 AS base-amd64\n",
              "FROM myorg/amd64tools:1\n"}},
    check};

}  // namespace mal::rules
