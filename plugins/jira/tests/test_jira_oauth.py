"""Jira end to end through the OAuth 2.0 (3LO) flow: consent, cloud id lookup, /tickets, rotating refresh."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import unigate_jira
from fake_jira import FakeJira

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "jira"}


@pytest.fixture
async def flow() -> AsyncIterator[tuple[FakeJira, httpx.AsyncClient]]:
    fake = FakeJira()
    mia = fake.add_account("Mia Krystof")
    fake.add_project("KAN", "Kanban", mia)
    for n in range(3):
        fake.add_issue("KAN", f"Task {n}", mia)
    with fake.run() as url:
        catalog = {"jira": {"authorization_url": f"{url}/authorize", "token_url": f"{url}/oauth/token"}}
        catalog["jira"]["proxy"] = {"base_url": url}
        async with integration_gateway(unigate_jira, catalog, "jira", "jira", oauth_client(fake)) as (_, client):
            yield fake, client


async def test_consent_stores_the_cloud_id_and_tickets_answer(flow: tuple[FakeJira, httpx.AsyncClient]) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "jira", "user-1")
    assert connection["connection_config"]["cloudId"] == fake.cloud_id
    assert connection["connection_config"]["accountId"] in fake.accounts
    [authorize] = fake.requests_to("/authorize")
    assert authorize.params["audience"] == "api.atlassian.com" and "offline_access" in authorize.params["scope"]
    assert connection["connection_config"]["siteUrl"] == fake.base_url
    tickets = await client.get("/tickets", headers=HEADERS)
    assert tickets.status_code == 200, tickets.text
    assert sorted(t["id"] for t in tickets.json()["data"]) == ["KAN-1", "KAN-2", "KAN-3"]
    assert {t["ticket_url"] for t in tickets.json()["data"]} == {f"{fake.base_url}/browse/KAN-{n}" for n in (1, 2, 3)}


async def test_expired_token_is_refreshed_once_and_the_refresh_token_rotates(
    flow: tuple[FakeJira, httpx.AsyncClient],
) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "jira", "user-1")
    params = {"provider_config_key": "jira", "refresh_token": "true"}
    old_refresh = (await client.get("/connections/user-1", params=params)).json()["credentials"]["refresh_token"]
    fake.expire_token(first["credentials"]["access_token"])
    tickets = await client.get("/tickets", headers=HEADERS)
    assert tickets.status_code == 200, tickets.text
    assert fake.grants["refresh_token"] == 1
    stored = (await client.get("/connections/user-1", params=params)).json()["credentials"]
    assert stored["access_token"] != first["credentials"]["access_token"]
    assert stored["refresh_token"] not in (None, old_refresh) and fake.tokens[old_refresh].revoked
    again = await client.get("/tickets/KAN-1", headers=HEADERS)
    assert again.status_code == 200 and fake.grants["refresh_token"] == 1
