"""Retries: statuses, waits from the catalog's headers, Retry-On, bounds, and what is never retried."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conftest import error_of
from tests.proxy.upstream import EchoUpstream

FLAKY = "/proxy/flaky"


async def test_no_retry_by_default(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get(FLAKY, params={"key": "a"})
    assert response.status_code == 503 and response.json() == {"error": "try later"}


async def test_retries_until_success(proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]) -> None:
    response = await proxy_client.get(FLAKY, params={"key": "b", "fail": "2"}, headers={"Retries": "3"})
    assert response.status_code == 200 and response.json() == {"ok": True, "attempt": 3}
    assert upstream[0].hits["b"] == 3


async def test_retries_are_bounded_by_the_header(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    response = await proxy_client.get(FLAKY, params={"key": "c", "fail": "5"}, headers={"Retries": "2"})
    assert response.status_code == 503 and upstream[0].hits["c"] == 3


async def test_retry_on_adds_statuses(proxy_client: httpx.AsyncClient) -> None:
    plain = await proxy_client.get(FLAKY, params={"key": "d", "fail": "1", "status": "409"}, headers={"Retries": "1"})
    assert plain.status_code == 409
    chosen = await proxy_client.get(
        FLAKY, params={"key": "e", "fail": "1", "status": "409"}, headers={"Retries": "1", "Retry-On": "409,423"}
    )
    assert chosen.status_code == 200


async def test_rate_limit_waits_for_the_catalog_header(proxy_client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await proxy_client.get("/proxy/status/429", params={"h-x-wait": "0.3"}, headers={"Retries": "1"})
    assert response.status_code == 429 and time.monotonic() - started >= 0.3


async def test_remaining_zero_makes_an_answer_retryable(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    response = await proxy_client.get(
        "/proxy/status/403", params={"h-x-remaining": "0", "h-x-wait": "0"}, headers={"Retries": "2"}
    )
    assert response.status_code == 403 and upstream[0].hits["/base/status/403"] == 3
    forbidden = await proxy_client.get("/proxy/status/403", params={"h-x-remaining": "5"}, headers={"Retries": "2"})
    assert forbidden.status_code == 403 and upstream[0].hits["/base/status/403"] == 4


async def test_waits_beyond_the_budget_are_not_taken(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    started = time.monotonic()
    response = await proxy_client.get("/proxy/status/429", params={"h-x-wait": "3600"}, headers={"Retries": "3"})
    assert response.status_code == 429 and time.monotonic() - started < 5
    assert upstream[0].hits["/base/status/429"] == 1


@pytest.mark.parametrize("proxy_client", [{"retry": "    retry:\n      error_code: ['429']\n"}], indirect=True)
async def test_catalog_error_codes_replace_the_defaults(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    response = await proxy_client.get(
        FLAKY, params={"key": "f", "fail": "1", "status": "503"}, headers={"Retries": "2"}
    )
    assert response.status_code == 503 and upstream[0].hits["f"] == 1
    limited = await proxy_client.get(FLAKY, params={"key": "g", "fail": "1", "status": "429"}, headers={"Retries": "2"})
    assert limited.status_code == 200


async def test_streamed_uploads_are_not_replayed(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    async def body() -> object:
        yield b"x" * 1000

    response = await proxy_client.put(
        FLAKY,
        params={"key": "h", "fail": "1"},
        content=body(),  # type: ignore[arg-type]
        headers={"Retries": "3", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 503 and upstream[0].hits["h"] == 1


async def test_timeouts_and_refused_connections_are_named(proxy_client: httpx.AsyncClient) -> None:
    slow = await proxy_client.get("/proxy/slow", params={"seconds": "3"})
    assert slow.status_code == 504 and error_of(slow)["code"] == "upstream_timeout"
    refused = await proxy_client.get("/proxy/x", headers={"Base-Url-Override": "http://127.0.0.1:9"})
    assert refused.status_code == 502 and error_of(refused)["code"] == "upstream_unreachable"
    assert "127.0.0.1" in error_of(refused)["message"]
