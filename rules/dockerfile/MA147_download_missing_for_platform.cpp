#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

using dockerfile::UrlAnswer;

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  if (!ctx.downloads || !ctx.downloadAnswers) return;
  for (const auto& download : *ctx.downloads) {
    std::vector<std::string> missing, unchecked;
    const dockerfile::PlatformUrl* present = nullptr;
    for (const auto& u : download.urls) {
      const auto it = ctx.downloadAnswers->find(u.url);
      const UrlAnswer answer = it == ctx.downloadAnswers->end() ? UrlAnswer{} : it->second;
      switch (answer.state) {
        case UrlAnswer::State::Exists:
          if (!present) present = &u;
          break;
        case UrlAnswer::State::Missing:
          missing.push_back(u.platform.str() + " ('" + u.url + "', HTTP " + std::to_string(answer.status) + ")");
          break;
        case UrlAnswer::State::Unknown:
          unchecked.push_back(u.platform.str() + " ('" + u.url +
                              "': " + (answer.detail.empty() ? std::string("not asked") : answer.detail) + ")");
          break;
      }
    }
    const std::string uncheckedNote = unchecked.empty() ? "" : "; could not be checked for " + text::join(unchecked, ", ");
    // Missing everywhere is a wrong URL, not a platform's problem: only a URL that one
    // target gets and another does not is this rule's.
    if (present && !missing.empty()) {
      out.report(rule, download.span,
                 "the download does not exist for " + text::join(missing, ", ") + ", while '" + present->url + "' exists for " +
                     present->platform.str() + ": the build fails there" + uncheckedNote,
                 "check the vendor's asset names for each architecture (their vocabulary may differ from the "
                 "probe's: x86_64/amd64, aarch64/arm64) and map them in a case on the architecture, or drop those targets");
    } else if (!unchecked.empty()) {
      out.report(rule, download.span, "the download could not be checked for " + text::join(unchecked, ", "),
                 "run again when the server answers, or check the URL by hand", Severity::Warning);
    }
  }
}

}  // namespace

extern const DockerfileRule kMA147 = {
    {.id = "MA147",
     .slug = "download-missing-for-platform",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A download URL exists for one target platform and not for another (lint --probe-downloads)",
     .what = "With `--probe-downloads`, every curl/wget/aria2c URL in a RUN and every `ADD <url>` that depends "
             "on the platform is spelled out for each target platform that runs the stage, in the vocabulary "
             "of its source: `$TARGETARCH` (amd64, arm64), `$(uname -m)` (x86_64, aarch64, armv7l), "
             "`$(dpkg --print-architecture)` (amd64, arm64, armhf, ppc64el), `$(apk --print-arch)` (x86_64, "
             "aarch64, armv7), and the arm of a `case`/`if` on them that the platform takes. Each URL is asked "
             "of its server (HEAD, or a one-byte ranged GET when HEAD is refused). A URL that answers 2xx/3xx "
             "for one target and 404/410 for another is an error naming the platform and the URL; a 5xx, a "
             "timeout or a redirect loop is a warning that the URL could not be checked, never a missing file.",
     .why = "BuildKit runs the same RUN once per target platform with that platform's automatic ARGs (only "
            "where the stage declares them) and, under emulation, `uname -m` and `dpkg --print-architecture` "
            "answer for the target. A vendor that publishes `tool-linux-x86_64` and `tool-linux-aarch64` has no "
            "`tool-linux-arm64`: curl -f stops the build on that platform (without -f, the 404 page is saved as "
            "the binary and fails later with `exec format error` or `not found`).",
     .example = "FROM debian:12\n"
                "ARG TARGETARCH\n"
                "RUN curl -fsSLO https://amd64-only.example.com/tool-linux-${TARGETARCH}.tar.gz\n"
                "# MA147",
     .fix = "Map each platform to the vendor's asset name in a `case` on the architecture (the vendor may say "
            "x86_64 and aarch64 where TARGETARCH says amd64 and arm64), or drop the platforms the vendor does "
            "not publish.",
     .bad = {"FROM debian:12\nARG TARGETARCH\n"
             "RUN curl -fsSLO https://amd64-only.example.com/tool-linux-${TARGETARCH}.tar.gz\n",
             "FROM alpine:3.20\n"
             "RUN wget -q https://amd64-only.example.com/tool-$(uname -m).tar.gz\n",
             "FROM debian:12\nARG TARGETARCH\nADD https://amd64-only.example.com/tool-${TARGETARCH} /usr/local/bin/tool\n"},
     .good = {"FROM debian:12\nARG TARGETARCH\n"
              "RUN curl -fsSLO https://multi.example.com/tool-linux-${TARGETARCH}.tar.gz\n",
              "FROM debian:12\n"
              "RUN case \"$(dpkg --print-architecture)\" in amd64) A=x86_64;; arm64) A=aarch64;; *) exit 1;; esac && "
              "curl -fsSLO https://multi.example.com/tool-$A.tar.gz\n",
              "FROM --platform=$BUILDPLATFORM debian:12\nARG TARGETARCH\n"
              "RUN curl -fsSLO https://amd64-only.example.com/tool-linux-amd64.tar.gz\n"},
     .needsDownloadProbe = true},
    check};

}  // namespace mal::rules
