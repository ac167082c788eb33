"""``GET /ready``: 503 naming what is missing until the database is migrated, then 200; ``GET /metrics`` auth."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings
from gateway.store.migrate import upgrade
from gateway.store.readiness import head_revision
from tests.conftest import DATABASES, PG_ADMIN_URL


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"unigate_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_ready_waits_for_the_migrations(empty_database_url: str, tmp_path: Path) -> None:
    gateway = build_gateway(Settings(data_dir=tmp_path / "data", database_url=empty_database_url))
    transport = httpx.ASGITransport(app=create_app(gateway))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test") as client:
            behind = await client.get("/ready")
            assert behind.status_code == 503
            error = behind.json()["error"]
            assert error["code"] == "not_ready"
            assert "no migrations" in error["message"] and "unigate migrate" in error["message"]

            upgrade(empty_database_url, "0005")
            older = await client.get("/ready")
            assert older.status_code == 503
            assert f"at migration 0005, not {head_revision()}" in older.json()["error"]["message"]

            upgrade(empty_database_url)
            ready = await client.get("/ready")
            assert ready.status_code == 200 and ready.json() == {"result": "ready"}
            assert (await client.get("/health")).json() == {"result": "ok"}
    finally:
        await gateway.engine.dispose()


async def test_ready_names_an_unreachable_database(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    gateway = build_gateway(Settings(data_dir=tmp_path / "data", database_url=url))
    transport = httpx.ASGITransport(app=create_app(gateway))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test") as client:
            response = await client.get("/ready")
        assert response.status_code == 503
        assert response.json()["error"]["message"].startswith("Not ready: the database is unreachable")
        assert "nobody" not in response.text
    finally:
        await gateway.engine.dispose()


async def test_metrics_answer_the_secret_key_only(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 200
    refused = await client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and "error" in refused.json()


async def test_metrics_can_be_turned_off(database_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, metrics="off")
    gateway = build_gateway(settings)
    await gateway.start()
    headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    try:
        transport = httpx.ASGITransport(app=create_app(gateway))
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=headers) as client:
            response = await client.get("/metrics")
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "metrics_off",
            "message": "Metrics are turned off; set UNIGATE_METRICS=on to serve them",
        }
    finally:
        await gateway.stop()
