"""A connection changed or deleted through one server stops being used by another server on the same database:
at once on PostgreSQL (``LISTEN``/``NOTIFY``), within ``UNIGATE_CONNECTION_CACHE_TTL`` on SQLite."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from tests.conftest import error_of
from tests.proxy.conftest import write_catalog
from tests.proxy.upstream import EchoUpstream
from tests.servers import running_server, unigate_env

SQLITE_TTL = 1.0
POSTGRES_BOUND = 1.0  # on PostgreSQL the TTL is set far beyond this: only the notification can meet it


def bound_for(database_url: str) -> float:
    return POSTGRES_BOUND if database_url.startswith("postgresql") else SQLITE_TTL + 1.5


async def within(bound: float, probe: Callable[[], Awaitable[bool]]) -> float:
    """Seconds until ``probe`` holds, polling every 50 ms; fails once ``bound`` is past."""
    started = time.monotonic()
    while True:
        if await probe():
            return time.monotonic() - started
        elapsed = time.monotonic() - started
        assert elapsed < bound, f"still not seen after {elapsed:.2f} s (bound {bound} s)"
        await asyncio.sleep(0.05)


async def authorization(client: httpx.AsyncClient, connection_id: str) -> str:
    response = await client.get("/proxy/who", headers={"Connection-Id": connection_id, "Provider-Config-Key": "echo"})
    assert response.status_code == 200, response.text
    return str(response.json()["headers"]["authorization"])


async def import_key(server: httpx.AsyncClient, connection_id: str, key: str) -> int:
    response = await server.post(
        "/connections",
        json={
            "provider_config_key": "echo",
            "connection_id": connection_id,
            "credentials": {"type": "API_KEY", "apiKey": key},
        },
    )
    assert response.status_code in (200, 201), response.text
    return response.status_code


def two_servers_env(database_url: str, tmp_path: Path, upstream_url: str) -> dict[str, str]:
    ttl = SQLITE_TTL if database_url.startswith("sqlite") else 600.0
    return unigate_env(
        tmp_path / "data",  # one data directory: both servers use the same secret key and encryption key
        database_url,
        UNIGATE_PROVIDERS_FILES=str(write_catalog(tmp_path / "echo.yaml", upstream_url)),
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        UNIGATE_CONNECTION_CACHE_TTL=str(ttl),
    )


async def test_changes_through_one_server_reach_the_other(
    database_url: str, tmp_path: Path, upstream: tuple[EchoUpstream, str]
) -> None:
    bound = bound_for(database_url)
    env = two_servers_env(database_url, tmp_path, upstream[1])
    with running_server(env) as one, running_server(env) as other:
        async with one.client() as a, other.client() as b:
            assert (await a.post("/integrations", json={"provider": "echo-api", "unique_key": "echo"})).is_success
            assert await import_key(a, "c1", "k-old") == 201
            assert await authorization(b, "c1") == "Bearer k-old"  # b now holds c1 in its cache

            # re-authorised through a: b's next calls carry the new key
            assert await import_key(a, "c1", "k-new") == 200

            async def b_sends_the_new_key() -> bool:
                return await authorization(b, "c1") == "Bearer k-new"

            await within(bound, b_sends_the_new_key)

            # deleted through a: b answers 404, and keeps answering it
            assert (await a.delete("/connections/c1", params={"provider_config_key": "echo"})).is_success

            async def b_forgot_c1() -> bool:
                return await unknown(b, "c1")

            await within(bound, b_forgot_c1)
            assert await unknown(b, "c1")

            # the integration deleted through a: b forgets all its connections
            for connection_id in ("c2", "c3"):
                assert await import_key(a, connection_id, f"k-{connection_id}") == 201
                assert await authorization(b, connection_id) == f"Bearer k-{connection_id}"
            assert (await a.delete("/integrations/echo")).is_success

            async def b_forgot_both() -> bool:
                return await unknown(b, "c2") and await unknown(b, "c3")

            await within(bound, b_forgot_both)
    for server in (one, other):  # neither failed to publish or to listen
        assert "connection change" not in server.log.read_text(), server.log.read_text()


async def unknown(client: httpx.AsyncClient, connection_id: str) -> bool:
    """Whether the proxy answers 404 unknown_connection for ``connection_id`` (False while it still proxies)."""
    response = await client.get("/proxy/who", headers={"Connection-Id": connection_id, "Provider-Config-Key": "echo"})
    if response.status_code == 200:
        return False
    assert response.status_code == 404, response.text
    assert error_of(response)["code"] == "unknown_connection"
    return True
