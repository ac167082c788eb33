"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a gateway, and an API client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.store.migrate import upgrade
from gateway.store.tables import SQLModel
from gateway.testing.kit import shared_cache_dir

# Every gateway this process builds shares one catalog cache (keyed by a hash of the catalog's inputs), so only the
# first parses the YAML; servers started as subprocesses (tests/servers.py) keep their own.
os.environ.setdefault("UNIGATE_CACHE_DIR", str(shared_cache_dir()))

PG_ADMIN_URL = os.environ.get("UNIGATE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of our own on the local server, migrated once; dropped at the end of the session."""
    name = f"unigate_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A freshly migrated, empty database: each test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "unigate.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url="http://127.0.0.1:3003",
        sync_sweep_seconds=3600,  # syncs run when a test triggers them
    )


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[Gateway]:
    gw = build_gateway(settings)
    await gw.start()
    yield gw
    await gw.stop()


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """An API client authenticated with the instance's secret key."""
    transport = httpx.ASGITransport(app=create_app(gateway))
    headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=headers) as c:
        yield c


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of an error response, after checking its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    error: dict[str, Any] = body["error"]
    return error
