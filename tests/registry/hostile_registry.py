#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for what a real registry never does.

It serves one OCI layout (the good fixture) under several repository names; the name
picks the misbehaviour:

  token/img           correct, behind a bearer token from /token (the anonymous flow)
  truncated/img       layer blobs stop half-way (Content-Length promises more)
  wrong-digest/img    layer blobs are another layer's bytes
  ratelimited/img     the first manifest request gets 429 Retry-After: 1, then it is fine
  ratelimited-forever/img   every manifest request gets 429 Retry-After: 1
  retry-after-huge/img      429 Retry-After: 3600
  slow/img            manifests answer after 60 s
  redirect-loop/img   layer blobs redirect to themselves
  redirected/img      layer blobs redirect to /storage/<digest> (as registries send to S3)
  token-redirected/img      behind a token, layer blobs redirect to another host name
                      (localhost), which refuses any request that carries the token
  oversized/img       the manifest is 5 MiB (Content-Length says so)
  oversized-stream/img      the same without Content-Length (the body just goes on)

Usage: hostile_registry.py LAYOUT PORT_FILE   (writes the port it listens on to PORT_FILE)
"""
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAYOUT = sys.argv[1]
TOKEN = "hostile-test-token"
counts = {}
lock = threading.Lock()


def blob_path(digest):
    algorithm, _, hexdigest = digest.partition(":")
    return os.path.join(LAYOUT, "blobs", algorithm, hexdigest)


def read_index():
    with open(os.path.join(LAYOUT, "index.json"), "rb") as f:
        return f.read()


def read_blob(digest):
    if digest == "sha256:" + hashlib.sha256(read_index()).hexdigest():
        return read_index()  # the tag's index, asked for again by its digest
    with open(blob_path(digest), "rb") as f:
        return f.read()


def layer_digests():
    out = []
    with open(os.path.join(LAYOUT, "index.json")) as f:
        index = json.load(f)
    for m in index["manifests"]:
        out += [l["digest"] for l in json.loads(read_blob(m["digest"])).get("layers", [])]
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))

    def send(self, status, body=b"", headers=None, length=True):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/token":
            return self.send(200, json.dumps({"token": TOKEN}).encode(), {"Content-Type": "application/json"})
        if path.startswith("/foreign-storage/"):
            if self.headers.get("Authorization"):
                return self.send(400, b"the registry's token was sent to blob storage")
            return self.send(200, read_blob(path[len("/foreign-storage/"):]), {"Content-Type": "application/octet-stream"})
        if path.startswith("/storage/"):
            return self.send(200, read_blob(path[len("/storage/"):]), {"Content-Type": "application/octet-stream"})
        if path == "/v2/":
            return self.send(200, b"{}", {"Content-Type": "application/json"})
        parts = path.split("/")
        # /v2/<scenario>/img/<kind>/<reference>
        if len(parts) != 6 or parts[1] != "v2":
            return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"no such repository"}]}')
        scenario, kind, ref = parts[2], parts[4], parts[5]
        with lock:
            counts[(scenario, kind)] = counts.get((scenario, kind), 0) + 1
            seen = counts[(scenario, kind)]

        if scenario.startswith("token") and self.headers.get("Authorization") != "Bearer " + TOKEN:
            realm = "http://127.0.0.1:%d/token" % self.server.server_port
            challenge = 'Bearer realm="%s",service="hostile",scope="repository:%s/img:pull"' % (realm, scenario)
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
        if kind == "manifests":
            if scenario == "ratelimited" and seen == 1 or scenario == "ratelimited-forever":
                return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', {"Retry-After": "1"})
            if scenario == "retry-after-huge":
                return self.send(429, b"", {"Retry-After": "3600"})
            if scenario == "slow":
                time.sleep(60)
            if scenario == "oversized":
                return self.send(200, b"{" + b" " * (5 << 20) + b"}", {"Content-Type": "application/vnd.oci.image.index.v1+json"})
            if scenario == "oversized-stream":
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(64):
                        self.wfile.write(b" " * (1 << 20))
                except OSError:
                    pass
                self.close_connection = True
                return
            body = read_blob(ref) if ref.startswith("sha256:") else read_index()
            media = json.loads(body).get("mediaType", "application/vnd.oci.image.index.v1+json")
            return self.send(200, body, {"Content-Type": media})
        if kind == "blobs":
            layers = layer_digests()
            if ref in layers:
                if scenario == "redirect-loop":
                    return self.send(307, b"", {"Location": self.path})
                if scenario == "redirected":
                    return self.send(307, b"", {"Location": "/storage/" + ref})
                if scenario == "token-redirected":
                    location = "http://localhost:%d/foreign-storage/%s" % (self.server.server_port, ref)
                    return self.send(307, b"", {"Location": location})
                if scenario == "truncated":
                    body = read_blob(ref)
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if scenario == "wrong-digest":
                    other = layers[(layers.index(ref) + 1) % len(layers)]
                    return self.send(200, read_blob(other), {"Content-Type": "application/octet-stream"})
            if not os.path.exists(blob_path(ref)):
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN"}]}')
            return self.send(200, read_blob(ref), {"Content-Type": "application/octet-stream"})
        return self.send(404, b"")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
