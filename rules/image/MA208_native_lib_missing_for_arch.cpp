#include <elf.h>

#include "analyzer/text_util.h"
#include "rules/image/example_models.h"
#include "rules/image/image_context.h"
#include "rules/image/image_helpers.h"

namespace mal::rules {
namespace {

void check(const ImageContext& ctx, const RuleInfo& rule, ImageFindingSink& out) {
  size_t count = 0;
  for (const auto& [path, item] : ctx.image.inventory.entries()) {
    const auto& archs = item.entry.bundledArchitectures;
    if (archs.empty()) continue;
    if (std::find(archs.begin(), archs.end(), ctx.image.platform.architecture) != archs.end()) continue;
    if (++count > kMaxFindingsPerRule) continue;
    const std::string list = text::join(archs, ", ");
    out.report(rule, path, static_cast<int>(item.layer),
               displayPath(path) + " bundles " + std::to_string(item.entry.bundledLibraries) + " native librar" +
                   (item.entry.bundledLibraries == 1 ? "y" : "ies") + " for " + list + " and none for " +
                   ctx.image.platform.architecture + ": on " + ctx.image.platform.str() +
                   " it falls back to a slower path or fails with UnsatisfiedLinkError",
               "use a release of the library that ships " + ctx.image.platform.architecture +
                   " natives (or its per-classifier artifact), or build them for this platform");
  }
}

// The runnable example: the bad model gives the rule, the good one (one change apart) not.
ImageRuleExamples examples() {
  using namespace example_models;
  const auto app = elfFile("bin/app", EM_AARCH64);
  auto jar = file("app/lib/netty-epoll.jar", 0644);
  jar.bundledArchitectures = {"amd64"};
  jar.bundledLibraries = 1;
  auto fatJar = jar;
  fatJar.bundledArchitectures = {"amd64", "arm64"};
  fatJar.bundledLibraries = 2;
  return {imageOf("linux/arm64", {app, jar}), imageOf("linux/arm64", {app, fatJar})};
}

}  // namespace

extern const ImageRule kMA208 = {
    {.id = "MA208",
     .slug = "native-lib-missing-for-arch",
     .severity = Severity::Warning,
     .analysis = Analysis::Image,
     .summary = "A JAR or wheel ships native libraries for other architectures only",
     .what = "A JAR/WAR/EAR or wheel in the image whose bundled native libraries (`META-INF/native/*.so`, `*.so` "
             "inside a wheel; their machine read from the ELF header) cover some architectures but not the "
             "platform's.",
     .why = "Java libraries such as netty-epoll, snappy or sqlite-jdbc load their natives at run time: without an "
            "arm64 build they throw UnsatisfiedLinkError or silently fall back to slow pure-Java code.",
     .example = "",  // generated from examples() (rules/documented_example.cpp)
     .fix = "Use a release that ships natives for the platform (or its per-classifier artifact).",
     .bad = {},
     .good = {}},
    check,
    examples};

}  // namespace mal::rules
