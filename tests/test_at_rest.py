"""Secrets at rest: no plaintext in the raw database, and the files holding it are readable by their owner only."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from gateway.runtime import Gateway
from gateway.store.engine import create_engine_for, sync_url
from gateway.store.migrate import upgrade
from gateway.store.tables import SQLModel
from tests.servers import UNIGATE, running_server, unigate_env

SECRETS = [
    "shh-client-secret",
    "gho_access_plain",
    "ghr_refresh_plain",
    "lin_api_plain",
    "zd-password-plain",
    "-----BEGIN PRIVATE KEY-----plain",
]


def dump_database(url: str) -> str:
    engine = create_engine(sync_url(url))
    parts: list[str] = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.extend(str(value) for value in row)
    engine.dispose()
    return "\n".join(parts)


async def test_no_secret_is_stored_in_plaintext(client: httpx.AsyncClient, gateway: Gateway) -> None:
    await client.post(
        "/integrations",
        json={
            "provider": "github",
            "unique_key": "gh",
            "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": SECRETS[0]},
        },
    )
    await client.post(
        "/integrations",
        json={
            "provider": "github-app",
            "unique_key": "gh-app",
            "credentials": {
                "type": "APP",
                "app_id": "1",
                "app_link": "https://github.com/apps/x",
                "private_key": SECRETS[5],
            },
        },
    )
    await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
    await client.post("/integrations", json={"provider": "zendesk-api-token", "unique_key": "zd"})
    for body in (
        {
            "provider_config_key": "gh",
            "connection_id": "c1",
            "credentials": {
                "type": "OAUTH2",
                "access_token": SECRETS[1],
                "refresh_token": SECRETS[2],
                "expires_at": "2030-01-01T00:00:00Z",
            },
        },
        {
            "provider_config_key": "lin",
            "connection_id": "c2",
            "credentials": {"type": "API_KEY", "apiKey": SECRETS[3]},
        },
        {
            "provider_config_key": "zd",
            "connection_id": "c3",
            "connection_config": {"subdomain": "acme"},
            "credentials": {"type": "BASIC", "username": "me", "password": SECRETS[4]},
        },
    ):
        assert (await client.post("/connections", json=body)).status_code == 201

    dump = dump_database(gateway.settings.resolved_database_url)
    assert "v1." in dump  # the encrypted values are there...
    for secret in SECRETS:
        assert secret not in dump  # ...and no plaintext secret is
    assert gateway.secrets.secret_key not in dump  # the API key is stored as a digest only
    got = await client.get("/connections/c2", params={"provider_config_key": "lin"})
    assert got.json()["credentials"]["apiKey"] == SECRETS[3]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files world-readable and writable: the modes must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.usefixtures("open_umask")
async def test_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "new" / "dir" / "unigate.db"
    upgrade(f"sqlite:///{database}")
    engine = create_engine_for(f"sqlite:///{database}")
    try:
        async with engine.begin() as conn:  # a write in WAL mode creates -wal and -shm beside the database
            await conn.execute(text("INSERT INTO api_keys (name, key_hash, created_at) VALUES ('x', 'd', '2026')"))
            assert {p.name for p in database.parent.iterdir()} >= {"unigate.db", "unigate.db-wal", "unigate.db-shm"}
            modes = {p.name: mode(p) for p in database.parent.iterdir()}
    finally:
        await engine.dispose()
    assert modes == {"unigate.db": 0o600, "unigate.db-wal": 0o600, "unigate.db-shm": 0o600}
    assert mode(database.parent) == 0o700 and mode(database.parent.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_make_run_creates_a_private_data_dir(tmp_path: Path) -> None:
    """``make run`` is ``unigate migrate`` then ``unigate serve``: every file they create is the user's alone."""
    data_dir = tmp_path / "data"
    env = unigate_env(data_dir, "")
    del env["UNIGATE_DATABASE_URL"]  # the default: SQLite inside the data directory
    migrated = subprocess.run([UNIGATE, "migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert migrated.returncode == 0, migrated.stderr
    assert mode(data_dir) == 0o700 and mode(data_dir / "unigate.db") == 0o600
    with running_server(env) as server:
        created = httpx.post(
            f"{server.url}/integrations",
            json={"provider": "linear-api-key", "unique_key": "lin"},
            headers={"Authorization": f"Bearer {server.secret_key}"},
        )
        assert created.is_success, created.text
        files = {p.name: mode(p) for p in data_dir.iterdir() if not p.name.startswith("server-")}
    assert files == {
        "unigate.db": 0o600,
        "unigate.db-wal": 0o600,
        "unigate.db-shm": 0o600,
        "secret_key": 0o600,
        "encryption.keys": 0o600,
        "cache": 0o700,
    }
    assert mode(data_dir) == 0o700
