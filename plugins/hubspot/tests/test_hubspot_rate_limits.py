"""How the provider classifies HubSpot's 429s for the retry layer: each policy's window, the interval header."""

from __future__ import annotations

import json

from unigate_hubspot import HubSpotProvider

from gateway.provider import UpstreamError

INTERVAL = {"X-HubSpot-RateLimit-Interval-Milliseconds": "2000", "X-HubSpot-RateLimit-Remaining": "0"}


def classified(status: int, body: object, headers: dict[str, str] | None = None) -> tuple[str, str, float | None]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    found = HubSpotProvider().classify_error(UpstreamError(status, headers or {}, raw))
    assert found is not None
    return found.action, found.failure, found.wait_seconds


def test_each_policy_waits_for_its_window() -> None:
    assert classified(429, {"policyName": "SECONDLY"}) == ("wait_and_retry", "rate_limited", 1)
    assert classified(429, {"policyName": "TEN_SECONDLY_ROLLING"}, INTERVAL) == ("wait_and_retry", "rate_limited", 10)
    assert classified(429, {"policyName": "DAILY"}) == ("wait_and_retry", "rate_limited", 3600)


def test_an_unknown_policy_waits_for_the_interval_header() -> None:
    assert classified(429, {"policyName": "BURST"}, INTERVAL)[2] == 2
    assert classified(429, b"<html>Too many</html>")[2] == 10


def test_other_answers_are_left_to_the_defaults() -> None:
    assert HubSpotProvider().classify_error(UpstreamError(500, {}, b"{}")) is None
    assert HubSpotProvider().classify_error(UpstreamError(None, exception=TimeoutError())) is None
