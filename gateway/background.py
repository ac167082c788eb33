"""Where stored runs (action runs, sync runs) get worked on: ``RunQueue`` is the narrow interface the routes and
the gateway's lifecycle use; ``InProcessQueue`` runs them as asyncio tasks of this process.

On ``start`` (and every ``sweep_seconds`` after) the queue takes up runs no worker holds: pending, or running
with an expired lease (left by a process that died). ``stop`` waits ``grace_seconds`` for runs in flight, then
cancels them, which gives them back as pending. A job queue can replace it behind the same interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from gateway.server_errors import log_unhandled

log = logging.getLogger("unigate")


class RunQueue(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def submit(self, run_id: str) -> None:
        """Have run ``run_id`` (stored, pending) worked on soon; returns at once."""


class InProcessQueue:
    """Runs each submitted run in an asyncio task, at most ``concurrency`` at a time."""

    def __init__(
        self,
        work: Callable[[str], Awaitable[None]],
        unclaimed: Callable[[], Awaitable[list[str]]],
        *,
        concurrency: int = 8,
        sweep_seconds: float = 30.0,
        grace_seconds: float = 5.0,
        label: str = "action run",
    ) -> None:
        self._label = label
        self._work = work
        self._unclaimed = unclaimed
        self._concurrency = concurrency
        self._sweep_seconds = sweep_seconds
        self._grace_seconds = grace_seconds
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._slots: asyncio.Semaphore | None = None

    async def start(self) -> None:
        self._slots = asyncio.Semaphore(self._concurrency)
        await self._sweep()
        self._sweeper = asyncio.create_task(self._sweep_forever())

    def submit(self, run_id: str) -> None:
        if self._slots is None or run_id in self._tasks:  # not started: a server's sweep takes the run up
            return
        task = asyncio.create_task(self._run(run_id), name=f"{self._label}-{run_id}")
        self._tasks[run_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(run_id, None))

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        tasks = list(self._tasks.values())
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self._grace_seconds)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _run(self, run_id: str) -> None:
        assert self._slots is not None
        async with self._slots:
            try:
                await self._work(run_id)
            except Exception as exc:
                log_unhandled(exc, f"{self._label} {run_id}")

    async def _sweep(self) -> None:
        try:
            found = await self._unclaimed()
        except Exception as exc:  # the database is away: the next sweep tries again
            log_unhandled(exc, f"{self._label} sweep")
            return
        for run_id in found:
            self.submit(run_id)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_seconds)
            await self._sweep()
