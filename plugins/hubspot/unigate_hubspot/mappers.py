"""Pure mappings from HubSpot payloads to unified models (no I/O; the property tests drive them).

HubSpot answers every property value as a string (or null): numbers, booleans and dates are read from their text,
and a value that cannot be read is taken as missing rather than failing the page. Ids are HubSpot's numeric ids as
strings; a pipeline's and a stage's id are HubSpot's (``default``, ``closedwon``, or numbers for added ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from gateway.provider import parse_time
from unified_models import (
    Address,
    Company,
    CrmContact,
    Deal,
    DealStage,
    DealStatus,
    EmailAddress,
    Note,
    PhoneNumber,
    Pipeline,
    Task,
    TaskStatus,
    User,
)

Links = Mapping[str, list[str]]  # associated type -> ids
ADDRESS = ("address", "city", "state", "zip", "country")
CONTACT_PROPERTIES = (
    "firstname", "lastname", "jobtitle", "email", "hs_additional_emails", "phone", "mobilephone", *ADDRESS,
    "hubspot_owner_id", "notes_last_updated", "createdate", "lastmodifieddate",
)  # fmt: skip
COMPANY_PROPERTIES = (
    "name", "domain", "website", "industry", "description", "numberofemployees", "phone", *ADDRESS,
    "hubspot_owner_id", "notes_last_updated", "createdate", "hs_lastmodifieddate",
)  # fmt: skip
DEAL_PROPERTIES = (
    "dealname", "amount", "deal_currency_code", "pipeline", "dealstage", "closedate", "hs_deal_stage_probability",
    "hs_is_closed", "hs_is_closed_won", "hubspot_owner_id", "description", "notes_last_updated", "createdate",
    "hs_lastmodifieddate",
)  # fmt: skip
NOTE_PROPERTIES = ("hs_note_body", "hs_timestamp", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate")
TASK_PROPERTIES = (
    "hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", "hs_timestamp",
    "hs_task_completion_date", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate",
)  # fmt: skip


def text(value: Any) -> str | None:
    """A property's text; None for null, empty or a value that is not text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value) if str(value).strip() else None


def number(value: Any) -> float | None:
    try:
        found = float(text(value) or "nan")
    except ValueError:
        return None
    return found if found == found and found not in (float("inf"), float("-inf")) else None


def when(value: Any) -> datetime | None:
    """An ISO 8601 timestamp or epoch milliseconds (HubSpot writes both); None if unreadable."""
    try:
        return parse_time(text(value))
    except ValueError:
        return None


def day(value: Any) -> date | None:
    moment = when(value)
    return moment.date() if moment else None


def flag(value: Any) -> bool | None:
    found = (text(value) or "").lower()
    return True if found == "true" else False if found == "false" else None


def props(raw: Mapping[str, Any]) -> dict[str, Any]:
    found = raw.get("properties")
    return dict(found) if isinstance(found, Mapping) else {}


