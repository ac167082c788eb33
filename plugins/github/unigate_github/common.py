"""What every GitHub resource shares: request headers, ids, paging defaults and the error table."""

from __future__ import annotations

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
    unsupported_filter,
)

HEADERS = {"accept": "application/vnd.github+json", "x-github-api-version": "2022-11-28"}
PAGING = {"type": "link", "link_rel_in_response_header": "next", "limit_name_in_request": "per_page"}
FIELDS = {  # GitHub field -> unified field, for 422 answers
    "title": "name",
    "body": "description",
    "assignees": "assignees",
    "assignee": "assignees",
    "labels": "tags",
    "state": "status",
    "state_reason": "remote_status",
    "since": "modified_after",
}


def _rate_limited(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """GitHub signals rate limits with 403 too: a spent ``x-ratelimit-remaining``, or ``retry-after``."""
    return response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers


def _field(body: Mapping[str, Any]) -> str | None:
    errors = body.get("errors") or []
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return str(first["field"]) if first.get("field") else None


ERRORS = ErrorTable(rules=(ErrorRule(403, "rate_limited", _rate_limited),), fields=FIELDS, field_of=_field)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a GitHub error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)


def repo_path(collection_id: str, field: str = "collection_id") -> str:
    """``/repos/owner/repo`` for a collection id; 400 naming ``field`` if it is not ``owner/repo``."""
    owner, _, name = collection_id.partition("/")
    if not owner or not name or "/" in name or "#" in collection_id:
        raise ProviderError(
            400, "invalid_id", f"{field}: {collection_id!r} is not a GitHub repository id; send owner/repo", field=field
        )
    return f"/repos/{owner}/{name}"


def full_name_of(repository_url: str) -> str:
    """``owner/repo`` from an API URL such as ``https://api.github.com/repos/owner/repo``."""
    owner, name = repository_url.split("/repos/", 1)[1].split("/")[:2]
    return f"{owner}/{name}"


def require_collection(query: ListQuery, what: str) -> str:
    if not query.collection_id:
        fix = "send collection_id=owner/repo (see GET /collections)"
        raise unsupported_filter("collection_id", f"GitHub lists {what} per repository; {fix}")
    return repo_path(query.collection_id)


async def fetch_page(
    ctx: ProviderContext, path: str, query: ListQuery, params: dict[str, str], what: str, items_key: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page (the ``Link`` next URL is the cursor); ``items_key`` names the array in answers that wrap it."""
    override = {"response_path": items_key, "max_page_size": 100}
    page = await paginate(
        ctx, path, query, params=params, default=PAGING, override=override, operation=f"listing {what}",
        errors=ERRORS, headers=HEADERS,
    )  # fmt: skip
    return page.items, page.next_cursor
