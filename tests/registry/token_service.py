#!/usr/bin/env python3
"""A minimal Docker token service (the distribution "token" auth spec) for the tests.

The registry itself is the real docker-registry, configured with `auth: token:` to trust
CERT; this service issues the JWTs it asks clients to bring: RS256, signed with KEY by
the openssl command line, the certificate in the x5c header. Pull is granted to anyone
(the anonymous flow Docker Hub and GHCR use for public images); push needs the basic
credentials USER:PASSWORD. The OAuth2 form (POST, grant_type=refresh_token, what docker
does with an identity token) is answered when the refresh token is PASSWORD. Each token
request is logged to stderr.

Usage: token_service.py KEY CERT ISSUER USER:PASSWORD PORT_FILE
"""
import base64
import json
import os
import subprocess
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

KEY, CERT, ISSUER, PUSHER, PORT_FILE = sys.argv[1:6]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def certificate_der():
    pem = open(CERT).read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return "".join(body.split())  # x5c holds standard base64 DER


def sign(payload):
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=payload.encode(),
                               capture_output=True, check=True).stdout
    return b64url(signature)


def issue(service, scopes, may_push):
    access = []
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) < 3 or parts[0] != "repository":
            continue
        wanted = parts[-1].split(",")
        granted = [a for a in wanted if a == "pull" or (a in ("push", "delete", "*") and may_push)]
        access.append({"type": "repository", "name": ":".join(parts[1:-1]), "actions": granted})
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [certificate_der()]}
    claims = {"iss": ISSUER, "sub": "pusher" if may_push else "", "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
    unsigned = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return unsigned + "." + sign(unsigned)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [PUSHER.split(":", 1)[1]]:
            return self.answer(401, b'{"error":"invalid_grant"}')
        token = issue(form.get("service", [""])[0], form.get("scope", []), False)
        self.answer(200, json.dumps({"access_token": token, "expires_in": 300}).encode())

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/token":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        query = parse_qs(url.query)
        expected = "Basic " + base64.b64encode(PUSHER.encode()).decode()
        token = issue(query.get("service", [""])[0], query.get("scope", []), self.headers.get("Authorization") == expected)
        self.answer(200, json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode())


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
