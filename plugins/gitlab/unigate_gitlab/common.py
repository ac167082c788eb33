"""What every GitLab resource shares: project paths, paging defaults and the table of GitLab's error answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

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

MAX_PER_PAGE = 100
PAGING = {"type": "link", "link_rel_in_response_header": "next", "limit_name_in_request": "per_page"}
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


def _field(body: Mapping[str, Any]) -> str | None:
    return _message(body, "")[1]


def _detail(body: Mapping[str, Any]) -> str | None:
    return _message(body, "")[0] or None


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET is a filter GitLab cannot apply, not a value it refuses."""
    return bool(response.request.method == "GET")


def _rate_limited(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    return bool(response.headers.get("ratelimit-remaining") == "0")


ERRORS = ErrorTable(
    rules=(
        ErrorRule((400, 422), "invalid_query", _reading),
        ErrorRule(400, "invalid"),  # Grape's validation errors on writes
        ErrorRule(403, "rate_limited", _rate_limited),
    ),
    fields=FIELDS,
    field_of=_field,
    detail_of=_detail,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a GitLab error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)


async def fetch_page(
    ctx: ProviderContext, path: str, query: ListQuery, params: dict[str, str], what: str
) -> tuple[list[dict[str, Any]], str | None]:
    """One page; the ``Link: rel="next"`` URL (offset ``page=`` or keyset ``id_after=``) is the cursor, as given."""
    page = await paginate(
        ctx, path, query, params=params, default=PAGING, override={"max_page_size": MAX_PER_PAGE},
        operation=f"listing {what}", errors=ERRORS,
    )  # fmt: skip
    return page.items, page.next_cursor


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
