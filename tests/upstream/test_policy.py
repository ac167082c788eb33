"""The one retry/refresh decision of the proxy and unified calls."""

from __future__ import annotations

from gateway.provider import ErrorResolution, UpstreamError
from gateway.upstream.policy import RetryBudget, decide

BUDGET = RetryBudget(retries=2, max_wait=10, backoff=0.5)
LIMITED = ErrorResolution("wait_and_retry", "rate_limited")
TRANSIENT = ErrorResolution("retry", "transient")


def step(error: UpstreamError, resolution: ErrorResolution | None = None, **overrides: object) -> tuple[str, float]:
    values: dict[str, object] = {
        "attempt": 1,
        "waited": 0.0,
        "budget": BUDGET,
        "refreshable": True,
        "refreshed": False,
    }
    values.update(overrides)
    decision = decide(error, resolution, False, **values)  # type: ignore[arg-type]
    return decision.action, decision.delay


def test_a_401_refreshes_once_then_gives_up_unauthorized() -> None:
    denied = UpstreamError(401)
    assert step(denied)[0] == "refresh"
    after = decide(denied, None, False, attempt=2, waited=0, budget=BUDGET, refreshable=True, refreshed=True)
    assert after.action == "give_up" and after.unauthorized
    not_renewable = decide(denied, None, False, attempt=1, waited=0, budget=BUDGET, refreshable=False, refreshed=False)
    assert not_renewable.action == "give_up" and not_renewable.unauthorized


def test_what_the_provider_calls_expired_refreshes_too() -> None:
    expired = ErrorResolution("refresh_and_retry", "auth")
    assert step(UpstreamError(400), expired)[0] == "refresh"


def test_rate_limits_wait_as_told_within_the_budget() -> None:
    limited = UpstreamError(429, {"Retry-After": "3"})
    assert step(limited, LIMITED) == ("retry", 3.0)
    assert step(limited, LIMITED, waited=8.0) == ("give_up", 3.0)  # 8 + 3 > 10 s
    assert step(limited, LIMITED, attempt=3) == ("give_up", 3.0)  # the Retry-After to pass on


def test_failures_not_worth_retrying_give_up_at_once() -> None:
    assert step(UpstreamError(404), ErrorResolution("fail", "not_found")) == ("give_up", 0.0)
    assert step(UpstreamError(503), TRANSIENT, replayable=False)[0] == "give_up"


def test_server_errors_back_off_exponentially() -> None:
    first = step(UpstreamError(503), TRANSIENT)
    second = step(UpstreamError(503), TRANSIENT, attempt=2)
    assert first[0] == second[0] == "retry"
    assert 0.25 <= first[1] <= 0.5 and 0.5 <= second[1] <= 1.0


def test_the_catalogs_error_codes_decide_for_the_default_classification() -> None:
    budget = RetryBudget(retries=2, max_wait=10, backoff=0.5, retry={"error_code": ["403"]})
    assert step(UpstreamError(403), None, budget=budget)[0] == "retry"
    assert step(UpstreamError(503), TRANSIENT, budget=budget)[0] == "give_up"
    asked = RetryBudget(retries=2, max_wait=10, backoff=0.5, retry_on=frozenset({409}))
    assert step(UpstreamError(409), None, budget=asked)[0] == "retry"
