#include "analyzer/shared_library.h"

namespace mal::shared_library {

void* open(const char* soname, const char* purpose, std::string& error) {
  void* library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    error = std::string(soname) + " cannot be loaded (" + (why ? why : "unknown reason") + "): it is needed " + purpose;
  }
  return library;
}

}  // namespace mal::shared_library
