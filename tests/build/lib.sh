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
  command -v buildah >/dev/null && command -v mmdebstrap >/dev/null && command -v update-binfmts >/dev/null ||
    oracle_skip "buildah, mmdebstrap or binfmt-support missing: run tests/build/setup"
  if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
      oracle_skip "the kernel refuses to mount binfmt_misc, so arm64 RUN steps cannot run under QEMU"
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null ||
    oracle_skip "qemu-aarch64 is not registered with binfmt_misc (update-binfmts --enable qemu-aarch64 failed)"
}
