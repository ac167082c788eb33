"""Pipedrive syncs: persons incremental through v2's ``updated_since``, notes full with deletions detected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_pipedrive
import yaml
from fake_pipedrive import FakePipedrive, now
from pipedrive_world import seeded

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

HEADERS = {"Connection-Id": "u1", "Provider-Config-Key": "pd"}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakePipedrive, httpx.AsyncClient]]:
    fake, admin = seeded()
    with fake.run() as url:
        override = tmp_path / "pd.yaml"
        override.write_text(yaml.safe_dump({"pipedrive-api-key": {"proxy": {"base_url": f"{url}/api"}}}))
        async with make_gateway(plugins=[unigate_pipedrive], providers_files=[override], allow_private_hosts=True) as (
            _,
            client,
        ):
            assert (
                await client.post("/integrations", json={"provider": "pipedrive-api-key", "unique_key": "pd"})
            ).is_success
            credentials = {"type": "API_KEY", "apiKey": fake.api_token(admin)}
            body = {"provider_config_key": "pd", "connection_id": "u1", "credentials": credentials}
            assert (await client.post("/connections", json=body)).is_success
            yield fake, client


async def records(client: httpx.AsyncClient, model: str, **params: str) -> list[dict[str, Any]]:
    answer = await client.get("/records", params={"model": model, **params}, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["records"])


async def test_persons_sync_asks_only_for_what_changed(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    first = await run_sync(client, "pd", "u1", "contacts")
    assert first["status"] == "SUCCESS", first
    assert len(await records(client, "CrmContact")) == len(fake.store["persons"]) == 4
    assert "updated_since" not in fake.requests_to("/api/v2/persons")[-1].params  # the first run lists everything

    person = next(iter(fake.store["persons"].values()))
    person.update(name="Renamed Person", first_name="Renamed", update_time=now())
    second = await run_sync(client, "pd", "u1", "contacts")
    assert second["status"] == "SUCCESS", second
    sent = fake.requests_to("/api/v2/persons")[-1].params
    assert sent["updated_since"] <= now() and sent["updated_since"].endswith("Z")
    changed = await records(client, "CrmContact", filter="updated")
    assert [(r["id"], r["first_name"]) for r in changed] == [(str(person["id"]), "Renamed")]


async def test_notes_sync_marks_a_deleted_note(world: tuple[FakePipedrive, httpx.AsyncClient]) -> None:
    fake, client = world
    assert (await run_sync(client, "pd", "u1", "notes"))["status"] == "SUCCESS"
    assert len(await records(client, "Note")) == 3
    gone = fake.store["notes"].pop(next(iter(fake.store["notes"])))
    assert (await run_sync(client, "pd", "u1", "notes"))["status"] == "SUCCESS"
    deleted = await records(client, "Note", filter="deleted")
    assert [r["id"] for r in deleted] == [str(gone["id"])]
    assert deleted[0]["_nango_metadata"]["last_action"] == "DELETED"
