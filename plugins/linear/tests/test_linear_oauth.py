"""Linear end to end through the OAuth flow: comma-separated scopes, /tickets, refresh on its HTTP 400 auth error."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import unigate_linear
from fake_linear import FakeLinear

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "linear"}
SECRETS = {"provider_config_key": "linear", "refresh_token": "true"}


@pytest.fixture
async def flow() -> AsyncIterator[tuple[FakeLinear, httpx.AsyncClient]]:
    fake = FakeLinear()
    ada = fake.add_user("Ada Lovelace")
    eng = fake.add_team("ENG", "Engineering")
    for n in range(3):
        fake.add_issue(eng, f"Issue {n}", ada)
    with fake.run() as url:
        catalog = {"linear": {"authorization_url": f"{url}/oauth/authorize", "token_url": f"{url}/oauth/token"}}
        catalog["linear"]["proxy"] = {"base_url": url}
        async with integration_gateway(unigate_linear, catalog, "linear", "linear", oauth_client(fake)) as (_, client):
            yield fake, client


async def test_consent_sends_comma_separated_scopes_and_tickets_answer(
    flow: tuple[FakeLinear, httpx.AsyncClient],
) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "linear", "user-1")
    [authorize] = fake.requests_to("/oauth/authorize")
    assert authorize.params["scope"] == "read,write"
    assert connection["credentials"]["expires_at"] is not None
    tickets = await client.get("/tickets", headers=HEADERS)
    assert tickets.status_code == 200, tickets.text
    assert sorted(t["name"] for t in tickets.json()["data"]) == ["Issue 0", "Issue 1", "Issue 2"]


async def test_linear_400_authentication_error_refreshes_once(flow: tuple[FakeLinear, httpx.AsyncClient]) -> None:
    fake, client = flow
    await connect_with_oauth(client, "linear", "user-1")
    before = (await client.get("/connections/user-1", params=SECRETS)).json()["credentials"]
    fake.revoke_token(before["access_token"])  # Linear answers HTTP 400 AUTHENTICATION_ERROR, not 401
    tickets = await client.get("/tickets", headers=HEADERS)
    assert tickets.status_code == 200, tickets.text
    assert fake.grants["refresh_token"] == 1
    after = (await client.get("/connections/user-1", params=SECRETS)).json()["credentials"]
    assert after["access_token"] != before["access_token"] and after["refresh_token"] != before["refresh_token"]
    proxied = await client.post("/proxy/graphql", headers=HEADERS, json={"query": "{ viewer { id } }"})
    assert proxied.status_code == 200 and fake.grants["refresh_token"] == 1
