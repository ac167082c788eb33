"""Every outbound request of the gateway is SSRF-guarded, not only the proxy's: each flow pointed at a provider on
loopback is refused with ``forbidden_host`` before anything is sent, and reaches it when private hosts are allowed.

Each test runs with ``allow_private_hosts`` off (refused, the fake receives nothing) and on (the same call reaches
the fake: the refusal comes from the guard, not from a flow that would not have called anyway).
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.plugins import hookimpl
from gateway.provider import (
    ListQuery,
    Provider,
    ProviderContext,
    RefreshedTokens,
    Resource,
    ResourcePage,
    TokenRefresh,
)
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.store.tables import Connection
from gateway.testing.loopback import run_app
from gateway.upstream.ssrf import check_host, is_internal
from tests.auth.conftest import connect_session, stored_connections
from tests.conftest import error_of
from unified_models import Ticket

PUBLIC_URL = "http://127.0.0.1:3003"
REFUSED = "Unigate may not call this host: "
HOSTNAME = socket.gethostname()  # a name that is no IP literal, resolving to this machine's (internal) address


@dataclass
class Fake:
    """A provider on loopback that answers every path and counts what reached it."""

    url: str = ""
    hits: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return Starlette(routes=[Route("/{path:path}", self.answer, methods=methods)])

    async def answer(self, request: Request) -> Response:
        self.hits.append(f"{request.method} {request.url.path}")
        path = request.url.path
        if path == "/request_token":
            return PlainTextResponse("oauth_token=rt&oauth_token_secret=rts&oauth_callback_confirmed=true")
        if path.endswith("/access_tokens"):
            expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            return JSONResponse({"token": "ghs_x", "expires_at": expires}, status_code=201)
        token = {"access_token": "at", "refresh_token": "rt", "expires_in": 3600, "token_type": "bearer"}
        return JSONResponse({**token, "data": {"token": "two-step"}})


class Tickets(Resource):
    name = "tickets"

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        (await ctx.http.get("/tickets")).raise_for_status()
        return ResourcePage([])


class Scripted(Provider):
    """A plugin whose scripts call the provider through ``ctx.http``."""

    catalog_key = "guard-script"
    resources: ClassVar[Mapping[str, type[Resource]]] = {"tickets": Tickets}

    async def post_connection(self, ctx: ProviderContext) -> None:
        (await ctx.http.get("/post-connection")).raise_for_status()

    async def pre_connection_deletion(self, ctx: ProviderContext) -> None:
        (await ctx.http.delete("/webhook")).raise_for_status()


class Named(Scripted):
    catalog_key = "guard-named"

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Nothing: the named provider is only used for unified calls."""


class Verifying(Provider):
    catalog_key = "guard-verify"

    async def verify_credentials(self, ctx: ProviderContext) -> None:
        (await ctx.http.get("/me")).raise_for_status()


class CustomRefresh(Provider):
    catalog_key = "guard-custom"

    async def refresh_tokens(self, refresh: TokenRefresh) -> RefreshedTokens | None:
        answer = await refresh.http.post(refresh.token_url, data={"refresh_token": refresh.refresh_token})
        return RefreshedTokens(answer.json()["access_token"], expires_at=datetime.now(UTC) + timedelta(hours=1))


def _register(register: Any) -> None:
    for provider in (Scripted, Named, Verifying, CustomRefresh):
        register(provider)


PLUGIN = SimpleNamespace(register_providers=hookimpl(_register))


def catalog(url: str, port: int) -> str:
    common = "  display_name: Guard\n  categories: [other]\n  docs: https://example.test/docs\n"
    key = f"{common}  auth_mode: API_KEY\n"
    oauth2 = f"{common}  auth_mode: OAUTH2\n  authorization_url: {url}/authorize\n  token_url: {url}/token\n"
    verification = "    verification:\n      endpoints: [/me]\n"
    hostname = "  connection_config:\n    hostname: {type: string, title: Host}\n"
    base_url = "  connection_config:\n    base_url: {type: string, title: Base URL}\n"
    return f"""
guard-key:
{key}  proxy:
    base_url: {url}
{verification}
guard-basic:
{common}  auth_mode: BASIC
  proxy:
    base_url: {url}
{verification}
guard-verify:
{key}  proxy:
    base_url: {url}
guard-script:
{key}  proxy:
    base_url: {url}
guard-named:
{key}  proxy:
    base_url: http://{HOSTNAME}:{port}
guard-hostname:
{key}{hostname}  proxy:
    base_url: http://${{connectionConfig.hostname}}
{verification}
guard-base-url:
{key}{base_url}  proxy:
    base_url: ${{connectionConfig.base_url}}
{verification}
guard-oauth2:
{oauth2}  proxy:
    base_url: {url}
guard-custom:
{oauth2}  proxy:
    base_url: {url}
guard-cc:
{common}  auth_mode: OAUTH2_CC
  token_url: {url}/token
  proxy:
    base_url: {url}
ghost-admin:
  proxy:
    base_url: {url}
{verification}
personio:
  token_url: {url}/v1/auth
  proxy:
    base_url: {url}
github-app:
  token_url: {url}/app/installations/${{connectionConfig.installation_id}}/access_tokens
  proxy:
    base_url: {url}
trello:
  request_url: {url}/request_token
  authorization_url: {url}/authorize
  token_url: {url}/access_token
  proxy:
    base_url: {url}
"""


