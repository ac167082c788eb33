"""The unified endpoints end to end against the GitHub fake: a real gateway, an imported OAuth connection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub

from gateway.plugins import hookimpl
from gateway.testing.kit import make_gateway

REPO = "octo/hello"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    gh.add_user("octo", name="Octo Cat")
    gh.add_user("hubot")
    repo = gh.add_repo("octo", "hello", collaborators=("hubot",))
    gh.add_repo("octo", "world")
    for n in range(1, 8):
        gh.add_issue(repo, f"Issue {n}", user="octo", labels=["bug"] if n == 1 else [])
    gh.add_issue(repo, "A pull request", user="hubot", pull_request=True)
    gh.add_issue(repo, "Assigned", user="hubot", assignees=["hubot"])
    with gh.run():
        yield gh


def catalog_override(tmp_path: Path, fake: FakeGitHub) -> Path:
    path = tmp_path / "github.yaml"
    path.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
    return path


async def connect(client: httpx.AsyncClient, token: str, connection_id: str = "user-1") -> dict[str, str]:
    """Create the integration (once) and import a connection; the headers naming it."""
    await client.post(
        "/integrations",
        json={
            "provider": "github",
            "unique_key": "gh",
            "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret", "scopes": "repo"},
        },
    )
    imported = await client.post(
        "/connections",
        json={
            "provider_config_key": "gh",
            "connection_id": connection_id,
            "credentials": {"type": "OAUTH2", "access_token": token, "no_expiration": True},
        },
    )
    assert imported.status_code == 201, imported.text
    return {"Connection-Id": connection_id, "Provider-Config-Key": "gh"}


@pytest.fixture
async def api(tmp_path: Path, fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    override = catalog_override(tmp_path, fake)
    async with make_gateway(plugins=[unigate_github], providers_files=[override], allow_private_hosts=True) as (
        _,
        client,
    ):
        client.headers.update(await connect(client, fake.token_for("octo")))
        yield client


def ticket_path(ticket_id: str, suffix: str = "") -> str:
    return "/tickets/" + ticket_id.replace("#", "%23") + suffix


async def test_ticket_pages_follow_the_cursor_and_leave_out_pull_requests(api: httpx.AsyncClient) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"collection_id": REPO, "page_size": 3}
    for _ in range(10):
        page = await api.get("/tickets", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert "warnings" not in body and all(t["remote_data"] is None for t in body["data"])
        seen += [t["id"] for t in body["data"]]
        if body["next_cursor"] is None:
            break
        params = {**params, "cursor": body["next_cursor"]}
    assert seen == [f"{REPO}#{n}" for n in (9, *range(7, 0, -1))]  # #8 is the pull request
    first = (await api.get("/tickets", params={"collection_id": REPO, "page_size": 200})).json()["data"][0]
    assert first["status"] == "OPEN" and first["remote_status"] == "open" and first["assignees"] == ["hubot"]
    assert first["collections"] == [REPO] and first["creator"] == "hubot" and first["provider"] == "github"
    assigned = await api.get("/tickets", params={"collection_id": REPO, "assignee_id": "hubot"})
    assert [t["id"] for t in assigned.json()["data"]] == [f"{REPO}#9"]


async def test_cursors_are_tamper_proof_and_bound_to_the_connection(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    cursor = (await api.get("/tickets", params={"collection_id": REPO, "page_size": 2})).json()["next_cursor"]
    payload, mac = cursor.split(".")
    for bad in (payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + mac, "garbage", cursor + "x"):
        tampered = await api.get("/tickets", params={"collection_id": REPO, "cursor": bad})
        assert tampered.status_code == 400 and tampered.json()["error"]["code"] == "invalid_cursor", bad
    other = await connect(api, fake.token_for("octo"), "user-2")
    foreign = await api.get("/tickets", params={"collection_id": REPO, "cursor": cursor}, headers=other)
    assert foreign.status_code == 400 and foreign.json()["error"]["code"] == "invalid_cursor"
    on_tags = await api.get("/tags", params={"collection_id": REPO, "cursor": cursor})
    assert on_tags.status_code == 400


async def test_get_with_and_without_remote_data(api: httpx.AsyncClient) -> None:
    plain = await api.get(ticket_path(f"{REPO}#1"))
    assert plain.status_code == 200, plain.text
    ticket = plain.json()["data"]
    assert (ticket["name"], ticket["tags"], ticket["remote_data"]) == ("Issue 1", ["bug"], None)
    assert ticket["ticket_url"] == "https://github.com/octo/hello/issues/1"
    full = (await api.get(ticket_path(f"{REPO}#1"), params={"include_remote_data": "true"})).json()["data"]
    assert full["remote_data"]["number"] == 1 and full["remote_id"] == str(full["remote_data"]["id"])
    listed = await api.get("/tickets", params={"collection_id": REPO, "include_remote_data": "true"})
    assert all(t["remote_data"]["number"] for t in listed.json()["data"])
    missing = await api.get(ticket_path(f"{REPO}#99"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert "octo/hello#99" in missing.json()["error"]["message"]
    bad_id = await api.get("/tickets/not-an-issue")
    assert bad_id.status_code == 400 and bad_id.json()["error"]["code"] == "invalid_id"
    for digits in ("\u00b2", "\u0661", "9" * 5000):  # isdigit() takes these; int() refuses them
        response = await api.get(ticket_path(f"{REPO}#{digits}"))
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_id", response.text


async def test_create_warns_about_priority_and_update_closes(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    created = await api.post(
        "/tickets",
        json={
            "name": "Crash",
            "description": "It crashes",
            "collections": [REPO],
            "tags": ["bug"],
            "assignees": ["hubot"],
            "priority": "HIGH",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["data"]["id"] == f"{REPO}#10" and body["data"]["tags"] == ["bug"]
    assert body["warnings"] == [
        {"field": "priority", "message": "GitHub issues have no priority", "object_id": body["data"]["id"]}
    ]
    assert fake.repos[REPO].issues[9].body == "It crashes"

    closed = await api.patch(ticket_path(f"{REPO}#10"), json={"status": "CLOSED"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["data"]["status"], closed.json()["data"]["remote_status"]) == ("CLOSED", "closed:completed")
    assert closed.json()["data"]["completed_at"] is not None and "warnings" not in closed.json()
    not_planned = await api.patch(ticket_path(f"{REPO}#10"), json={"remote_status": "closed:not_planned"})
    assert not_planned.json()["data"]["remote_status"] == "closed:not_planned"
    assert not_planned.json()["data"]["status"] == "CLOSED"
    closed_list = await api.get("/tickets", params={"collection_id": REPO, "status": "CLOSED"})
    assert [t["id"] for t in closed_list.json()["data"]] == [f"{REPO}#10"]

    on_hold = await api.patch(ticket_path(f"{REPO}#10"), json={"status": "ON_HOLD"})
    assert on_hold.status_code == 422 and on_hold.json()["error"]["errors"][0]["path"] == ["status"]
    stranger = await api.post("/tickets", json={"name": "x", "collections": [REPO], "assignees": ["stranger"]})
    assert stranger.status_code == 422 and "assignees" in stranger.json()["error"]["message"]
    no_repo = await api.post("/tickets", json={"name": "x"})
    assert no_repo.status_code == 400 and "collections" in no_repo.json()["error"]["message"]


async def test_comments_list_and_create(api: httpx.AsyncClient) -> None:
    path = ticket_path(f"{REPO}#2", "/comments")
    assert (await api.get(path)).json() == {"data": [], "next_cursor": None}
    posted = await api.post(path, json={"body": "Me too"})
    assert posted.status_code == 201, posted.text
    comment = posted.json()["data"]
    assert (comment["ticket"], comment["body"], comment["user"]) == (f"{REPO}#2", "Me too", "octo")
    assert comment["id"] == f"{REPO}/comments/{comment['remote_id']}"
    listed = (await api.get(path)).json()["data"]
    assert [c["body"] for c in listed] == ["Me too"]
    private = await api.post(path, json={"body": "secret", "is_private": True})
    assert private.status_code == 422 and "is_private" in private.json()["error"]["message"]
    missing = await api.post(ticket_path(f"{REPO}#99", "/comments"), json={"body": "hi"})
    assert missing.status_code == 404


async def test_collections_users_and_tags(api: httpx.AsyncClient) -> None:
    collections = (await api.get("/collections")).json()["data"]
    assert [(c["id"], c["collection_type"]) for c in collections] == [
        ("octo/hello", "REPOSITORY"),
        ("octo/world", "REPOSITORY"),
    ]
    one = await api.get("/collections/octo/world", params={"include_remote_data": "true"})
    assert one.status_code == 200 and one.json()["data"]["remote_data"]["full_name"] == "octo/world"
    assert (await api.get("/collections/octo/missing")).status_code == 404
    assert (await api.get("/collections/not-a-repo")).json()["error"]["code"] == "invalid_id"
    users = (await api.get("/users", params={"collection_id": REPO})).json()["data"]
    assert [(u["id"], u["username"]) for u in users] == [("octo", "octo"), ("hubot", "hubot")]
    octo = (await api.get("/users/octo")).json()["data"]
    assert (octo["name"], octo["email_address"]) == ("Octo Cat", "octo@example.com")
    assert (await api.get("/users/ghost-user")).status_code == 404
    tags = await api.get("/tags", params={"collection_id": REPO, "page_size": 5})
    assert [t["name"] for t in tags.json()["data"]][:2] == ["bug", "documentation"]
    rest = await api.get("/tags", params={"collection_id": REPO, "cursor": tags.json()["next_cursor"]})
    assert len(tags.json()["data"]) + len(rest.json()["data"]) == 9
    need_repo = await api.get("/users")
    assert need_repo.status_code == 400 and "collection_id" in need_repo.json()["error"]["message"]


async def test_unsupported_operation_and_unknown_connection(
    tmp_path: Path, fake: FakeGitHub, api: httpx.AsyncClient
) -> None:
    class WithoutTags(unigate_github.GitHubProvider):
        resources = {k: v for k, v in unigate_github.GitHubProvider.resources.items() if k != "tags"}

    class Override:
        @hookimpl
        def register_providers(self, register: Any) -> None:
            register(WithoutTags, replaces="github")

    override = catalog_override(tmp_path, fake)
    plugins = [unigate_github, Override()]
    async with make_gateway(plugins=plugins, providers_files=[override], allow_private_hosts=True) as (_, client):
        headers = await connect(client, fake.token_for("octo"))
        answer = await client.get("/tags", params={"collection_id": REPO}, headers=headers)
        assert answer.status_code == 501
        assert answer.json()["error"] == {
            "code": "not_supported",
            "message": "Provider 'github' does not support listing tags",
        }
    unknown = await api.get("/tickets", headers={"Connection-Id": "nobody"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_connection"
    missing = await api.get("/tickets", headers={"Connection-Id": ""})
    assert missing.status_code == 400


async def test_openapi_documents_the_unified_routes(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    assert {"/tickets", "/tickets/{id}", "/tickets/{id}/comments", "/collections", "/users", "/tags"} <= set(
        spec["paths"]
    )
    assert set(spec["paths"]["/tickets/{id}"]) == {"get", "patch"}
    assert any(name.startswith("ListEnvelope") for name in spec["components"]["schemas"])


async def test_revoked_token_is_an_upstream_auth_error(api: httpx.AsyncClient, fake: FakeGitHub) -> None:
    for token in list(fake.tokens):
        fake.revoke_token(token)
    answer = await api.get("/collections")
    assert answer.status_code == 502 and answer.json()["error"]["code"] == "upstream_unauthorized"


async def test_reference_lists_resources_operations_and_fields(api: httpx.AsyncClient) -> None:
    answer = await api.get("/integrations/gh/reference")
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["provider"] == "github" and data["plugin"] == "unigate_github"  # registered as a module here
    resources = {r["name"]: r for r in data["resources"]}
    assert set(resources) == {"tickets", "comments", "collections", "users", "tags"}
    tickets = {op["operation"]: (op["method"], op["path"]) for op in resources["tickets"]["operations"]}
    assert tickets == {
        "list": ("GET", "/tickets"),
        "get": ("GET", "/tickets/{id}"),
        "create": ("POST", "/tickets"),
        "update": ("PATCH", "/tickets/{id}"),
    }
    assert "priority" not in resources["tickets"]["fields"] and "status" in resources["tickets"]["fields"]
    assert resources["tickets"]["synced_by"] == ["tickets"] and resources["comments"]["synced_by"] == ["comments"]
    assert (await api.get("/integrations/nope/reference")).status_code == 404


async def test_a_401_refreshes_the_token_once_and_retries(tmp_path: Path) -> None:
    gh = FakeGitHub(expiring_user_tokens=True)
    gh.add_user("octo")
    gh.add_repo("octo", "hello")
    with gh.run():
        override = tmp_path / "github.yaml"
        override.write_text(
            f"github:\n  token_url: {gh.base_url}/login/oauth/access_token\n  proxy:\n    base_url: {gh.base_url}\n"
        )
        code = gh.issue_token(kind="code", login="octo", scope="repo")
        granted = httpx.post(
            f"{gh.base_url}/login/oauth/access_token",
            json={"client_id": gh.client_id, "client_secret": gh.client_secret, "code": code},
            headers={"accept": "application/json"},
        ).json()
        gh.revoke_token(granted["access_token"])  # revoked early: only the 401 tells Unigate
        async with make_gateway(plugins=[unigate_github], providers_files=[override], allow_private_hosts=True) as (
            _,
            client,
        ):
            integration = {"type": "OAUTH2", "client_id": gh.client_id, "client_secret": gh.client_secret}
            await client.post(
                "/integrations", json={"provider": "github", "unique_key": "gh", "credentials": integration}
            )
            credentials = {
                "type": "OAUTH2",
                "access_token": granted["access_token"],
                "refresh_token": granted["refresh_token"],
                "expires_at": "2999-01-01T00:00:00Z",
            }
            imported = await client.post(
                "/connections", json={"provider_config_key": "gh", "connection_id": "c1", "credentials": credentials}
            )
            assert imported.status_code == 201, imported.text
            answer = await client.get("/collections", headers={"Connection-Id": "c1", "Provider-Config-Key": "gh"})
            assert answer.status_code == 200, answer.text
            assert [c["id"] for c in answer.json()["data"]] == ["octo/hello"]
            assert gh.grants["refresh_token"] == 1
