// Paths and file names that say which architecture their content was built for, in the
// vocabularies build tools use to label per-platform output: GOOS-GOARCH directories and
// release names (bin/linux-amd64/app, dist/app_linux_amd64/app), per-architecture build
// directories holding a program (dist/amd64/app), target-triple directories
// of Rust/C/Go cross builds (target/x86_64-unknown-linux-musl/release/app), and the
// architecture field of package file names (foo_1.0_amd64.deb, foo-1.0.x86_64.rpm,
// foo-1.0-cp311-manylinux2014_aarch64.whl).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/shell/arch_vocabulary.h"

namespace mal::rules {

struct ArchNamedPath {
  vocab::ArchToken token;
  std::string kind;  // "a linux-amd64 build", "the x86_64-unknown-linux-musl target directory", ...
};

// The first architecture the path names in one of those vocabularies, or nothing. A bare
// token without an OS or package context (`src/arch/x86/`, `docs/arm64.md`) is not enough:
// source trees name architectures without holding built code. A directory named exactly
// amd64/arm64/x86_64/aarch64 that holds a program (`dist/amd64/app`) is such a context.
// So is a program's own name ending in one of them (`curl-amd64`, no extension).
std::optional<ArchNamedPath> archNamedInPath(std::string_view path);

}  // namespace mal::rules
