"""GitHub webhooks in: signed with the integration's secret, merged into the records of the connections that
sync the repository, forwarded to the customer's app; a bad signature changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub
from github_shapes import issue as render_issue
from test_unified_github import REPO, catalog_override, connect

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

SECRET = "It's a Secret to Everybody"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    gh.add_user("octo")
    repo = gh.add_repo("octo", "hello")
    gh.add_issue(repo, "First", user="octo")
    with gh.run():
        yield gh


@pytest.fixture
async def api(tmp_path: Path, fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    files = [catalog_override(tmp_path, fake)]
    async with make_gateway(plugins=[unigate_github], providers_files=files, allow_private_hosts=True) as (_, client):
        client.headers.update(await connect(client, fake.token_for("octo")))
        for name in ("collections", "tickets"):
            assert (await run_sync(client, "gh", "user-1", name))["status"] == "SUCCESS"
        answer = await client.put("/integrations/gh/webhook-secret", json={"secret": SECRET})
        assert answer.json()["data"]["webhook_url"].endswith("/webhook/prod/gh")
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


def signed(payload: dict[str, Any], event: str, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": f"sha256={digest}", "X-GitHub-Event": event, "Authorization": ""}


def edited_issue(fake: FakeGitHub, title: str) -> dict[str, Any]:
    repo = fake.repos[REPO]
    item = repo.issues[0]
    item.title = title
    rendered = render_issue(fake.base_url, repo, item, fake.users)
    return {"action": "edited", "issue": rendered, "repository": {"full_name": REPO}, "sender": {"login": "octo"}}


async def records(api: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    answer = await api.get("/records", params={"model": model})
    found: list[dict[str, Any]] = answer.json()["records"]
    return found


async def test_an_edit_reaches_the_records_and_is_forwarded(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    body, headers = signed(edited_issue(fake, "First, renamed"), "issues")
    answer = await api.post("/webhook/prod/gh", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 1, "deleted": 0}]
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First, renamed" and ticket["_nango_metadata"]["last_action"] == "UPDATED"
    forwards = [d for d in (await api.get("/environment/webhook-deliveries")).json()["data"] if d["type"] == "forward"]
    assert forwards[0]["payload"]["from"] == "github" and forwards[0]["payload"]["connectionId"] == "user-1"
    assert forwards[0]["payload"]["payload"]["issue"]["title"] == "First, renamed"


async def test_comments_and_deletions(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    payload = edited_issue(fake, "First")
    comment = {"id": 77, "body": "Looks good", "user": {"login": "octo"}, "issue_url": payload["issue"]["url"]}
    comment |= {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    body, headers = signed({**payload, "action": "created", "comment": comment}, "issue_comment")
    assert (await api.post("/webhook/prod/gh", content=body, headers=headers)).status_code == 200
    (stored,) = await records(api, "Comment")
    assert (stored["id"], stored["ticket"], stored["body"]) == (f"{REPO}/comments/77", f"{REPO}#1", "Looks good")
    body, headers = signed({**payload, "action": "deleted"}, "issues")
    assert (await api.post("/webhook/prod/gh", content=body, headers=headers)).status_code == 200
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "DELETED"


async def test_a_bad_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    body, headers = signed(edited_issue(fake, "Forged"), "issues", secret="not the secret")
    refused = await api.post("/webhook/prod/gh", content=body, headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    unsigned = await api.post("/webhook/prod/gh", content=body, headers={"X-GitHub-Event": "issues"})
    assert unsigned.status_code == 401
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First"
    assert [
        d for d in (await api.get("/environment/webhook-deliveries")).json()["data"] if d["type"] == "forward"
    ] == []
    wrong_env = await api.post("/webhook/staging/gh", content=body, headers=headers)
    assert wrong_env.status_code == 404
