"""The record side of the fake Attio: each object's attributes, value entries as Attio writes them, filters.

Values are written as Attio's API takes them (a bare value, or an object with the type's keys) and kept as
Attio answers them: ``{active_from, active_until: null, created_by_actor, attribute_type, ...type's keys}``; a
value that does not change keeps its entry (and its ``active_from``). A refusal raises ``Refused`` with Attio's
status and code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

WORKSPACE = "14beef7a-99f7-4534-a87e-70b564330a4c"


def stamp() -> str:
    """Now as Attio writes times: nanosecond digits, ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def object_id(slug: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"attio-object:{slug}"))


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Attribute:
    type: str
    multi: bool = False
    unique: bool = False
    required: bool = False
    options: tuple[str, ...] = ()  # select titles
    target: str = ""  # record-reference: the object it points at


SCHEMA: dict[str, dict[str, Attribute]] = {
    "people": {
        "name": Attribute("personal-name"),
        "email_addresses": Attribute("email-address", multi=True, unique=True),
        "phone_numbers": Attribute("phone-number", multi=True),
        "job_title": Attribute("text"),
        "description": Attribute("text"),
        "primary_location": Attribute("location"),
        "company": Attribute("record-reference", target="companies"),
        "last_interaction": Attribute("interaction"),
        "tier": Attribute("select", options=("gold", "silver")),  # custom
        "lead_score": Attribute("number"),  # custom
    },
    "companies": {
        "name": Attribute("text"),
        "domains": Attribute("domain", multi=True, unique=True),
        "description": Attribute("text"),
        "categories": Attribute("select", multi=True, options=("SaaS", "B2B", "Retail", "Manufacturing")),
        "primary_location": Attribute("location"),
        "team": Attribute("record-reference", multi=True, target="people"),
        "employee_range": Attribute("select", options=("1-10", "11-50", "51-250")),
        "last_interaction": Attribute("interaction"),
        "tier": Attribute("select", options=("gold", "silver")),  # custom
    },
    "deals": {
        "name": Attribute("text", required=True),
        "stage": Attribute("status", required=True),
        "owner": Attribute("actor-reference", required=True),
        "value": Attribute("currency"),
        "associated_people": Attribute("record-reference", multi=True, target="people"),
        "associated_company": Attribute("record-reference", target="companies"),
        "priority": Attribute("number"),  # custom
    },
}
KEYS = {  # the keys two entries of a type are compared by
    "text": ("value",),
    "number": ("value",),
    "checkbox": ("value",),
    "personal-name": ("first_name", "last_name", "full_name"),
    "email-address": ("email_address",),
    "domain": ("domain",),
    "phone-number": ("original_phone_number",),
    "location": ("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode", "country_code"),
    "record-reference": ("target_record_id",),
    "actor-reference": ("referenced_actor_id",),
    "currency": ("currency_value",),
    "status": ("status_id",),
    "select": ("option_id",),
    "interaction": ("interacted_at",),
}


