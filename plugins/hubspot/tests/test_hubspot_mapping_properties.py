"""Property tests: any payload the published HubSpot record schemas allow maps to a valid unified model.

Envelopes (``id``, ``createdAt``, ``updatedAt``, ``archived``), the notes' and tasks' ``properties`` and the owners
come from the airbyte-source-hubspot 5.7.0 schemas (fetched at test time). Contacts', companies' and deals'
properties are account-defined there (read from the properties API), so they are drawn as HubSpot sends every
property: text or null, arbitrary text included. Pipelines follow HubSpot's v3 pipeline shape (``stages`` with
``metadata.isClosed`` and ``metadata.probability`` as text). Narrowed only where HubSpot always sends a value: a
numeric ``id``.
"""

from __future__ import annotations

from typing import Any

from hubspot_airbyte import manifest_schema, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator  # type: ignore[import-untyped]
from pydantic import BaseModel
from unigate_hubspot.mappers import (
    COMPANY_PROPERTIES,
    CONTACT_PROPERTIES,
    DEAL_PROPERTIES,
    stage_status,
    to_company,
    to_contact,
    to_deal,
    to_note,
    to_pipeline,
    to_task,
    to_user,
)
from unigate_hubspot.pipelines import stage_statuses

from gateway.testing.schema_strategies import conforming, from_json_schema
from unified_models import Company, CrmContact, Deal, DealStatus, Note, Pipeline, Task, TaskStatus, User

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
ID = {"type": "string", "pattern": "^[1-9][0-9]{0,11}$"}
TEXT = {"type": ["null", "string"]}
CUSTOM = frozenset({"favourite_colour", "contract_length"})
IDS = st.lists(st.from_regex(r"^[1-9][0-9]{0,8}$", fullmatch=True), max_size=3, unique=True)


def drawn(schema: dict[str, Any], what: str) -> st.SearchStrategy[dict[str, Any]]:
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return conforming(from_json_schema(schema), validator, what)


def objects(kind: str, names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A ``kind`` record (airbyte's envelope) whose ``properties`` hold these names (and custom ones) as text."""
    schema = record(kind)
    schema["type"] = "object"
    shown = {name: TEXT for name in (*names, *sorted(CUSTOM))}
    schema["properties"].update(id=ID, properties={"type": "object", "properties": shown})
    schema["required"] = ["id", "properties"]
    return drawn(schema, f"the {kind} schema")


def engagements(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    schema = record(kind)
    schema["type"] = "object"
    schema["properties"]["id"] = ID
    schema["properties"]["properties"]["type"] = "object"
    schema["required"] = ["id", "properties"]
    return drawn(schema, f"the {kind} schema")


def round_trips(item: BaseModel, model: type[BaseModel]) -> None:
    assert model.model_validate(item.model_dump(mode="json")) == item


LINKS = st.fixed_dictionaries({"companies": IDS, "contacts": IDS, "deals": IDS})


@EXAMPLES
@given(objects("contacts", CONTACT_PROPERTIES), LINKS)
def test_contacts(raw: dict[str, Any], links: dict[str, list[str]]) -> None:
    contact = to_contact(raw, CUSTOM, links)
    round_trips(contact, CrmContact)
    p = raw["properties"]
    assert contact.id == contact.remote_id == raw["id"] and contact.companies == links["companies"]
    assert set(contact.custom_fields) == CUSTOM & set(p)
    assert contact.first_name == (p.get("firstname") if (p.get("firstname") or "").strip() else None)
    primary = [e.email for e in contact.email_addresses if e.is_primary]
    assert primary == ([p["email"]] if len((p.get("email") or "").strip()) >= 3 else [])
    assert len(contact.addresses) <= 1 and len(contact.phone_numbers) <= 2


@EXAMPLES
@given(objects("companies", COMPANY_PROPERTIES))
def test_companies(raw: dict[str, Any]) -> None:
    company = to_company(raw, CUSTOM)
    round_trips(company, Company)
    assert company.number_of_employees is None or company.number_of_employees >= 0
    assert company.domain == (
        raw["properties"].get("domain") if (raw["properties"].get("domain") or "").strip() else None
    )


PIPELINE = {
    "type": "object",
    "required": ["id", "label", "displayOrder", "stages"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "label": {"type": "string"},
        "displayOrder": {"type": "integer"},
        "archived": {"type": "boolean"},
        "createdAt": {"type": "string", "format": "date-time"},
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "displayOrder", "metadata"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "label": {"type": "string"},
                    "displayOrder": {"type": "integer"},
                    "metadata": {
                        "type": "object",
                        "properties": {
                            "isClosed": {"enum": ["true", "false"]},
                            "probability": {"enum": ["0.0", "0.1", "0.5", "1.0", "x"]},
                        },
                    },
                },
            },
        },
    },
}


@EXAMPLES
@given(drawn(PIPELINE, "HubSpot's pipeline"), objects("deals", DEAL_PROPERTIES), LINKS)
def test_pipelines_and_deals(pipeline: dict[str, Any], raw: dict[str, Any], links: dict[str, list[str]]) -> None:
    mapped = to_pipeline(pipeline)
    round_trips(mapped, Pipeline)
    for stage, source in zip(mapped.stages, sorted(pipeline["stages"], key=lambda s: s["displayOrder"]), strict=True):
        closed = source["metadata"].get("isClosed") == "true"
        won = closed and source["metadata"].get("probability") == "1.0"
        assert stage.status == (DealStatus.WON if won else DealStatus.LOST if closed else DealStatus.OPEN)
        assert stage.status == stage_status(source["metadata"])
    statuses = stage_statuses([pipeline])
    deal = to_deal(raw, CUSTOM, links, statuses)
    round_trips(deal, Deal)
    stage = raw["properties"].get("dealstage")
    if stage in statuses:
        assert deal.status == statuses[stage] and deal.remote_status == stage
    assert deal.probability is None or 0 <= deal.probability <= 100
    assert (deal.companies, deal.contacts) == (links["companies"], links["contacts"])


@EXAMPLES
@given(engagements("engagements_notes"), LINKS)
def test_notes(raw: dict[str, Any], links: dict[str, list[str]]) -> None:
    note = to_note(raw, frozenset(), links)
    round_trips(note, Note)
    body = raw["properties"].get("hs_note_body")
    assert note.content == (body if (body or "").strip() else None) and note.deals == links["deals"]


@EXAMPLES
@given(engagements("engagements_tasks"), LINKS)
def test_tasks(raw: dict[str, Any], links: dict[str, list[str]]) -> None:
    task = to_task(raw, frozenset(), links)
    round_trips(task, Task)
    status = raw["properties"].get("hs_task_status")
    if status is not None and status.strip():
        assert task.status == (TaskStatus.COMPLETED if status == "COMPLETED" else TaskStatus.OPEN)
        assert task.remote_status == status


def owners() -> st.SearchStrategy[dict[str, Any]]:
    schema = manifest_schema("owners")
    schema["type"] = "object"
    schema["properties"]["id"] = ID
    schema["required"] = ["id"]
    return drawn(schema, "the owners schema")


@EXAMPLES
@given(owners())
def test_owners(raw: dict[str, Any]) -> None:
    user = to_user(raw)
    round_trips(user, User)
    archived = raw.get("archived")
    assert user.id == raw["id"] and user.is_active == (None if archived is None else not archived)
    assert user.teams == [str(t["id"]) for t in raw.get("teams") or [] if t.get("id") is not None]
