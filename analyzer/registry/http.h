// HTTP for the registry client, on libcurl. One primitive: a response whose body is
// pulled as it arrives (libcurl's multi interface driven from read()), so a layer
// streams straight into the layer walker with no temporary file and bounded memory.
// Small documents are the same stream read to a size limit.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/image/streams.h"

namespace mal::registry {

// A transport failure (connect, TLS, timeout, truncated body, redirect loop) or a body
// over its limit. The message is one line and never holds a credential.
struct HttpError : image::StreamError {
  explicit HttpError(const std::string& message, int curlCode = 0, bool retryable = false)
      : image::StreamError(message), curlCode(curlCode), retryable(retryable) {}
  int curlCode;    // the CURLcode, 0 when the failure is not libcurl's
  bool retryable;  // a dropped connection or a timeout, which a new attempt may not meet
};

struct HttpTimeouts {
  long connectSeconds = 15;
  long readSeconds = 30;  // no byte for this long ends the transfer
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD or POST
  std::string url;
  std::vector<std::string> headers;  // "Accept: ...", "Authorization: ..."
  std::string body;                  // for POST
  bool verifyTls = true;
  std::string caFile;  // extra trust (a private registry's CA); empty: the system's
  HttpTimeouts timeouts;
  long maxRedirects = 5;
};

// Calls curl_global_init once, before any thread starts a transfer.
void initHttp();

class HttpResponse : public image::ByteSource {
 public:
  // Starts the transfer and waits for the final response's status (redirects followed).
  explicit HttpResponse(const HttpRequest& request);
  ~HttpResponse() override;
  HttpResponse(const HttpResponse&) = delete;
  HttpResponse& operator=(const HttpResponse&) = delete;

  long status() const { return status_; }
  // A header of the final response by lower-case name; "" when absent.
  std::string header(const std::string& name) const;
  std::string effectiveUrl() const;
  // The body; throws HttpError when the transfer fails part-way.
  size_t read(char* buffer, size_t n) override;
  // The whole body, failing once it passes maxBytes (or Content-Length says it will).
  std::string readAll(size_t maxBytes, const std::string& what);

 private:
  static size_t onHeader(char* data, size_t size, size_t count, void* self);
  static size_t onBody(char* data, size_t size, size_t count, void* self);
  bool pump();     // runs the transfer a step; false once it has ended
  void release();  // frees the libcurl handles
  [[noreturn]] void fail(int code);

  void* easy_ = nullptr;   // CURL*
  void* multi_ = nullptr;  // CURLM*, the thread's (shared by its transfers)
  void* headerList_ = nullptr;
  std::string url_;
  std::string errorBuffer_;
  std::map<std::string, std::string> headers_;
  std::string buffer_;
  size_t bufferPos_ = 0;
  long status_ = 0;
  bool done_ = false;
  int result_ = 0;  // CURLcode once done
};

// The host of an http(s) URL, for messages (never the query, which may hold a token).
std::string urlHost(const std::string& url);

}  // namespace mal::registry
