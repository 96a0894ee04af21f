# syntax=docker/dockerfile:1
# multiarch-lint's own image, for linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le and
# linux/s390x (the Debian bookworm architectures with a cross toolchain):
#   docker buildx build --platform linux/amd64,linux/arm64 -t multiarch-lint .
# The compiler runs natively on the build machine and cross-compiles for the target: C++
# compiled under QEMU takes many times longer. Only the runtime stage runs target code
# (apt-get), and only briefly.

# The pinned tree-sitter C sources (third_party/package-lock.json): taken from the context
# when scripts/setup already fetched them, else fetched here with npm. They are C sources,
# the same for every target, so this runs once, on the build machine.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS tree-sitter
WORKDIR /src/third_party
COPY third_party/ ./
RUN if [ ! -f node_modules/tree-sitter-bash/src/parser.c ]; then \
      apt-get update && \
      apt-get install -y --no-install-recommends ca-certificates npm && \
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
    fi

FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS build
ARG TARGETARCH
ARG TARGETVARIANT
# The target's Debian architecture and GNU triple, written once for the steps below; a
# platform Debian bookworm has no cross toolchain for stops the build here, by name.
RUN case "$TARGETARCH$TARGETVARIANT" in \
      amd64) echo amd64 x86_64-linux-gnu ;; \
      arm64 | arm64v8) echo arm64 aarch64-linux-gnu ;; \
      armv7) echo armhf arm-linux-gnueabihf ;; \
      ppc64le) echo ppc64el powerpc64le-linux-gnu ;; \
      s390x) echo s390x s390x-linux-gnu ;; \
      *) echo "no Debian bookworm toolchain for $TARGETARCH$TARGETVARIANT" >&2; exit 1 ;; \
    esac >/etc/target-arch
# The target's libraries come from Debian's multiarch archive (`-dev:ARCH`); the header-only
# ones are the same for every architecture. crossbuild-essential-ARCH is satisfied by the
# native g++ when ARCH is the build machine's own, so one line serves every target.
RUN set -eu; read -r debarch triple </etc/target-arch; \
    dpkg --add-architecture "$debarch"; \
    apt-get update; \
    apt-get install -y --no-install-recommends cmake ninja-build pkg-config "crossbuild-essential-$debarch" \
      nlohmann-json3-dev libcli11-dev \
      "libarchive-dev:$debarch" "libcurl4-openssl-dev:$debarch" "libelf-dev:$debarch" \
      "libisal-dev:$debarch" "libssl-dev:$debarch" "libyaml-cpp-dev:$debarch" \
      "libzstd-dev:$debarch" "zlib1g-dev:$debarch"; \
    rm -rf /var/lib/apt/lists/*
COPY . /src
COPY --from=tree-sitter /src/third_party/node_modules /src/third_party/node_modules
# The compiler is the target triple's; pkg-config and CMake's find_package look in the
# target's multiarch directories.
RUN set -eu; read -r debarch triple </etc/target-arch; \
    PKG_CONFIG_LIBDIR="/usr/lib/$triple/pkgconfig:/usr/share/pkgconfig" \
      cmake -S /src -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMAL_TESTS=OFF \
        -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${triple%%-*}" \
        -DCMAKE_C_COMPILER="$triple-gcc" -DCMAKE_CXX_COMPILER="$triple-g++"; \
    cmake --build /tmp/build; \
    "$triple-strip" -o /usr/local/bin/multiarch-lint /tmp/build/multiarch-lint; \
    rm -rf /tmp/build
# The runtime packages are the ones that ship the libraries the binary links (DT_NEEDED), so
# that list cannot fall behind the build, and libcurl, libarchive and libcrypto, which it
# loads when a command first needs them (analyzer/shared_library.h). dpkg knows a library by its file name
# (libyaml-cpp.so.0.7.0), not always by its soname, which ldconfig may have made.
RUN set -eu; read -r debarch triple </etc/target-arch; \
    for lib in $("$triple-readelf" -d /usr/local/bin/multiarch-lint | sed -n 's/.*Shared library: \[\(.*\)\]$/\1/p') libcurl.so.4 libarchive.so.13 libcrypto.so.3; do \
      dpkg -S "*/$triple/$lib*" | grep -v ' /usr/share/' >>/tmp/owners; \
    done; \
    cut -d: -f1 /tmp/owners | sort -u >/usr/local/share/multiarch-lint-runtime-packages; \
    rm /tmp/owners

FROM debian:bookworm-slim
COPY --from=build /usr/local/share/multiarch-lint-runtime-packages /tmp/runtime-packages
RUN apt-get update && \
    xargs -a /tmp/runtime-packages apt-get install -y --no-install-recommends ca-certificates && \
    rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY --from=build /usr/local/bin/multiarch-lint /usr/local/bin/multiarch-lint
WORKDIR /work
ENTRYPOINT ["multiarch-lint"]
CMD ["lint"]
