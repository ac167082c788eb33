"""The databases the Jira webhook tests run on: SQLite (the kit's default) and a fresh PostgreSQL database.

``database`` gives ``make_gateway`` overrides: none for SQLite, a ``database_url`` for a database made for the
test on the local server (``UNIGATE_TEST_PG_ADMIN``, default ``postgresql://postgres@127.0.0.1:5432/test``) and
dropped after it; the kit creates the tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

PG_ADMIN_URL = os.environ.get("UNIGATE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    name = f"unigate_jira_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield {"database_url": f"{server}/{name}"}
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
