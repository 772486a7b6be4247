"""The service's endpoints."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def make_server(address, ping=None):
    """Return an HTTP server on address (host, port). ping, when given, is
    called by /health to check the database and raises when it is down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/health":
                # 200 "ok" when the process serves requests and, if it has
                # a database (ping), the database answers; 503 otherwise.
                if ping is not None:
                    try:
                        ping()
                    except OSError as err:
                        return self.send(503, "text/plain", f"database unreachable: {err}\n")
                return self.send(200, "text/plain", "ok\n")
            if url.path == "/hello":
                name = parse_qs(url.query).get("name", ["world"])[0]
                return self.send(200, "application/json", json.dumps({"message": f"hello, {name}"}) + "\n")
            return self.send(404, "text/plain", "not found\n")

        def send(self, status, content_type, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            # Health checks every few seconds would drown the log.
            if not self.path.startswith("/health"):
                super().log_message(format, *args)

    return ThreadingHTTPServer(address, Handler)
