"""What every GitLab resource shares: project paths, Link/keyset paging and the mapping of GitLab's error answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from gateway.provider import ListQuery, ProviderContext, ProviderError, error_body, unsupported_filter
from gateway.provider import refuse_modified_after as gateway_refuse_modified_after

MAX_PER_PAGE = 100
FIELDS = {  # GitLab parameter -> unified field, for 400 answers naming a parameter
    "title": "name",
    "description": "description",
    "labels": "tags",
    "assignee_ids": "assignees",
    "milestone_id": "collections",
    "due_date": "due_date",
    "state_event": "status",
    "issue_type": "ticket_type",
    "body": "body",
    "internal": "is_private",
    "updated_after": "modified_after",
    "assignee_id": "assignee_id",
}


def iso(value: datetime) -> str:
    """An ISO 8601 UTC timestamp as GitLab's ``updated_after`` takes it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def project_path(project: str, field: str = "collection_id") -> str:
    """``/projects/group%2Fsub%2Fapp`` for ``group/sub/app`` (or a numeric project id); 400 naming ``field``."""
    parts = project.split("/")
    numeric = project.isdigit()
    if not numeric and (len(parts) < 2 or any(not p or p in (".", "..") for p in parts) or "#" in project):
        raise ProviderError(
            400,
            "invalid_id",
            f"{field}: {project!r} is not a GitLab project; send its full path, e.g. group/project",
            field=field,
        )
    return "/projects/" + quote(project, safe="")


def require_project(query: ListQuery, what: str) -> str:
    if not query.collection_id:
        fix = "send collection_id=group/project (see GET /collections)"
        raise unsupported_filter("collection_id", f"GitLab lists {what} per project; {fix}")
    return project_path(query.collection_id)


def refuse_modified_after(query: ListQuery, what: str) -> None:
    gateway_refuse_modified_after(query, "GitLab", what)


def per_page(query: ListQuery) -> str:
    return str(min(max(query.page_size, 1), MAX_PER_PAGE))


async def fetch_page(
    ctx: ProviderContext, path: str, query: ListQuery, params: dict[str, str], what: str
) -> tuple[list[dict[str, Any]], str | None]:
    """One page: the first from ``path``, later ones from the ``Link: rel="next"`` URL kept as the cursor.

    The URL is followed as GitLab gave it (offset ``page=`` or keyset ``id_after=``); it is never rebuilt.
    """
    if query.cursor:
        response = await ctx.http.get(query.cursor)
    else:
        response = await ctx.http.get(path, params={**params, "per_page": per_page(query)})
    check(response, what, query=True)
    body = response.json()
    if not isinstance(body, list):
        raise ProviderError(502, "upstream_error", f"GitLab answered {what} with something other than a list")
    return body, response.links.get("next", {}).get("url")


def _message(body: Any, fallback: str) -> tuple[str, str | None]:
    """GitLab's error text and the parameter it names (``{"message": {"title": [...]}}``, ``{"error": "x is ..."}``)."""
    if not isinstance(body, dict):
        return fallback, None
    message, error = body.get("message"), body.get("error")
    if isinstance(message, dict) and message:
        name, detail = next(iter(message.items()))
        detail = ", ".join(str(d) for d in detail) if isinstance(detail, list) else str(detail)
        return f"{name} {detail}", str(name)
    text = str(message or body.get("error_description") or error or fallback)
    if isinstance(error, str):  # Grape: "title is missing", "assignee_ids is invalid"
        first = error.split(" ", 1)[0].split(",")[0]
        return text, first if first in FIELDS else None
    return text, None


def check(response: httpx.Response, what: str, *, query: bool = False) -> None:
    """Raise ``ProviderError`` for a GitLab error answer, keeping its meaning; ``what`` names the object.

    ``query`` marks list calls, where a 400 is a filter GitLab refused rather than a value.
    """
    status = response.status_code
    if status < 400:
        return
    body = error_body(response)
    message, name = _message(body, response.reason_phrase)
    if status == 404:
        raise ProviderError(404, "not_found", f"GitLab has no {what}, or the connection cannot see it")
    if status in (400, 422):
        field = FIELDS.get(name, name) if name else None
        if query:
            raise ProviderError(400, "invalid_query_params", f"GitLab refused the query for {what}: {message}")
        prefix = f"{field}: " if field else ""
        raise ProviderError(422, "validation_failed", f"{prefix}GitLab refused {what} ({message})", field=field)
    if status == 429:
        raise ProviderError(429, "rate_limited", f"GitLab rate limit reached for {what}")
    if status in (401, 403):
        raise ProviderError(
            502 if status == 401 else 403,
            "upstream_unauthorized" if status == 401 else "forbidden",
            f"GitLab refused {what} ({status}: {message})",
        )
    raise ProviderError(502, "upstream_error", f"GitLab answered {status} for {what}: {message}")
