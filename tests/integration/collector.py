# SPDX-License-Identifier: GPL-2.0-or-later
"""A collector for the plugin's HTTP forwarder tests, on 127.0.0.1 only.

collector.py answer FILE  -- appends each POST body to FILE, answers 204
collector.py hang FILE    -- accepts connections, writes a line per
                             connection to FILE, never answers (120 s cap)
Prints the port it listens on, then serves until killed.
"""
import http.server
import socket
import sys
import threading
import time

mode, out = sys.argv[1], sys.argv[2]


class Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "ab") as f:
            f.write(body if body.endswith(b"\n") else body + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def hold(conn):
    with open(out, "a") as f:
        f.write("connection\n")
    time.sleep(120)
    conn.close()


if mode == "answer":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    print(server.server_address[1], flush=True)
    server.serve_forever()
else:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    print(sock.getsockname()[1], flush=True)
    deadline = time.time() + 600
    while time.time() < deadline:
        conn, _ = sock.accept()
        threading.Thread(target=hold, args=(conn,), daemon=True).start()
