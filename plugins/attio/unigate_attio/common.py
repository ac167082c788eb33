"""What every Attio resource shares: ids, the error table (with Attio's HTTP-date ``Retry-After``), record queries.

Attio's errors are ``{"status_code", "type", "code", "message"}``: 400 ``filter_error`` for a query it cannot
run, 400 ``validation_type`` / ``value_not_found`` for a value it refuses, 404 ``not_found`` (also for a write
naming an attribute the object does not have), 429 ``rate_limit_exceeded`` with ``Retry-After`` as an HTTP date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from gateway.provider import (
    ErrorRule,
    ErrorTable,
    ListQuery,
    ProviderContext,
    ProviderError,
)

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
QUERY_PAGE = 500  # records/query and /v2/tasks default (and cap) their ``limit`` at 500
NOTES_PAGE = 50  # /v2/notes caps ``limit`` at 50
QUOTED = re.compile(r"""["'`]([A-Za-z0-9_-]+)["'`]""")
# Attio attribute (as a refusal names it) -> unified field; other attributes are custom fields
FIELDS = {
    "name": "name",
    "email_addresses": "email_addresses",
    "phone_numbers": "phone_numbers",
    "job_title": "title",
    "primary_location": "addresses",
    "company": "companies",
    "domains": "domain",
    "description": "description",
    "categories": "industry",
    "stage": "stage",
    "value": "amount",
    "owner": "owner",
    "associated_people": "contacts",
    "associated_company": "companies",
}


def record_id(value: str, field: str = "id") -> str:
    """An Attio id as sent (a UUID); 400 naming ``field`` for anything else."""
    if not UUID.match(value):
        message = (
            f"{field}: {value!r} is not an Attio id; send the record's UUID, e.g. bf071e1f-6035-429d-b874-d83ea64ea13b"
        )
        raise ProviderError(400, "invalid_id", message, field=field)
    return value.lower()


def _querying(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET or records query is a filter or page Attio cannot serve, not a value it refuses."""
    return response.request.method == "GET" or response.request.url.path.endswith("/records/query")


def _unknown_attribute(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A write answered 404 because it names an attribute the object lacks (not because the record is gone)."""
    message = str(body.get("message") or "").lower()
    return response.request.method in ("POST", "PUT", "PATCH") and "attribute" in message


def _detail(body: Mapping[str, Any]) -> str | None:
    """``message (code)`` of an Attio error."""
    message, code = body.get("message"), body.get("code")
    text = str(message) if isinstance(message, str) and message else None
    return f"{text} ({code})" if text and isinstance(code, str) and code else text


def unified_field(body: Mapping[str, Any]) -> str | None:
    """The unified field a refusal concerns: the first quoted attribute slug of its message, by ``FIELDS``."""
    found = QUOTED.search(str(body.get("message") or ""))
    if found is None:
        return None
    slug = found.group(1)
    return FIELDS.get(slug, f"custom_fields.{slug}")


ERRORS = ErrorTable(
    rules=(
        ErrorRule(400, "invalid_query", _querying),
        ErrorRule(400, "invalid"),
        ErrorRule(404, "invalid", _unknown_attribute),
    ),
    field_of=unified_field,
    detail_of=_detail,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for an Attio error answer; ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)


def data_of(ctx: ProviderContext, response: httpx.Response, operation: str) -> Any:
    """The ``data`` of a successful answer ``{"data": ...}``."""
    check(ctx, response, operation)
    return response.json().get("data")


def offset_of(query: ListQuery) -> int:
    """The provider cursor of an offset page (the gateway signs it, so it is ours)."""
    return int(query.cursor) if query.cursor and query.cursor.isdigit() else 0


def next_offset(offset: int, items: list[Any], limit: int) -> str | None:
    """The next page's offset, None after a short page."""
    return str(offset + len(items)) if items and len(items) >= limit else None


async def query_records(
    ctx: ProviderContext, obj: str, query: ListQuery, record_filter: Mapping[str, Any] | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``POST /v2/objects/{obj}/records/query``, oldest first, ``limit``/``offset`` in the body."""
    limit, offset = min(query.page_size, QUERY_PAGE), offset_of(query)
    body: dict[str, Any] = {
        "sorts": [{"attribute": "created_at", "direction": "asc"}],
        "limit": limit,
        "offset": offset,
    }
    if record_filter:
        body["filter"] = dict(record_filter)
    response = await ctx.http.post(f"/v2/objects/{obj}/records/query", json=body)
    items = [item for item in data_of(ctx, response, f"listing {obj}") or [] if isinstance(item, dict)]
    return items, next_offset(offset, items, limit)


async def list_offset(
    ctx: ProviderContext, path: str, query: ListQuery, cap: int, params: Mapping[str, str | None]
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a ``GET`` list paged by ``limit``/``offset`` query parameters (notes, tasks)."""
    limit, offset = min(query.page_size, cap), offset_of(query)
    sent = {k: v for k, v in params.items() if v is not None} | {"limit": str(limit), "offset": str(offset)}
    response = await ctx.http.get(path, params=sent)
    items = [
        item for item in data_of(ctx, response, f"listing {path.rsplit('/', 1)[-1]}") or [] if isinstance(item, dict)
    ]
    return items, next_offset(offset, items, limit)
