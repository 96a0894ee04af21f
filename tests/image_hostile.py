#!/usr/bin/env python3
"""`multiarch-lint scan` and `manifest` on hostile images and a hostile cache.

Every input is generated here, at test time (the bombs are never committed). For each
case: no signal, an answer within its time bound, peak memory within the README's bound
(measured with wait4 on the real binary), nothing written outside the cache, and the
right exit code and message. Nothing that could not be examined may exit 0.

usage: image_hostile.py MULTIARCH_LINT [CASE...]
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
import zlib

import sandbox_tree  # tests/sandbox_tree.py, beside this script

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
EM_X86_64, EM_AARCH64 = 62, 183
MEMORY_BOUND_MIB = 128  # the README's bound for any image

BIN = None
WORK = None


def elf(machine=EM_X86_64, ei_class=2, ei_data=1, pad=0):
    """A minimal ELF header (no segments): enough for the reader to name its machine."""
    ident = b"\x7fELF" + bytes([ei_class, ei_data, 1, 0]) + b"\0" * 8
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)
    return header + b"\0" * pad


def tar_of(entries):
    """entries: (name, data | None, mode, kind, link) with kind file|dir|symlink|hardlink."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT, encoding="latin-1") as tar:
        for name, data, mode, kind, link in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, link
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def f(name, data, mode=0o755):
    return (name, data, mode, "file", None)


class LayerSink:
    """A layer written as a stream: gzip-compressed and hashed as the tar bytes pass, so a
    layer of gigabytes costs megabytes here. Layout.image takes it in place of tar bytes."""

    def __init__(self):
        self.raw = hashlib.sha256()
        self.compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
        self.parts = []

    def write(self, data):
        self.raw.update(data)
        self.parts.append(self.compressor.compress(data))
        return len(data)

    def finish(self):
        self.parts.append(self.compressor.flush())
        return b"".join(self.parts), "sha256:" + self.raw.hexdigest()


class Filled(io.RawIOBase):
    """`size` bytes: an ELF header, then `fill` bytes. Zeros make a huge file that is mostly
    holes; 0x01 bytes leave no zero page a reader could skip."""

    def __init__(self, head, size, fill=b"\0"):
        self.head, self.left, self.pos, self.fill = head, size, 0, fill

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = self.fill * n
        if self.pos < len(self.head):
            k = min(n, len(self.head) - self.pos)
            buffer[:k] = self.head[self.pos:self.pos + k]
        self.pos += n
        self.left -= n
        return n


class Layout:
    def __init__(self, name):
        self.root = os.path.join(WORK, name)
        os.makedirs(os.path.join(self.root, "blobs", "sha256"))
        with open(os.path.join(self.root, "oci-layout"), "w") as out:
            json.dump({"imageLayoutVersion": "1.0.0"}, out)

    def blob(self, data, media_type, **extra):
        digest = hashlib.sha256(data).hexdigest()
        with open(self.path(digest), "wb") as out:
            out.write(data)
        d = {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}
        d.update(extra)
        return d

    def path(self, digest):
        return os.path.join(self.root, "blobs", "sha256", digest.split(":")[-1])

    def image(self, arch, tars, entrypoint=("/bin/app",), media_type=OCI_MANIFEST, platform=True, **extra):
        layers, diff_ids = [], []
        for t in tars:
            if isinstance(t, LayerSink):
                data, diff = t.finish()
            else:
                data, diff = gzip.compress(t, 1, mtime=0), "sha256:" + hashlib.sha256(t).hexdigest()
            layers.append(self.blob(data, LAYER_GZIP))
            diff_ids.append(diff)
        config = {"architecture": arch, "os": "linux", "config": {"Entrypoint": list(entrypoint)},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}}
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                    "config": self.blob(json.dumps(config).encode(), OCI_CONFIG), "layers": layers}
        if platform:
            extra["platform"] = {"architecture": arch, "os": "linux"}
        return self.blob(json.dumps(manifest).encode(), media_type, **extra)

    def index(self, manifests):
        return {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}

    def finish(self, manifests):
        with open(os.path.join(self.root, "index.json"), "w") as out:
            json.dump(self.index(manifests), out)
        return self.root


def good_layout(name, arch="amd64", files=None):
    layout = Layout(name)
    m = layout.image(arch, [tar_of(files or [f("bin/app", elf())])])
    return layout, m


