"""Attio records (people, companies, deals), notes, tasks and workspace members to unified CRM models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gateway.provider import parse_time
from unified_models import User
from unified_models.crm import Company, CrmContact, Deal, DealStatus, EmailAddress, Note, PhoneNumber, Task, TaskStatus
from unigate_attio.values import active, address, custom, first, refs, text, titled, updated_at

# attributes each object's unified fields are read from (the rest are custom fields)
PEOPLE = ("name", "email_addresses", "phone_numbers", "job_title", "primary_location", "company", "last_interaction")
COMPANIES = ("name", "domains", "description", "categories", "primary_location", "last_interaction")
DEALS = ("name", "stage", "value", "owner", "associated_people", "associated_company")
LINKED = {"people": "contacts", "companies": "companies", "deals": "deals"}  # object slug -> unified link field


def record_key(record: Mapping[str, Any]) -> str:
    return str((record.get("id") or {}).get("record_id"))


def envelope(record: dict[str, Any]) -> dict[str, Any]:
    key = record_key(record)
    return {
        "id": key,
        "provider": "attio",
        "remote_id": key,
        "remote_created_at": parse_time(record.get("created_at")),
        "remote_updated_at": updated_at(record),
        "remote_data": record,
    }


def _values(record: Mapping[str, Any]) -> dict[str, Any]:
    values = record.get("values")
    return values if isinstance(values, dict) else {}


def _last_interaction(values: Mapping[str, Any]) -> Any:
    entry = first(values, "last_interaction")
    return parse_time(entry.get("interacted_at")) if entry else None


def stage_status(status: Mapping[str, Any]) -> DealStatus:
    """WON for a status that celebrates (Attio's "Won 🎉") or is titled won, LOST for one titled lost, else OPEN."""
    title = str(status.get("title") or "").strip().lower()
    if status.get("celebration_enabled") is True or title.startswith("won"):
        return DealStatus.WON
    return DealStatus.LOST if title.startswith("lost") else DealStatus.OPEN


def to_contact(record: dict[str, Any], mapped: Iterable[str] = ()) -> CrmContact:
    values = _values(record)
    name = first(values, "name") or {}
    emails = [e.get("email_address") for e in active(values, "email_addresses")]
    kept = [e for e in emails if isinstance(e, str) and len(e) >= 3]
    phones = [p.get("original_phone_number") or p.get("phone_number") for p in active(values, "phone_numbers")]
    numbers = [p for p in phones if isinstance(p, str) and p]
    return CrmContact(
        **envelope(record),
        first_name=name.get("first_name") or None,
        last_name=name.get("last_name") or None,
        title=text(values, "job_title"),
        email_addresses=[EmailAddress(email=e, is_primary=i == 0) for i, e in enumerate(kept)],
        phone_numbers=[PhoneNumber(number=p, is_primary=i == 0) for i, p in enumerate(numbers)],
        addresses=address(first(values, "primary_location")),
        companies=refs(values, "company"),
        custom_fields=custom(values, PEOPLE, mapped),
        last_activity_at=_last_interaction(values),
    )


def to_company(record: dict[str, Any], mapped: Iterable[str] = ()) -> Company:
    values = _values(record)
    domain = text(values, "domains", "domain")
    industry = next((t for t in (titled(e, "option") for e in active(values, "categories")) if t), None)
    return Company(
        **envelope(record),
        name=text(values, "name"),
        domain=domain,
        website=f"https://{domain}" if domain else None,
        industry=industry,
        description=text(values, "description"),
        addresses=address(first(values, "primary_location")),
        custom_fields=custom(values, COMPANIES, mapped),
        last_activity_at=_last_interaction(values),
    )


def to_deal(record: dict[str, Any], mapped: Iterable[str] = ()) -> Deal:
    """A deal; its ``stage`` status is the stage (``remote_status`` its title), one pipeline ``deals``."""
    values = _values(record)
    stage = first(values, "stage") or {}
    status = stage.get("status") if isinstance(stage.get("status"), dict) else {}
    money = first(values, "value") or {}
    amount = money.get("currency_value")
    owner = first(values, "owner") or {}
    return Deal(
        **envelope(record),
        name=text(values, "name"),
        amount=float(amount) if isinstance(amount, int | float) and not isinstance(amount, bool) else None,
        currency=money.get("currency_code") or None,
        pipeline="deals" if status else None,
        stage=(status.get("id") or {}).get("status_id") if status else None,
        status=stage_status(status) if status else None,
        remote_status=titled(stage, "status"),
        companies=refs(values, "associated_company"),
        contacts=refs(values, "associated_people"),
        owner=owner.get("referenced_actor_id") if owner.get("referenced_actor_type") == "workspace-member" else None,
        custom_fields=custom(values, DEALS, mapped),
    )


def _member(actor: Any) -> str | None:
    """A workspace member's id from ``{"type": "workspace-member", "id"}``; None for other actors."""
    if isinstance(actor, dict) and actor.get("type") == "workspace-member" and isinstance(actor.get("id"), str):
        return str(actor["id"])
    return None


def _activity(item: dict[str, Any], key: str) -> dict[str, Any]:
    ident = str((item.get("id") or {}).get(key))
    return {
        "id": ident,
        "provider": "attio",
        "remote_id": ident,
        "remote_created_at": parse_time(item.get("created_at")),
        "remote_data": item,
    }


def to_note(item: dict[str, Any]) -> Note:
    """A note on one parent record; its ``content_plaintext`` is the content (the title stays in remote_data)."""
    links: dict[str, list[str]] = {"contacts": [], "companies": [], "deals": []}
    field = LINKED.get(str(item.get("parent_object")))
    if field and isinstance(item.get("parent_record_id"), str):
        links[field] = [item["parent_record_id"]]
    return Note(
        **_activity(item, "note_id"),
        **links,
        owner=_member(item.get("created_by_actor")),
        content=item.get("content_plaintext"),
    )


def to_task(item: dict[str, Any], objects: Mapping[str, str]) -> Task:
    """A task: the first line of its text is the subject, the rest the content; ``objects`` maps object ids to
    slugs (``linked_records`` name objects by id)."""
    body = str(item.get("content_plaintext") or "")
    subject, _, rest = body.partition("\n")
    links: dict[str, list[str]] = {"contacts": [], "companies": [], "deals": []}
    for link in item.get("linked_records") or []:
        if not isinstance(link, dict):
            continue
        obj = objects.get(str(link.get("target_object_id")), str(link.get("target_object_id")))
        field = LINKED.get(obj)
        if field and isinstance(link.get("target_record_id"), str):
            links[field].append(link["target_record_id"])
    assignees = [
        a.get("referenced_actor_id")
        for a in item.get("assignees") or []
        if isinstance(a, dict) and a.get("referenced_actor_type") == "workspace-member"
    ]
    done = bool(item.get("is_completed"))
    return Task(
        **_activity(item, "task_id"),
        **links,
        owner=next((str(a) for a in assignees if isinstance(a, str)), None),
        subject=subject or None,
        content=rest.strip("\n") or None,
        due_at=parse_time(item.get("deadline_at")),
        status=TaskStatus.COMPLETED if done else TaskStatus.OPEN,
        completed_at=parse_time(item.get("completed_at")) if done else None,
    )


def to_user(item: dict[str, Any]) -> User:
    ident = str((item.get("id") or {}).get("workspace_member_id"))
    name = " ".join(str(item[k]) for k in ("first_name", "last_name") if item.get(k))
    return User(
        id=ident,
        provider="attio",
        remote_id=ident,
        remote_created_at=parse_time(item.get("created_at")),
        remote_data=item,
        name=name or None,
        email_address=item.get("email_address") or None,
        is_active=item.get("access_level") != "suspended" if item.get("access_level") else None,
        avatar=item.get("avatar_url") or None,
    )
