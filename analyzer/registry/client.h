// An OCI distribution client (the pull half): manifests by tag or digest with the
// Accept headers of OCI and Docker indexes and manifests, blobs small (into memory,
// bounded) or large (streamed). It answers authentication challenges (anonymous or
// credentialed bearer tokens from WWW-Authenticate, basic auth), retries 429 and 5xx
// with backoff honouring Retry-After, and speaks plain HTTP only to loopback registries
// or those named insecure. Every failure is an HttpError with a one-line message that
// names the registry, never a credential.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "analyzer/registry/credentials.h"
#include "analyzer/registry/http.h"
#include "analyzer/registry/reference.h"

namespace mal::registry {

struct ClientOptions {
  std::set<std::string> insecureRegistries;  // host[:port]: plain HTTP or unverified TLS allowed
  std::string caFile;                        // extra CA certificates (PEM) for private registries
  HttpTimeouts timeouts;
  int maxAttempts = 3;               // per request, on 429, 5xx and dropped connections
  double maxRetryAfterSeconds = 60;  // a longer Retry-After fails at once, with the reason
  std::string dockerConfigDir;       // empty: $DOCKER_CONFIG, else ~/.docker
};

// What the client did: the tests and `--verbose` read these to show what was fetched.
struct ClientCounters {
  std::atomic<size_t> requests{0};
  std::atomic<size_t> manifests{0};  // manifest documents fetched
  std::atomic<size_t> blobs{0};      // small blobs (configs) fetched
  std::atomic<size_t> layers{0};     // blobs streamed (layers)
  std::atomic<size_t> retries{0};
  std::atomic<size_t> tokens{0};  // bearer tokens obtained
};

// One parsed WWW-Authenticate challenge: `Bearer realm="...",service="...",scope="..."`.
struct Challenge {
  std::string scheme;  // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;
};
std::optional<Challenge> parseChallenge(const std::string& header);
// Retry-After as seconds (a number or an HTTP date); nullopt when absent or unreadable.
std::optional<double> parseRetryAfter(const std::string& value);

// Accept header value for manifests: OCI index and manifest, Docker list and v2 manifest.
extern const char* const kManifestAccept;

class RegistryClient {
 public:
  explicit RegistryClient(ClientOptions options = {});

  struct Document {
    std::string bytes;
    std::string mediaType;  // declared, else from Content-Type, else by shape (image::documentMediaType)
    std::string digest;     // sha256 of the bytes
  };
  // GET /v2/<repo>/manifests/<tag or digest>; a digest is checked against the bytes.
  Document manifest(const Reference& ref, const std::string& tagOrDigest, size_t maxBytes);
  // GET /v2/<repo>/blobs/<digest>, whole, bounded (the caller checks the digest).
  std::string blob(const Reference& ref, const std::string& digest, size_t maxBytes);
  // The same, streamed: the caller reads it (through a digesting source) as it arrives.
  std::unique_ptr<image::ByteSource> openBlob(const Reference& ref, const std::string& digest);

  const ClientCounters& counters() const { return counters_; }
  const ClientOptions& options() const { return options_; }

 private:
  std::unique_ptr<HttpResponse> open(const HttpRequest& request);  // counted; a TLS failure says how to fix it
  std::unique_ptr<HttpResponse> get(const Reference& ref, const std::string& path, const std::string& accept);
  struct Body {
    std::string bytes, contentType;
  };
  // A GET answered 200 and read whole, bounded; a body cut short is asked for again.
  Body fetch(const Reference& ref, const std::string& path, const std::string& accept, size_t maxBytes, const std::string& what);
  std::string endpoint(const Reference& ref);  // "https://host" or, when allowed and needed, "http://host"
  bool insecure(const Reference& ref) const;
  HttpRequest baseRequest(const Reference& ref) const;
  void authorize(const Reference& ref, const HttpResponse& response);
  [[noreturn]] void failStatus(const Reference& ref, HttpResponse& response, const std::string& what);

  ClientOptions options_;
  ClientCounters counters_;
  std::mutex mutex_;                                   // guards the maps below
  std::map<std::string, std::string> endpoints_;       // registry -> scheme://host
  std::map<std::string, std::string> authorizations_;  // registry + " " + repository -> header value
};

}  // namespace mal::registry
