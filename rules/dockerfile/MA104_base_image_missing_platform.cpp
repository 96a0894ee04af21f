#include "rules/dockerfile/base_image_helpers.h"

namespace mal::rules {
namespace {

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& base : resolvedBases(ctx)) {
    if (base.missing.empty()) continue;
    const std::string& image = base.stage.baseExpanded;
    if (!base.facts.isIndex) {
      if (base.pinnedByDigest()) continue;  // a digest of one platform's manifest is MA105's finding
      const std::string only = base.facts.platforms.empty() ? "platform-less" : base.facts.platforms[0].str();
      out.report(rule, base.stage.baseSpan,
                 "base image '" + image + "' is a single " + only + " manifest, not an index: " + platformList(base.missing) +
                     " would build on " + only,
                 "use a tag of the image published for every target platform, or publish it as a multi-platform index");
    } else {
      out.report(rule, base.stage.baseSpan,
                 "base image '" + image + "' has no " + platformList(base.missing) + " image (its index has " +
                     (base.facts.platforms.empty() ? std::string("no platform") : platformList(base.facts.platforms)) +
                     "): the build fails there",
                 "pick a base image published for " + platformList(base.missing) + ", or drop those targets");
    }
  }
}

}  // namespace

extern const DockerfileRule kMA104 = {
    {.id = "MA104",
     .slug = "base-image-missing-platform",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "The base image is not published for every target platform (lint --resolve)",
     .what = "With `--resolve`, each `FROM` (after ARG expansion) is looked up in its registry: an index that "
             "lacks a target platform, or a tag that names a single-platform manifest.",
     .why = "BuildKit stops with `no match for platform in manifest` (InvalidBaseImagePlatform), or, for a "
            "single-platform image, builds every target on that one architecture and the image fails with "
            "`exec format error` elsewhere.",
     .example = "FROM registry.example.com/amd64-only:1\n"
                "# MA104",
     .fix = "Use a base image published for every target platform (check with `multiarch-lint manifest IMAGE`), or "
            "publish the base as a multi-platform index.",
     .bad = {"FROM registry.example.com/amd64-only:1\n", "FROM registry.example.com/single:1\n"},
     .good = {"FROM registry.example.com/multi:1\n", "FROM --platform=$BUILDPLATFORM registry.example.com/amd64-only:1\n",
              "FROM scratch\n"},
     .needsRegistry = true},
    check};

}  // namespace mal::rules
