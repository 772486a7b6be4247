"""The container's health check: GET /health on the running service; exit 0
when it answers 200."""

import os
import sys
import urllib.request

port = os.environ.get("PORT", "8080")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=3) as resp:
        sys.exit(0 if resp.status == 200 else 1)
except OSError as err:
    print(f"health: {err}", file=sys.stderr)
    sys.exit(1)
