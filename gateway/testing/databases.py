"""The databases a plugin's tests run on: SQLite (the kit's default) and a fresh PostgreSQL database.

The ``unigate_database`` fixture (from Unigate's pytest plugin) runs a test once per database and gives
``make_gateway`` overrides: none for SQLite, a ``database_url`` for a database created for the test on the local
server (``UNIGATE_TEST_PG_ADMIN``, default ``postgresql://postgres@127.0.0.1:5432/test``) and dropped after it;
the kit creates the tables::

    async def test_records(unigate_database: dict[str, str]) -> None:
        async with make_gateway(plugins=[mine], **unigate_database) as (gateway, client): ...
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

PG_ADMIN_URL = os.environ.get("UNIGATE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DATABASES = ("sqlite", "postgresql")


@contextmanager
def database_overrides(kind: str) -> Iterator[dict[str, str]]:
    """``make_gateway`` overrides for ``kind`` (``sqlite`` or ``postgresql``), the database dropped afterwards."""
    if kind == "sqlite":
        yield {}
        return
    name = f"unigate_kit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield {"database_url": f"{server}/{name}"}
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
