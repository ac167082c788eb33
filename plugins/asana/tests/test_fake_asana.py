"""The Asana fake against Asana's published OpenAPI description and the pagination facts of airbyte's manifest.

Every record the fake serves (full, compact and ``opt_fields`` selections, errors) is validated against the
description's component schemas; its routes must exist in the description; paging and rate-limit behaviour is
checked against what ``airbyte-source-asana``'s manifest reads (``next_page.offset``, ``limit``, ``Retry-After``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from asana_shapes import Project, Task, User, Workspace
from asana_spec import airbyte_manifest, document, problems
from fake_asana import API, FakeAsana
from fake_asana_attachments import attachment_routes
from fake_asana_routes import api_routes
from starlette.routing import Route


@dataclass
class World:
    fake: FakeAsana
    acme: Workspace
    ada: User
    bob: User
    launch: Project
    task: Task
    http: httpx.Client


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    fake = FakeAsana()
    acme = fake.add_workspace("Acme")
    ada, bob = fake.add_user("Ada Lovelace", acme), fake.add_user("Bob Smith", acme)
    launch = fake.add_project(acme, "Launch", ada, "Ship it")
    bug = fake.add_tag(acme, "bug")
    fake.add_tag(acme, "feature")
    parent = fake.add_task(ada, "Parent", launch)
    task = fake.add_task(ada, "Child", launch, assignee=bob.gid, tags=[bug.gid], parent=parent.gid, due_on="2024-03-01")
    task.completed, task.completed_at, task.completed_by = True, "2024-03-02T10:00:00.000Z", ada.gid
    for n in range(3):
        fake.add_task(bob, f"Task {n}", launch)
    fake.add_story(task, ada, "Looks good")
    fake.add_story(task, ada, "marked this task complete", "marked_complete")
    fake.add_attachment(task, "Screenshot.png", 2048)
    with fake.run():
        headers = {"authorization": f"Bearer {fake.oauth_token_for(ada, expires_in=None)}"}
        with httpx.Client(base_url=fake.base_url + API, headers=headers) as http:
            yield World(fake, acme, ada, bob, launch, task, http)


def valid(name: str, value: Any) -> None:
    assert problems(name, value) == [], f"{name}: {problems(name, value)}"


def test_the_fake_serves_only_documented_operations() -> None:
    documented = {re.sub(r"\{[^}]+\}", "{}", path): set(ops) for path, ops in document()["paths"].items()}
    fake = FakeAsana()
    for route in [*api_routes(fake), *attachment_routes(fake, fake.attachments)]:
        assert isinstance(route, Route)
        path = re.sub(r"\{[^}]+\}", "{}", route.path)
        if path == "/users/me":
            path = "/users/{}"  # `me` is a documented value of user_gid
        methods = {m.lower() for m in route.methods or ()} - {"head"}
        assert path in documented and methods <= documented[path], f"{route.path} {methods} is not in asana.com.json"


def test_full_records_validate_against_the_response_schemas(world: World) -> None:
    http = world.http
    valid("TaskResponse", http.get(f"/tasks/{world.task.gid}").json()["data"])
    valid("UserResponse", http.get("/users/me").json()["data"])
    valid("UserResponse", http.get(f"/users/{world.bob.gid}").json()["data"])
    valid("ProjectResponse", http.get(f"/projects/{world.launch.gid}").json()["data"])
    valid("WorkspaceResponse", http.get(f"/workspaces/{world.acme.gid}").json()["data"])
    for tag in http.get("/tags", params={"workspace": world.acme.gid}).json()["data"]:
        valid("TagResponse", http.get(f"/tags/{tag['gid']}").json()["data"])
    for attachment in world.fake.attachments.values():
        valid("AttachmentResponse", http.get(f"/attachments/{attachment.gid}").json()["data"])
    everything = ",".join(sorted(document()["components"]["schemas"]["StoryBase"]["allOf"][1]["properties"]))
    for story in http.get(f"/tasks/{world.task.gid}/stories", params={"opt_fields": everything}).json()["data"]:
        valid("StoryResponse", story)


@pytest.mark.parametrize(
    ("path", "schema", "keys"),
    [
        ("/tasks?project={launch}", "TaskCompact", {"gid", "resource_type", "name", "resource_subtype"}),
        ("/tasks/{task}/stories", "StoryCompact", {"gid", "resource_type", "created_at", "created_by", "text",
                                                   "resource_subtype"}),
        ("/users", "UserCompact", {"gid", "resource_type", "name"}),
        ("/projects?workspace={acme}", "ProjectCompact", {"gid", "resource_type", "name"}),
        ("/tags?workspace={acme}", "TagCompact", {"gid", "resource_type", "name"}),
        ("/workspaces", "WorkspaceCompact", {"gid", "resource_type", "name"}),
        ("/attachments?parent={task}", "AttachmentCompact", {"gid", "resource_type", "name", "resource_subtype"}),
    ],
)  # fmt: skip
def test_lists_answer_compact_records(world: World, path: str, schema: str, keys: set[str]) -> None:
    answer = world.http.get(path.format(launch=world.launch.gid, task=world.task.gid, acme=world.acme.gid))
    assert answer.status_code == 200, answer.text
    records = answer.json()["data"]
    assert records and all(set(r) == keys for r in records), records
    for record in records:
        valid(schema, record)


def test_opt_fields_name_what_is_returned(world: World) -> None:
    params = {"project": world.launch.gid, "opt_fields": "name,completed,assignee,assignee.name,tags.name,projects"}
    tasks = world.http.get("/tasks", params=params).json()["data"]
    child = next(t for t in tasks if t["gid"] == world.task.gid)
    assert child == {
        "gid": world.task.gid,
        "name": "Child",
        "completed": True,
        "assignee": {"gid": world.bob.gid, "resource_type": "user", "name": "Bob Smith"},
        "tags": [{"gid": world.task.tags[0], "name": "bug"}],
        "projects": [{"gid": world.launch.gid, "resource_type": "project"}],
    }
    for task in tasks:
        valid("TaskResponse", task)
    one = world.http.get(f"/tasks/{world.task.gid}", params={"opt_fields": "due_on,parent.name"}).json()["data"]
    assert one == {
        "gid": world.task.gid,
        "due_on": "2024-03-01",
        "parent": {"gid": world.task.parent, "name": "Parent"},
    }


def test_paging_follows_airbyte_s_reading_of_next_page(world: World) -> None:
    paginator = yaml.safe_load(airbyte_manifest())["definitions"]["retriever"]["paginator"]
    assert paginator["page_token_option"]["field_name"] == "offset"
    assert paginator["page_size_option"]["field_name"] == "limit"
    assert 'response.get("next_page", {}).get("offset"' in paginator["pagination_strategy"]["cursor_value"]
    params: dict[str, str] = {"project": world.launch.gid, "limit": "2"}
    seen: list[str] = []
    for _ in range(5):
        body = world.http.get("/tasks", params=params).json()
        seen += [t["gid"] for t in body["data"]]
        if body["next_page"] is None:
            break
        following = body["next_page"]
        assert set(following) == {"offset", "path", "uri"} and following["uri"].endswith(following["path"])
        assert parse_qs(urlsplit(following["uri"]).query)["offset"] == [following["offset"]]
        params["offset"] = following["offset"]
    assert seen == [t.gid for t in world.fake.world.tasks.values()]
    other_query = world.http.get("/users", params={"limit": "2", "offset": params["offset"]})
    assert other_query.status_code == 400
    valid("ErrorResponse", other_query.json())
    for limit in ("0", "101"):
        refused = world.http.get("/users", params={"limit": limit})
        assert refused.status_code == 400 and "limit" in refused.json()["errors"][0]["message"]


def test_errors_rate_limit_and_filters(world: World) -> None:
    backoff = yaml.safe_load(airbyte_manifest())["definitions"]["requester"]["error_handler"]["backoff_strategies"]
    assert backoff[0]["header"] == "Retry-After"
    missing = world.http.get("/tasks/1")
    assert missing.status_code == 404
    valid("ErrorResponse", missing.json())
    world.fake.fail_next(1)
    limited = world.http.get("/users")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "30"
    valid("ErrorResponse", limited.json())
    anonymous = httpx.get(f"{world.fake.base_url}{API}/users")
    assert anonymous.status_code == 401
    valid("ErrorResponse", anonymous.json())
    assert world.http.get("/tasks").status_code == 400  # neither project nor assignee + workspace
    recent = world.http.get("/tasks", params={"project": world.launch.gid, "modified_since": "2999-01-01T00:00:00Z"})
    assert recent.json()["data"] == []
    open_only = world.http.get(
        "/tasks", params={"project": world.launch.gid, "completed_since": "2999-01-01T00:00:00Z"}
    )
    assert world.task.gid not in [t["gid"] for t in open_only.json()["data"]] and len(open_only.json()["data"]) == 4


def test_writes_validate_and_refuse_like_asana(world: World) -> None:
    created = world.http.post("/tasks", json={"data": {"name": "New", "projects": [world.launch.gid], "notes": "n"}})
    assert created.status_code == 201, created.text
    valid("TaskResponse", created.json()["data"])
    gid = created.json()["data"]["gid"]
    no_home = world.http.post("/tasks", json={"data": {"name": "Nowhere"}})
    assert no_home.status_code == 400 and no_home.json()["errors"][0]["message"].startswith("workspace:")
    moved = world.http.put(f"/tasks/{gid}", json={"data": {"projects": []}})
    assert moved.status_code == 400 and moved.json()["errors"][0]["message"].startswith("projects:")
    done = world.http.put(f"/tasks/{gid}", json={"data": {"completed": True, "assignee": world.bob.gid}})
    assert done.status_code == 200 and done.json()["data"]["completed_at"] is not None
    valid("TaskResponse", done.json()["data"])
    comment = world.http.post(f"/tasks/{gid}/stories", json={"data": {"html_text": "<body>Hi <b>there</b></body>"}})
    assert comment.status_code == 201
    valid("StoryResponse", comment.json()["data"])
    subtypes = [s["resource_subtype"] for s in world.http.get(f"/tasks/{gid}/stories").json()["data"]]
    assert subtypes == ["assigned", "marked_complete", "comment_added"]


def test_oauth_endpoints_issue_hour_long_tokens_and_refresh_without_rotation(world: World) -> None:
    fake, base = world.fake, world.fake.base_url
    approve = httpx.get(
        f"{base}/-/oauth_authorize",
        params={
            "client_id": fake.client_id,
            "redirect_uri": "https://app.test/cb",
            "response_type": "code",
            "state": "s",
        },
    )
    assert approve.status_code == 302
    code = parse_qs(urlsplit(approve.headers["location"]).query)["code"][0]
    form = {"client_id": fake.client_id, "client_secret": fake.client_secret, "redirect_uri": "https://app.test/cb"}
    granted = httpx.post(
        f"{base}/-/oauth_token", data={**form, "grant_type": "authorization_code", "code": code}
    ).json()
    assert (
        granted["expires_in"] == 3600 and granted["token_type"] == "bearer" and granted["data"]["gid"] == world.ada.gid
    )
    refreshed = httpx.post(
        f"{base}/-/oauth_token", data={**form, "grant_type": "refresh_token", "refresh_token": granted["refresh_token"]}
    ).json()
    assert "refresh_token" not in refreshed and refreshed["access_token"] != granted["access_token"]
    fake.expire_token(granted["access_token"])
    expired = httpx.get(f"{base}{API}/users/me", headers={"authorization": f"Bearer {granted['access_token']}"})
    assert expired.status_code == 401
    fresh = httpx.get(f"{base}{API}/users/me", headers={"authorization": f"Bearer {refreshed['access_token']}"})
    assert fresh.status_code == 200
    wrong = httpx.post(f"{base}/-/oauth_token", data={**form, "client_secret": "x", "grant_type": "refresh_token"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    flows = document()["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert urlsplit(flows["authorizationUrl"]).path == "/-/oauth_authorize"
    assert urlsplit(flows["tokenUrl"]).path == urlsplit(flows["refreshUrl"]).path == "/-/oauth_token"
