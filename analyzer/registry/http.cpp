#include "analyzer/registry/http.h"

#include <algorithm>
#include <cstring>

#include "analyzer/registry/curl_api.h"
#include "analyzer/text_util.h"

namespace mal::registry {
namespace {

CURL* easy(void* p) { return static_cast<CURL*>(p); }
CURLM* multi(void* p) { return static_cast<CURLM*>(p); }

// One multi handle per thread: its connection pool keeps connections (and TLS sessions)
// open between the requests of a scan, and its CA store cache spares parsing the system
// bundle for each request. Multi handles are not thread-safe, hence one per thread.
CURLM* threadMulti() {
  struct Holder {
    CURLM* handle = curl().multi_init();
    ~Holder() { curl().multi_cleanup(handle); }
  };
  thread_local Holder holder;
  return holder.handle;
}

}  // namespace

void initHttp() {
  // Loads libcurl (once, under std::call_once) before the threads start. A libcurl that
  // cannot be loaded is said by the first request, where the failure names its input.
  try {
    curl();
  } catch (const HttpError&) {
  }
}

std::string urlHost(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const size_t end = url.find_first_of("/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);  // never user:password
  return host;
}

HttpResponse::HttpResponse(const HttpRequest& request) : url_(request.url), errorBuffer_(CURL_ERROR_SIZE + 1, '\0') {
  const CurlApi& api = curl();  // throws HttpError when libcurl cannot be loaded
  easy_ = api.easy_init();
  multi_ = threadMulti();
  if (!easy_ || !multi_) {
    release();
    throw HttpError("cannot start an HTTP transfer (out of memory)");
  }
  CURL* e = easy(easy_);
  api.easy_setopt(e, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(e, CURLOPT_ERRORBUFFER, errorBuffer_.data());
  api.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(e, CURLOPT_PRIVATE, this);  // for routing the multi handle's messages
  api.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects (to blob storage) are followed, but never from https down to plain http.
  const bool https = request.url.rfind("https://", 0) == 0;
  api.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
  api.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(e, CURLOPT_MAXREDIRS, request.maxRedirects);
  api.easy_setopt(e, CURLOPT_CONNECTTIMEOUT, request.timeouts.connectSeconds);
  // A read timeout: less than one byte a second for readSeconds ends the transfer.
  api.easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api.easy_setopt(e, CURLOPT_LOW_SPEED_TIME, request.timeouts.readSeconds);
  api.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L);
  api.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
  if (!request.caFile.empty()) api.easy_setopt(e, CURLOPT_CAINFO, request.caFile.c_str());
  api.easy_setopt(e, CURLOPT_USERAGENT, "multiarch-lint/" MAL_VERSION);
  if (request.method == "HEAD") {
    api.easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    api.easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    api.easy_setopt(e, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& h : request.headers) list = api.slist_append(list, h.c_str());
  headerList_ = list;
  if (list) api.easy_setopt(e, CURLOPT_HTTPHEADER, list);
  api.easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpResponse::onHeader);
  api.easy_setopt(e, CURLOPT_HEADERDATA, this);
  api.easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpResponse::onBody);
  api.easy_setopt(e, CURLOPT_WRITEDATA, this);
  api.multi_add_handle(multi(multi_), e);

  // The status is known once the final response's body starts, or the transfer ends.
  try {
    while (!done_ && buffer_.empty()) pump();
    if (done_ && result_ != CURLE_OK && buffer_.empty()) fail(result_);
  } catch (...) {
    release();  // a constructor that throws has no destructor run
    throw;
  }
  api.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status_);
}

HttpResponse::~HttpResponse() { release(); }

void HttpResponse::release() {
  // Only a response whose constructor loaded libcurl has anything to free.
  if (!easy_ && !multi_ && !headerList_) return;
  const CurlApi& api = curl();
  if (multi_ && easy_) api.multi_remove_handle(multi(multi_), easy(easy_));  // the connection stays pooled
  if (easy_) api.easy_cleanup(easy(easy_));
  api.slist_free_all(static_cast<curl_slist*>(headerList_));
  easy_ = multi_ = headerList_ = nullptr;
}

