"""Property tests: any payload the published Zendesk record schemas allow maps to a valid unified model.

Payloads are generated from the airbyte-source-zendesk-support 4.9.1 schemas (fetched at test time), narrowed
only where Zendesk always sends a value: every record has an integer ``id`` and every tag a name. Each mapped object
must round-trip through its unified model's validation and keep the payload's meaning (ids, status and priority
tables, privacy, tags).

Payloads are drawn by ``gateway.testing.schema_strategies.from_json_schema`` (objects assembled with
``fixed_dictionaries``, scalars from ``from_schema``); each payload drawn is checked against the whole schema with
``jsonschema``.
"""

from __future__ import annotations

from typing import Any

from airbyte_schemas import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator  # type: ignore[import-untyped]
from pydantic import BaseModel
from unigate_zendesk.attachments import to_attachment
from unigate_zendesk.mappers import (
    PRIORITY,
    STATUS,
    to_account,
    to_comment,
    to_contact,
    to_tag,
    to_team,
    to_ticket,
    to_user,
)

from gateway.testing.schema_strategies import conforming, from_json_schema
from unified_models import Account, Attachment, Comment, Contact, Tag, Team, Ticket, User

PROVIDER = "zendesk"
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def records(kind: str, **required: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects valid against the record schema of ``kind``; ``required`` narrows properties that are always sent."""
    schema = load(kind)
    schema["type"] = "object"
    schema["properties"].update(required)
    schema["required"] = sorted(required)
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return conforming(from_json_schema(schema), validator, f"the {kind} schema")


ID = {"type": "integer", "minimum": 1}


def round_trips(item: BaseModel, model: type[BaseModel]) -> None:
    assert model.model_validate(item.model_dump(mode="json")) == item


@EXAMPLES
@given(records("ticket", id=ID))
def test_any_ticket_maps_to_a_valid_ticket(payload: dict[str, Any]) -> None:
    ticket = to_ticket(payload, PROVIDER)
    round_trips(ticket, Ticket)
    assert ticket.id == ticket.remote_id == str(payload["id"]) and ticket.remote_data == payload
    assert ticket.remote_status == (payload.get("status") or None)
    assert ticket.status == STATUS.get(payload.get("status") or "")
    assert ticket.priority == PRIORITY.get(payload.get("priority") or "")
    assert set(ticket.tags) <= set(payload.get("tags") or [])
    assert ticket.assignees == ([str(payload["assignee_id"])] if payload.get("assignee_id") is not None else [])


@EXAMPLES
@given(records("comment", id=ID), st.integers(min_value=1))
def test_any_comment_maps_to_a_valid_comment(payload: dict[str, Any], ticket_id: int) -> None:
    comment = to_comment(payload, str(ticket_id), PROVIDER)
    round_trips(comment, Comment)
    assert comment.id == f"{ticket_id}/comments/{payload['id']}" and comment.ticket == str(ticket_id)
    public = payload.get("public")
    assert comment.is_private == (None if public is None else not public)


@EXAMPLES
@given(records("user", id=ID))
def test_any_user_maps_to_a_valid_user_and_contact(payload: dict[str, Any]) -> None:
    user, contact = to_user(payload, PROVIDER), to_contact(payload, PROVIDER)
    round_trips(user, User)
    round_trips(contact, Contact)
    assert user.id == contact.id == str(payload["id"])
    if payload.get("suspended") is True:
        assert user.is_active in (False, None)
    assert contact.account == (str(payload["organization_id"]) if payload.get("organization_id") is not None else None)


@EXAMPLES
@given(records("group", id=ID))
def test_any_group_maps_to_a_valid_team(payload: dict[str, Any]) -> None:
    team = to_team(payload, PROVIDER)
    round_trips(team, Team)
    assert team.name == (payload.get("name") or None)


@EXAMPLES
@given(records("organization", id=ID))
def test_any_organization_maps_to_a_valid_account(payload: dict[str, Any]) -> None:
    account = to_account(payload, PROVIDER)
    round_trips(account, Account)
    assert account.domains == [d for d in payload.get("domain_names") or [] if d]


@EXAMPLES
@given(records("tag", name={"type": "string", "minLength": 1}))
def test_any_tag_maps_to_a_valid_tag(payload: dict[str, Any]) -> None:
    tag = to_tag(payload, PROVIDER)
    round_trips(tag, Tag)
    assert tag.id == tag.name == payload["name"]


def attachments() -> st.SearchStrategy[dict[str, Any]]:
    """Attachment objects as a comment's ``attachments`` items allow them (always with an id)."""
    schema = load("comment")["properties"]["attachments"]["items"]
    schema["type"] = "object"
    schema["properties"]["id"] = ID
    schema["required"] = ["id"]
    return conforming(from_json_schema(schema), Draft7Validator(schema), "the attachment schema")


@EXAMPLES
@given(attachments(), records("comment", id=ID), st.integers(min_value=1))
def test_any_attachment_maps_to_a_valid_attachment(
    payload: dict[str, Any], comment: dict[str, Any], ticket_id: int
) -> None:
    attachment = to_attachment(payload, PROVIDER, comment, str(ticket_id))
    round_trips(attachment, Attachment)
    assert attachment.id == str(payload["id"]) and attachment.ticket == str(ticket_id)
    assert attachment.comment == f"{ticket_id}/comments/{comment['id']}"
    assert attachment.file_name == (payload.get("file_name") or None)
