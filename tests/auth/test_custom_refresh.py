"""A provider plugin's own refresh (``Provider.refresh_tokens``) replaces the standard grant, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.plugins import hookimpl
from gateway.provider import CredentialsRejected, Provider, RefreshedTokens, TokenRefresh
from gateway.settings import Settings
from gateway.store.types import utcnow
from gateway.testing.loopback import run_app
from tests.auth.conftest import PUBLIC_URL, expire_connections

ISSUED: dict[str, str] = {}  # refresh token -> access token, spent on use


async def renew(request: Request) -> Response:
    """A non-standard token endpoint: JSON in (``appKey``, ``refreshToken``), ``{"token", "renewal", "ttl"}`` out."""
    body = await request.json()
    if body.get("appKey") != "cid:secret" or body.get("refreshToken") not in ISSUED:
        return JSONResponse({"fault": "renewal refused"}, status_code=403)
    ISSUED.pop(body["refreshToken"])
    ISSUED["renewal-2"] = "access-2"
    return JSONResponse({"token": "access-2", "renewal": "renewal-2", "ttl": 3600})


async def me(request: Request) -> Response:
    if request.headers.get("authorization") != "Bearer access-2":
        return JSONResponse({"fault": "expired"}, status_code=401)
    return JSONResponse({"id": "u1"})


class RenewingProvider(Provider):
    catalog_key = "renewing"
    calls: list[TokenRefresh] = []

    async def refresh_tokens(self, refresh: TokenRefresh) -> RefreshedTokens | None:
        self.calls.append(refresh)
        key = f"{refresh.client_id}:{refresh.client_secret}"
        answer = await refresh.http.post(refresh.token_url, json={"appKey": key, "refreshToken": refresh.refresh_token})
        if answer.status_code == 403:
            raise CredentialsRejected(answer.json()["fault"])
        body: dict[str, Any] = answer.json()
        expires_at = utcnow() + timedelta(seconds=body["ttl"])
        return RefreshedTokens(body["token"], body["renewal"], expires_at, body)


plugin = SimpleNamespace(register_providers=hookimpl(lambda register: register(RenewingProvider)))


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    ISSUED.clear()
    ISSUED["renewal-1"] = "access-1"
    RenewingProvider.calls.clear()
    app = Starlette(routes=[Route("/renew", renew, methods=["POST"]), Route("/me", me)])
    with run_app(app) as url:
        catalog = tmp_path / "renewing.yaml"
        catalog.write_text(
            f"renewing:\n  display_name: Renewing\n  categories: [other]\n  docs: https://example.test\n"
            f"  auth_mode: OAUTH2\n  authorization_url: {url}/authorize\n  token_url: {url}/renew\n"
            f"  proxy:\n    base_url: {url}\n"
        )
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=database_url,
            public_url=PUBLIC_URL,
            providers_files=str(catalog),
            allow_private_hosts=True,
        )
        gateway = build_gateway(settings, plugins=[plugin], entrypoints=False)
        await gateway.start()
        headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        transport = httpx.ASGITransport(app=create_app(gateway))
        try:
            async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL, headers=headers) as api:
                credentials = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}
                await api.post(
                    "/integrations", json={"provider": "renewing", "unique_key": "r", "credentials": credentials}
                )
                imported = await api.post(
                    "/connections",
                    json={
                        "provider_config_key": "r",
                        "connection_id": "c1",
                        "credentials": {
                            "type": "OAUTH2",
                            "access_token": "access-1",
                            "refresh_token": "renewal-1",
                            "expires_at": (utcnow() + timedelta(hours=1)).isoformat(),
                        },
                    },
                )
                assert imported.status_code == 201, imported.text
                api.gateway = gateway  # type: ignore[attr-defined]
                yield api
        finally:
            await gateway.stop()


async def test_expired_token_is_renewed_by_the_plugin(client: httpx.AsyncClient) -> None:
    await expire_connections(client.gateway)  # type: ignore[attr-defined]
    proxied = await client.get("/proxy/me", headers={"Connection-Id": "c1", "Provider-Config-Key": "r"})
    assert proxied.status_code == 200, proxied.text
    [call] = RenewingProvider.calls
    assert (call.refresh_token, call.client_id, call.token_url.endswith("/renew")) == ("renewal-1", "cid", True)
    params = {"provider_config_key": "r", "refresh_token": "true"}
    stored = (await client.get("/connections/c1", params=params)).json()["credentials"]
    assert (stored["access_token"], stored["refresh_token"]) == ("access-2", "renewal-2")


async def test_refused_renewal_asks_for_a_reconnect(client: httpx.AsyncClient) -> None:
    ISSUED.clear()
    await expire_connections(client.gateway)  # type: ignore[attr-defined]
    proxied = await client.get("/proxy/me", headers={"Connection-Id": "c1", "Provider-Config-Key": "r"})
    assert proxied.status_code == 424, proxied.text
    assert proxied.json()["error"]["code"] == "connection_refresh_failed"
    assert "renewal refused" in proxied.json()["error"]["message"]
