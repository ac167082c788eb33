"""The error table: default meanings of provider statuses, plugin overrides, messages naming provider and operation."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from gateway.provider import (
    ErrorRule,
    ErrorTable,
    ProviderError,
    RateLimited,
    UpstreamFailure,
    UpstreamUnauthorized,
    UpstreamUnavailable,
    raise_for_answer,
)
from tests.provider.helpers import context

OPERATION = "getting issue o/r#1"


def failure(
    status: int,
    body: Any = None,
    headers: dict[str, str] | None = None,
    table: ErrorTable | None = None,
    entry: dict[str, Any] | None = None,
) -> Exception:
    ctx, _ = context(lambda request: httpx.Response(500), entry)
    request = httpx.Request("GET", "https://api.example.test/v1/x")
    response = httpx.Response(status, json=body, headers=headers, request=request)
    with pytest.raises(Exception) as raised:
        raise_for_answer(ctx, response, OPERATION, *([table] if table else []))
    return raised.value


def test_successes_pass() -> None:
    ctx, _ = context(lambda request: httpx.Response(200))
    raise_for_answer(ctx, httpx.Response(204), OPERATION)


@pytest.mark.parametrize(
    ("status", "answer", "code"),
    [
        (403, 403, "forbidden"),
        (404, 404, "not_found"),
        (409, 422, "invalid_request"),
        (422, 422, "invalid_request"),
        (400, 502, "upstream_error"),
        (418, 502, "upstream_error"),
        (500, 502, "upstream_error"),
        (503, 502, "upstream_error"),
    ],
)
def test_default_meanings(status: int, answer: int, code: str) -> None:
    error = failure(status, {"message": "nope"})
    assert isinstance(error, ProviderError | UpstreamFailure)
    assert (error.status, error.code) == (answer, code)
    message = str(error)
    assert message.startswith(f"{OPERATION}: Example"), message


def test_401_is_an_upstream_unauthorized_failure() -> None:
    error = failure(401, {"message": "Bad credentials"})
    assert isinstance(error, UpstreamUnauthorized) and (error.status, error.code) == (502, "upstream_unauthorized")
    assert "Example" in error.message and OPERATION in error.message


def test_429_waits_retry_after_or_the_catalogs_reset_header() -> None:
    limited = failure(429, headers={"Retry-After": "7"})
    assert isinstance(limited, RateLimited) and limited.headers == {"Retry-After": "7"} and limited.status == 429
    reset = str(int(time.time()) + 30)
    entry = {"proxy": {"retry": {"at": ["x-ratelimit-reset"]}}}
    by_reset = failure(429, headers={"x-ratelimit-reset": reset}, entry=entry)
    assert isinstance(by_reset, RateLimited) and 25 <= by_reset.retry_after <= 32
    assert isinstance(unknown := failure(429), RateLimited) and unknown.retry_after == 60


def test_429_reads_retry_after_as_an_http_date() -> None:
    when = formatdate(time.time() + 40, usegmt=True)  # Attio's form: "Wed, 09 Dec 2026 10:00:40 GMT"
    dated = failure(429, headers={"Retry-After": when})
    assert isinstance(dated, RateLimited) and 38 <= dated.retry_after <= 41
    assert dated.headers == {"Retry-After": str(dated.retry_after)}  # answered in seconds, whatever the provider sent
    past = failure(429, headers={"Retry-After": formatdate(time.time() - 5, usegmt=True)})
    assert isinstance(past, RateLimited) and past.retry_after == 1
    garbage = failure(429, headers={"Retry-After": "soon"})
    assert isinstance(garbage, RateLimited) and garbage.retry_after == 60


def test_the_field_a_refusal_names_is_the_unified_one() -> None:
    table = ErrorTable(fields={"title": "name"}, field_of=lambda body: (body.get("errors") or [{}])[0].get("field"))
    error = failure(422, {"message": "Validation Failed", "errors": [{"field": "title"}]}, table=table)
    assert isinstance(error, ProviderError) and error.field == "name" and error.message.startswith("name: ")
    unnamed = failure(422, {"message": "Validation Failed"}, table=table)
    assert isinstance(unnamed, ProviderError) and unnamed.field is None and "Validation Failed" in unnamed.message


def test_overrides_by_status_and_body_come_first() -> None:
    jira = ErrorTable(
        rules=(ErrorRule(400, "invalid", when=lambda response, body: bool(body.get("errors"))),),
        field_of=lambda body: next(iter(body.get("errors") or {}), None),
        fields={"summary": "name"},
    )
    error = failure(400, {"errors": {"summary": "You must specify a summary"}}, table=jira)
    assert isinstance(error, ProviderError) and (error.status, error.field) == (422, "name")
    other = failure(400, {"errorMessages": ["bad"]}, table=jira)
    assert isinstance(other, UpstreamFailure) and other.status == 502
    github = ErrorTable(rules=(ErrorRule((403, 429), "rate_limited", lambda r, b: "retry-after" in r.headers),))
    assert isinstance(failure(403, headers={"retry-after": "3"}, table=github), RateLimited)
    assert isinstance(failure(403, table=github), ProviderError)


def test_secrets_in_the_request_never_reach_the_message() -> None:
    error = failure(500, {"message": "boom"})
    assert "Authorization" not in str(error) and "token" not in str(error).lower()


def test_a_server_error_is_upstream_unavailable_which_a_retry_may_fix() -> None:
    down = failure(503, {"message": "maintenance"})
    refused = failure(400, {"message": "bad"})
    assert isinstance(down, UpstreamUnavailable) and (down.status, down.code) == (502, "upstream_error")
    assert type(refused) is UpstreamFailure and (refused.status, refused.code) == (502, "upstream_error")
