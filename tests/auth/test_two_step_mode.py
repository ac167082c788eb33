"""TWO_STEP mode: Personio's /auth exchange, and a discovery step plus refresh tokens, against loopback fakes."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.store.types import utcnow
from gateway.testing.loopback import run_app
from tests.auth.conftest import catalog_client, connect_session, expire_connections, stored_connections

CLIENT = {"client_id": "papi-7f3c", "client_secret": "papi-secret-" + secrets.token_hex(8)}
USER = {"team": "acme", "username": "ops@acme.test", "password": "hunter2-" + secrets.token_hex(4)}


@dataclass
class FakePersonio:
    url: str = ""
    tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=dict)

    def count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def issue(self) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return token

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/auth", self.auth, methods=["POST"]),
                Route("/v1/company/employees", self.employees),
                Route("/server", self.server),
                Route("/api/token", self.steps_token, methods=["POST"]),
                Route("/api/refresh", self.steps_refresh, methods=["POST"]),
            ]
        )

    async def auth(self, request: Request) -> Response:
        """Personio's documented answer: ``{"success": true, "data": {"token": "..."}}``."""
        self.count("auth")
        body = await request.json()
        if request.headers.get("accept") != "application/json" or body != CLIENT:
            error = {"code": 0, "message": "Wrong credentials"}
            return JSONResponse({"success": False, "error": error}, status_code=401)
        return JSONResponse({"success": True, "data": {"token": self.issue()}})

    async def employees(self, request: Request) -> Response:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return JSONResponse({"success": False}, status_code=401)
        return JSONResponse({"success": True, "data": []})

    async def server(self, request: Request) -> Response:
        self.count("server")
        if request.query_params.get("team") != USER["team"]:
            return JSONResponse({"message": "unknown team"}, status_code=404)
        return JSONResponse({"restApiEndpoint": self.url})

    def _tokens(self) -> Response:
        refresh = secrets.token_urlsafe(16)
        self.refresh_tokens.add(refresh)
        return JSONResponse({"access_token": self.issue(), "expires_in": 3600, "refresh_token": refresh})

    async def steps_token(self, request: Request) -> Response:
        self.count("token")
        body = await request.json()
        if body != {"Username": USER["username"], "Password": USER["password"]}:
            return JSONResponse({"message": "invalid login"}, status_code=400)
        return self._tokens()

    async def steps_refresh(self, request: Request) -> Response:
        self.count("refresh")
        body = await request.json()
        if body.get("grant_type") != "refresh_token" or body.get("refresh_token") not in self.refresh_tokens:
            return JSONResponse({"message": "invalid refresh token"}, status_code=400)
        self.refresh_tokens.discard(body["refresh_token"])
        return self._tokens()


@pytest.fixture(scope="module")
def personio() -> Iterator[FakePersonio]:
    fake = FakePersonio()
    with run_app(fake.app()) as url:
        fake.url = url
        yield fake


def catalog(url: str) -> str:
    return f"""
personio:
  token_url: {url}/v1/auth
  proxy:
    base_url: {url}
    verification:
      endpoints: [/v1/company/employees]
test-steps:
  display_name: Two steps
  categories: [hr]
  docs: https://example.test/docs
  auth_mode: TWO_STEP
  token_url: {url}/server?team=${{credentials.team}}
  token_request_method: GET
  additional_steps:
    - token_url: ${{step1.restApiEndpoint}}/api/token
      body_format: json
      token_params:
        Username: ${{credentials.username}}
        Password: ${{credentials.password}}
  token_response:
    token: access_token
    token_expiration: expires_in
    token_expiration_strategy: expireIn
    refresh_token: refresh_token
  refresh_url: {url}/api/refresh
  refresh_token_params:
    grant_type: refresh_token
    refresh_token: ${{refresh_token}}
  body_format: json
  credentials:
    team: {{type: string, title: Team}}
    username: {{type: string, title: Username}}
    password: {{type: string, title: Password, secret: true}}
  proxy:
    base_url: {url}
"""


