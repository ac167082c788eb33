"""The unified endpoints end to end against the Linear fake: a real gateway, imported OAuth and API-key connections."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_linear
from fake_linear import FakeLinear, linear_error
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.provider import UpstreamError
from gateway.testing.kit import make_gateway

START = datetime(2024, 3, 1, 9, tzinfo=UTC)
ZERO = "00000000-0000-4000-8000-000000000000"


def stamp(hours: int) -> str:
    return (START + timedelta(hours=hours)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def fake() -> Iterator[FakeLinear]:
    linear = FakeLinear()
    ada = linear.add_user("Ada Lovelace", admin=True)
    grace = linear.add_user("Grace Hopper")
    eng = linear.add_team("ENG", "Engineering")
    ops = linear.add_team("OPS", "Operations")
    bug = linear.add_label("bug", team=eng)
    linear.add_label("customer")
    launch = linear.add_project("Launch")
    for n in range(1, 6):
        linear.add_issue(eng, f"Issue {n}", ada, createdAt=stamp(n), updatedAt=stamp(n))
    review = linear.add_issue(eng, "In review", ada, createdAt=stamp(6), updatedAt=stamp(6))
    review.update(stateId=linear.state_named(eng, "In Review")["id"], priority=2, assigneeId=grace["id"])
    review.update(labelIds=[bug["id"]], projectId=launch["id"], description="Needs a second look")  # add_issue
    # cannot take labelIds, description, priority, ... as keywords: it sets them itself first
    linear.add_issue(ops, "Ops issue", grace, createdAt=stamp(7), updatedAt=stamp(7))
    with linear.run():
        yield linear


def named(items: dict[str, dict[str, Any]], name: str, key: str = "name") -> dict[str, Any]:
    return next(item for item in items.values() if item[key] == name)


def catalog_override(tmp_path: Path, fake: FakeLinear) -> Path:
    path = tmp_path / "linear.yaml"
    proxy = f"  proxy:\n    base_url: {fake.base_url}\n"
    path.write_text(f"linear:\n  token_url: {fake.base_url}/oauth/token\n{proxy}linear-api-key:\n{proxy}")
    return path


async def connect(client: httpx.AsyncClient, token: str, connection_id: str = "user-1") -> dict[str, str]:
    """Create the OAuth integration (once) and import a non-expiring token; the headers naming the connection."""
    await client.post(
        "/integrations",
        json={
            "provider": "linear",
            "unique_key": "lin",
            "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret", "scopes": "read,write"},
        },
    )
    imported = await client.post(
        "/connections",
        json={
            "provider_config_key": "lin",
            "connection_id": connection_id,
            "credentials": {"type": "OAUTH2", "access_token": token, "no_expiration": True},
        },
    )
    assert imported.status_code == 201, imported.text
    return {"Connection-Id": connection_id, "Provider-Config-Key": "lin"}


@pytest.fixture
async def gateway_client(tmp_path: Path, fake: FakeLinear) -> AsyncIterator[httpx.AsyncClient]:
    override = catalog_override(tmp_path, fake)
    async with make_gateway(plugins=[unigate_linear], providers_files=[override], allow_private_hosts=True) as (
        _,
        client,
    ):
        yield client


@pytest.fixture
async def api(gateway_client: httpx.AsyncClient, fake: FakeLinear) -> httpx.AsyncClient:
    ada = named(fake.users, "Ada Lovelace")
    gateway_client.headers.update(await connect(gateway_client, fake.oauth_token_for(ada, expires_in=None)))
    return gateway_client


async def test_ticket_pages_follow_the_cursor(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    eng = named(fake.teams, "ENG", "key")
    seen: list[str] = []
    params: dict[str, Any] = {"collection_id": eng["id"], "page_size": 4}
    for _ in range(5):
        page = await api.get("/tickets", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert all(t["remote_data"] is None for t in body["data"])
        seen += [t["name"] for t in body["data"]]
        if body["next_cursor"] is None:
            break
        assert body["next_cursor"] not in fake.issues  # opaque, never the raw endCursor
        params = {**params, "cursor": body["next_cursor"]}
    assert seen == ["In review", *(f"Issue {n}" for n in range(5, 0, -1))]
    everything = (await api.get("/tickets", params={"page_size": 200})).json()
    assert [t["name"] for t in everything["data"]][0] == "Ops issue" and everything["next_cursor"] is None


async def test_the_cursor_keeps_the_lists_filters(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    eng = named(fake.teams, "ENG", "key")
    params: dict[str, Any] = {"collection_id": eng["id"], "status": "OPEN", "page_size": 2}
    first = (await api.get("/tickets", params=params)).json()
    rest = await api.get("/tickets", params={"cursor": first["next_cursor"]})  # the cursor alone
    assert rest.status_code == 200, rest.text
    names = [t["name"] for t in first["data"] + rest.json()["data"]]
    assert names == [f"Issue {n}" for n in range(5, 0, -1)] and rest.json()["next_cursor"] is None
    other = await api.get("/tickets", params={"cursor": first["next_cursor"], "status": "CLOSED"})
    assert other.status_code == 400 and other.json()["error"]["code"] == "invalid_cursor"
    same = await api.get("/tickets", params={**params, "cursor": first["next_cursor"]})
    assert [t["name"] for t in same.json()["data"]] == names[2:4]


async def test_attachments_of_an_issue(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    review, grace = named(fake.issues, "In review", "title"), named(fake.users, "Grace Hopper")
    links = [fake.add_attachment(review, f"PR #{n}", f"https://github.com/acme/app/pull/{n}", grace) for n in range(3)]
    first = await api.get("/attachments", params={"ticket_id": review["identifier"], "page_size": 2})
    assert first.status_code == 200, first.text
    rest = await api.get("/attachments", params={"cursor": first.json()["next_cursor"]})
    listed = first.json()["data"] + rest.json()["data"]
    expected = [(x["id"], x["title"], x["url"]) for x in links]
    assert [(a["id"], a["file_name"], a["file_url"]) for a in listed] == expected
    assert {(a["ticket"], a["uploaded_by"]) for a in listed} == {(review["id"], grace["id"])}
    one = (await api.get(f"/attachments/{links[1]['id']}")).json()["data"]
    assert one["file_name"] == "PR #1"
    assert (await api.get(f"/attachments/{ZERO}")).status_code == 404


async def test_status_priority_and_fields_are_mapped(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    eng, launch = named(fake.teams, "ENG", "key"), named(fake.projects, "Launch")
    grace, ada = named(fake.users, "Grace Hopper"), named(fake.users, "Ada Lovelace")
    listed = (await api.get("/tickets", params={"collection_id": eng["id"], "page_size": 1})).json()["data"][0]
    issue = named(fake.issues, "In review", "title")
    assert listed["id"] == listed["remote_id"] == issue["id"]
    assert (listed["status"], listed["remote_status"]) == ("IN_PROGRESS", "In Review")
    assert (listed["priority"], listed["remote_priority"]) == ("HIGH", "2")
    assert listed["assignees"] == [grace["id"]] and listed["creator"] == ada["id"]
    assert listed["collections"] == [eng["id"], launch["id"]] and listed["tags"] == ["bug"]
    assert listed["ticket_url"] == "https://linear.app/acme/issue/ENG-6" and listed["provider"] == "linear"
    assert listed["description"] == "Needs a second look"
    plain = (await api.get("/tickets/ENG-1")).json()["data"]
    assert (plain["status"], plain["remote_status"], plain["priority"], plain["remote_priority"]) == (
        "OPEN",
        "Todo",
        None,
        "0",
    )
    in_progress = await api.get("/tickets", params={"status": "IN_PROGRESS"})
    assert [t["name"] for t in in_progress.json()["data"]] == ["In review"]
    assert (await api.get("/tickets", params={"status": "ON_HOLD"})).json()["data"] == []
    recent = await api.get("/tickets", params={"modified_after": stamp(5)})
    assert [t["name"] for t in recent.json()["data"]] == ["Ops issue", "In review"]
    by_assignee = await api.get("/tickets", params={"assignee_id": grace["id"]})
    assert by_assignee.status_code == 400 and "assignee_id" in by_assignee.json()["error"]["message"]


async def test_get_with_remote_data_and_missing_issue(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    issue = named(fake.issues, "Issue 2", "title")
    full = await api.get(f"/tickets/{issue['id']}", params={"include_remote_data": "true"})
    assert full.status_code == 200, full.text
    data = full.json()["data"]
    assert data["name"] == "Issue 2" and data["remote_data"]["identifier"] == "ENG-2"
    assert data["remote_created_at"].startswith("2024-03-01T11:00:00")
    missing = await api.get("/tickets/ENG-99")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_create_and_update_move_through_workflow_states(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    eng, grace = named(fake.teams, "ENG", "key"), named(fake.users, "Grace Hopper")
    created = await api.post(
        "/tickets",
        json={
            "name": "Crash",
            "description": "It crashes",
            "collections": [eng["id"]],
            "tags": ["bug", "customer"],
            "assignees": [grace["id"]],
            "priority": "URGENT",
            "ticket_type": "bug",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    ticket = body["data"]
    assert (ticket["name"], ticket["status"], ticket["priority"], ticket["remote_priority"]) == (
        "Crash",
        "OPEN",
        "URGENT",
        "1",
    )
    assert ticket["tags"] == ["bug", "customer"] and ticket["assignees"] == [grace["id"]]
    assert body["warnings"] == [
        {"field": "ticket_type", "message": "Linear issues have no type", "object_id": ticket["id"]}
    ]
    assert fake.issues[ticket["id"]]["description"] == "It crashes"

    started = await api.patch(f"/tickets/{ticket['id']}", json={"status": "IN_PROGRESS", "priority": "LOW"})
    assert started.status_code == 200, started.text
    data = started.json()["data"]
    assert (data["status"], data["remote_status"], data["priority"]) == ("IN_PROGRESS", "In Progress", "LOW")
    closed = (await api.patch(f"/tickets/{ticket['id']}", json={"status": "CLOSED"})).json()["data"]
    assert (closed["status"], closed["remote_status"]) == ("CLOSED", "Done") and closed["completed_at"] is not None
    canceled = (await api.patch(f"/tickets/{ticket['id']}", json={"remote_status": "Canceled"})).json()["data"]
    assert (canceled["status"], canceled["remote_status"]) == ("CLOSED", "Canceled")
    cleared = (await api.patch(f"/tickets/{ticket['id']}", json={"priority": None, "tags": []})).json()["data"]
    assert (cleared["priority"], cleared["remote_priority"], cleared["tags"]) == (None, "0", [])

    on_hold = await api.patch(f"/tickets/{ticket['id']}", json={"status": "ON_HOLD"})
    assert on_hold.status_code == 422 and "status" in on_hold.json()["error"]["message"]
    unknown_state = await api.patch(f"/tickets/{ticket['id']}", json={"remote_status": "Shipped"})
    assert unknown_state.status_code == 422 and "In Review" in unknown_state.json()["error"]["message"]
    unknown_tag = await api.post("/tickets", json={"name": "x", "collections": [eng["id"]], "tags": ["nope"]})
    assert unknown_tag.status_code == 422 and "nope" in unknown_tag.json()["error"]["message"]
    no_team = await api.post("/tickets", json={"name": "x"})
    assert no_team.status_code == 400 and "collections" in no_team.json()["error"]["message"]


async def test_comments_list_and_create(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    issue, ada = named(fake.issues, "Issue 3", "title"), named(fake.users, "Ada Lovelace")
    path = f"/tickets/{issue['id']}/comments"
    assert (await api.get(path)).json() == {"data": [], "next_cursor": None}
    for text in ("First", "Second", "Third"):
        posted = await api.post(path, json={"body": text})
        assert posted.status_code == 201, posted.text
    comment = posted.json()["data"]
    assert (comment["ticket"], comment["body"], comment["user"]) == (issue["id"], "Third", ada["id"])
    first = (await api.get(path, params={"page_size": 2})).json()
    rest = (await api.get(path, params={"page_size": 2, "cursor": first["next_cursor"]})).json()
    assert [c["body"] for c in first["data"] + rest["data"]] == ["First", "Second", "Third"]
    assert rest["next_cursor"] is None
    by_identifier = (await api.get("/tickets/ENG-3/comments")).json()["data"]
    assert {c["ticket"] for c in by_identifier} == {issue["id"]}
    private = await api.post(path, json={"body": "secret", "is_private": True})
    assert private.status_code == 422 and "is_private" in private.json()["error"]["message"]
    missing = await api.post("/tickets/ENG-99/comments", json={"body": "hi"})
    assert missing.status_code == 404


async def test_collections_users_and_tags(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    seen: list[tuple[str, str]] = []
    params: dict[str, Any] = {"page_size": 1}
    for _ in range(6):
        body = (await api.get("/collections", params=params)).json()
        seen += [(c["name"], c["collection_type"]) for c in body["data"]]
        if body["next_cursor"] is None:
            break
        params = {"page_size": 1, "cursor": body["next_cursor"]}
    assert seen == [("Engineering", "TEAM"), ("Operations", "TEAM"), ("Launch", "PROJECT")]
    users = (await api.get("/users", params={"page_size": 1})).json()
    more = (await api.get("/users", params={"page_size": 1, "cursor": users["next_cursor"]})).json()
    assert [(u["name"], u["username"], u["is_active"]) for u in users["data"] + more["data"]] == [
        ("Ada Lovelace", "ada", True),
        ("Grace Hopper", "grace", True),
    ]
    assert more["next_cursor"] is None
    tags = (await api.get("/tags")).json()["data"]
    assert [t["name"] for t in tags] == ["bug", "customer"]
    ops = named(fake.teams, "OPS", "key")
    assert [t["name"] for t in (await api.get("/tags", params={"collection_id": ops["id"]})).json()["data"]] == [
        "customer"
    ]
    since = await api.get("/users", params={"modified_after": stamp(0)})
    assert since.status_code == 400 and "modified_after" in since.json()["error"]["message"]
    grace, launch = named(fake.users, "Grace Hopper"), named(fake.projects, "Launch")
    assert (await api.get(f"/users/{grace['id']}")).json()["data"]["username"] == "grace"
    team = (await api.get(f"/collections/{ops['id']}")).json()["data"]
    project = (await api.get(f"/collections/{launch['id']}")).json()["data"]
    assert (team["name"], team["collection_type"]) == ("Operations", "TEAM")
    assert (project["name"], project["collection_type"]) == ("Launch", "PROJECT")
    for missing in (f"/collections/{ZERO}", f"/users/{ZERO}"):
        answer = await api.get(missing)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", missing


async def test_api_key_connection_sends_the_key_without_bearer(
    gateway_client: httpx.AsyncClient, fake: FakeLinear
) -> None:
    grace = named(fake.users, "Grace Hopper")
    key = fake.api_key_for(grace)
    await gateway_client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin-key"})
    imported = await gateway_client.post(
        "/connections",
        json={
            "provider_config_key": "lin-key",
            "connection_id": "k1",
            "credentials": {"type": "API_KEY", "apiKey": key},
        },
    )
    assert imported.status_code == 201, imported.text
    headers = {"Connection-Id": "k1", "Provider-Config-Key": "lin-key"}
    answer = await gateway_client.get("/tickets/ENG-1", headers=headers)
    assert answer.status_code == 200, answer.text  # the fake refuses an API key sent as "Bearer <key>"
    assert answer.json()["data"]["provider"] == "linear-api-key"
    posted = await gateway_client.post("/tickets/ENG-1/comments", json={"body": "From a key"}, headers=headers)
    assert posted.json()["data"]["user"] == grace["id"]
    wrong = {"type": "API_KEY", "apiKey": "lin_api_wrong"}
    imported = await gateway_client.post(
        "/connections", json={"provider_config_key": "lin-key", "connection_id": "k2", "credentials": wrong}
    )
    assert imported.status_code == 201, imported.text  # imports are not verified
    refused = await gateway_client.get("/users", headers={**headers, "Connection-Id": "k2"})
    assert refused.status_code == 502 and refused.json()["error"]["code"] == "upstream_unauthorized"


async def test_revoked_token_and_rate_limit_are_mapped(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    fake.fail_next(1, lambda request: fake.rate_limit_response(request, reset_in=3600))  # not at the top of an hour
    limited = await api.get("/tickets")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    for token in list(fake.tokens):
        fake.revoke_token(token)
    refused = await api.get("/collections")
    assert refused.status_code == 502 and refused.json()["error"]["code"] == "upstream_unauthorized"


def soon_rate_limit(request: Request) -> Response:
    """Linear's rate-limit answer, with a budget that resets right away."""
    reset = str(int(time.time() * 1000))
    headers = {"x-ratelimit-requests-remaining": "0", "x-ratelimit-requests-reset": reset}
    return JSONResponse({"errors": [linear_error("ratelimited", "Rate limit exceeded", 429)]}, 400, headers)


