#include "elf/elf_reader.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace mal::elf {
namespace {

// GNU property note constants (binutils include/elf/common.h), not all in Debian's elf.h.
constexpr uint32_t kNoteGnuPropertyType0 = 5;
constexpr uint32_t kGnuPropertyX86Isa1Needed = 0xc0008002;
constexpr uint32_t kArmAbiFloatSoft = 0x200;
constexpr uint32_t kArmAbiFloatHard = 0x400;
constexpr size_t kMaxStrings = 4096;  // DT_NEEDED entries etc. kept per file

void initLibelf() {
  static std::once_flag once;
  std::call_once(once, [] { elf_version(EV_CURRENT); });
}

struct ElfHandle {
  Elf* elf = nullptr;
  ~ElfHandle() {
    if (elf) elf_end(elf);
  }
};

std::vector<std::string> splitPath(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t colon = s.find(':', start);
    const std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!part.empty()) out.push_back(part);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

// Did the caller keep [offset, offset+size) of the file? Notes what it did not.
bool kept(const Present& present, uint64_t offset, uint64_t size, const char* what, std::string& missing) {
  if (!present || size == 0 || present(offset, size)) return true;
  if (missing.empty())
    missing = std::string(what) + " lies in a part of the file that was not read (see the bound on ELF bytes kept)";
  return false;
}

void readDynamic(Elf* elf, ElfFacts& facts, const Present& present, std::string& missing) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC) continue;
    if (!kept(present, shdr.sh_offset, shdr.sh_size, "the dynamic section", missing)) continue;
    GElf_Shdr strtab;
    if (Elf_Scn* s = elf_getscn(elf, shdr.sh_link);
        s && gelf_getshdr(s, &strtab) && !kept(present, strtab.sh_offset, strtab.sh_size, "the dynamic string table", missing)) {
      continue;
    }
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || shdr.sh_entsize == 0) continue;
    const size_t count = std::min<size_t>(data->d_size / shdr.sh_entsize, 65536);
    for (size_t i = 0; i < count; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn)) break;
      if (dyn.d_tag == DT_NULL) break;
      if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_SONAME) continue;
      const char* name = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
      if (!name) continue;
      const std::string value(name, strnlen(name, 4096));
      if (dyn.d_tag == DT_NEEDED && facts.needed.size() < kMaxStrings) facts.needed.push_back(value);
      if (dyn.d_tag == DT_RUNPATH) facts.runpath = splitPath(value);
      if (dyn.d_tag == DT_RPATH) facts.rpath = splitPath(value);
      if (dyn.d_tag == DT_SONAME) facts.soname = value;
    }
  }
}

// GNU_PROPERTY_X86_ISA_1_NEEDED from .note.gnu.property (x86 only).
void readX86Isa(Elf* elf, ElfFacts& facts, const Present& present, std::string& missing) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE) continue;
    if (!kept(present, shdr.sh_offset, shdr.sh_size, "a note section", missing)) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) continue;
    size_t offset = 0, nameOffset = 0, descOffset = 0;
    GElf_Nhdr note;
    while (offset < data->d_size && (offset = gelf_getnote(data, offset, &note, &nameOffset, &descOffset)) > 0) {
      if (note.n_type != kNoteGnuPropertyType0 || note.n_namesz != 4 ||
          std::memcmp(static_cast<const char*>(data->d_buf) + nameOffset, "GNU", 4) != 0) {
        continue;
      }
      const auto* desc = static_cast<const unsigned char*>(data->d_buf) + descOffset;
      const size_t align = facts.bits == 64 ? 8 : 4;
      size_t p = 0;
      while (p + 8 <= note.n_descsz) {
        uint32_t type, size;
        std::memcpy(&type, desc + p, 4);  // the note is already in host order (libelf converted it)
        std::memcpy(&size, desc + p + 4, 4);
        p += 8;
        if (size > note.n_descsz - p) break;
        if (type == kGnuPropertyX86Isa1Needed && size >= 4) std::memcpy(&facts.x86IsaNeeded, desc + p, 4);
        p += (size + align - 1) / align * align;
      }
    }
  }
}

