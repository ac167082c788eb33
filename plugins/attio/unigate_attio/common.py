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
    paginate,
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


OFFSET_PAGING = {"type": "offset", "limit_name_in_request": "limit", "offset_name_in_request": "offset"}


async def query_records(
    ctx: ProviderContext, obj: str, query: ListQuery, record_filter: Mapping[str, Any] | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``POST /v2/objects/{obj}/records/query``, oldest first, ``limit``/``offset`` in the body."""
    body: dict[str, Any] = {"sorts": [{"attribute": "created_at", "direction": "asc"}]}
    if record_filter:
        body["filter"] = dict(record_filter)
    page = await paginate(
        ctx,
        f"/v2/objects/{obj}/records/query",
        query,
        default={**OFFSET_PAGING, "response_path": "data"},
        override={"max_page_size": QUERY_PAGE},
        operation=f"listing {obj}",
        errors=ERRORS,
        method="POST",
        json=body,
    )
    return [item for item in page.items if isinstance(item, dict)], page.next_cursor


async def list_offset(
    ctx: ProviderContext, path: str, query: ListQuery, cap: int, params: Mapping[str, str | None]
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a ``GET`` list paged by ``limit``/``offset`` query parameters (notes, tasks)."""
    page = await paginate(
        ctx,
        path,
        query,
        params={name: value for name, value in params.items() if value is not None},
        default={**OFFSET_PAGING, "response_path": "data"},
        override={"max_page_size": cap},
        operation=f"listing {path.rsplit('/', 1)[-1]}",
        errors=ERRORS,
    )
    return [item for item in page.items if isinstance(item, dict)], page.next_cursor