def run(args, seconds, env=None):
    """Runs the binary; returns (exit code, stdout, stderr, seconds, peak RSS in MiB).

    Through a small measuring process (this script's --measure mode): the peak RSS a
    process reports includes what it had before exec, so the binary must not be forked
    from this process after it has built a multi-GiB bomb.

    In a sandbox: HOME, TMPDIR and the working directory inside WORK, the cache there too;
    afterwards nothing under WORK may have changed but the cache (the reports go to stdout)."""
    environment = dict(os.environ, XDG_CACHE_HOME=os.path.join(WORK, "cache"), HOME=os.path.join(WORK, "home"),
                       TMPDIR=os.path.join(WORK, "tmpdir"))
    environment.update(env or {})
    cwd = os.path.join(WORK, "cwd")
    for directory in (environment["HOME"], environment["TMPDIR"], cwd):
        os.makedirs(directory, exist_ok=True)
    skip = {environment["XDG_CACHE_HOME"], os.path.join(environment["HOME"], ".cache")}
    before = sandbox_tree.tree(WORK, skip)
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        code = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", str(seconds), rss.name, BIN] + args,
                              stdout=out, stderr=err, env=environment, cwd=cwd).returncode
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        peak = float(rss.read() or 0)
        after = sandbox_tree.tree(WORK, skip)
        changed = sandbox_tree.changed(before, after)
        if changed:
            print(f"FAIL {' '.join(args[:1])}: wrote outside the cache: {changed[:5]}")
            failures.append(f"{' '.join(args)}: wrote outside the cache: {changed[:5]}")
        return (code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), elapsed, peak)


def measure(seconds, rss_file, command):
    """--measure: runs `command`, killing it after `seconds`; writes its peak RSS (MiB)."""
    process = subprocess.Popen(command)
    timer = threading.Timer(float(seconds), process.kill)
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    with open(rss_file, "w") as out:
        out.write(str(usage.ru_maxrss / 1024))
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


failures = []


SANITIZED = os.environ.get("MAL_SANITIZED") == "1"


def expect(case, args, code, pattern=None, seconds=60, memory=MEMORY_BOUND_MIB, env=None, where="any"):
    if SANITIZED:
        seconds, memory = seconds * 10, float("inf")
    got, out, err, elapsed, rss = run(args, seconds, env)
    text = {"out": out, "err": err}.get(where, out + err)
    problems = []
    if got > 2:
        problems.append(f"signal or crash (exit {got})")
    if elapsed >= seconds:
        problems.append(f"no answer in {seconds} s")
    if got != code:
        problems.append(f"exit {got}, expected {code}")
    if pattern and pattern not in text:
        problems.append(f"no '{pattern}' in the output")
    if rss > memory:
        problems.append(f"peak RSS {rss:.0f} MiB > {memory} MiB")
    print(f"{'FAIL' if problems else 'ok  '} {case}: exit {got}, {elapsed:.1f} s, {rss:.0f} MiB"
          + (": " + "; ".join(problems) + "\n" + (out + err)[-1500:] if problems else ""))
    if problems:
        failures.append(case)
    return out + err


def fail(case, problems):
    print(f"FAIL {case}: " + "; ".join(problems))
    if case not in failures:
        failures.append(case)


def json_report(out):
    """The JSON report at the start of `out` (stderr follows it), or None."""
    try:
        return json.JSONDecoder().raw_decode(out)[0]
    except ValueError:
        return None


def expect_examined_clean(case, args, elf_files, platform="linux/amd64", machine="x86-64", files=None, **kwargs):
    """exit 0 is only "clean" when the image was read: `scan -f json` must show the one
    `platform` analysed with exactly `elf_files` ELF files of `machine` (and `files` files,
    when given), no error and no finding (a scan that gave up silently would exit 0 too).
    Returns the report."""
    report = json_report(expect(case, args[:1] + ["-f", "json"] + args[1:], 0, **kwargs))
    problems = []
    if report is None:
        problems.append("no JSON report")
    else:
        if report["findings"] or report.get("errors") or not all(i["analysed"] for i in report["inputs"]):
            problems.append(f"findings {report['findings'][:3]}, errors {report.get('errors')}, inputs {report['inputs']}")
        seen = [(i["platform"], i.get("elf")) for i in report["images"]]
        if seen != [(platform, {machine: elf_files})]:
            problems.append(f"examined {seen}, expected [({platform!r}, {{{machine!r}: {elf_files}}})]")
        if files is not None and [i["files"] for i in report["images"]] != [files]:
            problems.append(f"files {[i['files'] for i in report['images']]}, expected [{files}]")
    if problems:
        fail(case, problems)
    return report


def expect_findings(case, args, code, findings, says=(), **kwargs):
    """`scan -f json`: exactly `findings`, each (rule, platform, path in the image or None),
    every input analysed with no error, and each text of `says` in the message of the finding
    at the same place of the sorted list. A rule id found anywhere in the output would let
    another finding, or the same rule on another file, pass."""
    report = json_report(expect(case, args[:1] + ["-f", "json"] + args[1:], code, **kwargs))
    if report is None:
        fail(case, ["no JSON report"])
        return
    got = sorted(((f["rule"], f["location"].get("platform"), f["location"].get("imagePath")), f["message"])
                 for f in report["findings"])
    problems = []
    if [place for place, _ in got] != sorted(findings):
        problems.append(f"findings {[place for place, _ in got]}, expected {sorted(findings)}")
    for (place, message), text in zip(got, says):
        if text not in message:
            problems.append(f"{place}: no '{text}' in '{message}'")
    if report.get("errors") or not all(i["analysed"] for i in report["inputs"]):
        problems.append(f"errors {report.get('errors')}, inputs {report['inputs']}")
    if problems:
        fail(case, problems)


