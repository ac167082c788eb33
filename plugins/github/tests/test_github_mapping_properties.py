"""Property tests: GitHub payloads generated from GitHub's published description, through every mapper.

Payloads come from the component schemas of ``@octokit/openapi@23.0.2`` (``generated/api.github.com.json``, fetched
from npm at test time, never committed): ``issue``, ``issue-comment``, ``simple-user``, ``private-user``,
``repository``, ``full-repository`` and ``label``, with ``$ref``s inlined and OAS 3.0 ``nullable`` turned into a
null-allowing type. Leaf schemas go to ``hypothesis_jsonschema.from_schema``; objects are assembled here with
``fixed_dictionaries`` (hypothesis-jsonschema 0.23.1's object strategy calls ``many.more()``, which this Hypothesis
no longer has). Only what GitHub really guarantees is pinned: timestamps as ``2011-04-14T16:00:49Z``, URIs as https
URLs, API URLs of the issue's repository as ``https://api.github.com/repos/{owner}/{repo}``, issue ``state`` open or
closed, non-empty logins and ``full_name``, label objects carrying their non-empty name (the ``issue`` schema
also allows a label as its bare name: that branch is kept).
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from openapi_schema_validator import OAS30Validator
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from unigate_github.comments import to_comment
from unigate_github.repositories import to_collection
from unigate_github.tickets import to_ticket
from unigate_github.users import to_tag, to_user

from gateway.testing.npm_cache import npm_member
from unified_models import CollectionType, TicketStatus

OPENAPI = ("@octokit/openapi", "23.0.2", "package/generated/api.github.com.json")
ANNOTATIONS = {"description", "example", "examples", "title", "readOnly", "writeOnly", "deprecated", "externalDocs"}
FORMATS = {"date-time": "github-date-time", "uri": "github-uri"}  # OpenAPI format -> the pinned format used here
PROPERTY = settings(max_examples=50, deadline=None)

NAME = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=12)
REPO = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=12).filter(lambda s: s not in ".")
MOMENTS = st.datetimes(datetime(2008, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
CUSTOM_FORMATS = {
    "github-date-time": MOMENTS.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    "github-uri": st.builds("https://{}/{}".format, st.sampled_from(["api.github.com", "github.com"]), NAME),
    "github-repo-url": st.builds("https://api.github.com/repos/{}/{}".format, NAME, REPO),
    "github-issue-url": st.builds("https://api.github.com/repos/{}/{}/issues/{}".format, NAME, REPO, st.integers(1)),
    "github-full-name": st.builds("{}/{}".format, NAME, REPO),
}


@cache
def document() -> dict[str, Any]:
    """The published description; a ``nullable`` enum also admits null (GitHub's ``state_reason`` is null)."""
    data: dict[str, Any] = json.loads(npm_member(*OPENAPI).read_text())
    pending: list[Any] = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("nullable") and None not in node.get("enum", [None]):
                node["enum"].append(None)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return data


def components() -> dict[str, Any]:
    schemas: dict[str, Any] = document()["components"]["schemas"]
    return schemas


@cache
def published(component: str) -> OAS30Validator:
    """A validator of the published component (OAS 3.0 semantics, ``$ref``s resolved by ``referencing``)."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:github", Resource.from_contents(document(), default_specification=DRAFT4)
    )
    return OAS30Validator({"$ref": f"urn:github#/components/schemas/{component}"}, registry=registry)


def json_schema(node: Any, trail: tuple[str, ...] = ()) -> Any:
    """``node`` as plain JSON Schema: ``$ref``s inlined (a cycle becomes an empty object), ``nullable`` as a
    null-allowing type."""
    if isinstance(node, list):
        return [json_schema(item, trail) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[1]
        return {"type": "object"} if name in trail else json_schema(components()[name], (*trail, name))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "format":
            if value in FORMATS:
                out[key] = FORMATS[value]
        elif key == "properties":
            out[key] = {name: json_schema(sub, trail) for name, sub in value.items()}
        elif key not in ANNOTATIONS and not key.startswith("x-"):
            out[key] = json_schema(value, trail)
    if out.pop("nullable", False) and "type" in out:  # OAS 3.0.3: nullable only extends an explicit type
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def has_object(schema: Any) -> bool:
    text = json.dumps(schema)
    return '"properties"' in text or '"object"' in text


def values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of ``schema``: objects assembled here, every schema without objects by ``from_schema``."""
    if not has_object(schema):
        return from_schema(schema, custom_formats=CUSTOM_FORMATS)
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return values(merged)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([values(branch) for branch in schema[key]])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of([st.none() if kind == "null" else values({**schema, "type": kind}) for kind in kinds])
    if kinds == "array":
        return st.lists(values(schema.get("items", {})), max_size=3)
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: values(sub) for name, sub in properties.items() if name in required},
        optional={name: values(sub) for name, sub in properties.items() if name not in required},
    )


def schema_of(name: str, pinned: dict[str, Any]) -> dict[str, Any]:
    """The component ``name`` as JSON Schema, with ``pinned`` properties replaced by what GitHub guarantees."""
    schema: dict[str, Any] = json_schema({"$ref": f"#/components/schemas/{name}"})
    schema["properties"].update(pinned)
    if name == "issue":  # a label is its name, or an object that always carries its (non-empty) name
        as_text, as_object = schema["properties"]["labels"]["items"]["oneOf"]
        as_text["minLength"] = as_object["properties"]["name"]["minLength"] = 1
        as_object["required"] = ["name"]
    return schema


def payloads(component: str, /, **pinned: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads of ``component`` with ``pinned`` properties, each validated against the published component."""

    def conform(payload: dict[str, Any]) -> dict[str, Any]:
        published(component).validate(payload)
        return payload

    return st.deferred(lambda: values(schema_of(component, pinned)).map(conform))


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
