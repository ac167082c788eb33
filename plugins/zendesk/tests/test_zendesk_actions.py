"""Zendesk's ``merge-tickets`` action through ``POST /action/trigger`` against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_zendesk
from fake_zendesk import FakeZendesk
from test_unified_zendesk import HEADERS, catalog

from gateway.testing.kit import make_gateway


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    zendesk = FakeZendesk()
    customer = zendesk.add_user("Cora Customer", "end-user")
    zendesk.add_user("Ada Admin", "admin")
    for n in range(4):
        zendesk.add_ticket(f"Printer {n}", customer, f"Broken {n}")
    with zendesk.run():
        yield zendesk


@pytest.fixture
async def api(tmp_path: Path, fake: FakeZendesk) -> AsyncIterator[httpx.AsyncClient]:
    files = [catalog(tmp_path, fake.base_url)]
    async with make_gateway(plugins=[unigate_zendesk], providers_files=files, allow_private_hosts=True) as (_, client):
        await client.post("/integrations", json={"provider": "zendesk", "unique_key": "zd"})
        admin = next(u for u in fake.users.values() if u.role == "admin")
        credentials = {"type": "OAUTH2", "access_token": fake.oauth_token_for(admin), "no_expiration": True}
        made = await client.post(
            "/connections",
            json={
                "provider_config_key": "zd",
                "connection_id": "user-1",
                "credentials": credentials,
                "connection_config": {"subdomain": "acme"},
            },
        )
        assert made.status_code == 201, made.text
        client.headers.update(HEADERS)
        yield client


async def merge(api: httpx.AsyncClient, **input: Any) -> httpx.Response:
    return await api.post("/action/trigger", json={"action_name": "merge-tickets", "input": input})


async def test_sources_are_closed_into_the_target(api: httpx.AsyncClient, fake: FakeZendesk) -> None:
    ids = sorted(fake.tickets)
    answer = await merge(api, target_id=str(ids[0]), source_ids=[str(ids[1]), str(ids[2])], source_comment="Dup")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "queued" and answer.json()["job_id"].startswith("J")
    assert [fake.tickets[i].status for i in ids] == ["new", "closed", "closed", "new"]
    assert fake.tickets[ids[1]].comments[-1].body == "Dup"
    assert "merged into this request" in fake.tickets[ids[0]].comments[-1].body
    source = await api.get(f"/tickets/{ids[1]}")
    assert source.json()["data"]["status"] == "CLOSED"


async def test_refusals(api: httpx.AsyncClient, fake: FakeZendesk) -> None:
    ids = sorted(fake.tickets)
    itself = await merge(api, target_id=str(ids[0]), source_ids=[str(ids[0])])
    assert itself.status_code == 400 and itself.json()["error"]["errors"][0]["path"] == ["source_ids"]
    await merge(api, target_id=str(ids[0]), source_ids=[str(ids[1])])
    closed = await merge(api, target_id=str(ids[2]), source_ids=[str(ids[1])])
    assert closed.status_code == 422 and "closed" in closed.json()["error"]["message"]
    missing = await merge(api, target_id="999999", source_ids=[str(ids[3])])
    assert missing.status_code == 404
    not_a_number = await merge(api, target_id="abc", source_ids=[str(ids[3])])
    assert not_a_number.status_code == 400 and not_a_number.json()["error"]["errors"][0]["path"] == ["target_id"]
