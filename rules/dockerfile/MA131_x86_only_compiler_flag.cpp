// MA131 and MA132: compiler flags tied to x86 (rejected by other compilers) or to the
// build machine's CPU. One file: the same scan, two verdicts.
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/text_util.h"
#include "rules/data/rule_data.h"
#include "rules/dockerfile/context.h"
#include "rules/dockerfile/shell_helpers.h"
#include "rules/dockerfile/text_sites.h"

namespace mal::rules {
namespace {

// The flags in a text: whitespace-separated pieces, quotes and `VAR=` removed.
template <typename Visit>
void forEachFlag(std::string_view written, Visit visit) {
  const std::string text(written);
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == '"' || text[i] == '\'')) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '"' && text[i] != '\'') ++i;
    std::string piece = text.substr(start, i - start);
    // CFLAGS=-mavx2 / RUSTFLAGS=-Ctarget-cpu=native
    const size_t eq = piece.find("=-");
    if (eq != std::string::npos && piece[0] != '-') {
      start += eq + 1;
      piece = piece.substr(eq + 1);
    }
    if ((piece.size() > 1 && piece[0] == '-') || piece.rfind("target-cpu=", 0) == 0) visit(piece, start);
  }
}

bool holdsX86Flag(const std::string& text) {
  bool found = false;
  forEachFlag(text, [&](const std::string& flag, size_t) { found = found || data::isX86OnlyFlag(flag); });
  return found;
}

// A sed substitution (`sed -i 's:-msse -msse2:-msse -msse2:g' kaldi.mk`) writes its replacement
// only where its pattern matched. A pattern that holds an x86 flag matches only the files an x86
// build wrote (Kaldi's configure puts -msse into kaldi.mk on x86 only), so the replacement lands
// in those alone (alphacep/vosk-server's Dockerfiles); a flag in the pattern alone is removed,
// not added. Only a replacement that adds an x86 flag where the pattern names none is judged.
bool sedWritesNoX86FlagElsewhere(const TextSite& site) {
  if (!site.command || site.command->name() != "sed") return false;
  const std::string expression(text::withoutQuotes(site.text));
  if (expression.size() < 4 || expression[0] != 's') return false;
  const char delimiter = expression[1];
  if (std::isalnum(static_cast<unsigned char>(delimiter)) || std::isspace(static_cast<unsigned char>(delimiter)) ||
      delimiter == '\\') {
    return false;
  }
  std::vector<std::string> parts(1);
  for (size_t i = 2; i < expression.size() && parts.size() < 3; ++i) {
    if (expression[i] == '\\' && i + 1 < expression.size()) {
      parts.back() += expression.substr(i, 2);
      ++i;
    } else if (expression[i] == delimiter) {
      parts.emplace_back();
    } else {
      parts.back() += expression[i];
    }
  }
  if (parts.size() < 3) return false;  // not a whole `s/pattern/replacement/`
  return holdsX86Flag(parts[0]) || !holdsX86Flag(parts[1]);
}

void checkX86(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  std::set<size_t> reported;
  forEachTextSite(ctx, [&](const TextSite& site) {
    if (site.variesByArch || reported.count(site.instruction)) return;
    if (sedWritesNoX86FlagElsewhere(site)) return;
    forEachFlag(site.text, [&](const std::string& flag, size_t at) {
      if (reported.count(site.instruction) || !data::isX86OnlyFlag(flag)) return;
      const auto nonX86 = ctx.stages->brokenWhere(
          site.stage, [](const Platform& target) { return target.architecture == "amd64" || target.architecture == "386"; });
      if (nonX86.empty()) return;
      reported.insert(site.instruction);
      out.report(rule, site.span(at, at + flag.size()),
                 "'" + flag + "' is an x86 compiler flag: the compilers for " + platformList(nonX86) + " reject it",
                 "set it only for x86 (in an arch switch on $TARGETARCH or `uname -m`), or use runtime dispatch "
                 "(function multiversioning, e.g. __attribute__((target_clones)))",
                 std::nullopt, nonX86);
    });
  });
}

