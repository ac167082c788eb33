"""Running a connection's sync from a test and waiting for it: ``status = await run_sync(client, key, conn, name)``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


async def sync_status(client: httpx.AsyncClient, key: str, connection_id: str, name: str) -> dict[str, Any]:
    answer = await client.get(
        "/sync/status", params={"syncs": name, "provider_config_key": key, "connection_id": connection_id}
    )
    assert answer.status_code == 200, answer.text
    (status,) = answer.json()["syncs"]
    return dict(status)


async def run_sync(
    client: httpx.AsyncClient, key: str, connection_id: str, name: str, *, timeout: float = 30.0, **opts: bool
) -> dict[str, Any]:
    """Trigger sync ``name`` of one connection and wait until the run ends; its ``GET /sync/status`` entry."""
    before = (await sync_status(client, key, connection_id, name))["finishedAt"]
    body: dict[str, Any] = {"syncs": [name], "provider_config_key": key, "connection_id": connection_id}
    if opts:
        body["opts"] = opts
    triggered = await client.post("/sync/trigger", json=body)
    assert triggered.status_code == 200, triggered.text
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        status = await sync_status(client, key, connection_id, name)
        if status["status"] in ("SUCCESS", "ERROR") and status["finishedAt"] != before:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"sync {name} of {connection_id} did not finish in {timeout} s: {status}")
