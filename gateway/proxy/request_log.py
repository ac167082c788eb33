"""The proxy's request log: one row per call, queued on the hot path and written in batches by a background task.

If the queue is full (the database is far behind), entries are dropped and counted rather than slowing calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import insert

from gateway.store.tables import RequestLog

logger = logging.getLogger("unigate.proxy")

QUEUE_SIZE = 20_000
BATCH = 500
FLUSH_SECONDS = 0.5


class RequestLogWriter:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self.dropped = 0
        self._task: asyncio.Task[None] | None = None

    def record(self, **entry: Any) -> None:
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

    async def flush(self) -> int:
        """Write everything queued now; returns how many rows were written."""
        rows: list[dict[str, Any]] = []
        while not self.queue.empty() and len(rows) < QUEUE_SIZE:
            rows.append(self.queue.get_nowait())
        for start in range(0, len(rows), BATCH):
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(insert(RequestLog.__table__), rows[start : start + BATCH])  # type: ignore[attr-defined]
            except Exception as exc:  # the log must never take the gateway down
                logger.error(
                    "could not write %d request log rows: %s", len(rows[start : start + BATCH]), type(exc).__name__
                )
        return len(rows)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            if not self.queue.empty():
                await self.flush()
