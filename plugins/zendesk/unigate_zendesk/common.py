"""What every Zendesk resource shares: ids, cursor paging (``page[size]``/``page[after]``) and error mapping."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.provider import ListQuery, ProviderContext, ProviderError, error_body

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


def refuse(query: ListQuery, what: str, *, modified_after: bool = True) -> None:
    """400 for filters a Zendesk list cannot apply, rather than ignoring them."""
    if modified_after and query.modified_after is not None:
        raise ProviderError(
            400,
            "invalid_query_params",
            f"modified_after: Zendesk cannot filter {what} by modification time here; leave it out",
            field="modified_after",
        )
    if query.collection_id:
        raise ProviderError(
            400,
            "invalid_query_params",
            f"collection_id: Zendesk has no collections; leave it out when listing {what}",
            field="collection_id",
        )


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
    check(response, what, query=True)
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


def check(response: httpx.Response, what: str, *, query: bool = False) -> None:
    """Raise ``ProviderError`` for a Zendesk error answer, keeping its meaning; ``what`` names the object.

    ``query`` marks list calls, where a 400 or 422 is a filter or cursor Zendesk refused rather than a value.
    """
    status = response.status_code
    if status < 400:
        return
    body = error_body(response)
    if status == 404:
        raise ProviderError(404, "not_found", f"Zendesk has no {what}, or the connection cannot see it")
    if status in (400, 422) and query:
        name, detail = _details(body)
        raise ProviderError(400, "invalid_query_params", f"Zendesk refused the query for {what}: {detail}")
    if status in (400, 422):
        name, detail = _details(body)
        field = FIELDS.get(name or "", name) if name and name != "base" else None
        prefix = f"{field}: " if field else ""
        raise ProviderError(
            422, "validation_failed", f"{prefix}Zendesk refused the value for {what} ({detail})", field=field
        )
    if status == 429:
        raise ProviderError(429, "rate_limited", f"Zendesk rate limit reached for {what}")
    if status in (401, 403):
        error = body.get("error") if isinstance(body.get("error"), str) else response.reason_phrase
        raise ProviderError(502, "upstream_unauthorized", f"Zendesk refused the connection ({status}: {error})")
    raise ProviderError(502, "upstream_error", f"Zendesk answered {status} for {what}")
