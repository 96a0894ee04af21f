// MA151: a RUN executes a file that a COPY/ADD brought from the build context, and that
// file is an ELF for another architecture. What the step then does depends on the builder
// more than on the target, so the message says each outcome a user may see.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "analyzer/text_util.h"
#include "elf/elf_reader.h"
#include "rules/dockerfile/context.h"

namespace mal::rules {
namespace {

std::string joinPath(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  std::string path = dir.empty() || dir.back() != '/' ? dir + "/" + name : dir + name;
  // ./x and a/./b -> plain paths
  std::string out;
  for (const auto& part : text::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      const size_t slash = out.rfind('/');
      out = slash == std::string::npos ? "" : out.substr(0, slash);
      continue;
    }
    out += "/" + part;
  }
  return out.empty() ? "/" : out;
}

// Where a command name resolves, the way the shell looks it up (the default PATH of a
// Linux image; the image's own PATH may differ, which only adds places we do not check).
std::vector<std::string> candidatePaths(const std::string& name, const std::string& workdir) {
  if (name.find('/') != std::string::npos) return {joinPath(workdir, name)};
  std::vector<std::string> out;
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    out.push_back(std::string(dir) + "/" + name);
  }
  return out;
}

// What COPY/ADD have put into one stage for one platform so far, advanced along the stage's
// RUNs in order: each source and each instruction's scope is taken once, so the rule is
// linear in the Dockerfile (a scope and a scan of every source per RUN was quadratic).
struct StageFiles {
  StageFiles(const DockerfileContext& ctx, const dockerfile::Stage& stage, const Platform& platform)
      : scope(ctx.file, ctx.model, stage, platform) {}
  context::ScopeWalker scope;
  std::vector<const context::SourceResolution*> sources;  // in instruction order
  size_t next = 0;                                        // into sources
  size_t copies = 0;
  // Image path -> (order it was copied in, the file): the last COPY to a path wins.
  std::unordered_map<std::string, std::pair<size_t, const context::CopiedFile*>> landed;

  void advanceTo(size_t instruction) {
    for (; next < sources.size() && sources[next]->instruction < instruction; ++next) {
      for (const auto& f : sources[next]->files) landed[f.imagePath] = {copies++, &f};
    }
  }
};
// The kernel runs the program's own architecture natively whatever the image is, QEMU user
// emulation runs it where binfmt_misc registers that architecture, and a dynamically linked
// program also needs its loader, which an image of another architecture lacks. The build
// oracle saw both on an x86-64 builder: the arm64 demo's installer failed with `not found`
// (exit 127), a static x86-64 program ran and the arm64 build succeeded.
std::string whatTheStepDoes(const elf::ElfFacts& facts, const Platform& platform) {
  const std::string arch = facts.describe();
  const std::string builder = facts.describeWithArticle() + " builder";
  const std::string elsewhere = "`exec format error` on a builder that cannot run " + arch + " code";
  if (facts.interpreter.empty()) {
    return "the step fails with " + elsewhere + "; " + builder + " runs it natively, as QEMU does where binfmt_misc " +
           "registers " + arch + ", and the build goes on with whatever it installs for " + arch + " in the " + platform.str() +
           " image";
  }
  return "the step fails with `not found` on " + builder + " (the " + platform.str() + " image has no '" + facts.interpreter +
         "' to load it; QEMU, where binfmt_misc registers " + arch + ", fails to open it too), and with " + elsewhere;
}

