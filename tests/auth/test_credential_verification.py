"""API-key and Basic connections are checked with the provider (the catalog's proxy.verification) before storing."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.testing.loopback import run_app
from tests.auth.conftest import catalog_client, connect_session

GOOD_KEY, USER, PASSWORD = "lin_api_good", "me@acme.test", "s3cret"
SEEN: list[str] = []


async def whoami(request: Request) -> Response:
    authorization = request.headers.get("authorization", "")
    SEEN.append(authorization)
    expected = {GOOD_KEY, "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
    if authorization not in expected:
        return JSONResponse({"message": "invalid credentials"}, status_code=401)
    return JSONResponse({"id": "u1"})


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_app(Starlette(routes=[Route("/me", whoami)])) as url:
        yield url


@pytest.fixture
async def api(database_url: str, tmp_path: Path, provider: str) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    catalog = (
        "keyed:\n  display_name: Keyed\n  categories: [dev-tools]\n  docs: https://example.test\n  auth_mode: API_KEY\n"
        f"  proxy:\n    base_url: {provider}\n    headers:\n      authorization: ${{apiKey}}\n"
        "    verification:\n      method: GET\n      endpoints: [/me]\n"
        "passworded:\n  display_name: Passworded\n  categories: [dev-tools]\n  docs: https://example.test\n"
        f"  auth_mode: BASIC\n  proxy:\n    base_url: {provider}\n    verification:\n      endpoints: [/me]\n"
    )
    async with catalog_client(database_url, tmp_path, catalog) as both:
        for provider_name in ("keyed", "passworded"):
            await both[1].post("/integrations", json={"provider": provider_name, "unique_key": provider_name})
        yield both


async def connections(client: httpx.AsyncClient) -> list[str]:
    return [c["connection_id"] for c in (await client.get("/connections")).json()["connections"]]


async def test_api_key_is_verified_before_it_is_stored(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    wrong = await client.post(
        "/api-auth/api-key/keyed",
        params={"connection_id": "k1", **await connect_session(client)},
        json={"apiKey": "lin_api_wrong"},
        headers={"Authorization": ""},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "connection_test_failed"
    assert "lin_api_wrong" not in wrong.text and await connections(client) == []
    right = await client.post(
        "/api-auth/api-key/keyed",
        params={"connection_id": "k1", **await connect_session(client)},
        json={"apiKey": GOOD_KEY},
        headers={"Authorization": ""},
    )
    assert right.json() == {"providerConfigKey": "keyed", "connectionId": "k1"}
    assert SEEN[-1] == GOOD_KEY  # the catalog's header template was applied to the check
    stored = (await client.get("/connections/k1", params={"provider_config_key": "keyed"})).json()
    assert stored["credentials"] == {"type": "API_KEY", "apiKey": GOOD_KEY}
    assert stored["end_user"] == {"id": "end-user-1"}


async def test_basic_credentials_are_verified(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    wrong = await client.post(
        "/api-auth/basic/passworded",
        params=await connect_session(client),
        json={"username": USER, "password": "nope"},
        headers={"Authorization": ""},
    )
    assert wrong.status_code == 400 and await connections(client) == []
    right = await client.post(
        "/api-auth/basic/passworded",
        params={"connection_id": "b1", **await connect_session(client)},
        json={"username": USER, "password": PASSWORD},
        headers={"Authorization": ""},
    )
    assert right.status_code == 200, right.text
    assert await connections(client) == ["b1"]