size_t HttpResponse::onHeader(char* data, size_t size, size_t count, void* self) {
  auto* r = static_cast<HttpResponse*>(self);
  const std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    r->headers_.clear();  // a new response (after a redirect or a 100 Continue)
  } else if (const size_t colon = line.find(':'); colon != std::string::npos) {
    r->headers_[text::lower(text::trim(line.substr(0, colon)))] = text::trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t HttpResponse::onBody(char* data, size_t size, size_t count, void* self) {
  auto* r = static_cast<HttpResponse*>(self);
  // libcurl hands over at most a few buffers per step, so this stays small.
  r->buffer_.append(data, size * count);
  return size * count;
}

bool HttpResponse::pump() {
  const CurlApi& api = curl();
  int running = 0;
  if (const CURLMcode mc = api.multi_perform(multi(multi_), &running); mc != CURLM_OK) {
    throw HttpError(urlHost(url_) + ": " + api.multi_strerror(mc));
  }
  // The thread's multi handle may carry another live response (a token request made while
  // a challenge is open): each message goes to the response it belongs to.
  int left = 0;
  while (CURLMsg* msg = api.multi_info_read(multi(multi_), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    HttpResponse* owner = nullptr;
    api.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &owner);
    if (!owner) continue;
    owner->done_ = true;
    owner->result_ = msg->data.result;
  }
  if (done_) return false;
  if (buffer_.size() == bufferPos_) api.multi_poll(multi(multi_), nullptr, 0, 250, nullptr);
  return true;
}

void HttpResponse::fail(int code) {
  // libcurl writes a C string into the buffer: the message ends at its first NUL.
  const std::string detail = errorBuffer_.substr(0, errorBuffer_.find('\0'));
  std::string message = urlHost(url_) + ": " + curl().easy_strerror(static_cast<CURLcode>(code));
  if (!detail.empty()) message += " (" + detail + ")";
  // Failures of the connection (not of TLS verification, names or redirects) may pass.
  const bool retryable = code == CURLE_COULDNT_CONNECT || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
                         code == CURLE_GOT_NOTHING || code == CURLE_OPERATION_TIMEDOUT || code == CURLE_PARTIAL_FILE;
  throw HttpError(message, code, retryable);
}

std::string HttpResponse::header(const std::string& name) const {
  const auto it = headers_.find(name);
  return it == headers_.end() ? std::string() : it->second;
}

std::string HttpResponse::effectiveUrl() const {
  char* url = nullptr;
  curl().easy_getinfo(easy(easy_), CURLINFO_EFFECTIVE_URL, &url);
  return url ? url : url_;
}

size_t HttpResponse::read(char* buffer, size_t n) {
  while (bufferPos_ == buffer_.size()) {
    buffer_.clear();
    bufferPos_ = 0;
    if (done_) {
      if (result_ != CURLE_OK) fail(result_);
      return 0;
    }
    pump();
  }
  const size_t take = std::min(n, buffer_.size() - bufferPos_);
  std::memcpy(buffer, buffer_.data() + bufferPos_, take);
  bufferPos_ += take;
  return take;
}

std::string HttpResponse::readAll(size_t maxBytes, const std::string& what) {
  const std::string length = header("content-length");
  if (!length.empty() && length.find_first_not_of("0123456789") == std::string::npos && length.size() < 19 &&
      std::stoull(length) > maxBytes) {
    throw HttpError(what + " is " + length + " bytes, over the " + std::to_string(maxBytes) + "-byte limit");
  }
  std::string body;
  char chunk[1 << 16];
  while (const size_t n = read(chunk, sizeof chunk)) {
    if (body.size() + n > maxBytes) throw HttpError(what + " is over the " + std::to_string(maxBytes) + "-byte limit");
    body.append(chunk, n);
  }
  return body;
}

}  // namespace mal::registry
