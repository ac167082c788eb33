"""The proxy's connection cache: what another process changed behind its back is seen within the TTL."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy import delete

from gateway.store.tables import Connection
from tests.conftest import error_of


async def test_a_connection_deleted_elsewhere_stops_being_served(proxy_client: httpx.AsyncClient) -> None:
    gateway = proxy_client.gateway  # type: ignore[attr-defined]
    gateway.live.ttl = 0.2
    gateway.live.forget()
    assert (await proxy_client.get("/proxy/warm")).status_code == 200
    async with gateway.sessions() as session:  # as another process would: this cache is not told
        await session.exec(delete(Connection))
        await session.commit()
    await asyncio.sleep(0.3)  # past the TTL: the next call may still be served while the reload runs
    started, statuses = time.monotonic(), []
    while time.monotonic() - started < 2.0:
        response = await proxy_client.get("/proxy/x")
        statuses.append(response.status_code)
        if response.status_code == 404:
            break
        await asyncio.sleep(0.05)
    assert statuses[-1] == 404, statuses  # once the reload has found it gone, never the stale copy again
    assert error_of(response)["code"] == "unknown_connection"
    assert len(statuses) <= 2, statuses
    assert (await proxy_client.get("/proxy/x")).status_code == 404
