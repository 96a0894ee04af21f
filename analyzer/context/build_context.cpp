#include "analyzer/context/build_context.h"

#include <sys/stat.h>

#include <algorithm>

#include <filesystem>
#include <fstream>

#include "analyzer/glob.h"
#include "analyzer/text_util.h"

namespace fs = std::filesystem;

namespace mal::context {

namespace {

std::string cleanPath(std::string path) {
  while (text::startsWith(path, "./")) path = path.substr(2);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  std::string normal = fs::path(path).lexically_normal().generic_string();
  while (!normal.empty() && normal.back() == '/') normal.pop_back();
  return normal == "." ? "" : normal;
}

}  // namespace

std::vector<const SourceResolution*> BuildContext::resolutions(size_t instruction, size_t argument) const {
  // `sources` is in instruction order (readBuildContext walks the stages in file order):
  // a binary search, not a scan, so asking for every COPY stays linear overall.
  std::vector<const SourceResolution*> out;
  auto it = std::lower_bound(sources.begin(), sources.end(), instruction,
                             [](const SourceResolution& s, size_t wanted) { return s.instruction < wanted; });
  for (; it != sources.end() && it->instruction == instruction; ++it) {
    if (it->argument == argument) out.push_back(&*it);
  }
  return out;
}

dockerfile::Environment platformArgs(const Platform& target) {
#if defined(__aarch64__)
  const Platform build{"linux", "arm64", ""};
#else
  const Platform build{"linux", "amd64", ""};
#endif
  return {{"TARGETPLATFORM", target.str()},  {"TARGETOS", target.os},        {"TARGETARCH", target.architecture},
          {"TARGETVARIANT", target.variant}, {"BUILDPLATFORM", build.str()}, {"BUILDOS", build.os},
          {"BUILDARCH", build.architecture}, {"BUILDVARIANT", build.variant}};
}

namespace {

constexpr uintmax_t kMaxIgnoreFileBytes = uintmax_t{16} << 20;

bool hasGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string joinImagePath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return "/" + name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// The build context on disk: files read once, within the bounds, .dockerignore applied.
class ContextReader : public ContextFiles {
 public:
  ContextReader(BuildContext& out, const ContextLimits& limits, DockerIgnore ignore)
      : out_(out), limits_(limits), ignore_(std::move(ignore)), root_(out.root) {}

  // The context file at `relative`, read once; nullptr when ignored, absent or over a bound.
  const ContextFile* file(const std::string& relative) override {
    if (const auto it = cache_.find(relative); it != cache_.end()) return it->second;
    const ContextFile* result = nullptr;
    if (!excluded(relative)) {
      std::error_code ec;
      const auto status = fs::symlink_status(root_ / relative, ec);
      if (!ec && fs::is_regular_file(status)) {
        if (examined_ >= limits_.maxFiles) {
          if (!notedFileCap_) {
            out_.notExamined.push_back("more than " + std::to_string(limits_.maxFiles) + " files are copied; '" + relative +
                                       "' and the files after it were not examined");
            notedFileCap_ = true;
          }
          out_.truncated = true;
        } else {
          ++examined_;
          result = &readFile(relative, status);
        }
      }
    }
    cache_[relative] = result;
    return result;
  }

