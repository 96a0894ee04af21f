#include "rules/dockerfile/base_image_helpers.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& base : resolvedBases(ctx)) {
    if (base.facts.isIndex || !base.pinnedByDigest() || base.missing.empty()) continue;
    const std::string& image = base.stage.baseExpanded;
    const std::string only = base.facts.platforms.empty() ? "platform-less" : base.facts.platforms[0].str();
    // Appended piece by piece: GCC 12 warns (falsely) on one long concatenation here.
    std::string message = "'";
    message.append(image, image.find('@') + 1).append("' is the digest of one ").append(only);
    message.append(" manifest, not of the image's index: ")
        .append(platformList(base.missing))
        .append(" would build on ")
        .append(only);
    out.report(
        rule, base.stage.baseSpan, message,
        "pin the index digest (`multiarch-lint manifest IMAGE:TAG` and `docker buildx imagetools inspect` print it as Digest)");
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
     .example = "FROM registry.example.com/multi@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                "# MA105",
     .fix = "Pin the digest of the index: `multiarch-lint manifest IMAGE:TAG` (or `docker buildx imagetools inspect`) "
            "prints it as `Digest:`.",
     .bad = {"FROM registry.example.com/multi@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"},
     .good = {"FROM registry.example.com/multi@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
              "FROM registry.example.com/multi:1\n"},
     .needsRegistry = true},
    check};

}  // namespace mal::rules
