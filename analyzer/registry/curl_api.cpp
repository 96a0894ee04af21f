#include "analyzer/registry/curl_api.h"

#include <csignal>
#include <string>

#include "analyzer/registry/http.h"
#include "analyzer/shared_library.h"

namespace mal::registry {

namespace {

shared_library::Loaded<CurlApi> load() {
  shared_library::Loaded<CurlApi> out;
  // Kept for the life of the process: the transfers' handles live in thread-local pools.
  void* library = shared_library::open(kCurlLibrary, "to look up registries and downloads (Debian: libcurl4)", out.error);
  if (!library) return out;
  CurlApi& a = out.api;
  std::string& e = out.error;
  bool all = true;  // every symbol is looked up; the first missing one is named
  auto need = [&](const char* name, auto& into) { all = shared_library::bind(library, kCurlLibrary, name, into, e) && all; };
  need("curl_global_init", a.global_init);
  need("curl_version_info", a.version_info);
  need("curl_easy_init", a.easy_init);
  need("curl_easy_setopt", a.easy_setopt);
  need("curl_easy_getinfo", a.easy_getinfo);
  need("curl_easy_cleanup", a.easy_cleanup);
  need("curl_easy_strerror", a.easy_strerror);
  need("curl_easy_escape", a.easy_escape);
  need("curl_free", a.free);
  need("curl_getdate", a.getdate);
  need("curl_slist_append", a.slist_append);
  need("curl_slist_free_all", a.slist_free_all);
  need("curl_multi_init", a.multi_init);
  need("curl_multi_cleanup", a.multi_cleanup);
  need("curl_multi_add_handle", a.multi_add_handle);
  need("curl_multi_remove_handle", a.multi_remove_handle);
  need("curl_multi_perform", a.multi_perform);
  need("curl_multi_poll", a.multi_poll);
  need("curl_multi_info_read", a.multi_info_read);
  need("curl_multi_strerror", a.multi_strerror);
  if (!all) return out;
  // CURLOPT_PROTOCOLS_STR and CURLOPT_REDIR_PROTOCOLS_STR, which keep redirects on https,
  // came in 7.85.0; an older libcurl would ignore them.
  const curl_version_info_data* version = a.version_info(CURLVERSION_NOW);
  if (!version || version->version_num < 0x075500) {
    e = std::string(kCurlLibrary) + " is version " + (version && version->version ? version->version : "unknown") +
        "; 7.85.0 or newer is needed";
    return out;
  }
  if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    e = std::string(kCurlLibrary) + " could not be initialised";
    return out;
  }
  // With CURLOPT_NOSIGNAL (needed with threads) libcurl does not guard OpenSSL's writes
  // to a socket the server closed: that must be an error, not the end of the process.
  signal(SIGPIPE, SIG_IGN);
  return out;
}

}  // namespace

const CurlApi& curl() { return shared_library::once<CurlApi, HttpError>(load); }

}  // namespace mal::registry
