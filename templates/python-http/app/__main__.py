"""Run the service: python -m app.

Configuration comes from the environment: PORT (default 8080) and
DATABASE_ADDR (host:port of PostgreSQL; when set, /health checks that the
database answers).
"""

import os
import signal
import threading

from app.postgres import ping_postgres
from app.server import make_server


def main():
    port = int(os.environ.get("PORT", "8080"))
    db = os.environ.get("DATABASE_ADDR")
    ping = (lambda: ping_postgres(db)) if db else None
    server = make_server(("", port), ping)

    # As PID 1 in a container, Python gets no default handler for SIGTERM:
    # stop serving and let the requests in flight finish.
    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on :{port}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
