// lint --probe-downloads: asks web servers whether download URLs exist, before the rules
// run (rules do no I/O). HEAD first, and a one-byte ranged GET where a server refuses
// HEAD (405, 403 and 501 are what S3-style stores and some CDNs answer). Redirects are
// followed as the registry client follows them (http.h: at most 5, never from https down
// to http); a few requests at a time, each bounded by a timeout, a bounded number per run,
// and the answers kept for a TTL under the cache root so a pre-commit hook stays quick.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analyzer/dockerfile/downloads.h"
#include "analyzer/registry/http.h"

namespace mal::registry {

struct UrlProbeOptions {
  std::string cacheRoot;         // answers kept under <cacheRoot>/probe/; empty: no cache
  long ttlSeconds = 24 * 3600;   // how long an answer (exists or missing) is trusted; 0: never
  HttpTimeouts timeouts{5, 10};  // per request: connect, and no byte for this long
  size_t concurrency = 4;        // requests in flight at once
  size_t maxUrls = 200;          // URLs asked per run; the rest are answered "not checked"
};

class UrlProber {
 public:
  explicit UrlProber(UrlProbeOptions options);
  // What the servers say of each URL. A URL is asked once per run, however many files
  // name it; a failure (timeout, 5xx, redirect loop) is an Unknown answer with its reason.
  dockerfile::DownloadAnswers probe(const std::vector<std::string>& urls);
  size_t requestsMade() const { return asked_; }

 private:
  dockerfile::UrlAnswer ask(const std::string& url) const;
  std::optional<dockerfile::UrlAnswer> cached(const std::string& url) const;
  void keep(const std::string& url, const dockerfile::UrlAnswer& answer) const;
  std::string cachePath(const std::string& url) const;

  UrlProbeOptions options_;
  std::map<std::string, dockerfile::UrlAnswer> answers_;  // this run's, by URL
  size_t asked_ = 0;                                      // URLs sent to a server this run
};

}  // namespace mal::registry
