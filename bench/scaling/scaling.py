#!/usr/bin/env python3
"""How lint time grows with the length of a Dockerfile, shape by shape.

Each shape is one line a real Dockerfile writes (a download, a switch, a GOARCH setting, an
ENV URL, a COPY, a stage). It is repeated n and 4n times, up to the shell parser's bound of
1 MiB a script, three ways: as the lines of one heredoc RUN, as one RUN each, and (for
instruction shapes) as instructions. Linear work takes about 4x as long at 4n; a pass over the
whole script or stage for every word or instruction takes about 16x. A ratio over 7 (when the
long file takes more than half a second) is printed as QUADRATIC; `--check` then fails.
Machines are noisy: the figures are ratios between two runs on the same machine, one after
the other.

Usage: scaling.py BINARY [--check] [SHAPE...]
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Shapes of RUN lines: what the rules read in scripts.
SCRIPT_SHAPES = {
    'goarch': 'GOARCH=amd64 go build ./...',
    'goos-goarch': 'GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o /out/a .',
    'goarch-from-arg': 'GOARCH=$A go build',
    'cargo-target': 'cargo build --release --target x86_64-unknown-linux-musl',
    'rustup-target': 'rustup target add x86_64-unknown-linux-musl',
    'dotnet-rid': 'dotnet publish -r linux-x64 -c Release -o /app',
    'npm-arch': 'npm install --arch=x64 sharp',
    'cc-triple': 'CC=x86_64-linux-gnu-gcc make',
    'curl-amd64': 'curl -fsSLo /tmp/t.tgz https://example.com/tool-linux-amd64.tar.gz',
    'curl-arg': 'curl -fsSLo /tmp/t.tgz https://example.com/tool-linux-${ARCH}.tar.gz',
    'curl-targetarch': 'curl -o /x https://e.com/tool_${TARGETARCH}.tgz',
    'wget-deb': 'wget -q https://x.io/y_amd64.deb && dpkg -i y_amd64.deb',
    'apt-x86-only': 'apt-get install -y libc6-dev-i386 gcc-multilib nvidia-cuda-toolkit',
    'dpkg-add-arch': 'dpkg --add-architecture i386 && apt-get install -y libc6:i386',
    'apt-source-arch': 'echo "deb [arch=amd64] https://dl.google.com/linux/chrome/deb/ stable main" | tee /etc/apt/sources.list.d/g.list',
    'ld-library-path': 'export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:$LD_LIBRARY_PATH',
    'ld-so-conf': 'echo /usr/lib/x86_64-linux-gnu > /etc/ld.so.conf.d/x.conf',
    'jvm-link': 'ln -s /usr/lib/jvm/java-17-openjdk-amd64 /opt/java',
    'multiarch-copy': 'cp /usr/lib/x86_64-linux-gnu/libz.so /out/',
    'case-complete': 'case "$(uname -m)" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; esac',
    'case-failing-default': 'case "$(dpkg --print-architecture)" in amd64) A=x64 ;; *) exit 1 ;; esac',
    'case-incomplete': 'case "$(uname -m)" in x86_64) A=amd64 ;; esac; echo $A',
    'if-elif-arch': 'if [ "$(uname -m)" = "x86_64" ]; then A=amd64; elif [ "$(uname -m)" = aarch64 ]; then A=arm64; fi',
    'if-targetarch': 'if [ "$TARGETARCH" = "amd64" ]; then curl -o /x https://e/amd64/x; fi',
    'march-flags': 'gcc -march=native -msse4.2 -mavx2 -o a a.c',
    'cflags-level': 'export CFLAGS="-O2 -march=x86-64-v3"',
    'pip-install': 'pip install --no-cache-dir tensorflow==2.15 numpy',
    'pip-wheel-file': 'pip install https://x.io/pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
    'chmod-move': 'chmod +x /usr/local/bin/tool && mv /tmp/tool /usr/local/bin/',
    'uname-url': 'ARCH=$(uname -m) && curl -o /x https://e.com/$ARCH/t',
    'dpkg-arch-url': 'A=$(dpkg --print-architecture); curl -o /x https://e.com/tool_${A}.tgz',
    'sh-c': 'sh -c "curl -o /x https://e.com/linux-amd64/t && chmod +x /x"',
    'pipe-to-bash': 'curl -fsSL https://e.com/install-x86_64.sh | bash -s -- --arch x86_64',
    'nested-substitution': 'echo $(echo $(echo $(uname -m)))',
    'export-several': 'export A=amd64 B=x86_64 C=linux/amd64',
    'function': 'f() { curl -o /x https://e.com/linux-amd64/t; }; f',
    'for-loop': 'for a in amd64 arm64; do curl -o /x-$a https://e.com/linux-$a/t; done',
    'redirect-download': 'curl https://e.com/x86_64/t > /usr/local/bin/t',
    'make-goal': 'make dist/argo-linux-amd64 GOARCH=amd64',
    'configure-host': './configure --host=x86_64-linux-gnu --target=aarch64-linux-gnu',
    'java-home': 'export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64',
    'cross-path': 'export PATH=/opt/x86_64-linux-musl-cross/bin:$PATH',
    'qemu': 'qemu-x86_64-static /bin/true',
    'per-arch-archive': 'curl -O https://z.org/zig-linux-$(uname -m)-0.11.tar.xz && mv zig-linux-x86_64-0.11 /opt/zig',
    'url-variable': 'URL=https://e.com/linux-amd64/t; curl -o /x $URL',
    'opt-in-branch': 'if [ "$WITH_CUDA" = 1 ]; then curl -o /x https://e.com/cuda/x86_64/t; fi',
}

# Shapes of instructions: what the rules read across a stage or a file.
INSTRUCTION_SHAPES = {
    'env-url': 'ENV URL=https://e.com/linux-amd64/t\nRUN curl -o /x $URL',
    'arg-arch': 'ARG ARCH=amd64\nRUN curl -o /x https://e.com/linux-$ARCH/t',
    'env-ld-path': 'ENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu',
    'add-url': 'ADD https://e.com/tool-linux-amd64.tar.gz /tmp/',
    'copy-library': 'COPY lib/libfoo.so /usr/lib/',
    'copy-from-stage': 'COPY --from=build /out/app-linux-amd64 /usr/local/bin/app',
    'cmd-binary': 'CMD ["/usr/local/bin/app-amd64"]',
    'stage-download': 'FROM debian AS s{i}\nRUN curl -o /x https://e.com/linux-amd64/t',
    'stage-pinned': 'FROM --platform=linux/amd64 debian AS s{i}\nRUN go build -o /out/a .',
    'stage-from-previous': 'FROM s{prev} AS s{i}\nRUN echo $TARGETARCH',
    'copy-from-previous': 'FROM debian AS s{i}\nCOPY --from=s{prev} /out /out\nRUN ./configure && make',
    'builder-chain': 'FROM --platform=$BUILDPLATFORM golang AS s{i}\nCOPY --from=s{prev} /src /src\nRUN go build -o /out/a .',
    'arch-selected-stage': 'FROM debian AS b{i}-amd64\nFROM debian AS b{i}-arm64\nFROM b{i}-${{TARGETARCH}} AS s{i}\nRUN make',
}

HEAD = 'FROM debian AS build\nARG A=amd64\nARG ARCH=amd64\n'
SCRIPT_BOUND = 1000 * 1024  # under the shell parser's 1 MiB a script


def file_of(shape, line, n, way):
    if way == 'heredoc':
        return HEAD + 'RUN <<EOF\n' + (line + '\n') * n + 'EOF\n'
    if way == 'runs':
        return HEAD + ('RUN ' + line + '\n') * n
    first = 'FROM debian AS s0\n'
    return HEAD + first + ''.join(line.format(i=i, prev=i - 1) + '\n' for i in range(1, n + 1))


def seconds(binary, text, directory):
    path = Path(directory) / 'Dockerfile'
    path.write_text(text)
    start = time.monotonic()
    try:
        subprocess.run([binary, 'lint', '--format', 'json', str(path)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return 120.0
    return time.monotonic() - start


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    check = '--check' in sys.argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    binary, only = args[0], set(args[1:])
    cases = []
    for way in ('heredoc', 'runs'):
        for shape, line in SCRIPT_SHAPES.items():
            # A heredoc stays under the script bound; RUNs are bounded by the file's 2 MiB of
            # scripts: 30k lines keep both files examined in full.
            big = min(SCRIPT_BOUND // (len(line) + 5), 60000 if way == 'heredoc' else 30000)
            cases.append((shape, way, line, big))
    for shape, line in INSTRUCTION_SHAPES.items():
        cases.append((shape, 'instructions', line, 32000))
    quadratic = []
    print(f"{'shape':22} {'as':13} {'n':>6} {'4n':>6} {'time n':>8} {'time 4n':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as directory:
        for shape, way, line, big in cases:
            if only and shape not in only:
                continue
            small = big // 4
            a = seconds(binary, file_of(shape, line, small, way), directory)
            b = seconds(binary, file_of(shape, line, big, way), directory)
            ratio = b / max(a, 0.01)
            bad = (ratio > 7 and b > 0.5) or b > 10
            if bad:
                quadratic.append(f'{shape} ({way})')
            print(f"{shape:22} {way:13} {small:6} {big:6} {a:7.2f}s {b:7.2f}s {ratio:5.1f}x{'  QUADRATIC' if bad else ''}",
                  flush=True)
    print(f"{len(quadratic)} shape(s) grow faster than linearly" + (': ' + ', '.join(quadratic) if quadratic else ''))
    return 1 if check and quadratic else 0


if __name__ == '__main__':
    sys.exit(main())
