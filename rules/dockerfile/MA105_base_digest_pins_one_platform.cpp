#include "rules/dockerfile/base_image_helpers.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  if (!ctx.baseImages) return;
  for (const auto& stage : ctx.model.stages) {
    const auto found = ctx.baseImages->find(stage.baseExpanded);
    if (found == ctx.baseImages->end() || found->second.isIndex) continue;
    const size_t at = stage.baseExpanded.find('@');
    if (at == std::string::npos) continue;
    const auto needed = platformsNeededFrom(ctx, stage);
    if (!needed) continue;
    const auto& platforms = found->second.platforms;
    std::vector<Platform> others;
    for (const auto& wanted : *needed) {
      if (platforms.empty() || !platformMatches(platforms[0], wanted)) others.push_back(wanted);
    }
    if (others.empty()) continue;
    const std::string only = platforms.empty() ? "platform-less" : platforms[0].str();
    // Appended piece by piece: GCC 12 warns (falsely) on one long concatenation here.
    std::string message = "'";
    message.append(stage.baseExpanded, at + 1).append("' is the digest of one ").append(only);
    message.append(" manifest, not of the image's index: ").append(platformList(others)).append(" would build on ").append(only);
    out.report(rule, stage.baseSpan, message,
               "pin the index digest (`docker buildx imagetools inspect IMAGE` shows it as the image's Digest)");
  }
}

}  // namespace

extern const DockerfileRule kMA105 = {
    {.id = "MA105",
     .slug = "base-digest-pins-one-platform",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "FROM image@sha256:... names one platform's manifest, not the index (lint --resolve)",
     .what = "With `--resolve`, a `FROM` pinned by digest is looked up: the digest is of a platform manifest "
             "(what `docker inspect` or a registry UI shows for one architecture) rather than of the index.",
     .why = "A manifest digest is one architecture: every target platform then builds on that architecture's "
            "base, and the image fails with `exec format error` on the others. Renovate and Dependabot pin the "
            "index digest; a digest copied by hand often is not.",
     .example = "FROM alpine@sha256:<digest of the linux/amd64 manifest>\n"
                "# MA105: the digest of one linux/amd64 manifest, not of the image's index",
     .fix = "Pin the digest of the index: `docker buildx imagetools inspect IMAGE:TAG` prints it as `Digest:`.",
     .bad = {"FROM registry.example.com/multi@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"},
     .good = {"FROM registry.example.com/multi@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
              "FROM registry.example.com/multi:1\n"},
     .needsRegistry = true},
    check};

}  // namespace mal::rules
