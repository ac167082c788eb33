"""What every Asana resource shares: gid checks, timestamps, the ``{"data": ...}`` envelope and the error table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ProviderContext, ProviderError, format_time, parse_time

PROVIDER_NAMES = ("asana", "asana-pat")
_GID = re.compile(r"^\d{1,30}$")
FIELDS = {  # Asana property -> unified field, for 400 answers naming a property
    "name": "name",
    "notes": "description",
    "html_notes": "description_html",
    "completed": "status",
    "assignee": "assignees",
    "projects": "collections",
    "project": "collection_id",
    "workspace": "collections",
    "tags": "tags",
    "due_on": "due_date",
    "due_at": "due_date",
    "parent": "parent_ticket",
    "resource_subtype": "ticket_type",
    "text": "body",
    "html_text": "html_body",
    "modified_since": "modified_after",
    "offset": "cursor",
}


def gid(value: str, field: str = "id") -> str:
    """An Asana gid (a string of digits) as sent; 400 naming ``field`` for anything else."""
    if not _GID.match(value):
        raise ProviderError(
            400,
            "invalid_id",
            f"{field}: {value!r} is not an Asana id; send the numeric gid, e.g. 1204619611402340",
            field=field,
        )
    return value


def when(value: Any) -> datetime | None:
    """An Asana timestamp (``2012-02-22T02:06:58.147Z``) or date (``2012-03-26``) as aware UTC; None if unreadable."""
    try:
        moment = parse_time(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment else None


def stamp(moment: datetime) -> str:
    """An aware datetime as Asana writes it: ISO-8601 in UTC with milliseconds."""
    return format_time(moment, "iso_ms")


def ref_gid(value: Any) -> str | None:
    """The gid of a compact reference (``{"gid": "1", ...}``), or None."""
    if isinstance(value, dict) and isinstance(value.get("gid"), str) and value["gid"]:
        return str(value["gid"])
    return None


def data_of(response: httpx.Response) -> Any:
    """The ``data`` member every Asana body is wrapped in."""
    body = response.json()
    return body.get("data") if isinstance(body, dict) else None


def _detail(body: Mapping[str, Any]) -> str | None:
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and errors[0].get("message"):
        return str(errors[0]["message"])
    return None


def _field(body: Mapping[str, Any]) -> str | None:
    """The property an Asana 400 names (``"notes: Must be a string"``)."""
    message = _detail(body) or ""
    return message.split(":", 1)[0].strip() if ":" in message else None


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET is a filter Asana cannot apply, not a value it refuses."""
    return bool(response.request.method == "GET")


ERRORS = ErrorTable(
    rules=(
        ErrorRule(400, "invalid_query", _reading),
        ErrorRule(400, "invalid"),
        ErrorRule(402, "forbidden"),  # a premium-only feature
    ),
    fields=FIELDS,
    field_of=_field,
    detail_of=_detail,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for an Asana error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)
