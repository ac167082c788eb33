"""Attio record values: reading the active entries of an attribute, and writing unified fields as attribute values.

A record is ``{"id": {"record_id", ...}, "created_at", "values": {slug: [entry, ...]}}``; each entry has
``active_from``, ``active_until`` (None for the current value), ``attribute_type`` and its type's keys
(``value``, ``email_address``, ``domain``, ``target_record_id``, ``currency_value``, ``status``, ``option`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from gateway.provider import ProviderError, parse_time
from unified_models.crm import Address

SYSTEM = frozenset({"record_id", "created_at", "created_by"})  # attributes Attio keeps itself
SLUG = re.compile(r"^[a-z0-9_]{1,100}$")
UUID_ATTRIBUTE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LOCATION_KEYS = ("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode", "country_code")


def active(values: Mapping[str, Any], slug: str) -> list[dict[str, Any]]:
    """The current entries of attribute ``slug`` (``active_until`` null), in Attio's order."""
    entries = values.get(slug)
    return [e for e in entries or [] if isinstance(e, dict) and e.get("active_until") is None]


def first(values: Mapping[str, Any], slug: str) -> dict[str, Any] | None:
    found = active(values, slug)
    return found[0] if found else None


def text(values: Mapping[str, Any], slug: str, key: str = "value") -> str | None:
    """The first current entry's ``key`` when it is non-empty text."""
    entry = first(values, slug)
    value = entry.get(key) if entry else None
    return value if isinstance(value, str) and value else None


def refs(values: Mapping[str, Any], slug: str) -> list[str]:
    """The ``target_record_id`` of a record-reference attribute's current entries."""
    return [str(e["target_record_id"]) for e in active(values, slug) if isinstance(e.get("target_record_id"), str)]


def titled(entry: Mapping[str, Any], key: str) -> str | None:
    """The title of a status or select entry (``{"status": {"title"}}``; a bare string when written by title)."""
    inner = entry.get(key)
    if isinstance(inner, dict):
        title = inner.get("title")
        return title if isinstance(title, str) else None
    return inner if isinstance(inner, str) else None


def simple(entry: Mapping[str, Any]) -> Any:
    """One entry as a plain JSON value, by its ``attribute_type``."""
    kind = entry.get("attribute_type")
    keys = {
        "email-address": "email_address",
        "domain": "domain",
        "record-reference": "target_record_id",
        "actor-reference": "referenced_actor_id",
        "currency": "currency_value",
        "personal-name": "full_name",
        "phone-number": "original_phone_number",
        "interaction": "interacted_at",
    }
    if kind in ("status", "select"):
        return titled(entry, "status" if kind == "status" else "option")
    if kind == "location":
        return {k: entry.get(k) for k in LOCATION_KEYS}
    return entry.get(keys.get(str(kind), "value"))


def custom(values: Mapping[str, Any], used: Iterable[str], mapped: Iterable[str] = ()) -> dict[str, Any]:
    """Attributes outside the unified model by slug: one current entry as its plain value, several as a list,
    none as null. ``mapped`` (the slugs of the connection's field mapping) are always present."""
    skipped = SYSTEM | set(used)
    found: dict[str, Any] = {}
    for slug in values:
        if slug in skipped:
            continue
        entries = [simple(e) for e in active(values, slug)]
        found[slug] = entries[0] if len(entries) == 1 else entries or None
    for slug in mapped:
        if slug not in skipped:
            found.setdefault(slug, None)
    return found


def updated_at(record: Mapping[str, Any]) -> datetime | None:
    """When a current value last became active: Attio's nearest to a modification time (records have none)."""
    moments = [
        parse_time(e["active_from"])
        for entries in (record.get("values") or {}).values()
        for e in entries or []
        if isinstance(e, dict) and e.get("active_until") is None and isinstance(e.get("active_from"), str)
    ]
    stamps = [m for m in moments if m is not None]
    return max(stamps) if stamps else parse_time(record.get("created_at"))


def address(entry: Mapping[str, Any] | None) -> list[Address]:
    """A location entry as an address (lines joined by newlines); [] when it has no part."""
    if not entry:
        return []
    lines = [str(entry[k]) for k in ("line_1", "line_2", "line_3", "line_4") if entry.get(k)]
    parts = {
        "street": "\n".join(lines) or None,
        "city": entry.get("locality"),
        "state": entry.get("region"),
        "postal_code": entry.get("postcode"),
        "country": entry.get("country_code"),
    }
    return [Address(**parts)] if any(parts.values()) else []


# -- writing --------------------------------------------------------------------------------------------------------
def reference(obj: str, ids: list[str]) -> list[dict[str, str]]:
    return [{"target_object": obj, "target_record_id": i} for i in ids]


def actor(member_id: str | None) -> list[dict[str, str]]:
    return [{"referenced_actor_type": "workspace-member", "referenced_actor_id": member_id}] if member_id else []


def location(addresses: list[Address]) -> list[dict[str, Any]]:
    """The first address as a location value (every key, as Attio wants); 400 for a country not ISO 3166-1."""
    if not addresses:
        return []
    first_one = addresses[0]
    country = first_one.country
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        message = f"addresses.country: Attio stores a country as its two-letter ISO code (e.g. DE), not {country!r}"
        raise ProviderError(400, "invalid", message, field="addresses.country")
    lines = (first_one.street or "").split("\n")[:4] if first_one.street else []
    entry: dict[str, Any] = {k: None for k in (*LOCATION_KEYS, "latitude", "longitude")}
    entry.update({f"line_{i + 1}": line for i, line in enumerate(lines)})
    entry.update(
        locality=first_one.city,
        region=first_one.state,
        postcode=first_one.postal_code,
        country_code=country.upper() if country else None,
    )
    return [entry]


def custom_written(fields: Mapping[str, Any], reserved: Mapping[str, str]) -> dict[str, Any]:
    """Custom field values by attribute slug (or attribute id); 400 for a name that is neither, or for an attribute
    a unified field writes (``reserved``: slug -> that field)."""
    written: dict[str, Any] = {}
    for name, value in fields.items():
        if name in reserved or name in SYSTEM:
            where = f"set it through {reserved[name]!r}" if name in reserved else "Attio sets it itself"
            raise ProviderError(400, "invalid_custom_field", f"custom_fields.{name}: {where}", field="custom_fields")
        if not (SLUG.match(name) or UUID_ATTRIBUTE.match(name)):
            message = f"custom_fields.{name}: not an Attio attribute slug; use the attribute's slug (e.g. lead_score)"
            raise ProviderError(400, "invalid_custom_field", message, field="custom_fields")
        written[name] = [] if value is None else value
    return written
