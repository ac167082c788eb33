"""HubSpot's ``merge-contacts`` and ``merge-companies`` through ``POST /action/trigger`` against the fake: the merged
record (a new id, both old ids leading to it, associations kept), background runs on SQLite and PostgreSQL,
refusals keeping HubSpot's meaning."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_hubspot
import yaml
from fake_hubspot import FakeHubSpot
from hubspot_shapes import HObject

from gateway.testing.databases import database_overrides
from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import oauth_client

HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "hs"}


@dataclass
class World:
    fake: FakeHubSpot
    cora: HObject
    twin: HObject
    acme: HObject
    acme_twin: HObject
    deal: HObject


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeHubSpot()
    fake.add_custom_property("contacts", "favourite_colour")
    acme = fake.add("companies", name="Acme", domain="acme.com")
    acme_twin = fake.add("companies", name="ACME Inc", domain="acme.com", industry="RETAIL", city="Boston")
    cora = fake.add("contacts", firstname="Cora", lastname="Customer", email="cora@acme.com")
    twin = fake.add(
        "contacts", firstname="C.", email="cora@old.example", jobtitle="CTO", favourite_colour="teal", phone="+1 555"
    )
    deal = fake.add("deals", dealname="Renewal", dealstage="qualifiedtobuy")
    fake.link(cora, acme)
    fake.link(twin, acme_twin)
    fake.link(deal, twin)
    fake.link(deal, acme_twin)
    with fake.run():
        yield World(fake, cora, twin, acme, acme_twin, deal)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """``make_gateway`` overrides: SQLite (the default), or a fresh PostgreSQL database when parametrized so."""
    with database_overrides(getattr(request, "param", "sqlite")) as overrides:
        yield overrides


@pytest.fixture
async def api(world: World, tmp_path: Path, database: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "hubspot.yaml"
    override.write_text(yaml.safe_dump({"hubspot": {"proxy": {"base_url": world.fake.base_url}}}))
    async with make_gateway(
        plugins=[unigate_hubspot], providers_files=[override], allow_private_hosts=True, **database
    ) as (_, client):
        integration = {"provider": "hubspot", "unique_key": "hs", "credentials": oauth_client(world.fake)}
        assert (await client.post("/integrations", json=integration)).status_code == 200
        credentials = {"type": "OAUTH2", "access_token": world.fake.oauth_token(), "no_expiration": True}
        imported = await client.post(
            "/connections", json={"provider_config_key": "hs", "connection_id": "user-1", "credentials": credentials}
        )
        assert imported.status_code == 201, imported.text
        client.headers.update(HEADERS)
        yield client


async def trigger(api: httpx.AsyncClient, name: str, **input: Any) -> httpx.Response:
    return await api.post("/action/trigger", json={"action_name": name, "input": input})


def path_of(answer: httpx.Response) -> list[Any]:
    return list(answer.json()["error"]["errors"][0]["path"])


async def test_merge_contacts_answers_the_new_record(api: httpx.AsyncClient, world: World) -> None:
    answer = await trigger(api, "merge-contacts", primary_id=world.cora.id, duplicate_id=world.twin.id)
    assert answer.status_code == 200, answer.text
    merged = answer.json()
    assert merged["id"] not in (world.cora.id, world.twin.id)
    assert (merged["first_name"], merged["last_name"], merged["title"]) == ("Cora", "Customer", "CTO")
    assert [e["email"] for e in merged["email_addresses"]] == ["cora@acme.com", "cora@old.example"]
    assert merged["phone_numbers"][0]["number"] == "+1 555"
    assert merged["custom_fields"] == {"favourite_colour": "teal"}
    assert sorted(merged["companies"]) == sorted([world.acme.id, world.acme_twin.id])
    sent = world.fake.requests_to("/crm/v3/objects/contacts/merge")[0].json()
    assert sent == {"primaryObjectId": world.cora.id, "objectIdToMerge": world.twin.id}
    for old in (world.cora.id, world.twin.id):  # both old ids lead to the merged contact
        read = await api.get(f"/crm/contacts/{old}")
        assert read.status_code == 200 and read.json()["data"]["id"] == merged["id"]
    deal = await api.get(f"/crm/deals/{world.deal.id}")
    assert deal.json()["data"]["contacts"] == [merged["id"]]
    listed = (await api.get("/crm/contacts")).json()["data"]
    assert [c["id"] for c in listed] == [merged["id"]]


async def test_merge_companies(api: httpx.AsyncClient, world: World) -> None:
    answer = await trigger(api, "merge-companies", primary_id=world.acme.id, duplicate_id=world.acme_twin.id)
    assert answer.status_code == 200, answer.text
    merged = answer.json()
    assert merged["id"] not in (world.acme.id, world.acme_twin.id)
    assert (merged["name"], merged["industry"], merged["addresses"][0]["city"]) == ("Acme", "RETAIL", "Boston")
    assert world.fake.objects["companies"][world.acme.id].archived
    contacts = (await api.get("/crm/contacts", params={"company_id": merged["id"]})).json()["data"]
    assert sorted(c["id"] for c in contacts) == sorted([world.cora.id, world.twin.id])
    deal = await api.get(f"/crm/deals/{world.deal.id}")
    assert deal.json()["data"]["companies"] == [merged["id"]]


async def test_bad_input_is_refused_before_hubspot_is_called(api: httpx.AsyncClient, world: World) -> None:
    missing = await trigger(api, "merge-contacts", primary_id=world.cora.id)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid_action_input"
    assert path_of(missing) == ["input", "duplicate_id"]
    letters = await trigger(api, "merge-contacts", primary_id="cora", duplicate_id=world.twin.id)
    assert letters.status_code == 400 and path_of(letters) == ["primary_id"]
    itself = await trigger(api, "merge-companies", primary_id=world.acme.id, duplicate_id=world.acme.id)
    assert itself.status_code == 400 and path_of(itself) == ["duplicate_id"]
    assert "itself" in itself.json()["error"]["message"]
    assert world.fake.requests_to("/crm/v3/objects/contacts/merge") == []
    assert world.fake.requests_to("/crm/v3/objects/companies/merge") == []


async def test_hubspot_refusals_keep_their_meaning(api: httpx.AsyncClient, world: World) -> None:
    unknown = await trigger(api, "merge-contacts", primary_id=world.cora.id, duplicate_id="999999")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    merged = await trigger(api, "merge-contacts", primary_id=world.cora.id, duplicate_id=world.twin.id)
    again = await trigger(api, "merge-contacts", primary_id=merged.json()["id"], duplicate_id=world.twin.id)
    assert again.status_code == 422 and again.json()["error"]["code"] == "invalid_request"
    assert path_of(again) == ["duplicate_id"] and "same record" in again.json()["error"]["message"]
    unknown_action = await trigger(api, "merge-deals", primary_id="1", duplicate_id="2")
    assert unknown_action.status_code == 404 and "merge-contacts" in unknown_action.json()["error"]["message"]


async def result(api: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """Poll ``GET /action/{id}`` of a background run until it is no longer 202."""
    assert answer.status_code == 202, answer.text
    status_url = answer.json()["statusUrl"]
    for _ in range(200):
        polled = await api.get(status_url)
        if polled.status_code != 202:
            return polled
        assert polled.json()["status"] in ("pending", "running")
        await asyncio.sleep(0.05)
    raise AssertionError("the background run did not finish")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
async def test_background_merge_and_its_refusal(api: httpx.AsyncClient, world: World) -> None:
    body = {"action_name": "merge-contacts", "input": {"primary_id": world.cora.id, "duplicate_id": world.twin.id}}
    done = await result(api, await api.post("/action/trigger", json=body, headers={"X-Async": "true"}))
    assert done.status_code == 200, done.text
    assert done.json()["email_addresses"][0]["email"] == "cora@acme.com"
    assert world.fake.objects["contacts"][world.twin.id].archived
    body["input"] = {"primary_id": world.cora.id, "duplicate_id": "424242"}
    failed = await result(api, await api.post("/action/trigger", json=body, headers={"X-Async": "true"}))
    assert failed.status_code == 404 and failed.json()["error"]["code"] == "not_found"
    refused = await api.post(
        "/action/trigger", json={**body, "input": {"primary_id": "x"}}, headers={"X-Async": "true"}
    )
    assert refused.status_code == 400 and path_of(refused)[0] == "input"


async def test_scripts_list_the_merge_actions(api: httpx.AsyncClient) -> None:
    scripts = (await api.get("/integrations/hs/scripts")).json()["data"]["scripts"]
    actions = {s["name"]: s for s in scripts if s["type"] == "action"}
    assert set(actions) == {"merge-contacts", "merge-companies"}
    assert actions["merge-contacts"]["input_schema"]["required"] == ["primary_id", "duplicate_id"]
    assert "new id" in actions["merge-companies"]["description"]
