#include "cli/file_discovery.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "analyzer/text_util.h"

namespace fs = std::filesystem;

namespace mal::cli {

namespace {
constexpr const char* kNotDockerfileSuffixes[] = {".dockerignore", ".md",       ".markdown", ".rst",    ".txt",
                                                  ".rego",         ".j2",       ".jinja",    ".jinja2", ".tmpl",
                                                  ".tpl",          ".template", ".bak",      ".orig",   ".swp"};
}  // namespace

bool isDockerfileName(const std::string& name) {
  const std::string lower = text::lower(name);
  // BuildKit reads Dockerfile.dockerignore as the ignore file of Dockerfile; the other
  // suffixes are documents, policies, templates and editor leftovers beside one.
  for (const char* suffix : kNotDockerfileSuffixes) {
    if (text::endsWith(lower, suffix)) return false;
  }
  return lower == "dockerfile" || lower == "containerfile" || text::endsWith(lower, ".dockerfile") ||
         text::endsWith(lower, ".containerfile") || text::startsWith(lower, "dockerfile.") ||
         text::startsWith(lower, "containerfile.");
}

bool looksLikeDockerfile(std::string_view head) {
  if (text::startsWith(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty()) {
    const size_t newline = head.find('\n');
    const std::string line = text::trim(head.substr(0, newline));
    head = newline == std::string_view::npos ? std::string_view() : head.substr(newline + 1);
    if (line.empty() || line[0] == '#') continue;
    // Any instruction, not only FROM and ARG: a Dockerfile that starts wrongly is still one,
    // and its error is worth reporting.
    static const char* const kInstructions[] = {"add",    "arg",   "cmd",         "copy",  "entrypoint", "env",
                                                "expose", "from",  "healthcheck", "label", "maintainer", "onbuild",
                                                "run",    "shell", "stopsignal",  "user",  "volume",     "workdir"};
    const std::string word = text::lower(line.substr(0, line.find_first_of(" \t")));
    for (const char* instruction : kInstructions) {
      if (word == instruction) return true;
    }
    return false;
  }
  return false;
}

namespace {

bool isExactName(const std::string& name) {
  const std::string lower = text::lower(name);
  return lower == "dockerfile" || lower == "containerfile";
}

// The first 64 KiB decide: comments and directives come before the first instruction.
bool readsLikeDockerfile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return true;  // unreadable: let the read report why
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return looksLikeDockerfile(head);
}

bool isDockerfile(const fs::path& path) {
  const std::string name = path.filename().string();
  return isDockerfileName(name) && (isExactName(name) || readsLikeDockerfile(path));
}

}  // namespace

Discovery discoverDockerfiles(const std::vector<std::string>& arguments, bool asDiscovered) {
  Discovery out;
  if (arguments.empty()) {
    for (const char* name : {"Dockerfile", "Containerfile"}) {
      if (fs::exists(name)) {
        out.files.push_back(name);
        return out;
      }
    }
    out.missing.push_back("Dockerfile");
    return out;
  }
  for (const auto& arg : arguments) {
    std::error_code ec;
    if (arg == "-" || !fs::is_directory(arg, ec)) {
      // Read errors are reported when it is read.
      if (!asDiscovered || arg == "-" || !fs::is_regular_file(arg, ec) || isDockerfile(arg)) out.files.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_directory(ec)) {
        if ((name.size() > 1 && name[0] == '.') || name == "node_modules" || name == "vendor") it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && isDockerfile(it->path())) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) out.missing.push_back(arg);
    out.files.insert(out.files.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace mal::cli
