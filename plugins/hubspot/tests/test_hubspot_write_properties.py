"""Property tests of the writes: any unified create body becomes HubSpot properties that read back to the same
values (HubSpot stores text; ``""`` clears), with a warning for what HubSpot cannot keep."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from unigate_hubspot.mappers import to_company, to_contact, to_task
from unigate_hubspot.writes import company_write, contact_write, task_write

from gateway.testing.schema_strategies import from_json_schema
from unified_models import CompanyCreate, CrmContactCreate, TaskCreate

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def bodies(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    schema = model.model_json_schema()
    return from_json_schema(schema, root=schema)


def valid(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    try:
        return model.model_validate(body).model_dump(exclude_unset=True)
    except ValidationError:
        assume(False)
        raise


def stored(properties: dict[str, Any]) -> dict[str, Any]:
    """The object HubSpot answers after the write: text kept, ``""`` read as null."""
    assert all(isinstance(v, str) for v in properties.values()), properties
    return {"id": "1", "properties": {k: (v if v.strip() else None) for k, v in properties.items()}}


def same_text(sent: Any, read: Any) -> bool:
    return (read is None) if sent is None or not str(sent).strip() else read == sent


@EXAMPLES
@given(bodies(CrmContactCreate))
def test_contacts_read_back_as_written(body: dict[str, Any]) -> None:
    fields = valid(CrmContactCreate, body)
    properties, links, warnings = contact_write(fields)
    custom = frozenset(fields.get("custom_fields") or {})
    assume(not custom & {"firstname", "lastname", "jobtitle", "email", "hubspot_owner_id", "phone", "mobilephone"})
    assume(all(isinstance(v, str | int | float | None) for v in (fields.get("custom_fields") or {}).values()))
    contact = to_contact(stored(properties), custom, links)
    for unified in ("first_name", "last_name", "title", "owner"):
        if unified in fields:
            assert same_text(fields[unified], getattr(contact, unified))
    emails = fields.get("email_addresses") or []
    if emails and len(emails[0]["email"].strip()) >= 3 and all(e.get("is_primary") is not True for e in emails[1:]):
        primary = next((e for e in emails if e.get("is_primary")), emails[0])
        assert [e.email for e in contact.email_addresses if e.is_primary] == [primary["email"]]
    assert ("email_addresses" in [w.field for w in warnings]) == (len(emails) > 1)
    assert contact.companies == list(fields.get("companies") or [])


@EXAMPLES
@given(bodies(CompanyCreate))
def test_companies_read_back_as_written(body: dict[str, Any]) -> None:
    fields = valid(CompanyCreate, body)
    assume(not fields.get("custom_fields"))
    properties, _, warnings = company_write(fields)
    company = to_company(stored(properties))
    for unified in ("name", "domain", "website", "industry", "description"):
        if unified in fields:
            assert same_text(fields[unified], getattr(company, unified))
    if fields.get("number_of_employees") is not None:
        assert company.number_of_employees == fields["number_of_employees"]
    assert ("phone_numbers" in [w.field for w in warnings]) == (len(fields.get("phone_numbers") or []) > 1)


@EXAMPLES
@given(bodies(TaskCreate))
def test_tasks_read_back_as_written(body: dict[str, Any]) -> None:
    fields = valid(TaskCreate, body)
    assume(not fields.get("custom_fields"))
    properties, links, _ = task_write(fields, creating=True)
    task = to_task(stored(properties), frozenset(), links)
    assert same_text(fields["subject"], task.subject)
    assert task.status == (fields.get("status") or "OPEN") and task.due_at is not None
    if fields.get("due_at"):
        assert abs((task.due_at - fields["due_at"]).total_seconds()) < 0.001
    assert (task.contacts, task.companies, task.deals) == tuple(
        list(fields.get(k) or []) for k in ("contacts", "companies", "deals")
    )
