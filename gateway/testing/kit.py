"""Building an isolated gateway for a test: chosen plugins, a throw-away database, an API client.

async with make_gateway(plugins=[my_plugin], providers_files=[override]) as (gateway, client):
    response = await client.get("/providers/acme")
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.crypto import generate_key
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.store import tables  # noqa: F401  (registers the tables)

SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None  # RAM: no fsync


@functools.cache
def shared_cache_dir() -> Path:
    """One derived-data cache (the checked catalog, keyed by a hash of its inputs) for every gateway of the process:
    a kit gateway then loads the catalog in milliseconds instead of parsing its YAML again."""
    path = Path(tempfile.mkdtemp(prefix="unigate-kit-cache-", dir=SCRATCH))
    atexit.register(shutil.rmtree, path, True)
    return path


def kit_settings(data_dir: Path, providers_files: Sequence[Path] = (), **overrides: object) -> Settings:
    """Settings for a throw-away gateway: SQLite in ``data_dir``, fresh keys, no entry-point plugins."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        # a file, not :memory: (one connection shared by every transaction): background runs write concurrently
        "database_url": f"sqlite:///{data_dir / 'unigate.db'}",
        "secret_key": "00000000-0000-4000-8000-00000000test",
        "encryption_key": generate_key(),
        "providers_files": ":".join(str(p) for p in providers_files),
        "sync_sweep_seconds": 3600,  # syncs run when a test triggers them, not on their own
        "cache_dir": shared_cache_dir(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@functools.cache
def _schema_template() -> Path:
    """A SQLite file holding every table, copied for each kit gateway instead of creating the tables again."""
    path = Path(tempfile.mkdtemp(prefix="unigate-kit-", dir=SCRATCH)) / "template.db"
    atexit.register(shutil.rmtree, path.parent, True)
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return path


@asynccontextmanager
async def make_gateway(
    plugins: Sequence[object] = (),
    providers_files: Sequence[Path] = (),
    data_dir: Path | None = None,
    entrypoints: bool = False,
    **overrides: object,
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """A started gateway with only ``plugins`` (plus built-ins) and an authenticated client for its API.

    ``overrides`` are extra ``Settings`` values, e.g. ``allow_private_hosts=True`` to reach a loopback fake.
    """
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        settings = kit_settings(data_dir or Path(scratch), providers_files, **overrides)
        database = Path(scratch) / "unigate.db"
        if "database_url" not in overrides and data_dir is None:
            shutil.copy(_schema_template(), database)  # the tables, made once per process
        gateway = build_gateway(settings, plugins=plugins, entrypoints=entrypoints)
        async with gateway.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)  # no-op on the copied template
        await gateway.start()
        transport = httpx.ASGITransport(app=create_app(gateway))
        headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://unigate.test", headers=headers
            ) as client:
                yield gateway, client
        finally:
            await gateway.stop()