async def test_proxy_waits_and_retries_a_rate_limit(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    fake.fail_next(1, soon_rate_limit)
    answer = await api.post("/proxy/graphql", json={"query": "{ viewer { name } }"}, headers={"Retries": "2"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"viewer": {"name": "Ada Lovelace"}}}
    invalid = await api.post("/proxy/graphql", json={"query": "{ nope }"}, headers={"Retries": "2"})
    assert invalid.status_code == 400 and len(fake.requests_to("/graphql")) == 3  # not retried


def test_classify_error() -> None:
    provider = unigate_linear.LinearProvider()
    reset = str(int((time.time() + 30) * 1000))
    body = json.dumps({"errors": [linear_error("ratelimited", "Rate limit exceeded", 429)]}).encode()
    limited = provider.classify_error(UpstreamError(400, {"x-ratelimit-requests-reset": reset}, body))
    assert limited is not None and (limited.action, limited.failure) == ("wait_and_retry", "rate_limited")
    assert limited.wait_seconds is not None and 25 < limited.wait_seconds <= 30
    auth = json.dumps({"errors": [linear_error("auth", "Authentication required", 401)]}).encode()
    resolution = provider.classify_error(UpstreamError(400, {}, auth))
    assert resolution is not None and resolution.action == "refresh_and_retry"
    invalid = provider.classify_error(UpstreamError(400, {}, b'{"errors": [{"message": "bad"}]}'))
    assert invalid is not None and invalid.action == "fail"
    assert provider.classify_error(UpstreamError(503, {}, b"")) is None
