"""The unified CRM API against the fake Pipedrive: lists, filters, get, writes, upserts, errors, rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import unigate_pipedrive
import yaml
from fake_pipedrive import FakePipedrive
from pipedrive_world import CUSTOM, seeded

from gateway.testing.kit import make_gateway

HEADERS = {"Connection-Id": "u1", "Provider-Config-Key": "pd"}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakePipedrive, httpx.AsyncClient]]:
    fake, admin = seeded()
    with fake.run() as url:
        override = tmp_path / "pd.yaml"
        override.write_text(yaml.safe_dump({"pipedrive-api-key": {"proxy": {"base_url": f"{url}/api"}}}))
        async with make_gateway(
            plugins=[unigate_pipedrive], providers_files=[override], allow_private_hosts=True, proxy_max_retry_wait=2
        ) as (_, client):
            made = await client.post("/integrations", json={"provider": "pipedrive-api-key", "unique_key": "pd"})
            assert made.status_code in (200, 201), made.text
            credentials = {"type": "API_KEY", "apiKey": fake.api_token(admin)}
            body = {"provider_config_key": "pd", "connection_id": "u1", "credentials": credentials}
            assert (await client.post("/connections", json=body)).status_code in (200, 201)
            client.headers.update(HEADERS)
            yield fake, client


async def test_contacts_map_emails_company_owner_and_custom_fields(
    world: tuple[FakePipedrive, httpx.AsyncClient],
) -> None:
    fake, client = world
    answer = await client.get("/crm/contacts", params={"email": "p1@example.com"})
    assert answer.status_code == 200, answer.text
    [contact] = answer.json()["data"]
    assert contact["first_name"] == "Person" and contact["last_name"] == "1"
    assert contact["email_addresses"] == [{"email": "p1@example.com", "type": "work", "is_primary": True}]
    assert contact["phone_numbers"][0]["number"] == "+15550001"
    assert contact["companies"] and contact["owner"] and contact["custom_fields"] == {CUSTOM: 1}
    search = fake.requests_to("/api/v2/persons/search")[0]
    assert search.params["fields"] == "email" and search.params["exact_match"] == "true"


async def test_modified_after_is_sent_as_updated_since(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    answer = await client.get("/crm/companies", params={"modified_after": "2000-01-01T00:00:00Z"})
    assert answer.status_code == 200 and len(answer.json()["data"]) == 3, answer.text
    assert fake.requests_to("/api/v2/organizations")[-1].params["updated_since"] == "2000-01-01T00:00:00Z"
    later = await client.get("/crm/companies", params={"modified_after": "2999-01-01T00:00:00Z"})
    assert later.json()["data"] == []


async def test_deals_status_stage_and_filters(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    _, client = world
    deals = (await client.get("/crm/deals")).json()["data"]
    assert [(d["status"], d["remote_status"]) for d in deals] == [("OPEN", "open"), ("WON", "won"), ("LOST", "lost")]
    assert deals[0]["amount"] == 1000.0 and deals[0]["currency"] == "EUR" and deals[0]["close_date"] == "2026-12-31"
    won = (await client.get("/crm/deals", params={"status": "WON"})).json()["data"]
    assert [d["name"] for d in won] == ["Deal 1"]
    pipelines = (await client.get("/crm/pipelines")).json()["data"]
    [sales] = pipelines
    assert [s["name"] for s in sales["stages"]] == ["Lead", "Proposal"] and sales["is_default"] is True
    assert {d["stage"] for d in deals} == {s["id"] for s in sales["stages"]}


async def test_create_update_delete_and_upsert(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    body = {
        "first_name": "Lin",
        "last_name": "Ko",
        "email_addresses": [{"email": "lin@example.com"}],
        "custom_fields": {CUSTOM: "vip"},
    }
    made = await client.post("/crm/contacts", json=body)
    assert made.status_code in (200, 201), made.text
    person = fake.store["persons"][int(made.json()["data"]["id"] if "data" in made.json() else made.json()["id"])]
    assert person["name"] == "Lin Ko" and person["custom_fields"] == {CUSTOM: "vip"}
    upserted = await client.post("/crm/contacts/upsert", json={**body, "title": "CTO"})
    assert upserted.status_code in (200, 201), upserted.text
    assert person["job_title"] == "CTO" and len(fake.store["persons"]) == 5
    deal = await client.post("/crm/deals", json={"name": "Big", "amount": 5.5, "status": "OPEN"})
    assert deal.status_code in (200, 201), deal.text
    deal_id = max(fake.store["deals"])
    changed = await client.patch(f"/crm/deals/{deal_id}", json={"status": "WON"})
    assert changed.status_code == 200, changed.text
    assert fake.store["deals"][deal_id]["status"] == "won"
    assert (await client.delete(f"/crm/deals/{deal_id}")).status_code in (200, 204)
    assert deal_id not in fake.store["deals"]


async def test_bad_custom_field_name_and_refusals(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    _, client = world
    bad = await client.post("/crm/contacts", json={"first_name": "X", "custom_fields": {"tier": 1}})
    assert bad.status_code == 400 and "custom_fields" in bad.json()["error"]["message"], bad.text
    refused = await client.post("/crm/tasks", json={"subject": "   "})
    assert refused.status_code in (201, 200, 422), refused.text
    missing = await client.get("/crm/contacts/999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = await client.get("/crm/contacts/abc")
    assert wrong.status_code == 400 and "id" in wrong.json()["error"]["message"]


async def test_daily_budget_exhausted_is_a_rate_limit(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    fake.fail_next(50)
    limited = await client.get("/crm/deals")
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "rate_limited" and limited.headers.get("retry-after")


async def test_tasks_and_notes_paging(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    first = (await client.get("/crm/notes", params={"page_size": 2})).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    second = (await client.get("/crm/notes", params={"page_size": 2, "cursor": first["next_cursor"]})).json()
    assert len(second["data"]) == 1 and second["next_cursor"] is None
    assert fake.requests_to("/api/v1/notes")[-1].params["start"] == "2"
    listed = await client.get("/crm/tasks", params={"contact_id": "7"})
    assert listed.status_code == 200, listed.text
    tasks = listed.json()["data"]
    assert [(t["subject"], t["status"]) for t in tasks] == [("Call 0", "COMPLETED")] and tasks[0][
        "due_at"
    ] == "2026-12-01T10:30:00Z"
    users = (await client.get("/crm/users")).json()["data"]
    assert [u["name"] for u in users] == ["Ada Admin", "Alan", "Grace"]