@dataclass
class Workspace:
    """What values refer to: members, statuses of the deal stage, and the records (to check references)."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {k: {} for k in SCHEMA})
    currency: str = "EUR"

    # -- writing values -----------------------------------------------------------------------------------------
    def entry(self, obj: str, slug: str, raw: Any, actor: dict[str, Any]) -> dict[str, Any]:
        """One input value of attribute ``slug`` as Attio stores it; ``Refused`` when Attio would refuse it."""
        attribute = SCHEMA[obj][slug]
        kind = attribute.type
        base = {"active_from": stamp(), "active_until": None, "created_by_actor": actor, "attribute_type": kind}
        if kind in ("text", "number", "checkbox"):
            value = raw.get("value") if isinstance(raw, dict) else raw
            wanted = {"text": str, "number": (int, float), "checkbox": bool}[kind]
            if not isinstance(value, wanted) or (kind == "number" and isinstance(value, bool)):
                raise Refused(400, "validation_type", f'Invalid value for attribute with slug "{slug}".')
            return {**base, "value": value}
        if kind == "personal-name":
            parts = raw if isinstance(raw, dict) else {"full_name": str(raw)}
            first, last = str(parts.get("first_name") or ""), str(parts.get("last_name") or "")
            full = str(parts.get("full_name") or " ".join(p for p in (first, last) if p))
            return {**base, "first_name": first, "last_name": last, "full_name": full}
        if kind == "email-address":
            email = raw.get("email_address") if isinstance(raw, dict) else raw
            if not isinstance(email, str) or "@" not in email.strip("@"):
                raise Refused(400, "validation_type", f'Invalid email address for attribute with slug "{slug}".')
            local, _, domain = email.partition("@")
            return {
                **base,
                "original_email_address": email,
                "email_address": email.lower(),
                "email_domain": domain.lower(),
                "email_root_domain": ".".join(domain.lower().split(".")[-2:]),
                "email_local_specifier": local.lower(),
            }
        if kind == "domain":
            domain = raw.get("domain") if isinstance(raw, dict) else raw
            if not isinstance(domain, str) or "." not in domain:
                raise Refused(400, "validation_type", f'Invalid domain for attribute with slug "{slug}".')
            return {**base, "domain": domain.lower(), "root_domain": ".".join(domain.lower().split(".")[-2:])}
        if kind == "phone-number":
            number = raw.get("original_phone_number") if isinstance(raw, dict) else raw
            if not isinstance(number, str) or not number.strip():
                raise Refused(400, "validation_type", f'Invalid phone number for attribute with slug "{slug}".')
            country = raw.get("country_code") if isinstance(raw, dict) else None
            return {**base, "original_phone_number": number, "country_code": country, "phone_number": number}
        if kind == "location":
            if not isinstance(raw, dict):
                raise Refused(400, "validation_type", f'Invalid location for attribute with slug "{slug}".')
            keys = (*KEYS["location"], "latitude", "longitude")
            return {**base, **{k: raw.get(k) for k in keys}}
        if kind == "record-reference":
            target = raw.get("target_record_id") if isinstance(raw, dict) else raw
            if target not in self.records[attribute.target]:
                raise Refused(400, "value_not_found", f'Record "{target}" referenced by "{slug}" was not found.')
            return {**base, "target_object": attribute.target, "target_record_id": target}
        if kind == "actor-reference":
            member = raw.get("referenced_actor_id") if isinstance(raw, dict) else raw
            found = self.members.get(str(member)) or next(
                (m for m in self.members.values() if m["email_address"] == member), None
            )
            if found is None:
                raise Refused(400, "value_not_found", f'Workspace member "{member}" for "{slug}" was not found.')
            ident = found["id"]["workspace_member_id"]
            return {**base, "referenced_actor_type": "workspace-member", "referenced_actor_id": ident}
        if kind == "currency":
            amount = raw.get("currency_value") if isinstance(raw, dict) else raw
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                raise Refused(400, "validation_type", f'Invalid currency value for attribute with slug "{slug}".')
            return {**base, "currency_value": amount, "currency_code": self.currency}
        if kind == "status":
            wanted = raw.get("status") if isinstance(raw, dict) else raw
            status = next((s for s in self.statuses if wanted in (s["title"], s["id"]["status_id"])), None)
            if status is None:
                raise Refused(400, "value_not_found", f'Status "{wanted}" of attribute "{slug}" was not found.')
            return {**base, "status": status}
        if kind == "select":
            wanted = raw.get("option") if isinstance(raw, dict) else raw
            if wanted not in attribute.options:
                raise Refused(400, "value_not_found", f'Select option "{wanted}" of attribute "{slug}" not found.')
            option_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{obj}.{slug}.{wanted}"))
            return {**base, "option": {"id": {"option_id": option_id}, "title": wanted, "is_archived": False}}
        if kind == "interaction":
            return {**base, **raw}
        raise Refused(400, "validation_type", f'Cannot write attribute with slug "{slug}".')

    def write(self, obj: str, record: dict[str, Any], values: Any, mode: str, actor: dict[str, Any]) -> None:
        """Write ``values`` into ``record``: ``mode`` ``put`` replaces multiselect values, ``patch`` prepends the
        new ones, ``add`` (an assert's matching attribute) appends them."""
        if not isinstance(values, dict):
            raise Refused(400, "validation_type", "Body payload validation error: data.values must be an object.")
        for slug, given in values.items():
            attribute = SCHEMA[obj].get(slug)
            if attribute is None:
                raise Refused(404, "not_found", f'Cannot find attribute with slug/ID "{slug}".')
            items = given if isinstance(given, list) else [given]
            if not attribute.multi and len(items) > 1:
                raise Refused(400, "validation_type", f'Attribute with slug "{slug}" takes one value.')
            new = [self.entry(obj, slug, item, actor) for item in items if item is not None]
            old = record["values"].get(slug, [])
            kept = [next((o for o in old if same(o, n)), n) for n in new]
            if attribute.multi and mode == "patch":
                kept = [n for n in kept if n not in old] + old
            elif attribute.multi and mode == "add":
                kept = old + [n for n in kept if n not in old]
            record["values"][slug] = kept
            if attribute.unique:
                self.check_unique(obj, record, slug)

    def check_unique(self, obj: str, record: dict[str, Any], slug: str) -> None:
        mine = {key_of(e) for e in record["values"].get(slug, [])}
        for other in self.records[obj].values():
            if other is not record and mine & {key_of(e) for e in other["values"].get(slug, [])}:
                raise Refused(400, "uniqueness_conflict", f'A record with this "{slug}" value already exists.')

    def missing_required(self, obj: str, record: dict[str, Any]) -> None:
        for slug, attribute in SCHEMA[obj].items():
            if attribute.required and not record["values"].get(slug):
                raise Refused(400, "missing_value", f'Required value for attribute with slug "{slug}" missing.')


def key_of(entry: dict[str, Any]) -> tuple[Any, ...]:
    kind = entry["attribute_type"]
    if kind == "status":
        return (entry["status"]["id"]["status_id"],)
    if kind == "select":
        return (entry["option"]["id"]["option_id"],)
    return tuple(entry.get(k) for k in KEYS.get(kind, ()))


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["attribute_type"] == b["attribute_type"] and key_of(a) == key_of(b))