// A CPU model, not an architecture: on its own the finding is a note (a benchmark built and
// run on one machine wants exactly this). It becomes a warning when one build is declared to
// make the image for several architectures: such an image is pushed for other machines, and
// each foreign platform's stage runs its compiler under QEMU, whose CPU is what `native` reads.
void checkHostTuned(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  const bool publishedForSeveral = ctx.options && !ctx.options->multiPlatformBuildDeclaredBy.empty();
  std::set<size_t> reported;
  forEachTextSite(ctx, [&](const TextSite& site) {
    if (reported.count(site.instruction)) return;
    forEachFlag(site.text, [&](const std::string& flag, size_t at) {
      if (reported.count(site.instruction) || !data::isHostTunedFlag(flag)) return;
      reported.insert(site.instruction);
      std::string message = "'" + flag +
                            "' tunes the code for the machine that builds the image (under emulation, QEMU's CPU), not "
                            "the ones that run it: the binary may crash with `illegal instruction`";
      if (publishedForSeveral)
        message += "; " + ctx.options->multiPlatformBuildDeclaredBy + " builds it for several architectures";
      out.report(rule, site.span(at, at + flag.size()), std::move(message),
                 "name a baseline instead: -march=x86-64-v2 on x86, -march=armv8-a on arm64, or runtime dispatch",
                 publishedForSeveral ? std::optional(Severity::Warning) : std::nullopt);
    });
  });
}

}  // namespace

extern const DockerfileRule kMA131 = {
    {.id = "MA131",
     .slug = "x86-only-compiler-flag",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "An x86-only compiler flag that other architectures' compilers reject",
     .what = "`-mavx*`, `-msse*`, `-mfma`, `-mbmi*`, `-m32`, `-march=x86-64-v3`/`haswell`/`skylake*`/`znver*` ... in RUN "
             "commands, CFLAGS-style assignments, ENV or ARG values, outside an architecture switch. In a sed "
             "substitution only a replacement that adds such a flag where its pattern names none: a pattern holding "
             "one matches only what an x86 build wrote (`sed -i 's:-msse -msse2:-msse -msse2 -O3:' kaldi.mk`), and a "
             "flag in the pattern alone is removed.",
     .why = "gcc and clang for arm64, ppc64le or s390x stop with `unrecognized command-line option '-mavx2'`: the build "
            "fails on every non-x86 platform.",
     .example = "FROM debian\n"
                "ENV CFLAGS=\"-O2 -mavx2 -mfma\"\n"
                "# MA131",
     .fix = "Set such flags only for x86 (an arch switch), or use function multiversioning / runtime dispatch.",
     .bad = {"FROM debian\nENV CFLAGS=\"-O2 -mavx2 -mfma\"\n", "FROM gcc:13\nRUN gcc -O3 -march=haswell -o /app main.c\n",
             "FROM debian\nRUN CXXFLAGS='-O2 -msse4.2' make\n",
             "FROM debian\nRUN ./configure && sed -i 's:-O2:-O2 -mavx2:g' config.mk && make\n"},
     .good = {"FROM debian\nENV CFLAGS=\"-O2 -pipe\"\n",
              "FROM debian\nRUN ./configure && sed -i 's:-msse -msse2:-msse -msse2 -O3:g' kaldi.mk && make\n",
              "FROM debian\nRUN ./configure && sed -i 's/ -mavx2//' config.mk && make\n",
              "FROM debian\nRUN case \"$(uname -m)\" in x86_64) export CFLAGS=-mavx2 ;; esac; make\n"}},
    checkX86};

extern const DockerfileRule kMA132 = {
    {.id = "MA132",
     .slug = "host-tuned-compiler-flag",
     .severity = Severity::Info,
     .analysis = Analysis::Dockerfile,
     .summary = "-march=native (or -mcpu=native, target-cpu=native) tunes the image to the build machine",
     .what = "`-march=native`, `-mcpu=native`, `-C target-cpu=native` in RUN, ENV or ARG. A note on its own: it ties "
             "the image to a CPU model, not to an architecture, and an image built and run on one machine (a "
             "benchmark) wants exactly that. A warning when one build is declared to make the image for several "
             "architectures (`--platform` with two or more, or the project's workflow, bake or compose file): such an "
             "image is pushed for other machines, and each foreign platform's compiler runs under QEMU. "
             "`-mtune=native` is left alone: it changes scheduling only, never the instructions the code may use "
             "(GCC's manual: -mtune tunes everything 'except for the ABI and the set of available instructions').",
     .why = "The code is tuned to the CPU of the machine that builds the image (under emulation, to QEMU's idea of "
            "one): on the CPUs that run it, it can crash with `illegal instruction`.",
     .example = "FROM rust:1.79\n"
                "ENV RUSTFLAGS=\"-C target-cpu=native\"\n"
                "# MA132",
     .fix = "Name a baseline (`-march=x86-64-v2`, `-march=armv8-a`) or use runtime dispatch.",
     .bad = {"FROM debian\nRUN gcc -O3 -march=native -o /app main.c\n",
             "FROM rust:1.79\nENV RUSTFLAGS=\"-C target-cpu=native\"\n"},
     .good = {"FROM debian\nRUN gcc -O3 -march=x86-64-v2 -o /app main.c\n"}},
    checkHostTuned};

}  // namespace mal::rules
