"""What every Asana resource shares: gid checks, timestamps, the ``{"data": ...}`` envelope and error mapping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

import httpx

from gateway.provider import ProviderError

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
    if not isinstance(value, str) or not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.min, UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else None


def stamp(moment: datetime) -> str:
    """An aware datetime as Asana writes it: ISO-8601 in UTC with milliseconds."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ref_gid(value: Any) -> str | None:
    """The gid of a compact reference (``{"gid": "1", ...}``), or None."""
    if isinstance(value, dict) and isinstance(value.get("gid"), str) and value["gid"]:
        return str(value["gid"])
    return None


def data_of(response: httpx.Response) -> Any:
    """The ``data`` member every Asana body is wrapped in."""
    body = response.json()
    return body.get("data") if isinstance(body, dict) else None


def _first_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or response.reason_phrase)
    return response.reason_phrase


def check(response: httpx.Response, what: str, *, query: bool = False) -> None:
    """Raise ``ProviderError`` for an Asana error answer, keeping its meaning; ``what`` names the object.

    ``query`` marks list calls, where a 400 is a filter Asana refused rather than a value.
    """
    status = response.status_code
    if status < 400:
        return
    message = _first_error(response)
    if status == 404:
        raise ProviderError(404, "not_found", f"Asana has no {what}, or the connection cannot see it")
    if status == 400:
        prop = message.split(":", 1)[0].strip() if ":" in message else ""
        field = FIELDS.get(prop)
        if query:
            raise ProviderError(
                400, "invalid_query_params", f"Asana refused the query for {what}: {message}", field=field
            )
        label = f"{field}: " if field else ""
        raise ProviderError(
            422, "validation_failed", f"{label}Asana refused the request for {what}: {message}", field=field
        )
    if status in (402, 403):
        raise ProviderError(403, "forbidden", f"Asana does not let this connection do that on {what}: {message}")
    if status == 429:
        raise ProviderError(429, "rate_limited", f"Asana rate limit reached for {what}")
    if status == 401:
        raise ProviderError(502, "upstream_unauthorized", "Asana refused the connection's credentials (401)")
    raise ProviderError(502, "upstream_error", f"Asana answered {status} for {what}: {message}")
