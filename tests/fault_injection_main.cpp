// Linked with cli/main.cpp into multiarch-lint-faults, a build of the binary for the suite
// only: MAL_INJECT_FAULT=<point>:<kind> makes the named fault point (analyzer/fault_injection.h)
// throw std::bad_alloc (kind bad_alloc) or std::logic_error (kind logic_error).
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "analyzer/fault_injection.h"

namespace {

std::string point, kind;

void inject(const char* where) {
  if (point != where) return;
  if (kind == "bad_alloc") throw std::bad_alloc();
  throw std::logic_error("injected logic_error at the " + point + " fault point");
}

const bool installed = [] {
  const char* spec = std::getenv("MAL_INJECT_FAULT");
  if (!spec || !std::strchr(spec, ':')) return false;
  const std::string s(spec);
  point = s.substr(0, s.find(':'));
  kind = s.substr(s.find(':') + 1);
  mal::testing::faultHook.store(inject);
  return true;
}();

}  // namespace
