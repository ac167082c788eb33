"""The headers of ``POST /action/trigger`` besides the connection's: ``X-Async`` and ``X-Max-Retries``."""

from __future__ import annotations

from starlette.requests import Request

from gateway.action_runs.execute import MAX_RETRIES
from gateway.errors import GatewayError


def _refuse(header: str, message: str) -> GatewayError:
    errors = [{"code": "invalid_headers", "message": message, "path": [header]}]
    return GatewayError(400, "invalid_headers", f"{header}: {message}", errors=errors)


def is_async(request: Request) -> bool:
    """``X-Async: true`` asks for a background run; absent or ``false``, the call waits for the output."""
    value = request.headers.get("x-async", "").strip().lower()
    if value not in ("", "true", "false"):
        raise _refuse("X-Async", "send true or false")
    return value == "true"


def max_retries(request: Request) -> int:
    """``X-Max-Retries``: how often to retry a run failing in a way a retry may fix, 0 (the default) to 5."""
    value = request.headers.get("x-max-retries", "").strip()
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_RETRIES:
        raise _refuse("X-Max-Retries", f"send a whole number from 0 to {MAX_RETRIES}")
    return int(value)
