#include "analyzer/context/build_context.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "analyzer/text_util.h"

namespace fs = std::filesystem;

namespace mal::context {

// ---------------------------------------------------------------------------------
// .dockerignore

namespace {

std::string cleanPath(std::string path) {
  while (text::startsWith(path, "./")) path = path.substr(2);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  std::string normal = fs::path(path).lexically_normal().generic_string();
  while (!normal.empty() && normal.back() == '/') normal.pop_back();
  return normal == "." ? "" : normal;
}

// A .dockerignore pattern as a regular expression over a cleaned relative path.
std::string patternToRegex(const std::string& pattern) {
  std::string re = "^";
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        ++i;
        if (i + 1 < pattern.size() && pattern[i + 1] == '/') {
          ++i;
          re += "(.*/)?";  // `**/` matches zero or more directories
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      const size_t close = pattern.find(']', i + 1);
      if (close == std::string::npos) {
        re += "\\[";
      } else {
        std::string set = pattern.substr(i + 1, close - i - 1);
        if (!set.empty() && set[0] == '^') set[0] = '!';
        if (!set.empty() && set[0] == '!') set = "^" + set.substr(1);
        re += "[" + set + "]";
        i = close;
      }
    } else if (c == '\\' && i + 1 < pattern.size()) {
      re += '\\';
      re += pattern[++i];
    } else if (std::string_view(".+()|{}$^").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  return re + "$";
}

}  // namespace

DockerIgnore DockerIgnore::parse(const std::string& textContent) {
  DockerIgnore out;
  for (std::string line : text::split(textContent, '\n')) {
    line = text::trim(line);
    if (line.empty() || line[0] == '#') continue;
    Pattern p;
    if (line[0] == '!') {
      p.exclusion = true;
      line = text::trim(line.substr(1));
    }
    line = cleanPath(line);
    if (line.empty()) continue;
    try {
      p.regex = std::regex(patternToRegex(line), std::regex::optimize);
    } catch (const std::regex_error&) {
      continue;  // BuildKit rejects the build; we just do not apply a pattern we cannot read
    }
    out.patterns_.push_back(std::move(p));
  }
  return out;
}

bool DockerIgnore::excluded(const std::string& relativePath) const {
  if (patterns_.empty()) return false;
  const std::string path = cleanPath(relativePath);
  // A pattern matching the path or one of its parent directories applies; the last wins.
  std::vector<std::string> candidates;
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    candidates.push_back(path.substr(0, slash));
  }
  candidates.push_back(path);
  bool excludedNow = false;
  for (const auto& pattern : patterns_) {
    for (const auto& candidate : candidates) {
      if (std::regex_match(candidate, pattern.regex)) {
        excludedNow = !pattern.exclusion;
        break;
      }
    }
  }
  return excludedNow;
}

// ---------------------------------------------------------------------------------

std::vector<const SourceResolution*> BuildContext::resolutions(size_t instruction, size_t argument) const {
  std::vector<const SourceResolution*> out;
  for (const auto& s : sources) {
    if (s.instruction == instruction && s.argument == argument) out.push_back(&s);
  }
  return out;
}

dockerfile::Environment platformArgs(const Platform& target) {
#if defined(__aarch64__)
  const Platform build{"linux", "arm64", ""};
#else
  const Platform build{"linux", "amd64", ""};
#endif
  return {{"TARGETPLATFORM", target.str()}, {"TARGETOS", target.os},        {"TARGETARCH", target.architecture},
          {"TARGETVARIANT", target.variant}, {"BUILDPLATFORM", build.str()}, {"BUILDOS", build.os},
          {"BUILDARCH", build.architecture}, {"BUILDVARIANT", build.variant}};
}

namespace {

bool hasGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string joinImagePath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return "/" + name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

class ContextReader {
 public:
  ContextReader(BuildContext& out, const ContextLimits& limits, DockerIgnore ignore)
      : out_(out), limits_(limits), ignore_(std::move(ignore)), root_(out.root) {}

