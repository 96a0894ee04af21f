// libcurl, loaded when the first request is made instead of when the program starts.
// libcurl and the ~35 libraries it needs (TLS, HTTP/2, IDN, LDAP, SSH, Kerberos) cost more
// than half of a `lint` process's start-up, all of it in the dynamic loader's relocations
// (callgrind on a two-line Dockerfile: 13 of 24 million instructions), and most runs of
// `lint` (a pre-commit hook: no --resolve, no download probe) never make a request.
#pragma once

#include <curl/curl.h>

namespace mal::registry {

// The libcurl functions the registry client and the download probe call, by the names of
// the functions they stand for.
struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_version_info) version_info;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_easy_escape) easy_escape;
  decltype(&curl_free) free;
  decltype(&curl_getdate) getdate;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_multi_init) multi_init;
  decltype(&curl_multi_cleanup) multi_cleanup;
  decltype(&curl_multi_add_handle) multi_add_handle;
  decltype(&curl_multi_remove_handle) multi_remove_handle;
  decltype(&curl_multi_perform) multi_perform;
  decltype(&curl_multi_poll) multi_poll;
  decltype(&curl_multi_info_read) multi_info_read;
  decltype(&curl_multi_strerror) multi_strerror;
};

// The soname loaded: the one the build linked against (Debian's libcurl4).
constexpr const char* kCurlLibrary = "libcurl.so.4";

// libcurl, loaded and globally initialised once (thread-safe). Throws HttpError with a
// one-line cause ("libcurl.so.4 cannot be loaded: ...", or a version older than 7.85, which
// lacks CURLOPT_PROTOCOLS_STR) when it cannot be used.
const CurlApi& curl();

}  // namespace mal::registry
