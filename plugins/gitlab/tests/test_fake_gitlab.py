"""The GitLab fake against published GitLab v4 shapes and GitLab's documented protocol behaviour.

Schemas: ``airbyte-source-gitlab==4.3.7`` (MIT licence, per its wheel METADATA) is fetched from PyPI at test time
into a cache outside the repository (``gateway.testing.npm_cache.pypi_member``); only ``source_gitlab/schemas`` is
extracted. Its records are GitLab's answers with the transformations its ``manifest.yaml`` declares (``author_id``,
``assignee_id``, ``closed_by_id``, ``milestone_id`` added, ``assignees`` reduced to ids), applied here before
validating. Notes have no published schema: they are checked against ``NOTE_SCHEMA`` (GitLab's Notes API page).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_gitlab import FakeGitLab
from gitlab_shapes import NOTE_SCHEMA
from jsonschema import Draft7Validator

from gateway.testing.npm_cache import pypi_member

SCHEMAS = ("airbyte-source-gitlab", "4.3.7", "source_gitlab/schemas")
#: ``GET /users`` answers the public profile (Users API page); the schema has only the basic user's fields.
PROFILE = {
    "created_at",
    "bio",
    "location",
    "public_email",
    "linkedin",
    "twitter",
    "discord",
    "website_url",
    "organization",
    "job_title",
    "pronouns",
    "bot",
    "work_information",
    "followers",
    "following",
    "local_time",
}
#: Fields GitLab's docs list that the 4.3.7 schemas predate; anything else served outside a schema is a mistake.
NEWER = {
    "issues": {"imported", "imported_from"},
    "projects": {"visibility", "issues_enabled", "open_issues_count", "archived", "empty_repo"},
    "users": PROFILE,
    "project_members": {"public_email", "created_by"},
}


def published(name: str) -> dict[str, Any]:
    folder = pypi_member(*SCHEMAS)
    schema: dict[str, Any] = json.loads((Path(folder) / f"{name}.json").read_text())
    return schema


def as_airbyte_record(issue: dict[str, Any]) -> dict[str, Any]:
    """The manifest's ``AddFields`` transformations of the issues stream."""
    record = dict(issue)
    for key in ("author", "assignee", "closed_by", "milestone"):
        record[f"{key}_id"] = (issue.get(key) or {}).get("id")
    record["assignees"] = [a["id"] for a in issue.get("assignees") or []]
    return record


