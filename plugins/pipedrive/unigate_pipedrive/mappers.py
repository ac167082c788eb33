"""Pipedrive objects (v2 shapes, v1 tolerated) to unified CRM models."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from gateway.provider import parse_time
from unified_models import User
from unified_models.crm import Address, Company, CrmContact, Deal, DealStatus, EmailAddress, Note, PhoneNumber, Task
from unified_models.crm.activity import TaskStatus
from unigate_pipedrive.common import custom_fields, ref

DEAL_STATUS = {"open": DealStatus.OPEN, "won": DealStatus.WON, "lost": DealStatus.LOST}


def envelope(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(item["id"]),
        "provider": "pipedrive",
        "remote_id": str(item["id"]),
        "remote_created_at": parse_time(item.get("add_time")),
        "remote_updated_at": parse_time(item.get("update_time")),
        "remote_data": item,
    }


def _values(raw: Any) -> list[dict[str, Any]]:
    return [v for v in raw or [] if isinstance(v, dict) and isinstance(v.get("value"), str) and v["value"]]


def emails(raw: Any) -> list[EmailAddress]:
    """Pipedrive's ``[{value, primary, label}]``, primary first; values too short to be addresses left out."""
    kept = [v for v in _values(raw) if len(v["value"]) >= 3]
    found = [EmailAddress(email=v["value"], type=v.get("label"), is_primary=bool(v.get("primary"))) for v in kept]
    return sorted(found, key=lambda e: not e.is_primary)


def phones(raw: Any) -> list[PhoneNumber]:
    found = [
        PhoneNumber(number=v["value"], type=v.get("label"), is_primary=bool(v.get("primary"))) for v in _values(raw)
    ]
    return sorted(found, key=lambda p: not p.is_primary)


def address(raw: Any) -> list[Address]:
    """A v2 address object (``value`` plus its parts) or a v1 string."""
    if isinstance(raw, str) and raw:
        return [Address(street=raw)]
    if not isinstance(raw, dict) or not any(raw.values()):
        return []
    street = " ".join(str(raw[k]) for k in ("street_number", "route") if raw.get(k)) or raw.get("value")
    return [
        Address(
            street=street,
            city=raw.get("locality"),
            state=raw.get("admin_area_level_1"),
            postal_code=raw.get("postal_code"),
            country=raw.get("country"),
        )
    ]


def domain_of(website: Any) -> str | None:
    """``example.com`` from ``https://www.example.com/about``."""
    if not isinstance(website, str) or not website.strip():
        return None
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    return host.removeprefix("www.") or None


def to_contact(item: dict[str, Any]) -> CrmContact:
    org = ref(item.get("org_id"))
    return CrmContact(
        **envelope(item),
        first_name=item.get("first_name"),
        last_name=item.get("last_name"),
        title=item.get("job_title"),
        email_addresses=emails(item.get("emails", item.get("email"))),
        phone_numbers=phones(item.get("phones", item.get("phone"))),
        addresses=address(item.get("postal_address")),
        companies=[org] if org else [],
        owner=ref(item.get("owner_id")),
        custom_fields=custom_fields(item),
        last_activity_at=parse_time(item.get("last_activity_date")),
    )


def to_company(item: dict[str, Any]) -> Company:
    employees = item.get("employee_count")
    return Company(
        **envelope(item),
        name=item.get("name"),
        domain=domain_of(item.get("website")),
        website=item.get("website") or None,
        industry=str(item["industry"]) if item.get("industry") is not None else None,
        number_of_employees=employees if isinstance(employees, int) and employees >= 0 else None,
        addresses=address(item.get("address")),
        owner=ref(item.get("owner_id")),
        custom_fields=custom_fields(item),
        last_activity_at=parse_time(item.get("last_activity_date")),
    )


def to_deal(item: dict[str, Any]) -> Deal:
    org, person = ref(item.get("org_id")), ref(item.get("person_id"))
    closed = item.get("close_time") or item.get("expected_close_date")
    probability = item.get("probability")
    value = item.get("value")
    return Deal(
        **envelope(item),
        name=item.get("title"),
        amount=float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None,
        currency=item.get("currency"),
        pipeline=ref(item.get("pipeline_id")),
        stage=ref(item.get("stage_id")),
        status=DEAL_STATUS.get(str(item.get("status"))),
        remote_status=item.get("status"),
        close_date=date.fromisoformat(closed[:10]) if isinstance(closed, str) and closed else None,
        probability=float(probability) if isinstance(probability, int | float) and 0 <= probability <= 100 else None,
        companies=[org] if org else [],
        contacts=[person] if person else [],
        owner=ref(item.get("owner_id") or item.get("user_id")),
        custom_fields=custom_fields(item),
        last_activity_at=parse_time(item.get("last_activity_date")),
    )


def _links(item: dict[str, Any]) -> dict[str, Any]:
    person, org, deal = ref(item.get("person_id")), ref(item.get("org_id")), ref(item.get("deal_id"))
    return {
        "contacts": [person] if person else [],
        "companies": [org] if org else [],
        "deals": [deal] if deal else [],
        "owner": ref(item.get("owner_id") or item.get("user_id")),
    }


def to_note(item: dict[str, Any]) -> Note:
    return Note(**envelope(item), **_links(item), content=item.get("content"))


def to_task(item: dict[str, Any]) -> Task:
    """An activity; ``due_date`` + ``due_time`` (UTC) as ``due_at``, ``done`` as the status."""
    due = item.get("due_date")
    if isinstance(due, str) and due and isinstance(item.get("due_time"), str) and item["due_time"]:
        due = f"{due}T{item['due_time']}Z" if len(item["due_time"]) > 5 else f"{due}T{item['due_time']}:00Z"
    done = bool(item.get("done"))
    return Task(
        **envelope(item),
        **_links(item),
        subject=item.get("subject"),
        content=item.get("note"),
        due_at=parse_time(due) if due else None,
        status=TaskStatus.COMPLETED if done else TaskStatus.OPEN,
        remote_status=str(item.get("type")) if item.get("type") else None,
        completed_at=parse_time(item.get("marked_as_done_time")) if done else None,
        custom_fields=custom_fields(item),
    )


def to_user(item: dict[str, Any]) -> User:
    return User(
        id=str(item["id"]),
        provider="pipedrive",
        remote_id=str(item["id"]),
        remote_created_at=parse_time(item.get("created")),
        remote_updated_at=parse_time(item.get("modified")),
        remote_data=item,
        name=item.get("name"),
        email_address=item.get("email"),
        is_active=item.get("active_flag") if isinstance(item.get("active_flag"), bool) else None,
        avatar=item.get("icon_url"),
    )
