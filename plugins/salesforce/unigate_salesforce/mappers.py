"""Salesforce records (REST/SOQL JSON) to unified CRM models; pure, driven by the property tests.

Times are ISO 8601 with ``+0000`` (``2024-01-02T03:04:05.000+0000``); date fields (``CloseDate``,
``ActivityDate``, ``LastActivityDate``) are ``YYYY-MM-DD``. A value that cannot be read is taken as missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from gateway.provider import parse_time
from unified_models import User
from unified_models.crm import (
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
)
from unigate_salesforce.common import custom_fields, kind_of

PIPELINE = "default"  # the org's one set of opportunity stages, served as one pipeline
CONTACT_PHONES = (("Phone", "work"), ("MobilePhone", "mobile"), ("HomePhone", "home"), ("OtherPhone", "other"))
ADDRESS_PARTS = ("Street", "City", "State", "PostalCode", "Country")


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def when(value: Any) -> datetime | None:
    """A dateTime (``+0000`` offsets included) or a date (midnight UTC); None if unreadable."""
    found = text(value)
    if found is None:
        return None
    if len(found) > 5 and found[-5] in "+-" and found[-4:].isdigit():
        found = f"{found[:-2]}:{found[-2:]}"  # +0000 -> +00:00, which every Python reads
    try:
        moment = parse_time(found)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment else None


def day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and len(value) >= 10 else None
    except ValueError:
        return None


def percent(value: Any) -> float | None:
    found = number(value)
    return found if found is not None and 0 <= found <= 100 else None


def envelope(record: Mapping[str, Any]) -> dict[str, Any]:
    remote_id = str(record["Id"])
    return {
        "id": remote_id,
        "remote_id": remote_id,
        "provider": "salesforce",
        "remote_created_at": when(record.get("CreatedDate")),
        "remote_updated_at": when(record.get("LastModifiedDate")) or when(record.get("SystemModstamp")),
        "remote_data": dict(record),
    }


def address(record: Mapping[str, Any], prefix: str, label: str) -> list[Address]:
    """``MailingStreet``, ``MailingCity`` ... as one address labelled ``label``; none if every part is empty."""
    parts = [text(record.get(prefix + part)) for part in ADDRESS_PARTS]
    if not any(parts):
        return []
    street, city, state, postal_code, country = parts
    return [Address(street=street, city=city, state=state, postal_code=postal_code, country=country, type=label)]


def phones(record: Mapping[str, Any], names: tuple[tuple[str, str], ...]) -> list[PhoneNumber]:
    found = [(text(record.get(name)), label) for name, label in names]
    numbers = [(n, label) for n, label in found if n]
    return [PhoneNumber(number=n, type=label, is_primary=i == 0) for i, (n, label) in enumerate(numbers)]


def last_activity(record: Mapping[str, Any]) -> datetime | None:
    found = day(record.get("LastActivityDate"))
    return datetime(found.year, found.month, found.day, tzinfo=UTC) if found else None


def one(value: Any) -> list[str]:
    return [value] if text(value) else []


def domain_of(website: Any) -> str | None:
    """``example.com`` from ``https://www.example.com/about`` (or ``www.example.com``)."""
    found = text(website)
    if found is None:
        return None
    try:
        host = urlsplit(found if "//" in found else f"//{found}").hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def to_contact(record: Mapping[str, Any]) -> CrmContact:
    email = text(record.get("Email"))
    return CrmContact(
        **envelope(record),
        first_name=text(record.get("FirstName")),
        last_name=text(record.get("LastName")),
        title=text(record.get("Title")),
        email_addresses=[EmailAddress(email=email, is_primary=True)] if email and len(email) >= 3 else [],
        phone_numbers=phones(record, CONTACT_PHONES),
        addresses=[*address(record, "Mailing", "mailing"), *address(record, "Other", "other")],
        companies=one(record.get("AccountId")),
        owner=text(record.get("OwnerId")),
        custom_fields=custom_fields(record),
        last_activity_at=last_activity(record),
    )


def to_company(record: Mapping[str, Any]) -> Company:
    employees = record.get("NumberOfEmployees")
    return Company(
        **envelope(record),
        name=text(record.get("Name")),
        domain=domain_of(record.get("Website")),
        website=text(record.get("Website")),
        industry=text(record.get("Industry")),
        description=text(record.get("Description")),
        number_of_employees=employees if type(employees) is int and employees >= 0 else None,
        phone_numbers=phones(record, (("Phone", "work"),)),
        addresses=[*address(record, "Billing", "billing"), *address(record, "Shipping", "shipping")],
        owner=text(record.get("OwnerId")),
        custom_fields=custom_fields(record),
        last_activity_at=last_activity(record),
    )


