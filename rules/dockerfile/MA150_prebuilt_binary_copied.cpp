// MA150 (by file name): COPY/ADD of a native artifact from the build context. The
// build-context issue upgrades this with the file's real ELF machine.
#include <algorithm>
#include <regex>

#include "analyzer/shell/arch_vocabulary.h"
#include "analyzer/text_util.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

bool isNativeArtifactName(const std::string& path) {
  static const std::regex kNative(R"((\.so(\.[0-9]+)*|\.a|\.node|\.bin|\.run|\.o)$)", std::regex::icase);
  std::string name = path;
  while (!name.empty() && name.back() == '/') name.pop_back();
  return std::regex_search(name, kNative);
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  for (const auto& stage : ctx.model.stages) {
    for (size_t index : stage.instructions) {
      const auto& in = ctx.instruction(index);
      if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
      const auto archVars = dockerfile::archVariablesBefore(stage, ctx.file, index);
      for (size_t i = 0; i + 1 < in.args.size(); ++i) {
        const auto& source = in.args[i];
        if (source.value.find("://") != std::string::npos || !isNativeArtifactName(source.value)) continue;
        const auto expansion = dockerfile::expandWord(source.value, {}, ctx.file.escapeToken);
        const bool perArch = std::any_of(expansion.referenced.begin(), expansion.referenced.end(), [&](const auto& v) {
          return vocab::isPlatformArchVariable(v) || archVars.count(v);
        });
        if (perArch) continue;
        out.report(rule, source.span,
                   "copies the prebuilt native file '" + source.value +
                       "' from the build context: it was built for one architecture and every target platform "
                       "gets it",
                   "build it in a stage for $TARGETARCH, or keep one per architecture and copy "
                   "'.../${TARGETARCH}/...' (declare `ARG TARGETARCH`)");
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA150 = {
    {.id = "MA150",
     .slug = "prebuilt-binary-copied",
     .severity = Severity::Warning,
     .analysis = Analysis::Dockerfile,
     .summary = "COPY/ADD of a prebuilt native binary from the build context",
     .what = "COPY or ADD (without --from) of `*.so*`, `*.a`, `*.o`, `*.node`, `*.bin`, `*.run` from the build "
             "context, unless the path is chosen per architecture (`lib/${TARGETARCH}/...`).",
     .why = "A prebuilt binary has one machine type. Copied into every platform's image, it makes the others "
            "fail at `dlopen` or `exec` time (`exec format error`, `wrong ELF class`).",
     .example = "COPY proprietary-x86-lib.so /usr/lib/\n# MA150: copies a prebuilt native file",
     .fix = "Build the library in a stage for $TARGETARCH, or ship one per architecture and copy "
            "`lib/${TARGETARCH}/libfoo.so` with `ARG TARGETARCH` declared.",
     .bad = {"FROM debian\nCOPY proprietary-x86-lib.so /usr/lib/\n", "FROM debian\nADD vendor/libfoo.so.1.2 /usr/lib/\n",
             "FROM node:20\nCOPY [\"build/Release/addon.node\", \"/app/\"]\n"},
     .good = {"FROM debian\nARG TARGETARCH\nCOPY lib/${TARGETARCH}/libfoo.so /usr/lib/\n",
              "FROM debian\nCOPY --from=build /out/libfoo.so /usr/lib/\n", "FROM debian\nCOPY app.py /app/\n"}},
    check};

}  // namespace mal::rules
