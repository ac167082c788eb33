"""The output models: realistic construction, enums, UTC datetimes, strictness, documentation of every field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

import pytest
from pydantic import BaseModel, ValidationError

import unified_models
from tests.unified_models.examples import CREATED, all_objects, github_ticket, jira_ticket, ticket_page
from unified_models import (
    CollectionType,
    Comment,
    Page,
    RemoteObject,
    Tag,
    Ticket,
    TicketPriority,
    TicketStatus,
    User,
)
from unified_models.schemas import public_models

ENUMS: list[type[StrEnum]] = [TicketStatus, TicketPriority, CollectionType]


def test_every_object_builds_and_round_trips_through_json() -> None:
    for obj in all_objects():
        again = type(obj).model_validate_json(obj.model_dump_json())
        assert again == obj


def test_ticket_from_provider_json_is_normalised() -> None:
    ticket = jira_ticket()
    assert ticket.status is TicketStatus.IN_PROGRESS and ticket.remote_status == "In Review"
    assert ticket.priority is TicketPriority.HIGH and ticket.remote_priority == "High"
    assert ticket.remote_created_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert ticket.remote_created_at.tzinfo is UTC
    assert ticket.assignees == ["5b10ac8d82e05b22cc7d4ef5"] and ticket.attachments == ["10210"]
    assert ticket.remote_data is None and ticket.remote_was_deleted is False


def test_ticket_defaults_are_empty_not_shared() -> None:
    first = Ticket(id="1", remote_id="1", provider="asana")
    second = Ticket(id="2", remote_id="2", provider="asana")
    first.tags.append("x")
    assert second.tags == [] and second.status is None and second.name is None


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_enum_members_round_trip(enum: type[StrEnum]) -> None:
    for member in enum:
        assert enum(member.value) is member
        assert member == member.value and member.value == member.name
        assert isinstance(member, str)


@pytest.mark.parametrize("status", list(TicketStatus))
@pytest.mark.parametrize("priority", list(TicketPriority))
def test_ticket_enums_survive_json(status: TicketStatus, priority: TicketPriority) -> None:
    ticket = github_ticket().model_copy(update={"status": status, "priority": priority})
    data = ticket.model_dump(mode="json")
    assert data["status"] == status.value and data["priority"] == priority.value
    again = Ticket.model_validate(data)
    assert again.status is status and again.priority is priority


def test_unknown_enum_value_is_rejected_with_the_accepted_values() -> None:
    with pytest.raises(ValidationError) as caught:
        Ticket(id="1", remote_id="1", provider="jira", status="DONE")
    assert "'OPEN', 'IN_PROGRESS', 'ON_HOLD' or 'CLOSED'" in str(caught.value)


def test_datetimes_are_aware_and_normalised_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    ticket = Ticket(id="1", remote_id="1", provider="jira", due_date=datetime(2024, 3, 1, 10, 30, tzinfo=paris))
    assert ticket.due_date == CREATED and ticket.due_date.tzinfo is UTC
    with pytest.raises(ValidationError, match="timezone"):
        Ticket(id="1", remote_id="1", provider="jira", remote_created_at=datetime(2024, 3, 1))


@pytest.mark.parametrize("obj", all_objects(), ids=lambda o: f"{type(o).__name__}-{o.provider}")
def test_output_models_reject_unknown_fields(obj: RemoteObject) -> None:
    data = obj.model_dump() | {"surprise": 1}
    with pytest.raises(ValidationError) as caught:
        type(obj).model_validate(data)
    assert caught.value.errors()[0]["type"] == "extra_forbidden" and caught.value.errors()[0]["loc"] == ("surprise",)


def test_remote_data_and_field_mappings_take_any_payload() -> None:
    payload = {"fields": {"customfield_10010": [{"nested": None}], "votes": 3}, "self": "https://x"}
    ticket = Ticket(id="1", remote_id="1", provider="jira", remote_data=payload, field_mappings={"team": "Core"})
    assert ticket.remote_data == payload and ticket.field_mappings == {"team": "Core"}


@pytest.mark.parametrize("field", ["id", "remote_id", "provider"])
def test_envelope_ids_are_required_and_non_empty(field: str) -> None:
    data = {"id": "1", "remote_id": "1", "provider": "github", "name": "bug"}
    with pytest.raises(ValidationError):
        Tag.model_validate({k: v for k, v in data.items() if k != field})
    with pytest.raises(ValidationError):
        Tag.model_validate(data | {field: ""})


def test_comment_needs_its_ticket() -> None:
    with pytest.raises(ValidationError, match="ticket"):
        Comment.model_validate({"id": "1", "remote_id": "1", "provider": "github", "body": "hi"})


def test_user_fields() -> None:
    user = User(id="u", remote_id="7", provider="linear", name="Ada", username="ada", is_active=False)
    assert user.model_dump(exclude={"remote_data", "field_mappings"}) == {
        "id": "u",
        "remote_id": "7",
        "provider": "linear",
        "remote_created_at": None,
        "remote_updated_at": None,
        "remote_was_deleted": False,
        "name": "Ada",
        "username": "ada",
        "email_address": None,
        "is_active": False,
        "avatar": None,
        "teams": [],
    }


def test_page_shape() -> None:
    page = ticket_page()
    data = page.model_dump(mode="json")
    assert set(data) == {"data", "next_cursor", "warnings"}
    assert data["warnings"] == [{"field": "priority", "message": "GitHub issues have no priority", "object_id": None}]
    assert Page[Ticket].model_validate_json(page.model_dump_json()) == page
    last = Page[Tag](data=[])
    assert last.next_cursor is None and last.warnings == []
    with pytest.raises(ValidationError):
        Page[Tag].model_validate({"data": [{"id": "1", "remote_id": "1", "provider": "github"}]})


@pytest.mark.parametrize("model", public_models(), ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    assert model.__doc__
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"


def test_all_is_sorted_and_resolvable() -> None:
    assert unified_models.__all__ == sorted(unified_models.__all__)
    for name in unified_models.__all__:
        assert getattr(unified_models, name) is not None
