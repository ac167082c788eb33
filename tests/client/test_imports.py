"""Importing the client loads none of the server: no Starlette, SQLAlchemy, uvicorn or gateway internals."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import gateway.client
server = sorted(m for m in sys.modules if m.split(".")[0] in {"starlette", "sqlalchemy", "sqlmodel", "uvicorn",
    "alembic", "psycopg", "aiohttp"} or (m.startswith("gateway.") and not m.startswith("gateway.client")))
print(",".join(server))
"""


def test_the_client_imports_nothing_of_the_server() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == ""
