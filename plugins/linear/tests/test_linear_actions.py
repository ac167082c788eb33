"""Linear's ``archive-issue`` action through ``POST /action/trigger`` against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import unigate_linear
from fake_linear import FakeLinear
from test_unified_linear import catalog_override, connect

from gateway.testing.kit import make_gateway


@pytest.fixture
def fake() -> Iterator[FakeLinear]:
    linear = FakeLinear()
    ada = linear.add_user("Ada Lovelace", admin=True)
    eng = linear.add_team("ENG", "Engineering")
    for n in range(1, 4):
        linear.add_issue(eng, f"Issue {n}", ada)
    with linear.run():
        yield linear


@pytest.fixture
async def api(tmp_path: Path, fake: FakeLinear) -> AsyncIterator[httpx.AsyncClient]:
    files = [catalog_override(tmp_path, fake)]
    async with make_gateway(plugins=[unigate_linear], providers_files=files, allow_private_hosts=True) as (_, client):
        ada = next(u for u in fake.users.values() if u["name"] == "Ada Lovelace")
        client.headers.update(await connect(client, fake.oauth_token_for(ada, expires_in=None)))
        yield client


async def test_an_archived_issue_leaves_the_list(api: httpx.AsyncClient) -> None:
    answer = await api.post("/action/trigger", json={"action_name": "archive-issue", "input": {"ticket_id": "ENG-2"}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ticket_id"] == "ENG-2" and answer.json()["archived_at"]
    listed = await api.get("/tickets")
    assert sorted(t["name"] for t in listed.json()["data"]) == ["Issue 1", "Issue 3"]


async def test_an_unknown_issue_is_404_and_bad_input_400(api: httpx.AsyncClient) -> None:
    missing = await api.post(
        "/action/trigger", json={"action_name": "archive-issue", "input": {"ticket_id": "ENG-404"}}
    )
    assert missing.status_code == 404, missing.text
    bad = await api.post("/action/trigger", json={"action_name": "archive-issue", "input": {"ticket": "ENG-1"}})
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["path"] == ["input", "ticket_id"]
