"""The unified CRM API against the fake Attio: records, filters, paging, writes, upserts, custom fields through the
field mapping, notes, tasks, errors and the HTTP-date rate limit."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_attio
import yaml
from attio_world import seeded
from fake_attio import FakeAttio

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

HEADERS = {"Connection-Id": "u1", "Provider-Config-Key": "at"}
World = tuple[FakeAttio, httpx.AsyncClient, dict[str, Any]]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake, admin = seeded()
    with fake.run() as url:
        override = tmp_path / "attio.yaml"
        override.write_text(yaml.safe_dump({"attio-api-key": {"proxy": {"base_url": url}}}))
        async with make_gateway(
            plugins=[unigate_attio], providers_files=[override], allow_private_hosts=True, proxy_max_retry_wait=2
        ) as (_, client):
            made = await client.post("/integrations", json={"provider": "attio-api-key", "unique_key": "at"})
            assert made.status_code in (200, 201), made.text
            credentials = {"type": "API_KEY", "apiKey": fake.issue_token()}
            body = {"provider_config_key": "at", "connection_id": "u1", "credentials": credentials}
            assert (await client.post("/connections", json=body)).status_code in (200, 201)
            client.headers.update(HEADERS)
            yield fake, client, admin


def record(fake: FakeAttio, obj: str, name: str) -> dict[str, Any]:
    """The fake's record of ``obj`` whose name (or full name) is ``name``."""
    for found in fake.records[obj].values():
        entry = found["values"]["name"][0]
        if name in (entry.get("value"), entry.get("full_name")):
            return found
    raise AssertionError(f"no {obj} named {name}")


