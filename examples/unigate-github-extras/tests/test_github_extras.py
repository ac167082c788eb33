"""The tutorial's plugin end to end: a real gateway over the GitHub fake, the plugin overriding unigate-github."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
import unigate_github_extras
from fake_milestones import FakeGitHubMilestones

from gateway.testing.kit import make_gateway

HEADERS = {"Connection-Id": "octo", "Provider-Config-Key": "gh"}


@pytest.fixture
def fake() -> Iterator[FakeGitHubMilestones]:
    gh = FakeGitHubMilestones()
    gh.add_user("octo")
    repo = gh.add_repo("octo", "hello")
    gh.add_issue(repo, "Liked", user="octo", reactions={"+1": 3, "heart": 1})
    gh.add_issue(repo, "Ignored", user="octo")
    gh.add_milestone(repo, "v1.0", creator="octo", open_issues=2, closed_issues=5, due_on="2027-01-31T08:00:00Z")
    gh.add_milestone(repo, "v0.9", creator="octo", state="closed", closed_at="2026-11-01T10:00:00Z")
    with gh.run():
        yield gh


@pytest.fixture
async def api(fake: FakeGitHubMilestones, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "github.yaml"
    override.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
    plugins = [unigate_github, unigate_github_extras]
    async with make_gateway(plugins=plugins, providers_files=[override], allow_private_hosts=True) as (_, client):
        await client.post("/integrations", json={"provider": "github", "unique_key": "gh"})
        credentials = {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True}
        imported = await client.post(
            "/connections", json={"provider_config_key": "gh", "connection_id": "octo", "credentials": credentials}
        )
        assert imported.status_code == 201, imported.text
        client.headers.update(HEADERS)
        yield client


async def test_tickets_carry_their_reactions(api: httpx.AsyncClient) -> None:
    listed = await api.get("/tickets", params={"collection_id": "octo/hello"})
    assert listed.status_code == 200, listed.text
    reactions = {t["name"]: t["reactions"] for t in listed.json()["data"]}
    assert reactions["Liked"] == {
        "total": 4, "plus_one": 3, "minus_one": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 1, "rocket": 0,
        "eyes": 0,
    }  # fmt: skip
    assert reactions["Ignored"]["total"] == 0
    one = await api.get("/tickets/octo/hello%231")
    assert one.json()["data"]["reactions"]["plus_one"] == 3 and one.json()["data"]["name"] == "Liked"


async def test_milestones_list_get_create_update_delete(api: httpx.AsyncClient, fake: FakeGitHubMilestones) -> None:
    open_ones = await api.get("/milestones", params={"collection_id": "octo/hello"})
    assert open_ones.status_code == 200, open_ones.text
    (v1,) = open_ones.json()["data"]
    assert v1 == {
        **v1,
        "id": "octo/hello/1",
        "title": "v1.0",
        "state": "open",
        "open_issues": 2,
        "closed_issues": 5,
        "due_on": "2027-01-31T08:00:00Z",
        "collection": "octo/hello",
        "provider": "github",
    }
    every = await api.get("/milestones", params={"collection_id": "octo/hello", "state": "all", "page_size": 1})
    assert [m["title"] for m in every.json()["data"]] == ["v1.0"]
    rest = await api.get("/milestones", params={"cursor": every.json()["next_cursor"]})
    assert [m["title"] for m in rest.json()["data"]] == ["v0.9"]  # the cursor kept state=all

    created = await api.post("/milestones", json={"collection": "octo/hello", "title": "v2.0", "description": "Next"})
    assert created.status_code == 201, created.text
    assert created.json()["data"]["id"] == "octo/hello/3" and fake.milestones["octo/hello"][-1].title == "v2.0"
    renamed = await api.patch("/milestones/octo/hello/3", json={"title": "v2"})
    assert renamed.status_code == 200 and renamed.json()["data"]["title"] == "v2"
    deleted = await api.delete("/milestones/octo/hello/3")
    assert deleted.status_code == 204
    assert (await api.get("/milestones/octo/hello/3")).status_code == 404


async def test_provider_refusals_name_the_field(api: httpx.AsyncClient) -> None:
    taken = await api.post("/milestones", json={"collection": "octo/hello", "title": "v1.0"})
    assert taken.status_code == 422, taken.text
    assert taken.json()["error"]["code"] == "invalid_request" and "title" in taken.json()["error"]["message"]
    bad_state = await api.get("/milestones", params={"collection_id": "octo/hello", "state": "done"})
    assert bad_state.status_code == 400 and bad_state.json()["error"]["errors"][0]["path"] == ["state"]
    no_repo = await api.get("/milestones")
    assert no_repo.status_code == 400 and "collection_id" in no_repo.json()["error"]["message"]
    bad_id = await api.get("/milestones/octo/hello/first")
    assert bad_id.status_code == 400 and "owner/repo/<number>" in bad_id.json()["error"]["message"]


async def test_close_milestone_action(api: httpx.AsyncClient, fake: FakeGitHubMilestones) -> None:
    answer = await api.post(
        "/action/trigger", json={"action_name": "close-milestone", "input": {"milestone_id": "octo/hello/1"}}
    )
    assert answer.status_code == 200, answer.text
    closed: dict[str, Any] = answer.json()
    assert (closed["id"], closed["state"]) == ("octo/hello/1", "closed")
    assert fake.milestones["octo/hello"][0].state == "closed" and fake.milestones["octo/hello"][0].closed_at
    missing = await api.post(
        "/action/trigger", json={"action_name": "close-milestone", "input": {"milestone_id": "octo/hello/99"}}
    )
    assert missing.status_code == 404
    wrong = await api.post("/action/trigger", json={"action_name": "close-milestone", "input": {"milestone": "x"}})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_action_input"


async def test_openapi_and_reference_show_the_plugins_routes(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    assert set(spec["paths"]["/milestones"]) == {"get", "post"}
    assert set(spec["paths"]["/milestones/{id}"]) == {"get", "patch", "delete"}
    params = {p["name"] for p in spec["paths"]["/milestones"]["get"]["parameters"]}
    assert {"collection_id", "state", "cursor", "Connection-Id"} <= params
    milestone = spec["components"]["schemas"]["Milestone"]["properties"]
    assert milestone["due_on"]["description"] == "When it is due, if set"
    assert "reactions" in spec["components"]["schemas"]["Ticket"]["properties"]
    scripts = (await api.get("/integrations/gh/scripts")).json()["data"]
    assert scripts["plugin"] == "unigate_github_extras" and scripts["replaces"] == "unigate_github"
    names = {(s["type"], s["name"]) for s in scripts["scripts"]}
    assert {("resource", "milestones"), ("resource", "tickets"), ("action", "close-milestone")} <= names
    page = await api.get("/reference/github")
    assert "DELETE</span> <code>/milestones/{id}</code>" in page.text and "reactions" in page.text