# -- filters ----------------------------------------------------------------------------------------------------------
SHORTHAND = {  # the field a bare value is compared with, by type
    "personal-name": "full_name",
    "email-address": "email_address",
    "domain": "domain",
    "record-reference": "target_record_id",
    "actor-reference": "referenced_actor_id",
    "phone-number": "original_phone_number",
    "currency": "currency_value",
}


def _field(entry: dict[str, Any], name: str) -> Any:
    if entry["attribute_type"] == "status" and name in ("status", "status_id", "title"):
        return entry["status"]["id"]["status_id"] if name == "status_id" else entry["status"]["title"]
    if entry["attribute_type"] == "select" and name in ("option", "title"):
        return entry["option"]["title"]
    return entry.get(name)


def _equal(entry: dict[str, Any], name: str | None, wanted: Any) -> bool:
    kind = entry["attribute_type"]
    if name is None and kind == "status":
        return wanted in (entry["status"]["title"], entry["status"]["id"]["status_id"])
    value = _field(entry, name or SHORTHAND.get(kind, "option" if kind == "select" else "value"))
    if isinstance(value, str) and isinstance(wanted, str) and kind in ("email-address", "domain"):
        return value.lower() == wanted.lower()
    return bool(value == wanted)


def _condition(entry: dict[str, Any], name: str | None, condition: Any) -> bool:
    if not isinstance(condition, dict):
        return _equal(entry, name, condition)
    for operator, wanted in condition.items():
        if operator == "$eq":
            if not _equal(entry, name, wanted):
                return False
        elif operator.startswith("$"):
            raise Refused(400, "filter_error", f'Unsupported filter operator "{operator}".')
        elif name is None:
            if not _condition(entry, operator, wanted):
                return False
        else:
            raise Refused(400, "filter_error", f'Invalid filter on attribute property "{name}".')
    return True


def matches(obj: str, record: dict[str, Any], record_filter: Any) -> bool:
    """Whether ``record`` passes an Attio filter (shorthand, ``$eq``, property conditions, ``$and``/``$or``)."""
    if not isinstance(record_filter, dict):
        raise Refused(400, "filter_error", "Error in filter.")
    for key, condition in record_filter.items():
        if key in ("$and", "$or"):
            if not isinstance(condition, list):
                raise Refused(400, "filter_error", f'"{key}" takes a list of filters.')
            results = [matches(obj, record, c) for c in condition]
            if not (all(results) if key == "$and" else any(results)):
                return False
            continue
        if key not in SCHEMA[obj] and key != "record_id":
            raise Refused(400, "filter_error", f'Unknown attribute slug "{key}" in filter.')
        if key == "record_id":
            if record["id"]["record_id"] != (condition.get("$eq") if isinstance(condition, dict) else condition):
                return False
            continue
        if not any(_condition(e, None, condition) for e in record["values"].get(key, [])):
            return False
    return True
