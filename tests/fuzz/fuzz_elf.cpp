// libFuzzer target: the ELF reader on untrusted bytes (build contexts, image layers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "elf/elf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto result = mal::elf::readElf(std::string_view(reinterpret_cast<const char*>(data), size));
  if (result.facts) {
    (void)result.facts->platform();
    (void)result.facts->describeWithArticle();
  }
  return 0;
}
