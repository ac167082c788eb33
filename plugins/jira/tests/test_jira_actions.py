"""Jira's ``transition-issue`` action through ``POST /action/trigger`` against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_jira
from fake_jira import FakeJira
from test_unified_jira import World, connect

from gateway.testing.kit import make_gateway


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeJira()
    mia, bob = fake.add_account("Mia Krystof"), fake.add_account("Bob Smith")
    fake.add_project("KAN", "Kanban", mia)
    fake.add_issue("KAN", "Task 1", mia)
    with fake.run():
        yield World(fake, mia, bob)


@pytest.fixture
async def api(tmp_path: Path, world: World) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "jira.yaml"
    override.write_text(f"jira:\n  proxy:\n    base_url: {world.fake.base_url}\n")
    files = [override]
    async with make_gateway(plugins=[unigate_jira], providers_files=files, allow_private_hosts=True) as (_, client):
        client.headers.update(await connect(client, world))
        yield client


async def trigger(api: httpx.AsyncClient, input: dict[str, Any]) -> httpx.Response:
    return await api.post("/action/trigger", json={"action_name": "transition-issue", "input": input})


async def test_a_transition_by_name_id_or_target_status(api: httpx.AsyncClient) -> None:
    by_status = await trigger(api, {"ticket_id": "KAN-1", "to_status": "In Review"})
    assert by_status.status_code == 200, by_status.text
    assert (by_status.json()["remote_status"], by_status.json()["status"]) == ("In Review", "IN_PROGRESS")
    by_id = await trigger(api, {"ticket_id": "KAN-1", "transition": "31"})
    assert by_id.json()["status"] == "CLOSED" and by_id.json()["completed_at"] is not None
    by_name = await trigger(api, {"ticket_id": "KAN-1", "transition": "To Do"})
    assert by_name.json()["status"] == "OPEN"
    ticket = await api.get("/tickets/KAN-1")
    assert ticket.json()["data"]["remote_status"] == "To Do"


async def test_refusals_name_the_field(api: httpx.AsyncClient) -> None:
    unknown = await trigger(api, {"ticket_id": "KAN-1", "transition": "Archive"})
    assert unknown.status_code == 422 and unknown.json()["error"]["errors"][0]["path"] == ["transition"]
    assert "Done (31)" in unknown.json()["error"]["message"]
    both = await trigger(api, {"ticket_id": "KAN-1", "transition": "31", "to_status": "Done"})
    assert both.status_code == 400 and both.json()["error"]["code"] == "invalid_action_input"
    missing = await trigger(api, {"ticket_id": "KAN-404", "transition": "31"})
    assert missing.status_code == 404
