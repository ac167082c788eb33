"""Error answers for provider fakes: a JSON error with a status, an OAuth 2 error, a rate limit with Retry-After."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse, Response


def json_error(status: int, body: Any, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """``body`` as JSON with ``status`` (the provider's own error shape) and any extra ``headers``."""
    return JSONResponse(body, status, dict(headers or {}))


def oauth_error(status: int, error: str, description: str | None = None) -> JSONResponse:
    """An RFC 6749 §5.2 token-endpoint error: ``{"error", "error_description"}`` (no description if ``None``)."""
    body = {"error": error} if description is None else {"error": error, "error_description": description}
    return JSONResponse(body, status)


def rate_limited(
    body: Any = None,
    *,
    retry_after: int | None = 60,
    status: int = 429,
    headers: Mapping[str, str] | None = None,
    text: str | None = None,
) -> Response:
    """A rate-limit answer: ``Retry-After`` (unless ``None``) and ``headers``, with a JSON ``body``, plain ``text``
    or no body at all."""
    merged = {**({"retry-after": str(retry_after)} if retry_after is not None else {}), **(headers or {})}
    if body is not None:
        return JSONResponse(body, status, merged)
    if text is not None:
        return Response(text, status, merged, "text/plain")
    return Response(status_code=status, headers=merged)
