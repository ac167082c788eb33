"""A real OAuth authorization server (oidc-provider) and a gateway whose catalog points at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.store.tables import Connection
from gateway.store.types import utcnow
from tests.oauth_server import OAuthServer, run_oauth_server

PUBLIC_URL = "http://127.0.0.1:3003"
CALLBACK = f"{PUBLIC_URL}/oauth/callback"
APP = {"client_id": "unigate-app", "client_secret": "app-secret", "redirect_uris": [CALLBACK]}
MACHINE = {
    "client_id": "machine",
    "client_secret": "machine-secret",
    "redirect_uris": [CALLBACK],
    "grant_types": ["client_credentials"],
}


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[OAuthServer]:
    with run_oauth_server([APP, MACHINE], access_token_ttl=3600) as server:
        yield server


@pytest.fixture(scope="session")
def idp_catalog(oauth_server: OAuthServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Catalog entries for the test server, as an operator would add a provider in UNIGATE_PROVIDERS_FILES."""
    path = tmp_path_factory.mktemp("catalog") / "idp.yaml"
    common = (
        f"  display_name: Test IdP\n  categories: [dev-tools]\n  docs: https://example.test/docs\n"
        f"  token_url: {oauth_server.token_endpoint}\n  token_expiration_buffer: 60\n"
        f"  proxy:\n    base_url: {oauth_server.issuer}\n"
    )
    path.write_text(
        f"test-idp:\n  auth_mode: OAUTH2\n  authorization_url: {oauth_server.authorization_endpoint}\n"
        f"  default_scopes: [read]\n{common}"
        f"test-idp-cc:\n  auth_mode: OAUTH2_CC\n{common}"
    )
    return path


@pytest.fixture
async def idp_gateway(database_url: str, tmp_path: Path, idp_catalog: Path) -> AsyncIterator[Gateway]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url=PUBLIC_URL,
        providers_files=str(idp_catalog),
        allow_private_hosts=True,  # the test IdP listens on loopback
    )
    gateway = build_gateway(settings)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def idp_client(idp_gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(idp_gateway))
    headers = {"Authorization": f"Bearer {idp_gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL, headers=headers) as client:
        await client.post(
            "/integrations",
            json={
                "provider": "test-idp",
                "unique_key": "idp",
                "credentials": {
                    "type": "OAUTH2",
                    "client_id": APP["client_id"],
                    "client_secret": APP["client_secret"],
                    "scopes": "read,write",
                },
            },
        )
        await client.post("/integrations", json={"provider": "test-idp-cc", "unique_key": "idp-cc"})
        yield client


@asynccontextmanager
async def catalog_client(
    database_url: str, tmp_path: Path, catalog: str, plugins: Sequence[object] = ()
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """A gateway whose catalog is overridden by the YAML text ``catalog`` (``plugins`` registered too), and its API
    client (secret key)."""
    path = tmp_path / "catalog.yaml"
    path.write_text(catalog)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url=PUBLIC_URL,
        providers_files=str(path),
        allow_private_hosts=True,
    )
    gateway = build_gateway(settings, plugins=plugins)
    await gateway.start()
    try:
        transport = httpx.ASGITransport(app=create_app(gateway))
        headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL, headers=headers) as client:
            yield gateway, client
    finally:
        await gateway.stop()


async def connect_session(client: httpx.AsyncClient) -> dict[str, str]:
    """Query parameters authorising a browser call: a fresh connect session token."""
    response = await client.post("/connect/sessions", json={"end_user": {"id": "end-user-1"}})
    assert response.status_code == 201, response.text
    return {"connect_session_token": response.json()["data"]["token"]}


async def stored_connections(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await client.get("/connections")).json()["connections"]
    return found


async def expire_connections(gateway: Gateway) -> None:
    async with gateway.engine.begin() as conn:
        await conn.execute(update(Connection.__table__).values(expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[attr-defined]
