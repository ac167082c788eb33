"""Property tests: any payload the published Zendesk record schemas allow maps to a valid unified model.

Payloads are generated with ``hypothesis_jsonschema.from_schema`` from the airbyte-source-zendesk-support 4.9.1
schemas (fetched at test time), narrowed only where Zendesk always sends a value: every record has an integer
``id`` and every tag a name. Each mapped object must round-trip through its unified model's validation and keep
the payload's meaning (ids, status and priority tables, privacy, tags).

hypothesis-jsonschema 0.23.1 cannot draw objects with the installed Hypothesis (6.170: ``cu.many`` lost
``more()``), so ``payloads`` assembles objects and arrays itself with ``fixed_dictionaries``/``lists`` and leaves
every scalar to ``from_schema``; each payload drawn is checked against the whole schema with ``jsonschema``.
"""

from __future__ import annotations

from typing import Any

from airbyte_schemas import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft7Validator  # type: ignore[import-untyped]
from pydantic import BaseModel
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

from unified_models import Account, Comment, Contact, Tag, Team, Ticket, User

PROVIDER = "zendesk"
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=10)


def _types(schema: dict[str, Any]) -> set[str]:
    kinds = schema.get("type", [])
    return {kinds} if isinstance(kinds, str) else set(kinds)


def payloads(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against ``schema``: objects and arrays composed here, scalars from ``from_schema``."""
    kinds = _types(schema)
    nullable = st.none() if "null" in kinds else st.nothing()
    if "object" in kinds:
        properties = schema.get("properties") or {}
        if properties:
            drawn: st.SearchStrategy[Any] = st.fixed_dictionaries(
                {}, optional={name: payloads(sub) for name, sub in properties.items()}
            )
        else:  # free-form objects (custom fields)
            drawn = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3)
        scalars = kinds - {"object", "null"}
        if scalars:
            drawn = drawn | from_schema({**schema, "type": sorted(scalars), "properties": {}})
        return nullable | drawn
    if "array" in kinds:
        return nullable | st.lists(payloads(schema.get("items") or {}), max_size=3)
    return from_schema(schema) if schema else JSON_VALUES


def records(kind: str, **required: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects valid against the record schema of ``kind``; ``required`` narrows properties that are always sent."""
    schema = load(kind)
    schema["type"] = "object"
    schema["properties"].update(required)
    schema["required"] = sorted(required)
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    optional = {name: payloads(sub) for name, sub in schema["properties"].items() if name not in required}
    strategy = st.fixed_dictionaries({name: from_schema(sub) for name, sub in required.items()}, optional=optional)

    def valid(payload: dict[str, Any]) -> dict[str, Any]:
        problems = [e.message for e in validator.iter_errors(payload)]
        assert not problems, f"the strategy drew a payload outside the {kind} schema: {problems}"
        return payload

    return strategy.map(valid)


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
