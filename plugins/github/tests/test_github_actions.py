"""GitHub's actions through ``POST /action/trigger`` against the fake: the change shows in the fake and in the
unified ticket; refusals keep GitHub's meaning."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub
from test_unified_github import REPO, catalog_override, connect, ticket_path

from gateway.testing.kit import make_gateway


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    gh.add_user("octo")
    repo = gh.add_repo("octo", "hello")
    for n in range(1, 4):
        gh.add_issue(repo, f"Issue {n}", user="octo", labels=["bug"] if n == 1 else [])
    with gh.run():
        yield gh


@pytest.fixture
async def api(tmp_path: Path, fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    files = [catalog_override(tmp_path, fake)]
    async with make_gateway(plugins=[unigate_github], providers_files=files, allow_private_hosts=True) as (_, client):
        client.headers.update(await connect(client, fake.token_for("octo")))
        yield client


async def trigger(api: httpx.AsyncClient, name: str, input: dict[str, Any]) -> httpx.Response:
    return await api.post("/action/trigger", json={"action_name": name, "input": input})


async def test_add_labels_keeps_the_others_and_answers_the_ticket(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    answer = await trigger(api, "add-labels", {"ticket_id": f"{REPO}#1", "labels": ["urgent", "bug"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == f"{REPO}#1" and answer.json()["tags"] == ["bug", "urgent"]
    assert fake.repos[REPO].issues[0].labels == ["bug", "urgent"] and "urgent" in fake.repos[REPO].labels
    ticket = await api.get(ticket_path(f"{REPO}#1"))
    assert ticket.json()["data"]["tags"] == ["bug", "urgent"]


async def test_lock_issue(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    answer = await trigger(api, "lock-issue", {"ticket_id": f"{REPO}#2", "lock_reason": "too heated"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ticket_id": f"{REPO}#2", "locked": True, "lock_reason": "too heated"}
    assert fake.repos[REPO].issues[1].lock_reason == "too heated"
    plain = await trigger(api, "lock-issue", {"ticket_id": f"{REPO}#3"})
    assert plain.status_code == 200 and fake.repos[REPO].issues[2].lock_reason == ""


async def test_bad_input_and_refusals(api: httpx.AsyncClient) -> None:
    no_labels = await trigger(api, "add-labels", {"ticket_id": f"{REPO}#1", "labels": []})
    assert no_labels.status_code == 400 and no_labels.json()["error"]["code"] == "invalid_action_input"
    assert no_labels.json()["error"]["errors"][0]["path"] == ["input", "labels"]
    reason = await trigger(api, "lock-issue", {"ticket_id": f"{REPO}#1", "lock_reason": "boring"})
    assert reason.status_code == 400 and reason.json()["error"]["errors"][0]["path"] == ["input", "lock_reason"]
    bad_id = await trigger(api, "lock-issue", {"ticket_id": "octo/hello"})
    assert bad_id.status_code == 400 and "owner/repo#number" in bad_id.json()["error"]["message"]
    missing = await trigger(api, "add-labels", {"ticket_id": f"{REPO}#404", "labels": ["x"]})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    unknown = await trigger(api, "close-issue", {})
    assert unknown.status_code == 404 and "add-labels" in unknown.json()["error"]["message"]
