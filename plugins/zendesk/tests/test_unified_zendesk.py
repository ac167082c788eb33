"""The unified endpoints end to end against the Zendesk fake: a real gateway, OAuth and API-token connections."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_zendesk
from fake_zendesk import FakeZendesk
from zendesk_shapes import ZGroup, ZOrganization, ZUser, stamp

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import connect_with_oauth

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
HEADERS = {"Connection-Id": "user-1", "Provider-Config-Key": "zd"}


@dataclass
class World:
    fake: FakeZendesk
    admin: ZUser
    agent: ZUser
    customer: ZUser
    support: ZGroup
    acme: ZOrganization


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeZendesk()
    support = fake.add_group("Support", "First line")
    fake.add_group("Billing", "Invoices")
    acme = fake.add_organization("Acme", ["acme.com", "acme.org"])
    admin = fake.add_user("Ada Admin", "admin", default_group_id=support.id)
    agent = fake.add_user("Alan Agent", "agent", default_group_id=support.id, suspended=True)
    customer = fake.add_user("Cora Customer", "end-user", organization_id=acme.id, phone="+15550100", details="VIP")
    for n in range(5):
        moment = stamp(START + timedelta(hours=n))
        fake.add_ticket(f"Printer {n}", customer, f"Broken {n}", created_at=moment, tags=["printer"])
    held = fake.tickets[2]
    held.status, held.priority, held.type, held.assignee_id, held.group_id = (
        "hold",
        "urgent",
        "incident",
        agent.id,
        support.id,
    )
    fake.tickets[3].status = "solved"
    with fake.run():
        yield World(fake, admin, agent, customer, support, acme)


def catalog(tmp_path: Path, url: str) -> Path:
    override = tmp_path / "zendesk.yaml"
    override.write_text(
        f"zendesk:\n  authorization_url: {url}/oauth/authorizations/new\n  token_url: {url}/oauth/tokens\n"
        f"  proxy:\n    base_url: {url}\nzendesk-api-token:\n  proxy:\n    base_url: {url}\n"
    )
    return override


@pytest.fixture
async def gateway_client(tmp_path: Path, world: World) -> AsyncIterator[httpx.AsyncClient]:
    files = [catalog(tmp_path, world.fake.base_url)]
    async with make_gateway(plugins=[unigate_zendesk], providers_files=files, allow_private_hosts=True) as (_, client):
        credentials = {"type": "OAUTH2", "client_id": world.fake.client_id, "client_secret": world.fake.client_secret}
        made = await client.post(
            "/integrations", json={"provider": "zendesk", "unique_key": "zd", "credentials": credentials}
        )
        assert made.status_code == 200, made.text
        yield client


@pytest.fixture
async def api(gateway_client: httpx.AsyncClient, world: World) -> httpx.AsyncClient:
    """The client with an imported OAuth connection (a token that does not expire)."""
    imported = await gateway_client.post(
        "/connections",
        json={
            "provider_config_key": "zd",
            "connection_id": "user-1",
            "credentials": {
                "type": "OAUTH2",
                "access_token": world.fake.oauth_token_for(world.admin),
                "no_expiration": True,
            },
            "connection_config": {"subdomain": "acme"},
        },
    )
    assert imported.status_code == 201, imported.text
    gateway_client.headers.update(HEADERS)
    return gateway_client


async def walk(api: httpx.AsyncClient, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    items, pages, query = [], 0, dict(params)
    while True:
        answer = await api.get(path, params=query)
        assert answer.status_code == 200, answer.text
        items += answer.json()["data"]
        pages += 1
        if answer.json()["next_cursor"] is None:
            return items, pages
        query = {"page_size": params.get("page_size", 50), "cursor": answer.json()["next_cursor"]}


async def test_oauth_connection_lists_tickets_and_refreshes_an_expired_token(
    gateway_client: httpx.AsyncClient, world: World
) -> None:
    fake = world.fake
    connection = await connect_with_oauth(gateway_client, "zd", "user-1", params={"params[subdomain]": "acme"})
    assert connection["connection_config"]["subdomain"] == "acme"
    assert connection["connection_config"]["user_id"] == str(world.admin.id)
    [authorize] = fake.requests_to("/oauth/authorizations/new")
    assert authorize.params["scope"] == "read write" and authorize.params["response_type"] == "code"
    tickets = await gateway_client.get("/tickets", headers=HEADERS)
    assert tickets.status_code == 200, tickets.text
    assert [t["id"] for t in tickets.json()["data"]] == ["1", "2", "3", "4", "5"]

    first_access = connection["credentials"]["access_token"]
    fake.expire_token(first_access)
    again = await gateway_client.get("/tickets/2", headers=HEADERS)
    assert again.status_code == 200, again.text
    assert again.json()["data"]["remote_status"] == "hold" and fake.grants["refresh_token"] == 1
    assert first_access not in fake.tokens  # Zendesk deleted the previous pair on refresh
    params = {"provider_config_key": "zd", "refresh_token": "true"}
    stored = (await gateway_client.get("/connections/user-1", params=params)).json()["credentials"]
    assert stored["access_token"] != first_access and stored["refresh_token"] in fake.tokens
    assert (await gateway_client.get("/users", headers=HEADERS)).status_code == 200
    assert fake.grants["refresh_token"] == 1


async def test_ticket_pages_and_fields(api: httpx.AsyncClient, world: World) -> None:
    tickets, pages = await walk(api, "/tickets", page_size=2)
    assert [t["id"] for t in tickets] == ["1", "2", "3", "4", "5"] and pages == 3
    sizes = {r.params.get("page[size]") for r in world.fake.requests_to("/api/v2/tickets")}
    assert sizes == {"2"}
    held = (await api.get("/tickets/2", params={"include_remote_data": "true"})).json()["data"]
    assert (held["status"], held["remote_status"], held["priority"], held["remote_priority"]) == (
        "ON_HOLD",
        "hold",
        "URGENT",
        "urgent",
    )
    assert held["assignees"] == [str(world.agent.id)] and held["assigned_teams"] == [str(world.support.id)]
    assert held["contact"] == str(world.customer.id) and held["account"] == str(world.acme.id)
    assert held["creator"] == str(world.customer.id) and held["ticket_type"] == "incident"
    assert held["description"] == "Broken 1" and held["tags"] == ["printer"] and held["name"] == "Printer 1"
    assert held["ticket_url"] == f"{world.fake.base_url}/agent/tickets/2"
    assert held["remote_created_at"].startswith("2024-03-01T10:00:00") and held["remote_data"]["id"] == 2
    solved = (await api.get("/tickets/3")).json()["data"]
    assert (solved["status"], solved["remote_status"], solved["priority"]) == ("CLOSED", "solved", None)


async def test_ticket_filters_use_search_and_incremental_export(api: httpx.AsyncClient, world: World) -> None:
    on_hold = (await api.get("/tickets", params={"status": "ON_HOLD"})).json()["data"]
    assert [t["id"] for t in on_hold] == ["2"]
    [search] = world.fake.requests_to("/api/v2/search/export")
    assert search.params["query"] == "status>open status<solved" and search.params["filter[type]"] == "ticket"
    open_ones, pages = await walk(api, "/tickets", status="OPEN", page_size=1)
    assert [t["id"] for t in open_ones] == ["1", "4", "5"] and pages == 3
    assigned = (await api.get("/tickets", params={"assignee_id": str(world.agent.id)})).json()["data"]
    assert [t["id"] for t in assigned] == ["2"]
    assert (await api.get("/tickets", params={"status": "IN_PROGRESS"})).json()["data"] == []

    since = START + timedelta(hours=2)
    changed, pages = await walk(api, "/tickets", modified_after=since.isoformat(), page_size=2)
    assert [t["id"] for t in changed] == ["3", "4", "5"] and pages == 2
    first = world.fake.requests_to("/api/v2/incremental/tickets/cursor")[0]
    assert first.params == {"start_time": str(int(since.timestamp())), "per_page": "2"}
    world.fake.tickets[4].deleted = True
    remaining = (await api.get("/tickets", params={"modified_after": since.isoformat()})).json()["data"]
    assert [t["id"] for t in remaining] == ["3", "5"]  # deleted tickets are left out
    closed_since = (await api.get("/tickets", params={"modified_after": since.isoformat(), "status": "CLOSED"})).json()
    assert [t["id"] for t in closed_since["data"]] == ["3"]
    assert (
        world.fake.requests_to("/api/v2/search/export")[-1].params["query"]
        == "status>=solved updated>=2024-03-01T11:00:00Z"
    )

    by_collection = await api.get("/tickets", params={"collection_id": "x"})
    assert by_collection.status_code == 400 and "collection_id" in by_collection.json()["error"]["message"]
    bad_assignee = await api.get("/tickets", params={"assignee_id": "ada"})
    assert bad_assignee.status_code == 400 and bad_assignee.json()["error"]["code"] == "invalid_id"


async def test_create_and_update_with_warnings(api: httpx.AsyncClient, world: World) -> None:
    created = await api.post(
        "/tickets",
        json={
            "name": "Toner empty",
            "description": "Please refill",
            "priority": "HIGH",
            "status": "ON_HOLD",
            "ticket_type": "task",
            "tags": ["toner"],
            "assignees": [str(world.agent.id)],
            "assigned_teams": [str(world.support.id)],
            "contact": str(world.customer.id),
            "collections": ["nope"],
            "due_date": "2024-04-01T12:00:00Z",
        },
    )
    assert created.status_code == 201, created.text
    ticket = created.json()["data"]
    assert ticket["id"] == "6" and (ticket["status"], ticket["remote_status"]) == ("ON_HOLD", "pending")
    assert (ticket["priority"], ticket["ticket_type"], ticket["tags"]) == ("HIGH", "task", ["toner"])
    assert ticket["contact"] == str(world.customer.id) and ticket["account"] == str(world.acme.id)
    assert ticket["creator"] == str(world.admin.id) and ticket["description"] == "Please refill"
    assert ticket["due_date"].startswith("2024-04-01T12:00:00")
    assert created.json()["warnings"] == [
        {"field": "collections", "message": "Zendesk tickets do not belong to collections", "object_id": "6"}
    ]
    sent = world.fake.requests_to("/api/v2/tickets", "POST")[-1].json()["ticket"]
    assert sent["comment"] == {"body": "Please refill"} and sent["status"] == "pending"

    updated = await api.patch(
        "/tickets/6", json={"status": "CLOSED", "name": "Toner refilled", "description": "new text", "assignees": []}
    )
    assert updated.status_code == 200, updated.text
    data = updated.json()["data"]
    assert (data["status"], data["remote_status"], data["name"], data["assignees"]) == (
        "CLOSED",
        "solved",
        "Toner refilled",
        [],
    )
    assert [w["field"] for w in updated.json()["warnings"]] == ["description"]
    assert data["description"] == "Please refill"
    reopened = await api.patch("/tickets/6", json={"remote_status": "open", "priority": None})
    assert (reopened.json()["data"]["status"], reopened.json()["data"]["priority"]) == ("OPEN", None)


async def test_refusals_keep_their_meaning(api: httpx.AsyncClient, world: World) -> None:
    no_text = await api.post("/tickets", json={"name": "x"})
    assert no_text.status_code == 400 and "description" in no_text.json()["error"]["message"]
    in_progress = await api.patch("/tickets/1", json={"status": "IN_PROGRESS"})
    assert in_progress.status_code == 422 and in_progress.json()["error"]["message"].startswith("status:")
    bad_status = await api.patch("/tickets/1", json={"remote_status": "archived"})
    assert (
        bad_status.status_code == 422 and bad_status.json()["error"]["code"] == "invalid_request"
    )  # the error table's code for a refused value
    assert bad_status.json()["error"]["message"].startswith("status:")
    not_agent = await api.patch("/tickets/1", json={"assignees": [str(world.customer.id)]})
    assert not_agent.status_code == 422 and not_agent.json()["error"]["message"].startswith("assignees:")
    two = await api.patch("/tickets/1", json={"assignees": [str(world.agent.id), str(world.admin.id)]})
    assert two.status_code == 422 and "at most one" in two.json()["error"]["message"]
    world.fake.tickets[3].status = "closed"
    closed = await api.patch("/tickets/3", json={"name": "again"})
    assert closed.status_code == 422 and "closed prevents ticket update" in closed.json()["error"]["message"]
    for missing in (
        await api.get("/tickets/999"),
        await api.patch("/tickets/999", json={"name": "x"}),
        await api.get("/tickets/999/comments"),
        await api.post("/tickets/999/comments", json={"body": "x"}),
        await api.get("/contacts/999"),
    ):
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found", missing.text
    bad_id = await api.get("/tickets/abc")
    assert bad_id.status_code == 400 and bad_id.json()["error"]["code"] == "invalid_id"


async def test_comments_public_and_private(api: httpx.AsyncClient, world: World) -> None:
    path = "/tickets/1/comments"
    public = await api.post(path, json={"body": "We are on it"})
    assert public.status_code == 201, public.text
    note = await api.post(path, json={"body": "Customer is VIP", "is_private": True})
    html = await api.post(path, json={"html_body": "<p>Fixed</p>", "is_private": False})
    assert (public.json()["data"]["is_private"], note.json()["data"]["is_private"]) == (False, True)
    assert html.json()["data"]["html_body"] == "<p>Fixed</p>"
    assert note.json()["data"]["user"] == str(world.admin.id)
    assert note.json()["data"]["id"] == f"1/comments/{note.json()['data']['remote_id']}"
    sent = world.fake.requests_to("/api/v2/tickets/1", "PUT")[1].json()
    assert sent == {"ticket": {"comment": {"body": "Customer is VIP", "public": False}}}
    assert [c.public for c in world.fake.tickets[1].comments] == [True, True, False, True]
    comments, pages = await walk(api, path, page_size=3)
    assert pages == 2 and [(c["body"], c["is_private"]) for c in comments] == [
        ("Broken 0", False),
        ("We are on it", False),
        ("Customer is VIP", True),
        ("<p>Fixed</p>", False),
    ]


async def test_attachments_of_a_ticket(api: httpx.AsyncClient, world: World) -> None:
    ticket = world.fake.tickets[1]
    added = [world.fake.add_attachment(ticket, f"shot-{n}.png", "image/png", 100 + n) for n in range(3)]
    listed = await api.get("/attachments", params={"ticket_id": "1"})
    assert listed.status_code == 200, listed.text
    first = await api.get("/attachments", params={"ticket_id": "1", "page_size": 2})
    rest = await api.get("/attachments", params={"cursor": first.json()["next_cursor"]})  # the cursor holds the ticket
    assert [a["id"] for a in first.json()["data"] + rest.json()["data"]] == [str(item["id"]) for item in added]
    first_comment = f"1/comments/{ticket.comments[0].id}"
    assert [(a["id"], a["file_name"], a["content_type"], a["comment"]) for a in listed.json()["data"]] == [
        (str(item["id"]), item["file_name"], "image/png", first_comment) for item in added
    ]
    assert listed.json()["data"][0]["file_url"] == added[0]["content_url"]
    assert listed.json()["data"][0]["uploaded_by"] == str(world.customer.id)
    comment = (await api.get("/tickets/1/comments")).json()["data"][0]
    assert comment["attachments"] == [str(item["id"]) for item in added]
    one = (await api.get(f"/attachments/{added[1]['id']}")).json()["data"]
    assert (one["file_name"], one["ticket"]) == ("shot-1.png", None)
    assert (await api.get("/attachments/999")).status_code == 404
    needs_ticket = await api.get("/attachments")
    assert needs_ticket.status_code == 400 and "ticket_id" in needs_ticket.json()["error"]["message"]


async def test_people_groups_organizations_and_tags(api: httpx.AsyncClient, world: World) -> None:
    users, pages = await walk(api, "/users", page_size=1)
    assert [(u["name"], u["is_active"]) for u in users] == [("Ada Admin", True), ("Alan Agent", False)] and pages == 2
    assert users[0]["teams"] == [str(world.support.id)] and users[0]["email_address"] == world.admin.email
    contacts = (await api.get("/contacts")).json()["data"]
    assert [(c["name"], c["phone_number"], c["details"], c["account"]) for c in contacts] == [
        ("Cora Customer", "+15550100", "VIP", str(world.acme.id))
    ]
    contact = (await api.get(f"/contacts/{world.customer.id}")).json()["data"]
    assert contact["email_address"] == world.customer.email
    teams = (await api.get("/teams")).json()["data"]
    assert [(t["name"], t["description"]) for t in teams] == [("Support", "First line"), ("Billing", "Invoices")]
    assert (await api.get(f"/teams/{world.support.id}")).json()["data"]["name"] == "Support"
    accounts = (await api.get("/accounts")).json()["data"]
    assert [(a["name"], a["domains"]) for a in accounts] == [("Acme", ["acme.com", "acme.org"])]
    assert (await api.get(f"/accounts/{world.acme.id}")).json()["data"]["name"] == "Acme"
    assert (await api.get(f"/users/{world.agent.id}")).json()["data"]["name"] == "Alan Agent"
    tags = (await api.get("/tags")).json()["data"]
    assert [(t["id"], t["name"]) for t in tags] == [("printer", "printer")]
    refused = await api.get("/teams", params={"modified_after": "2024-01-01T00:00:00Z"})
    assert refused.status_code == 400 and "modified_after" in refused.json()["error"]["message"]


async def test_api_token_connection(gateway_client: httpx.AsyncClient, world: World) -> None:
    username, token = world.fake.api_token_for(world.agent)
    made = await gateway_client.post("/integrations", json={"provider": "zendesk-api-token", "unique_key": "zdt"})
    assert made.status_code == 200, made.text

    async def connect(connection_id: str, password: str) -> httpx.Response:
        """The credential route a connect UI posts to: Unigate checks the pair with ``/api/v2/users/me.json``."""
        return await gateway_client.post(
            "/api-auth/basic/zdt",
            params={"connection_id": connection_id, "params[subdomain]": "acme"},
            json={"username": username, "password": password},
        )

    refused = await connect("wrong", "not-the-token")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "connection_test_failed"
    assert "not-the-token" not in refused.text
    accepted = await connect("agent", token)
    assert accepted.status_code == 200, accepted.text
    assert world.fake.requests_to("/api/v2/users/me.json")  # the catalog's verification endpoint
    headers = {"Connection-Id": "agent", "Provider-Config-Key": "zdt"}
    tickets = await gateway_client.get("/tickets", headers=headers, params={"page_size": 2})
    assert tickets.status_code == 200, tickets.text
    assert [t["provider"] for t in tickets.json()["data"]] == ["zendesk-api-token"] * 2
    note = await gateway_client.post("/tickets/1/comments", headers=headers, json={"body": "x", "is_private": True})
    assert note.json()["data"]["user"] == str(world.agent.id)


async def test_reference_lists_resources(api: httpx.AsyncClient) -> None:
    data = (await api.get("/integrations/zd/reference")).json()["data"]
    assert data["provider"] == "zendesk" and data["plugin"] == "unigate_zendesk"
    resources = {r["name"]: r for r in data["resources"]}
    assert set(resources) == {"tickets", "comments", "attachments", "users", "contacts", "teams", "accounts", "tags"}
    assert {op["operation"] for op in resources["tickets"]["operations"]} == {"list", "get", "create", "update"}
    assert "assigned_teams" in resources["tickets"]["fields"] and "is_private" in resources["comments"]["fields"]
