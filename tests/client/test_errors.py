"""Error answers become typed exceptions carrying the status, code, message, details and (429) the wait."""

from __future__ import annotations

import httpx
import pytest

from gateway.client.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnigateError,
    UnprocessableError,
    error_from,
)


def answer(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"code": code, "message": f"about {code}", "errors": [{"path": ["x"], "code": "missing"}]}}
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableError),
        (500, ServerError),
        (502, ServerError),
        (504, ServerError),
        (424, UnigateError),
    ],
)
def test_each_status_has_its_class(status: int, cls: type[UnigateError]) -> None:
    error = error_from(answer(status, "some_code"))
    assert type(error) is cls and isinstance(error, UnigateError)
    assert (error.status, error.code, error.message) == (status, "some_code", "about some_code")
    assert error.errors == [{"path": ["x"], "code": "missing"}] and str(error) == f"{status} some_code: about some_code"


def test_rate_limited_carries_retry_after() -> None:
    limited = error_from(answer(429, "rate_limited", {"Retry-After": "12"}))
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 12.0
    without = error_from(answer(429, "rate_limited"))
    assert isinstance(without, RateLimitedError) and without.retry_after is None


def test_a_body_without_the_error_shape_keeps_its_text() -> None:
    error = error_from(httpx.Response(503, text="upstream connect error"))
    assert isinstance(error, ServerError) and (error.code, error.message) == ("http_error", "upstream connect error")
