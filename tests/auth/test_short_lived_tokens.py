"""Short-lived tokens (Keycloak issues 5-minute ones) are refreshed about once per half-lifetime, not on every call.

The real authorization server issues 4-second access tokens; the catalog entry keeps the default 15-minute buffer.
With a fixed 15-minute margin every proxied call refreshed the token (about 70 refresh grants for 70 calls over
10 s); with min(buffer, lifetime / 2) a token is refreshed when it is 2 seconds old (4 or 5 grants).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.testing.loopback import run_app
from tests.auth.conftest import APP, catalog_client
from tests.auth.test_proxy_refresh import PROXY, connect
from tests.auth.upstream import protected_api
from tests.oauth_server import OAuthServer, run_oauth_server

TOKEN_TTL = 4  # seconds
DURATION = 10.0  # seconds of proxied calls
MAX_CALLS = 400


@pytest.fixture(scope="module")
def short_server() -> Iterator[OAuthServer]:
    with run_oauth_server([APP], access_token_ttl=TOKEN_TTL) as server:
        yield server


@pytest.fixture
def catalog(short_server: OAuthServer) -> Iterator[str]:
    """A provider whose tokens live 4 seconds (no ``token_expiration_buffer``: the 15-minute default), proxied to a
    loopback API that accepts a token only while the server's introspection says it is active."""
    with run_app(protected_api(short_server, APP["client_id"], APP["client_secret"], set())) as url:
        yield (
            f"test-idp:\n  auth_mode: OAUTH2\n  display_name: Short-lived IdP\n  categories: [dev-tools]\n"
            f"  docs: https://example.test/docs\n  authorization_url: {short_server.authorization_endpoint}\n"
            f"  token_url: {short_server.token_endpoint}\n  default_scopes: [read]\n"
            f"  proxy:\n    base_url: {url}/api\n"
        )


async def test_four_second_tokens_are_refreshed_once_per_half_lifetime(
    database_url: str, tmp_path: Path, catalog: str, short_server: OAuthServer
) -> None:
    async with catalog_client(database_url, tmp_path, catalog) as (_, client):
        await connect(client, short_server)
        short_server.reset_stats()
        statuses: list[int] = []
        started = time.monotonic()
        while time.monotonic() - started < DURATION and len(statuses) < MAX_CALLS:
            answer = await client.get("/proxy/me", headers=PROXY)
            statuses.append(answer.status_code)
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - started
        refreshes = short_server.stats()["refresh_token"]
        assert statuses == [200] * len(statuses)  # every call had a live token
        assert len(statuses) >= 40  # enough calls that refreshing on each would break the bound below
        assert 2 <= refreshes <= elapsed / (TOKEN_TTL / 2) + 2, f"{refreshes} refreshes for {len(statuses)} calls"
        shown = (
            await client.get("/connections/c1", params={"provider_config_key": "idp", "refresh_token": "true"})
        ).json()["credentials"]
        assert set(shown) == {"type", "access_token", "refresh_token", "expires_at", "raw"}  # no internal keys


async def test_an_imported_five_minute_token_is_used_until_half_its_time_is_left(
    database_url: str, tmp_path: Path, catalog: str, short_server: OAuthServer
) -> None:
    """An imported token's lifetime is the time it has left: 5 minutes, so it is not due for 2.5 minutes."""
    async with catalog_client(database_url, tmp_path, catalog) as (_, client):
        integration = {"type": "OAUTH2", "client_id": APP["client_id"], "client_secret": APP["client_secret"]}
        created = await client.post(
            "/integrations", json={"provider": "test-idp", "unique_key": "idp", "credentials": integration}
        )
        assert created.status_code == 200, created.text
        expires_at = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
        credentials = {"type": "OAUTH2", "access_token": "imported", "refresh_token": "r", "expires_at": expires_at}
        body = {"provider_config_key": "idp", "connection_id": "c2", "credentials": credentials}
        assert (await client.post("/connections", json=body)).status_code == 201
        short_server.reset_stats()
        got = await client.get("/connections/c2", params={"provider_config_key": "idp"})
        assert got.status_code == 200, got.text
        assert got.json()["credentials"]["access_token"] == "imported"
        assert short_server.stats()["refresh_token"] == 0