def catalog_names(path: Path) -> list[str]:
    return [line[:-1] for line in path.read_text().splitlines() if line.endswith(":") and not line.startswith(" ")]


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    found = Fake()
    with run_app(found.app()) as url:
        found.url = url
        yield found


@pytest.fixture(scope="module")
def app_key() -> str:
    key = rsa.generate_private_key(65537, 2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class World:
    gateway: Gateway
    client: httpx.AsyncClient
    fake: Fake
    allowed: bool

    @property
    def port(self) -> int:
        return int(self.fake.url.rsplit(":", 1)[1])

    def check(self, response: httpx.Response, status: int = 200) -> None:
        """Refused with ``forbidden_host`` and nothing sent; or, private hosts allowed, answered after a call."""
        if self.allowed:
            assert response.status_code == status, response.text
            assert self.fake.hits, "the flow did not call the provider: the refusal would prove nothing"
            return
        assert response.status_code == 400, response.text
        assert self.fake.hits == [], self.fake.hits
        if response.headers["content-type"].startswith("text/html"):  # an OAuth callback page
            found = re.search(r"var message = (\{.*\});", response.text)
            assert found is not None, response.text
            message = json.loads(found.group(1))
            assert message["type"] == "nango_oauth_callback_error", message
            assert message["payload"]["errorType"] == "forbidden_host" and REFUSED in message["payload"]["message"]
        else:
            error = error_of(response)
            assert error["code"] == "forbidden_host", error
            assert error["message"].startswith(REFUSED) and "UNIGATE_ALLOW_PRIVATE_HOSTS" in error["message"]


@pytest.fixture(params=[False, True], ids=["guarded", "allowed"])
async def world(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, fake: Fake, app_key: str
) -> AsyncIterator[World]:
    path = tmp_path / "guard.yaml"
    path.write_text(catalog(fake.url, int(fake.url.rsplit(":", 1)[1])))
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url=PUBLIC_URL,
        providers_files=str(path),
        allow_private_hosts=request.param,
    )
    gateway = build_gateway(settings, plugins=[PLUGIN])
    await gateway.start()
    try:
        transport = httpx.ASGITransport(app=create_app(gateway))
        headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL, headers=headers) as client:
            oauth = {"type": "OAUTH2", "client_id": "cid", "client_secret": "csecret"}
            app = {"type": "APP", "app_id": "1", "app_link": f"{fake.url}/apps/guard", "private_key": app_key}
            integrations: dict[str, dict[str, Any] | None] = {
                **dict.fromkeys(name for name in catalog_names(path) if name.startswith("guard-")),
                "ghost-admin": None,
                "personio": None,
                "guard-oauth2": oauth,
                "guard-custom": oauth,
                "github-app": app,
                "trello": {"type": "OAUTH1", "client_id": "consumer", "client_secret": "consumer-secret"},
            }
            for key, credentials in integrations.items():
                body: dict[str, Any] = {"provider": key, "unique_key": key}
                if credentials:
                    body["credentials"] = credentials
                created = await client.post("/integrations", json=body)
                assert created.status_code == 200, created.text
            fake.hits.clear()
            yield World(gateway, client, fake, request.param)
    finally:
        await gateway.stop()


async def browser_post(world: World, path: str, body: dict[str, Any], **params: str) -> httpx.Response:
    """A browser route called with a connect session, as the frontend SDK does."""
    query = {"connection_id": "c1", **await connect_session(world.client), **params}
    return await world.client.post(path, params=query, json=body, headers={"Authorization": ""})


async def browser_get(world: World, path: str) -> httpx.Response:
    query = {"connection_id": "c1", **await connect_session(world.client)}
    return await world.client.get(path, params=query, headers={"Authorization": ""})


async def import_connection(world: World, key: str, credentials: dict[str, Any]) -> None:
    body = {"provider_config_key": key, "connection_id": "c1", "credentials": credentials}
    imported = await world.client.post("/connections", json=body)
    assert imported.status_code in (200, 201), imported.text
    world.fake.hits.clear()


def state_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["state"][0]


async def test_oauth2_code_exchange(world: World) -> None:
    started = await browser_get(world, "/oauth/connect/guard-oauth2")
    assert started.status_code == 302 and world.fake.hits == []  # the browser goes there, not Unigate
    callback = await world.client.get(
        "/oauth/callback", params={"code": "c0de", "state": state_of(started.headers["location"])}
    )
    world.check(callback)
    assert len(await stored_connections(world.client)) == (1 if world.allowed else 0)


