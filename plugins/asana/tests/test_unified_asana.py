"""The unified endpoints end to end against the Asana fake: a real gateway, OAuth (with refresh) and PAT connections."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_asana
import yaml
from asana_shapes import Project, Tag, Task, User, Workspace, stamp
from fake_asana import API, FakeAsana

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import connect_with_oauth

START = datetime(2024, 3, 1, 9, tzinfo=UTC)


@dataclass
class World:
    fake: FakeAsana
    acme: Workspace
    ada: User
    bob: User
    launch: Project
    bug: Tag
    review: Task


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeAsana()
    acme = fake.add_workspace("Acme")
    ada, bob = fake.add_user("Ada Lovelace", acme), fake.add_user("Bob Smith", acme)
    launch = fake.add_project(acme, "Launch", ada, "Ship it")
    fake.add_project(acme, "Website", bob)
    bug, _ = fake.add_tag(acme, "bug"), fake.add_tag(acme, "feature")
    for n in range(5):
        moment = stamp(START + timedelta(hours=n))
        fake.add_task(ada, f"Task {n}", launch, created_at=moment, modified_at=moment)
    review = fake.add_task(
        ada, "Review", launch, assignee=bob.gid, tags=[bug.gid], notes="Please review",
        html_notes="<body>Please <b>review</b></body>", due_on="2024-03-08", completed=True,
        completed_at=stamp(START + timedelta(days=2)), completed_by=bob.gid,
        modified_at=stamp(START + timedelta(days=2)),
    )  # fmt: skip
    fake.add_story(review, ada, "added to Launch", "added_to_project")
    fake.add_story(review, bob, "Looks good")
    with fake.run():
        yield World(fake, acme, ada, bob, launch, bug, review)


def catalog(tmp_path: Path, fake: FakeAsana) -> Path:
    path = tmp_path / "asana.yaml"
    proxy = {"proxy": {"base_url": fake.base_url + API}}
    oauth = {"authorization_url": f"{fake.base_url}/-/oauth_authorize", "token_url": f"{fake.base_url}/-/oauth_token"}
    path.write_text(yaml.safe_dump({"asana": {**oauth, **proxy}, "asana-pat": proxy}))
    return path


@pytest.fixture
async def gateway_client(tmp_path: Path, world: World) -> AsyncIterator[httpx.AsyncClient]:
    override = catalog(tmp_path, world.fake)
    async with make_gateway(plugins=[unigate_asana], providers_files=[override], allow_private_hosts=True) as (_, c):
        integration = {"type": "OAUTH2", "client_id": world.fake.client_id, "client_secret": world.fake.client_secret}
        made = await c.post(
            "/integrations", json={"provider": "asana", "unique_key": "asana", "credentials": integration}
        )
        assert made.status_code in (200, 201), made.text
        yield c


@pytest.fixture
async def api(gateway_client: httpx.AsyncClient, world: World) -> httpx.AsyncClient:
    token = world.fake.oauth_token_for(world.ada, expires_in=None)
    credentials = {"type": "OAUTH2", "access_token": token, "no_expiration": True}
    imported = await gateway_client.post(
        "/connections", json={"provider_config_key": "asana", "connection_id": "u1", "credentials": credentials}
    )
    assert imported.status_code == 201, imported.text
    gateway_client.headers.update({"Connection-Id": "u1", "Provider-Config-Key": "asana"})
    return gateway_client


async def test_oauth_connection_then_a_refresh_after_the_hour(gateway_client: httpx.AsyncClient, world: World) -> None:
    connection = await connect_with_oauth(gateway_client, "asana", "oauth-user")
    assert connection["connection_config"]["workspaces"] == [world.acme.gid]
    assert connection["connection_config"]["user_gid"] == world.ada.gid
    headers = {"Connection-Id": "oauth-user", "Provider-Config-Key": "asana"}
    first = await gateway_client.get("/tickets", params={"collection_id": world.launch.gid}, headers=headers)
    assert first.status_code == 200 and len(first.json()["data"]) == 6, first.text
    for token in list(world.fake.tokens.values()):
        if token.kind == "access":
            world.fake.expire_token(token.value)
    again = await gateway_client.get(f"/tickets/{world.review.gid}", headers=headers)
    assert again.status_code == 200 and again.json()["data"]["name"] == "Review", again.text
    assert world.fake.grants == {"authorization_code": 1, "refresh_token": 1}
    later = await gateway_client.get("/users", headers=headers)
    assert later.status_code == 200 and world.fake.grants["refresh_token"] == 1  # the old refresh token still works


async def test_personal_access_token_connection(gateway_client: httpx.AsyncClient, world: World) -> None:
    await gateway_client.post("/integrations", json={"provider": "asana-pat", "unique_key": "pat"})
    credentials = {"type": "API_KEY", "apiKey": world.fake.pat_for(world.bob)}
    made = await gateway_client.post(
        "/connections", json={"provider_config_key": "pat", "connection_id": "p1", "credentials": credentials}
    )
    assert made.status_code == 201, made.text
    answer = await gateway_client.get(
        f"/tickets/{world.review.gid}", headers={"Connection-Id": "p1", "Provider-Config-Key": "pat"}
    )
    assert answer.status_code == 200 and answer.json()["data"]["provider"] == "asana-pat", answer.text


async def test_ticket_pages_carry_the_query_and_map_every_field(api: httpx.AsyncClient, world: World) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"collection_id": world.launch.gid, "page_size": 4}
    for _ in range(4):
        page = (await api.get("/tickets", params=params)).json()
        seen += [t["name"] for t in page["data"]]
        if page["next_cursor"] is None:
            break
        params = {"page_size": 4, "cursor": page["next_cursor"]}  # the project travels inside the cursor
    assert seen == [*(f"Task {n}" for n in range(5)), "Review"]
    calls = world.fake.requests_to(f"{API}/tasks", "GET")
    assert calls[0].params["limit"] == "4" and "notes" in calls[0].params["opt_fields"].split(",")
    assert calls[1].params["project"] == world.launch.gid and "offset" in calls[1].params
    ticket = (await api.get(f"/tickets/{world.review.gid}")).json()["data"]
    assert (ticket["status"], ticket["remote_status"], ticket["ticket_type"]) == ("CLOSED", "completed", "default_task")
    assert ticket["assignees"] == [world.bob.gid] and ticket["tags"] == ["bug"]
    assert ticket["collections"] == [world.launch.gid] and ticket["priority"] is None
    assert (ticket["description"], ticket["description_html"]) == ("Please review", "<body>Please <b>review</b></body>")
    assert ticket["due_date"].startswith("2024-03-08T00:00:00") and ticket["completed_at"].startswith("2024-03-03T09")
    assert ticket["ticket_url"] == f"https://app.asana.com/0/{world.launch.gid}/{world.review.gid}"


async def test_filters_are_pushed_down(api: httpx.AsyncClient, world: World) -> None:
    recent = await api.get(
        "/tickets", params={"collection_id": world.launch.gid, "modified_after": "2024-03-01T12:00:00Z"}
    )
    assert [t["name"] for t in recent.json()["data"]] == ["Task 3", "Task 4", "Review"]
    assert world.fake.requests_to(f"{API}/tasks", "GET")[-1].params["modified_since"] == "2024-03-01T12:00:00.000Z"
    open_ = await api.get("/tickets", params={"collection_id": world.launch.gid, "status": "OPEN"})
    assert len(open_.json()["data"]) == 5 and "completed_since" in world.fake.requests[-1].params
    closed = await api.get("/tickets", params={"collection_id": world.launch.gid, "status": "CLOSED"})
    assert [t["name"] for t in closed.json()["data"]] == ["Review"]
    assert (await api.get("/tickets", params={"collection_id": world.launch.gid, "status": "ON_HOLD"})).json()[
        "data"
    ] == []
    mine = await api.get("/tickets", params={"assignee_id": world.bob.gid})
    assert [t["name"] for t in mine.json()["data"]] == ["Review"]
    assert world.fake.requests[-1].params["workspace"] == world.acme.gid
    both = await api.get("/tickets", params={"assignee_id": world.bob.gid, "collection_id": world.launch.gid})
    assert both.status_code == 400 and "assignee_id" in both.json()["error"]["message"]
    nothing = await api.get("/tickets")
    assert nothing.status_code == 400 and "collection_id" in nothing.json()["error"]["message"]


async def test_create_and_update_with_warnings(api: httpx.AsyncClient, world: World) -> None:
    created = await api.post(
        "/tickets",
        json={
            "name": "Crash", "description_html": "It <i>crashes</i>", "collections": [world.launch.gid],
            "tags": ["bug", "feature"], "assignees": [world.ada.gid], "due_date": "2024-04-01T15:30:00Z",
            "priority": "HIGH", "contact": "someone",
        },
    )  # fmt: skip
    assert created.status_code == 201, created.text
    ticket, warnings = created.json()["data"], created.json()["warnings"]
    assert ticket["description_html"] == "<body>It <i>crashes</i></body>" and ticket["tags"] == ["bug", "feature"]
    assert ticket["due_date"].startswith("2024-04-01T15:30") and ticket["status"] == "OPEN"
    assert [(w["field"], w["object_id"]) for w in warnings] == [("priority", ticket["id"]), ("contact", ticket["id"])]
    done = await api.patch(f"/tickets/{ticket['id']}", json={"status": "CLOSED", "tags": ["feature"], "name": "Fixed"})
    assert done.status_code == 200, done.text
    assert (done.json()["data"]["status"], done.json()["data"]["tags"]) == ("CLOSED", ["feature"])
    assert world.fake.requests_to(f"{API}/tasks/{ticket['id']}/removeTag", "POST")[0].json() == {
        "data": {"tag": world.bug.gid}
    }
    for body, field in (
        ({"status": "IN_PROGRESS"}, "status"),
        ({"assignees": [world.ada.gid, world.bob.gid]}, "assignees"),
        ({"tags": ["nope"]}, "tags"),
        ({"assignees": ["999"]}, "assignees"),  # Asana's own 400, kept as a 422 naming the field
    ):
        refused = await api.patch(f"/tickets/{ticket['id']}", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["message"].startswith(field), refused.text
    missing = await api.patch("/tickets/1204999999999999", json={"name": "x"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert (await api.get("/tickets/not-a-gid")).status_code == 400


async def test_comments_are_the_comment_stories(api: httpx.AsyncClient, world: World) -> None:
    path = f"/tickets/{world.review.gid}/comments"
    listed = (await api.get(path)).json()["data"]
    assert [(c["body"], c["user"], c["is_private"]) for c in listed] == [("Looks good", world.bob.gid, None)]
    posted = await api.post(path, json={"html_body": "Ship <b>it</b>"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["data"]["html_body"] == "<body>Ship <b>it</b></body>" and posted.json()["data"]["body"]
    assert [c["user"] for c in (await api.get(path)).json()["data"]] == [world.bob.gid, world.ada.gid]
    private = await api.post(path, json={"body": "secret", "is_private": True})
    assert private.status_code == 422 and "is_private" in private.json()["error"]["message"]
    assert (await api.post("/tickets/1204999999999999/comments", json={"body": "hi"})).status_code == 404


async def test_attachments_of_a_task(api: httpx.AsyncClient, world: World) -> None:
    added = [world.fake.add_attachment(world.review, f"spec-{n}.pdf", 100 + n) for n in range(3)]
    first = await api.get("/attachments", params={"ticket_id": world.review.gid, "page_size": 2})
    assert first.status_code == 200, first.text
    rest = await api.get("/attachments", params={"cursor": first.json()["next_cursor"]})
    listed = first.json()["data"] + rest.json()["data"]
    assert [(a["id"], a["file_name"], a["ticket"]) for a in listed] == [
        (item.gid, item.name, world.review.gid) for item in added
    ]
    assert listed[0]["file_url"].endswith(f"asset_id={added[0].gid}")
    one = (await api.get(f"/attachments/{added[2].gid}")).json()["data"]
    assert (one["file_name"], one["ticket"]) == ("spec-2.pdf", world.review.gid)
    assert (await api.get("/attachments/1204999999999999")).status_code == 404
    assert (await api.get("/attachments")).status_code == 400


async def test_collections_users_and_tags(api: httpx.AsyncClient, world: World) -> None:
    collections = (await api.get("/collections")).json()["data"]
    assert [(c["name"], c["collection_type"], c["parent_collection"]) for c in collections] == [
        ("Acme", None, None),
        ("Launch", "PROJECT", world.acme.gid),
        ("Website", "PROJECT", world.acme.gid),
    ]
    assert collections[1]["description"] == "Ship it"
    assert (await api.get(f"/collections/{world.acme.gid}")).json()["data"]["name"] == "Acme"
    assert (await api.get(f"/collections/{world.launch.gid}")).json()["data"]["name"] == "Launch"
    users = (await api.get("/users", params={"collection_id": world.acme.gid})).json()["data"]
    assert [(u["name"], u["email_address"]) for u in users] == [
        ("Ada Lovelace", "ada.lovelace@example.com"),
        ("Bob Smith", "bob.smith@example.com"),
    ]
    assert (await api.get(f"/users/{world.bob.gid}")).json()["data"]["avatar"].endswith(".128x128.png")
    by_project = await api.get("/users", params={"collection_id": world.launch.gid})
    assert by_project.status_code == 400 and "workspace" in by_project.json()["error"]["message"]
    tags = (await api.get("/tags")).json()["data"]
    assert [t["name"] for t in tags] == ["bug", "feature"]
    assert (await api.get(f"/tags/{world.bug.gid}")).json()["data"]["name"] == "bug"
    assert (await api.get("/tags/1204999999999999")).status_code == 404
