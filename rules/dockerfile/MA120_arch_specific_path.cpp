// MA120: a path that exists on one architecture only: the multiarch library directories
// (/usr/lib/x86_64-linux-gnu), the dynamic loaders, Debian's JVM directories.
#include <algorithm>
#include <regex>
#include <set>

#include "rules/dockerfile/context.h"
#include "rules/dockerfile/text_sites.h"

namespace mal::rules {
namespace {

std::optional<Platform> platformOfPathToken(const std::string& token) {
  static const std::pair<const char*, const char*> kTokens[] = {
      {"x86_64-linux-gnu", "linux/amd64"},     {"aarch64-linux-gnu", "linux/arm64"},
      {"arm-linux-gnueabihf", "linux/arm/v7"}, {"arm-linux-gnueabi", "linux/arm/v6"},
      {"i386-linux-gnu", "linux/386"},         {"powerpc64le-linux-gnu", "linux/ppc64le"},
      {"s390x-linux-gnu", "linux/s390x"},      {"riscv64-linux-gnu", "linux/riscv64"},
      {"ld-linux-x86-64.so", "linux/amd64"},   {"ld-linux-aarch64.so", "linux/arm64"},
      {"ld-linux-armhf.so", "linux/arm/v7"},   {"ld64.so.2", "linux/ppc64le"},
      {"ld-musl-x86_64.so", "linux/amd64"},    {"ld-musl-aarch64.so", "linux/arm64"},
  };
  for (const auto& [prefix, platform] : kTokens) {
    if (token.rfind(prefix, 0) == 0) return parsePlatform(platform);
  }
  // Debian's JVM directories: java-17-openjdk-amd64
  static const std::regex kJvm(R"(openjdk-(amd64|arm64|armhf|ppc64el|s390x|riscv64|i386))");
  std::smatch m;
  if (std::regex_search(token, m, kJvm)) return parsePlatform(m[1].str());
  return std::nullopt;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  static const std::regex kPath(
      R"((/(usr/)?lib(64)?/|/usr/include/)((x86_64|aarch64|arm|i386|powerpc64le|s390x|riscv64)-linux-gnu(eabihf|eabi)?)|)"
      R"((/lib(64)?/)(ld-linux-(x86-64|aarch64|armhf)\.so[.0-9]*|ld64\.so\.2|ld-musl-(x86_64|aarch64)\.so[.0-9]*)|)"
      R"((/usr/lib/jvm/)?java-[0-9.]+-openjdk-(amd64|arm64|armhf|ppc64el|s390x|riscv64|i386))");
  std::set<std::pair<size_t, uint32_t>> reported;
  forEachTextSite(ctx, [&](const TextSite& site) {
    if (site.variesByArch) return;
    // std::regex is slow; almost no text holds any of these, so look for them first.
    static const std::string_view kHints[] = {"-linux-gnu", "ld-linux", "ld64.so", "ld-musl", "openjdk-"};
    if (std::none_of(std::begin(kHints), std::end(kHints),
                     [&](std::string_view h) { return site.text.find(h) != std::string_view::npos; })) {
      return;
    }
    const std::string text(site.text);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kPath); it != std::sregex_iterator(); ++it) {
      const std::string path = it->str();
      std::string token = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
      const auto platform = platformOfPathToken(token);
      if (!platform) continue;
      const auto broken = ctx.targetsOtherThan(*platform);
      if (broken.empty()) continue;
      const Span span = site.span(static_cast<size_t>(it->position()), static_cast<size_t>(it->position() + it->length()));
      if (!reported.insert({site.instruction, span.begin}).second) continue;
      out.report(rule, span,
                 "'" + path + "' exists only on " + platform->str() + ": on " + platformList(broken) + " it is not there",
                 "derive it at build time: /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH), /usr/lib/$(uname -m)-linux-gnu, "
                 "or for Java the version-only path (e.g. /usr/lib/jvm/java-17-openjdk-$TARGETARCH with ARG TARGETARCH, or "
                 "$(dirname $(dirname $(readlink -f $(which java)))))");
      break;  // one finding per site
    }
  });
}

}  // namespace

extern const DockerfileRule kMA120 = {
    {.id = "MA120",
     .slug = "arch-specific-path",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A path that exists on one architecture only",
     .what = "Multiarch library directories (`/usr/lib/x86_64-linux-gnu`, `/lib/aarch64-linux-gnu`), dynamic loaders "
             "(`/lib64/ld-linux-x86-64.so.2`), and Debian's JVM directories (`java-17-openjdk-amd64`) written into "
             "RUN, ENV, ARG, COPY/ADD or CMD/ENTRYPOINT, outside an architecture switch and not built from an "
             "architecture variable.",
     .why = "On other platforms the directory is named after their triplet: `LD_LIBRARY_PATH` points nowhere, "
            "`JAVA_HOME` is missing, a COPY fails with `not found`.",
     .example = "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64\n# MA120: exists only on linux/amd64",
     .fix = "Compute the directory at build time (`dpkg-architecture -qDEB_HOST_MULTIARCH`, `$(uname -m)-linux-gnu`) or "
            "build it from $TARGETARCH.",
     .bad = {"FROM eclipse-temurin:17\nENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64\n",
             "FROM debian\nENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/opt/lib\n",
             "FROM debian\nRUN ln -s /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/libssl.so\n",
             "FROM debian\nCOPY --from=build /usr/lib/x86_64-linux-gnu/libfoo.so /usr/lib/\n",
             "FROM gcr.io/distroless/base\nENTRYPOINT [\"/lib64/ld-linux-x86-64.so.2\", \"/app\"]\n"},
     .good = {"FROM debian\nRUN ln -s \"/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libssl.so.3\" /usr/lib/libssl.so\n",
              "FROM debian\nARG TARGETARCH\nENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-${TARGETARCH}\n",
              "FROM debian\nRUN case \"$(uname -m)\" in x86_64) ln -s /usr/lib/x86_64-linux-gnu /opt/lib ;; "
              "aarch64) ln -s /usr/lib/aarch64-linux-gnu /opt/lib ;; *) exit 1 ;; esac\n"}},
    check};

}  // namespace mal::rules
