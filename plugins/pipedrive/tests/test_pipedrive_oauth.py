"""Pipedrive end to end through OAuth: Basic client auth, ``api_domain`` as the base URL, hourly tokens refreshed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import unigate_pipedrive
from fake_pipedrive import FakePipedrive
from pipedrive_world import seeded

from gateway.testing.oauth_flow import connect_with_oauth, integration_gateway, oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "pipedrive"}


@pytest.fixture
async def flow() -> AsyncIterator[tuple[FakePipedrive, httpx.AsyncClient]]:
    fake, _ = seeded()
    with fake.run() as url:
        catalog = {"pipedrive": {"authorization_url": f"{url}/oauth/authorize", "token_url": f"{url}/oauth/token"}}
        client_config = oauth_client(fake)
        async with integration_gateway(unigate_pipedrive, catalog, "pipedrive", "pipedrive", client_config) as (
            _,
            client,
        ):
            yield fake, client


async def test_consent_stores_api_domain_and_contacts_answer(flow: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = flow
    connection = await connect_with_oauth(client, "pipedrive", "user-1")
    assert connection["connection_config"]["api_domain"] == fake.base_url
    assert fake.basic_client_auth == [True]
    contacts = await client.get("/crm/contacts", headers=HEADERS)
    assert contacts.status_code == 200, contacts.text
    assert len(contacts.json()["data"]) == 4
    assert fake.requests_to("/api/v2/persons")


async def test_expired_token_is_refreshed_with_basic_client_auth(flow: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = flow
    first = await connect_with_oauth(client, "pipedrive", "user-1")
    fake.expire_token(first["credentials"]["access_token"])
    deals = await client.get("/crm/deals", headers=HEADERS)
    assert deals.status_code == 200, deals.text
    assert fake.grants["refresh_token"] == 1 and fake.basic_client_auth == [True, True]
