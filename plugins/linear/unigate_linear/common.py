"""What every Linear resource shares: the GraphQL call, its error mapping and Relay pagination (GraphQL errors come
in 200/400 bodies, so the kit's status-based error table and REST pager do not apply)."""

from __future__ import annotations

import json
from typing import Any

from gateway.provider import ListQuery, ProviderContext, ProviderError

MAX_PAGE = 250  # Linear's largest ``first``
PAGE_INFO = "pageInfo { hasNextPage endCursor }"


def page_args(query: ListQuery) -> dict[str, Any]:
    """``first`` and ``after`` variables for a Relay connection."""
    return {"first": min(query.page_size, MAX_PAGE), "after": query.cursor}


def next_cursor(connection: dict[str, Any]) -> str | None:
    info = connection.get("pageInfo") or {}
    return str(info["endCursor"]) if info.get("hasNextPage") and info.get("endCursor") else None


async def gql(ctx: ProviderContext, query: str, variables: dict[str, Any], what: str) -> dict[str, Any]:
    """Run ``query`` at ``POST /graphql`` and return ``data``; Linear errors become ``ProviderError``."""
    response = await ctx.http.post("/graphql", json={"query": query, "variables": variables})
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ProviderError(502, "upstream_error", f"Linear answered {response.status_code} for {what}")
    errors = body.get("errors") or []
    if errors:
        raise_error(errors[0] if isinstance(errors[0], dict) else {}, what)
    if response.status_code >= 400 or not isinstance(body.get("data"), dict):
        raise ProviderError(502, "upstream_error", f"Linear answered {response.status_code} for {what}")
    data: dict[str, Any] = body["data"]
    return data


def error_kind(error: dict[str, Any]) -> str:
    """``auth``, ``rate_limited``, ``not_found``, ``invalid`` or ``other`` for one GraphQL error."""
    extensions = error.get("extensions") or {}
    code = str(extensions.get("code") or "").upper()
    kind = str(extensions.get("type") or "").lower()
    message = str(error.get("message") or "")
    if code == "AUTHENTICATION_ERROR" or kind in ("authentication error", "forbidden"):
        return "auth"
    if code == "RATELIMITED" or kind == "ratelimited":
        return "rate_limited"
    if message.startswith("Entity not found") or code == "NOT_FOUND":
        return "not_found"
    if code in ("INVALID_INPUT", "BAD_USER_INPUT") or kind == "invalid input":
        return "invalid"
    return "other"


def raise_error(error: dict[str, Any], what: str) -> None:
    """Raise the ``ProviderError`` that keeps the meaning of a Linear GraphQL error."""
    message = str(error.get("message") or "unknown error")
    kind = error_kind(error)
    if kind == "auth":
        raise ProviderError(502, "upstream_unauthorized", f"Linear refused the connection's credentials: {message}")
    if kind == "rate_limited":
        raise ProviderError(429, "rate_limited", f"Linear rate limit reached: {message}")
    if kind == "not_found":
        raise ProviderError(404, "not_found", f"Linear has no {what}, or the connection cannot see it")
    if kind == "invalid":
        raise ProviderError(400, "invalid_request", f"Linear refused the input for {what}: {message}")
    raise ProviderError(502, "upstream_error", f"Linear failed on {what}: {message}")


def errors_of(body: bytes) -> list[dict[str, Any]]:
    """The GraphQL errors of a raw answer body (empty if it has none or is not JSON)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return []
    errors = parsed.get("errors") if isinstance(parsed, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
