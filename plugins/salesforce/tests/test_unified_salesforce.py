"""The unified CRM API against the fake Salesforce org: lists, filters, batches, writes, custom fields, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import unigate_salesforce
import yaml
from fake_salesforce import FakeSalesforce
from salesforce_world import CUSTOM, seeded

from gateway.testing.kit import make_gateway

HEADERS = {"Connection-Id": "u1", "Provider-Config-Key": "sf"}
World = tuple[FakeSalesforce, httpx.AsyncClient]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fake, admin = seeded()
    with fake.run() as url:
        override = tmp_path / "sf.yaml"
        override.write_text(yaml.safe_dump({"salesforce": {"display_name": "Salesforce"}}))
        async with make_gateway(
            plugins=[unigate_salesforce], providers_files=[override], allow_private_hosts=True, proxy_max_retry_wait=2
        ) as (_, client):
            client_credentials = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}
            integration = {"provider": "salesforce", "unique_key": "sf", "credentials": client_credentials}
            assert (await client.post("/integrations", json=integration)).status_code in (200, 201)
            credentials = {"type": "OAUTH2", "access_token": fake.session(admin), "no_expiration": True}
            body = {
                "provider_config_key": "sf",
                "connection_id": "u1",
                "credentials": credentials,
                "connection_config": {"instance_url": url},
            }
            assert (await client.post("/connections", json=body)).status_code in (200, 201)
            client.headers.update(HEADERS)
            yield fake, client


def field_of(answer: httpx.Response) -> str:
    """The unified field an error answer names."""
    return str(answer.json()["error"]["errors"][0]["path"][0])


def soql(fake: FakeSalesforce) -> str:
    return fake.requests_to("/services/data/v60.0/query")[-1].params["q"]


async def test_contacts_by_email_map_phones_address_account_and_owner(world: World) -> None:
    fake, client = world
    answer = await client.get("/crm/contacts", params={"email": "P1@example.com"})
    assert answer.status_code == 200, answer.text
    [contact] = answer.json()["data"]
    assert "WHERE Email = 'P1@example.com'" in soql(fake)
    assert (contact["first_name"], contact["last_name"], contact["title"]) == ("Person", "1", "Buyer")
    assert contact["email_addresses"] == [{"email": "p1@example.com", "type": None, "is_primary": True}]
    assert [(p["number"], p["type"]) for p in contact["phone_numbers"]] == [
        ("+15550001", "work"),
        ("+16660001", "mobile"),
    ]
    assert contact["addresses"][0]["city"] == "Springfield" and contact["addresses"][0]["type"] == "mailing"
    assert contact["companies"] == [fake.store["Contact"][contact["id"]]["AccountId"]]
    assert contact["owner"].startswith("005") and contact["last_activity_at"] == "2026-01-15T00:00:00Z"
    assert contact["custom_fields"] == {}  # a list reads the custom fields the field mapping names
    got = (await client.get(f"/crm/contacts/{contact['id']}")).json()["data"]
    assert got["custom_fields"] == {CUSTOM: "gold-1"}  # a get answers every field


async def test_field_mapping_selects_reads_and_writes_custom_fields(world: World) -> None:
    fake, client = world
    mapping = {"mappings": {"crm/contacts": {"tier": CUSTOM}, "crm/companies": {"tier": CUSTOM}}}
    assert (await client.put("/integrations/sf/field-mappings", json=mapping)).status_code == 200
    contacts = (await client.get("/crm/contacts")).json()["data"]
    assert [c["custom_fields"] for c in contacts] == [{"tier": f"gold-{n}"} for n in range(4)]
    assert f"{CUSTOM}" in soql(fake).split(" FROM ")[0]
    made = await client.post("/crm/contacts", json={"last_name": "Ko", "custom_fields": {"tier": "vip"}})
    assert made.status_code == 201, made.text
    assert made.json()["data"]["custom_fields"] == {"tier": "vip"}
    assert fake.store["Contact"][made.json()["data"]["id"]][CUSTOM] == "vip"
    unknown = await client.post("/crm/contacts", json={"last_name": "Ko", "custom_fields": {"rank": 1}})
    assert unknown.status_code == 400 and "custom_fields.rank" in unknown.json()["error"]["message"], unknown.text
    absent = await client.post("/crm/contacts", json={"last_name": "Ko", "custom_fields": {"Rank__c": 1}})
    assert absent.status_code == 422 and field_of(absent) == "custom_fields.Rank__c", absent.text


async def test_a_mapped_field_the_org_lacks_is_a_refused_query(world: World) -> None:
    _, client = world
    mapping = {"mappings": {"crm/deals": {"region": "Region__c"}}}
    assert (await client.put("/integrations/sf/field-mappings", json=mapping)).status_code == 200
    refused = await client.get("/crm/deals")
    assert refused.status_code == 400, refused.text
    assert "No such column 'Region__c'" in refused.json()["error"]["message"]


async def test_modified_after_compares_system_modstamp(world: World) -> None:
    fake, client = world
    answer = await client.get("/crm/companies", params={"modified_after": "2000-01-01T00:00:00Z"})
    assert answer.status_code == 200 and len(answer.json()["data"]) == 3, answer.text
    assert "WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY Id ASC" in soql(fake)
    for record in fake.store["Account"].values():
        record["LastModifiedDate"] = record["SystemModstamp"] = "2020-01-01T00:00:00.000+0000"
    acme = next(iter(fake.store["Account"]))
    fake.touch_system("Account", acme)
    changed = (await client.get("/crm/companies", params={"modified_after": "2021-01-01T00:00:00Z"})).json()["data"]
    assert [c["id"] for c in changed] == [acme] and changed[0]["remote_updated_at"] == "2020-01-01T00:00:00Z"


async def test_companies_by_domain(world: World) -> None:
    fake, client = world
    found = (await client.get("/crm/companies", params={"domain": "globex.com"})).json()["data"]
    assert [(c["name"], c["domain"], c["number_of_employees"]) for c in found] == [("Globex", "globex.com", 200)]
    assert "Website LIKE '%globex.com%'" in soql(fake)
    fake.add("Account", Name="Not Globex", Website="https://notglobex.com")
    again = (await client.get("/crm/companies", params={"domain": "globex.com"})).json()["data"]
    assert [c["name"] for c in again] == ["Globex"]


async def test_pages_follow_next_records_url_batches(world: World) -> None:
    fake, client = world
    for n in range(450):
        fake.add("Contact", LastName=f"Bulk {n}")
    seen: list[str] = []
    sizes: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"page_size": 150, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/crm/contacts", params=params)).json()
        seen += [c["id"] for c in page["data"]]
        sizes.append(len(page["data"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 454 and len(set(seen)) == 454 and seen == sorted(seen)
    assert sizes == [150, 50, 150, 50, 54]  # a page ends with its 200-record batch
    more = [r for r in fake.requests if r.path.startswith("/services/data/v60.0/query/")]
    assert len(more) == 3 and all(r.headers["sforce-query-options"] == "batchSize=200" for r in more)
    bad = await client.get("/crm/contacts", params={"cursor": "forged"})
    assert bad.status_code == 400, bad.text


async def test_deals_status_stages_and_pipeline(world: World) -> None:
    fake, client = world
    deals = (await client.get("/crm/deals")).json()["data"]
    assert [(d["status"], d["remote_status"]) for d in deals] == [
        ("OPEN", "Prospecting"),
        ("WON", "Closed Won"),
        ("LOST", "Closed Lost"),
    ]
    assert deals[0]["amount"] == 1000.0 and deals[0]["close_date"] == "2026-12-31" and deals[0]["probability"] == 10
    won = (await client.get("/crm/deals", params={"status": "WON"})).json()["data"]
    assert [d["name"] for d in won] == ["Deal 1"] and "IsWon = true" in soql(fake)
    lost = (await client.get("/crm/deals", params={"status": "LOST"})).json()["data"]
    assert [d["name"] for d in lost] == ["Deal 2"]
    [pipeline] = (await client.get("/crm/pipelines")).json()["data"]
    assert pipeline["id"] == "default" and pipeline["is_default"] is True
    assert [(s["id"], s["status"]) for s in pipeline["stages"]] == [
        ("Prospecting", "OPEN"),
        ("Negotiation/Review", "OPEN"),
        ("Closed Won", "WON"),
        ("Closed Lost", "LOST"),
    ]
    assert {d["stage"] for d in deals} <= {s["id"] for s in pipeline["stages"]}
    assert (await client.get("/crm/pipelines/default")).status_code == 200
    assert (await client.get("/crm/pipelines/other")).status_code == 404


async def test_deal_writes_pick_stages_by_status(world: World) -> None:
    fake, client = world
    account = next(iter(fake.store["Account"]))
    made = await client.post(
        "/crm/deals", json={"name": "Big", "amount": 5.5, "close_date": "2027-01-31", "companies": [account]}
    )
    assert made.status_code == 201, made.text
    deal = made.json()["data"]
    assert (deal["stage"], deal["status"], deal["companies"]) == ("Prospecting", "OPEN", [account])
    won = await client.patch(f"/crm/deals/{deal['id']}", json={"status": "WON"})
    assert won.status_code == 200 and won.json()["data"]["stage"] == "Closed Won", won.text
    assert fake.store["Opportunity"][deal["id"]]["IsWon"] is True
    clash = await client.patch(f"/crm/deals/{deal['id']}", json={"status": "LOST", "stage": "Prospecting"})
    assert clash.status_code == 422 and field_of(clash) == "status", clash.text
    undated = await client.post("/crm/deals", json={"name": "No date"})
    assert undated.status_code == 422, undated.text
    assert field_of(undated) == "close_date"
    odd = await client.post("/crm/deals", json={"name": "X", "close_date": "2027-01-01", "stage": "Nope"})
    assert odd.status_code == 422 and field_of(odd) == "stage", odd.text
    assert (await client.delete(f"/crm/deals/{deal['id']}")).status_code == 204
    assert deal["id"] not in fake.store["Opportunity"]
    again = await client.delete(f"/crm/deals/{deal['id']}")
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"


async def test_contact_create_update_delete(world: World) -> None:
    fake, client = world
    nameless = await client.post("/crm/contacts", json={"first_name": "Lin"})
    assert nameless.status_code == 422 and field_of(nameless) == "last_name", nameless.text
    body = {
        "first_name": "Lin",
        "last_name": "Ko",
        "email_addresses": [{"email": "lin@example.com"}, {"email": "ko@example.com"}],
        "phone_numbers": [{"number": "+1", "type": "mobile"}, {"number": "+2"}],
        "addresses": [{"street": "2 Side St", "city": "Shelbyville"}],
    }
    made = await client.post("/crm/contacts", json=body)
    assert made.status_code == 201, made.text
    contact = made.json()["data"]
    record = fake.store["Contact"][contact["id"]]
    assert (record["Email"], record["MobilePhone"], record["Phone"]) == ("lin@example.com", "+1", "+2")
    assert record["MailingStreet"] == "2 Side St" and record["OwnerId"].startswith("005")
    assert [w["field"] for w in made.json()["warnings"]] == ["email_addresses"]
    changed = await client.patch(f"/crm/contacts/{contact['id']}", json={"title": "CTO", "phone_numbers": []})
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["title"] == "CTO" and changed.json()["data"]["phone_numbers"] == []
    [patch] = fake.requests_to(f"/services/data/v60.0/sobjects/Contact/{contact['id']}", "PATCH")
    assert sorted(yaml.safe_load(patch.body)) == ["HomePhone", "MobilePhone", "OtherPhone", "Phone", "Title"]
    assert (await client.delete(f"/crm/contacts/{contact['id']}")).status_code == 204
    assert (await client.get(f"/crm/contacts/{contact['id']}")).status_code == 404
    two = await client.post("/crm/contacts", json={"last_name": "X", "companies": ["001000000000004AAA"] * 2})
    assert two.status_code == 400, two.text


async def test_tasks_and_notes(world: World) -> None:
    fake, client = world
    contact = next(iter(fake.store["Contact"]))
    account = next(iter(fake.store["Account"]))
    mine = (await client.get("/crm/tasks", params={"contact_id": contact})).json()["data"]
    assert [(t["subject"], t["status"], t["remote_status"]) for t in mine] == [("Call 0", "COMPLETED", "Completed")]
    assert mine[0]["due_at"] == "2026-12-01T00:00:00Z" and mine[0]["completed_at"]
    open_ = (await client.get("/crm/tasks", params={"status": "OPEN"})).json()["data"]
    assert [t["subject"] for t in open_] == ["Call 1", "Call 2"]
    on_account = (await client.get("/crm/tasks", params={"company_id": account})).json()["data"]
    assert [t["subject"] for t in on_account] == ["Call 0", "Call 1"]  # Call 0's contact works at the account
    assert f"(WhatId = '{account}' OR AccountId = '{account}')" in soql(fake)
    made = await client.post(
        "/crm/tasks",
        json={"subject": "Demo", "status": "COMPLETED", "due_at": "2027-02-03T10:00:00Z", "contacts": [contact]},
    )
    assert made.status_code == 201, made.text
    task = made.json()["data"]
    assert (task["status"], task["remote_status"], task["due_at"]) == ("COMPLETED", "Completed", "2027-02-03T00:00:00Z")
    assert [w["field"] for w in made.json()["warnings"]] == ["due_at"] and task["contacts"] == [contact]
    reopened = await client.patch(f"/crm/tasks/{task['id']}", json={"status": "OPEN"})
    assert reopened.json()["data"]["status"] == "OPEN" and fake.store["Task"][task["id"]]["Status"] == "Not Started"
    notes = (await client.get("/crm/notes", params={"contact_id": contact})).json()["data"]
    assert [n["content"] for n in notes] == [f"Note {n}\nmore" for n in range(3)]
    note = await client.post("/crm/notes", json={"content": "  \nHello there\nsecond line", "companies": [account]})
    assert note.status_code == 201, note.text
    assert fake.store["Note"][note.json()["data"]["id"]]["Title"] == "Hello there"
    assert note.json()["data"]["companies"] == [account]
    orphan = await client.post("/crm/notes", json={"content": "Hi"})
    assert orphan.status_code == 400 and "one id" in orphan.json()["error"]["message"], orphan.text
    users = (await client.get("/crm/users")).json()["data"]
    assert [u["name"] for u in users] == ["Ada Admin", "Alan", "Grace"] and users[0]["username"] == "ada@acme.test"


async def test_ids_and_missing_records(world: World) -> None:
    fake, client = world
    fake.add("Contact", LastName="O'Brien", Email="o'brien@example.com")
    quoted = (await client.get("/crm/contacts", params={"email": "o'brien@example.com"})).json()["data"]
    assert [c["last_name"] for c in quoted] == ["O'Brien"] and "Email = 'o\\'brien@example.com'" in soql(fake)
    wrong = await client.get("/crm/contacts/abc")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_id", wrong.text
    injected = await client.get("/crm/contacts", params={"company_id": "x' OR Name != '"})
    assert injected.status_code == 400, injected.text
    missing = await client.get("/crm/tasks/00T999999999999AAA")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_the_daily_api_budget_is_a_rate_limit(world: World) -> None:
    fake, client = world
    fake.api_limit = fake.api_used
    limited = await client.get("/crm/deals")
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "rate_limited" and limited.headers["retry-after"] == "3600"
    assert len(fake.requests_to("/services/data/")) == 1  # not retried: the budget frees over hours
    fake.api_limit = 5000
    fake.fail_next(1, fake.concurrent_limit_response)
    retried = await client.get("/crm/deals")
    assert retried.status_code == 200, retried.text
