"""The unified endpoints end to end against the Jira fake: a real gateway, an imported OAuth connection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_jira
from fake_jira import FakeJira
from jira_shapes import Account, adf, stamp
from unigate_jira.common import adf_to_text, text_to_adf

from gateway.provider import ProviderContext
from gateway.testing.kit import make_gateway

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class World:
    fake: FakeJira
    mia: Account
    bob: Account


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeJira()
    mia, bob = fake.add_account("Mia Krystof"), fake.add_account("Bob Smith")
    fake.add_project("KAN", "Kanban", mia)
    fake.add_project("OPS", "Operations", bob)
    for n in range(7):
        moment = stamp(START + timedelta(hours=n))
        fake.add_issue("KAN", f"Task {n + 1}", mia, created=moment, updated=moment, labels=["backend"] if n % 2 else [])
    fake.add_issue(
        "KAN",
        "Review me",
        bob,
        status="10001",  # "In Review": a custom status in the indeterminate category
        priority="1",
        assignee=bob.account_id,
        description=adf("Please review"),
        labels=["frontend"],
        created=stamp(START + timedelta(days=1)),
        updated=stamp(START + timedelta(days=1)),
    )
    fake.add_issue("OPS", "Pager", bob, status="10002", priority="5", resolutiondate=stamp(START))
    with fake.run():
        yield World(fake, mia, bob)


async def connect(client: httpx.AsyncClient, world: World, connection_id: str = "user-1") -> dict[str, str]:
    """Create the integration (once) and import a connection with the fake's cloudId; the headers naming it."""
    await client.post(
        "/integrations",
        json={
            "provider": "jira",
            "unique_key": "jira",
            "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"},
        },
    )
    imported = await client.post(
        "/connections",
        json={
            "provider_config_key": "jira",
            "connection_id": connection_id,
            "credentials": {
                "type": "OAUTH2",
                "access_token": world.fake.oauth_token_for(world.mia),
                "no_expiration": True,
            },
            "connection_config": {"cloudId": world.fake.cloud_id},
        },
    )
    assert imported.status_code == 201, imported.text
    return {"Connection-Id": connection_id, "Provider-Config-Key": "jira"}


@pytest.fixture
async def api(tmp_path: Path, world: World) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "jira.yaml"
    override.write_text(f"jira:\n  proxy:\n    base_url: {world.fake.base_url}\n")
    async with make_gateway(plugins=[unigate_jira], providers_files=[override], allow_private_hosts=True) as (
        _,
        client,
    ):
        client.headers.update(await connect(client, world))
        yield client