# --- layout blobs that are not regular files inside the layout -------------------------

def case_fifo_blob():
    layout, m = good_layout("fifo")
    root = layout.finish([m])
    layer = json.load(open(layout.path(m["digest"])))["layers"][0]["digest"]
    os.remove(layout.path(layer))
    os.mkfifo(layout.path(layer))
    expect("a layer blob that is a FIFO", ["scan", "--no-cache", root], 2, "not a regular file", seconds=20)


def case_symlink_blobs():
    layout, m = good_layout("devzero")
    root = layout.finish([m])
    layer = json.load(open(layout.path(m["digest"])))["layers"][0]["digest"]
    os.remove(layout.path(layer))
    os.symlink("/dev/zero", layout.path(layer))
    expect("a layer blob linked to /dev/zero", ["scan", "--no-cache", root], 2, "outside the layout", seconds=20)
    layout, m = good_layout("passwd")
    root = layout.finish([m])
    config = json.load(open(layout.path(m["digest"])))["config"]["digest"]
    os.remove(layout.path(config))
    os.symlink("/etc/passwd", layout.path(config))
    out = expect("a config blob linked to /etc/passwd", ["scan", "--no-cache", root], 2, "outside the layout")
    passwd = "sha256:" + hashlib.sha256(open("/etc/passwd", "rb").read()).hexdigest()
    if passwd in out:
        failures.append("the digest of /etc/passwd was printed")


# --- index graphs ------------------------------------------------------------------------

def case_index_graphs():
    # 20 ways at each level, every way to the same child: one read per distinct document.
    for depth, code, pattern in ((3, 0, None), (6, 2, "nested more than")):
        layout, m = good_layout(f"fanout{depth}")
        child = m
        for level in range(depth):
            ways = [dict(child, annotations={"way": str(w)}) for w in range(20)]
            child = layout.blob(json.dumps(layout.index(ways)).encode(), OCI_INDEX)
        root = layout.finish([child])
        case = f"an index fanning out 20 ways {depth} deep"
        if code == 0:
            expect_examined_clean(case, ["scan", "--no-cache", root], 1, seconds=20)
        else:
            expect(case, ["scan", "--no-cache", root], code, pattern, seconds=20)
    # 20 distinct children at each level, 3 levels: 20 indexes, 400 indexes, 8,000 distinct
    # manifests (each its own document). The walk reads each distinct document once, so the
    # document bound (4,096) is what stops it, said, not a hang or a platform dropped silently.
    layout, m = good_layout("fanout-distinct")
    manifest = json.load(open(layout.path(m["digest"])))
    leaves = []
    for n in range(8000):
        body = json.dumps(dict(manifest, annotations={"n": str(n)})).encode()
        leaves.append(dict(layout.blob(body, m["mediaType"]), platform=m["platform"]))
    middles = [layout.blob(json.dumps(layout.index(leaves[i:i + 20])).encode(), OCI_INDEX)
               for i in range(0, 8000, 20)]
    tops = [layout.blob(json.dumps(layout.index(middles[i:i + 20])).encode(), OCI_INDEX) for i in range(0, 400, 20)]
    root = layout.finish(tops)
    expect("an index fanning out to 20 distinct children 3 deep (8,420 documents)", ["scan", "--no-cache", root], 2,
           "more than 4096", seconds=30)
    # A descriptor that names a blob whose bytes list that same digest: the bytes do not
    # hash to it, so the walk stops there.
    layout = Layout("selfcycle")
    fake = "sha256:" + "ab" * 32
    body = json.dumps(layout.index([{"mediaType": OCI_INDEX, "digest": fake, "size": 10}])).encode()
    with open(layout.path(fake), "wb") as out:
        out.write(body)
    root = layout.finish([{"mediaType": OCI_INDEX, "digest": fake, "size": len(body)}])
    expect("an index that references itself", ["scan", "--no-cache", root], 2, "does not match its digest", seconds=20)
    expect("an index that references itself (manifest)", ["manifest", "--no-cache", root], 2, "does not match its digest",
           seconds=20)


# An x86-64 /bin/app, the entrypoint, in a linux/arm64 image: the platform was examined.
FOREIGN_APP = [("MA201", "linux/arm64", "/bin/app"), ("MA202", "linux/arm64", "/bin/app")]
FOREIGN_APP_SAYS = ("x86-64 ELF in the linux/arm64 image", "cannot start on linux/arm64")


