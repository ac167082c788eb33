"""Working on one stored run: claim it, open the connection's context, run the action with its retries, store
how it ended. A run whose connection or action is gone fails with that error; the claim's lease is renewed while
the run goes on, and given back when the server stops in the middle."""

from __future__ import annotations

import asyncio
import contextlib

from gateway.action_runs.execute import Outcome, find_action, parse_input, perform
from gateway.action_runs.runs import LEASE, ActionRuns, Run
from gateway.errors import GatewayError
from gateway.registry import ProviderRegistry
from gateway.server_errors import log_unhandled, server_error
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.upstream.provider_context import provider_context


class ActionWorker:
    """Runs stored runs with the services a unified call uses (connections, providers, outbound client)."""

    def __init__(
        self, runs: ActionRuns, live: LiveConnections, providers: ProviderRegistry, outbound: Outbound
    ) -> None:
        self.runs = runs
        self.live = live
        self.providers = providers
        self.outbound = outbound

    async def work(self, run_id: str) -> None:
        """Run ``run_id`` if no other worker holds it; returns once it is finished (or given back)."""
        run = await self.runs.claim(run_id)
        if run is None:
            return
        heartbeat = asyncio.create_task(self._renew(run_id))
        try:
            outcome = await self._execute(run)
        except asyncio.CancelledError:
            await self.runs.release(run_id)
            raise
        except Exception as exc:  # a bug of Unigate's: fail the run rather than leave it running
            outcome = Outcome(run.attempts, error=server_error(log_unhandled(exc, f"action run {run_id}")))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        await self.runs.finish(run_id, outcome.attempts, outcome.output, outcome.error)

    async def _execute(self, run: Run) -> Outcome:
        before = run.attempts  # attempts a worker made before it died

        async def attempted(attempt: int) -> None:
            await self.runs.renew(run.run_id, before + attempt)

        try:
            async with provider_context(
                self.live, self.providers, self.outbound, run.integration_key, run.connection_id
            ) as (provider, ctx):
                action = find_action(provider, ctx.provider, run.action_name)
                data = parse_input(action, run.input)
                outcome = await perform(action, ctx, data, max(run.max_retries - before, 0), on_attempt=attempted)
        except GatewayError as error:  # the connection or the action is gone, or the input no longer fits
            return Outcome(before, error=error)
        outcome.attempts += before
        return outcome

    async def _renew(self, run_id: str) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            await self.runs.renew(run_id)
