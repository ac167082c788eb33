"""What every Jira resource shares: the API path, timestamps, ADF text, offset paging and the error table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ListQuery, ProviderContext, ProviderError, parse_time

MAX_RESULTS = 100
BASIC = "jira-basic"  # the catalog entry for site URLs with an API token (Basic auth)
FIELDS = {  # Jira field -> unified field, for 400 answers naming a field
    "summary": "name",
    "description": "description",
    "labels": "tags",
    "assignee": "assignees",
    "priority": "priority",
    "issuetype": "ticket_type",
    "project": "collections",
    "duedate": "due_date",
    "parent": "parent_ticket",
    "comment": "body",
}
_KEY = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]*-\d+|\d+)$")
_BLOCKS = {"paragraph", "heading", "blockquote", "codeBlock", "listItem", "tableRow", "rule", "mediaSingle"}


def api(ctx: ProviderContext, path: str) -> str:
    """``/ex/jira/{cloudId}/rest/api/3`` + ``path`` (site URLs, ``jira-basic``: ``/rest/api/3`` + ``path``).

    502 if an OAuth connection has no cloudId yet.
    """
    if ctx.provider == BASIC:
        return f"/rest/api/3{path}"
    cloud_id = ctx.connection_config.get("cloudId")
    if not cloud_id:
        raise ProviderError(502, "upstream_error", "connection_config.cloudId is missing: reconnect the Jira site")
    return f"/ex/jira/{cloud_id}/rest/api/3{path}"


def site_url(ctx: ProviderContext) -> str | None:
    """The Jira site's address (``https://acme.atlassian.net``): the base URL of a site connection, else the one
    ``post_connection`` stored from the accessible resources."""
    if ctx.provider == BASIC:
        return str(ctx.http.base_url).rstrip("/")
    site = ctx.connection_config.get("siteUrl")
    return str(site) if site else None


def when(value: str | None) -> datetime | None:
    """A Jira timestamp (``2023-04-21T12:39:27.600+0000``) or date (``2024-03-01``) as an aware UTC datetime."""
    moment = parse_time(value)
    return moment.astimezone(UTC) if moment else None


def issue_key(value: str, field: str = "id") -> str:
    """The issue key (``KAN-7``) or numeric id as sent; 400 naming ``field`` for anything else."""
    if not _KEY.match(value):
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a Jira issue id; send the issue key, e.g. KAN-7", field=field
        )
    return value


def adf_to_text(node: Any) -> str | None:
    """Plain text of an Atlassian Document Format document: blocks on their own lines, mentions by name."""
    if not isinstance(node, dict):
        return None
    parts: list[str] = []

    def walk(item: dict[str, Any]) -> None:
        kind = item.get("type")
        if kind == "text":
            parts.append(str(item.get("text", "")))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind in ("mention", "emoji", "status", "inlineCard"):
            attrs = item.get("attrs") or {}
            parts.append(str(attrs.get("text") or attrs.get("shortName") or attrs.get("url") or ""))
        for child in item.get("content") or []:
            if isinstance(child, dict):
                walk(child)
        empty = kind == "paragraph" and not item.get("content")
        if kind in _BLOCKS and (empty or (parts and not parts[-1].endswith("\n"))):
            parts.append("\n")

    walk(node)
    return "".join(parts).strip("\n")


def text_to_adf(text: str) -> dict[str, Any]:
    """An ADF document with one paragraph per line (empty lines become empty paragraphs)."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}]} if line else {"type": "paragraph"}
        for line in text.split("\n")
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}


def start_at(query: ListQuery) -> int:
    """The offset a provider cursor names (0 for the first page)."""
    if query.cursor and query.cursor.isdigit():
        return int(query.cursor)
    if query.cursor:
        raise ProviderError(400, "invalid_cursor", "cursor: not a Jira offset")
    return 0


async def fetch_offset_page(
    ctx: ProviderContext, path: str, query: ListQuery, params: dict[str, str], key: str, what: str
) -> tuple[list[Any], str | None]:
    """One ``startAt``/``maxResults`` page: the ``key`` items and the next offset (None after ``isLast``)."""
    start, size = start_at(query), min(query.page_size, MAX_RESULTS)
    response = await ctx.http.get(api(ctx, path), params={**params, "startAt": str(start), "maxResults": str(size)})
    check(ctx, response, f"listing {what}")
    body = response.json()
    items: list[Any] = body if isinstance(body, list) else body.get(key) or []
    if isinstance(body, dict) and "isLast" in body:
        last = bool(body["isLast"])
    elif isinstance(body, dict) and "total" in body:
        last = start + len(items) >= int(body["total"])
    else:  # a bare list (``/users/search``): a short page is the last
        last = len(items) < size
    return items, None if last or not items else str(start + len(items))


def _field(body: Mapping[str, Any]) -> str | None:
    errors = body.get("errors")
    return str(next(iter(errors))) if isinstance(errors, dict) and errors else None


def _detail(body: Mapping[str, Any]) -> str | None:
    errors = body["errors"] if isinstance(body.get("errors"), dict) else {}
    messages = [str(m) for m in body.get("errorMessages") or []] + [str(v) for v in errors.values()]
    return "; ".join(messages) or (str(body["message"]) if body.get("message") else None)


def _names_a_field(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    return _field(body) is not None


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET (a search) is a query Jira cannot serve, not a value it refuses."""
    return bool(response.request.method == "GET")


ERRORS = ErrorTable(
    rules=(
        ErrorRule(400, "invalid", _names_a_field),  # {"errors": {"summary": "..."}}: a field's value
        ErrorRule(400, "invalid_query", _reading),
        ErrorRule(400, "invalid"),
    ),
    fields=FIELDS,
    field_of=_field,
    detail_of=_detail,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a Jira error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)