def case_lying_media_types():
    for name, media_type in (("json", "application/json"), ("charset", OCI_MANIFEST + "; charset=utf-8")):
        layout = Layout("lying-" + name)
        m = layout.image("arm64", [tar_of([f("bin/app", elf(EM_X86_64))])], media_type=media_type)
        root = layout.finish([m])
        expect_findings(f"a platform descriptor typed {media_type}", ["scan", "--no-cache", root], 1, FOREIGN_APP,
                        FOREIGN_APP_SAYS)
    layout = Layout("annotated")
    m = layout.image("arm64", [tar_of([f("bin/app", elf(EM_X86_64))])],
                     annotations={"vnd.docker.reference.type": "attestation-manifest"})
    root = layout.finish([m])
    expect_findings("a real platform manifest annotated as an attestation", ["scan", "--no-cache", root], 1, FOREIGN_APP,
                    FOREIGN_APP_SAYS)


def case_json_nesting_and_numbers():
    layout = Layout("deepjson")
    with open(os.path.join(layout.root, "index.json"), "w") as out:
        out.write("[" * 100000 + "]" * 100000)
    expect("index.json nested 100k deep", ["scan", "--no-cache", layout.root], 2, "index.json: not a JSON object",
           seconds=20)
    expect("index.json nested 100k deep (manifest)", ["manifest", "--no-cache", layout.root], 2,
           "index.json: not a JSON object", seconds=20)
    layout, m = good_layout("hugenumber")
    m["size"] = 10 ** 400
    root = layout.finish([m])
    expect("a descriptor size of 10^400", ["scan", "--no-cache", root], 2, "index.json: not valid JSON", seconds=20)


# --- docker save -------------------------------------------------------------------------

def docker_save(name, config, layer_members, extra_members=()):
    """A legacy docker-save tar: layer_members are (name, tar bytes or link target)."""
    path = os.path.join(WORK, name + ".tar")
    config_bytes = json.dumps(config).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["x:1"], "Layers": [n for n, _ in layer_members]}]
    with tarfile.open(path, "w") as tar:
        def add(member, data=None, link=None):
            info = tarfile.TarInfo(member)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        add("manifest.json", json.dumps(manifest).encode())
        add(config_name, config_bytes)
        for member, content in layer_members:
            if isinstance(content, str):
                add(member, link=content)
            else:
                add(member, content)
        for member, content in extra_members:
            add(member, content)
    return path


def case_docker_save():
    layer = tar_of([f("bin/app", elf(EM_X86_64))])
    diff = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {"os": "linux", "config": {"Entrypoint": ["/bin/app"]}, "rootfs": {"type": "layers", "diff_ids": [diff]}}
    path = docker_save("noarch", config, [("a/layer.tar", layer)])
    expect("docker save with no architecture", ["scan", "--no-cache", path], 2, "no architecture")
    config["architecture"] = "amd64"
    config["rootfs"]["diff_ids"] = [diff, diff]
    path = docker_save("layerlink", config, [("a/layer.tar", layer), ("b/layer.tar", "../a/layer.tar")])
    expect_examined_clean("docker save whose second layer is a symlink inside the tar", ["scan", "--no-cache", path], 1,
                          seconds=20)
    path = docker_save("layerlink-out", dict(config, rootfs={"type": "layers", "diff_ids": [diff]}),
                       [("b/layer.tar", "/etc/passwd")])
    expect("docker save whose layer links out of the archive", ["scan", "--no-cache", path], 2,
           "'b/layer.tar' is missing from the archive", seconds=20)


# --- what the loader cannot start, what cannot be examined --------------------------------

def case_unexaminable():
    macho = b"\xcf\xfa\xed\xfe" + b"\0" * 60
    layout, m = good_layout("macho", files=[f("bin/app", macho)])
    cannot_start = [("MA202", "linux/amd64", "/bin/app")]
    expect_findings("a Mach-O entrypoint", ["scan", "--no-cache", layout.finish([m])], 1, cannot_start,
                    ["/bin/app is neither an ELF executable nor a `#!` script"])
    layout, m = good_layout("pe", files=[f("bin/app", b"MZ" + b"\0" * 62)])
    expect_findings("a PE entrypoint", ["scan", "--no-cache", layout.finish([m])], 1, cannot_start,
                    ["/bin/app is neither an ELF executable nor a `#!` script"])
    layout, m = good_layout("hardlink", files=[f("bin/app", elf()), ("bin/tool", None, 0o755, "hardlink", "bin/gone")])
    expect_findings("a hard link to a missing target", ["scan", "--no-cache", layout.finish([m])], 1,
                    [("MA209", "linux/amd64", "/bin/tool")], ["/bin/tool is a hard link to /bin/gone, which no layer"])
    for name, header in (("eidata", elf(ei_data=7)), ("eiclass", elf(ei_class=9))):
        layout, m = good_layout(name, files=[f("bin/app", elf()), f("usr/lib/libx.so", header)])
        expect_findings(f"an ELF with a bad {name.upper()}", ["scan", "--no-cache", layout.finish([m])], 1,
                        [("MA209", "linux/amd64", "/usr/lib/libx.so")],
                        ["did not fully examine (damaged ELF header: unknown class or byte order)"])


# --- hostile layer entries ----------------------------------------------------------------

