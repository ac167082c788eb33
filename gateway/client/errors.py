"""Typed exceptions for the API's error answers: each carries the status, the code, the message and the details."""

from __future__ import annotations

from typing import Any

import httpx


class UnigateError(Exception):
    """An error the gateway answered: ``status``, its ``code`` and ``message``, and ``errors`` (per-field details)."""

    def __init__(self, status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []


class BadRequestError(UnigateError):
    """400: the input failed validation; ``errors`` names each field."""


class AuthenticationError(UnigateError):
    """401: the secret key is missing, malformed or unknown."""


class NotFoundError(UnigateError):
    """404: the integration, connection, object, action or run does not exist."""


class ConflictError(UnigateError):
    """409: a unique key is taken."""


class UnprocessableError(UnigateError):
    """422: the provider refused a unified field."""


class RateLimitedError(UnigateError):
    """429: the provider still limits after the gateway's retries; ``retry_after`` seconds (or None) to wait."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, code, message, errors)
        self.retry_after = retry_after


class ServerError(UnigateError):
    """5xx: the provider failed (502, 504), the operation is not supported (501), or the gateway hit a bug (500)."""


_BY_STATUS: dict[int, type[UnigateError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
}


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def error_from(response: httpx.Response) -> UnigateError:
    """The typed exception for an error answer; a body without the ``{"error": ...}`` shape keeps its text."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code, message, errors = str(error.get("code", "")), str(error.get("message", "")), error.get("errors")
    else:
        code, message, errors = "http_error", response.text[:500] or response.reason_phrase, None
    details = errors if isinstance(errors, list) else None
    status = response.status_code
    if status == 429:
        return RateLimitedError(status, code, message, details, _retry_after(response))
    cls = ServerError if status >= 500 else _BY_STATUS.get(status, UnigateError)
    return cls(status, code, message, details)


def check(response: httpx.Response) -> httpx.Response:
    """The response itself when it is a success; the typed exception otherwise."""
    if response.is_success:
        return response
    raise error_from(response)
