"""What every Salesforce resource shares: the REST API's paths, record ids, SOQL literals and custom field names.

Ids are Salesforce's 15- or 18-character record ids; the first three characters name the object type (``001``
Account, ``003`` Contact, ``006`` Opportunity, ``005`` User, ``00T`` Task, ``002`` Note, ``00Q`` Lead).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.provider import ProviderContext, ProviderError, format_time

API = "/services/data/v60.0"
QUERY = f"{API}/query"
RECORD_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
CUSTOM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*__c$")  # a custom field's API name (``Tier__c``, ``ns__Tier__c``)
PREFIXES = {"001": "companies", "003": "contacts", "006": "deals", "005": "users", "00Q": "leads"}


def record_id(value: str, field: str = "id") -> str:
    """A Salesforce record id as sent; 400 naming ``field`` for anything else (it also keeps SOQL literals safe)."""
    if not RECORD_ID.match(value):
        message = f"{field}: {value!r} is not a Salesforce id; send the 15- or 18-character id, e.g. 003A000001aBcDeFGH"
        raise ProviderError(400, "invalid_id", message, field=field)
    return value


def kind_of(value: str | None) -> str | None:
    """The unified resource a record id belongs to, by its key prefix (``003…``: contacts); None if unknown."""
    return PREFIXES.get(value[:3]) if isinstance(value, str) and len(value) >= 15 else None


def literal(value: str) -> str:
    """A SOQL string literal: quoted, with backslashes and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def containing(value: str) -> str:
    """A SOQL ``LIKE`` pattern literal matching text that contains ``value`` (its ``%`` and ``_`` escaped)."""
    inner = literal(value)[1:-1].replace("%", "\\%").replace("_", "\\_")
    return f"'%{inner}%'"


def stamp(value: datetime) -> str:
    """A SOQL dateTime literal (UTC, no quotes): ``2024-01-02T03:04:05Z``."""
    return format_time(value.replace(microsecond=0))


def custom_names(ctx: ProviderContext, resource: str) -> tuple[str, ...]:
    """The custom fields the integration's field mapping names for ``resource`` (``Tier__c``), to select in SOQL."""
    mapped = (ctx.field_mappings or {}).get(resource) or {}
    return tuple(sorted({name for name in mapped.values() if CUSTOM_NAME.match(name)}))


def custom_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """The custom fields of a record: its ``__c`` fields, by API name."""
    return {k: v for k, v in record.items() if CUSTOM_NAME.match(k)}


def custom_written(values: Mapping[str, Any]) -> dict[str, Any]:
    """``custom_fields`` of a write as record fields; 400 for a name that is not a custom field's API name."""
    for name in values:
        if not CUSTOM_NAME.match(name):
            message = f"custom_fields.{name}: not a Salesforce custom field; use its API name (Tier__c) or map it"
            raise ProviderError(400, "invalid_custom_field", message, field="custom_fields")
    return dict(values)
