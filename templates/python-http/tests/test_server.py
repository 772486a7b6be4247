import json
import socket
import threading
import unittest
import urllib.error
import urllib.request

from app.postgres import SSL_REQUEST, ping_postgres
from app.server import make_server


def get(ping, path):
    """Start a server on a free port, GET path, stop the server; return
    (status, body)."""
    server = make_server(("127.0.0.1", 0), ping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}{path}"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()
    finally:
        server.shutdown()
        server.server_close()


def fake_server(test, reply):
    """Listen on a free port and answer one connection with reply; return
    the address."""
    sock = socket.create_server(("127.0.0.1", 0))
    test.addCleanup(sock.close)

    def serve():
        conn, _ = sock.accept()
        with conn:
            test.received = conn.recv(len(SSL_REQUEST))
            conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    return f"127.0.0.1:{sock.getsockname()[1]}"


class HealthTest(unittest.TestCase):
    def test_without_database(self):
        self.assertEqual(get(None, "/health"), (200, "ok\n"))

    def test_database_answers(self):
        self.assertEqual(get(lambda: None, "/health"), (200, "ok\n"))

    def test_database_down(self):
        def down():
            raise ConnectionRefusedError("connection refused")

        self.assertEqual(get(down, "/health"), (503, "database unreachable: connection refused\n"))


class HelloTest(unittest.TestCase):
    def test_hello(self):
        status, body = get(None, "/hello")
        self.assertEqual((status, json.loads(body)), (200, {"message": "hello, world"}))
        status, body = get(None, "/hello?name=Ada")
        self.assertEqual((status, json.loads(body)), (200, {"message": "hello, Ada"}))
        self.assertEqual(get(None, "/nowhere")[0], 404)


class PingPostgresTest(unittest.TestCase):
    def test_postgres(self):
        ping_postgres(fake_server(self, b"N"))
        self.assertEqual(self.received, SSL_REQUEST)

    def test_not_postgres(self):
        with self.assertRaisesRegex(OSError, "not a PostgreSQL server"):
            ping_postgres(fake_server(self, b"HTTP/1.1 400 Bad Request\r\n"))


if __name__ == "__main__":
    unittest.main()
