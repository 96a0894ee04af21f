// The build context as the rules see it: for every COPY/ADD source and every target
// platform, which context files it puts where in the image, with ELF facts for each.
// Reading it is the only I/O of `lint` besides the Dockerfile itself; it is bounded in
// files and bytes and never follows a link out of the context.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/context/dockerignore.h"
#include "analyzer/dockerfile/build_model.h"
#include "analyzer/platform.h"
#include "elf/elf_reader.h"

namespace mal::context {

struct ContextFile {
  std::string path;  // relative to the context root
  uint64_t size = 0;
  bool executable = false;
  elf::ElfResult elf;     // elf.isElf is false for anything that is not an ELF file
  std::string readError;  // set when the file could not be read
  // A Git LFS pointer (`version https://git-lfs.github.com/spec/v1`): the checkout did not
  // fetch the real file, so the build copies a ~130-byte text file, and what the real one
  // is for can only be read from its name.
  bool lfsPointer = false;
};

struct CopiedFile {
  std::string imagePath;  // where it lands in the image
  const ContextFile* file = nullptr;
};

// What one COPY/ADD source argument copies, for one target platform.
struct SourceResolution {
  size_t instruction = 0;
  size_t argument = 0;
  Platform platform;
  std::string source;  // after variable expansion for that platform
  bool found = false;  // it named something in the context
  std::vector<CopiedFile> files;
};

struct BuildContext {
  bool available = false;
  std::string root;
  std::string unavailableReason;
  bool truncated = false;  // a bound was reached; what was read is still reported
  // What was not examined, and why (a bound, a .dockerignore BuildKit cannot read): the
  // caller must say so, never report the context clean.
  std::vector<std::string> notExamined;
  std::deque<ContextFile> files;          // stable addresses for CopiedFile::file
  std::vector<SourceResolution> sources;  // in instruction order

  std::vector<const SourceResolution*> resolutions(size_t instruction, size_t argument) const;
};

struct ContextLimits {
  size_t maxFiles = 20000;                      // files examined in all
  uint64_t maxElfBytes = 256ull * 1024 * 1024;  // one ELF file read at most
  uint64_t maxTotalBytes = 1024ull * 1024 * 1024;
};

// The variables in scope before instruction `before` of `stage` for one target platform
// (ARG defaults, global ARGs a stage redeclares, ENV, the platform ARGs it declares),
// and the WORKDIR then.
struct StageScope {
  dockerfile::Environment env;
  std::string workdir = "/";
};
// The scopes along one stage for one platform: each instruction is applied once, so
// asking before every instruction in turn is linear in the stage (scopeBefore is not).
class ScopeWalker {
 public:
  ScopeWalker(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model, const dockerfile::Stage& stage,
              const Platform& platform, dockerfile::ExpansionBudget* budget = nullptr);
  // The scope before instruction `before`; `before` must not decrease from call to call.
  const StageScope& before(size_t before);
  // An expansion so far was cut short by a bound (see dockerfile::Expansion::bounded).
  bool bounded() const { return bounded_; }

 private:
  std::string expand(const std::string& word, const dockerfile::Environment& env);
  const dockerfile::ParsedDockerfile& file_;
  const dockerfile::Stage& stage_;
  dockerfile::Environment global_;
  StageScope scope_;
  size_t next_ = 0;     // into stage.instructions
  size_t nextArg_ = 0;  // into stage.args
  dockerfile::ExpansionBudget* budget_;
  bool bounded_ = false;
};
StageScope scopeBefore(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                       const dockerfile::Stage& stage, size_t before, const Platform& platform);

// The platform ARG values BuildKit gives a build for `target` (TARGETARCH=arm64, ...).
dockerfile::Environment platformArgs(const Platform& target);

// Where the context's files come from: the directory on disk (readBuildContext), or files
// already read (buildContextOf). Sources are resolved against either the same way.
class ContextFiles {
 public:
  virtual ~ContextFiles() = default;
  // The regular file at `relative`, read once and kept in the BuildContext; nullptr when it
  // is excluded, absent or past a bound.
  virtual const ContextFile* file(const std::string& relative) = 0;
  // The regular files below `relativeDir` (not following links), relative to the root, sorted.
  virtual std::vector<std::string> walk(const std::string& relativeDir) = 0;
  virtual bool isDirectory(const std::string& relative) const = 0;
};

// What every COPY/ADD source of the file puts where, for each platform, from `files`
// (appended to out.sources; bounds reached are added to out.notExamined).
void resolveSources(ContextFiles& files, const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                    const std::vector<Platform>& platforms, BuildContext& out);

// The build context `files` make up, held in memory (a rule's documented example).
BuildContext buildContextOf(std::vector<ContextFile> files, const dockerfile::ParsedDockerfile& file,
                            const dockerfile::BuildModel& model, const std::vector<Platform>& platforms);

BuildContext readBuildContext(const std::string& root, const std::string& dockerfilePath,
                              const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                              const std::vector<Platform>& platforms, const ContextLimits& limits = {});

}  // namespace mal::context
