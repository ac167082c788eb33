"""Property: any valid Ticket survives a JSON round trip unchanged, and its JSON satisfies the exported schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from unified_models import Ticket, TicketPriority, TicketStatus
from unified_models.schemas import export_json_schemas

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
JSON_OBJECTS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])
DATETIMES = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=ZONES)
IDS = st.text(min_size=1, max_size=20)
TEXT = st.text(max_size=40)
REFS = st.lists(IDS, max_size=3)

FIELDS: dict[str, st.SearchStrategy[Any]] = dict(
    id=IDS,
    remote_id=IDS,
    provider=st.sampled_from(["github", "gitlab", "jira", "linear", "zendesk", "asana"]),
    remote_created_at=st.none() | DATETIMES,
    remote_updated_at=st.none() | DATETIMES,
    remote_was_deleted=st.booleans(),
    field_mappings=st.none() | JSON_OBJECTS,
    remote_data=st.none() | JSON_OBJECTS,
    name=st.none() | TEXT,
    description=st.none() | TEXT,
    description_html=st.none() | TEXT,
    status=st.none() | st.sampled_from(TicketStatus),
    remote_status=st.none() | TEXT,
    priority=st.none() | st.sampled_from(TicketPriority),
    remote_priority=st.none() | TEXT,
    ticket_type=st.none() | TEXT,
    assignees=REFS,
    assigned_teams=REFS,
    contact=st.none() | IDS,
    account=st.none() | IDS,
    collections=REFS,
    parent_ticket=st.none() | IDS,
    tags=st.lists(TEXT, max_size=3),
    due_date=st.none() | DATETIMES,
    creator=st.none() | IDS,
    attachments=REFS,
    completed_at=st.none() | DATETIMES,
    ticket_url=st.none() | TEXT,
)
TICKETS = st.builds(Ticket, **FIELDS)
VALIDATOR = jsonschema.Draft202012Validator(export_json_schemas()["Ticket"])


def test_strategy_sets_every_field() -> None:
    assert set(FIELDS) == set(Ticket.model_fields)


@given(TICKETS)
def test_ticket_round_trips_through_json(ticket: Ticket) -> None:
    text = ticket.model_dump_json()
    again = Ticket.model_validate_json(text)
    assert again == ticket
    assert again.model_dump_json() == text
    VALIDATOR.validate(again.model_dump(mode="json"))
