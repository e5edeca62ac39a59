#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny HTTP server on 127.0.0.1 for ai_notify.sh (stdlib only).

fake_http.py MODE PORTFILE LOG: listens on a free port, writes the port to
PORTFILE, and appends every request to LOG as three lines (PATH, AUTH, BODY).
Modes: chat (a chat completion whose answer is FAKE-ANSWER ...), hook (200
"ok"), status500 (HTTP 500 with an OpenAI-style error), badjson (200, not
JSON), hang (reads the request, never answers), redirect (302 to
$FAKE_HTTP_LOCATION), huge (200 with 2 MiB). With $FAKE_HTTP_CERT (a PEM
holding a certificate and its key) it speaks HTTPS.
"""
import http.server
import json
import os
import ssl
import sys
import time

MODE, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
ANSWER = "FAKE-ANSWER: raise the solver tolerance in scenario 1"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with open(LOG, "a", encoding="utf-8") as log:
            log.write("PATH %s\nAUTH %s\nBODY %s\n" % (
                self.path, self.headers.get("Authorization", "-"),
                body.replace("\n", "\\n")))
        if MODE == "hang":
            time.sleep(120)
            return
        if MODE == "chat":
            self.reply(200, json.dumps({"choices": [{"index": 0, "message": {
                "role": "assistant", "content": ANSWER}}]}))
        elif MODE == "status500":
            self.reply(500, json.dumps({"error": {"message": "model overloaded"}}))
        elif MODE == "badjson":
            self.reply(200, "this is not json")
        elif MODE == "redirect":
            self.send_response(302)
            self.send_header("Location", os.environ["FAKE_HTTP_LOCATION"])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif MODE == "huge":
            self.reply(200, "x" * (2 << 20))
        else:
            self.reply(200, "ok")

    def reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if os.environ.get("FAKE_HTTP_CERT"):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.environ["FAKE_HTTP_CERT"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(PORTFILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