def assert_shape(name: str, served: dict[str, Any], schema: dict[str, Any] | None = None) -> None:
    schema = schema or published(name)
    errors = [f"{list(e.path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(served)]
    assert errors == [], f"{name}: {errors}"
    unknown = set(served) - set(schema["properties"]) - NEWER.get(name, set())
    assert unknown == set(), f"{name} serves fields no published shape has: {sorted(unknown)}"


@pytest.fixture
def world() -> Iterator[tuple[FakeGitLab, httpx.Client]]:
    fake = FakeGitLab()
    ada, grace = fake.add_user("ada"), fake.add_user("grace")
    app = fake.add_project("acme/app", ada, grace, description="The app")
    milestone = fake.add_milestone(app, "v1.0")
    for n in range(5):
        fake.add_issue(app, f"Issue {n}", ada, labels=["bug"], assignees=[grace.id], milestone=milestone.id)
    fake.add_issue(app, "Closed", ada, state="closed", closed_at="2024-01-02T03:04:05.000Z", closed_by=ada.id)
    fake.add_note(app.issues[0], "Looks good", grace, internal=True)
    fake.add_note(app.issues[0], "changed title", ada, system=True)
    with fake.run():
        headers = {"authorization": f"Bearer {fake.oauth_token_for(ada)}"}
        with httpx.Client(base_url=f"{fake.base_url}/api/v4", headers=headers) as client:
            yield fake, client


def test_objects_match_the_published_schemas(world: tuple[FakeGitLab, httpx.Client]) -> None:
    _, client = world
    issues = client.get("/projects/acme%2Fapp/issues").json()
    assert len(issues) == 6
    for issue in issues:
        assert_shape("issues", as_airbyte_record(issue))
    projects = client.get("/projects", params={"membership": "true", "simple": "false"}).json()
    assert_shape("projects", projects[0])
    users = client.get("/users").json()
    assert len(users) == 2
    for served in users:
        assert_shape("users", served)
    assert_shape("project_members", client.get("/projects/acme%2Fapp/members/all").json()[0])
    assert_shape("project_labels", client.get("/projects/acme%2Fapp/labels").json()[0])
    assert_shape("project_milestones", client.get("/projects/acme%2Fapp/milestones").json()[0])
    notes = client.get("/projects/acme%2Fapp/issues/1/notes").json()
    for note in notes:
        assert_shape("notes", note, NOTE_SCHEMA)
    assert {(n["internal"], n["system"]) for n in notes} == {(True, False), (False, True)}


def test_offset_pages_carry_link_and_total_headers(world: tuple[FakeGitLab, httpx.Client]) -> None:
    _, client = world
    first = client.get("/projects/acme%2Fapp/issues", params={"per_page": 4})
    assert (first.headers["x-total"], first.headers["x-total-pages"], first.headers["x-next-page"]) == ("6", "2", "2")
    assert set(first.links) == {"next", "first", "last"}
    second = client.get(first.links["next"]["url"])
    assert len(second.json()) == 2 and "next" not in second.links and second.headers["x-prev-page"] == "1"
    assert "/projects/acme%2Fapp/issues" in first.links["next"]["url"]  # the encoded path is kept


def test_keyset_pages_only_have_a_next_link(world: tuple[FakeGitLab, httpx.Client]) -> None:
    fake, client = world
    fake.add_user("alan")
    params: dict[str, str | int] = {"pagination": "keyset", "order_by": "id", "sort": "asc", "per_page": 2}
    first = client.get("/users", params=params)
    assert "x-total" not in first.headers and set(first.links) == {"next"}
    second = client.get(first.links["next"]["url"])
    assert [u["username"] for u in first.json() + second.json()] == ["ada", "grace", "alan"]
    assert "next" not in second.links
    refused = client.get("/projects", params={**params, "order_by": "name"})
    assert refused.status_code == 400


def test_projects_need_an_encoded_path(world: tuple[FakeGitLab, httpx.Client]) -> None:
    fake, client = world
    assert client.get("/projects/acme%2Fapp").status_code == 200
    assert client.get(f"/projects/{fake.projects[0].id}/issues/1").status_code == 200
    assert client.get("/projects/acme/app/issues/1").status_code == 404


def test_tokens_private_token_header_and_rate_limits(world: tuple[FakeGitLab, httpx.Client]) -> None:
    fake, client = world
    ada = next(iter(fake.users.values()))
    pat = fake.pat_for(ada)
    assert client.get("/user", headers={"authorization": "", "private-token": pat}).status_code == 200
    oauth = fake.oauth_token_for(ada)
    assert client.get("/user", headers={"authorization": "", "private-token": oauth}).status_code == 401
    fake.expire_token(oauth)
    expired = client.get("/user", headers={"authorization": f"Bearer {oauth}"})
    assert expired.status_code == 401 and expired.json()["error"] == "invalid_token"
    assert client.get("/user").headers["ratelimit-remaining"] != "0"
    fake.fail_next(1)
    limited = client.get("/user")
    assert (limited.status_code, limited.text, limited.headers["ratelimit-remaining"]) == (429, "Retry later\n", "0")
    assert int(limited.headers["retry-after"]) == 60 and "ratelimit-resettime" in limited.headers
    fake.fail_next(1, lambda request: fake.rate_limit_response(request, headers=False))
    bare = client.get("/user")
    assert bare.status_code == 429 and "retry-after" not in bare.headers and "ratelimit-reset" not in bare.headers


def test_oauth_tokens_last_two_hours_and_refresh_tokens_rotate(world: tuple[FakeGitLab, httpx.Client]) -> None:
    fake, _ = world
    code = fake.issue_token(kind="code", expires_in=600, redirect_uri="http://cb")
    client_auth = {"client_id": fake.client_id, "client_secret": fake.client_secret}
    token_url = f"{fake.base_url}/oauth/token"
    granted = httpx.post(
        token_url, data={**client_auth, "grant_type": "authorization_code", "code": code, "redirect_uri": "http://cb"}
    ).json()
    assert granted["expires_in"] == 7200 and granted["token_type"] == "Bearer" and granted["created_at"] > 0
    refresh = {**client_auth, "grant_type": "refresh_token", "refresh_token": granted["refresh_token"]}
    renewed = httpx.post(token_url, data=refresh)
    assert renewed.status_code == 200 and renewed.json()["refresh_token"] != granted["refresh_token"]
    reused = httpx.post(token_url, data=refresh)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    wrong_client = httpx.post(token_url, data={**refresh, "client_secret": "nope"})
    assert wrong_client.status_code == 401 and wrong_client.json()["error"] == "invalid_client"