  // The context file at `relative`, read once; nullptr when ignored, absent or over a bound.
  const ContextFile* file(const std::string& relative) {
    if (const auto it = cache_.find(relative); it != cache_.end()) return it->second;
    const ContextFile* result = nullptr;
    if (!ignore_.excluded(relative)) {
      std::error_code ec;
      const auto status = fs::symlink_status(root_ / relative, ec);
      if (!ec && fs::is_regular_file(status)) {
        if (examined_ >= limits_.maxFiles) {
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
  std::vector<std::string> walk(const std::string& relativeDir) {
    std::vector<std::string> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(root_ / relativeDir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const std::string rel = fs::relative(it->path(), root_, ec).generic_string();
      if (ec) break;
      const auto status = it->symlink_status(ec);
      if (fs::is_directory(status) && ignore_.excluded(rel) && !ignore_.empty()) {
        it.disable_recursion_pending();
        continue;
      }
      if (!fs::is_regular_file(status)) continue;
      if (found.size() >= limits_.maxFiles) {
        out_.truncated = true;
        break;
      }
      found.push_back(rel);
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  bool isDirectory(const std::string& relative) const {
    std::error_code ec;
    return fs::is_directory(fs::symlink_status(root_ / relative, ec));
  }

 private:
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
  uint64_t totalBytes_ = 0;
};

}  // namespace

StageScope scopeBefore(const dockerfile::ParsedDockerfile& file, const dockerfile::BuildModel& model,
                       const dockerfile::Stage& stage, size_t before, const Platform& platform) {
  const auto platformEnv = platformArgs(platform);
  dockerfile::Environment global = platformEnv;
  for (const auto& arg : model.globalArgs) {
    if (arg.value) global[arg.name] = dockerfile::expandWord(*arg.value, global, file.escapeToken).value;
  }
  StageScope scope;
  for (size_t index : stage.instructions) {
    if (index >= before) break;
    const auto& in = file.instructions[index];
    if (in.command == "arg") {
      for (const auto& decl : stage.args) {
        if (decl.instruction != index) continue;
        if (decl.value) {
          scope.env[decl.name] = dockerfile::expandWord(*decl.value, scope.env, file.escapeToken).value;
        } else if (global.count(decl.name)) {
          scope.env[decl.name] = global[decl.name];
        } else {
          scope.env[decl.name] = std::nullopt;
        }
      }
    } else if (in.command == "env") {
      for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
        scope.env[in.args[i].value] = dockerfile::expandWord(in.args[i + 1].value, scope.env, file.escapeToken).value;
      }
    } else if (in.command == "workdir" && !in.args.empty()) {
      const std::string dir = dockerfile::expandWord(in.args[0].value, scope.env, file.escapeToken).value;
      scope.workdir = fs::path(!dir.empty() && dir[0] == '/' ? dir : joinImagePath(scope.workdir, dir)).lexically_normal().generic_string();
      while (scope.workdir.size() > 1 && scope.workdir.back() == '/') scope.workdir.pop_back();
    }
  }
  return scope;
}

namespace {

void resolveSource(ContextReader& reader, const std::string& source, const std::string& destination, bool intoDirectory,
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
    for (const auto& rel : reader.walk(start)) {
      // A match may be the file itself or one of its parent directories.
      std::string candidate = rel;
      while (!candidate.empty()) {
        if (fnmatch(clean.c_str(), candidate.c_str(), FNM_PATHNAME) == 0) {
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
      std::ifstream in(candidate);
      ignoreText.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      break;
    }
  }
  ContextReader reader(out, limits, DockerIgnore::parse(ignoreText));

  for (const auto& stage : model.stages) {
    for (size_t index : stage.instructions) {
      const auto& in = file.instructions[index];
      if ((in.command != "copy" && in.command != "add") || in.flag("from") || in.args.size() < 2) continue;
      for (const auto& platform : platforms) {
        const StageScope scope = scopeBefore(file, model, stage, index, platform);
        std::string destination = dockerfile::expandWord(in.args.back().value, scope.env, file.escapeToken).value;
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
          resolution.source = in.json ? raw : dockerfile::expandWord(raw, scope.env, file.escapeToken).value;
          resolveSource(reader, resolution.source, destination, intoDirectory, resolution);
          out.sources.push_back(std::move(resolution));
        }
      }
    }
  }
  return out;
}

}  // namespace mal::context
