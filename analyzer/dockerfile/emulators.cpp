#include "analyzer/dockerfile/emulators.h"

#include <cctype>
#include <string_view>

#include "analyzer/platform.h"
#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"

namespace mal::dockerfile {
namespace {

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// QEMU names its emulators by its own architecture words: qemu-riscv64, qemu-aarch64,
// qemu-system-x86_64, qemu-arm, qemu-ppc64le.
void fromQemu(std::string_view text, std::set<std::string>& out) {
  for (size_t at = text.find("qemu-"); at != std::string_view::npos; at = text.find("qemu-", at + 5)) {
    if (at > 0 && isWordChar(text[at - 1])) continue;
    size_t end = at + 5;
    while (end < text.size() && isWordChar(text[end])) ++end;
    std::string_view name = text.substr(at + 5, end - at - 5);
    if (name == "user" || name == "user-static" || name == "user-binfmt") {
      out.insert("*");
      continue;
    }
    if (name.starts_with("system-")) name.remove_prefix(7);
    if (name.ends_with("-static")) name.remove_suffix(7);
    const auto tokens = vocab::findArchTokens(name);
    if (tokens.size() == 1 && tokens[0].begin == 0 && tokens[0].end == name.size()) out.insert(tokens[0].platform.architecture);
    // `qemu-system-riscv`: QEMU's Debian package of both RISC-V system emulators.
    if (name == "riscv") out.insert("riscv64");
    // `qemu-arm`, `qemu-system-arm`: QEMU's 32-bit ARM emulators, a word the vocabulary leaves
    // alone elsewhere (`arm` alone names no platform in a URL). The kernel a file cross-builds
    // for the Raspberry Pi it boots in qemu-system-arm is that guest's (carlosperate/docker-qemu-rpi-os).
    if (name == "arm" || name == "armeb") out.insert("arm");
  }
}

bool hasWord(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool before = at == 0 || !isWordChar(text[at - 1]);
    const bool after = at + word.size() >= text.size() || !isWordChar(text[at + word.size()]);
    if (before && after) return true;
  }
  return false;
}

}  // namespace

std::set<std::string> emulatedArchitectures(const ParsedDockerfile& file) {
  std::set<std::string> out;
  auto read = [&](const std::string& raw) {
    const std::string text = text::lower(raw);
    fromQemu(text, out);
    if (hasWord(text, "spike") || text.find("riscv-isa-sim") != std::string::npos) out.insert("riscv64");
    if (hasWord(text, "box64") || hasWord(text, "fex-emu") || hasWord(text, "fexinterpreter")) out.insert("amd64");
    if (hasWord(text, "box86")) out.insert("386");
  };
  for (const auto& in : file.instructions) {
    if (in.command != "run" && in.command != "copy" && in.command != "add") continue;
    read(in.line.text);
    for (const auto& heredoc : in.heredocs) read(heredoc.content);
  }
  return out;
}

}  // namespace mal::dockerfile
