"""Property tests: GitHub payloads generated from GitHub's published description, through every mapper.

Payloads come from the component schemas of ``@octokit/openapi@23.0.2`` (``generated/api.github.com.json``, fetched
from npm at test time, never committed): ``issue``, ``issue-comment``, ``simple-user``, ``private-user``,
``repository``, ``full-repository`` and ``label``, drawn by ``gateway.testing.schema_strategies`` (``$ref``s inlined,
OAS 3.0 ``nullable`` as null) and each validated against its published component. Only what GitHub really
guarantees is pinned: timestamps as ``2011-04-14T16:00:49Z``, URIs as https URLs, API URLs of the issue's repository
as ``https://api.github.com/repos/{owner}/{repo}``, issue ``state`` open or closed, non-empty logins and
``full_name``, label objects carrying their non-empty name (the ``issue`` schema also allows a label as its bare
name: that branch is kept).
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from referencing import Registry
from unigate_github.comments import to_comment
from unigate_github.repositories import to_collection
from unigate_github.tickets import to_ticket
from unigate_github.users import to_tag, to_user

from gateway.testing.npm_cache import npm_member
from gateway.testing.schema_strategies import (
    conforming,
    from_json_schema,
    openapi_registry,
    openapi_validator,
    to_json_schema,
)
from unified_models import CollectionType, TicketStatus

OPENAPI = ("@octokit/openapi", "23.0.2", "package/generated/api.github.com.json")
PROPERTY = settings(max_examples=50, deadline=None)

NAME = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=12)
REPO = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=12).filter(lambda s: s not in ".")
MOMENTS = st.datetimes(datetime(2008, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
FORMATS = {  # the published formats as GitHub writes them, and the pinned ones used below
    "date-time": MOMENTS.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    "uri": st.builds("https://{}/{}".format, st.sampled_from(["api.github.com", "github.com"]), NAME),
    "github-repo-url": st.builds("https://api.github.com/repos/{}/{}".format, NAME, REPO),
    "github-issue-url": st.builds("https://api.github.com/repos/{}/{}/issues/{}".format, NAME, REPO, st.integers(1)),
    "github-full-name": st.builds("{}/{}".format, NAME, REPO),
}


@cache
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(npm_member(*OPENAPI).read_text())
    return data


@cache
def registry() -> Registry[Any]:
    return openapi_registry(document())


def schema_of(name: str) -> dict[str, Any]:
    """The component ``name`` as JSON Schema; in an issue, a label is its name or an object that always carries its
    (non-empty) name."""
    schema = to_json_schema({"$ref": f"#/components/schemas/{name}"}, root=document())
    if name == "issue":
        as_text, as_object = schema["properties"]["labels"]["items"]["oneOf"]
        as_text["minLength"] = as_object["properties"]["name"]["minLength"] = 1
        as_object["required"] = ["name"]
    return schema


def payloads(component: str, /, **pinned: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads of ``component`` with ``pinned`` properties, each validated against the published component."""
    return st.deferred(
        lambda: conforming(
            from_json_schema(schema_of(component), formats=FORMATS, overrides=pinned),
            openapi_validator(registry(), component),
            f"GitHub's {component}",
        )
    )


def round_trips(model: BaseModel) -> dict[str, Any]:
    """The model's JSON form, after checking it validates back into an equal model."""
    dumped = model.model_dump(mode="json")
    assert type(model).model_validate(dumped) == model
    return dumped


def moment(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if value else None


NON_EMPTY = {"type": "string", "minLength": 1}
ISSUES = payloads(
    "issue",
    state={"type": "string", "enum": ["open", "closed"]},
    repository_url={"type": "string", "format": "github-repo-url"},
)
COMMENTS = payloads("issue-comment", issue_url={"type": "string", "format": "github-issue-url"})
USERS = payloads("simple-user", login=NON_EMPTY) | payloads("private-user", login=NON_EMPTY)
REPOSITORIES = payloads("repository", full_name={"type": "string", "format": "github-full-name"}) | payloads(
    "full-repository", full_name={"type": "string", "format": "github-full-name"}
)
LABELS = payloads("label", name=NON_EMPTY)


@PROPERTY
@given(ISSUES)
def test_issues_map_to_tickets(issue: dict[str, Any]) -> None:
    ticket = to_ticket(issue)
    dumped = round_trips(ticket)
    repository = issue["repository_url"].removeprefix("https://api.github.com/repos/")
    assert dumped["status"] == (TicketStatus.CLOSED if issue["state"] == "closed" else TicketStatus.OPEN)
    assert dumped["priority"] is None
    assert (ticket.id, ticket.remote_id) == (f"{repository}#{issue['number']}", str(issue["id"]))
    assert ticket.collections == [repository]
    assert str(ticket.remote_status).split(":")[0] == issue["state"]
    assert ticket.tags == [label if isinstance(label, str) else label["name"] for label in issue["labels"]]
    assert ticket.assignees == [user["login"] for user in issue.get("assignees") or []]
    assert (ticket.remote_created_at, ticket.completed_at) == (moment(issue["created_at"]), moment(issue["closed_at"]))


@PROPERTY
@given(COMMENTS)
def test_issue_comments_map_to_comments(comment: dict[str, Any]) -> None:
    repository = comment["issue_url"].removeprefix("https://api.github.com/repos/").rsplit("/issues/", 1)[0]
    mapped = to_comment(comment, f"{repository}#1")
    round_trips(mapped)
    assert (mapped.id, mapped.remote_id) == (f"{repository}/comments/{comment['id']}", str(comment["id"]))
    assert mapped.ticket == f"{repository}#1"
    assert mapped.body == comment.get("body")
    assert mapped.user == (comment["user"] or {}).get("login")
    assert mapped.remote_updated_at == moment(comment["updated_at"])


@PROPERTY
@given(USERS)
def test_users_map_to_users(user: dict[str, Any]) -> None:
    mapped = to_user(user)
    round_trips(mapped)
    assert (mapped.id, mapped.remote_id, mapped.username) == (user["login"], str(user["id"]), user["login"])
    assert (mapped.name, mapped.email_address, mapped.avatar) == (
        user.get("name"),
        user.get("email"),
        user["avatar_url"],
    )


@PROPERTY
@given(LABELS, st.builds("{}/{}".format, NAME, REPO))
def test_labels_map_to_tags(label: dict[str, Any], repository: str) -> None:
    tag = to_tag(label, repository)
    round_trips(tag)
    assert (tag.id, tag.remote_id, tag.name) == (
        f"{repository}/labels/{label['name']}",
        str(label["id"]),
        label["name"],
    )


@PROPERTY
@given(REPOSITORIES)
def test_repositories_map_to_collections(repo: dict[str, Any]) -> None:
    collection = to_collection(repo)
    dumped = round_trips(collection)
    assert dumped["collection_type"] == CollectionType.REPOSITORY
    assert (collection.id, collection.remote_id, collection.name) == (
        repo["full_name"],
        str(repo["id"]),
        repo["full_name"],
    )
    assert collection.description == repo["description"]
    assert (collection.remote_created_at, collection.remote_updated_at) == (
        moment(repo["created_at"]),
        moment(repo["updated_at"]),
    )
