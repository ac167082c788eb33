"""The Zendesk fake against the published record schemas (airbyte-source-zendesk-support 4.9.1) and API facts.

Every object the fake serves is validated with ``jsonschema`` against the schema of its record, and must not carry
a property the schema does not list (so the fake cannot drift into invented fields).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from airbyte_schemas import load
from fake_zendesk import FakeZendesk
from jsonschema import Draft7Validator  # type: ignore[import-untyped]
from zendesk_shapes import ZUser, stamp

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
EXTRA = {"result_type"}  # search results add the record type to each ticket


def check_record(kind: str, value: dict[str, Any]) -> None:
    schema = load(kind)
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert not problems, f"{kind}: {problems}"
    unknown = set(value) - set(schema["properties"]) - EXTRA
    assert not unknown, f"{kind} carries properties the schema does not describe: {sorted(unknown)}"


@dataclass
class World:
    fake: FakeZendesk
    admin: ZUser
    agent: ZUser
    customer: ZUser


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeZendesk()
    support = fake.add_group("Support", "First line")
    acme = fake.add_organization("Acme", ["acme.com"])
    admin = fake.add_user("Ada Admin", "admin", default_group_id=support.id)
    agent = fake.add_user("Alan Agent", "agent", default_group_id=support.id)
    customer = fake.add_user("Cora Customer", "end-user", organization_id=acme.id, phone="+15550100")
    for n in range(5):
        moment = stamp(START + timedelta(hours=n))
        fake.add_ticket(f"Printer {n}", customer, f"It is broken {n}", created_at=moment, tags=[f"t{n % 2}"])
    with fake.run():
        yield World(fake, admin, agent, customer)


@pytest.fixture
def api(world: World) -> Iterator[httpx.Client]:
    token = world.fake.oauth_token_for(world.admin)
    base = f"{world.fake.base_url}/api/v2"
    with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=10) as client:
        yield client


def walk(client: httpx.Client, path: str, key: str, size: int, **params: Any) -> tuple[list[Any], int]:
    """Every item of a cursor-paged list, and the number of pages."""
    items, pages, query = [], 0, {**params, "page[size]": size}
    while True:
        body = client.get(path, params=query).json()
        assert set(body) == {key, "meta", "links"}
        items += body[key]
        pages += 1
        if not body["meta"]["has_more"]:
            return items, pages
        assert parse_qs(urlsplit(body["links"]["next"]).query)["page[after]"] == [body["meta"]["after_cursor"]]
        query = {**params, "page[size]": size, "page[after]": body["meta"]["after_cursor"]}


def test_served_records_match_the_published_schemas(world: World, api: httpx.Client) -> None:
    created = api.post(
        "/tickets",
        json={"ticket": {"subject": "New", "comment": {"body": "Hi"}, "priority": "high", "type": "task"}},
    )
    assert created.status_code == 201, created.text
    ticket_id = created.json()["ticket"]["id"]
    note = api.put(f"/tickets/{ticket_id}", json={"ticket": {"comment": {"body": "internal", "public": False}}})
    added = world.fake.add_attachment(world.fake.tickets[ticket_id], "log.txt", "text/plain", 12)
    records = [
        *(("ticket", t) for t in api.get("/tickets.json").json()["tickets"]),
        ("ticket", created.json()["ticket"]),
        *(("comment", e) for e in note.json()["audit"]["events"]),
        *(("comment", c) for c in api.get(f"/tickets/{ticket_id}/comments").json()["comments"]),
        *(("user", u) for u in api.get("/users").json()["users"]),
        ("user", api.get("/users/me.json").json()["user"]),
        *(("group", g) for g in api.get("/groups").json()["groups"]),
        *(("organization", o) for o in api.get("/organizations").json()["organizations"]),
        *(("tag", t) for t in api.get("/tags").json()["tags"]),
        *(("ticket", t) for t in api.get("/incremental/tickets/cursor", params={"start_time": 0}).json()["tickets"]),
        *(
            ("ticket", t)
            for t in api.get("/search/export", params={"query": "status<solved", "filter[type]": "ticket"}).json()[
                "results"
            ]
        ),
    ]
    assert {kind for kind, _ in records} == {"ticket", "comment", "user", "group", "organization", "tag"}
    for kind, record in records:
        check_record(kind, record)
    single = api.get(f"/attachments/{added['id']}").json()["attachment"]
    schema = load("comment")["properties"]["attachments"]["items"]
    assert not list(Draft7Validator(schema).iter_errors(single)) and set(single) <= set(schema["properties"])
    listed = api.get(f"/tickets/{ticket_id}/comments").json()["comments"][0]["attachments"]
    assert listed == [single] and api.get("/attachments/1").status_code == 404


def test_cursor_pagination_and_its_errors(world: World, api: httpx.Client) -> None:
    tickets, pages = walk(api, "/tickets", "tickets", 2)
    assert [t["subject"] for t in tickets] == [f"Printer {n}" for n in range(5)] and pages == 3
    last = api.get("/tickets", params={"page[size]": 5}).json()
    assert last["meta"]["has_more"] is False and last["meta"]["after_cursor"]  # a cursor even on the last page
    users, _ = walk(api, "/users", "users", 1, **{"role[]": ["agent", "admin"]})
    assert [u["role"] for u in users] == ["admin", "agent"]
    end_users = api.get("/users", params={"role": "end-user"}).json()["users"]
    assert [u["name"] for u in end_users] == ["Cora Customer"] and end_users[0]["ticket_restriction"] == "requested"
    assert api.get("/tickets", params={"page[size]": 101}).status_code == 400
    bad = api.get("/tickets", params={"page[size]": 2, "page[after]": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error"] == "InvalidPaginationParameter"
    comments = api.get("/tickets/1/comments").json()["comments"]
    assert [(c["plain_body"], c["public"]) for c in comments] == [("It is broken 0", True)]


def test_incremental_export_and_search(world: World, api: httpx.Client) -> None:
    since = int((START + timedelta(hours=2)).timestamp())
    first = api.get("/incremental/tickets/cursor", params={"start_time": since, "per_page": 2}).json()
    assert [t["subject"] for t in first["tickets"]] == ["Printer 2", "Printer 3"] and not first["end_of_stream"]
    assert first["tickets"][0]["generated_timestamp"] == since
    second = api.get("/incremental/tickets/cursor", params={"cursor": first["after_cursor"], "per_page": 2}).json()
    assert [t["subject"] for t in second["tickets"]] == ["Printer 4"] and second["end_of_stream"] is True
    assert api.get("/incremental/tickets/cursor").status_code == 400
    world.fake.tickets[5].deleted = True
    exported = api.get("/incremental/tickets/cursor", params={"start_time": since}).json()["tickets"]
    assert exported[-1]["status"] == "deleted" and api.get("/tickets/5").status_code == 404

    world.fake.tickets[1].status, world.fake.tickets[2].status = "hold", "solved"
    world.fake.tickets[3].assignee_id = world.agent.id

    def search(query: str) -> list[int]:
        answer = api.get("/search/export", params={"query": query, "filter[type]": "ticket", "page[size]": 50})
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["results"]]

    assert search("status>open status<solved") == [1]
    assert search("status>=solved") == [2]
    assert search("status<pending") == [3, 4]
    assert search(f"assignee:{world.agent.id}") == [3]
    assert search("updated>=2024-03-01T11:00:00Z status<solved") == [3, 4]
    assert api.get("/search/export", params={"query": "status:open"}).status_code == 400  # filter[type] required
    assert api.get("/search/export", params={"query": "status:nope", "filter[type]": "ticket"}).status_code == 400


def test_writes_validate_and_comments_can_be_private(world: World, api: httpx.Client) -> None:
    blank = api.post("/tickets", json={"ticket": {"subject": "x"}})
    assert blank.status_code == 422 and blank.json()["details"]["description"][0]["error"] == "BlankValue"
    bad = api.post("/tickets", json={"ticket": {"comment": {"body": "x"}, "priority": "extreme"}})
    assert bad.status_code == 422 and "priority" in bad.json()["details"]
    assigned = api.put("/tickets/1", json={"ticket": {"assignee_id": world.agent.id, "tags": ["VIP", "b"]}})
    assert assigned.json()["ticket"]["status"] == "open" and assigned.json()["ticket"]["tags"] == ["b", "vip"]
    assert assigned.json()["audit"]["events"] == []
    not_agent = api.put("/tickets/1", json={"ticket": {"assignee_id": world.customer.id}})
    assert not_agent.status_code == 422 and "assignee" in not_agent.json()["details"]
    note = api.put("/tickets/1", json={"ticket": {"comment": {"body": "secret", "public": False}}})
    [event] = note.json()["audit"]["events"]
    assert (event["type"], event["public"], event["author_id"]) == ("Comment", False, world.admin.id)
    world.fake.tickets[1].status = "closed"
    closed = api.put("/tickets/1", json={"ticket": {"subject": "again"}})
    assert closed.status_code == 422
    assert closed.json()["details"]["status"][0]["description"] == "Status: closed prevents ticket update"
    missing = api.get("/tickets/999")
    assert missing.status_code == 404 and missing.json() == {"error": "RecordNotFound", "description": "Not found"}


def test_api_token_basic_and_bearer_refusals(world: World) -> None:
    fake, base = world.fake, f"{world.fake.base_url}/api/v2/users/me.json"
    username, token = fake.api_token_for(world.agent)
    assert username == f"{world.agent.email}/token"
    me = httpx.get(base, auth=(username, token))
    assert me.status_code == 200 and me.json()["user"]["id"] == world.agent.id
    wrong_email = httpx.get(base, auth=(f"{world.admin.email}/token", token))
    assert wrong_email.status_code == 401 and wrong_email.json() == {"error": "Couldn't authenticate you"}
    password = httpx.get(base, auth=(world.agent.email, token))
    assert password.status_code == 401
    expired = fake.oauth_token_for(world.admin)
    fake.expire_token(expired)
    refused = httpx.get(base, headers={"authorization": f"Bearer {expired}"})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    assert "invalid_token" in refused.headers["www-authenticate"]


def test_rate_limit_answer(world: World, api: httpx.Client) -> None:
    world.fake.fail_next(1)
    limited = api.get("/tickets")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
    assert limited.headers["content-type"].startswith("text/plain")
    assert limited.text == "Number of allowed API requests per minute exceeded"
    assert api.get("/tickets").status_code == 200


def test_oauth_code_grant_and_rotating_refresh(world: World) -> None:
    fake, base = world.fake, world.fake.base_url
    authorize = {
        "response_type": "code",
        "client_id": fake.client_id,
        "redirect_uri": "http://127.0.0.1/cb",
        "scope": "read write",
        "state": "s1",
    }
    location = httpx.get(f"{base}/oauth/authorizations/new", params=authorize).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    creds = {"client_id": fake.client_id, "client_secret": fake.client_secret}
    exchange = {**creds, "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/cb"}
    first = httpx.post(f"{base}/oauth/tokens", json={**exchange, "expires_in": 1800}).json()
    assert (first["token_type"], first["scope"], first["expires_in"]) == ("bearer", "read write", 1800)
    assert first["refresh_token_expires_in"] > first["expires_in"]
    assert httpx.post(f"{base}/oauth/tokens", json=exchange).json()["error"] == "invalid_grant"  # single use

    refresh = {**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = httpx.post(f"{base}/oauth/tokens", data=refresh).json()
    assert second["refresh_token"] != first["refresh_token"] and second["expires_in"] == 7200
    old = httpx.get(f"{base}/api/v2/users/me", headers={"authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401  # the refresh deleted the previous access token
    assert first["access_token"] not in fake.tokens and first["refresh_token"] not in fake.tokens
    again = httpx.post(f"{base}/oauth/tokens", json=refresh)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    bad_client = httpx.post(f"{base}/oauth/tokens", json={**refresh, "client_secret": "no"})
    assert bad_client.status_code == 401
    too_long = httpx.post(f"{base}/oauth/tokens", json={**exchange, "expires_in": 999999})
    assert too_long.status_code == 400
    assert fake.grants == {"authorization_code": 1, "refresh_token": 1}


def test_tokens_without_expiry_as_before_2025(world: World) -> None:
    fake = FakeZendesk(access_ttl=None)
    admin = fake.add_user("Old Admin", "admin")
    with fake.run() as base:
        code = fake.issue_token(kind="code", expires_in=120, redirect_uri="http://x/cb", user_id=admin.id)
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://x/cb"}
        auth = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
        answer = httpx.post(f"{base}/oauth/tokens", json=body, headers={"authorization": f"Basic {auth}"}).json()
        assert "expires_in" not in answer and answer["access_token"] in fake.tokens
        assert fake.tokens[answer["access_token"]].expires_at is None
