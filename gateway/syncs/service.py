"""The sync services a gateway holds: states, the records cache, and the queue running due syncs (in this
process, or as procrastinate jobs for ``unigate worker``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.background import InProcessQueue, RunQueue
from gateway.registry import ProviderRegistry
from gateway.syncs.records import RecordStore
from gateway.syncs.runner import SyncRunner
from gateway.syncs.states import SyncStates

if TYPE_CHECKING:
    from gateway.syncs.jobs import SyncJobs


@dataclass
class Syncs:
    states: SyncStates
    records: RecordStore
    runner: SyncRunner
    queue: RunQueue
    jobs: SyncJobs | None = None  # with the procrastinate engine: the queue, which ``unigate worker`` runs

    @classmethod
    def embedded(
        cls, states: SyncStates, records: RecordStore, runner: SyncRunner, providers: ProviderRegistry, sweep: float
    ) -> Syncs:
        """Syncs run in this process: every ``sweep`` seconds the queue takes up the due ones. New connections get
        their sync states with them; the first sweep also creates those missing (a plugin installed since)."""
        ensured = False

        async def due() -> list[str]:
            nonlocal ensured
            if not ensured:
                await states.ensure(providers)
                ensured = True
            return await states.due()

        queue = InProcessQueue(runner.work, due, concurrency=4, sweep_seconds=sweep, label="sync run")
        return cls(states, records, runner, queue)

    @classmethod
    def scaled_out(
        cls,
        database_url: str,
        states: SyncStates,
        records: RecordStore,
        runner: SyncRunner,
        providers: ProviderRegistry,
        *,
        sweep: float,
        per_provider: int,
    ) -> Syncs:
        """Syncs as procrastinate jobs: this process enqueues the due ones; ``unigate worker`` processes run them."""
        from gateway.syncs.jobs import SyncJobs  # procrastinate is imported only by deployments that use it

        jobs = SyncJobs(database_url, states, runner, providers, sweep_seconds=sweep, per_provider=per_provider)
        return cls(states, records, runner, jobs, jobs)
