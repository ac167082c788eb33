"""The Salesforce syncs into the records cache, on SQLite and PostgreSQL: incremental ones by ``SystemModstamp``
(a change only the system made is picked up), full ones (users) detecting deletions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_salesforce
import yaml
from fake_salesforce import FakeSalesforce
from salesforce_world import seeded

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

OLD = "2020-01-01T00:00:00.000+0000"
World = tuple[FakeSalesforce, httpx.AsyncClient]


@pytest.fixture
async def world(tmp_path: Path, unigate_database: dict[str, str]) -> AsyncIterator[World]:
    fake, admin = seeded()
    with fake.run() as url:
        override = tmp_path / "sf.yaml"
        override.write_text(yaml.safe_dump({"salesforce": {"display_name": "Salesforce"}}))
        async with make_gateway(
            plugins=[unigate_salesforce], providers_files=[override], allow_private_hosts=True, **unigate_database
        ) as (_, client):
            oauth = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}
            made = await client.post(
                "/integrations", json={"provider": "salesforce", "unique_key": "sf", "credentials": oauth}
            )
            assert made.status_code in (200, 201), made.text
            credentials = {"type": "OAUTH2", "access_token": fake.session(admin), "no_expiration": True}
            body = {"provider_config_key": "sf", "connection_id": "u1", "credentials": credentials}
            connected = await client.post("/connections", json={**body, "connection_config": {"instance_url": url}})
            assert connected.status_code in (200, 201), connected.text
            yield fake, client


async def records(client: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    headers = {"Connection-Id": "u1", "Provider-Config-Key": "sf"}
    page = await client.get("/records/", params={"model": model, "limit": 100}, headers=headers)
    assert page.status_code == 200, page.text
    found: list[dict[str, Any]] = page.json()["records"]
    return found


async def test_incremental_syncs_follow_system_modstamp(world: World) -> None:
    fake, client = world
    first = await run_sync(client, "sf", "u1", "contacts")
    assert first["status"] == "SUCCESS", first
    assert first["latestResult"] == {"CrmContact": {"added": 4, "updated": 0, "deleted": 0}}
    for record in fake.store["Contact"].values():
        record["LastModifiedDate"] = record["SystemModstamp"] = OLD
    changed = next(iter(fake.store["Contact"].values()))
    changed["Title"] = "Buyer (recalculated)"  # as a formula or roll-up would, leaving LastModifiedDate
    fake.touch_system("Contact", changed["Id"])
    second = await run_sync(client, "sf", "u1", "contacts")
    assert second["latestResult"] == {"CrmContact": {"added": 0, "updated": 1, "deleted": 0}}, second
    query = fake.requests_to("/services/data/v60.0/query")[-1].params["q"]
    assert "WHERE SystemModstamp > " in query and query.startswith("SELECT Id, FirstName")
    titles = {r["id"]: r["title"] for r in await records(client, "CrmContact")}
    assert titles[changed["Id"]] == "Buyer (recalculated)" and len(titles) == 4


async def test_full_syncs_see_users_and_stages_go(world: World) -> None:
    fake, client = world
    users = await run_sync(client, "sf", "u1", "users")
    assert users["latestResult"] == {"User": {"added": 3, "updated": 0, "deleted": 0}}, users
    pipelines = await run_sync(client, "sf", "u1", "pipelines")
    assert pipelines["latestResult"] == {"Pipeline": {"added": 1, "updated": 0, "deleted": 0}}, pipelines
    grace = next(u for u in fake.store["User"].values() if u["Name"] == "Grace")
    del fake.store["User"][grace["Id"]]
    again = await run_sync(client, "sf", "u1", "users")
    assert again["latestResult"] == {"User": {"added": 0, "updated": 0, "deleted": 1}}, again
    gone = [r for r in await records(client, "User") if r["_nango_metadata"]["deleted_at"]]
    assert [r["id"] for r in gone] == [grace["Id"]]
