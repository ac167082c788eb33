"""The input models: unknown fields are refused clearly, updates say what the caller wants to change."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from unified_models import CommentCreate, TicketCreate, TicketPriority, TicketStatus, TicketUpdate

INPUTS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (TicketCreate, {"name": "Crash"}),
    (TicketUpdate, {}),
    (CommentCreate, {"ticket": "octo/hello#42", "body": "hi"}),
]


@pytest.mark.parametrize(("model", "valid"), INPUTS, ids=lambda v: getattr(v, "__name__", ""))
def test_unknown_fields_are_rejected_by_name(model: type[BaseModel], valid: dict[str, Any]) -> None:
    model.model_validate(valid)
    with pytest.raises(ValidationError) as caught:
        model.model_validate(valid | {"labels": ["bug"]})
    [error] = caught.value.errors()
    assert error["type"] == "extra_forbidden" and error["loc"] == ("labels",)
    assert "labels\n  Extra inputs are not permitted" in str(caught.value)


@pytest.mark.parametrize("model", [TicketCreate, TicketUpdate, CommentCreate])
def test_output_only_fields_are_not_writable(model: type[BaseModel]) -> None:
    for field in ("id", "remote_id", "provider", "remote_data", "remote_created_at"):
        assert field not in model.model_fields


def test_ticket_create() -> None:
    body = TicketCreate.model_validate(
        {"name": "Crash", "status": "OPEN", "priority": "LOW", "collections": ["KAN"], "due_date": "2024-05-01T00:00Z"}
    )
    assert body.status is TicketStatus.OPEN and body.priority is TicketPriority.LOW and body.tags == []
    for missing in ({}, {"name": ""}, {"name": None}):
        with pytest.raises(ValidationError, match="name"):
            TicketCreate.model_validate(missing)
    assert "remote_status" in TicketCreate(name="x", remote_status="In Review").model_fields_set


@pytest.mark.parametrize("model", [TicketCreate, TicketUpdate])
@pytest.mark.parametrize(
    "pair", [{"status": "CLOSED", "remote_status": "Done"}, {"priority": "HIGH", "remote_priority": "High"}]
)
def test_normalised_and_remote_values_are_exclusive(model: type[BaseModel], pair: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="not both"):
        model.model_validate({"name": "x"} | pair)


def test_ticket_update_tells_what_was_set() -> None:
    update = TicketUpdate.model_validate({"status": "CLOSED", "due_date": None, "assignees": []})
    assert update.model_fields_set == {"status", "due_date", "assignees"}
    assert update.changes() == {"status": TicketStatus.CLOSED, "due_date": None, "assignees": []}
    assert TicketUpdate().changes() == {}
    assert TicketUpdate(description=None).changes() == {"description": None}


def test_ticket_update_refuses_nonsense_clears() -> None:
    with pytest.raises(ValidationError, match="name cannot be null"):
        TicketUpdate.model_validate({"name": None})
    with pytest.raises(ValidationError, match="assignees"):
        TicketUpdate.model_validate({"assignees": None})


def test_comment_create() -> None:
    comment = CommentCreate(ticket="35436", html_body="<p>Thanks!</p>", is_private=True)
    assert comment.body is None and comment.is_private is True
    for bad in ({"ticket": "35436"}, {"ticket": "35436", "body": ""}):
        with pytest.raises(ValidationError, match="send body or html_body"):
            CommentCreate.model_validate(bad)
    with pytest.raises(ValidationError, match="ticket"):
        CommentCreate.model_validate({"body": "hi"})
