"""The synchronous client against a running gateway: management, cursor-following lists, writes, proxy, actions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from unigate_github_extras.models import Milestone, MilestoneCreate, MilestoneUpdate

from gateway.client import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ServerError,
    Unigate,
    UnprocessableError,
)
from tests.client.conftest import Setup
from unified_models import Comment, NewComment, Ticket, TicketCreate, TicketStatus, TicketUpdate

OAUTH = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret", "scopes": "repo"}


def connected(setup: Setup) -> Unigate:
    client = Unigate(setup.server.url, setup.server.secret_key)
    client.create_integration("github", "gh", credentials=OAUTH)
    credentials = {"type": "OAUTH2", "access_token": setup.token, "no_expiration": True}
    imported = client.import_connection("gh", "user-1", credentials, metadata={"plan": "pro"})
    assert (imported.connection_id, imported.provider, imported.metadata) == ("user-1", "github", {"plan": "pro"})
    return client


def test_management_routes(setup: Setup) -> None:
    with connected(setup) as client:
        assert [i.unique_key for i in client.list_integrations()] == ["gh"]
        assert client.get_integration("gh").provider == "github"
        assert [c.connection_id for c in client.list_connections()] == ["user-1"]
        assert client.get_connection("gh", "user-1").credentials["access_token"] == setup.token
        session = client.create_connect_session({"id": "end-user-7"}, allowed_integrations=["gh"])
        assert session.token.startswith("nango_connect_session_") and session.expires_at.tzinfo is not None
        client.delete_connection("gh", "user-1")
        assert client.list_connections() == []


def test_tickets_follow_the_cursor_and_write(setup: Setup) -> None:
    with connected(setup) as client:
        conn = client.connection("gh", "user-1")
        pages = conn.tickets.page(collection_id="octo/hello", page_size=3)
        assert len(pages.data) == 3 and pages.next_cursor is not None
        tickets = list(conn.tickets.list(collection_id="octo/hello", page_size=3))  # three pages
        assert [t.name for t in tickets] == [f"Issue {n}" for n in range(7, 0, -1)]
        assert all(isinstance(t, Ticket) and t.status is TicketStatus.OPEN for t in tickets)
        extra = tickets[0].model_extra or {}  # a plugin's field the unified model does not declare, kept
        assert set(extra) == {"reactions"} and extra["reactions"]["plus_one"] == 7

        created = conn.tickets.create(TicketCreate(name="From Python", collections=["octo/hello"]))
        assert created.id == "octo/hello#8" and created.name == "From Python"
        closed = conn.tickets.update(created.id, TicketUpdate(status=TicketStatus.CLOSED))
        assert closed.status is TicketStatus.CLOSED and closed.name == "From Python"
        again = conn.tickets.get("octo/hello#8", include_remote_data=True)
        assert again.status is TicketStatus.CLOSED and again.remote_data and again.remote_data["number"] == 8
        assert setup.fake.repos["octo/hello"].issues[-1].state == "closed"

        said = conn.comments.create(created.id, NewComment(body="Fixed in main"))
        assert isinstance(said, Comment) and (said.ticket, said.body) == (created.id, "Fixed in main")
        assert [c.body for c in conn.comments.list(created.id)] == ["Fixed in main"]


def test_records_and_syncs(setup: Setup) -> None:
    with connected(setup) as client:
        conn = client.connection("gh", "user-1")
        assert conn.records.trigger("collections") is True
        for _ in range(200):
            (status,) = conn.records.status("collections")
            if status["status"] == "SUCCESS":
                break
            time.sleep(0.05)
        assert status["recordCount"] == {"Collection": 1}, status
        conn.records.trigger("tickets")
        for _ in range(200):
            (status,) = conn.records.status("tickets")
            if status["status"] == "SUCCESS":
                break
            time.sleep(0.05)
        found = list(conn.records.list("Ticket", limit=3))  # three pages
        assert len(found) == 7 and {r["_nango_metadata"]["last_action"] for r in found} == {"ADDED"}
        last = found[-1]["_nango_metadata"]["cursor"]
        assert list(conn.records.list("Ticket", cursor=last)) == []


def test_a_plugins_resource_through_the_generic_class(setup: Setup) -> None:
    with connected(setup) as client:
        milestones = client.connection("gh", "user-1").resource(
            "milestones", Milestone, MilestoneCreate, MilestoneUpdate
        )
        (v1,) = milestones.list(collection_id="octo/hello")
        assert isinstance(v1, Milestone) and (v1.id, v1.title, v1.open_issues) == ("octo/hello/1", "v1.0", 2)
        made = milestones.create(MilestoneCreate(collection="octo/hello", title="v2.0"))
        assert milestones.update(made.id, MilestoneUpdate(title="v2")).title == "v2"
        milestones.delete(made.id)
        with pytest.raises(NotFoundError) as missing:
            milestones.get(made.id)
        assert missing.value.status == 404 and missing.value.code == "not_found"
        with pytest.raises(UnprocessableError) as taken:
            milestones.create(MilestoneCreate(collection="octo/hello", title="v1.0"))
        assert taken.value.code == "invalid_request" and "title" in taken.value.message


def test_errors_are_typed(setup: Setup) -> None:
    with Unigate(setup.server.url, "not-the-key") as stranger, pytest.raises(AuthenticationError) as refused:
        stranger.list_integrations()
    assert (refused.value.status, refused.value.code) == (401, "invalid_secret_key")
    with connected(setup) as client:
        with pytest.raises(ConflictError) as duplicate:
            client.create_integration("github", "gh")
        assert duplicate.value.code == "duplicate_provider_config"
        with pytest.raises(NotFoundError) as unknown:
            list(client.connection("gh", "nobody").tickets.list(collection_id="octo/hello"))
        assert unknown.value.code == "unknown_connection"
        conn = client.connection("gh", "user-1")
        with pytest.raises(BadRequestError) as bad_cursor:
            conn.tickets.page(collection_id="octo/hello", cursor="forged")
        assert bad_cursor.value.code == "invalid_cursor"
        with pytest.raises(BadRequestError) as bad_status:
            conn.tickets.page(collection_id="octo/hello", status="SOMEDAY")
        assert bad_status.value.errors and bad_status.value.errors[0]["path"] == ["status"]
        with pytest.raises(ServerError) as unsupported:
            conn.teams.page()
        assert (unsupported.value.status, unsupported.value.code) == (501, "not_supported")


def test_proxy_and_its_stream(setup: Setup) -> None:
    with connected(setup) as client:
        conn = client.connection("gh", "user-1")
        repo = conn.proxy.get("/repos/octo/hello")
        assert repo.status_code == 200 and repo.json()["full_name"] == "octo/hello"
        assert conn.proxy.get("/repos/octo/absent").status_code == 404  # the provider's answer, not raised
        made = conn.proxy.post("/repos/octo/hello/issues", json={"title": "Proxied"})
        assert made.status_code == 201 and made.json()["number"] == 8
        with conn.proxy.stream("GET", "/repos/octo/hello/issues", params={"per_page": 100}) as streamed:
            assert streamed.status_code == 200
            chunks = list(streamed.iter_bytes())
        assert [i["title"] for i in json.loads(b"".join(chunks))][0] == "Proxied"
        upload = iter([b'{"title": "', b"Streamed " * 30000, b'"}'])  # a body sent as it is produced
        with conn.proxy.stream("POST", "/repos/octo/hello/issues", content=upload) as streamed_up:
            assert streamed_up.status_code == 201 and json.loads(streamed_up.read())["number"] == 9
        assert setup.fake.repos["octo/hello"].issues[-1].title == "Streamed " * 30000


def test_actions_sync_and_in_the_background(setup: Setup) -> None:
    with connected(setup) as client:
        actions = client.connection("gh", "user-1").actions
        closed = actions.trigger("close-milestone", {"milestone_id": "octo/hello/1"})
        assert (closed["id"], closed["state"]) == ("octo/hello/1", "closed")
        with pytest.raises(BadRequestError) as invalid:
            actions.trigger("close-milestone", {"milestone": "x"})
        assert invalid.value.code == "invalid_action_input" and invalid.value.errors[0]["path"][0] == "input"
        with pytest.raises(NotFoundError) as unknown:
            actions.trigger("no-such-action")
        assert unknown.value.code == "unknown_action"

        run_id = actions.trigger_async("close-milestone", {"milestone_id": "octo/hello/1"})
        deadline = time.monotonic() + 10
        while not (run := actions.result(run_id)).done:
            assert run.status in ("pending", "running") and time.monotonic() < deadline
            time.sleep(0.1)
        assert run.id == run_id and run.output["id"] == "octo/hello/1"
        failing = actions.trigger_async("close-milestone", {"milestone_id": "octo/hello/99"})
        deadline = time.monotonic() + 10
        with pytest.raises(NotFoundError) as failed:
            while not actions.result(failing).done:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert failed.value.code == "not_found"


def test_the_readme_example_lists_a_customers_tickets(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = readme.split("<!-- client-example -->\n```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) == 5, code
    with Unigate(setup.server.url, setup.server.secret_key) as client:
        client.create_integration("github", "github-prod")
        credentials = {"type": "OAUTH2", "access_token": setup.token, "no_expiration": True}
        client.import_connection("github-prod", "user-42", credentials)
    namespace: dict[str, Any] = {"secret_key": setup.server.secret_key}
    exec(code.replace("http://127.0.0.1:3003", setup.server.url), namespace)
    namespace["client"].close()
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"octo/hello#{n} Issue {n} OPEN" for n in range(7, 0, -1)]