def envelope(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The ``RemoteObject`` fields of an object: ids, timestamps and the payload."""
    p = props(raw)
    remote_id = str(raw["id"])
    return {
        "id": remote_id,
        "remote_id": remote_id,
        "provider": "hubspot",
        "remote_created_at": when(raw.get("createdAt")) or when(p.get("createdate")) or when(p.get("hs_createdate")),
        "remote_updated_at": when(raw.get("updatedAt")) or when(p.get("lastmodifieddate")),
        "remote_data": dict(raw),
    }


def customs(p: Mapping[str, Any], custom: frozenset[str]) -> dict[str, Any]:
    """The custom properties' values, by HubSpot property name."""
    return {name: p[name] for name in sorted(custom) if name in p}


def address(p: Mapping[str, Any]) -> list[Address]:
    parts = {key: text(p.get(key)) for key in ADDRESS}
    if not any(parts.values()):
        return []
    return [
        Address(
            street=parts["address"],
            city=parts["city"],
            state=parts["state"],
            postal_code=parts["zip"],
            country=parts["country"],
        )
    ]


def emails(p: Mapping[str, Any]) -> list[EmailAddress]:
    """The primary ``email``, then ``hs_additional_emails`` (semicolon-separated)."""
    primary = text(p.get("email"))
    found = [EmailAddress(email=primary, is_primary=True)] if primary and len(primary) >= 3 else []
    for extra in (text(p.get("hs_additional_emails")) or "").split(";"):
        if len(extra.strip()) >= 3 and extra.strip() != primary:
            found.append(EmailAddress(email=extra.strip()))
    return found


def phones(p: Mapping[str, Any]) -> list[PhoneNumber]:
    found: list[PhoneNumber] = []
    for key, label in (("phone", "work"), ("mobilephone", "mobile")):
        value = text(p.get(key))
        if value:
            found.append(PhoneNumber(number=value, type=label, is_primary=not found))
    return found


def to_contact(raw: Mapping[str, Any], custom: frozenset[str] = frozenset(), links: Links | None = None) -> CrmContact:
    p = props(raw)
    return CrmContact(
        **envelope(raw),
        first_name=text(p.get("firstname")),
        last_name=text(p.get("lastname")),
        title=text(p.get("jobtitle")),
        email_addresses=emails(p),
        phone_numbers=phones(p),
        addresses=address(p),
        companies=list((links or {}).get("companies", [])),
        owner=text(p.get("hubspot_owner_id")),
        last_activity_at=when(p.get("notes_last_updated")),
        custom_fields=customs(p, custom),
    )


def to_company(raw: Mapping[str, Any], custom: frozenset[str] = frozenset(), links: Links | None = None) -> Company:
    p = props(raw)
    employees = number(p.get("numberofemployees"))
    return Company(
        **envelope(raw),
        name=text(p.get("name")),
        domain=text(p.get("domain")),
        website=text(p.get("website")),
        industry=text(p.get("industry")),
        description=text(p.get("description")),
        number_of_employees=int(employees) if employees is not None and employees >= 0 else None,
        phone_numbers=[PhoneNumber(number=v, type="work", is_primary=True) for v in [text(p.get("phone"))] if v],
        addresses=address(p),
        owner=text(p.get("hubspot_owner_id")),
        last_activity_at=when(p.get("notes_last_updated")),
        custom_fields=customs(p, custom),
    )


def stage_status(metadata: Any) -> DealStatus:
    """A stage's meaning from its ``metadata``: closed with probability 1.0 is won, closed otherwise lost."""
    meta = metadata if isinstance(metadata, Mapping) else {}
    if not flag(meta.get("isClosed")):
        return DealStatus.OPEN
    return DealStatus.WON if number(meta.get("probability")) == 1.0 else DealStatus.LOST


def percent(value: Any) -> float | None:
    """A 0..1 probability as a percentage (None outside that range)."""
    found = number(value)
    return round(found * 100, 6) if found is not None and 0 <= found <= 1 else None


def to_pipeline(raw: Mapping[str, Any]) -> Pipeline:
    stages = []
    for stage in sorted((s for s in raw.get("stages") or [] if isinstance(s, Mapping) and s.get("id")), key=_order):
        meta: Mapping[str, Any] = stage["metadata"] if isinstance(stage.get("metadata"), Mapping) else {}
        stages.append(
            DealStage(
                id=str(stage["id"]),
                name=str(stage.get("label") or stage["id"]),
                display_order=_order(stage) if isinstance(stage.get("displayOrder"), int) else None,
                probability=percent(meta.get("probability")),
                status=stage_status(meta),
            )
        )
    remote_id = str(raw["id"])
    return Pipeline(
        id=remote_id,
        remote_id=remote_id,
        provider="hubspot",
        remote_created_at=when(raw.get("createdAt")),
        remote_updated_at=when(raw.get("updatedAt")),
        remote_data=dict(raw),
        name=text(raw.get("label")),
        stages=stages,
        is_default=remote_id == "default",
    )


def _order(stage: Mapping[str, Any]) -> int:
    order = stage.get("displayOrder")
    return order if isinstance(order, int) and not isinstance(order, bool) else 0


def deal_status(p: Mapping[str, Any], stages: Mapping[str, DealStatus]) -> DealStatus | None:
    """The status of the deal's stage; for a stage not in ``stages``, HubSpot's ``hs_is_closed(_won)``."""
    stage = text(p.get("dealstage"))
    if stage in stages:
        return stages[stage or ""]
    won, closed = flag(p.get("hs_is_closed_won")), flag(p.get("hs_is_closed"))
    if won:
        return DealStatus.WON
    if closed is None:
        return None
    return DealStatus.LOST if closed else DealStatus.OPEN


def to_deal(
    raw: Mapping[str, Any],
    custom: frozenset[str] = frozenset(),
    links: Links | None = None,
    stages: Mapping[str, DealStatus] | None = None,
) -> Deal:
    p = props(raw)
    return Deal(
        **envelope(raw),
        name=text(p.get("dealname")),
        amount=number(p.get("amount")),
        currency=text(p.get("deal_currency_code")),
        pipeline=text(p.get("pipeline")),
        stage=text(p.get("dealstage")),
        status=deal_status(p, stages or {}),
        remote_status=text(p.get("dealstage")),
        close_date=day(p.get("closedate")),
        probability=percent(p.get("hs_deal_stage_probability")),
        companies=list((links or {}).get("companies", [])),
        contacts=list((links or {}).get("contacts", [])),
        owner=text(p.get("hubspot_owner_id")),
        description=text(p.get("description")),
        last_activity_at=when(p.get("notes_last_updated")),
        custom_fields=customs(p, custom),
    )


def _activity_links(links: Links | None) -> dict[str, list[str]]:
    return {name: list((links or {}).get(name, [])) for name in ("contacts", "companies", "deals")}


def to_note(raw: Mapping[str, Any], custom: frozenset[str] = frozenset(), links: Links | None = None) -> Note:
    p = props(raw)
    return Note(
        **envelope(raw),
        content=text(p.get("hs_note_body")),
        owner=text(p.get("hubspot_owner_id")),
        custom_fields=customs(p, custom),
        **_activity_links(links),
    )


def to_task(raw: Mapping[str, Any], custom: frozenset[str] = frozenset(), links: Links | None = None) -> Task:
    p = props(raw)
    status = text(p.get("hs_task_status"))
    return Task(
        **envelope(raw),
        subject=text(p.get("hs_task_subject")),
        content=text(p.get("hs_task_body")),
        status=None if status is None else TaskStatus.COMPLETED if status == "COMPLETED" else TaskStatus.OPEN,
        remote_status=status,
        due_at=when(p.get("hs_timestamp")),
        completed_at=when(p.get("hs_task_completion_date")),
        owner=text(p.get("hubspot_owner_id")),
        custom_fields=customs(p, custom),
        **_activity_links(links),
    )


def to_user(raw: Mapping[str, Any]) -> User:
    """A HubSpot owner (``/crm/v3/owners``): archived owners are inactive."""
    remote_id = str(raw["id"])
    name = " ".join(part for part in (text(raw.get("firstName")), text(raw.get("lastName"))) if part)
    archived = raw.get("archived")
    return User(
        id=remote_id,
        remote_id=remote_id,
        provider="hubspot",
        remote_created_at=when(raw.get("createdAt")),
        remote_updated_at=when(raw.get("updatedAt")),
        remote_data=dict(raw),
        name=name or None,
        email_address=text(raw.get("email")),
        is_active=None if not isinstance(archived, bool) else not archived,
        teams=[str(t["id"]) for t in raw.get("teams") or [] if isinstance(t, Mapping) and t.get("id") is not None],
    )