def case_hostile_entries():
    # Names that climb out of the root, absolute and dangling links, an entrypoint whose
    # links loop, whiteouts of the root itself, the same path written twice: the merged
    # filesystem stays inside the image and nothing is written anywhere.
    canary = os.path.join(WORK, "escaped")
    climb = os.path.relpath(canary, "/")
    entries = [f("bin/app", elf()),
               f("../../../../../../" + climb, b"x", 0o644),
               f("/" + climb + "-absolute", b"x", 0o644),
               ("etc/passwd-link", None, 0o777, "symlink", "/etc/passwd"),
               ("usr/lib/dangling.so", None, 0o777, "symlink", "../../nowhere/libx.so"),
               f("bin/twice", elf(), 0o755), f("bin/twice", elf(EM_AARCH64), 0o755)]
    layout, m = good_layout("entries", files=entries)
    # The later of the two entries for /bin/twice is the one judged: the AArch64 one.
    expect_findings("names out of the root, absolute and dangling links, a path written twice",
                    ["scan", "--no-cache", layout.finish([m])], 1, [("MA201", "linux/amd64", "/bin/twice")],
                    ["/bin/twice is an AArch64 ELF in the linux/amd64 image"])
    layout, m = good_layout("loop", files=[("bin/app", None, 0o777, "symlink", "loop1"),
                                           ("bin/loop1", None, 0o777, "symlink", "/bin/app")])
    expect_findings("an entrypoint whose links loop", ["scan", "--no-cache", layout.finish([m])], 1,
                    [("MA202", "linux/amd64", None)], ["'/bin/app' is not in the image"], seconds=20)
    layout = Layout("rootwhiteout")
    m = layout.image("amd64", [tar_of([f("bin/app", elf())]),
                               tar_of([f(".wh..wh..opq", b"", 0o644), f("./.wh..wh..opq", b"", 0o644),
                                       f("bin/app", elf())])])
    expect_examined_clean("whiteouts of the root", ["scan", "--no-cache", layout.finish([m])], 1, seconds=20)
    for path in (canary, canary + "-absolute"):
        if os.path.lexists(path):
            failures.append(f"the scan wrote {path} outside its cache")


def case_zstd_and_wheel_bombs():
    # A zstd layer holding 2 GiB of zeros (about 70 KB compressed), within the layer bound
    # and read as a stream; a wheel whose one entry inflates to 2 GiB of zeros.
    layout = Layout("zstdbomb")
    header = tarfile.TarInfo("zeros")
    header.size = 2 << 30
    app = tarfile.TarInfo("bin/app")
    app.size, app.mode = len(elf()), 0o755
    head = app.tobuf(format=tarfile.GNU_FORMAT) + elf().ljust(512, b"\0") + header.tobuf(format=tarfile.GNU_FORMAT)
    raw = hashlib.sha256()
    zstd = subprocess.Popen(["zstd", "-q", "-1", "-c"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    reader = threading.Thread(target=lambda: setattr(zstd, "result", zstd.stdout.read()))
    reader.start()
    chunk = bytes(1 << 20)
    raw.update(head)
    zstd.stdin.write(head)
    for _ in range(2048):
        raw.update(chunk)
        zstd.stdin.write(chunk)
    raw.update(bytes(1024))
    zstd.stdin.write(bytes(1024))
    zstd.stdin.close()
    reader.join()
    zstd.wait()
    d = layout.blob(zstd.result, "application/vnd.oci.image.layer.v1.tar+zstd")
    config = {"architecture": "amd64", "os": "linux", "config": {"Entrypoint": ["/bin/app"]},
              "rootfs": {"type": "layers", "diff_ids": ["sha256:" + raw.hexdigest()]}}
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": layout.blob(json.dumps(config).encode(), OCI_CONFIG), "layers": [d]}
    m = layout.blob(json.dumps(manifest).encode(), OCI_MANIFEST, platform={"architecture": "amd64", "os": "linux"})
    expect_examined_clean("a zstd bomb of 2 GiB of zeros", ["scan", "--no-cache", layout.finish([m])], 1, seconds=120)
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflated = b"".join(raw.compress(chunk) for _ in range(2048)) + raw.flush()
    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("tool/__init__.py", b"")
    # One stored-as-deflated entry of 2 GiB of zeros before the small archive's own entries.
    name = b"tool/zeros.bin"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 8, 8, 0, 0, 0, 0, 0, len(name), 0) + name
    crc = 0
    for _ in range(2048):
        crc = zlib.crc32(chunk, crc)
    descriptor = struct.pack("<IIII", 0x08074B50, crc, len(deflated), 2048 << 20)
    data = local + deflated + descriptor + wheel.getvalue()
    layout, m = good_layout("wheelbomb", files=[f("bin/app", elf()),
                                                f("app/tool-1.0-py3-none-any.whl", data, 0o644)])
    expect_examined_clean("a wheel zip bomb", ["scan", "--no-cache", layout.finish([m])], 1, seconds=60)


# --- bombs and bounds --------------------------------------------------------------------

def case_sparse_huge_elf():
    # Eight 255 MB ELF files of zeros after their header (a sparse file packed densely):
    # the reader keeps what is not zero, whatever the size and the number of cores.
    sink = LayerSink()
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        app = elf()
        info = tarfile.TarInfo("bin/app")
        info.size, info.mode = len(app), 0o755
        tar.addfile(info, io.BytesIO(app))
        for i in range(8):
            info = tarfile.TarInfo(f"opt/big{i}")
            info.size, info.mode = 255 << 20, 0o755
            tar.addfile(info, io.BufferedReader(Filled(elf(), 255 << 20), 1 << 20))
    layout = Layout("bigelf")
    m = layout.image("amd64", [sink])
    expect_examined_clean("eight 255 MB ELF files", ["scan", "--no-cache", layout.finish([m])], 9, seconds=120)


def case_elf_over_4gib():
    # An ELF file past the 4 GiB bound, stored sparse in the tar (a few KiB on disk): not
    # read, and said (MA209 naming it), never a clean exit. The layer itself is tiny.
    root = os.path.join(WORK, "over4g")
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "opt"))
    with open(os.path.join(root, "bin", "app"), "wb") as out:
        out.write(elf())
    with open(os.path.join(root, "opt", "huge"), "wb") as out:
        out.write(elf())
        out.truncate((4 << 30) + (1 << 20))
    # Both executable: the entrypoint must start, so MA209 on /opt/huge is the one finding.
    os.chmod(os.path.join(root, "bin", "app"), 0o755)
    os.chmod(os.path.join(root, "opt", "huge"), 0o755)
    tar = subprocess.run(["tar", "--sparse", "--format=gnu", "--owner=0", "--group=0", "-C", root, "-cf", "-",
                          "bin", "opt"], check=True, stdout=subprocess.PIPE).stdout
    shutil.rmtree(root)
    if len(tar) > (1 << 20):
        failures.append(f"the sparse tar of a 4 GiB file is {len(tar)} bytes: not sparse, the case means nothing")
        return
    layout = Layout("over4g-layout")
    m = layout.image("amd64", [tar])
    expect_findings("a sparse ELF file over 4 GiB", ["scan", "--no-cache", layout.finish([m])], 1,
                    [("MA209", "linux/amd64", "/opt/huge")], ["larger than the bound"], seconds=60)