def queried(fake: FakeAttio, obj: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(fake.requests_to(f"/v2/objects/{obj}/records/query")[-1].body)
    return body


async def test_contacts_map_and_filter_by_email_and_company(world: World) -> None:
    fake, client, _ = world
    answer = await client.get("/crm/contacts", params={"email": "P1@example.com"})
    assert answer.status_code == 200, answer.text
    [contact] = answer.json()["data"]
    assert (contact["first_name"], contact["last_name"], contact["title"]) == ("Person", "1", "Engineer")
    assert contact["email_addresses"] == [{"email": "p1@example.com", "type": None, "is_primary": True}]
    assert contact["phone_numbers"][0]["number"] == "+15550001"
    assert contact["custom_fields"] == {"lead_score": 10} and contact["owner"] is None
    assert queried(fake, "people")["filter"] == {"email_addresses": {"email_address": {"$eq": "P1@example.com"}}}
    globex = record(fake, "companies", "Globex")["id"]["record_id"]
    assert contact["companies"] == [globex]
    at_globex = (await client.get("/crm/contacts", params={"company_id": globex})).json()["data"]
    assert [c["last_name"] for c in at_globex] == ["1"]


async def test_companies_by_domain_and_records_paged_by_offset(world: World) -> None:
    fake, client, _ = world
    found = (await client.get("/crm/companies", params={"domain": "https://www.globex.com/about"})).json()["data"]
    assert [(c["name"], c["domain"], c["website"], c["industry"]) for c in found] == [
        ("Globex", "globex.com", "https://globex.com", "SaaS")
    ]
    assert found[0]["addresses"] == [
        {
            "street": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
            "type": None,
        }
    ]
    first = (await client.get("/crm/contacts", params={"page_size": 3})).json()
    assert len(first["data"]) == 3 and first["next_cursor"]
    second = (await client.get("/crm/contacts", params={"page_size": 3, "cursor": first["next_cursor"]})).json()
    assert [c["last_name"] for c in second["data"]] == ["3"] and second["next_cursor"] is None
    assert queried(fake, "people") == {
        "sorts": [{"attribute": "created_at", "direction": "asc"}],
        "limit": 3,
        "offset": 3,
    }


async def test_deal_stages_are_one_pipeline_and_filter_by_status(world: World) -> None:
    _, client, admin = world
    [pipeline] = (await client.get("/crm/pipelines")).json()["data"]
    assert pipeline["id"] == "deals" and pipeline["is_default"] is True
    assert [(s["name"], s["status"]) for s in pipeline["stages"]] == [
        ("Lead", "OPEN"),
        ("In Progress", "OPEN"),
        ("Won 🎉", "WON"),
        ("Lost", "LOST"),
    ]
    deals = (await client.get("/crm/deals")).json()["data"]
    assert [(d["name"], d["status"], d["remote_status"]) for d in deals] == [
        ("Deal 0", "OPEN", "In Progress"),
        ("Deal 1", "WON", "Won 🎉"),
        ("Deal 2", "LOST", "Lost"),
    ]
    assert deals[0]["amount"] == 1000.0 and deals[0]["currency"] == "EUR" and deals[0]["pipeline"] == "deals"
    assert deals[0]["owner"] == admin["id"]["workspace_member_id"] and deals[0]["stage"] == pipeline["stages"][1]["id"]
    won = (await client.get("/crm/deals", params={"status": "WON"})).json()["data"]
    assert [d["name"] for d in won] == ["Deal 1"]
    mine = await client.get("/crm/deals", params={"owner_id": admin["id"]["workspace_member_id"], "status": "OPEN"})
    assert [d["name"] for d in mine.json()["data"]] == ["Deal 0"]
    with_contact = await client.get("/crm/deals", params={"contact_id": deals[2]["contacts"][0]})
    assert [d["name"] for d in with_contact.json()["data"]] == ["Deal 2"]


async def test_contact_create_update_upsert_delete(world: World) -> None:
    fake, client, _ = world
    acme = record(fake, "companies", "Acme")["id"]["record_id"]
    body = {
        "first_name": "Lin",
        "last_name": "Ko",
        "email_addresses": [{"email": "lin@example.com"}],
        "companies": [acme],
        "owner": None,
    }
    made = await client.post("/crm/contacts", json=body)
    assert made.status_code == 201, made.text
    lin = made.json()["data"]["id"]
    assert made.json()["data"]["companies"] == [acme] and "warnings" not in made.json()
    renamed = await client.patch(f"/crm/contacts/{lin}", json={"first_name": "Linda", "email_addresses": []})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["data"]["first_name"], renamed.json()["data"]["last_name"]) == ("Linda", "Ko")
    assert fake.records["people"][lin]["values"]["email_addresses"] == []
    assert fake.requests_to(f"/v2/objects/people/records/{lin}", "PUT")
    upsert = {"first_name": "Ann", "email_addresses": [{"email": "p2@example.com"}], "title": "CTO"}
    upserted = await client.post("/crm/contacts/upsert", json=upsert)
    assert upserted.status_code == 200, upserted.text
    assert upserted.json()["data"]["title"] == "CTO" and len(fake.records["people"]) == 5
    assert fake.requests_to("/v2/objects/people/records", "PUT")[-1].params["matching_attribute"] == "email_addresses"
    created = await client.post("/crm/contacts/upsert", json={**upsert, "email_addresses": [{"email": "new@x.io"}]})
    assert created.status_code == 200 and len(fake.records["people"]) == 6, created.text
    owned = await client.post("/crm/contacts", json={"first_name": "O", "owner": str(uuid.uuid4())})
    assert owned.status_code == 201 and owned.json()["warnings"][0]["field"] == "owner", owned.text
    assert (await client.delete(f"/crm/contacts/{lin}")).status_code == 204
    assert lin not in fake.records["people"]
    gone = await client.get(f"/crm/contacts/{lin}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


async def test_company_upsert_matches_the_domain(world: World) -> None:
    fake, client, _ = world
    upserted = await client.post("/crm/companies/upsert", json={"name": "Acme Inc", "website": "https://www.acme.com"})
    assert upserted.status_code == 200, upserted.text
    assert upserted.json()["data"]["name"] == "Acme Inc" and len(fake.records["companies"]) == 3
    assert record(fake, "companies", "Acme Inc")["values"]["tier"][0]["option"]["title"] == "gold"
    missing = await client.post("/crm/companies/upsert", json={"name": "No domain"})
    assert missing.status_code == 400 and "domain" in missing.json()["error"]["message"], missing.text


async def test_custom_fields_follow_the_field_mapping(world: World) -> None:
    fake, client, _ = world
    mapping = {"crm/contacts": {"score": "lead_score", "level": "tier"}}
    put = await client.put("/integrations/at/field-mappings", json={"mappings": mapping})
    assert put.status_code == 200, put.text
    [contact] = (await client.get("/crm/contacts", params={"email": "p2@example.com"})).json()["data"]
    assert contact["custom_fields"] == {"score": 20, "level": None}
    changed = await client.patch(
        f"/crm/contacts/{contact['id']}", json={"custom_fields": {"score": 99, "level": "gold"}}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["custom_fields"] == {"score": 99, "level": "gold"}
    values = fake.records["people"][contact["id"]]["values"]
    assert values["lead_score"][0]["value"] == 99 and values["tier"][0]["option"]["title"] == "gold"
    unknown = await client.patch(f"/crm/contacts/{contact['id']}", json={"custom_fields": {"shoe_size": 42}})
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["error"]["message"].startswith("custom_fields.shoe_size:")
    reserved = await client.patch(f"/crm/contacts/{contact['id']}", json={"custom_fields": {"job_title": "x"}})
    assert reserved.status_code == 400 and "'title'" in reserved.json()["error"]["message"], reserved.text
    refused = await client.patch(f"/crm/contacts/{contact['id']}", json={"custom_fields": {"level": "platinum"}})
    assert refused.status_code == 422 and "platinum" in refused.json()["error"]["message"], refused.text


async def test_deal_writes_pick_stages_and_warn_of_what_attio_lacks(world: World) -> None:
    fake, client, admin = world
    member = admin["id"]["workspace_member_id"]
    made = await client.post(
        "/crm/deals", json={"name": "Big", "amount": 5.5, "owner": member, "close_date": "2027-01-01"}
    )
    assert made.status_code == 201, made.text
    deal = made.json()["data"]
    assert (deal["remote_status"], deal["status"], deal["amount"]) == ("Lead", "OPEN", 5.5)
    assert [w["field"] for w in made.json()["warnings"]] == ["close_date"]
    won = await client.patch(f"/crm/deals/{deal['id']}", json={"status": "WON"})
    assert won.status_code == 200 and won.json()["data"]["remote_status"] == "Won 🎉", won.text
    clash = await client.patch(f"/crm/deals/{deal['id']}", json={"status": "LOST", "stage": deal["stage"]})
    assert clash.status_code == 400 and clash.json()["error"]["message"].startswith("status:"), clash.text
    ownerless = await client.post("/crm/deals", json={"name": "Orphan"})
    assert ownerless.status_code == 422 and ownerless.json()["error"]["message"].startswith("owner:"), ownerless.text
    other = await client.post("/crm/deals", json={"name": "X", "owner": member, "pipeline": "sales"})
    assert other.status_code == 400 and "pipeline" in other.json()["error"]["message"]
    assert (await client.delete(f"/crm/deals/{deal['id']}")).status_code == 204
    assert deal["id"] not in fake.records["deals"]


async def test_refusals_are_clear(world: World) -> None:
    _, client, _ = world
    wrong = await client.get("/crm/contacts/42")
    assert wrong.status_code == 400 and wrong.json()["error"]["message"].startswith("id:"), wrong.text
    missing = await client.get(f"/crm/companies/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad_email = await client.post("/crm/contacts", json={"email_addresses": [{"email": "nope"}]})
    assert bad_email.status_code == 422 and "email" in bad_email.json()["error"]["message"], bad_email.text
    country = await client.post("/crm/companies", json={"name": "Z", "addresses": [{"country": "Germany"}]})
    assert country.status_code == 400 and "ISO" in country.json()["error"]["message"]
    unsupported = await client.get("/crm/companies", params={"modified_after": "2024-01-01T00:00:00Z"})
    assert unsupported.status_code == 400, unsupported.text


async def test_rate_limit_waits_for_the_http_date(world: World) -> None:
    fake, client, _ = world
    fake.rate_limit_wait = 5
    fake.fail_next(50)
    limited = await client.get("/crm/deals")
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 6  # read from the date, not the kit's 60 s default
    fake.clear_failures()
    fake.rate_limit_wait = 1
    fake.fail_next(1)
    assert (await client.get("/crm/deals")).status_code == 200


async def test_notes_filter_page_create_and_delete(world: World) -> None:
    fake, client, _ = world
    person = record(fake, "people", "Person 0")["id"]["record_id"]
    first = (await client.get("/crm/notes", params={"contact_id": person, "page_size": 2})).json()
    assert [n["content"] for n in first["data"]] == ["Note 0\nbody 0", "Note 1\nbody 1"] and first["next_cursor"]
    assert first["data"][0]["contacts"] == [person]
    second = (await client.get("/crm/notes", params={"page_size": 2, "cursor": first["next_cursor"]})).json()
    assert len(second["data"]) == 1 and second["next_cursor"] is None
    assert fake.requests_to("/v2/notes")[-1].params == {
        "parent_object": "people",
        "parent_record_id": person,
        "limit": "2",
        "offset": "2",
    }
    acme = record(fake, "companies", "Acme")["id"]["record_id"]
    made = await client.post("/crm/notes", json={"content": "Met at the fair\nthey want a demo", "companies": [acme]})
    assert made.status_code == 201, made.text
    note = fake.notes[made.json()["data"]["id"]]
    assert (note["parent_object"], note["title"]) == ("companies", "Met at the fair")
    two = await client.post("/crm/notes", json={"content": "x", "companies": [acme], "contacts": [person]})
    assert two.status_code == 400, two.text
    assert (await client.delete(f"/crm/notes/{note['id']['note_id']}")).status_code == 204
    assert note["id"]["note_id"] not in fake.notes


async def test_tasks_split_subject_and_update_what_attio_allows(world: World) -> None:
    fake, client, admin = world
    person = record(fake, "people", "Person 1")["id"]["record_id"]
    [task] = (await client.get("/crm/tasks", params={"contact_id": person})).json()["data"]
    assert (task["subject"], task["content"], task["status"]) == ("Call 1", "about pricing", "OPEN")
    assert task["due_at"] == "2026-12-01T10:30:00Z" and task["contacts"] == [person]
    done = (await client.get("/crm/tasks", params={"status": "COMPLETED"})).json()["data"]
    assert [t["subject"] for t in done] == ["Call 0"] and done[0]["completed_at"]
    member = admin["id"]["workspace_member_id"]
    body = {
        "subject": "Send quote",
        "content": "v2",
        "owner": member,
        "contacts": [person],
        "due_at": "2027-01-02T03:04:05Z",
    }
    made = await client.post("/crm/tasks", json=body)
    assert made.status_code == 201, made.text
    created = made.json()["data"]
    assert (created["subject"], created["content"], created["owner"]) == ("Send quote", "v2", member)
    assert fake.tasks[created["id"]]["content_plaintext"] == "Send quote\nv2"
    closed = await client.patch(f"/crm/tasks/{created['id']}", json={"status": "COMPLETED"})
    assert closed.status_code == 200 and closed.json()["data"]["completed_at"], closed.text
    retitled = await client.patch(f"/crm/tasks/{created['id']}", json={"subject": "Other"})
    assert retitled.status_code == 400 and retitled.json()["error"]["message"].startswith("subject:")
    assert (await client.delete(f"/crm/tasks/{created['id']}")).status_code == 204


async def test_full_syncs_detect_deleted_records(world: World) -> None:
    fake, client, _ = world
    first = await run_sync(client, "at", "u1", "contacts")
    assert first["status"] == "SUCCESS" and first["recordCount"]["CrmContact"] == 4, first
    gone = record(fake, "people", "Person 3")["id"]["record_id"]
    del fake.records["people"][gone]
    second = await run_sync(client, "at", "u1", "contacts")
    assert second["status"] == "SUCCESS", second
    deleted = await client.get("/records", params={"model": "CrmContact", "filter": "deleted"})
    assert deleted.status_code == 200, deleted.text
    assert [r["id"] for r in deleted.json()["records"]] == [gone]
    assert deleted.json()["records"][0]["_nango_metadata"]["last_action"] == "DELETED"