@pytest.fixture
async def api(
    database_url: str, tmp_path: Path, personio: FakePersonio
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    async with catalog_client(database_url, tmp_path, catalog(personio.url)) as both:
        for provider in ("personio", "test-steps"):
            await both[1].post("/integrations", json={"provider": provider, "unique_key": provider})
        personio.calls.clear()
        yield both


async def connect(
    client: httpx.AsyncClient, integration: str, body: dict[str, Any], connection_id: str = "t1"
) -> httpx.Response:
    params = {"connection_id": connection_id, **await connect_session(client)}
    return await client.post(f"/auth/two-step/{integration}", params=params, json=body, headers={"Authorization": ""})


async def test_personio_exchange_refresh_and_refusal(
    api: tuple[Gateway, httpx.AsyncClient], personio: FakePersonio
) -> None:
    _, client = api
    created = await connect(client, "personio", CLIENT)
    assert created.status_code == 200, created.text
    assert created.json() == {"providerConfigKey": "personio", "connectionId": "t1"}
    key = {"provider_config_key": "personio"}
    first = (await client.get("/connections/t1", params=key)).json()["credentials"]
    assert first["type"] == "TWO_STEP" and first["token"] in personio.tokens
    assert first["client_id"] == CLIENT["client_id"] and first["raw"]["success"] is True
    lifetime = datetime.fromisoformat(first["expires_at"]) - utcnow()
    assert timedelta(hours=23) < lifetime <= timedelta(days=1)  # token_expires_in_ms: one day
    forced = (await client.get("/connections/t1", params={**key, "force_refresh": "true"})).json()["credentials"]
    assert forced["token"] != first["token"] and personio.calls["auth"] == 2

    wrong = await connect(client, "personio", {**CLIENT, "client_secret": "nope-" + secrets.token_hex(4)}, "t2")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "connection_test_failed"
    assert "nope-" not in wrong.text and CLIENT["client_secret"] not in wrong.text
    missing = await connect(client, "personio", {"client_id": CLIENT["client_id"]}, "t2")
    assert missing.status_code == 400 and "client_secret" in missing.json()["error"]["message"]
    assert [c["connection_id"] for c in await stored_connections(client)] == ["t1"]


async def test_refused_exchange_stores_nothing(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    wrong = await connect(client, "personio", {**CLIENT, "client_id": "someone-else"})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "connection_test_failed"
    assert await stored_connections(client) == []


async def test_additional_steps_and_refresh_token(
    api: tuple[Gateway, httpx.AsyncClient], personio: FakePersonio
) -> None:
    gateway, client = api
    created = await connect(client, "test-steps", USER)
    assert created.status_code == 200, created.text
    assert personio.calls == {"server": 1, "token": 1}
    key = {"provider_config_key": "test-steps", "refresh_token": "true"}
    first = (await client.get("/connections/t1", params=key)).json()["credentials"]
    assert first["token"] in personio.tokens and first["refresh_token"] in personio.refresh_tokens
    assert timedelta(minutes=59) < datetime.fromisoformat(first["expires_at"]) - utcnow() <= timedelta(hours=1)
    await expire_connections(gateway)
    used = (await client.get("/connections/t1", params=key)).json()["credentials"]
    assert personio.calls == {"server": 1, "token": 1, "refresh": 1}
    assert used["token"] != first["token"] and used["refresh_token"] != first["refresh_token"]
    personio.refresh_tokens.clear()  # the provider forgets the grant: the refresh falls back to a new exchange
    forced = (await client.get("/connections/t1", params={**key, "force_refresh": "true"})).json()["credentials"]
    assert personio.calls == {"server": 2, "token": 2, "refresh": 2}
    assert forced["token"] in personio.tokens and forced["password"] == USER["password"]

    wrong_team = await client.post(
        "/auth/two-step/test-steps",
        params={"connection_id": "t2", **await connect_session(client)},
        json={**USER, "team": "other"},
        headers={"Authorization": ""},
    )
    assert wrong_team.status_code == 400 and wrong_team.json()["error"]["code"] == "connection_test_failed"
    assert [c["connection_id"] for c in await stored_connections(client)] == ["t1"]