def case_many_workers():
    # Peak memory does not grow with the number of layer workers: sixteen layers, each with
    # one 40 MiB ELF file of non-zero bytes (more than a worker keeps whole), read by sixteen
    # workers at once (--jobs 16, whatever the machine's core count), within the same bound.
    layers = []
    for i in range(16):
        sink = LayerSink()
        with tarfile.open(fileobj=sink, mode="w|", format=tarfile.GNU_FORMAT) as tar:
            if i == 0:
                app = elf()
                info = tarfile.TarInfo("bin/app")
                info.size, info.mode = len(app), 0o755
                tar.addfile(info, io.BytesIO(app))
            info = tarfile.TarInfo(f"opt/big{i}")
            info.size, info.mode = 40 << 20, 0o755
            tar.addfile(info, io.BufferedReader(Filled(elf(), 40 << 20, b"\1"), 1 << 20))
        layers.append(sink)
    layout = Layout("workers")
    m = layout.image("amd64", layers)
    expect_examined_clean("sixteen 40 MiB ELF files read by sixteen workers",
                          ["scan", "--no-cache", "--jobs", "16", layout.finish([m])], 17, seconds=120)


def tiny_files_layer(count):
    """A layer of `count` one-byte files, written header by header from one template
    (tarfile is too slow): only the name and the checksum change."""
    template = bytearray(512)
    template[100:108] = b"0000644\0"
    template[108:116] = b"0000000\0"
    template[116:124] = b"0000000\0"
    template[124:136] = b"00000000001\0"
    template[136:148] = b"00000000000\0"
    template[148:156] = b" " * 8
    template[156:157] = b"0"
    template[257:263] = b"ustar\0"
    template[263:265] = b"00"
    base = sum(template)
    middle, tail = bytes(template[100:148]), bytes(template[156:])
    block = b"a" + bytes(511)
    sink = LayerSink()
    chunk = []
    for i in range(count):
        name = b"d%d/f%d" % (i // 1000, i % 1000)
        chunk.append(name.ljust(100, b"\0") + middle + b"%06o\0 " % (base + sum(name)) + tail + block)
        if len(chunk) == 8192:
            sink.write(b"".join(chunk))
            chunk = []
    sink.write(b"".join(chunk) + bytes(1024))
    return sink


def case_million_files():
    layout = Layout("million")
    m = layout.image("amd64", [tar_of([f("bin/app", elf())]), tiny_files_layer(1_000_000)])
    # Within the 128 MiB goal: a stored entry is a small record and its path, the merged
    # filesystem a sorted list of references into the layers (see analyzer/image/layer.h).
    root = layout.finish([m])
    expect_examined_clean("a layer of a million tiny files", ["scan", "--no-cache", root], 1, files=1_000_001,
                          seconds=120)
    # The cache entry is written and read back record by record, within the same bound, and
    # the read-back image is the same million and one files.
    cache = {"XDG_CACHE_HOME": os.path.join(WORK, "million-cache")}
    for case, read, cached in (("a million tiny files, cache written", 2, 0),
                               ("a million tiny files, cache read", 0, 2)):
        report = expect_examined_clean(case, ["scan", root], 1, files=1_000_001, seconds=120, env=cache)
        layers = [(i.get("layersRead"), i.get("layersFromCache")) for i in report["inputs"]] if report else None
        if layers != [(read, cached)]:
            fail(case, [f"layers read and from the cache {layers}, expected [({read}, {cached})]"])


def case_zip_bomb():
    # A JAR of one entry inflating to 2 GiB of zeros, written with a data descriptor (the
    # streaming reader must inflate it to find its end), and 100k empty entries.
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    deflated = b"".join(raw.compress(chunk) for _ in range(2048)) + raw.flush()
    crc = 0
    for _ in range(2048):
        crc = zlib.crc32(chunk, crc)
    name = b"zeros.bin"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 8, 8, 0, 0, 0, 0, 0, len(name), 0) + name
    descriptor = struct.pack("<IIII", 0x08074B50, crc, len(deflated), 2048 << 20)
    jar = local + deflated + descriptor
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for i in range(100_000):
            z.writestr(f"e/{i}", b"")
    jar += buffer.getvalue()  # the streaming reader never looks at the central directory
    layout, m = good_layout("zipbomb", files=[f("bin/app", elf()), f("app/bomb.jar", jar, 0o644)])
    expect_examined_clean("a JAR zip bomb", ["scan", "--no-cache", layout.finish([m])], 1, seconds=60)


