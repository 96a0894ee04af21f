// Libraries opened with dlopen the first time a command needs them, not when the program
// starts. The dynamic loader's relocations of a library and its dependencies are most of a
// short `lint` process (a pre-commit hook runs one per file): libcurl and its ~35 libraries,
// libcrypto (OpenSSL) and libarchive with libxml2, ICU, nettle and the compressors were
// about 80% of the symbol bindings of a lint of a two-line Dockerfile, and lint needs none
// of them unless it makes a request, reads an image or writes a fingerprint.
#pragma once

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace mal::shared_library {

// `soname` opened for the rest of the process (never closed: handles made from it may live
// in thread-local pools); nullptr with `error` set to one line naming it and `purpose` ("to
// read images") when it cannot be.
void* open(const char* soname, const char* purpose, std::string& error);

// The function `name` of `library` into `into`. A missing one sets `error` (the first only)
// to "<soname> has no <name>" and leaves `into` null.
template <typename Function>
bool bind(void* library, const char* soname, const char* name, Function& into, std::string& error) {
  void* symbol = dlsym(library, name);
  if (!symbol) {
    if (error.empty()) error = std::string(soname) + " has no " + name;
    return false;
  }
  // POSIX guarantees that a dlsym result converts to a function pointer.
  into = reinterpret_cast<Function>(symbol);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  return true;
}

// A library's functions, or why they cannot be used (empty when they can).
template <typename Api>
struct Loaded {
  Api api{};
  std::string error;
};

// What `load` gives, made once for the process (thread-safe: one per Api type); throws
// Error(why) on every call when the library cannot be used.
template <typename Api, typename Error>
const Api& once(Loaded<Api> (*load)()) {
  static std::once_flag flag;
  static Loaded<Api> loaded;
  std::call_once(flag, [&] { loaded = load(); });
  if (!loaded.error.empty()) throw Error(loaded.error);
  return loaded.api;
}

}  // namespace mal::shared_library
