"""What every Zendesk resource shares: ids, cursor paging (``page[size]``/``page[after]``) and the error table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ListQuery, ProviderContext, ProviderError

API = "/api/v2"
MAX_PAGE = 100  # Zendesk's cursor pagination refuses page[size] above 100
FIELDS = {  # Zendesk attribute (as named in a 422's details) -> unified field
    "subject": "name",
    "description": "description",
    "comment": "description",
    "status": "status",
    "priority": "priority",
    "type": "ticket_type",
    "assignee": "assignees",
    "assignee_id": "assignees",
    "group": "assigned_teams",
    "group_id": "assigned_teams",
    "requester": "contact",
    "requester_id": "contact",
    "organization": "account",
    "organization_id": "account",
    "tags": "tags",
    "due_at": "due_date",
    "due_date": "due_date",
}


def numeric_id(value: str, field: str = "id") -> str:
    """A Zendesk id as sent (digits); 400 naming ``field`` for anything else."""
    if not value.isdigit():
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a Zendesk id; send the numeric id, e.g. 35436", field=field
        )
    return value


def page_params(query: ListQuery) -> dict[str, str]:
    """``page[size]`` (at most 100) and, after the first page, ``page[after]``."""
    params = {"page[size]": str(min(query.page_size, MAX_PAGE))}
    if query.cursor:
        params["page[after]"] = query.cursor
    return params


async def fetch_page(
    ctx: ProviderContext,
    path: str,
    key: str,
    query: ListQuery,
    what: str,
    params: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One cursor page of ``key`` items and the ``after_cursor`` of the next (None when ``meta.has_more`` is false)."""
    response = await ctx.http.get(API + path, params={**(params or {}), **page_params(query)})
    check(ctx, response, f"listing {what}")
    body = response.json()
    items = [item for item in body.get(key) or [] if isinstance(item, dict)]
    meta = body.get("meta") or {}
    following = meta.get("after_cursor") if meta.get("has_more") else None
    return items, str(following) if following else None


def _details(body: dict[str, Any]) -> tuple[str | None, str]:
    """The first attribute named in a 422's ``details`` and its description."""
    details = body.get("details")
    if isinstance(details, dict):
        for name, problems in details.items():
            first = problems[0] if isinstance(problems, list) and problems else {}
            described = first.get("description") if isinstance(first, dict) else None
            return str(name), str(described or body.get("description") or "invalid value")
    return None, str(body.get("description") or body.get("error") or "invalid value")


def _field(body: Mapping[str, Any]) -> str | None:
    name = _details(dict(body))[0]
    return name if name and name != "base" else None


def _detail(body: Mapping[str, Any]) -> str | None:
    return _details(dict(body))[1]


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET is a filter or cursor Zendesk cannot serve, not a value it refuses."""
    return bool(response.request.method == "GET")


ERRORS = ErrorTable(
    rules=(ErrorRule((400, 422), "invalid_query", _reading), ErrorRule(400, "invalid")),
    fields=FIELDS,
    field_of=_field,
    detail_of=_detail,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a Zendesk error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)
