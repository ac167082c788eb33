"""The sync services a gateway holds: states, the records cache, and the queue running due syncs."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.background import InProcessQueue, RunQueue
from gateway.registry import ProviderRegistry
from gateway.syncs.records import RecordStore
from gateway.syncs.runner import SyncRunner
from gateway.syncs.states import SyncStates


@dataclass
class Syncs:
    states: SyncStates
    records: RecordStore
    runner: SyncRunner
    queue: RunQueue

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
