"""Attio end to end through OAuth: the code grant with the client in the body, tokens that never expire (no
refresh token), and workspace access tokens verified against ``/v2/self`` when connecting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import httpx
import pytest
import unigate_attio
from attio_world import seeded
from fake_attio import FakeAttio

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "attio"}


@pytest.fixture
async def flow() -> AsyncIterator[tuple[FakeAttio, httpx.AsyncClient]]:
    fake, _ = seeded()
    with fake.run() as url:
        catalog = {
            "attio": {
                "authorization_url": f"{url}/authorize",
                "token_url": f"{url}/oauth/token",
                "proxy": {"base_url": url},
            },
            "attio-api-key": {"proxy": {"base_url": url}},
        }
        async with integration_gateway(unigate_attio, catalog, "attio", "attio", oauth_client(fake)) as (_, client):
            yield fake, client


async def test_consent_stores_a_token_that_never_expires(flow: tuple[FakeAttio, httpx.AsyncClient]) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "attio", "user-1")
    [exchange] = fake.requests_to("/oauth/token")
    sent = dict(parse_qsl(exchange.body.decode()))
    assert sent["grant_type"] == "authorization_code" and sent["client_id"] == fake.client_id
    credentials = connection["credentials"]
    assert set(credentials["raw"]) == {"access_token", "token_type"} and credentials["raw"]["token_type"] == "Bearer"
    assert credentials.get("expires_at") is None and not credentials.get("refresh_token")
    contacts = await client.get("/crm/contacts", headers=HEADERS)
    assert contacts.status_code == 200, contacts.text
    assert sorted(c["last_name"] for c in contacts.json()["data"]) == ["0", "1", "2", "3"]
    assert all(c["provider"] == "attio" for c in contacts.json()["data"])
    assert fake.requests_to("/v2/objects/people/records/query", "POST")


async def test_a_revoked_token_asks_for_reconnection_without_a_refresh(
    flow: tuple[FakeAttio, httpx.AsyncClient],
) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "attio", "user-1")
    fake.revoke_token(connection["credentials"]["access_token"])
    refused = await client.get("/crm/deals", headers=HEADERS)
    assert refused.status_code == 502, refused.text
    assert refused.json()["error"]["code"] == "upstream_unauthorized" and "reconnect" in refused.text
    assert fake.grants["refresh_token"] == 0 and len(fake.requests_to("/oauth/token")) == 1


async def test_access_tokens_are_verified_when_connecting(flow: tuple[FakeAttio, httpx.AsyncClient]) -> None:
    fake, client = flow
    made = await client.post("/integrations", json={"provider": "attio-api-key", "unique_key": "attio-key"})
    assert made.status_code == 200, made.text
    route, query = "/api-auth/api-key/attio-key", {"connection_id": "u2"}
    refused = await client.post(route, params=query, json={"apiKey": "not-a-token"})
    assert refused.status_code == 400, refused.text
    assert "not-a-token" not in refused.text
    accepted = await client.post(route, params=query, json={"apiKey": fake.issue_token()})
    assert accepted.status_code == 200, accepted.text
    assert len(fake.requests_to("/v2/self")) == 2
    users = await client.get("/crm/users", headers={"Connection-Id": "u2", "Provider-Config-Key": "attio-key"})
    assert users.status_code == 200, users.text
    assert [(u["name"], u["is_active"]) for u in users.json()["data"]] == [
        ("Ada Admin", True),
        ("Alan Turing", True),
        ("Grace Hopper", False),
    ]
