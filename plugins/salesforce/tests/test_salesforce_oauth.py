"""Salesforce end to end through OAuth: ``instance_url`` becomes the base URL, a token answer without
``expires_in`` gets the catalog's hour, and an ended session (401 ``INVALID_SESSION_ID``) is refreshed with a
refresh token Salesforce does not rotate."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from urllib.parse import parse_qsl

import httpx
import pytest
import unigate_salesforce
from fake_salesforce import FakeSalesforce
from salesforce_world import seeded

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "sf"}
SECRET = {"provider_config_key": "sf", "refresh_token": "true"}


@pytest.fixture(params=["salesforce", "salesforce-sandbox"])
async def flow(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeSalesforce, httpx.AsyncClient]]:
    fake, _ = seeded()
    with fake.run() as url:
        entry = {"authorization_url": f"{url}/services/oauth2/authorize", "token_url": f"{url}/services/oauth2/token"}
        catalog = {request.param: entry}  # the base URL stays the catalog's ${connectionConfig.instance_url}
        async with integration_gateway(unigate_salesforce, catalog, request.param, "sf", oauth_client(fake)) as (
            _,
            client,
        ):
            yield fake, client


async def test_consent_stores_instance_url_and_an_hour_long_session(
    flow: tuple[FakeSalesforce, httpx.AsyncClient],
) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "sf", "user-1")
    assert connection["connection_config"]["instance_url"] == fake.base_url
    [exchange] = fake.requests_to("/services/oauth2/token")
    sent = dict(parse_qsl(exchange.body.decode()))
    assert sent["grant_type"] == "authorization_code" and sent["client_id"] == fake.client_id
    raw = connection["credentials"]["raw"]
    assert "expires_in" not in raw and raw["issued_at"].isdigit() and raw["instance_url"] == fake.base_url
    left = datetime.fromisoformat(connection["credentials"]["expires_at"].replace("Z", "+00:00")).timestamp()
    assert 3500 < left - time.time() <= 3600  # the catalog's token_expires_in_ms
    contacts = await client.get("/crm/contacts", headers=HEADERS)
    assert contacts.status_code == 200, contacts.text
    assert len(contacts.json()["data"]) == 4
    [query] = fake.requests_to("/services/data/v60.0/query")
    assert query.params["q"].startswith("SELECT Id, FirstName, LastName")


async def test_an_ended_session_is_refreshed_and_the_refresh_token_kept(
    flow: tuple[FakeSalesforce, httpx.AsyncClient],
) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "sf", "user-1")
    refresh = (await client.get("/connections/user-1", params=SECRET)).json()["credentials"]["refresh_token"]
    fake.expire_token(first["credentials"]["access_token"])
    deals = await client.get("/crm/deals", headers=HEADERS)
    assert deals.status_code == 200, deals.text
    assert fake.grants["refresh_token"] == 1
    statuses = [r for r in fake.requests if r.path.startswith("/services/data/")]
    assert len(statuses) == 2  # the refused call, then the same call with the new session
    stored = (await client.get("/connections/user-1", params=SECRET)).json()["credentials"]
    assert stored["access_token"] != first["credentials"]["access_token"] and stored["refresh_token"] == refresh
    again = await client.get("/crm/deals", headers=HEADERS)
    assert again.status_code == 200 and fake.grants["refresh_token"] == 1


async def test_a_revoked_refresh_token_asks_the_user_to_reconnect(
    flow: tuple[FakeSalesforce, httpx.AsyncClient],
) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "sf", "user-1")
    refresh = (await client.get("/connections/user-1", params=SECRET)).json()["credentials"]["refresh_token"]
    fake.revoke_token(refresh)
    fake.expire_token(first["credentials"]["access_token"])
    refused = await client.get("/crm/contacts", headers=HEADERS)
    assert refused.status_code == 424, refused.text
    assert refused.json()["error"]["code"] == "connection_refresh_failed" and refresh not in refused.text
