"""The OAuth 2.0 code flow against a real authorization server: consent, callback, refresh, failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import update

from gateway.runtime import Gateway
from gateway.store.tables import Connection, OAuthSession
from gateway.store.types import utcnow
from tests.auth.conftest import APP, CALLBACK
from tests.oauth_server import OAuthServer

KEY = {"provider_config_key": "idp"}


async def session_token(client: httpx.AsyncClient, **body: Any) -> str:
    response = await client.post("/connect/sessions", json={"end_user": {"id": "end-user-1"}, **body})
    assert response.status_code == 201, response.text
    token: str = response.json()["data"]["token"]
    assert token.startswith("nango_connect_session_") and len(token) == 86
    return token


async def start(client: httpx.AsyncClient, connection_id: str = "c1", **query: str) -> str:
    token = await session_token(client)
    response = await client.get(
        "/oauth/connect/idp",
        params={"connection_id": connection_id, "connect_session_token": token, **query},
        headers={"Authorization": ""},
    )
    assert response.status_code == 302, response.text
    location: str = response.headers["location"]
    return location


async def finish(client: httpx.AsyncClient, location: str) -> httpx.Response:
    assert location.startswith(CALLBACK)
    return await client.get("/oauth/callback?" + urlsplit(location).query, headers={"Authorization": ""})


async def connect(client: httpx.AsyncClient, server: OAuthServer, connection_id: str = "c1") -> dict[str, Any]:
    callback = await finish(client, await server.consent(await start(client, connection_id)))
    assert callback.status_code == 200, callback.text
    got = await client.get(f"/connections/{connection_id}", params={**KEY, "refresh_token": "true"})
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


async def test_consent_and_callback_store_the_connection(
    idp_client: httpx.AsyncClient, oauth_server: OAuthServer
) -> None:
    authorize = await start(idp_client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(oauth_server.authorization_endpoint)
    assert query["client_id"] == [APP["client_id"]] and query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["scope"] == ["read write"] and query["response_type"] == ["code"]
    location = await oauth_server.consent(authorize)
    callback = await finish(idp_client, location)
    assert callback.status_code == 200 and "nango_oauth_callback_success" in callback.text
    connection = (await idp_client.get("/connections/c1", params={**KEY, "refresh_token": "true"})).json()
    credentials = connection["credentials"]
    assert credentials["type"] == "OAUTH2" and credentials["refresh_token"] and credentials["expires_at"]
    assert connection["end_user"] == {"id": "end-user-1"}
    introspection = await oauth_server.introspect(credentials["access_token"], APP["client_id"], APP["client_secret"])
    assert introspection["active"] is True and introspection["scope"] == "read write"
    replay = await finish(idp_client, location)  # the same state a second time
    assert replay.status_code == 400 and "invalid_state" in replay.text


async def test_denial_stores_nothing(idp_client: httpx.AsyncClient, oauth_server: OAuthServer) -> None:
    location = await oauth_server.consent(await start(idp_client), approve=False)
    callback = await finish(idp_client, location)
    assert callback.status_code == 400
    assert "nango_oauth_callback_error" in callback.text and "access_denied" in callback.text
    assert (await idp_client.get("/connections")).json() == {"connections": []}


async def test_unknown_state_is_refused(idp_client: httpx.AsyncClient) -> None:
    response = await idp_client.get(
        "/oauth/callback", params={"code": "x", "state": "forged"}, headers={"Authorization": ""}
    )
    assert response.status_code == 400 and "invalid_state" in response.text


async def test_expired_authorisation_is_refused(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    location = await oauth_server.consent(await start(idp_client))
    async with idp_gateway.engine.begin() as conn:
        await conn.execute(update(OAuthSession.__table__).values(expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[attr-defined]
    callback = await finish(idp_client, location)
    assert callback.status_code == 400 and "expired_state" in callback.text
    assert (await idp_client.get("/connections")).json() == {"connections": []}


async def test_wrong_verifier_is_refused_by_the_server(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    location = await oauth_server.consent(await start(idp_client))
    tampered = idp_gateway.vault.seal(OAuthSession, "secrets", {"code_verifier": "x" * 64, "overrides": {}})
    async with idp_gateway.engine.begin() as conn:
        await conn.execute(update(OAuthSession.__table__).values(secrets=tampered))  # type: ignore[attr-defined]
    callback = await finish(idp_client, location)
    assert callback.status_code == 400 and "token_exchange_failed" in callback.text and "invalid_grant" in callback.text
    assert (await idp_client.get("/connections")).json() == {"connections": []}


async def test_session_token_rules(idp_client: httpx.AsyncClient) -> None:
    missing = await idp_client.get("/oauth/connect/idp", headers={"Authorization": ""})
    assert missing.status_code == 401 and "missing_connect_session_token" in missing.text
    other = await session_token(idp_client, allowed_integrations=["idp-cc"])
    refused = await idp_client.get(
        "/oauth/connect/idp", params={"connect_session_token": other}, headers={"Authorization": ""}
    )
    assert refused.status_code == 403 and "integration_not_allowed" in refused.text
    forged = await idp_client.get(
        "/oauth/connect/idp",
        params={"connect_session_token": "nango_connect_session_" + "0" * 64},
        headers={"Authorization": ""},
    )
    assert forged.status_code == 401 and "unknown_connect_session_token" in forged.text


async def expire(gateway: Gateway) -> None:
    async with gateway.engine.begin() as conn:
        await conn.execute(update(Connection.__table__).values(expires_at=utcnow() - timedelta(seconds=5)))  # type: ignore[attr-defined]


async def test_expired_token_is_refreshed_on_use_with_rotation(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    before = (await connect(idp_client, oauth_server))["credentials"]
    fresh = (await idp_client.get("/connections/c1", params=KEY)).json()["credentials"]
    assert fresh["access_token"] == before["access_token"]  # not due: no refresh
    await expire(idp_gateway)
    oauth_server.reset_stats()
    after = (await idp_client.get("/connections/c1", params={**KEY, "refresh_token": "true"})).json()["credentials"]
    assert oauth_server.stats()["refresh_token"] == 1
    assert after["access_token"] != before["access_token"] and after["refresh_token"] != before["refresh_token"]
    active = await oauth_server.introspect(after["access_token"], APP["client_id"], APP["client_secret"])
    assert active["active"] is True


async def test_concurrent_uses_cause_one_refresh(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    await connect(idp_client, oauth_server)
    await expire(idp_gateway)
    oauth_server.reset_stats()
    answers = await asyncio.gather(*(idp_client.get("/connections/c1", params=KEY) for _ in range(50)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["credentials"]["access_token"] for a in answers}) == 1
    assert oauth_server.stats()["refresh_token"] == 1


async def test_reused_refresh_token_revokes_and_failure_is_recorded(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    stolen = (await connect(idp_client, oauth_server))["credentials"]["refresh_token"]
    forced = await idp_client.get("/connections/c1", params={**KEY, "force_refresh": "true"})
    assert forced.status_code == 200
    async with httpx.AsyncClient() as http:  # someone replays the old refresh token: the server revokes the grant
        replay = await http.post(
            oauth_server.token_endpoint,
            data={"grant_type": "refresh_token", "refresh_token": stolen},
            auth=(APP["client_id"], APP["client_secret"]),
        )
    assert replay.json()["error"] == "invalid_grant"
    failed = await idp_client.get("/connections/c1", params={**KEY, "force_refresh": "true"})
    assert failed.status_code == 424 and failed.json()["error"]["code"] == "connection_refresh_failed"
    assert "invalid_grant" in failed.json()["error"]["message"]
    await expire(idp_gateway)
    backoff = await idp_client.get("/connections/c1", params=KEY)
    assert backoff.status_code == 424 and backoff.json()["error"]["code"] == "connection_refresh_backoff"
    listed = (await idp_client.get("/connections")).json()["connections"][0]
    assert listed["errors"][0]["type"] == "auth" and "invalid_grant" in listed["errors"][0]["message"]


async def test_client_credentials_connection_and_refresh(
    idp_client: httpx.AsyncClient, oauth_server: OAuthServer
) -> None:
    token = await session_token(idp_client)
    created = await idp_client.post(
        "/oauth2/auth/idp-cc",
        params={"connection_id": "m1", "connect_session_token": token},
        json={"client_id": "machine", "client_secret": "machine-secret"},
        headers={"Authorization": ""},
    )
    assert created.status_code == 200, created.text
    assert created.json() == {"providerConfigKey": "idp-cc", "connectionId": "m1"}
    first = (await idp_client.get("/connections/m1", params={"provider_config_key": "idp-cc"})).json()["credentials"]
    assert first["type"] == "OAUTH2_CC" and first["token"]
    second = (
        await idp_client.get("/connections/m1", params={"provider_config_key": "idp-cc", "force_refresh": "true"})
    ).json()["credentials"]
    assert second["token"] != first["token"]
    wrong = await idp_client.post(
        "/oauth2/auth/idp-cc",
        params={"connect_session_token": token},
        json={"client_id": "machine", "client_secret": "nope"},
        headers={"Authorization": ""},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "connection_test_failed"


@pytest.mark.parametrize("route", ["/api-auth/api-key/idp", "/api-auth/basic/idp"])
async def test_wrong_mode_route_is_refused(idp_client: httpx.AsyncClient, route: str) -> None:
    body = {"apiKey": "k"} if "api-key" in route else {"username": "u", "password": "p"}
    response = await idp_client.post(route, json=body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_auth_mode"
