"""GitLab webhooks in: ``X-Gitlab-Token`` checked, Issue Hook and Note Hook events merged into the records of the
connections that sync the project and forwarded to the customer's app; a wrong or missing token changes nothing.

Hook bodies are built as GitLab documents them (``object_attributes`` with label objects, ``assignee_ids``,
``author_id``, ``url``), from the fake's own state, so a hooked ticket can be compared with a synced one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_gitlab
from fake_gitlab import FakeGitLab
from gitlab_shapes import Issue, Project, stamp
from test_unified_gitlab import catalog, host

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

SECRET = "gitlab-hook-token-123"
APP = "acme/app"


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    gl = FakeGitLab()
    ada, grace = gl.add_user("ada", "Ada Lovelace"), gl.add_user("grace", "Grace Hopper")
    app = gl.add_project(APP, ada, grace)
    gl.add_milestone(app, "v1.0")
    gl.add_issue(app, "First", ada, description="It breaks")
    gl.add_note(app.issues[0], "Seen it", grace)
    with gl.run():
        yield gl


@pytest.fixture
async def api(tmp_path: Path, fake: FakeGitLab, unigate_database: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {"providers_files": [catalog(tmp_path)], "allow_private_hosts": True, **unigate_database}
    async with make_gateway(plugins=[unigate_gitlab], **settings) as (_, client):
        assert (await client.post("/integrations", json={"provider": "gitlab-pat", "unique_key": "gl"})).is_success
        ada = next(u for u in fake.users.values() if u.username == "ada")
        imported = await client.post(
            "/connections",
            json={
                "provider_config_key": "gl",
                "connection_id": "user-1",
                "credentials": {"type": "API_KEY", "apiKey": fake.pat_for(ada)},
                "connection_config": {"hostname": host(fake)},
            },
        )
        assert imported.status_code == 201, imported.text
        client.headers.update({"Connection-Id": "user-1", "Provider-Config-Key": "gl"})
        for name in ("collections", "tickets", "comments"):
            assert (await run_sync(client, "gl", "user-1", name))["status"] == "SUCCESS"
        answer = await client.put("/integrations/gl/webhook-secret", json={"secret": SECRET})
        assert answer.json()["data"]["webhook_url"].endswith("/webhook/prod/gl")
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


def project_of(fake: FakeGitLab) -> Project:
    return next(p for p in fake.projects if p.full_path == APP)


def hook_project(proj: Project) -> dict[str, Any]:
    return {"id": proj.id, "name": proj.name, "path_with_namespace": proj.full_path, "web_url": f"x/{proj.full_path}"}


def issue_attributes(fake: FakeGitLab, proj: Project, item: Issue, action: str | None) -> dict[str, Any]:
    labels = [
        {"id": lab.id, "title": lab.name, "color": lab.color, "project_id": proj.id, "type": "ProjectLabel"}
        for lab in proj.labels
        if lab.name in item.labels
    ]
    attrs: dict[str, Any] = {
        "id": item.id,
        "iid": item.iid,
        "title": item.title,
        "description": item.description,
        "assignee_ids": list(item.assignees),
        "assignee_id": item.assignees[0] if item.assignees else None,
        "author_id": item.author,
        "project_id": proj.id,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "due_date": item.due_date,
        "milestone_id": item.milestone,
        "state": item.state,
        "state_id": 2 if item.state == "closed" else 1,
        "confidential": item.confidential,
        "type": "Issue",
        "url": f"{fake.web()}/{proj.full_path}/-/issues/{item.iid}",
        "labels": labels,
    }
    return attrs | ({"action": action} if action else {})


def issue_hook(fake: FakeGitLab, item: Issue, action: str) -> dict[str, Any]:
    proj = project_of(fake)
    users = [fake.users[a] for a in item.assignees]
    return {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"id": item.author, "username": fake.users[item.author].username},
        "project": hook_project(proj),
        "object_attributes": issue_attributes(fake, proj, item, action),
        "assignees": [{"id": u.id, "name": u.name, "username": u.username} for u in users],
    }


def note_hook(fake: FakeGitLab, item: Issue, note_id: int, text: str, author: int) -> dict[str, Any]:
    proj = project_of(fake)
    attrs = {
        "id": note_id,
        "note": text,
        "noteable_type": "Issue",
        "author_id": author,
        "created_at": "2026-03-01 10:00:00 UTC",  # the older hook time format
        "updated_at": "2026-03-01 10:00:00 UTC",
        "project_id": proj.id,
        "noteable_id": item.id,
        "system": False,
        "action": "create",
        "url": f"{fake.web()}/{proj.full_path}/-/issues/{item.iid}#note_{note_id}",
    }
    issue = issue_attributes(fake, proj, item, None)
    return {"object_kind": "note", "project": hook_project(proj), "object_attributes": attrs, "issue": issue}


def posted(payload: dict[str, Any], event: str, token: str | None = SECRET) -> dict[str, Any]:
    headers = {"X-Gitlab-Event": event, "Authorization": ""} | ({"X-Gitlab-Token": token} if token else {})
    return {"content": httpx.Request("POST", "/", json=payload).content, "headers": headers}


async def records(api: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    answer = await api.get("/records", params={"model": model})
    found: list[dict[str, Any]] = answer.json()["records"]
    return found


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


def unified(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("_nango_metadata", "remote_data")}


async def test_a_closed_relabelled_issue_reaches_the_records_as_a_sync_would_map_it(
    api: httpx.AsyncClient, fake: FakeGitLab
) -> None:
    proj = project_of(fake)
    item, grace = proj.issues[0], next(u for u in fake.users.values() if u.username == "grace")
    item.title, item.state, item.closed_at, item.updated_at = "First, fixed", "closed", stamp(), stamp()
    item.labels, item.assignees, item.milestone = ["bug", "feature"], [grace.id], proj.milestones[0].id
    answer = await api.post("/webhook/prod/gl", **posted(issue_hook(fake, item, "close"), "Issue Hook"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 1, "deleted": 0}]
    (ticket,) = await records(api, "Ticket")
    assert (ticket["name"], ticket["status"], ticket["remote_status"]) == ("First, fixed", "CLOSED", "closed")
    assert ticket["tags"] == ["bug", "feature"] and ticket["assignees"] == [str(grace.id)]
    assert ticket["collections"] == [APP, f"{APP}/milestones/{proj.milestones[0].id}"]
    assert ticket["ticket_url"].endswith(f"/{APP}/-/issues/1") and ticket["completed_at"]
    assert ticket["_nango_metadata"]["last_action"] == "UPDATED"
    (forward,) = await forwards(api)
    assert forward["payload"]["from"] == "gitlab-pat" and forward["payload"]["connectionId"] == "user-1"
    assert forward["payload"]["payload"]["object_attributes"]["action"] == "close"
    live = (await api.get("/tickets/acme%2Fapp%231")).json()["data"]
    assert unified(ticket) == {k: live[k] for k in unified(ticket)}  # the hook maps as the REST issue does


async def test_a_new_issue_and_a_note_are_added(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    proj = project_of(fake)
    ada = next(u for u in fake.users.values() if u.username == "ada")
    item = fake.add_issue(proj, "Second", ada, labels=["documentation"], confidential=True)
    answer = await api.post("/webhook/prod/gl", **posted(issue_hook(fake, item, "open"), "Confidential Issue Hook"))
    assert answer.json()["connections"][0]["added"] == 1
    second = next(t for t in await records(api, "Ticket") if t["id"] == f"{APP}#2")
    assert (second["status"], second["tags"], second["creator"]) == ("OPEN", ["documentation"], str(ada.id))
    note = note_hook(fake, proj.issues[0], 9001, "Fixed in main", ada.id)
    assert (await api.post("/webhook/prod/gl", **posted(note, "Note Hook"))).status_code == 200
    comment = next(c for c in await records(api, "Comment") if c["id"] == f"{APP}#1/notes/9001")
    assert (comment["ticket"], comment["body"], comment["user"]) == (f"{APP}#1", "Fixed in main", str(ada.id))
    assert comment["remote_created_at"].startswith("2026-03-01T10:00:00")
    assert len(await forwards(api)) == 2


async def test_an_event_for_a_project_nobody_syncs_reaches_no_connection(
    api: httpx.AsyncClient, fake: FakeGitLab
) -> None:
    payload = issue_hook(fake, project_of(fake).issues[0], "update")
    payload["project"]["path_with_namespace"] = "someone/else"
    answer = await api.post("/webhook/prod/gl", **posted(payload, "Issue Hook"))
    assert answer.status_code == 200 and answer.json()["connections"] == []
    assert await forwards(api) == []


async def test_a_wrong_token_changes_nothing(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    item = project_of(fake).issues[0]
    item.title = "Forged"
    refused = await api.post("/webhook/prod/gl", **posted(issue_hook(fake, item, "update"), "Issue Hook", "guess"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []


async def test_a_missing_token_changes_nothing(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    item = project_of(fake).issues[0]
    item.title = "Forged"
    refused = await api.post("/webhook/prod/gl", **posted(issue_hook(fake, item, "update"), "Issue Hook", None))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []
