"""The proxy's request log: one row per call, queued on the hot path and written in batches by a background task.

The batch insert runs in a worker thread on a synchronous engine, so building and sending it never holds up the
event loop. If the queue is full (the database is far behind), entries are dropped and counted rather than
slowing calls. Every recorded call is also counted in ``unigate_upstream_calls_total``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gateway.metrics import observe_call
from gateway.store.engine import configure_sqlite, is_memory, sync_url
from gateway.store.tables import RequestLog

logger = logging.getLogger("unigate.proxy")

QUEUE_SIZE = 20_000
BATCH = 500
FLUSH_SECONDS = 0.5


class CallLogWriter:
    def __init__(self, database_url: str, async_engine: Any) -> None:
        self.database_url = database_url
        self.async_engine = async_engine  # used for in-memory SQLite, which another thread cannot see
        self._engine: Any = None
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self.dropped = 0
        self._task: asyncio.Task[None] | None = None

    def record(self, **entry: Any) -> None:
        """Queue one call's row, and count it in the metrics (provider and outcome)."""
        observe_call(entry["provider"], entry["status"], entry["duration_ms"], entry.get("error"))
        try:
            self.queue.put_nowait(entry)
        except asyncio.QueueFull:
            self.dropped += 1

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="unigate-request-log")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    async def flush(self) -> int:
        """Write everything queued now; returns how many rows were written."""
        rows: list[dict[str, Any]] = []
        while not self.queue.empty() and len(rows) < QUEUE_SIZE:
            rows.append(self.queue.get_nowait())
        if rows and is_memory(make_url(self.database_url)):
            async with self.async_engine.begin() as conn:
                await conn.execute(insert(RequestLog.__table__), rows)  # type: ignore[attr-defined]
        elif rows:
            await asyncio.to_thread(self._write, rows)
        return len(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        if self._engine is None:
            self._engine = create_engine(sync_url(self.database_url), poolclass=NullPool)
            configure_sqlite(self._engine)
        for start in range(0, len(rows), BATCH):
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert(RequestLog.__table__), rows[start : start + BATCH])  # type: ignore[attr-defined]
            except Exception as exc:  # the log must never take the gateway down
                logger.error(
                    "could not write %d request log rows: %s", len(rows[start : start + BATCH]), type(exc).__name__
                )

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            if not self.queue.empty():
                await self.flush()
