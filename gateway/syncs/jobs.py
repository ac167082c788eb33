"""Syncs as procrastinate jobs on PostgreSQL (``UNIGATE_JOB_ENGINE=procrastinate``), run by ``unigate worker``.

Servers and workers sweep: every due sync state becomes one job, deferred with ``queueing_lock`` and ``lock``
``sync-<state id>``, so at most one waits and at most one runs per connection's sync (the state's lease guards
the same, kept as a second line). A job left ``doing`` by a worker that died (no heartbeat for the lease's
length) is given back by the next sweep; its run starts again from the last checkpoint, and since each page is an
idempotent upsert every record ends up once. A worker runs at most ``per_provider`` syncs of one provider at once.
procrastinate's tables come from its own schema file (``apply_schema``), beside Alembic's chain, not in it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import socket

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from gateway.registry import ProviderRegistry
from gateway.server_errors import log_unhandled
from gateway.syncs.runner import SyncRunner
from gateway.syncs.states import SyncStates

log = logging.getLogger("unigate")
TASK = "unigate.sync"
SCHEMA_LOCK = 7_310_942  # advisory lock key: one process applies the schema at a time


def conninfo_of(database_url: str) -> str:
    """The libpq URL of a ``postgresql+psycopg://`` SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def apply_schema(database_url: str) -> bool:
    """Create procrastinate's tables unless they exist; whether it did."""
    with psycopg.connect(conninfo_of(database_url)) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is not None and row[0] is not None:
            return False
        conn.execute(SchemaManager.get_schema())
        return True


def worker_name() -> str:
    """How a worker appears in procrastinate's tables: host and process id."""
    return f"{socket.gethostname()}-{os.getpid()}"


class SyncJobs:
    """The ``RunQueue`` of syncs on procrastinate: ``start`` sweeps (enqueues due runs, gives back stalled ones);
    ``work`` makes this process a worker too."""

    def __init__(
        self,
        database_url: str,
        states: SyncStates,
        runner: SyncRunner,
        providers: ProviderRegistry,
        *,
        sweep_seconds: float,
        per_provider: int,
    ) -> None:
        self.database_url = database_url
        self.states = states
        self.runner = runner
        self.providers = providers
        self.sweep_seconds = sweep_seconds
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo_of(database_url)))
        retry = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)  # the database was away
        self.task = self.app.task(name=TASK, retry=retry)(self._run)
        self._slots: dict[str, asyncio.Semaphore] = collections.defaultdict(lambda: asyncio.Semaphore(per_provider))
        self._sweeper: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._open = False

    @property
    def lease_seconds(self) -> float:
        return self.states.lease.total_seconds()

    async def start(self) -> None:
        await asyncio.to_thread(apply_schema, self.database_url)
        await self.app.open_async()
        self._open = True
        await self._sweep()
        self._sweeper = asyncio.create_task(self._sweep_forever())

    def submit(self, run_id: str) -> None:
        if not self._open:
            return
        task = asyncio.create_task(self.enqueue(run_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        await asyncio.gather(*self._pending, return_exceptions=True)
        if self._open:
            await self.app.close_async()
            self._open = False

    async def work(self, concurrency: int) -> None:
        """Run jobs until SIGINT or SIGTERM (procrastinate finishes the runs in flight, then returns)."""
        await self.app.run_worker_async(
            name=worker_name(),
            concurrency=concurrency,
            update_heartbeat_interval=max(self.lease_seconds / 4, 0.2),
            stalled_worker_timeout=self.lease_seconds,
            delete_jobs="successful",
        )

    async def enqueue(self, state_id: str) -> None:
        """Defer the run of ``state_id`` unless one is already waiting."""
        lock = f"sync-{state_id}"
        with contextlib.suppress(AlreadyEnqueued):
            await self.task.configure(lock=lock, queueing_lock=lock).defer_async(state_id=state_id)

    async def _run(self, state_id: str) -> None:
        provider = await self.states.provider_of(int(state_id))
        if provider is None:
            return
        async with self._slots[provider]:
            log.info("sync state %s: run started in worker %s", state_id, worker_name())
            await self.runner.work(state_id)

    async def _give_back_stalled(self) -> None:
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=self.lease_seconds):
            assert job.id is not None
            try:
                await manager.retry_job(job)
            except Exception:  # a fresh job of that sync is already waiting (queueing lock): drop the stalled one
                await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
            log.info("sync job %s of a dead worker given back", job.id)

    async def _sweep(self) -> None:
        try:
            await self.states.ensure(self.providers)
            await self._give_back_stalled()
            for state_id in await self.states.due():
                await self.enqueue(state_id)
        except Exception as exc:  # the database is away: the next sweep tries again
            log_unhandled(exc, "sync job sweep")

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            await self._sweep()
