"""One action call's retry rule: what is retried, how long it waits, and how attempts are counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from gateway.action_runs.execute import FreeInput, backoff, perform
from gateway.errors import GatewayError
from gateway.provider import Action, Provider, ProviderContext, ProviderError, RateLimited, UpstreamTimeout


class Scripted(Action[BaseModel, Any]):
    """Raises the queued failures one per attempt, then answers ``{"ok": true}``."""

    failures: list[Exception] = []

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Any:
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True}


@pytest.fixture
async def ctx() -> AsyncIterator[ProviderContext]:
    async with httpx.AsyncClient() as client:
        yield ProviderContext("p", "p-key", "c1", {}, {}, client)


def action(*failures: Exception) -> Scripted:
    scripted = Scripted(Provider(), "scripted")
    scripted.failures = list(failures)
    return scripted


async def run(ctx: ProviderContext, scripted: Scripted, retries: int) -> tuple[Any, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return await perform(scripted, ctx, FreeInput(), retries, sleep=sleep), waits


def test_backoff_doubles_from_a_fifth_of_a_second_up_to_five() -> None:
    assert [backoff(n) for n in range(7)] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]


async def test_transient_failures_are_retried_with_backoff(ctx: ProviderContext) -> None:
    outcome, waits = await run(ctx, action(UpstreamTimeout("p", "slow"), UpstreamTimeout("p", "slow")), 5)
    assert (outcome.output, outcome.attempts, waits) == ({"ok": True}, 3, [0.2, 0.4])


async def test_retries_stop_at_the_maximum(ctx: ProviderContext) -> None:
    outcome, waits = await run(ctx, action(*(UpstreamTimeout("p", "slow") for _ in range(3))), 2)
    assert outcome.attempts == 3 and outcome.error is not None and outcome.error.code == "upstream_timeout"
    assert waits == [0.2, 0.4]


async def test_a_rate_limit_waits_as_the_provider_asks_within_ten_seconds(ctx: ProviderContext) -> None:
    outcome, waits = await run(ctx, action(RateLimited("p", "slow down", 3)), 1)
    assert outcome.output == {"ok": True} and waits == [3.0]
    longer, none = await run(ctx, action(RateLimited("p", "slow down", 60)), 5)
    assert longer.error is not None and longer.error.status_code == 429 and longer.attempts == 1 and none == []


async def test_refusals_are_answered_at_once(ctx: ProviderContext) -> None:
    outcome, waits = await run(ctx, action(ProviderError(404, "not_found", "no such issue")), 5)
    assert outcome.attempts == 1 and waits == [] and outcome.error is not None
    assert (outcome.error.status_code, outcome.error.code) == (404, "not_found")


async def test_unigates_own_answers_from_the_client_pass_through(ctx: ProviderContext) -> None:
    exhausted = GatewayError(424, "connection_refresh_exhausted", "reconnect")
    outcome, waits = await run(ctx, action(exhausted), 5)
    assert outcome.error is exhausted and outcome.attempts == 1 and waits == []
    busy = GatewayError(503, "refresh_in_progress", "Another worker is refreshing this connection; retry")
    retried, waits = await run(ctx, action(busy), 1)
    assert retried.output == {"ok": True} and waits == [0.2]