  // Regular files below `relativeDir` (not following links), relative to the root.
  std::vector<std::string> walk(const std::string& relativeDir) override {
    std::vector<std::string> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(root_ / relativeDir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const std::string rel = fs::relative(it->path(), root_, ec).generic_string();
      if (ec) break;
      const auto status = it->symlink_status(ec);
      // An excluded directory is skipped unless a `!` line may bring something below it back.
      if (fs::is_directory(status) && !ignore_.hasExceptions() && excluded(rel)) {
        it.disable_recursion_pending();
        continue;
      }
      if (!fs::is_regular_file(status)) continue;
      if (found.size() >= limits_.maxFiles) {
        out_.truncated = true;
        out_.notExamined.push_back("'" + relativeDir + "' holds more than " + std::to_string(limits_.maxFiles) +
                                   " files; those past the first " + std::to_string(limits_.maxFiles) + " were not examined");
        break;
      }
      found.push_back(rel);
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  bool isDirectory(const std::string& relative) const override {
    std::error_code ec;
    return fs::is_directory(fs::symlink_status(root_ / relative, ec));
  }

 private:
  // .dockerignore applied; a path its work bound left unmatched is said, never taken as read.
  bool excluded(const std::string& relative) {
    const bool result = ignore_.excluded(relative);
    if (ignore_.exhausted() && !notedIgnoreBound_) {
      out_.notExamined.push_back("matching .dockerignore's patterns against the build context passed its bound of " +
                                 std::to_string(DockerIgnore::kMatchBudget / 1000000) + " million steps at '" + relative +
                                 "'; it and the files after it were not examined");
      out_.truncated = true;
      notedIgnoreBound_ = true;
    }
    return result;
  }

  const ContextFile& readFile(const std::string& relative, const fs::file_status& status) {
    ContextFile f;
    f.path = relative;
    std::error_code ec;
    f.size = fs::file_size(root_ / relative, ec);
    f.executable = (status.permissions() & fs::perms::owner_exec) != fs::perms::none;
    std::ifstream in(root_ / relative, std::ios::binary);
    char magic[4] = {};
    if (!in.read(magic, 4)) {
      if (!in.eof()) f.readError = "cannot read";
    } else if (elf::hasElfMagic(std::string_view(magic, 4))) {
      if (f.size > limits_.maxElfBytes || totalBytes_ + f.size > limits_.maxTotalBytes) {
        f.elf.isElf = true;
        f.elf.error = "not examined: larger than the bound on ELF bytes read";
        out_.truncated = true;
        out_.notExamined.push_back(
            "'" + relative + "' (" + std::to_string(f.size) + " bytes) was not read: " +
            (f.size > limits_.maxElfBytes ? "larger than the bound on one ELF file" : "past the bound on ELF bytes read in all"));
      } else {
        std::string bytes(f.size, '\0');
        in.seekg(0);
        in.read(bytes.data(), static_cast<std::streamsize>(f.size));
        bytes.resize(static_cast<size_t>(in.gcount()));
        totalBytes_ += bytes.size();
        f.elf = elf::readElf(bytes);
      }
    } else if (f.size < 1024 && std::string_view(magic, 4) == "vers") {
      // Git LFS pointers are small text files that start with this line (git-lfs spec v1).
      constexpr std::string_view kLfsHeader = "version https://git-lfs.github.com/spec/v1";
      std::string head(kLfsHeader.size(), '\0');
      in.seekg(0);
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      f.lfsPointer = static_cast<size_t>(in.gcount()) == head.size() && head == kLfsHeader;
    }
    out_.files.push_back(std::move(f));
    return out_.files.back();
  }

  BuildContext& out_;
  const ContextLimits& limits_;
  DockerIgnore ignore_;
  fs::path root_;
  std::map<std::string, const ContextFile*> cache_;
  size_t examined_ = 0;
  bool notedFileCap_ = false;
  bool notedIgnoreBound_ = false;
  uint64_t totalBytes_ = 0;
};

// A build context given as files already read (a rule's documented example): each is moved
// into the BuildContext the first time a source names it, as the disk reader does.
class MemoryContextFiles : public ContextFiles {
 public:
  MemoryContextFiles(BuildContext& out, std::vector<ContextFile> files) : out_(out) {
    for (auto& f : files) {
      std::string path = f.path;
      files_.emplace(std::move(path), std::move(f));
    }
  }

  const ContextFile* file(const std::string& relative) override {
    if (const auto it = taken_.find(relative); it != taken_.end()) return it->second;
    const auto it = files_.find(relative);
    if (it == files_.end()) return nullptr;
    out_.files.push_back(it->second);
    return taken_[relative] = &out_.files.back();
  }

  std::vector<std::string> walk(const std::string& relativeDir) override {
    std::vector<std::string> found;  // the map is sorted, so the answer is too
    const std::string prefix = relativeDir.empty() ? "" : relativeDir + "/";
    for (auto it = files_.lower_bound(prefix); it != files_.end() && text::startsWith(it->first, prefix); ++it) {
      found.push_back(it->first);
    }
    return found;
  }

  bool isDirectory(const std::string& relative) const override {
    const std::string prefix = relative + "/";
    const auto it = files_.lower_bound(prefix);
    return it != files_.end() && text::startsWith(it->first, prefix);
  }

 private:
  BuildContext& out_;
  std::map<std::string, ContextFile> files_;
  std::map<std::string, const ContextFile*> taken_;
};

}  // namespace

ScopeWalker::ScopeWalker(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                         const dockerfile::Stage& stage, const Platform& platform, dockerfile::ExpansionBudget* budget)
    : file_(file), stage_(stage), global_(platformArgs(platform)), budget_(budget) {
  for (const auto& arg : model.globalArgs) {
    if (arg.value) global_[arg.name] = expand(*arg.value, global_);
  }
}

std::string ScopeWalker::expand(const std::string& word, const dockerfile::Environment& env) {
  auto expansion = dockerfile::expandWord(word, env, file_.escapeToken, budget_);
  bounded_ = bounded_ || expansion.bounded;
  return std::move(expansion.value);
}

const StageScope& ScopeWalker::before(size_t before) {
  for (; next_ < stage_.instructions.size() && stage_.instructions[next_] < before; ++next_) {
    const size_t index = stage_.instructions[next_];
    const auto& in = file_.instructions[index];
    if (in.command == "arg") {
      // stage.args is in instruction order: this ARG's declarations are the next ones.
      while (nextArg_ < stage_.args.size() && stage_.args[nextArg_].instruction < index) ++nextArg_;
      for (; nextArg_ < stage_.args.size() && stage_.args[nextArg_].instruction == index; ++nextArg_) {
        const auto& decl = stage_.args[nextArg_];
        if (decl.value) {
          scope_.env[decl.name] = expand(*decl.value, scope_.env);
        } else if (const auto it = global_.find(decl.name); it != global_.end()) {
          scope_.env[decl.name] = it->second;
        } else {
          scope_.env[decl.name] = std::nullopt;
        }
      }
    } else if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        scope_.env[in.args[i].value] = expand(in.args[i + 1].value, scope_.env);
      }
    } else if (in.command == "workdir" && !in.args.empty()) {
      const std::string dir = expand(in.args[0].value, scope_.env);
      scope_.workdir =
          fs::path(!dir.empty() && dir[0] == '/' ? dir : joinImagePath(scope_.workdir, dir)).lexically_normal().generic_string();
      while (scope_.workdir.size() > 1 && scope_.workdir.back() == '/') scope_.workdir.pop_back();
    }
  }
  return scope_;
}

StageScope scopeBefore(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                       const dockerfile::Stage& stage, size_t before, const Platform& platform) {
  return ScopeWalker(file, model, stage, platform).before(before);
}

namespace {

void resolveSource(ContextFiles& reader, const std::string& source, const std::string& destination, bool intoDirectory,
                   SourceResolution& out) {
  const std::string clean = cleanPath(source);
  if (text::startsWith(clean, "..")) return;  // outside the context: BuildKit refuses it
  std::vector<std::string> matches;
  if (hasGlob(clean)) {
    // Walk only below the pattern's literal leading directories.
    std::string base;
    for (const auto& segment : text::split(clean, '/')) {
      if (hasGlob(segment)) break;
      base += (base.empty() ? "" : "/") + segment;
    }
    const std::string start = base == clean ? "" : base;
    const glob::Matcher pattern = glob::compileShellPattern(clean, /*pathname=*/true);
    for (const auto& rel : reader.walk(start)) {
      // A match may be the file itself or one of its parent directories.
      std::string candidate = rel;
      while (!candidate.empty()) {
        if (pattern.matches(candidate)) {
          matches.push_back(candidate);
          break;
        }
        const size_t slash = candidate.rfind('/');
        candidate = slash == std::string::npos ? "" : candidate.substr(0, slash);
      }
    }
    std::sort(matches.begin(), matches.end());
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    intoDirectory = true;
  } else {
    matches.push_back(clean);
  }
  for (const auto& match : matches) {
    if (reader.isDirectory(match) || match.empty()) {
      // A directory source copies its contents.
      out.found = true;
      for (const auto& rel : reader.walk(match)) {
        const std::string inside = match.empty() ? rel : rel.substr(match.size() + 1);
        if (const ContextFile* f = reader.file(rel)) out.files.push_back({joinImagePath(destination, inside), f});
      }
      continue;
    }
    const ContextFile* f = reader.file(match);
    if (!f) continue;
    out.found = true;
    const std::string name = match.substr(match.rfind('/') == std::string::npos ? 0 : match.rfind('/') + 1);
    out.files.push_back({intoDirectory ? joinImagePath(destination, name) : destination, f});
  }
}

}  // namespace

BuildContext readBuildContext(const std::string& root, const std::string& dockerfilePath,
                              const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                              const std::vector<Platform>& platforms, const ContextLimits& limits) {
  BuildContext out;
  out.root = root;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    out.unavailableReason = "the build context '" + root + "' is not a directory";
    return out;
  }
  out.available = true;
  // <Dockerfile>.dockerignore beside the Dockerfile wins over the context's .dockerignore.
  std::string ignoreText;
  for (const auto& candidate : {fs::path(dockerfilePath + ".dockerignore"), fs::path(root) / ".dockerignore"}) {
    if (!dockerfilePath.empty() && fs::is_regular_file(candidate, ec)) {
      // The Dockerfile's own bound: past it the patterns are unknown, so is what the context holds.
      if (const auto size = fs::file_size(candidate, ec); !ec && size > kMaxIgnoreFileBytes) {
        out.notExamined.push_back("'" + candidate.generic_string() + "' is larger than " +
                                  std::to_string(kMaxIgnoreFileBytes >> 20) + " MiB: the build context was not examined");
        out.truncated = true;
        return out;
      }
      std::ifstream in(candidate);
      ignoreText.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      break;
    }
  }
  DockerIgnore ignore = DockerIgnore::parse(ignoreText);
  for (const auto& error : ignore.errors()) out.notExamined.push_back(error);
  ContextReader reader(out, limits, std::move(ignore));
  resolveSources(reader, file, model, platforms, out);
  return out;
}

