"""One unified page from a provider list, driven by the catalog entry's ``proxy.paginate`` (Nango's keys).

``type: link`` keeps the provider's next URL as the cursor (``Link`` header rel or a body path) and resumes by
GETting it, only on the connection's base URL; it stops when the link is missing or repeated. ``type: cursor``
sends the cursor found at ``cursor_path_in_response`` as ``cursor_name_in_request``; it stops on an empty page or a
missing cursor. ``type: offset`` keeps the next offset (``by-response-size`` or ``per-page``); it stops on an empty
or short page. ``limit_name_in_request`` carries the page size, ``response_path`` says where the items are.

A list that is a ``POST`` query (Attio's ``records/query``, search endpoints) passes ``method="POST"`` and its
``json`` body: the limit, cursor and offset then go into the body (numbers as numbers) instead of the query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, NamedTuple

import httpx

from gateway.provider.contract import ListQuery, ProviderContext
from gateway.provider.error_table import DEFAULT_TABLE, ErrorTable
from gateway.provider.failures import OutsideBaseUrl, UpstreamFailure


@dataclass(frozen=True)
class Paging:
    """A catalog ``paginate`` block, plus ``max_page_size`` (the provider's cap on the limit)."""

    type: Literal["cursor", "link", "offset"] = "link"
    cursor_path_in_response: str | None = None
    cursor_name_in_request: str | None = None
    link_rel_in_response_header: str | None = None
    link_path_in_response_body: str | None = None
    offset_name_in_request: str | None = None
    offset_start_value: int = 0
    offset_calculation_method: Literal["by-response-size", "per-page"] = "by-response-size"
    limit_name_in_request: str | None = None
    response_path: str | None = None
    max_page_size: int | None = None

    @classmethod
    def of(cls, *layers: Mapping[str, Any] | None) -> Paging:
        """The settings of the layers merged left to right (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        merged: dict[str, Any] = {}
        for layer in layers:
            merged.update({k: v for k, v in (layer or {}).items() if k in known and v is not None})
        if "offset_start_value" in merged:
            merged["offset_start_value"] = int(merged["offset_start_value"])
        return cls(**merged)


class Page(NamedTuple):
    """The items of one provider page and the provider cursor of the next (None on the last)."""

    items: list[Any]
    next_cursor: str | None


def at_path(body: Any, path: str | None) -> Any:
    """The value at a dotted path (``paging.next.after``); the body itself for no path; None when absent."""
    for part in (path or "").split(".") if path else ():
        body = body.get(part) if isinstance(body, Mapping) else None
    return body


def catalog_paging(ctx: ProviderContext) -> Mapping[str, Any]:
    return (ctx.catalog_entry.get("proxy") or {}).get("paginate") or {}


async def paginate(
    ctx: ProviderContext,
    path: str,
    query: ListQuery,
    *,
    params: Mapping[str, str] | None = None,
    default: Mapping[str, Any] | None = None,
    override: Mapping[str, Any] | None = None,
    operation: str = "listing",
    errors: ErrorTable = DEFAULT_TABLE,
    headers: Mapping[str, str] | None = None,
    method: Literal["GET", "POST"] = "GET",
    json: Mapping[str, Any] | None = None,
) -> Page:
    """One page of ``path`` for ``query`` (its ``page_size`` and provider ``cursor``), the next page's cursor.

    Settings: ``default`` (when the catalog entry has no ``paginate``), the catalog's, then ``override`` (an
    endpoint that pages differently). Failed answers are raised through ``errors`` naming ``operation``.
    """
    paging = Paging.of(default, catalog_paging(ctx), override)
    limit = query.page_size if paging.max_page_size is None else min(query.page_size, paging.max_page_size)
    offset = paging.offset_start_value
    if paging.type == "offset" and query.cursor:
        offset = _offset(ctx, query.cursor, operation)
    if paging.type == "link" and query.cursor:
        url = on_base_url(ctx, query.cursor, operation)
        response = await ctx.http.get(url, headers=headers)
    else:
        paged: dict[str, Any] = {}
        if paging.limit_name_in_request:
            paged[paging.limit_name_in_request] = limit
        if query.cursor and paging.type == "cursor":
            paged[paging.cursor_name_in_request or "cursor"] = query.cursor
        if paging.type == "offset":
            paged[paging.offset_name_in_request or "offset"] = offset
        if method == "POST":
            body = {**(json or {}), **paged}
            response = await ctx.http.post(path, params=dict(params or {}), json=body, headers=headers)
        else:
            sent = {**(params or {}), **{name: str(value) for name, value in paged.items()}}
            response = await ctx.http.get(path, params=sent, headers=headers)
    errors.check(ctx, response, operation)
    body = response.json()
    items = at_path(body, paging.response_path)
    if not isinstance(items, list):
        name = ctx.catalog_entry.get("display_name") or ctx.provider
        raise UpstreamFailure(ctx.provider, f"{operation}: {name} answered something other than a list")
    if paging.type == "link":
        return Page(items, next_link(ctx, response, body, paging, operation))
    if paging.type == "cursor":
        cursor = at_path(body, paging.cursor_path_in_response)
        return Page(items, str(cursor) if items and cursor not in (None, "") else None)
    short = not items or len(items) < limit
    step = 1 if paging.offset_calculation_method == "per-page" else len(items)
    return Page(items, None if short else str(offset + step))


def _offset(ctx: ProviderContext, cursor: str, operation: str) -> int:
    if not cursor.isdigit():  # the gateway signs cursors, so only a plugin bug gets here
        raise UpstreamFailure(ctx.provider, f"{operation}: the page cursor {cursor!r} is no offset")
    return int(cursor)


def next_link(ctx: ProviderContext, response: httpx.Response, body: Any, paging: Paging, operation: str) -> str | None:
    """The absolute next URL of a ``link`` page, None when absent or the same as this page's."""
    link: Any = None
    if paging.link_path_in_response_body:
        link = at_path(body, paging.link_path_in_response_body)
        link = link.get("href") if isinstance(link, Mapping) else link
    else:
        link = response.links.get(paging.link_rel_in_response_header or "next", {}).get("url")
    if not isinstance(link, str) or not link:
        return None
    url = str(response.url.join(link))
    return None if url == str(response.url) else on_base_url(ctx, url, operation)


def on_base_url(ctx: ProviderContext, url: str, operation: str) -> str:
    """``url`` if it lies under the connection's base URL; ``OutsideBaseUrl`` otherwise (credentials stay home)."""
    base = str(ctx.http.base_url).rstrip("/") + "/"
    if not (url + "/").startswith(base) and not url.startswith(base):
        raise OutsideBaseUrl(ctx.provider, f"{operation}: the next page's link leaves the connection's base URL")
    return url


def with_cursor(query: ListQuery, cursor: str | None) -> ListQuery:
    """``query`` resumed at another provider cursor (for cursors a resource wraps with its own state)."""
    return replace(query, cursor=cursor)
