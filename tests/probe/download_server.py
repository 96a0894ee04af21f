#!/usr/bin/env python3
"""A download server for tests/probe_downloads_end_to_end.sh, on 127.0.0.1 (port written to
PORTFILE). It serves some architectures' assets and not others, and misbehaves on purpose:

  /assets/NAME     200 for the names in ASSETS, 404 for any other
  /redirect/NAME   302 to /assets/NAME
  /nohead/NAME     HEAD refused (405); GET with a Range answers 206 or 404 as /assets does
  /slow/NAME       answers nothing for 60 s
  /loop/NAME       302 to itself, forever
  /error/NAME      503

Every request is logged to stderr as `METHOD PATH RANGE`.
"""
import http.server
import sys
import time

ASSETS = {"tool-linux-amd64.tar.gz", "tool-x86_64.tgz", "tool-aarch64.tgz"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        sys.stderr.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Range", "-")))
        sys.stderr.flush()
        parts = self.path.split("/", 2)
        kind, name = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        if kind == "assets":
            return self.answer(200, b"asset") if name in ASSETS else self.answer(404)
        if kind == "redirect":
            return self.answer(302, headers=[("Location", "/assets/" + name)])
        if kind == "nohead":
            if self.command == "HEAD":
                return self.answer(405)
            if name not in ASSETS:
                return self.answer(404)
            return self.answer(206, b"a", [("Content-Range", "bytes 0-0/5")])
        if kind == "slow":
            time.sleep(60)
            return self.answer(200)
        if kind == "loop":
            return self.answer(302, headers=[("Location", self.path)])
        if kind == "error":
            return self.answer(503)
        return self.answer(404)

    do_HEAD = route
    do_GET = route


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
