"""What to do after a failed provider call: refresh the credentials, retry after a wait, or give up.

One decision for the proxy (aiohttp, streaming) and for the outbound client of unified calls (httpx): the same
classification, the same catalog ``proxy.retry`` hints, the same bounded waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.provider import ErrorResolution, UpstreamError
from gateway.settings import Settings
from gateway.upstream.classify import wants_refresh
from gateway.upstream.retry import retryable_status, wait_seconds


@dataclass(frozen=True)
class RetryBudget:
    """How much retrying a call may do: retries after the first attempt, and seconds of waiting in all."""

    retries: int
    max_wait: float
    backoff: float  # the base of exponential backoff, seconds
    retry: Mapping[str, Any] = field(default_factory=dict)  # the entry's ``proxy.retry``
    retry_on: frozenset[int] = frozenset()  # statuses the caller asked to retry (the proxy's ``Retry-On``)

    @classmethod
    def of(
        cls, settings: Settings, entry: Mapping[str, Any], retries: int, retry_on: frozenset[int] = frozenset()
    ) -> RetryBudget:
        """The budget of one call: ``retries`` allowed, the settings' waits, the entry's ``proxy.retry`` hints."""
        return cls(
            retries=retries,
            max_wait=settings.proxy_max_retry_wait,
            backoff=settings.proxy_backoff_seconds,
            retry=(entry.get("proxy") or {}).get("retry") or {},
            retry_on=retry_on,
        )


@dataclass(frozen=True)
class Decision:
    """``refresh`` the credentials and send again; ``retry`` after ``delay`` s; or ``give_up`` (``delay``: the
    wait the provider asked for, for a ``Retry-After`` on a lasting rate limit)."""

    action: Literal["refresh", "retry", "give_up"]
    delay: float = 0.0
    unauthorized: bool = False  # the answer refuses the credentials (and refreshing cannot or did not help)


def decide(
    error: UpstreamError,
    resolution: ErrorResolution | None,
    specific: bool,
    *,
    attempt: int,
    waited: float,
    budget: RetryBudget,
    refreshable: bool,
    refreshed: bool,
    replayable: bool = True,
) -> Decision:
    """The next step after attempt number ``attempt`` (from 1) failed with ``error``, ``waited`` s waited so far."""
    if error.status is not None and wants_refresh(error.status, resolution):
        if refreshable and not refreshed:
            return Decision("refresh")  # a body that cannot be sent again is not: the next call has fresh ones
        return Decision("give_up", unauthorized=True)
    if not replayable or attempt > budget.retries:
        return Decision("give_up", _asked_wait(error, resolution, budget, attempt))
    if error.status is not None and not retryable_status(
        error.status, error.headers, budget.retry, set(budget.retry_on), resolution, specific
    ):
        return Decision("give_up")
    delay = wait_seconds(attempt - 1, error.headers, error.body, budget.retry, budget.backoff, resolution)
    if waited + delay > budget.max_wait:
        return Decision("give_up", delay)
    return Decision("retry", delay)


def _asked_wait(error: UpstreamError, resolution: ErrorResolution | None, budget: RetryBudget, attempt: int) -> float:
    if resolution is None or resolution.failure != "rate_limited":
        return 0.0
    return wait_seconds(attempt - 1, error.headers, error.body, budget.retry, budget.backoff, resolution)
