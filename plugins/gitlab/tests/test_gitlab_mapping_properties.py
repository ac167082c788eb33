"""Property test: any payload the published GitLab shapes allow maps to a valid unified model.

Payloads are generated (``hypothesis_jsonschema.from_schema``) from the schemas the fake is checked against: the
``airbyte-source-gitlab==4.3.7`` schemas (MIT, fetched at test time) with the fields GitLab always sends made
required and non-null (ids, names), the issue's ``assignees`` restored to user objects (Airbyte reduces them to ids),
and ``NOTE_SCHEMA`` for notes. Payloads are drawn by ``gateway.testing.schema_strategies.from_json_schema`` and
every generated payload is validated against its schema before it is mapped.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from gitlab_shapes import NOTE_SCHEMA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from unigate_gitlab.mapping import to_collection, to_comment, to_tag, to_ticket, to_user

from gateway.testing.npm_cache import pypi_member
from gateway.testing.schema_strategies import conforming, from_json_schema
from unified_models import Collection, Comment, Tag, Ticket, User

FOLDER = Path(pypi_member("airbyte-source-gitlab", "4.3.7", "source_gitlab/schemas"))
EXAMPLES = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ID = {"type": "integer", "minimum": 1, "maximum": 2**31}


def tightened(name: str, required: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The published schema with ``required`` fields forced to the given (non-null) types, ``drop`` left out."""
    schema: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text())
    schema.pop("$schema", None)
    for key in drop:
        schema["properties"].pop(key, None)
    schema["properties"].update(required)
    schema["required"] = sorted(required)
    schema["type"] = "object"  # a record, never null
    return schema


def issue_schema() -> dict[str, Any]:
    schema = tightened("issues", {"id": ID, "iid": ID, "project_id": ID}, drop=("time_stats", "epic", "iteration"))
    user = copy.deepcopy(schema["properties"]["author"])
    schema["properties"]["assignees"] = {"type": ["null", "array"], "items": user, "maxItems": 3}
    schema["properties"]["labels"]["maxItems"] = 4
    return schema


def payloads(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return conforming(from_json_schema(schema), validator, "the published GitLab shape")


ISSUES = issue_schema()
USERS = tightened("users", {"id": ID})
PROJECTS = tightened(
    "projects", {"id": ID}, drop=("container_expiration_policy", "statistics", "permissions", "_links")
)
LABELS = tightened("project_labels", {"id": ID, "name": {"type": "string", "minLength": 1}})


@EXAMPLES
@given(payloads(ISSUES))
def test_issues_map_to_tickets(issue: dict[str, Any]) -> None:
    ticket = Ticket.model_validate(to_ticket(issue).model_dump())
    assert ticket.id.endswith(f"#{issue['iid']}") and ticket.remote_id == str(issue["id"])
    assert ticket.status is None or ticket.remote_status in ("opened", "closed")
    assert all(tag for tag in ticket.tags) and ticket.remote_data == issue


@EXAMPLES
@given(payloads(NOTE_SCHEMA), st.sampled_from(["acme/app#1", "g/sub/p#42"]))
def test_notes_map_to_comments(note: dict[str, Any], ticket: str) -> None:
    comment = Comment.model_validate(to_comment(note, ticket).model_dump())
    assert comment.ticket == ticket and comment.is_private == bool(note["internal"] or note.get("confidential"))
    assert comment.user == str(note["author"]["id"])


@EXAMPLES
@given(payloads(USERS))
def test_users_map_to_users(user: dict[str, Any]) -> None:
    mapped = User.model_validate(to_user(user, "gitlab-pat").model_dump())
    assert mapped.id == str(user["id"]) and mapped.provider == "gitlab-pat"
    assert mapped.is_active is None or mapped.is_active == (user.get("state") == "active" and not user.get("locked"))


@EXAMPLES
@given(payloads(PROJECTS))
def test_projects_map_to_collections(project: dict[str, Any]) -> None:
    mapped = Collection.model_validate(to_collection(project).model_dump())
    assert mapped.remote_id == str(project["id"]) and mapped.id


@EXAMPLES
@given(payloads(LABELS))
def test_labels_map_to_tags(label: dict[str, Any]) -> None:
    tag = Tag.model_validate(to_tag(label, "acme/app").model_dump())
    assert tag.name == label["name"] and tag.id == f"acme/app/labels/{label['name']}"
