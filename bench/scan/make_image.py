#!/usr/bin/env python3
"""Packs debootstrap root filesystems as gzip layers into OCI layouts for the scan benchmark:
one single-platform image (amd64) and one two-platform image (amd64 + arm64)."""
import importlib.machinery
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("fixtures", os.path.join(here, "../../fixtures/images/build-image-fixtures"))
spec = importlib.util.spec_from_loader("fixtures", loader)
fixtures = importlib.util.module_from_spec(spec)
loader.exec_module(fixtures)

work = sys.argv[1]
tars = {arch: open(os.path.join(work, f"rootfs-{arch}.tar"), "rb").read() for arch in ("amd64", "arm64")}
one = fixtures.Layout(os.path.join(work, "image-amd64"))
one.finish([one.image("amd64", [(tars["amd64"], "debootstrap minbase")], ["/bin/bash"])])
two = fixtures.Layout(os.path.join(work, "image-two-platforms"))
two.finish([two.image(arch, [(tars[arch], "debootstrap minbase")], ["/bin/bash"]) for arch in ("amd64", "arm64")])
