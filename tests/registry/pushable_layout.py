#!/usr/bin/env python3
"""Makes an OCI layout that `skopeo copy --all oci:DIR:latest` can push as a whole index.

The image fixtures list their platform manifests directly in index.json (as `docker save`
and many exporters do). skopeo's oci: transport wants one named image there, so this
copies the layout, stores the original index.json as an image index blob, and points a
new index.json at it. The manifests and blobs keep their digests.

Usage: pushable_layout.py SOURCE_LAYOUT DESTINATION
"""
import hashlib
import json
import os
import shutil
import sys


def main():
    source, destination = sys.argv[1], sys.argv[2]
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(source, destination)
    with open(os.path.join(source, "index.json"), "rb") as f:
        index = json.load(f)
    if len(index.get("manifests", [])) == 1 and index["manifests"][0].get("mediaType", "").endswith((".index.v1+json", ".list.v2+json")):
        top = index["manifests"][0]  # already one image index
    elif len(index.get("manifests", [])) == 1 and "platform" not in index["manifests"][0]:
        top = index["manifests"][0]  # one plain manifest, no index: push it as it is
    else:
        index.setdefault("mediaType", "application/vnd.oci.image.index.v1+json")
        body = json.dumps(index, separators=(",", ":"), sort_keys=True).encode()
        digest = hashlib.sha256(body).hexdigest()
        with open(os.path.join(destination, "blobs", "sha256", digest), "wb") as f:
            f.write(body)
        top = {"mediaType": index["mediaType"], "digest": "sha256:" + digest, "size": len(body)}
    top = dict(top)
    top.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = "latest"
    with open(os.path.join(destination, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]}, f)


if __name__ == "__main__":
    main()
