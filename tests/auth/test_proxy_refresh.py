"""Through the proxy: a 401 refreshes the token once and retries; an expired token is refreshed exactly once,
even by 50 simultaneous calls against two worker processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, text

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings
from gateway.store.engine import sync_url
from gateway.store.types import utcnow
from gateway.testing.loopback import run_app
from tests.auth.conftest import APP, PUBLIC_URL
from tests.auth.upstream import protected_api
from tests.metrics_text import sample
from tests.oauth_server import OAuthServer
from tests.servers import running_server, unigate_env

PROXY = {"Connection-Id": "c1", "Provider-Config-Key": "idp"}


DENIED: set[str] = set()


@pytest.fixture
def api_catalog(oauth_server: OAuthServer, idp_catalog: Path, tmp_path: Path) -> Iterator[str]:
    DENIED.clear()
    with run_app(protected_api(oauth_server, APP["client_id"], APP["client_secret"], DENIED)) as url:
        override = tmp_path / "api.yaml"
        override.write_text(f"test-idp:\n  proxy:\n    base_url: {url}/api\n")
        yield f"{idp_catalog}:{override}"


async def connect(client: httpx.AsyncClient, server: OAuthServer) -> None:
    created = await client.post(
        "/integrations",
        json={
            "provider": "test-idp",
            "unique_key": "idp",
            "credentials": {
                "type": "OAUTH2",
                "client_id": APP["client_id"],
                "client_secret": APP["client_secret"],
                "scopes": "read",
            },
        },
    )
    assert created.status_code == 200, created.text
    token = (await client.post("/connect/sessions", json={"end_user": {"id": "u1"}})).json()["data"]["token"]
    start = await client.get("/oauth/connect/idp", params={"connection_id": "c1", "connect_session_token": token})
    location = await server.consent(start.headers["location"])
    done = await client.get("/oauth/callback?" + urlsplit(location).query)
    assert done.status_code == 200, done.text


@pytest.fixture
async def proxy_gateway(database_url: str, tmp_path: Path, api_catalog: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url=PUBLIC_URL,
        providers_files=api_catalog,
        allow_private_hosts=True,
    )
    gateway = build_gateway(settings)
    await gateway.start()
    transport = httpx.ASGITransport(app=create_app(gateway))
    headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL, headers=headers) as client:
        yield client
    await gateway.stop()


async def test_401_refreshes_once_and_retries(proxy_gateway: httpx.AsyncClient, oauth_server: OAuthServer) -> None:
    await connect(proxy_gateway, oauth_server)
    ok = await proxy_gateway.get("/proxy/me", headers=PROXY)
    assert ok.status_code == 200 and ok.json()["sub"] == "user-1"
    token = (await proxy_gateway.get("/connections/c1", params={"provider_config_key": "idp"})).json()
    DENIED.add(token["credentials"]["access_token"])  # the API stops accepting this token before it expires
    oauth_server.reset_stats()
    again = await proxy_gateway.get("/proxy/me", headers=PROXY)
    assert again.status_code == 200 and again.json()["sub"] == "user-1", again.text
    assert oauth_server.stats()["refresh_token"] == 1


def expire_all(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE connections SET expires_at = :past"), {"past": utcnow() - timedelta(minutes=1)})
    engine.dispose()


async def test_fifty_calls_on_an_expired_token_two_workers_one_refresh(
    database_url: str, tmp_path: Path, api_catalog: str, oauth_server: OAuthServer
) -> None:
    env = unigate_env(
        tmp_path / "data",
        database_url,
        UNIGATE_PROVIDERS_FILES=api_catalog,
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        UNIGATE_PUBLIC_URL=PUBLIC_URL,
    )
    with running_server(env, "--workers", "2") as server:
        async with server.client() as client:
            await connect(client, oauth_server)
            expire_all(database_url)
            oauth_server.reset_stats()
            answers = await asyncio.gather(*(client.get("/proxy/me", headers=PROXY) for _ in range(50)))
            assert [a.status_code for a in answers] == [200] * 50, {a.status_code: a.text for a in answers}
            assert oauth_server.stats()["refresh_token"] == 1
            after = await client.get("/proxy/me", headers=PROXY)
            assert after.status_code == 200 and after.json()["sub"] == "user-1"
            pids = {line for line in server.log.read_text().splitlines() if "Started server process" in line}
            assert len(pids) == 2


async def test_refreshes_are_counted_by_outcome(proxy_gateway: httpx.AsyncClient, oauth_server: OAuthServer) -> None:
    await connect(proxy_gateway, oauth_server)
    before = (await proxy_gateway.get("/metrics")).text
    credentials = (await proxy_gateway.get("/connections/c1", params={"provider_config_key": "idp"})).json()[
        "credentials"
    ]
    DENIED.add(credentials["access_token"])
    assert (await proxy_gateway.get("/proxy/me", headers=PROXY)).status_code == 200  # refreshed, then retried
    params = {"provider_config_key": "idp", "refresh_token": "true"}  # the answer includes the refresh token
    credentials = (await proxy_gateway.get("/connections/c1", params=params)).json()["credentials"]
    async with httpx.AsyncClient() as client:  # the user revokes the grant at the provider
        revoked = await client.post(
            oauth_server.revocation_endpoint,
            data={"token": credentials["refresh_token"], "token_type_hint": "refresh_token"},
            auth=(APP["client_id"], APP["client_secret"]),
        )
        assert revoked.status_code == 200, revoked.text
    DENIED.add(credentials["access_token"])
    assert (await proxy_gateway.get("/proxy/me", headers=PROXY)).status_code >= 400
    after = (await proxy_gateway.get("/metrics")).text
    grown = {
        outcome: sample(after, "unigate_token_refreshes_total", provider="test-idp", outcome=outcome)
        - sample(before, "unigate_token_refreshes_total", provider="test-idp", outcome=outcome)
        for outcome in ("ok", "failed")
    }
    assert grown == {"ok": 1, "failed": 1}
