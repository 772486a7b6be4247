"""Integration tests against the db service of compose.yaml: `gazr
test-integration` starts it and sets DATABASE_ADDR. The unit tests skip
them."""

import os
import unittest

from app.postgres import ping_postgres
from tests.test_server import get

ADDR = os.environ.get("DATABASE_ADDR")


@unittest.skipUnless(ADDR, "DATABASE_ADDR is not set (gazr test-integration sets it)")
class DatabaseTest(unittest.TestCase):
    def test_database_answers(self):
        ping_postgres(ADDR, timeout=10)

    def test_health_with_database(self):
        self.assertEqual(get(lambda: ping_postgres(ADDR), "/health"), (200, "ok\n"))


if __name__ == "__main__":
    unittest.main()
