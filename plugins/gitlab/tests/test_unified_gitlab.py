"""The unified endpoints end to end against the GitLab fake: real gateway, OAuth flow on a self-managed host, PATs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_gitlab
from fake_gitlab import FakeGitLab
from gitlab_shapes import stamp

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import connect_with_oauth

APP = "acme/app"
NOW = datetime.now(UTC)


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    gl = FakeGitLab()
    ada, grace = gl.add_user("ada", "Ada Lovelace"), gl.add_user("grace", "Grace Hopper")
    gl.add_user("mallory", state="blocked")
    app = gl.add_project("acme/app", ada, grace, description="The app")
    gl.add_project("acme/docs", ada)
    gl.add_milestone(app, "v1.0")
    for n in range(1, 8):  # issue n last changed n days ago
        gl.add_issue(
            app, f"Issue {n}", ada, updated_at=stamp(NOW - timedelta(days=n)), labels=["bug"] if n == 1 else []
        )
    first = app.issues[0]
    first.assignees, first.milestone, first.due_date = [grace.id], app.milestones[0].id, "2030-01-31"
    gl.add_note(first, "added ~bug label", ada, system=True)
    gl.add_note(first, "Seen it", grace)
    gl.add_note(first, "Customer is ACME", ada, internal=True)
    with gl.run():
        yield gl


def catalog(tmp_path: Path) -> Path:
    """The catalog entries, pointed at a self-managed host named by ``connection_config.hostname`` (plain http)."""
    path = tmp_path / "gitlab.yaml"
    path.write_text(
        "gitlab:\n"
        "  authorization_url: http://${connectionConfig.hostname}/oauth/authorize\n"
        "  token_url: http://${connectionConfig.hostname}/oauth/token\n"
        "  proxy:\n    base_url: http://${connectionConfig.hostname}/api/v4\n"
        "gitlab-pat:\n  proxy:\n    base_url: http://${connectionConfig.hostname}/api/v4\n"
    )
    return path


def host(fake: FakeGitLab) -> str:
    return fake.base_url.split("://", 1)[1]


@pytest.fixture
async def gateway_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {"allow_private_hosts": True, "proxy_max_retry_wait": 2, "proxy_backoff_seconds": 0.05}
    async with make_gateway(plugins=[unigate_gitlab], providers_files=[catalog(tmp_path)], **settings) as (_, client):
        yield client


async def oauth_connect(client: httpx.AsyncClient, fake: FakeGitLab) -> dict[str, Any]:
    credentials = {"type": "OAUTH2", "client_id": fake.client_id, "client_secret": fake.client_secret, "scopes": "api"}
    made = await client.post(
        "/integrations", json={"provider": "gitlab", "unique_key": "gl", "credentials": credentials}
    )
    assert made.status_code in (200, 201), made.text
    connection = await connect_with_oauth(client, "gl", "user-1", params={"params[hostname]": host(fake)})
    client.headers.update({"Connection-Id": "user-1", "Provider-Config-Key": "gl"})
    return connection


@pytest.fixture
async def api(gateway_client: httpx.AsyncClient, fake: FakeGitLab) -> httpx.AsyncClient:
    await oauth_connect(gateway_client, fake)
    return gateway_client


def ticket_path(ticket_id: str, suffix: str = "") -> str:
    return "/tickets/" + ticket_id.replace("/", "%2F").replace("#", "%23") + suffix


async def test_oauth_flow_on_a_self_managed_host_and_refresh(
    gateway_client: httpx.AsyncClient, fake: FakeGitLab
) -> None:
    connection = await oauth_connect(gateway_client, fake)
    assert connection["connection_config"]["hostname"] == host(fake)
    assert connection["credentials"]["expires_at"] and fake.grants["authorization_code"] == 1
    first = await gateway_client.get("/tickets", params={"collection_id": APP})
    assert first.status_code == 200, first.text
    for value, token in fake.tokens.items():
        if token.kind == "access":
            fake.expire_token(value)
    again = await gateway_client.get("/tickets", params={"collection_id": APP})
    assert again.status_code == 200, again.text
    assert [t["id"] for t in again.json()["data"]] == [t["id"] for t in first.json()["data"]]
    assert fake.grants["refresh_token"] == 1
    spent = [t for t in fake.tokens.values() if t.kind == "refresh" and t.revoked]
    assert len(spent) == 1  # the rotated refresh token was used once and is now spent


async def test_tickets_page_by_link_newest_update_first(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"collection_id": APP, "page_size": 3}
    for _ in range(5):
        page = (await api.get("/tickets", params=params)).json()
        seen += [t["id"] for t in page["data"]]
        if page["next_cursor"] is None:
            break
        params = {**params, "cursor": page["next_cursor"]}
    assert seen == [f"{APP}#{n}" for n in range(1, 8)]
    pages = [r for r in fake.requests_to("/api/v4/projects/acme/app/issues") if r.method == "GET"]
    assert [r.params.get("page") for r in pages] == [None, "2", "3"]  # later pages are GitLab's own Link URLs
    assert all(r.params["per_page"] == "3" and r.params["order_by"] == "updated_at" for r in pages)
    everywhere = (await api.get("/tickets", params={"page_size": 200})).json()["data"]
    assert len(everywhere) == 7 and fake.requests[-1].params["scope"] == "all"


async def test_updated_after_status_and_assignee_are_pushed_down(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    since = NOW - timedelta(days=3, hours=12)
    recent = await api.get("/tickets", params={"collection_id": APP, "modified_after": since.isoformat()})
    assert [t["id"] for t in recent.json()["data"]] == [f"{APP}#1", f"{APP}#2", f"{APP}#3"]
    assert fake.requests[-1].params["updated_after"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    grace = next(u for u in fake.users.values() if u.username == "grace")
    assigned = await api.get("/tickets", params={"collection_id": APP, "assignee_id": str(grace.id)})
    assert [t["id"] for t in assigned.json()["data"]] == [f"{APP}#1"]
    closed = await api.get("/tickets", params={"collection_id": APP, "status": "CLOSED"})
    assert closed.json()["data"] == [] and fake.requests[-1].params["state"] == "closed"
    on_hold = await api.get("/tickets", params={"collection_id": APP, "status": "ON_HOLD"})
    assert on_hold.json()["data"] == []


async def test_get_maps_labels_milestone_assignees_due_date(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    answer = await api.get(ticket_path(f"{APP}#1"), params={"include_remote_data": "true"})
    assert answer.status_code == 200, answer.text
    ticket = answer.json()["data"]
    grace = next(u for u in fake.users.values() if u.username == "grace")
    milestone = fake.projects[0].milestones[0]
    assert (ticket["name"], ticket["status"], ticket["remote_status"]) == ("Issue 1", "OPEN", "opened")
    assert ticket["tags"] == ["bug"] and ticket["assignees"] == [str(grace.id)]
    assert ticket["collections"] == [APP, f"{APP}/milestones/{milestone.id}"]
    assert ticket["due_date"] == "2030-01-31T00:00:00Z" and ticket["ticket_type"] == "issue"
    assert ticket["ticket_url"] == f"{fake.base_url}/acme/app/-/issues/1"
    assert ticket["remote_data"]["iid"] == 1 and ticket["remote_id"] == str(ticket["remote_data"]["id"])
    milestone_answer = await api.get(f"/collections/{APP.replace('/', '%2F')}%2Fmilestones%2F{milestone.id}")
    assert milestone_answer.status_code == 200, milestone_answer.text
    assert milestone_answer.json()["data"]["name"] == "v1.0"
    assert milestone_answer.json()["data"]["parent_collection"] == APP
    missing = await api.get(ticket_path(f"{APP}#99"))
    assert missing.status_code == 404 and f"{APP}#99" in missing.json()["error"]["message"]
    no_project = await api.get(ticket_path("acme/nope#1"))
    assert no_project.status_code == 404
    bad = await api.get("/tickets/not-an-issue")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_id"
    for digits in ("\u00b2", "9" * 5000):  # isdigit() takes these; int() refuses them
        response = await api.get(ticket_path(f"{APP}#{digits}"))
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_id", response.text


async def test_create_and_update_with_warnings(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    grace = next(u for u in fake.users.values() if u.username == "grace")
    milestone = fake.projects[0].milestones[0]
    created = await api.post(
        "/tickets",
        json={
            "name": "Crash",
            "description": "It crashes",
            "collections": [APP, f"{APP}/milestones/{milestone.id}"],
            "tags": ["bug", "p1"],
            "assignees": [str(grace.id)],
            "due_date": "2031-05-01T00:00:00Z",
            "priority": "HIGH",
            "status": "CLOSED",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["data"]["id"] == f"{APP}#8" and body["data"]["status"] == "CLOSED"
    assert body["data"]["tags"] == ["bug", "p1"] and body["data"]["due_date"] == "2031-05-01T00:00:00Z"
    assert body["warnings"] == [
        {"field": "priority", "message": "GitLab issues have no priority", "object_id": f"{APP}#8"}
    ]
    stored = fake.projects[0].issues[7]
    assert (stored.milestone, stored.assignees, stored.closed_at is not None) == (milestone.id, [grace.id], True)

    reopened = await api.patch(
        ticket_path(f"{APP}#8"), json={"status": "OPEN", "assignees": [], "collections": [APP, "acme/docs"]}
    )
    assert reopened.status_code == 200, reopened.text
    data = reopened.json()["data"]
    assert (data["status"], data["assignees"], data["collections"], data["completed_at"]) == ("OPEN", [], [APP], None)
    assert reopened.json()["warnings"][0]["field"] == "collections"
    on_hold = await api.patch(ticket_path(f"{APP}#8"), json={"status": "ON_HOLD"})
    assert on_hold.status_code == 422 and "status" in on_hold.json()["error"]["message"]
    superscript = await api.patch(
        ticket_path(f"{APP}#8"), json={"assignees": ["\u00b2"], "collections": [APP, f"{APP}/milestones/\u00b2"]}
    )
    assert superscript.status_code == 422 and superscript.json()["error"]["code"] == "invalid_field", superscript.text
    too_long = await api.patch(ticket_path(f"{APP}#8"), json={"name": "x" * 300})
    assert too_long.status_code == 422, too_long.text
    assert (
        too_long.json()["error"]["message"].startswith("name: ") and "too long" in too_long.json()["error"]["message"]
    )
    no_project = await api.post("/tickets", json={"name": "x"})
    assert no_project.status_code == 400 and "collections" in no_project.json()["error"]["message"]
    missing = await api.patch(ticket_path(f"{APP}#99"), json={"name": "x"})
    assert missing.status_code == 404


async def test_notes_skip_system_notes_and_keep_internal(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    path = ticket_path(f"{APP}#1", "/comments")
    listed = (await api.get(path)).json()["data"]
    assert [(c["body"], c["is_private"]) for c in listed] == [("Seen it", False), ("Customer is ACME", True)]
    assert listed[0]["id"] == f"{APP}#1/notes/{listed[0]['remote_id']}"
    posted = await api.post(path, json={"body": "Internal follow-up", "is_private": True})
    assert posted.status_code == 201, posted.text
    assert posted.json()["data"]["is_private"] is True and fake.projects[0].issues[0].notes[-1].internal
    ada = next(u for u in fake.users.values() if u.username == "ada")
    assert posted.json()["data"]["user"] == str(ada.id)
    later = await api.get(path, params={"modified_after": (NOW + timedelta(seconds=-1)).isoformat()})
    assert [c["body"] for c in later.json()["data"]][-1] == "Internal follow-up"
    missing = await api.post(ticket_path(f"{APP}#99", "/comments"), json={"body": "hi"})
    assert missing.status_code == 404


async def test_collections_keyset_users_and_labels(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    first = (await api.get("/collections", params={"page_size": 1})).json()
    assert [c["id"] for c in first["data"]] == [APP] and first["data"][0]["collection_type"] == "PROJECT"
    rest = (await api.get("/collections", params={"page_size": 1, "cursor": first["next_cursor"]})).json()
    assert [c["id"] for c in rest["data"]] == ["acme/docs"] and rest["next_cursor"] is None
    keyset = fake.requests_to("/api/v4/projects", "GET")[-1].params
    assert keyset["pagination"] == "keyset" and "id_after" in keyset
    old = (NOW - timedelta(days=1)).isoformat()
    updated = await api.get("/collections", params={"modified_after": old})
    assert len(updated.json()["data"]) == 2 and fake.requests[-1].params["order_by"] == "updated_at"
    members = (await api.get("/users", params={"collection_id": APP})).json()["data"]
    assert [(u["username"], u["is_active"]) for u in members] == [("ada", True), ("grace", True)]
    everyone = (await api.get("/users")).json()["data"]
    assert [u["username"] for u in everyone] == ["ada", "grace"]  # active=true leaves the blocked user out
    labels = (await api.get("/tags", params={"collection_id": APP})).json()["data"]
    assert [t["name"] for t in labels] == ["bug", "feature", "documentation"]
    assert labels[0]["id"] == f"{APP}/labels/bug"
    need_project = await api.get("/tags")
    assert need_project.status_code == 400 and "collection_id" in need_project.json()["error"]["message"]


async def test_rate_limits_with_and_without_headers(api: httpx.AsyncClient, fake: FakeGitLab) -> None:
    fake.fail_next(1, lambda request: fake.rate_limit_response(request, headers=False))
    bare = await api.get("/tickets", params={"collection_id": APP})
    assert bare.status_code == 200, bare.text  # no Retry-After, no RateLimit-*: Unigate backed off and retried
    fake.fail_next(1, lambda request: fake.rate_limit_response(request, retry_after=1))
    timed = await api.get("/tickets", params={"collection_id": APP})
    assert timed.status_code == 200, timed.text
    fake.fail_next(50)
    limited = await api.get("/tickets", params={"collection_id": APP})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    fake.clear_failures()


async def test_personal_access_token_uses_private_token_header(
    gateway_client: httpx.AsyncClient, fake: FakeGitLab
) -> None:
    ada = next(u for u in fake.users.values() if u.username == "ada")
    made = await gateway_client.post("/integrations", json={"provider": "gitlab-pat", "unique_key": "pat"})
    assert made.status_code in (200, 201), made.text
    imported = await gateway_client.post(
        "/connections",
        json={
            "provider_config_key": "pat",
            "connection_id": "bot",
            "credentials": {"type": "API_KEY", "apiKey": fake.pat_for(ada)},
            "connection_config": {"hostname": host(fake)},
        },
    )
    assert imported.status_code == 201, imported.text
    headers = {"Connection-Id": "bot", "Provider-Config-Key": "pat"}
    answer = await gateway_client.get("/tickets", params={"collection_id": APP, "page_size": 2}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert {t["provider"] for t in answer.json()["data"]} == {"gitlab-pat"}
    sent = fake.requests[-1].headers
    assert "private-token" in sent and "authorization" not in sent