// An unsigned LEB128 at p (advanced); false when it runs past end or past 64 bits.
bool uleb(const unsigned char*& p, const unsigned char* end, uint64_t& value) {
  value = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7) {
    const unsigned char byte = *p++;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

// The file-scope "aeabi" attributes of SHT_ARM_ATTRIBUTES: 'A', then subsections
// (length, vendor name, then tagged sub-subsections of ULEB128 tag/value pairs; a few
// tags, and odd tags above 32, carry NUL-terminated strings instead).
void readArmAttributes(Elf* elf, ElfFacts& facts, const Present& present, std::string& missing) {
  constexpr uint32_t kShtArmAttributes = 0x70000003;
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != kShtArmAttributes) continue;
    if (!kept(present, shdr.sh_offset, shdr.sh_size, "the ARM attributes", missing)) return;
    Elf_Data* data = elf_rawdata(scn, nullptr);
    if (!data || !data->d_buf || data->d_size < 1) return;
    const auto* p = static_cast<const unsigned char*>(data->d_buf);
    const unsigned char* end = p + data->d_size;
    if (*p++ != 'A') return;
    while (end - p >= 4) {
      uint32_t length = 0;  // in the file's byte order
      for (int i = 0; i < 4; ++i) length |= static_cast<uint32_t>(p[facts.littleEndian ? i : 3 - i]) << (8 * i);
      if (length < 4 || length > static_cast<size_t>(end - p)) return;
      const unsigned char* subEnd = p + length;
      const unsigned char* vendor = p + 4;
      const unsigned char* nul = std::find(vendor, subEnd, 0);
      if (nul == subEnd) return;
      const bool aeabi = std::string_view(reinterpret_cast<const char*>(vendor), static_cast<size_t>(nul - vendor)) == "aeabi";
      const unsigned char* q = nul + 1;
      while (aeabi && subEnd - q >= 5) {
        const unsigned char scope = *q;
        uint32_t size = 0;
        for (int i = 0; i < 4; ++i) size |= static_cast<uint32_t>(q[1 + (facts.littleEndian ? i : 3 - i)]) << (8 * i);
        if (size < 5 || size > static_cast<size_t>(subEnd - q)) return;
        const unsigned char* tagEnd = q + size;
        const unsigned char* t = q + 5;
        while (scope == 1 /* Tag_File */ && t < tagEnd) {
          uint64_t tag = 0, value = 0;
          if (!uleb(t, tagEnd, tag)) return;
          const bool isString = tag == 4 || tag == 5 || tag == 67 || (tag > 32 && (tag & 1));
          if (tag == 32) {  // Tag_compatibility: a flag, then a name
            if (!uleb(t, tagEnd, value)) return;
            t = std::find(t, tagEnd, 0);
            if (t < tagEnd) ++t;
            continue;
          }
          if (isString) {
            t = std::find(t, tagEnd, 0);
            if (t < tagEnd) ++t;
            continue;
          }
          if (!uleb(t, tagEnd, value)) return;
          const int v = value > 255 ? 255 : static_cast<int>(value);
          if (tag == 6) facts.armCpuArch = v;
          if (tag == 7) facts.armProfile = v;
          if (tag == 10) facts.armFpArch = v;
          if (tag == 12) facts.armSimdArch = v;
        }
        q = tagEnd;
      }
      p = subEnd;
    }
    return;
  }
}

}  // namespace

bool hasElfMagic(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) ==
                                  "\x7f"
                                  "ELF";
}

ElfResult readElf(std::string_view bytes) {
  // elf_memory may convert data in place: give it a private copy.
  std::string image(bytes);
  return readElfInPlace(image.data(), image.size());
}