@pytest.mark.parametrize("key", ["guard-oauth2", "guard-custom"], ids=["grant", "plugin"])
async def test_oauth2_refresh(world: World, key: str) -> None:
    expired = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    credentials = {"type": "OAUTH2", "access_token": "old", "refresh_token": "r", "expires_at": expired}
    await import_connection(world, key, credentials)
    got = await world.client.get("/connections/c1", params={"provider_config_key": key})
    world.check(got)
    if not world.allowed:  # the failure is recorded and the refresh lease released
        async with world.gateway.sessions() as session:
            row = (await session.exec(select(Connection))).one()
        assert REFUSED in (row.last_refresh_error or "") and row.refresh_lock_until is None


async def test_oauth2_client_credentials(world: World) -> None:
    world.check(await browser_post(world, "/oauth2/auth/guard-cc", {"client_id": "m", "client_secret": "s"}))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api-auth/api-key/guard-key", {"apiKey": "k"}),
        ("/api-auth/basic/guard-basic", {"username": "u", "password": "p"}),
        ("/api-auth/api-key/guard-verify", {"apiKey": "k"}),
    ],
    ids=["api-key", "basic", "plugin-verify"],
)
async def test_credential_verification(world: World, path: str, body: dict[str, Any]) -> None:
    world.check(await browser_post(world, path, body))
    if not world.allowed:
        assert await stored_connections(world.client) == []


async def test_post_connection_script(world: World) -> None:
    world.check(await browser_post(world, "/api-auth/api-key/guard-script", {"apiKey": "k"}))
    assert world.fake.hits == (["GET /post-connection"] if world.allowed else [])


async def test_pre_connection_deletion_script(world: World) -> None:
    await import_connection(world, "guard-script", {"type": "API_KEY", "apiKey": "k"})
    deleted = await world.client.delete("/connections/c1", params={"provider_config_key": "guard-script"})
    world.check(deleted)
    assert len(await stored_connections(world.client)) == (0 if world.allowed else 1)  # refused: kept


async def test_jwt_verification(world: World) -> None:
    body = {"keyId": "abc123", "secret": "ab" * 32}
    world.check(await browser_post(world, "/auth/jwt/ghost-admin", body, **{"params[hostname]": "acme.ghost.io"}))


async def test_two_step_exchange(world: World) -> None:
    world.check(await browser_post(world, "/auth/two-step/personio", {"client_id": "i", "client_secret": "s"}))


async def test_github_app_installation_token(world: World) -> None:
    started = await browser_get(world, "/oauth/connect/github-app")
    assert started.status_code == 302 and world.fake.hits == []
    query = {"installation_id": "42", "setup_action": "install", "state": state_of(started.headers["location"])}
    world.check(await world.client.get("/oauth/callback", params=query))


async def test_oauth1_request_token(world: World) -> None:
    world.check(await browser_get(world, "/oauth/connect/trello"), status=302)


async def test_unified_call(world: World) -> None:
    await import_connection(world, "guard-script", {"type": "API_KEY", "apiKey": "k"})
    headers = {"Connection-Id": "c1", "Provider-Config-Key": "guard-script"}
    world.check(await world.client.get("/tickets", headers=headers))


@pytest.mark.parametrize(
    ("key", "name", "value"),
    [
        ("guard-hostname", "hostname", "127.0.0.1:{port}"),
        ("guard-hostname", "hostname", "localhost:{port}"),
        ("guard-base-url", "base_url", "http://127.0.0.1:{port}"),
    ],
)
async def test_end_user_cannot_steer_to_an_internal_host(world: World, key: str, name: str, value: str) -> None:
    params = {f"params[{name}]": value.format(port=world.port)}
    world.check(await browser_post(world, f"/api-auth/api-key/{key}", {"apiKey": "k"}, **params))


@pytest.mark.parametrize("world", [False], indirect=True, ids=["guarded"])
@pytest.mark.parametrize("flow", ["unified", "steered-verification"])
async def test_a_name_resolving_to_an_internal_address_is_refused_at_connect_time(world: World, flow: str) -> None:
    check_host(HOSTNAME, allow_private=False)  # the premise: no pre-connect check refuses it, only the resolver can
    addresses = {info[4][0] for info in socket.getaddrinfo(HOSTNAME, world.port)}
    assert addresses and all(is_internal(a) for a in addresses), f"{HOSTNAME} should resolve to this machine"
    if flow == "unified":
        await import_connection(world, "guard-named", {"type": "API_KEY", "apiKey": "k"})
        answer = await world.client.get(
            "/tickets", headers={"Connection-Id": "c1", "Provider-Config-Key": "guard-named"}
        )
    else:
        params = {"params[hostname]": f"{HOSTNAME}:{world.port}"}
        answer = await browser_post(world, "/api-auth/api-key/guard-hostname", {"apiKey": "k"}, **params)
    world.check(answer)
    assert "resolves only to internal addresses" in error_of(answer)["message"]
