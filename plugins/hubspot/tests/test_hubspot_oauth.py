"""HubSpot end to end through the OAuth flow: consent, portalId from the account, 30-minute tokens refreshed with a
refresh token HubSpot does not rotate, and the private-app entry verified at connection time."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import parse_qsl

import httpx
import pytest
import unigate_hubspot
from fake_hubspot import PORTAL_ID, FakeHubSpot

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "hs"}


@pytest.fixture
async def flow() -> AsyncIterator[tuple[FakeHubSpot, httpx.AsyncClient]]:
    fake = FakeHubSpot()
    for n in range(3):
        fake.add("contacts", firstname=f"C{n}", email=f"c{n}@example.com")
    with fake.run() as url:
        entry = {"authorization_url": f"{url}/oauth/authorize", "token_url": f"{url}/oauth/v1/token"}
        catalog = {
            "hubspot": {**entry, "proxy": {"base_url": url}},
            "hubspot-private-app": {"proxy": {"base_url": url}},
        }
        async with integration_gateway(unigate_hubspot, catalog, "hubspot", "hs", oauth_client(fake)) as (_, client):
            yield fake, client


async def test_consent_stores_the_portal_id_and_a_30_minute_token(flow: tuple[FakeHubSpot, httpx.AsyncClient]) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "hs", "user-1")
    assert connection["connection_config"]["portalId"] == str(PORTAL_ID)
    [authorize] = fake.requests_to("/oauth/authorize")
    assert authorize.params["client_id"] == fake.client_id and "oauth" in authorize.params["scope"].split(" ")
    [exchange] = fake.requests_to("/oauth/v1/token")
    sent = dict(parse_qsl(exchange.body.decode()))
    assert sent["grant_type"] == "authorization_code" and sent["client_secret"] == fake.client_secret
    credentials = connection["credentials"]
    assert credentials["raw"]["hub_id"] == PORTAL_ID and credentials["raw"]["expires_in"] == 1800
    left = datetime.fromisoformat(credentials["expires_at"].replace("Z", "+00:00")).timestamp() - time.time()
    assert 1700 < left <= 1800
    contacts = await client.get("/crm/contacts", headers=HEADERS)
    assert contacts.status_code == 200, contacts.text
    assert sorted(c["first_name"] for c in contacts.json()["data"]) == ["C0", "C1", "C2"]
    assert all(c["provider"] == "hubspot" for c in contacts.json()["data"])


async def test_an_expired_token_is_refreshed_and_the_refresh_token_is_kept(
    flow: tuple[FakeHubSpot, httpx.AsyncClient],
) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "hs", "user-1")
    params = {"provider_config_key": "hs", "refresh_token": "true"}
    old_refresh = (await client.get("/connections/user-1", params=params)).json()["credentials"]["refresh_token"]
    fake.expire_token(first["credentials"]["access_token"])
    contacts = await client.get("/crm/contacts", headers=HEADERS)
    assert contacts.status_code == 200, contacts.text
    assert fake.grants["refresh_token"] == 1
    stored = (await client.get("/connections/user-1", params=params)).json()["credentials"]
    assert stored["access_token"] != first["credentials"]["access_token"]
    assert stored["refresh_token"] == old_refresh and not fake.tokens[old_refresh].revoked
    again = await client.get("/crm/contacts", headers=HEADERS)
    assert again.status_code == 200 and fake.grants["refresh_token"] == 1


async def test_a_refused_refresh_token_asks_the_user_to_reconnect(flow: tuple[FakeHubSpot, httpx.AsyncClient]) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "hs", "user-1")
    params = {"provider_config_key": "hs", "refresh_token": "true"}
    refresh = (await client.get("/connections/user-1", params=params)).json()["credentials"]["refresh_token"]
    fake.revoke_token(refresh)
    fake.expire_token(first["credentials"]["access_token"])
    refused = await client.get("/crm/contacts", headers=HEADERS)
    assert refused.status_code == 424, refused.text
    assert refused.json()["error"]["code"] == "connection_refresh_failed"
    assert refresh not in refused.text and fake.grants["refresh_token"] == 0


async def test_private_app_tokens_are_verified_when_connecting(flow: tuple[FakeHubSpot, httpx.AsyncClient]) -> None:
    fake, client = flow
    made = await client.post("/integrations", json={"provider": "hubspot-private-app", "unique_key": "hs-app"})
    assert made.status_code == 200, made.text
    route, query = "/api-auth/api-key/hs-app", {"connection_id": "u2"}
    refused = await client.post(route, params=query, json={"apiKey": "pat-na1-unknown"})
    assert refused.status_code == 400, refused.text
    assert "pat-na1-unknown" not in refused.text
    accepted = await client.post(route, params=query, json={"apiKey": fake.private_app_token()})
    assert accepted.status_code == 200, accepted.text
    assert len(fake.requests_to("/account-info/v3/details")) >= 2  # the catalog's verification, then portalId
    stored = await client.get("/connections/u2", params={"provider_config_key": "hs-app"})
    assert stored.json()["connection_config"]["portalId"] == str(PORTAL_ID)
    listed = await client.get("/crm/contacts", headers={"Connection-Id": "u2", "Provider-Config-Key": "hs-app"})
    assert listed.status_code == 200 and len(listed.json()["data"]) == 3
