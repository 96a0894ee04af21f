#!/usr/bin/env bash
# Code health of the project's own files (never third_party/, build trees or fetched modules):
#   tests/code_health.sh shellcheck          ShellCheck on every shell script (.shellcheckrc)
#   tests/code_health.sh format              clang-format --dry-run on every C++ file (.clang-format)
#   tests/code_health.sh tidy BUILD_DIR      clang-tidy on every C++ source (.clang-tidy), with
#                                            BUILD_DIR's compile_commands.json, on every core
# Fails on any finding. clang-format and clang-tidy are version 14 (Debian bookworm's): another
# version formats some constructs differently.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:?usage: code_health.sh shellcheck|format|tidy BUILD_DIR}

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
    "$clang_format" --dry-run --Werror "${sources[@]}"
    echo "$clang_format: ${#sources[@]} files formatted"
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
    # A GCC build's flags that clang does not know are not findings. "N warnings generated"
    # counts the third-party headers' warnings, which the header filter leaves out.
    printf '%s\n' "${sources[@]}" |
      xargs -P "$(nproc)" -n 4 "$clang_tidy" -p "$build" --quiet --warnings-as-errors='*' \
        --extra-arg=-Wno-unknown-warning-option 2> >(grep -v 'warnings* generated\.$' >&2)
    echo "$clang_tidy: ${#sources[@]} files clean"
    ;;
  *) echo "code_health: unknown mode $mode" >&2; exit 2 ;;
esac