async def test_ticket_pages_follow_the_cursor_newest_update_first(api: httpx.AsyncClient, world: World) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"collection_id": "KAN", "page_size": 3}
    pages = 0
    for _ in range(10):
        page = await api.get("/tickets", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert all(t["remote_data"] is None for t in body["data"])
        seen += [t["id"] for t in body["data"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        params = {"page_size": 3, "cursor": body["next_cursor"]}  # the JQL travels inside the cursor
    assert seen == ["KAN-8", *[f"KAN-{n}" for n in range(7, 0, -1)]] and pages == 3
    searches = [r for r in world.fake.requests if r.path.endswith("/rest/api/3/search/jql")]
    assert searches[0].params["jql"] == 'project = "KAN" ORDER BY updated DESC'
    assert searches[0].params["maxResults"] == "3" and "summary" in searches[0].params["fields"]
    assert "nextPageToken" in searches[1].params
    everything = (await api.get("/tickets", params={"page_size": 50})).json()
    assert len(everything["data"]) == 9 and everything["next_cursor"] is None


async def test_ticket_fields_and_custom_workflow_status(api: httpx.AsyncClient, world: World) -> None:
    answer = await api.get("/tickets/KAN-8")
    assert answer.status_code == 200, answer.text
    ticket = answer.json()["data"]
    assert (ticket["status"], ticket["remote_status"]) == ("IN_PROGRESS", "In Review")
    assert (ticket["priority"], ticket["remote_priority"]) == ("URGENT", "Highest")
    assert ticket["description"] == "Please review" and ticket["tags"] == ["frontend"]
    assert ticket["assignees"] == [world.bob.account_id] and ticket["creator"] == world.bob.account_id
    assert ticket["collections"] == ["KAN"] and ticket["ticket_type"] == "Task" and ticket["provider"] == "jira"
    assert ticket["remote_created_at"].startswith("2024-03-02T09:00:00")
    done = (await api.get("/tickets/OPS-1", params={"include_remote_data": "true"})).json()["data"]
    assert (done["status"], done["remote_status"], done["priority"]) == ("CLOSED", "Done", "LOW")
    assert done["completed_at"] is not None and done["remote_data"]["key"] == "OPS-1"
    by_number = await api.get(f"/tickets/{done['remote_id']}")
    assert by_number.json()["data"]["id"] == "OPS-1"
    in_progress = (await api.get("/tickets", params={"status": "IN_PROGRESS"})).json()["data"]
    assert [t["id"] for t in in_progress] == ["KAN-8"]
    assert (await api.get("/tickets", params={"status": "ON_HOLD"})).json()["data"] == []
    assigned = (await api.get("/tickets", params={"assignee_id": world.bob.account_id})).json()["data"]
    assert [t["id"] for t in assigned] == ["KAN-8"]
    recent = await api.get("/tickets", params={"collection_id": "KAN", "modified_after": "2024-03-01T14:00:00Z"})
    assert [t["id"] for t in recent.json()["data"]] == ["KAN-8", "KAN-7", "KAN-6"]


async def test_errors_keep_their_meaning(api: httpx.AsyncClient) -> None:
    missing = await api.get("/tickets/KAN-99")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad_id = await api.get("/tickets/not a key")
    assert bad_id.status_code == 400 and bad_id.json()["error"]["code"] == "invalid_id"
    unknown_project = await api.get("/tickets", params={"collection_id": "NOPE"})
    assert unknown_project.status_code == 400 and "NOPE" in unknown_project.json()["error"]["message"]
    users_by_project = await api.get("/users", params={"collection_id": "KAN"})
    assert users_by_project.status_code == 400 and "collection_id" in users_by_project.json()["error"]["message"]


async def test_create_and_update_with_transitions(api: httpx.AsyncClient, world: World) -> None:
    created = await api.post(
        "/tickets",
        json={
            "name": "Crash",
            "description": "It crashes\nevery time",
            "collections": ["OPS"],
            "tags": ["bug"],
            "assignees": [world.mia.account_id],
            "priority": "HIGH",
            "contact": "someone",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    ticket = body["data"]
    assert ticket["id"] == "OPS-2" and ticket["description"] == "It crashes\nevery time"
    assert (ticket["priority"], ticket["status"], ticket["tags"]) == ("HIGH", "OPEN", ["bug"])
    assert body["warnings"] == [{"field": "contact", "message": "Jira issues have no contact", "object_id": "OPS-2"}]
    assert world.fake.issues[-1].description == text_to_adf("It crashes\nevery time")

    moved = await api.patch("/tickets/OPS-2", json={"status": "IN_PROGRESS", "name": "Crash on start"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["data"]["remote_status"], moved.json()["data"]["name"]) == ("In Progress", "Crash on start")
    review = await api.patch("/tickets/OPS-2", json={"remote_status": "In Review", "assignees": []})
    assert (review.json()["data"]["status"], review.json()["data"]["remote_status"]) == ("IN_PROGRESS", "In Review")
    assert review.json()["data"]["assignees"] == []
    closed = await api.patch("/tickets/OPS-2", json={"status": "CLOSED"})
    assert closed.json()["data"]["status"] == "CLOSED" and closed.json()["data"]["completed_at"] is not None

    on_hold = await api.patch("/tickets/OPS-2", json={"status": "ON_HOLD"})
    assert on_hold.status_code == 422 and "status" in on_hold.json()["error"]["message"]
    two = await api.patch("/tickets/OPS-2", json={"assignees": [world.mia.account_id, world.bob.account_id]})
    assert two.status_code == 422 and "assignees" in two.json()["error"]["message"]
    no_project = await api.post("/tickets", json={"name": "x"})
    assert no_project.status_code == 400 and "collections" in no_project.json()["error"]["message"]
    bad_project = await api.post("/tickets", json={"name": "x", "collections": ["NOPE"]})
    assert bad_project.status_code == 422 and "collections" in bad_project.json()["error"]["message"]


async def test_comments_list_and_create(api: httpx.AsyncClient, world: World) -> None:
    path = "/tickets/KAN-2/comments"
    assert (await api.get(path)).json() == {"data": [], "next_cursor": None}
    for n in range(3):
        posted = await api.post(path, json={"body": f"Note {n}"})
        assert posted.status_code == 201, posted.text
    comment = posted.json()["data"]
    assert (comment["ticket"], comment["body"], comment["user"]) == ("KAN-2", "Note 2", world.mia.account_id)
    assert comment["id"] == f"KAN-2/comments/{comment['remote_id']}" and comment["is_private"] is False
    assert world.fake.issues[1].comments[0]["body"] == text_to_adf("Note 0")
    first = (await api.get(path, params={"page_size": 2})).json()
    rest = (await api.get(path, params={"cursor": first["next_cursor"]})).json()
    assert [c["body"] for c in first["data"] + rest["data"]] == ["Note 0", "Note 1", "Note 2"]
    assert rest["next_cursor"] is None
    private = await api.post(path, json={"body": "secret", "is_private": True})
    assert private.status_code == 422 and "is_private" in private.json()["error"]["message"]
    missing = await api.post("/tickets/KAN-99/comments", json={"body": "hi"})
    assert missing.status_code == 404


async def test_collections_users_and_tags(api: httpx.AsyncClient, world: World) -> None:
    first = (await api.get("/collections", params={"page_size": 1})).json()
    rest = (await api.get("/collections", params={"cursor": first["next_cursor"]})).json()
    assert [(c["id"], c["name"], c["collection_type"]) for c in first["data"] + rest["data"]] == [
        ("KAN", "Kanban", "PROJECT"),
        ("OPS", "Operations", "PROJECT"),
    ]
    assert rest["next_cursor"] is None
    users = (await api.get("/users")).json()["data"]
    assert [(u["id"], u["name"], u["is_active"]) for u in users] == [
        (world.mia.account_id, "Mia Krystof", True),
        (world.bob.account_id, "Bob Smith", True),
    ]
    assert users[0]["email_address"] == world.mia.email
    bob = await api.get(f"/users/{world.bob.account_id}")
    assert bob.status_code == 200 and bob.json()["data"]["name"] == "Bob Smith"
    ops = await api.get("/collections/OPS", params={"include_remote_data": "true"})
    assert ops.json()["data"]["name"] == "Operations" and ops.json()["data"]["remote_data"]["key"] == "OPS"
    for missing in ("/users/5b10a2844c20165700edeXXX", "/collections/NOPE"):
        answer = await api.get(missing)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", missing
    tags = (await api.get("/tags", params={"page_size": 1})).json()
    more = (await api.get("/tags", params={"cursor": tags["next_cursor"]})).json()
    assert [t["name"] for t in tags["data"] + more["data"]] == ["backend", "frontend"]


async def test_attachments_of_an_issue(api: httpx.AsyncClient, world: World) -> None:
    issue = world.fake.issues[0]
    ids = [world.fake.add_attachment(issue, f"shot-{n}.png", "image/png", 10 + n, world.bob) for n in range(3)]
    first = await api.get("/attachments", params={"ticket_id": "KAN-1", "page_size": 2})
    assert first.status_code == 200, first.text
    rest = await api.get("/attachments", params={"cursor": first.json()["next_cursor"]})
    listed = first.json()["data"] + rest.json()["data"]
    assert [(a["id"], a["file_name"], a["ticket"]) for a in listed] == [
        (ids[n], f"shot-{n}.png", "KAN-1") for n in range(3)
    ]
    assert listed[0]["uploaded_by"] == world.bob.account_id and listed[0]["content_type"] == "image/png"
    assert listed[0]["file_url"].endswith(f"/rest/api/3/attachment/content/{ids[0]}")
    one = (await api.get(f"/attachments/{ids[2]}")).json()["data"]
    assert (one["id"], one["file_name"], one["ticket"]) == (ids[2], "shot-2.png", None)
    assert (await api.get("/attachments/123")).status_code == 404
    assert (await api.get("/attachments/abc")).json()["error"]["code"] == "invalid_id"


async def test_reference_lists_resources(api: httpx.AsyncClient) -> None:
    data = (await api.get("/integrations/jira/reference")).json()["data"]
    assert data["provider"] == "jira" and data["plugin"] == "unigate_jira"
    resources = {r["name"]: r for r in data["resources"]}
    assert set(resources) == {"tickets", "comments", "attachments", "collections", "users", "tags"}
    assert "priority" in resources["tickets"]["fields"]


async def test_revoked_token_is_an_upstream_auth_error(api: httpx.AsyncClient, world: World) -> None:
    for token in list(world.fake.tokens):
        world.fake.revoke_token(token)
    answer = await api.get("/collections")
    assert answer.status_code == 502 and answer.json()["error"]["code"] == "upstream_unauthorized"


async def test_post_connection_looks_up_the_cloud_id(world: World) -> None:
    provider = unigate_jira.JiraProvider()
    token = world.fake.oauth_token_for(world.mia)
    async with make_gateway(plugins=[unigate_jira]) as (gateway, _):
        async with httpx.AsyncClient(
            base_url=world.fake.base_url, headers={"authorization": f"Bearer {token}"}
        ) as http:
            ctx = ProviderContext("jira", "jira", "c1", {}, {}, http)
            await provider.post_connection(ctx)
            site, account = world.fake.base_url, world.mia.account_id
            assert ctx.connection_config == {"cloudId": world.fake.cloud_id, "siteUrl": site, "accountId": account}
            calls = len(world.fake.requests)
            ctx.connection_config["cloudId"] = "kept"
            await provider.post_connection(ctx)
            assert ctx.connection_config["cloudId"] == "kept" and len(world.fake.requests) == calls


def test_adf_round_trip_and_rich_documents() -> None:
    assert adf_to_text(text_to_adf("one\n\nthree")) == "one\n\nthree"
    assert adf_to_text(None) is None
    rich = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Steps"}]},
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a"}]}],
                    },
                    {
                        "type": "listItem",
                        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "b"}]}],
                    },
                ],
            },
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "ask "},
                    {"type": "mention", "attrs": {"id": "x", "text": "@Mia"}},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "thanks"},
                ],
            },
        ],
    }
    assert adf_to_text(rich) == "Steps\na\nb\nask @Mia\nthanks"