def case_gzip_bomb():
    # A layer whose one file is 20 GiB of zeros: past the bound on uncompressed bytes.
    layout = Layout("gzipbomb")
    header = tarfile.TarInfo("zeros")
    header.size = 20 << 30
    prefix = header.tobuf(format=tarfile.GNU_FORMAT)
    # Concatenated gzip members (valid gzip): one of 64 MiB of zeros, compressed once.
    member = gzip.compress(b"\0" * (64 << 20), 1, mtime=0)
    parts = [gzip.compress(prefix, 1, mtime=0)] + [member] * ((20 << 30) // (64 << 20))
    blob = b"".join(parts)
    d = layout.blob(blob, LAYER_GZIP)
    config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": layout.blob(json.dumps(config).encode(), OCI_CONFIG), "layers": [d]}
    m = layout.blob(json.dumps(manifest).encode(), OCI_MANIFEST, platform={"architecture": "amd64", "os": "linux"})
    expect("a gzip bomb of 20 GiB of zeros", ["scan", "--no-cache", layout.finish([m])], 2, "larger than the limit",
           seconds=120)


def case_oci_tar_huge_entry():
    layout, m = good_layout("tarhuge")
    root = layout.finish([m])
    sparse = os.path.join(WORK, "sparse")
    with open(sparse, "wb") as out:
        out.truncate(64 << 30)
    path = os.path.join(WORK, "huge.tar")
    subprocess.run(["tar", "-C", root, "-cf", path, "."], check=True)
    subprocess.run(["tar", "--sparse", "-C", WORK, "-rf", path, "--transform", "s,^,blobs/sha256/,", "sparse"],
                   check=True)
    os.remove(sparse)
    expect_examined_clean("an OCI tar with a 64 GiB entry", ["scan", "--no-cache", path], 1, seconds=30)


# --- the cache ---------------------------------------------------------------------------

def case_cache():
    cache = {"XDG_CACHE_HOME": os.path.join(WORK, "cache-hostile")}
    layout = Layout("latin1")
    m = layout.image("arm64", [tar_of([f("bin/app", elf(EM_AARCH64)), f("caf\xe9/x.so", elf(EM_X86_64))])])
    root = layout.finish([m])
    # Text output: the file name's bytes pass as they are (encoding them for JSON and the
    # other formats is the reporters' business).
    first = expect("a Latin-1 file name, cache on (cold)", ["scan", root], 1, "MA201", env=cache)
    second = expect("a Latin-1 file name, cache on (warm)", ["scan", root], 1, "MA201", env=cache)
    entries = os.path.join(cache["XDG_CACHE_HOME"], "multiarch-lint", "layers")
    if not os.listdir(entries):
        failures.append("the layer cache is empty after a scan")
    findings = lambda text: sorted(line for line in text.splitlines() if "MA2" in line)
    # One finding, MA201 on the x86-64 library under the Latin-1 directory (its byte 0xe9 is
    # read back here as U+FFFD).
    if len(findings(first)) != 1 or not all(t in findings(first)[0] for t in ("MA201", "/caf\ufffd/x.so", "x86-64")):
        fail("a Latin-1 file name, cache on (cold)", [f"findings {findings(first)}, expected MA201 on /caf\\xe9/x.so"])
    if findings(first) != findings(second):
        failures.append("a warm scan reported something else than the cold one")
    # Each entry replaced by garbage, by a symlink, by a directory: dropped and recomputed.
    for damage in ("garbage", "symlink", "directory"):
        for name in os.listdir(entries):
            path = os.path.join(entries, name)
            os.remove(path) if not os.path.isdir(path) or os.path.islink(path) else shutil.rmtree(path)
            if damage == "garbage":
                open(path, "wb").write(b"multiarch-lint layer 3 " + b"x" * 100)
            elif damage == "symlink":
                os.symlink("/etc/passwd", path)
            else:
                os.makedirs(os.path.join(path, "sub"))
        out = expect(f"a cache entry replaced by {damage}", ["scan", root], 1, "MA201", env=cache)
        if findings(out) != findings(first):
            fail(f"a cache entry replaced by {damage}",
                 [f"findings {findings(out)}, not the cold scan's {findings(first)}"])
        # Recomputed and stored again: every entry is a regular file once more.
        paths = [os.path.join(entries, name) for name in os.listdir(entries)]
        stored = [(path, os.path.isfile(path) and not os.path.islink(path)) for path in paths]
        if not stored or not all(regular for _, regular in stored):
            fail(f"a cache entry replaced by {damage}", [f"entries afterwards {stored}, expected regular files"])
    # The cache is warm; the layer blob is then tampered with, then removed: errors, not clean.
    layer = json.load(open(layout.path(m["digest"])))["layers"]
    clean = layout.image("arm64", [tar_of([f("bin/app", elf(EM_AARCH64))])])
    root = layout.finish([clean])
    expect_examined_clean("a clean image, cache warm", ["scan", root], 1, platform="linux/arm64", machine="AArch64",
                          env=cache)
    blob = layout.path(json.load(open(layout.path(clean["digest"])))["layers"][0]["digest"])
    data = bytearray(open(blob, "rb").read())
    data[len(data) // 2] ^= 1
    open(blob, "wb").write(bytes(data))
    expect("a tampered layer on a cache hit", ["scan", root], 2, "does not match its digest", env=cache)
    os.remove(blob)
    expect("a missing layer on a cache hit", ["scan", root], 2, f"'blobs/sha256/{os.path.basename(blob)}' is missing",
           env=cache)
    # An unwritable cache (its root is a file): the scan still answers.
    blocked = os.path.join(WORK, "cache-file")
    open(blocked, "w").write("not a directory")
    layout, m = good_layout("nocache")
    expect_examined_clean("an unwritable cache directory", ["scan", layout.finish([m])], 1, env={"XDG_CACHE_HOME": blocked})
    # Two scans at once sharing one cache give the same answer.
    layout = Layout("concurrent")
    m = layout.image("arm64", [tar_of([f("bin/app", elf(EM_AARCH64))]),
                               tar_of([f(f"lib/x{i}.so", elf(EM_X86_64)) for i in range(50)])])
    root = layout.finish([m])
    shared = {"XDG_CACHE_HOME": os.path.join(WORK, "cache-shared")}
    results = []
    threads = [threading.Thread(target=lambda: results.append(run(["scan", "-f", "json", root], 60, shared)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The same findings, compared whole (rule, place, message), not only their number; and
    # the same as a scan without the cache gives.
    contents = lambda out: sorted(json.dumps(f, sort_keys=True) for f in json.loads(out)["findings"])
    findings = [contents(r[1]) for r in results if r[0] == 1]
    alone = run(["scan", "--no-cache", "-f", "json", root], 60)
    ok = len(findings) == 2 and findings[0] == findings[1] == contents(alone[1]) and len(findings[0]) > 0
    print(f"{'ok  ' if ok else 'FAIL'} two scans at once sharing the cache: {[r[0] for r in results]}, "
          f"{[len(f) for f in findings]} findings, the same as without the cache: {ok}")
    if not ok:
        failures.append("two scans at once")
    # The cache stays under its bound.
    expect("cache prune to 1 KiB", ["cache", "prune", "--cache-max", "1K"], 0, "removed", env=shared)
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(shared["XDG_CACHE_HOME"]) for n in names)
    if total > 1024:
        failures.append(f"the cache holds {total} bytes after a prune to 1 KiB")


CASES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}
# Cases whose point is the time and memory bound; their code paths have unit tests too.
MEASURES_ONLY = {"million_files", "gzip_bomb", "sparse_huge_elf", "many_workers", "zstd_and_wheel_bombs"}


def main():
    global BIN, WORK
    if sys.argv[1] == "--measure":
        return measure(sys.argv[2], sys.argv[3], sys.argv[4:])
    BIN = os.path.abspath(sys.argv[1])
    chosen = sys.argv[2:] or list(CASES)
    WORK = tempfile.mkdtemp(prefix="mal-hostile-")
    try:
        for name in chosen:
            if SANITIZED and name in MEASURES_ONLY:
                print(f"skip {name}: it measures time and memory, which a sanitizer build does not show")
                continue
            CASES[name]()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        print("FAILED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
