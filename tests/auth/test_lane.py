"""An end user holding a connect session stays in its lane: it creates connections, re-authorises only the one a
reconnect session names, and cannot override the settings the integrator pinned (both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gateway.runtime import Gateway
from tests.auth.conftest import catalog_client
from tests.conftest import error_of
from tests.oauth_server import OAuthServer

CATALOG = """
hosted:
  display_name: Hosted
  categories: [dev-tools]
  docs: https://example.test
  auth_mode: API_KEY
  proxy:
    base_url: https://${connectionConfig.hostname}/api
    headers:
      authorization: Bearer ${apiKey}
  connection_config:
    hostname:
      type: string
      title: Hostname
      pattern: '^[a-z0-9-]+\\.example\\.test$'
    region:
      type: string
      title: Region
      pattern: '^(us|eu)$'
      optional: true
    cloud_id:
      type: string
      title: Cloud id
      automated: true
"""
KEY = {"provider_config_key": "hosted"}


@pytest.fixture
async def api(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    async with catalog_client(database_url, tmp_path, CATALOG) as both:
        created = await both[1].post("/integrations", json={"provider": "hosted", "unique_key": "hosted"})
        assert created.status_code in (200, 201), created.text
        yield both


async def session_for(client: httpx.AsyncClient, end_user: str, **extra: Any) -> str:
    response = await client.post("/connect/sessions", json={"end_user": {"id": end_user}, **extra})
    assert response.status_code == 201, response.text
    token: str = response.json()["data"]["token"]
    return token


async def reconnect_session_for(client: httpx.AsyncClient, connection_id: str, end_user: str) -> httpx.Response:
    return await client.post(
        "/connect/sessions/reconnect",
        json={"end_user": {"id": end_user}, "connection_id": connection_id, "integration_id": "hosted"},
    )


async def connect_with_key(
    client: httpx.AsyncClient, token: str, api_key: str, connection_id: str | None = None, **params: str
) -> httpx.Response:
    query = {"connect_session_token": token, **{f"params[{k}]": v for k, v in params.items()}}
    if connection_id is not None:
        query["connection_id"] = connection_id
    return await client.post(
        "/api-auth/api-key/hosted", params=query, json={"apiKey": api_key}, headers={"Authorization": ""}
    )


async def stored(client: httpx.AsyncClient, connection_id: str) -> dict[str, Any]:
    response = await client.get(f"/connections/{connection_id}", params=KEY)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def alice_connection(client: httpx.AsyncClient) -> dict[str, Any]:
    token = await session_for(client, "alice")
    made = await connect_with_key(client, token, "alice-key", "alice-conn", hostname="alice.example.test")
    assert made.status_code == 200, made.text
    return await stored(client, "alice-conn")


async def connection_ids(client: httpx.AsyncClient) -> list[str]:
    return sorted(c["connection_id"] for c in (await client.get("/connections")).json()["connections"])


async def test_an_ordinary_session_cannot_take_over_an_existing_connection(
    api: tuple[Gateway, httpx.AsyncClient],
) -> None:
    _, client = api
    before = await alice_connection(client)
    mallory = await session_for(client, "mallory")
    taken = await connect_with_key(client, mallory, "mallory-key", "alice-conn", hostname="evil.example.test")
    assert taken.status_code == 409
    error = error_of(taken)
    assert error["code"] == "connection_already_exists" and "/connect/sessions/reconnect" in error["message"]
    after = await stored(client, "alice-conn")
    assert after["credentials"]["apiKey"] == "alice-key"
    assert after["end_user"]["id"] == "alice" and after["connection_config"] == before["connection_config"]
    # Without a connection_id the same session creates a new connection with a generated id.
    fresh = await connect_with_key(client, mallory, "mallory-key", hostname="mallory.example.test")
    assert fresh.status_code == 200 and fresh.json()["connectionId"] != "alice-conn"
    assert (await stored(client, fresh.json()["connectionId"]))["end_user"]["id"] == "mallory"


async def test_a_reconnect_session_replaces_only_its_own_connection(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    await alice_connection(client)
    other = await connect_with_key(
        client, await session_for(client, "bob"), "bob-key", "bob-conn", hostname="b.example.test"
    )
    assert other.status_code == 200
    created = await reconnect_session_for(client, "alice-conn", "alice")
    assert created.status_code == 201, created.text
    token = created.json()["data"]["token"]
    wrong = await connect_with_key(client, token, "x", "bob-conn", hostname="b.example.test")
    assert wrong.status_code == 403 and error_of(wrong)["code"] == "reconnect_mismatch"
    assert (await stored(client, "bob-conn"))["credentials"]["apiKey"] == "bob-key"
    renewed = await connect_with_key(client, token, "alice-key-2", hostname="alice.example.test")
    assert renewed.status_code == 200 and renewed.json()["connectionId"] == "alice-conn"
    after = await stored(client, "alice-conn")
    assert after["credentials"]["apiKey"] == "alice-key-2" and after["end_user"]["id"] == "alice"
    assert await connection_ids(client) == ["alice-conn", "bob-conn"]


async def test_a_reconnect_session_for_another_end_users_connection_is_refused(
    api: tuple[Gateway, httpx.AsyncClient],
) -> None:
    _, client = api
    await alice_connection(client)
    refused = await reconnect_session_for(client, "alice-conn", "mallory")
    assert refused.status_code == 400 and error_of(refused)["code"] == "end_user_mismatch"
    assert "end_user.id" in error_of(refused)["message"]


async def test_a_reconnect_session_whose_connection_was_deleted_creates_nothing(
    api: tuple[Gateway, httpx.AsyncClient],
) -> None:
    _, client = api
    await alice_connection(client)
    token = (await reconnect_session_for(client, "alice-conn", "alice")).json()["data"]["token"]
    deleted = await client.delete("/connections/alice-conn", params=KEY)
    assert deleted.status_code in (200, 204)
    gone = await connect_with_key(client, token, "alice-key-2", hostname="alice.example.test")
    assert gone.status_code == 404 and error_of(gone)["code"] == "unknown_connection"
    assert await connection_ids(client) == []


async def test_the_secret_key_may_still_replace_a_connection(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = api
    await alice_connection(client)
    replaced = await client.post(
        "/api-auth/api-key/hosted",
        params={"connection_id": "alice-conn", "params[hostname]": "alice.example.test"},
        json={"apiKey": "rotated-by-backend"},
    )
    assert replaced.status_code == 200, replaced.text
    assert (await stored(client, "alice-conn"))["credentials"]["apiKey"] == "rotated-by-backend"


async def test_pinned_settings_win_over_browser_params(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    pinned = {"integrations_config_defaults": {"hosted": {"connection_config": {"hostname": "acme.example.test"}}}}
    token = await session_for(client, "alice", **pinned)
    steered = await connect_with_key(client, token, "k", "c1", hostname="evil.example.test")
    assert steered.status_code == 403
    error = error_of(steered)
    assert error["code"] == "connection_config_pinned" and "params[hostname]" in error["message"]
    same = await connect_with_key(client, token, "k", "c1", hostname="acme.example.test", region="eu")
    assert same.status_code == 200, same.text
    assert (await stored(client, "c1"))["connection_config"] == {"hostname": "acme.example.test", "region": "eu"}
    pinned_only = await connect_with_key(client, token, "k", "c2")
    assert pinned_only.status_code == 200
    assert (await stored(client, "c2"))["connection_config"] == {"hostname": "acme.example.test"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"hostname": "a.example.test", "base_url": "http://127.0.0.1"}, "params[base_url]"),
        ({"hostname": "a.example.test", "cloud_id": "forged"}, "params[cloud_id]"),
        ({"hostname": "127.0.0.1"}, "connection_config.hostname"),
        ({"hostname": "a.example.test", "region": "mars"}, "connection_config.region"),
        ({"hostname": "a.example.test\r\nX: 1"}, "params[hostname]"),
    ],
)
async def test_browser_params_must_be_declared_user_settings_of_the_declared_form(
    api: tuple[Gateway, httpx.AsyncClient], params: dict[str, str], field: str
) -> None:
    _, client = api
    token = await session_for(client, "alice")
    refused = await connect_with_key(client, token, "k", "c1", **params)
    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "invalid_connection_config" and error["message"].startswith(field), error
    assert await connection_ids(client) == []


async def test_reserved_authorization_params_cannot_be_overridden(
    idp_client: httpx.AsyncClient, oauth_server: OAuthServer
) -> None:
    token = await session_for(idp_client, "alice")
    steered = await idp_client.get(
        "/oauth/connect/idp",
        params={"connect_session_token": token, "authorization_params[redirect_uri]": "https://attacker.test/cb"},
    )
    assert steered.status_code == 400
    assert "authorization_params[redirect_uri]" in steered.text and "attacker.test" not in steered.text
    allowed = await idp_client.get(
        "/oauth/connect/idp", params={"connect_session_token": token, "authorization_params[prompt]": "consent"}
    )
    assert allowed.status_code == 302
    sent = parse_qs(urlsplit(allowed.headers["location"]).query)
    assert sent["prompt"] == ["consent"] and sent["redirect_uri"] == ["http://127.0.0.1:3003/oauth/callback"]


async def test_an_oauth_flow_cannot_finish_over_a_connection_created_meanwhile(
    idp_client: httpx.AsyncClient, oauth_server: OAuthServer
) -> None:
    token = await session_for(idp_client, "mallory")
    start = await idp_client.get("/oauth/connect/idp", params={"connect_session_token": token, "connection_id": "x1"})
    assert start.status_code == 302, start.text
    imported = await idp_client.post(
        "/connections",
        json={
            "provider_config_key": "idp",
            "connection_id": "x1",
            "credentials": {"type": "OAUTH2", "access_token": "victim-token", "no_expiration": True},
        },
    )
    assert imported.status_code in (200, 201), imported.text
    location = await oauth_server.consent(start.headers["location"], approve=True)
    finished = await idp_client.get("/oauth/callback?" + urlsplit(location).query)
    assert finished.status_code == 409 and "connection_already_exists" in finished.text
    after = (await idp_client.get("/connections/x1", params={"provider_config_key": "idp"})).json()
    assert after["credentials"]["access_token"] == "victim-token"


async def test_an_oauth_start_for_an_existing_connection_is_refused_before_the_provider(
    idp_client: httpx.AsyncClient, oauth_server: OAuthServer
) -> None:
    await idp_client.post(
        "/connections",
        json={
            "provider_config_key": "idp",
            "connection_id": "x1",
            "credentials": {"type": "OAUTH2", "access_token": "victim-token", "no_expiration": True},
        },
    )
    token = await session_for(idp_client, "mallory")
    start = await idp_client.get("/oauth/connect/idp", params={"connect_session_token": token, "connection_id": "x1"})
    assert start.status_code == 409 and "location" not in start.headers
    assert "connection_already_exists" in start.text


async def test_a_typed_api_key_with_a_line_break_is_refused(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token = await session_for(client, "alice")
    refused = await connect_with_key(client, token, "k\r\nX-Injected: 1", "c1", hostname="a.example.test")
    assert refused.status_code == 400 and "apiKey" in error_of(refused)["message"]
    assert await connection_ids(client) == []
