"""Pipedrive's ``merge-persons`` and ``merge-organizations`` through ``POST /action/trigger`` against the fake: the
primary (``merge_with_id``) survives with the duplicate's data filling its gaps and its related objects, background
runs on SQLite and PostgreSQL, refusals keeping Pipedrive's meaning."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_pipedrive
import yaml
from fake_pipedrive import FakePipedrive
from pipedrive_world import CUSTOM, seeded

from gateway.testing.databases import database_overrides
from gateway.testing.kit import make_gateway

HEADERS = {"Connection-Id": "u1", "Provider-Config-Key": "pd"}
World = tuple[FakePipedrive, httpx.AsyncClient]


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """``make_gateway`` overrides: SQLite (the default), or a fresh PostgreSQL database when parametrized so."""
    with database_overrides(getattr(request, "param", "sqlite")) as overrides:
        yield overrides


@pytest.fixture
async def world(tmp_path: Path, database: dict[str, Any]) -> AsyncIterator[World]:
    fake, admin = seeded()
    persons = sorted(fake.store["persons"])
    fake.store["persons"][persons[0]]["job_title"] = "CTO"
    fake.store["persons"][persons[1]].update(job_title=None, custom_fields={CUSTOM: None})
    fake.add("persons", name="Gone", active_flag=False, emails=[], phones=[])
    fake.store["organizations"][sorted(fake.store["organizations"])[0]]["industry"] = "Retail"
    with fake.run() as url:
        override = tmp_path / "pd.yaml"
        override.write_text(yaml.safe_dump({"pipedrive-api-key": {"proxy": {"base_url": f"{url}/api"}}}))
        async with make_gateway(
            plugins=[unigate_pipedrive], providers_files=[override], allow_private_hosts=True, **database
        ) as (_, client):
            made = await client.post("/integrations", json={"provider": "pipedrive-api-key", "unique_key": "pd"})
            assert made.status_code in (200, 201), made.text
            credentials = {"type": "API_KEY", "apiKey": fake.api_token(admin)}
            body = {"provider_config_key": "pd", "connection_id": "u1", "credentials": credentials}
            assert (await client.post("/connections", json=body)).status_code in (200, 201)
            client.headers.update(HEADERS)
            yield fake, client


async def trigger(api: httpx.AsyncClient, name: str, **input: Any) -> httpx.Response:
    return await api.post("/action/trigger", json={"action_name": name, "input": input})


def path_of(answer: httpx.Response) -> list[Any]:
    return list(answer.json()["error"]["errors"][0]["path"])


def ids(fake: FakePipedrive, kind: str) -> list[str]:
    return [str(i) for i in sorted(fake.store[kind])]


async def test_merge_persons_keeps_the_primary(world: World) -> None:
    fake, api = world
    duplicate, primary = ids(fake, "persons")[:2]
    answer = await trigger(api, "merge-persons", primary_id=primary, duplicate_id=duplicate)
    assert answer.status_code == 200, answer.text
    merged = answer.json()
    assert merged["id"] == primary and merged["last_name"] == "1"
    assert merged["title"] == "CTO"  # empty on the primary: taken from the duplicate
    assert [e["email"] for e in merged["email_addresses"]] == ["p1@example.com"]  # a conflict: the primary's kept
    assert merged["custom_fields"] == {CUSTOM: 0}
    sent = fake.requests_to(f"/api/v1/persons/{duplicate}/merge")
    assert [r.method for r in sent] == ["PUT"] and sent[0].json() == {"merge_with_id": int(primary)}
    gone = await api.get(f"/crm/contacts/{duplicate}")
    assert gone.status_code == 404
    notes = (await api.get("/crm/notes", params={"contact_id": primary})).json()["data"]
    assert len(notes) == 3
    deals = (await api.get("/crm/deals", params={"contact_id": primary})).json()["data"]
    assert sorted(d["name"] for d in deals) == ["Deal 0", "Deal 1"]


async def test_merge_organizations_moves_persons_and_deals(world: World) -> None:
    fake, api = world
    duplicate, primary, other = ids(fake, "organizations")
    answer = await trigger(api, "merge-organizations", primary_id=primary, duplicate_id=duplicate)
    assert answer.status_code == 200, answer.text
    merged = answer.json()
    assert (merged["id"], merged["name"], merged["industry"]) == (primary, "Globex", "Retail")
    assert sorted(fake.store["organizations"]) == [int(primary), int(other)]  # the duplicate is removed
    persons = (await api.get("/crm/contacts", params={"company_id": primary})).json()["data"]
    assert len(persons) == 3  # its own and the duplicate's (persons 0 and 3)
    deals = (await api.get("/crm/deals", params={"company_id": primary})).json()["data"]
    assert sorted(d["name"] for d in deals) == ["Deal 0", "Deal 1"]


async def test_bad_input_is_refused_before_pipedrive_is_called(world: World) -> None:
    fake, api = world
    first, second = ids(fake, "persons")[:2]
    extra = await trigger(api, "merge-persons", primary_id=first, duplicate_id=second, keep="both")
    assert extra.status_code == 400 and path_of(extra) == ["input", "keep"]
    empty = await trigger(api, "merge-organizations", primary_id="", duplicate_id=second)
    assert empty.status_code == 400 and path_of(empty) == ["input", "primary_id"]
    letters = await trigger(api, "merge-persons", primary_id=first, duplicate_id="p-0")
    assert letters.status_code == 400 and path_of(letters) == ["duplicate_id"]
    itself = await trigger(api, "merge-persons", primary_id=first, duplicate_id=first)
    assert itself.status_code == 400 and path_of(itself) == ["duplicate_id"]
    assert [r for r in fake.requests if r.path.endswith("/merge")] == []


async def test_pipedrive_refusals_keep_their_meaning(world: World) -> None:
    fake, api = world
    first = ids(fake, "persons")[0]
    unknown = await trigger(api, "merge-persons", primary_id=first, duplicate_id="99999")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    deleted = next(str(i) for i, p in fake.store["persons"].items() if p.get("active_flag") is False)
    refused = await trigger(api, "merge-persons", primary_id=first, duplicate_id=deleted)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request"
    assert path_of(refused) == ["duplicate_id"] and "deleted" in refused.json()["error"]["message"]
    assert int(deleted) in fake.store["persons"] and int(first) in fake.store["persons"]


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
async def test_background_merge_and_its_refusal(world: World) -> None:
    fake, api = world
    duplicate, primary = ids(fake, "persons")[:2]
    body = {"action_name": "merge-persons", "input": {"primary_id": primary, "duplicate_id": duplicate}}
    done = await result(api, await api.post("/action/trigger", json=body, headers={"X-Async": "true"}))
    assert done.status_code == 200, done.text
    assert done.json()["id"] == primary and int(duplicate) not in fake.store["persons"]
    again = await result(api, await api.post("/action/trigger", json=body, headers={"X-Async": "true"}))
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
    bad = await api.post("/action/trigger", json={**body, "input": {}}, headers={"X-Async": "true"})
    assert bad.status_code == 400 and path_of(bad)[0] == "input"


async def test_scripts_list_the_merge_actions(world: World) -> None:
    _, api = world
    scripts = (await api.get("/integrations/pd/scripts")).json()["data"]["scripts"]
    actions = {s["name"]: s for s in scripts if s["type"] == "action"}
    assert set(actions) == {"merge-persons", "merge-organizations"}
    assert actions["merge-persons"]["input_schema"]["required"] == ["primary_id", "duplicate_id"]
    assert actions["merge-organizations"]["output_schema"]["title"] == "Company"
