#include "analyzer/registry/curl_api.h"

#include <dlfcn.h>

#include <csignal>
#include <mutex>
#include <string>

#include "analyzer/registry/http.h"

namespace mal::registry {

namespace {

struct Loaded {
  CurlApi api{};
  std::string error;  // why it cannot be used; empty when it can
};

template <typename Function>
bool bind(void* library, const char* name, Function& into, std::string& error) {
  void* symbol = dlsym(library, name);
  if (!symbol) {
    if (error.empty()) error = std::string(kCurlLibrary) + " has no " + name;
    return false;
  }
  // POSIX guarantees that a dlsym result converts to a function pointer.
  into = reinterpret_cast<Function>(symbol);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  return true;
}

Loaded load() {
  Loaded out;
  // Kept for the life of the process: the transfers' handles live in thread-local pools.
  void* library = dlopen(kCurlLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    out.error = std::string(kCurlLibrary) + " cannot be loaded (" + (why ? why : "unknown reason") +
                "): install libcurl4 to look up registries and downloads";
    return out;
  }
  CurlApi& a = out.api;
  std::string& e = out.error;
  bool all = true;  // every symbol is looked up; the first missing one is named
  auto need = [&](const char* name, auto& into) { all = bind(library, name, into, e) && all; };
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

const CurlApi& curl() {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  if (!loaded.error.empty()) throw HttpError(loaded.error);
  return loaded.api;
}

}  // namespace mal::registry