BuildContext buildContextOf(std::vector<ContextFile> files, const dockerfile::ParsedDockerfile& file,
                            const dockerfile::BuildModel& model, const std::vector<Platform>& platforms) {
  BuildContext out;
  out.available = true;
  out.root = ".";
  MemoryContextFiles reader(out, std::move(files));
  resolveSources(reader, file, model, platforms, out);
  return out;
}

void resolveSources(ContextFiles& files, const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                    const std::vector<Platform>& platforms, BuildContext& out) {
  dockerfile::ExpansionBudget budget;  // one for the file: its values and patterns together
  bool bounded = false;
  for (const auto& stage : model.stages) {
    std::vector<ScopeWalker> walkers;  // one per platform, walked along the stage once
    walkers.reserve(platforms.size());
    for (const auto& platform : platforms) walkers.emplace_back(file, model, stage, platform, &budget);
    for (size_t index : stage.instructions) {
      const auto& in = file.instructions[index];
      if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
      for (size_t p = 0; p < platforms.size(); ++p) {
        const Platform& platform = platforms[p];
        const StageScope& scope = walkers[p].before(index);
        auto destinationExpansion = dockerfile::expandWord(in.args.back().value, scope.env, file.escapeToken, &budget);
        bounded = bounded || destinationExpansion.bounded || walkers[p].bounded();
        std::string destination = std::move(destinationExpansion.value);
        const bool intoDirectory = text::endsWith(destination, "/") || in.args.size() > 2;
        if (destination.empty() || destination[0] != '/') destination = joinImagePath(scope.workdir, destination);
        // `./app/` under WORKDIR /srv is /srv/app: image paths are kept normal.
        destination = fs::path(destination).lexically_normal().generic_string();
        while (destination.size() > 1 && destination.back() == '/') destination.pop_back();
        for (size_t a = 0; a + 1 < in.args.size(); ++a) {
          const std::string raw = in.args[a].value;
          if (raw.find("://") != std::string::npos || text::startsWith(raw, "git@")) continue;
          SourceResolution resolution;
          resolution.instruction = index;
          resolution.argument = a;
          resolution.platform = platform;
          if (in.json) {
            resolution.source = raw;
          } else {
            auto sourceExpansion = dockerfile::expandWord(raw, scope.env, file.escapeToken, &budget);
            bounded = bounded || sourceExpansion.bounded;
            resolution.source = std::move(sourceExpansion.value);
          }
          resolveSource(files, resolution.source, destination, intoDirectory, resolution);
          out.sources.push_back(std::move(resolution));
        }
      }
    }
  }
  if (bounded) {
    out.truncated = true;
    out.notExamined.push_back("variable expansion reached its bound (" + std::to_string(dockerfile::kMaxExpandedBytes / 1024) +
                              " KiB a value, 64 MiB a file): some COPY sources were resolved from unexpanded text");
  }
}

}  // namespace mal::context
