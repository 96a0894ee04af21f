// Which files `lint` reads: the named files, and in a named directory every Dockerfile,
// Containerfile, *.Dockerfile, *.dockerfile and Dockerfile.* (hidden directories,
// node_modules and vendor skipped). No argument: Dockerfile or Containerfile here.
#pragma once

#include <string>
#include <vector>

namespace mal::cli {

struct Discovery {
  std::vector<std::string> files;
  std::vector<std::string> missing;  // arguments that name nothing readable
};

bool isDockerfileName(const std::string& filename);
Discovery discoverDockerfiles(const std::vector<std::string>& arguments);

}  // namespace mal::cli
