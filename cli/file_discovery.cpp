#include "cli/file_discovery.h"

#include <algorithm>
#include <filesystem>

#include "analyzer/text_util.h"

namespace fs = std::filesystem;

namespace mal::cli {

bool isDockerfileName(const std::string& name) {
  const std::string lower = text::lower(name);
  return lower == "dockerfile" || lower == "containerfile" || text::endsWith(lower, ".dockerfile") ||
         text::endsWith(lower, ".containerfile") || text::startsWith(lower, "dockerfile.") ||
         text::startsWith(lower, "containerfile.");
}

Discovery discoverDockerfiles(const std::vector<std::string>& arguments) {
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
      out.files.push_back(arg);  // read errors are reported when it is read
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
      if (isDockerfileName(name) && it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) out.missing.push_back(arg);
    out.files.insert(out.files.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace mal::cli