ElfResult readElfInPlace(char* data, size_t size, const Present& present) {
  ElfResult result;
  const std::string_view image(data, size);
  result.isElf = hasElfMagic(image);
  if (!result.isElf) return result;
  // libelf takes an unknown class or byte order for a file of no known kind and has no error
  // to name ("no error"): say what is wrong, or MA209 reports a file it gave up on without why.
  const auto identIs = [&](int index, unsigned char a, unsigned char b) {
    return static_cast<unsigned char>(image[index]) == a || static_cast<unsigned char>(image[index]) == b;
  };
  if (image.size() >= EI_NIDENT && !(identIs(EI_CLASS, ELFCLASS32, ELFCLASS64) && identIs(EI_DATA, ELFDATA2LSB, ELFDATA2MSB))) {
    result.error = "damaged ELF header: unknown class or byte order";
    return result;
  }
  initLibelf();
  ElfHandle handle;
  handle.elf = elf_memory(data, size);
  if (!handle.elf || elf_kind(handle.elf) != ELF_K_ELF) {
    result.error = std::string("not a readable ELF file: ") + elf_errmsg(-1);
    return result;
  }
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(handle.elf, &ehdr)) {
    result.error = std::string("damaged ELF header: ") + elf_errmsg(-1);
    return result;
  }
  ElfFacts facts;
  facts.machine = ehdr.e_machine;
  facts.bits = ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? 32 : 0;
  facts.littleEndian = ehdr.e_ident[EI_DATA] == ELFDATA2LSB;
  facts.type = ehdr.e_type;
  facts.flags = ehdr.e_flags;
  if (facts.bits == 0 || (ehdr.e_ident[EI_DATA] != ELFDATA2LSB && ehdr.e_ident[EI_DATA] != ELFDATA2MSB)) {
    result.error = "damaged ELF header: unknown class or byte order";
    return result;
  }
  if (facts.machine == EM_ARM) {
    if (facts.flags & kArmAbiFloatHard) facts.armFloatAbi = FloatAbi::Hard;
    else if (facts.flags & kArmAbiFloatSoft) facts.armFloatAbi = FloatAbi::Soft;
  }
  std::string missing;
  size_t phnum = 0;
  if (elf_getphdrnum(handle.elf, &phnum) == 0) {
    phnum = std::min<size_t>(phnum, 65535);
    for (size_t i = 0; i < phnum; ++i) {
      GElf_Phdr phdr;
      if (!gelf_getphdr(handle.elf, static_cast<int>(i), &phdr)) break;
      if (phdr.p_type == PT_LOAD && phdr.p_align > 0) {
        facts.minLoadAlign = facts.minLoadAlign == 0 ? phdr.p_align : std::min(facts.minLoadAlign, phdr.p_align);
      }
      if (phdr.p_type == PT_INTERP && phdr.p_offset < image.size() && phdr.p_filesz > 0 &&
          kept(present, phdr.p_offset, std::min<uint64_t>(phdr.p_filesz, 4096), "the interpreter's name", missing)) {
        const size_t length = std::min<uint64_t>(phdr.p_filesz, std::min<uint64_t>(image.size() - phdr.p_offset, 4096));
        facts.interpreter.assign(image.data() + phdr.p_offset, strnlen(image.data() + phdr.p_offset, length));
      }
    }
  }
  readDynamic(handle.elf, facts, present, missing);
  if (facts.machine == EM_ARM) readArmAttributes(handle.elf, facts, present, missing);
  if (facts.machine == EM_X86_64 || facts.machine == EM_386) readX86Isa(handle.elf, facts, present, missing);
  result.facts = std::move(facts);
  result.error = missing;
  return result;
}

std::optional<Platform> ElfFacts::platform() const {
  Platform p;
  switch (machine) {
    case EM_X86_64: p.architecture = bits == 64 ? "amd64" : "amd64p32"; break;
    case EM_386: p.architecture = "386"; break;
    case EM_AARCH64: p.architecture = littleEndian ? "arm64" : "arm64be"; break;
    case EM_ARM:
      // The variant cannot be told from the header alone (Alpine's arm/v6 is hard-float,
      // Debian's armel soft-float v5); the float ABI stays in armFloatAbi for MA207.
      p.architecture = "arm";
      break;
    case EM_PPC64: p.architecture = littleEndian ? "ppc64le" : "ppc64"; break;
    case EM_S390: p.architecture = bits == 64 ? "s390x" : "s390"; break;
    case EM_RISCV: p.architecture = bits == 64 ? "riscv64" : "riscv32"; break;
    case EM_MIPS:
      p.architecture = bits == 64 ? (littleEndian ? "mips64le" : "mips64") : (littleEndian ? "mipsle" : "mips");
      break;
    case 258 /* EM_LOONGARCH */: p.architecture = "loong64"; break;
    default: return std::nullopt;
  }
  return p;
}

std::string ElfFacts::describe() const {
  switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64";
    case EM_ARM:
      return armFloatAbi == FloatAbi::Hard ? "ARM hard-float" : armFloatAbi == FloatAbi::Soft ? "ARM soft-float" : "ARM";
    case EM_PPC64: return littleEndian ? "PowerPC64 little-endian" : "PowerPC64 big-endian";
    case EM_S390: return bits == 64 ? "IBM S/390x" : "IBM S/390";
    case EM_RISCV: return bits == 64 ? "RISC-V 64-bit" : "RISC-V 32-bit";
    case EM_MIPS: return "MIPS";
    default: return "machine " + std::to_string(machine);
  }
}

std::string ElfFacts::describeWithArticle() const {
  const std::string d = describe();
  // Said aloud: "an ex-eighty-six", "an ARM", "an IBM", but "a PowerPC", "a RISC-V".
  const bool vowelSound = d.rfind("x86", 0) == 0 || d.rfind("i386", 0) == 0 || d.rfind("ARM", 0) == 0 ||
                          d.rfind("AArch", 0) == 0 || d.rfind("IBM", 0) == 0;
  return (vowelSound ? "an " : "a ") + d;
}

bool ElfFacts::runsOn(const Platform& target) const {
  const auto mine = platform();
  if (!mine) return false;
  // An x86-64 kernel runs i386 code (IA32 emulation, on in every mainstream distribution's
  // kernel): libc6-i386 in an amd64 image is a multilib, not a foreign binary. The build
  // oracle showed the build run it. (AArch32 on arm64 is not assumed: many arm64 cores lack it.)
  return mine->architecture == target.architecture || (mine->architecture == "386" && target.architecture == "amd64");
}

}  // namespace mal::elf
