"""What every GitHub resource shares: request headers, ids, timestamps, Link pagination and error mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from gateway.provider import ListQuery, ProviderContext, ProviderError, error_body, unsupported_filter
from gateway.provider import refuse_modified_after as gateway_refuse_modified_after

HEADERS = {"accept": "application/vnd.github+json", "x-github-api-version": "2022-11-28"}
MAX_PER_PAGE = 100
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


def when(value: str | None) -> datetime | None:
    """A GitHub timestamp (``2024-01-02T03:04:05Z``) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def since(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


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


def listing_path(query: ListQuery, what: str, suffix: str) -> str:
    """``/repos/owner/repo`` + ``suffix`` for a first page; later pages follow the cursor (GitHub's next URL)."""
    return "" if query.cursor else require_collection(query, what) + suffix


def refuse_modified_after(query: ListQuery, what: str) -> None:
    gateway_refuse_modified_after(query, "GitHub", what)


async def fetch_page(
    ctx: ProviderContext, path: str, query: ListQuery, params: dict[str, str], what: str, items_key: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page: the first from ``path`` with ``params``, later ones from the ``Link`` next URL (the cursor).

    ``items_key`` names the array in answers that wrap it (``/installation/repositories``: ``repositories``).
    """
    if query.cursor:
        response = await ctx.http.get(query.cursor, headers=HEADERS)
    else:
        per_page = str(min(query.page_size, MAX_PER_PAGE))
        response = await ctx.http.get(path, params={**params, "per_page": per_page}, headers=HEADERS)
    check(response, what)
    body = response.json()
    items: list[dict[str, Any]] = body[items_key] if items_key else body
    next_url = response.links.get("next", {}).get("url")
    return items, next_url


def check(response: httpx.Response, what: str) -> None:
    """Raise ``ProviderError`` for a GitHub error answer, keeping its meaning; ``what`` names the object."""
    status = response.status_code
    if status < 400:
        return
    body = error_body(response)
    message = str(body.get("message") or response.reason_phrase) if isinstance(body, dict) else ""
    if status == 404:
        raise ProviderError(404, "not_found", f"GitHub has no {what}, or the connection cannot see it")
    if status == 422:
        errors = body.get("errors") or [] if isinstance(body, dict) else []
        first = errors[0] if errors and isinstance(errors[0], dict) else {}
        field = FIELDS.get(str(first.get("field")), first.get("field"))
        detail = f"{field}: GitHub refused the value ({first.get('code', 'invalid')})" if field else message
        raise ProviderError(422, "validation_failed", f"{detail} for {what}", field=field)
    limited = response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers
    if status == 429 or (status == 403 and limited):
        raise ProviderError(429, "rate_limited", f"GitHub rate limit reached: {message}")
    if status in (401, 403):
        raise ProviderError(
            502, "upstream_unauthorized", f"GitHub refused the connection's credentials ({status}: {message})"
        )
    raise ProviderError(502, "upstream_error", f"GitHub answered {status} for {what}: {message}")
