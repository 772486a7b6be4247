"""A driver-free check that PostgreSQL answers."""

import socket

# The 8-byte message a PostgreSQL client sends first to ask for TLS:
# length 8, code 80877103. Every server answers it with one byte, b"S" or
# b"N", which tells a PostgreSQL server from anything else without a
# driver, a user or a password.
SSL_REQUEST = bytes([0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])


class NotPostgres(OSError):
    """The server at the address does not speak PostgreSQL's protocol."""


def ping_postgres(addr, timeout=2.0):
    """Return when the PostgreSQL server at addr (host:port) answers; raise
    OSError otherwise. A real application would use a driver (psycopg) and
    run a query."""
    host, _, port = addr.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(SSL_REQUEST)
        reply = conn.recv(1)
    if reply not in (b"S", b"N"):
        raise NotPostgres(f"{addr}: not a PostgreSQL server (answered {reply!r})")
