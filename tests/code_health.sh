#!/usr/bin/env bash
# Code health of the project's own files (never third_party/, build trees or fetched modules):
#   tests/code_health.sh shellcheck          ShellCheck on every shell script (.shellcheckrc)
#   tests/code_health.sh format              clang-format --dry-run on every C++ file (.clang-format)
#   tests/code_health.sh layering            rules/ and report/ do no I/O: no file, process,
#                                            environment, registry or network access
#   tests/code_health.sh regex               no backtracking matcher (std::regex, regcomp,
#                                            fnmatch, Boost.Regex, PCRE) outside tests/
#   tests/code_health.sh tidy BUILD_DIR      clang-tidy on every C++ source (.clang-tidy), with
#                                            BUILD_DIR's compile_commands.json, on every core;
#                                            a source found clean with the same input is not
#                                            checked again (tests/clang_tidy_cached.py)
# Fails on any finding. clang-format and clang-tidy are version 14 (Debian bookworm's): another
# version formats some constructs differently.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:?usage: code_health.sh shellcheck|format|layering|regex|tidy BUILD_DIR}

# The project's files: git's list where there is a checkout, else a walk that skips what is
# fetched or built.
project_files() {
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -- scripts tests tools bench fixtures .ci analyzer cli elf report rules
  else
    find scripts tests tools bench fixtures .ci analyzer cli elf report rules -type f \
      -not -path '*/node_modules/*' -not -path 'bench/precision/corpus/*'
  fi
}

tool() {
  local name=$1
  if command -v "$name-14" >/dev/null; then echo "$name-14"
  elif command -v "$name" >/dev/null; then echo "$name"
  else echo "code_health: $name is not installed (scripts/setup installs it)" >&2; exit 1
  fi
}

case $mode in
  shellcheck)
    command -v shellcheck >/dev/null || { echo "code_health: shellcheck is not installed (scripts/setup)" >&2; exit 1; }
    scripts=()
    while IFS= read -r f; do
      [ -f "$f" ] || continue
      case $f in
        *.sh) scripts+=("$f") ;;
        *) head -1 "$f" | grep -qE '^#!.*\b(ba)?sh\b' && scripts+=("$f") ;;
      esac
    done < <(project_files)
    ((${#scripts[@]} > 10)) || { echo "code_health: only ${#scripts[@]} shell scripts found" >&2; exit 1; }
    shellcheck -f gcc "${scripts[@]}"
    echo "shellcheck: ${#scripts[@]} scripts clean"
    ;;
  format)
    clang_format=$(tool clang-format)
    mapfile -t sources < <(project_files | grep -E '\.(cpp|h)$')
    # With no file, clang-format reads stdin and finds nothing to say.
    ((${#sources[@]} > 100)) || { echo "code_health: only ${#sources[@]} C++ files found" >&2; exit 1; }
    "$clang_format" --dry-run --Werror "${sources[@]}"
    echo "$clang_format: ${#sources[@]} files formatted"
    ;;
  layering)
    # The pipeline runs one way (sources -> models -> rules -> findings -> reporters): only
    # sources (analyzer/ readers, cli/) touch the disk, the environment or the network.
    io='#include <(fstream|cstdio|unistd\.h|fcntl\.h|sys/[a-z]+\.h|curl/curl\.h|archive\.h)>'
    io+='|#include "analyzer/(file_util|registry/(http|client|url_probe|registry_store|credentials))\.h"'
    io+='|readBuildContext|readFile\(|std::[io]?fstream|fopen|::open\(|getenv|popen|system\(|curl_'
    io+='|(fs|std::filesystem)::(exists|status|is_regular_file|is_directory|directory_iterator|recursive_directory_iterator|file_size|canonical|current_path)'
    mapfile -t sources < <(project_files | grep -E '^(rules|report)/.*\.(cpp|h)$')
    ((${#sources[@]} > 50)) || { echo "code_health: only ${#sources[@]} rule and reporter files found" >&2; exit 1; }
    # The pattern must match what it bans: one that matches nothing passes every tree.
    for sample in '#include <fstream>' 'std::ifstream in(path);' 'getenv("HOME")' 'fs::exists(p)' \
                  '#include "analyzer/registry/client.h"' 'curl_easy_init()'; do
      grep -qE "$io" <<<"$sample" || { echo "code_health: the I/O pattern misses '$sample'" >&2; exit 1; }
    done
    if grep -nE "$io" "${sources[@]}"; then
      echo "code_health: I/O in rules/ or report/ (above): it belongs to a source (analyzer/ readers, cli/)" >&2
      exit 1
    fi
    echo "layering: ${#sources[@]} rule and reporter files do no I/O"
    ;;
  regex)
    # No backtracking matcher on untrusted text: Dockerfiles, file names, .dockerignore,
    # configuration and registry answers go through hand scanners or analyzer/glob (linear
    # by construction). Without these headers std::regex, regcomp, fnmatch, Boost.Regex and
    # PCRE cannot be called; tests/ may use them on the project's own files.
    banned='#include <(regex|regex\.h|fnmatch\.h|boost/regex[^>]*|pcre[^>]*)>'
    mapfile -t sources < <(project_files | grep -E '^(analyzer|cli|elf|report|rules)/.*\.(cpp|h)$')
    ((${#sources[@]} > 100)) || { echo "code_health: only ${#sources[@]} sources found" >&2; exit 1; }
    for sample in '#include <regex>' '#include <regex.h>' '#include <fnmatch.h>' '#include <boost/regex.hpp>' \
                  '#include <pcre2.h>'; do
      grep -qE "$banned" <<<"$sample" || { echo "code_health: the matcher pattern misses '$sample'" >&2; exit 1; }
    done
    if grep -nE "$banned" "${sources[@]}"; then
      echo "code_health: a backtracking matcher (above) in code that reads untrusted text" >&2
      exit 1
    fi
    echo "regex: ${#sources[@]} sources include no backtracking matcher"
    ;;
  tidy)
    build=${2:?usage: code_health.sh tidy BUILD_DIR}
    clang_tidy=$(tool clang-tidy)
    # The sources this build compiles (a build without MAL_FUZZ has no fuzz targets to check).
    mapfile -t sources < <(python3 - "$build/compile_commands.json" "$root" <<'PY'
import json, os, sys
root = sys.argv[2] + "/"
for entry in json.load(open(sys.argv[1])):
    path = os.path.relpath(entry["file"], root)
    if path.split("/")[0] in ("analyzer", "cli", "elf", "report", "rules", "tests"):
        print(path)
PY
    )
    # A GCC build's flags that clang does not know are not findings. A source clang-tidy
    # found clean with exactly the same input is not checked again (tests/clang_tidy_cached.py).
    python3 "$root/tests/clang_tidy_cached.py" "$clang_tidy" "$build" "${sources[@]}"
    ;;
  *) echo "code_health: unknown mode $mode" >&2; exit 2 ;;
esac
