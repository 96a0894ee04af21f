// libFuzzer target: the ELF reader on untrusted bytes (build contexts, image layers): the
// headers, the dynamic section, GNU property notes and ARM build attributes, read whole and
// as a huge file is read from a layer (its middle third not kept).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "elf/elf_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto result = mal::elf::readElf(bytes);
  if (result.facts) {
    (void)result.facts->platform();
    (void)result.facts->describeWithArticle();
  }
  std::string copy(bytes);
  const uint64_t from = size / 3, to = size - size / 3;
  std::fill(copy.begin() + static_cast<std::ptrdiff_t>(from), copy.begin() + static_cast<std::ptrdiff_t>(to), '\0');
  (void)mal::elf::readElfInPlace(copy.data(), copy.size(),
                                 [&](uint64_t offset, uint64_t n) { return offset + n <= from || offset >= to; });
  return 0;
}