def deal_status(record: Mapping[str, Any]) -> DealStatus | None:
    """``IsClosed`` and ``IsWon``: closed and won is WON, closed is LOST, open is OPEN; None when not told."""
    closed, won = record.get("IsClosed"), record.get("IsWon")
    if not isinstance(closed, bool):
        return None
    return (DealStatus.WON if won is True else DealStatus.LOST) if closed else DealStatus.OPEN


def to_deal(record: Mapping[str, Any]) -> Deal:
    stage = text(record.get("StageName"))
    return Deal(
        **envelope(record),
        name=text(record.get("Name")),
        amount=number(record.get("Amount")),
        currency=text(record.get("CurrencyIsoCode")),  # multi-currency orgs only
        pipeline=PIPELINE,
        stage=stage,
        status=deal_status(record),
        remote_status=stage,
        close_date=day(record.get("CloseDate")),
        probability=percent(record.get("Probability")),
        companies=one(record.get("AccountId")),
        contacts=one(record.get("ContactId")),
        owner=text(record.get("OwnerId")),
        description=text(record.get("Description")),
        custom_fields=custom_fields(record),
        last_activity_at=last_activity(record),
    )


def links(*ids: Any) -> dict[str, list[str]]:
    """``contacts``, ``companies`` and ``deals`` of the ids a record points at, told apart by their key prefix."""
    found: dict[str, list[str]] = {"contacts": [], "companies": [], "deals": []}
    for value in ids:
        kind = kind_of(value)
        if kind in found and value not in found[kind]:
            found[kind].append(value)
    return found


def to_task(record: Mapping[str, Any]) -> Task:
    """``IsClosed`` is the status (``Status``, a picklist, the ``remote_status``); ``ActivityDate`` the due day."""
    closed = record.get("IsClosed")
    due = day(record.get("ActivityDate"))
    return Task(
        **envelope(record),
        **links(record.get("WhoId"), record.get("WhatId"), record.get("AccountId")),
        owner=text(record.get("OwnerId")),
        subject=text(record.get("Subject")),
        content=text(record.get("Description")),
        due_at=datetime(due.year, due.month, due.day, tzinfo=UTC) if due else None,
        status=(TaskStatus.COMPLETED if closed else TaskStatus.OPEN) if isinstance(closed, bool) else None,
        remote_status=text(record.get("Status")),
        completed_at=when(record.get("CompletedDateTime")) if closed is True else None,
        custom_fields=custom_fields(record),
    )


def to_note(record: Mapping[str, Any]) -> Note:
    """A classic note: ``Body`` (or the ``Title`` alone) on the record ``ParentId`` names."""
    return Note(
        **envelope(record),
        **links(record.get("ParentId")),
        owner=text(record.get("OwnerId")),
        content=text(record.get("Body")) or text(record.get("Title")),
        custom_fields=custom_fields(record),
    )


def to_user(record: Mapping[str, Any]) -> User:
    active = record.get("IsActive")
    return User(
        **envelope(record),
        name=text(record.get("Name")),
        username=text(record.get("Username")),
        email_address=text(record.get("Email")),
        is_active=active if isinstance(active, bool) else None,
        avatar=text(record.get("SmallPhotoUrl")),
    )


def stage_status(stage: Mapping[str, Any]) -> DealStatus:
    if stage.get("IsClosed") is True:
        return DealStatus.WON if stage.get("IsWon") is True else DealStatus.LOST
    return DealStatus.OPEN


def stage_id(stage: Mapping[str, Any]) -> str | None:
    """What a deal's ``StageName`` holds for the stage: its ``ApiName`` (its ``MasterLabel`` in older orgs)."""
    return text(stage.get("ApiName")) or text(stage.get("MasterLabel"))


def to_pipeline(stages: Sequence[Mapping[str, Any]]) -> Pipeline:
    """The org's active opportunity stages (``OpportunityStage``) by ``SortOrder``, as the one pipeline."""
    ordered = sorted((s for s in stages if stage_id(s)), key=lambda s: number(s.get("SortOrder")) or 0)
    moments = [m for m in (when(s.get("LastModifiedDate")) for s in stages) if m]
    return Pipeline(
        id=PIPELINE,
        remote_id=PIPELINE,
        provider="salesforce",
        remote_created_at=None,
        remote_updated_at=max(moments) if moments else None,
        remote_data={"stages": [dict(s) for s in stages]},
        name="Opportunity stages",
        stages=[
            DealStage(
                id=str(stage_id(s)),
                name=text(s.get("MasterLabel")) or str(stage_id(s)),
                display_order=i,
                probability=percent(s.get("DefaultProbability")),
                status=stage_status(s),
            )
            for i, s in enumerate(ordered)
        ],
        is_default=True,
    )
