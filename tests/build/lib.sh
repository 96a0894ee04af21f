# shellcheck shell=bash
# Shared by the oracle's scripts: where its cache and storage live, how buildah is called, and
# the binfmt check.
ORACLE_CACHE=${ORACLE_CACHE:-/var/cache/multiarch-lint-oracle}
# Exit code ctest reads as SKIP (tests/CMakeLists.txt: SKIP_RETURN_CODE).
ORACLE_SKIP=77

# One storage per target platform: buildah 1.28's step cache (--layers) does not tell platforms
# apart, and an arm64 build reused the amd64 build's final image (seen in buildplatform-host).
# In its own storage a target's builds can only ever reuse that target's steps.
oracle_storage() { printf '%s/storage-%s\n' "$ORACLE_CACHE" "${1//\//-}"; }
# shellcheck disable=SC2034  # read by base-images, which sources this file
ORACLE_PLATFORMS=(linux/amd64 linux/arm64)

oracle_buildah() { # needs ORACLE_STORAGE (oracle_storage PLATFORM)
  buildah --storage-driver vfs --root "${ORACLE_STORAGE:?}" --runroot "$ORACLE_STORAGE.run" "$@"
}

oracle_skip() { echo "SKIP: $*" >&2; exit "$ORACLE_SKIP"; }

# Foreign RUN steps need QEMU registered with the kernel; without it the arm64 half of every
# build would fail for a reason that has nothing to do with the Dockerfile.
oracle_require_binfmt() {
  [ "$(id -u)" -eq 0 ] || oracle_skip "the build oracle needs root (buildah chroot isolation, binfmt_misc)"
  command -v buildah >/dev/null && command -v update-binfmts >/dev/null ||
    oracle_skip "buildah or binfmt-support missing: run scripts/setup"
  if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
      oracle_skip "the kernel refuses to mount binfmt_misc, so arm64 RUN steps cannot run under QEMU"
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null ||
    oracle_skip "qemu-aarch64 is not registered with binfmt_misc (update-binfmts --enable qemu-aarch64 failed)"
}

# One image per architecture from a root file system tarball, annotated with the tarball's
# name (its cache key) so that a re-run with the same tarball skips the import.
oracle_import_rootfs() { # REF ARCH TAR CMD (needs ORACLE_STORAGE)
  local ref=$1 arch=$2 tar=$3 cmd=$4 key have ctr
  key=$(basename "$tar" .tar)
  have=$(oracle_buildah inspect --type image --format '{{index .ImageAnnotations "org.multiarch-lint.oracle.rootfs"}}' "$ref" 2>/dev/null || true)
  [ "$have" = "$key" ] && return 0
  ctr=$(oracle_buildah from --pull=never scratch)
  # ADD of a local tar extracts it, as in a Dockerfile, owners and modes included.
  oracle_buildah add "$ctr" "$tar" / >/dev/null
  oracle_buildah config --os linux --arch "$arch" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd "$cmd" --annotation "org.multiarch-lint.oracle.rootfs=$key" "$ctr"
  oracle_buildah commit --quiet --rm "$ctr" "$ref" >/dev/null
  echo "oracle: imported $ref into $ORACLE_STORAGE" >&2
}

# The manifest list a platform-less FROM resolves through, like a Docker Hub tag.
oracle_tag_manifest() { # TAG ARCH=REF... (needs ORACLE_STORAGE)
  local tag=$1 entry; shift
  oracle_buildah manifest rm "$tag" >/dev/null 2>&1 || oracle_buildah rmi "$tag" >/dev/null 2>&1 || true
  oracle_buildah manifest create "$tag" >/dev/null
  for entry in "$@"; do
    oracle_buildah manifest add --arch "${entry%%=*}" --os linux "$tag" "${entry#*=}" >/dev/null
  done
}

# A Debian package of one architecture, downloaded with a package list of that architecture
# kept apart from the system's (as fixtures/fetch-elf-samples does) and cached in
# MAL_CACHE_DIR/debian. Prints the .deb's path.
oracle_debian_package() { # ARCH PACKAGE
  local arch=$1 package=$2 root cache lists debs
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  cache=${MAL_CACHE_DIR:-$root/.cache}/debian; lists=$cache/lists-$arch; debs=$cache/debs-$arch
  if ! ls "$debs/${package}"_*.deb >/dev/null 2>&1; then
    mkdir -p "$lists/partial" "$debs" "$cache/apt-cache-$arch/archives/partial"
    local apt=(-qq -oAPT::Architecture="$arch" -oAPT::Architectures="$arch" -oDir::State::Lists="$lists"
               -oDir::Cache="$cache/apt-cache-$arch" -oDebug::NoLocking=1)
    ls "$lists"/*_main_binary-"$arch"_Packages* >/dev/null 2>&1 || apt-get "${apt[@]}" update >/dev/null 2>&1 || true
    (cd "$debs" && apt-get "${apt[@]}" download "$package" >/dev/null 2>&1) || {
      echo "oracle: cannot download $package for $arch from the Debian archive" >&2; return 1; }
  fi
  ls "$debs/${package}"_*.deb | head -1
}
