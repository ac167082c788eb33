"""The unified CRM endpoints end to end against the HubSpot fake: a real gateway and an imported OAuth connection."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import unigate_hubspot
import yaml
from fake_hubspot import FakeHubSpot
from hubspot_shapes import HObject, Owner

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import oauth_client

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "hs"}


@dataclass
class World:
    fake: FakeHubSpot
    ada: Owner
    alan: Owner
    acme: HObject
    globex: HObject
    cora: HObject
    dan: HObject
    won: HObject
    lost: HObject
    open: HObject


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeHubSpot()
    ada, alan = fake.add_owner("Ada", "Lovelace"), fake.add_owner("Alan", "Turing")
    fake.add_owner("Old", "Timer", archived=True)
    fake.add_custom_property("contacts", "favourite_colour")
    fake.add_custom_property("deals", "contract_length", "number")
    acme = fake.add("companies", START, name="Acme", domain="acme.com", numberofemployees="250", industry="RETAIL")
    globex = fake.add("companies", START, name="Globex", domain="globex.com", phone="+1 555 0100", city="Springfield")
    cora = fake.add(
        "contacts",
        START,
        firstname="Cora",
        lastname="Customer",
        email="cora@acme.com",
        hs_additional_emails="cora.c@gmail.com;cc@acme.org",
        phone="+1 555 0101",
        mobilephone="+1 555 0199",
        address="1 Main St",
        city="Boston",
        state="MA",
        zip="02110",
        country="United States",
        jobtitle="CTO",
        hubspot_owner_id=ada.id,
        favourite_colour="teal",
        notes_last_updated="2024-03-05T10:00:00.000Z",
    )
    dan = fake.add("contacts", START + timedelta(days=1), firstname="Dan", email="dan@globex.com")
    for n in range(3):
        fake.add("contacts", START + timedelta(days=2 + n), firstname=f"Lead {n}", email=f"lead{n}@example.com")
    fake.link(cora, acme)
    fake.link(dan, globex)
    won = fake.add("deals", START, dealname="Big one", dealstage="closedwon", amount="1500.50", hubspot_owner_id=ada.id)
    won.properties.update(deal_currency_code="EUR", closedate="2024-03-31T00:00:00.000Z", contract_length="12")
    lost = fake.add("deals", START, dealname="Gone", dealstage="closedlost")
    opened = fake.add("deals", START, dealname="Maybe", dealstage="qualifiedtobuy")
    fake.link(won, acme)
    fake.link(won, cora)
    fake.link(opened, dan)
    with fake.run():
        yield World(fake, ada, alan, acme, globex, cora, dan, won, lost, opened)


@pytest.fixture
async def api(world: World, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "hubspot.yaml"
    override.write_text(yaml.safe_dump({"hubspot": {"proxy": {"base_url": world.fake.base_url}}}))
    files = [override]
    async with make_gateway(
        plugins=[unigate_hubspot], providers_files=files, allow_private_hosts=True, proxy_max_retry_wait=2
    ) as (_, client):
        integration = {"provider": "hubspot", "unique_key": "hs", "credentials": oauth_client(world.fake)}
        assert (await client.post("/integrations", json=integration)).status_code == 200
        credentials = {"type": "OAUTH2", "access_token": world.fake.oauth_token(), "no_expiration": True}
        imported = await client.post(
            "/connections",
            json={"provider_config_key": "hs", "connection_id": "user-1", "credentials": credentials},
        )
        assert imported.status_code == 201, imported.text
        client.headers.update(HEADERS)
        yield client


async def walk(api: httpx.AsyncClient, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    items, pages, query = [], 0, dict(params)
    while True:
        answer = await api.get(path, params=query)
        assert answer.status_code == 200, answer.text
        items += answer.json()["data"]
        pages += 1
        if answer.json()["next_cursor"] is None:
            return items, pages
        query = {"page_size": params.get("page_size", 50), "cursor": answer.json()["next_cursor"]}


def field_of(answer: httpx.Response) -> str:
    """The unified field an error answer names."""
    return str(answer.json()["error"]["errors"][0]["path"][0])


def searches(fake: FakeHubSpot, kind: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in fake.requests_to(f"/crm/v3/objects/{kind}/search", "POST")]


async def test_a_contact_is_mapped_with_its_company_owner_and_custom_property(
    api: httpx.AsyncClient, world: World
) -> None:
    answer = await api.get(f"/crm/contacts/{world.cora.id}", params={"include_remote_data": "true"})
    assert answer.status_code == 200, answer.text
    cora = answer.json()["data"]
    assert (cora["first_name"], cora["last_name"], cora["title"]) == ("Cora", "Customer", "CTO")
    assert [(e["email"], e["is_primary"]) for e in cora["email_addresses"]] == [
        ("cora@acme.com", True),
        ("cora.c@gmail.com", False),
        ("cc@acme.org", False),
    ]
    assert [(p["number"], p["type"], p["is_primary"]) for p in cora["phone_numbers"]] == [
        ("+1 555 0101", "work", True),
        ("+1 555 0199", "mobile", False),
    ]
    [address] = cora["addresses"]
    assert (address["street"], address["city"], address["postal_code"], address["country"]) == (
        "1 Main St",
        "Boston",
        "02110",
        "United States",
    )
    assert cora["companies"] == [world.acme.id] and cora["owner"] == world.ada.id
    assert cora["custom_fields"] == {"favourite_colour": "teal"}
    assert cora["last_activity_at"] == "2024-03-05T10:00:00Z" and cora["remote_created_at"] == "2024-03-01T09:00:00Z"
    assert cora["remote_data"]["properties"]["email"] == "cora@acme.com"
    [read] = world.fake.requests_to(f"/crm/v3/objects/contacts/{world.cora.id}")
    asked = parse_qs(read.query)["properties"][0].split(",")
    assert {"firstname", "hs_additional_emails", "favourite_colour"} <= set(asked)
    assert world.fake.requests_to(f"/crm/v4/objects/contacts/{world.cora.id}/associations/companies")


async def test_contacts_page_by_hubspot_cursor_and_associations_come_in_batches(
    api: httpx.AsyncClient, world: World
) -> None:
    items, pages = await walk(api, "/crm/contacts", page_size=2)
    assert pages == 3 and len(items) == 5 and len({c["id"] for c in items}) == 5
    assert all(c["remote_data"] is None for c in items)
    lists = world.fake.requests_to("/crm/v3/objects/contacts", "GET")
    assert [parse_qs(r.query)["limit"] for r in lists] == [["2"]] * 3
    assert "after" not in parse_qs(lists[0].query) and all("after" in parse_qs(r.query) for r in lists[1:])
    assert len(world.fake.requests_to("/crm/v4/associations/contacts/companies/batch/read")) == 3
    big = await api.get("/crm/contacts", params={"page_size": 200})
    assert big.status_code == 200 and parse_qs(world.fake.requests[-3].query).get("limit") in (["100"], None)


async def test_modified_after_and_email_search_hubspot(api: httpx.AsyncClient, world: World) -> None:
    since = (START + timedelta(days=2)).isoformat()
    items, _ = await walk(api, "/crm/contacts", modified_after=since, page_size=2)
    assert [c["first_name"] for c in items] == ["Lead 0", "Lead 1", "Lead 2"]
    first = searches(world.fake, "contacts")[0]
    [rule] = first["filterGroups"][0]["filters"]
    assert rule == {
        "propertyName": "lastmodifieddate",
        "operator": "GTE",
        "value": str(int((START + timedelta(days=2)).timestamp() * 1000)),
    }
    assert first["limit"] == 2 and "after" not in first and searches(world.fake, "contacts")[1]["after"] == "2"
    found = await api.get("/crm/contacts", params={"email": "dan@globex.com"})
    assert [c["id"] for c in found.json()["data"]] == [world.dan.id]
    companies = await api.get("/crm/companies", params={"modified_after": START.isoformat()})
    assert companies.status_code == 200
    assert (
        searches(world.fake, "companies")[0]["filterGroups"][0]["filters"][0]["propertyName"] == "hs_lastmodifieddate"
    )


async def test_association_filters_walk_hubspot_v4_associations(api: httpx.AsyncClient, world: World) -> None:
    contacts = await api.get("/crm/contacts", params={"company_id": world.acme.id})
    assert [c["id"] for c in contacts.json()["data"]] == [world.cora.id]
    assert world.fake.requests_to(f"/crm/v4/objects/companies/{world.acme.id}/associations/contacts")
    deals = await api.get("/crm/deals", params={"contact_id": world.dan.id})
    assert [d["id"] for d in deals.json()["data"]] == [world.open.id]
    companies = await api.get("/crm/companies", params={"deal_id": world.won.id})
    assert [c["name"] for c in companies.json()["data"]] == ["Acme"]
    both = await api.get("/crm/companies", params={"deal_id": world.won.id, "contact_id": world.cora.id})
    assert both.status_code == 400 and both.json()["error"]["code"] == "invalid_query_params"
    narrowed = await api.get("/crm/deals", params={"contact_id": world.cora.id, "company_id": world.globex.id})
    assert narrowed.status_code == 200 and narrowed.json()["data"] == []


async def test_deals_map_stage_metadata_to_status(api: httpx.AsyncClient, world: World) -> None:
    items, _ = await walk(api, "/crm/deals")
    by_name = {d["name"]: d for d in items}
    big = by_name["Big one"]
    assert (big["status"], big["remote_status"], big["stage"], big["pipeline"]) == (
        "WON",
        "closedwon",
        "closedwon",
        "default",
    )
    assert (big["amount"], big["currency"], big["close_date"], big["probability"]) == (
        1500.5,
        "EUR",
        "2024-03-31",
        100.0,
    )
    assert big["companies"] == [world.acme.id] and big["contacts"] == [world.cora.id] and big["owner"] == world.ada.id
    assert big["custom_fields"] == {"contract_length": "12"}
    assert (by_name["Gone"]["status"], by_name["Gone"]["probability"]) == ("LOST", 0.0)
    assert (by_name["Maybe"]["status"], by_name["Maybe"]["probability"]) == ("OPEN", 40.0)
    won = await api.get("/crm/deals", params={"status": "WON"})
    assert [d["name"] for d in won.json()["data"]] == ["Big one"]
    assert searches(world.fake, "deals")[-1]["filterGroups"][0]["filters"] == [
        {"propertyName": "dealstage", "operator": "IN", "values": ["closedwon"]}
    ]
    bad = await api.get("/crm/deals", params={"status": "DONE"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["message"]


async def test_creating_a_deal_by_status_picks_the_stage_and_links_it(api: httpx.AsyncClient, world: World) -> None:
    made = await api.post(
        "/crm/deals",
        json={"name": "Renewal", "amount": 99.5, "status": "WON", "companies": [world.globex.id], "probability": 50},
    )
    assert made.status_code == 201, made.text
    deal = made.json()["data"]
    assert (deal["stage"], deal["status"], deal["pipeline"], deal["amount"]) == ("closedwon", "WON", "default", 99.5)
    assert deal["companies"] == [world.globex.id]
    assert [w["field"] for w in made.json()["warnings"]] == ["probability"]
    created = world.fake.objects["deals"][deal["id"]]
    assert created.properties["dealname"] == "Renewal" and created.properties["amount"] == "99.5"
    plain = await api.post("/crm/deals", json={"name": "Fresh"})
    assert plain.json()["data"]["stage"] == "appointmentscheduled" and plain.json()["data"]["status"] == "OPEN"
    clash = await api.post("/crm/deals", json={"name": "Odd", "stage": "closedlost", "status": "WON"})
    assert clash.status_code == 422 and field_of(clash) == "status"
    moved = await api.patch(f"/crm/deals/{world.open.id}", json={"status": "LOST", "contacts": []})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["data"]["stage"], moved.json()["data"]["contacts"]) == ("closedlost", [])
    unknown = await api.post("/crm/deals", json={"name": "Bad", "stage": "nowhere"})
    assert unknown.status_code == 422 and field_of(unknown) == "stage"


async def test_creating_and_updating_a_contact_writes_properties_and_associations(
    api: httpx.AsyncClient, world: World
) -> None:
    body = {
        "first_name": "Eve",
        "email_addresses": [{"email": "eve@acme.com", "is_primary": True}, {"email": "eve@home.net"}],
        "phone_numbers": [{"number": "+44 20 7946 0000", "type": "mobile"}],
        "companies": [world.acme.id],
        "owner": world.alan.id,
        "custom_fields": {"favourite_colour": "red"},
    }
    made = await api.post("/crm/contacts", json=body)
    assert made.status_code == 201, made.text
    eve = made.json()["data"]
    assert eve["email_addresses"] == [{"email": "eve@acme.com", "type": None, "is_primary": True}]
    assert eve["phone_numbers"][0]["type"] == "mobile" and eve["companies"] == [world.acme.id]
    assert eve["owner"] == world.alan.id and eve["custom_fields"] == {"favourite_colour": "red"}
    assert [w["field"] for w in made.json()["warnings"]] == ["email_addresses"]
    assert made.json()["warnings"][0]["object_id"] == eve["id"]
    stored = world.fake.objects["contacts"][eve["id"]].properties
    assert (stored["mobilephone"], stored["email"], stored["phone"]) == ("+44 20 7946 0000", "eve@acme.com", None)
    changed = await api.patch(
        f"/crm/contacts/{eve['id']}", json={"title": "CEO", "owner": None, "companies": [world.globex.id]}
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()["data"]
    assert (after["title"], after["owner"], after["companies"], after["first_name"]) == (
        "CEO",
        None,
        [world.globex.id],
        "Eve",
    )
    assert world.fake.requests_to(
        f"/crm/v4/objects/contacts/{eve['id']}/associations/companies/{world.acme.id}", "DELETE"
    )


async def test_upserts_match_contacts_by_email_and_companies_by_domain(api: httpx.AsyncClient, world: World) -> None:
    first = await api.post(
        "/crm/contacts/upsert", json={"first_name": "Zed", "email_addresses": [{"email": "zed@x.io"}]}
    )
    assert first.status_code in (200, 201), first.text
    again = await api.post(
        "/crm/contacts/upsert", json={"last_name": "Zulu", "email_addresses": [{"email": "zed@x.io"}]}
    )
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert (again.json()["data"]["first_name"], again.json()["data"]["last_name"]) == ("Zed", "Zulu")
    [batch, _] = world.fake.requests_to("/crm/v3/objects/contacts/batch/upsert")
    assert json.loads(batch.body)["inputs"][0]["idProperty"] == "email"
    nameless = await api.post("/crm/contacts/upsert", json={"first_name": "No mail"})
    assert nameless.status_code == 400 and field_of(nameless) == "email_addresses"
    existing = await api.post("/crm/companies/upsert", json={"name": "Acme Inc", "domain": "acme.com"})
    assert existing.json()["data"]["id"] == world.acme.id and existing.json()["data"]["name"] == "Acme Inc"
    new = await api.post("/crm/companies/upsert", json={"name": "Initech", "domain": "initech.com"})
    assert new.json()["data"]["id"] not in (world.acme.id, world.globex.id)
    assert len(searches(world.fake, "companies")) == 2


async def test_companies_pipelines_and_owners(api: httpx.AsyncClient, world: World) -> None:
    companies, _ = await walk(api, "/crm/companies")
    acme = next(c for c in companies if c["name"] == "Acme")
    assert (acme["domain"], acme["number_of_employees"], acme["industry"]) == ("acme.com", 250, "RETAIL")
    globex = next(c for c in companies if c["name"] == "Globex")
    assert globex["phone_numbers"][0]["number"] == "+1 555 0100" and globex["addresses"][0]["city"] == "Springfield"
    by_domain = await api.get("/crm/companies", params={"domain": "globex.com"})
    assert [c["id"] for c in by_domain.json()["data"]] == [world.globex.id]
    [pipeline] = (await api.get("/crm/pipelines")).json()["data"]
    assert (pipeline["id"], pipeline["name"], pipeline["is_default"]) == ("default", "Sales Pipeline", True)
    assert [(s["id"], s["status"], s["probability"]) for s in pipeline["stages"]][-3:] == [
        ("contractsent", "OPEN", 90.0),
        ("closedwon", "WON", 100.0),
        ("closedlost", "LOST", 0.0),
    ]
    assert (await api.get("/crm/pipelines/default")).json()["data"]["stages"][0]["display_order"] == 0
    assert (await api.get("/crm/pipelines/nowhere")).status_code == 404
    users = (await api.get("/crm/users")).json()["data"]
    assert [(u["name"], u["email_address"], u["is_active"]) for u in users] == [
        ("Ada Lovelace", "ada.lovelace@example.com", True),
        ("Alan Turing", "alan.turing@example.com", True),
    ]
    assert users[0]["teams"] == ["41"]
    assert (await api.get(f"/crm/users/{world.alan.id}")).json()["data"]["name"] == "Alan Turing"


async def test_notes_and_tasks(api: httpx.AsyncClient, world: World) -> None:
    note = await api.post(
        "/crm/notes", json={"content": "<p>Called</p>", "contacts": [world.cora.id], "deals": [world.won.id]}
    )
    assert note.status_code == 201, note.text
    assert (note.json()["data"]["contacts"], note.json()["data"]["deals"]) == ([world.cora.id], [world.won.id])
    assert world.fake.objects["notes"][note.json()["data"]["id"]].properties["hs_timestamp"]
    on_cora = await api.get("/crm/notes", params={"contact_id": world.cora.id})
    assert [n["content"] for n in on_cora.json()["data"]] == ["<p>Called</p>"]
    task = await api.post(
        "/crm/tasks", json={"subject": "Send quote", "due_at": "2024-04-01T12:00:00Z", "companies": [world.acme.id]}
    )
    assert task.status_code == 201, task.text
    made = task.json()["data"]
    assert (made["status"], made["remote_status"], made["due_at"]) == ("OPEN", "NOT_STARTED", "2024-04-01T12:00:00Z")
    done = await api.patch(f"/crm/tasks/{made['id']}", json={"status": "COMPLETED"})
    assert done.json()["data"]["status"] == "COMPLETED" and done.json()["data"]["completed_at"] is not None
    completed = await api.get("/crm/tasks", params={"status": "COMPLETED"})
    assert [t["id"] for t in completed.json()["data"]] == [made["id"]]
    assert (await api.get("/crm/tasks", params={"status": "OPEN"})).json()["data"] == []
    gone = await api.delete(f"/crm/tasks/{made['id']}")
    assert gone.status_code == 204
    assert (await api.get(f"/crm/tasks/{made['id']}")).status_code == 404


async def test_hubspot_refusals_name_the_unified_field(api: httpx.AsyncClient, world: World) -> None:
    bad_email = await api.post("/crm/contacts", json={"email_addresses": [{"email": "not-an-email"}]})
    assert bad_email.status_code == 422, bad_email.text
    error = bad_email.json()["error"]
    assert (
        error["code"] == "invalid_request"
        and field_of(bad_email) == "email_addresses"
        and "HubSpot" in error["message"]
    )
    taken = await api.post("/crm/contacts", json={"email_addresses": [{"email": "cora@acme.com"}]})
    assert taken.status_code == 422 and "already exists" in taken.json()["error"]["message"]
    no_owner = await api.patch(f"/crm/contacts/{world.dan.id}", json={"owner": "77"})
    assert no_owner.status_code == 422 and field_of(no_owner) == "owner"
    no_company = await api.post("/crm/contacts", json={"first_name": "Lone", "companies": ["999999"]})
    assert no_company.status_code == 422 and field_of(no_company) == "companies"
    assert not any(o.properties.get("firstname") == "Lone" for o in world.fake.objects["contacts"].values())
    no_pipeline = await api.post("/crm/deals", json={"name": "Lost", "pipeline": "nowhere"})
    assert no_pipeline.status_code == 422 and field_of(no_pipeline) == "pipeline"
    unknown = await api.patch(f"/crm/contacts/{world.dan.id}", json={"custom_fields": {"shoe_size": "44"}})
    assert unknown.status_code == 422 and field_of(unknown) == "custom_fields.shoe_size"
    missing = await api.get("/crm/contacts/424242")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    not_an_id = await api.get("/crm/contacts/cora")
    assert not_an_id.status_code == 400 and field_of(not_an_id) == "id"
    deleted = await api.delete(f"/crm/contacts/{world.dan.id}")
    assert deleted.status_code == 204 and (await api.get(f"/crm/contacts/{world.dan.id}")).status_code == 404


async def test_rate_limits_are_read_from_hubspot_policies(api: httpx.AsyncClient, world: World) -> None:
    fake = world.fake
    fake.fail_next(1, lambda request: fake.rate_limit_response(request, policy="SECONDLY"))
    retried = await api.get("/crm/users")
    assert retried.status_code == 200, retried.text
    fake.fail_next(20)
    limited = await api.get("/crm/users")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert limited.headers["retry-after"] == "10"
    fake.clear_failures()
    before = len(fake.requests)
    fake.fail_next(5, lambda request: fake.rate_limit_response(request, policy="DAILY"))
    daily = await api.get("/crm/users")
    assert daily.status_code == 429 and int(daily.headers["retry-after"]) >= 3600
    assert len(fake.requests) - before == 1  # the daily budget is not retried
