"""Unified write bodies to HubSpot properties (pure): each returns ``(properties, links, warnings)``.

Only the fields sent are written; a field sent as null (or ``[]``) clears the property (HubSpot clears with ``""``).
``links`` maps an associated type (``companies``) to the ids the object must be associated with, when sent.
Custom fields are written as the HubSpot properties they are keyed by.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from gateway.provider import format_time, unsettable
from unified_models import FieldWarning, TaskStatus

Write = tuple[dict[str, Any], dict[str, list[str]], list[FieldWarning]]
ONE_EMAIL = "HubSpot's API writes one email address per contact (the primary); the others were not written"
ONE_ADDRESS = "HubSpot keeps one postal address per object; only the first was written"
PROBABILITY = "HubSpot derives a deal's probability from its stage; choose the stage instead"


def _value(value: Any) -> Any:
    """A property value as HubSpot takes it: text, ``""`` to clear."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_time(value.astimezone(UTC), "iso_ms")
    if isinstance(value, date):
        return format_time(datetime(value.year, value.month, value.day, tzinfo=UTC), "iso_ms")
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else value


def _simple(fields: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {prop: _value(fields[name]) for name, prop in names.items() if name in fields}


def _address(fields: Mapping[str, Any], warnings: list[FieldWarning]) -> dict[str, Any]:
    if "addresses" not in fields:
        return {}
    found = list(fields["addresses"] or [])
    if len(found) > 1:
        warnings.append(FieldWarning(field="addresses", message=ONE_ADDRESS))
    first = found[0] if found else {}
    parts = {"address": "street", "city": "city", "state": "state", "zip": "postal_code", "country": "country"}
    return {prop: _value(first.get(name)) for prop, name in parts.items()}


def _custom(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): _value(v) for k, v in (fields.get("custom_fields") or {}).items()}


def _links(fields: Mapping[str, Any], *names: str) -> dict[str, list[str]]:
    return {name: list(fields[name] or []) for name in names if name in fields}


def contact_write(fields: Mapping[str, Any]) -> Write:
    warnings: list[FieldWarning] = []
    properties = _simple(
        fields, {"first_name": "firstname", "last_name": "lastname", "title": "jobtitle", "owner": "hubspot_owner_id"}
    )
    if "email_addresses" in fields:
        found = list(fields["email_addresses"] or [])
        primary = next((e for e in found if e.get("is_primary")), found[0] if found else None)
        properties["email"] = primary["email"] if primary else ""
        if len(found) > 1:
            warnings.append(FieldWarning(field="email_addresses", message=ONE_EMAIL))
    if "phone_numbers" in fields:
        found = list(fields["phone_numbers"] or [])
        mobile = next((n for n in found if (n.get("type") or "").lower() in ("mobile", "cell")), None)
        other = next((n for n in found if n is not mobile), None)
        properties["mobilephone"] = mobile["number"] if mobile else ""
        properties["phone"] = other["number"] if other else ""
        if len(found) > 2 or (len(found) == 2 and not mobile):
            message = "HubSpot keeps a phone and a mobile phone per contact; the other numbers were not written"
            warnings.append(FieldWarning(field="phone_numbers", message=message))
    properties.update(_address(fields, warnings))
    return {**properties, **_custom(fields)}, _links(fields, "companies"), warnings


def company_write(fields: Mapping[str, Any]) -> Write:
    warnings: list[FieldWarning] = []
    names = {
        "name": "name",
        "domain": "domain",
        "website": "website",
        "industry": "industry",
        "description": "description",
        "number_of_employees": "numberofemployees",
        "owner": "hubspot_owner_id",
    }
    properties = _simple(fields, names)
    if "phone_numbers" in fields:
        found = list(fields["phone_numbers"] or [])
        properties["phone"] = found[0]["number"] if found else ""
        if len(found) > 1:
            message = "HubSpot keeps one phone number per company; only the first was written"
            warnings.append(FieldWarning(field="phone_numbers", message=message))
    properties.update(_address(fields, warnings))
    return {**properties, **_custom(fields)}, {}, warnings


def deal_write(fields: Mapping[str, Any]) -> Write:
    """The deal's properties; ``status`` is left to the caller (it needs the pipelines to pick a stage)."""
    names = {
        "name": "dealname",
        "amount": "amount",
        "currency": "deal_currency_code",
        "pipeline": "pipeline",
        "stage": "dealstage",
        "close_date": "closedate",
        "description": "description",
        "owner": "hubspot_owner_id",
    }
    warnings = unsettable(fields, {"probability": PROBABILITY}, None)
    return {**_simple(fields, names), **_custom(fields)}, _links(fields, "companies", "contacts"), warnings


def note_write(fields: Mapping[str, Any], creating: bool) -> Write:
    properties = _simple(fields, {"content": "hs_note_body", "owner": "hubspot_owner_id"})
    if creating:
        properties["hs_timestamp"] = _value(datetime.now(UTC))  # HubSpot requires the note's time
    return {**properties, **_custom(fields)}, _links(fields, "contacts", "companies", "deals"), []


def task_write(fields: Mapping[str, Any], creating: bool) -> Write:
    names = {
        "subject": "hs_task_subject",
        "content": "hs_task_body",
        "due_at": "hs_timestamp",
        "owner": "hubspot_owner_id",
    }
    properties = _simple(fields, names)
    if "status" in fields or creating:
        done = fields.get("status") == TaskStatus.COMPLETED
        properties["hs_task_status"] = "COMPLETED" if done else "NOT_STARTED"
    if creating and not fields.get("due_at"):
        properties["hs_timestamp"] = _value(datetime.now(UTC))  # HubSpot requires a due time
    return {**properties, **_custom(fields)}, _links(fields, "contacts", "companies", "deals"), []
