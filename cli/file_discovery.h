// Which files `lint` reads: the named files, and in a named directory every Dockerfile,
// Containerfile, *.Dockerfile, *.Containerfile and Dockerfile.* / Containerfile.*, in any
// letter case (hidden directories, node_modules and vendor skipped). A sibling that only
// shares the name is left out: by name BuildKit's Dockerfile.dockerignore and documents,
// policies, templates and backups (.md, .rst, .txt, .rego, .j2, .tmpl, .template, .bak, ...),
// by content anything else that does not start like a Dockerfile. No argument: Dockerfile
// or Containerfile here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mal::cli {

struct Discovery {
  std::vector<std::string> files;
  std::vector<std::string> missing;  // arguments that name nothing readable
};

bool isDockerfileName(const std::string& filename);
// Whether a file named like a Dockerfile sibling reads like one: its first line that is
// not blank, a comment or a parser directive starts with a Dockerfile instruction.
bool looksLikeDockerfile(std::string_view head);
// asDiscovered: named files are judged as a directory walk judges what it finds (the
// pre-commit hook passes files one by one); otherwise a named file is always read.
Discovery discoverDockerfiles(const std::vector<std::string>& arguments, bool asDiscovered = false);

}  // namespace mal::cli
