// The downloads a build makes, with each URL spelled out for every target platform that
// runs it, for `lint --probe-downloads`: a URL built from the architecture can be asked
// for (by the caller, before the rules run) once per platform. No I/O here.
//
// A URL counts when it is a curl/wget/aria2c argument in a RUN, or an `ADD <url>` source,
// and it is expanded the way the build would expand it on each target platform:
// - ARG/ENV of the stage and of the stage it is based on (BuildKit keeps the base's
//   environment), the automatic platform ARGs only where the stage declares them;
// - in the RUN, shell assignments before the download, command substitutions of the
//   architecture probes in their own vocabulary (`uname -m` says aarch64 where
//   `dpkg --print-architecture` says arm64), and the arms of a `case`/`if`/`&&` on them
//   that the platform takes.
// Only stages that run on the target platform are followed (a pinned or build-machine
// stage downloads one architecture whatever the target), and only URLs that expand
// completely on every platform that runs them and differ between platforms are kept.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/dockerfile/build_model.h"
#include "analyzer/dockerfile/stage_graph.h"
#include "analyzer/platform.h"

namespace mal::dockerfile {

struct PlatformUrl {
  Platform platform;
  std::string url;
};

struct Download {
  size_t instruction = 0;  // the RUN or ADD
  size_t stage = 0;
  Span span;                      // the URL word as written
  std::string written;            // the URL as written (quotes removed)
  std::vector<PlatformUrl> urls;  // one per target platform that downloads it, in target order
};

// Every platform-dependent download of the file (see above).
std::vector<Download> findDownloads(const ParsedDockerfile& file, const BuildModel& model, const StageGraph& graph);

// What an architecture probe prints on a platform: `uname -m`/`arch` (x86_64, aarch64,
// armv7l, ...), `dpkg --print-architecture` (amd64, arm64, armhf, ppc64el, ...),
// `apk --print-arch` (x86_64, aarch64, armv7, ...). nullopt for another command or a
// platform the tool has no name for.
std::optional<std::string> archProbeOutput(const std::vector<std::string>& words, const Platform& platform);

// What a server said about one URL.
struct UrlAnswer {
  enum class State { Exists, Missing, Unknown } state = State::Unknown;
  long status = 0;     // the final HTTP status, 0 when there was none
  std::string detail;  // for Unknown: why (timeout, 503, redirect loop)
};
using DownloadAnswers = std::map<std::string, UrlAnswer>;  // by URL

}  // namespace mal::dockerfile