void check(const DockerfileContext& ctx, const RuleInfo& rule, FindingSink& out) {
  if (!ctx.buildContext) return;
  std::map<std::pair<size_t, std::string>, std::unique_ptr<StageFiles>> states;  // by stage and platform
  auto stateFor = [&](size_t stage, const Platform& platform) -> StageFiles& {
    auto& state = states[{stage, platform.str()}];
    if (!state) state = std::make_unique<StageFiles>(ctx, ctx.model.stages[stage], platform);
    return *state;
  };
  for (const auto& resolution : ctx.buildContext->sources) {
    const auto stage = ctx.model.stageOf[resolution.instruction];
    if (resolution.files.empty() || !stage) continue;
    stateFor(*stage, resolution.platform).sources.push_back(&resolution);
  }
  if (states.empty()) return;
  // The RUNs of each stage in instruction order (the walkers only go forward).
  std::vector<const dockerfile::RunScript*> runs;
  for (const auto& run : ctx.model.scripts) runs.push_back(&run);
  std::stable_sort(runs.begin(), runs.end(), [](const auto* a, const auto* b) {
    return std::pair(a->stage, a->instruction) < std::pair(b->stage, b->instruction);
  });
  std::set<uint32_t> reported;  // one finding per command, for the first platform it breaks
  for (const auto* runPointer : runs) {
    const auto& run = *runPointer;
    // A RUN executes on the platform its stage runs on: the targets that build it on their own
    // platform. (A pinned stage runs its pinned platform's code; a build-machine stage, the
    // builder's, which is unknown here.)
    if (ctx.stages->platform[run.stage].runs != dockerfile::StageRuns::OnTarget) continue;
    for (const auto& platform : ctx.stages->targetsReaching(run.stage)) {
      // Files that COPY/ADD put into this stage before this RUN, for this platform.
      const auto found = states.find({run.stage, platform.str()});
      if (found == states.end()) continue;
      StageFiles& files = *found->second;
      files.advanceTo(run.instruction);
      if (files.landed.empty()) continue;
      const std::string workdir = files.scope.before(run.instruction).workdir;
      for (const auto& command : run.script.commands) {
        if (command.words.empty() || command.words[0].literal.empty()) continue;
        // The last COPY that put a file at one of those paths wins.
        const context::CopiedFile* program = nullptr;
        size_t latest = 0;
        for (const auto& candidate : candidatePaths(command.words[0].literal, workdir)) {
          const auto at = files.landed.find(candidate);
          if (at == files.landed.end() || (program && at->second.first < latest)) continue;
          latest = at->second.first;
          program = at->second.second;
        }
        if (!program || !program->file->elf.facts || program->file->elf.facts->runsOn(platform)) continue;
        const Span span = run.script.source.span(command.words[0].begin, command.words[0].end);
        if (!reported.insert(span.begin).second) continue;
        const auto& facts = *program->file->elf.facts;
        out.report(rule, span,
                   "runs '" + program->imagePath + "' (from the build context: '" + program->file->path + "'), " +
                       (facts.interpreter.empty() ? "a statically linked " : "a dynamically linked ") + facts.describe() +
                       " ELF, while building the " + platform.str() + " image: " + whatTheStepDoes(facts, platform),
                   "run a build of it for each architecture (copy '.../${TARGETARCH}/...'), or run it in a "
                   "`FROM --platform=$BUILDPLATFORM` stage and copy its output");
      }
    }
  }
}

}  // namespace

extern const DockerfileRule kMA151 = {
    {.id = "MA151",
     .slug = "foreign-binary-executed",
     .severity = Severity::Error,
     .analysis = Analysis::Dockerfile,
     .summary = "A RUN executes a binary from the build context that is built for another architecture",
     .what = "A RUN command whose program is a file that an earlier COPY/ADD of the same stage brought from the "
             "build context, when that file is an ELF for another architecture than the platform being built "
             "(the build context is read: `--context DIR`, by default the Dockerfile's directory).",
     .why = "What the step does depends on the builder. A builder whose CPU cannot run the program's architecture "
            "fails with `exec format error` (an arm64 machine building the arm64 image from an x86-64 installer). "
            "An x86-64 builder runs x86-64 code natively even while building the arm64 image: a statically linked "
            "program runs and the build succeeds, with whatever it installed for x86-64 in the arm64 image; a "
            "dynamically linked one fails with `not found`, because the arm64 image has no x86-64 loader "
            "(/lib64/ld-linux-x86-64.so.2). Where QEMU user emulation is registered with binfmt_misc for the "
            "program's architecture (Docker Desktop does it), a static program runs emulated, with the same result.",
     .example = "FROM debian\n"
                "COPY x86-only-installer.bin /tmp/\n"
                "RUN /tmp/x86-only-installer.bin\n"
                "# MA151",
     .fix = "Ship the installer for each architecture and copy `.../${TARGETARCH}/installer`, or run it in a "
            "`FROM --platform=$BUILDPLATFORM` stage if it only produces architecture-independent files.",
     .bad = {},
     .good = {"FROM debian\nCOPY install.sh /tmp/\nRUN /tmp/install.sh\n"},
     .needsBuildContext = true},
    check};

}  // namespace mal::rules
