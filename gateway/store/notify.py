"""Connection changes told across the servers sharing one PostgreSQL database (``LISTEN``/``NOTIFY``).

A server that changes or deletes a connection (or an integration) publishes it on the ``unigate_connections``
channel once the change is committed; every other server on the database hears it on its one listening connection
and forgets its cached copy. The listener reconnects with backoff when it loses the database, and then forgets
everything, since what was said while it was away is lost. SQLite has no such channel: there the other processes'
caches expire (``UNIGATE_CONNECTION_CACHE_TTL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

CHANNEL = "unigate_connections"
MAX_PAYLOAD = 7900  # PostgreSQL refuses payloads of 8000 bytes and more
HEALTH_SECONDS = 30.0  # a quiet listener checks its connection this often
HEALTH_TIMEOUT = 10.0
BACKOFF = (0.1, 0.5, 1.0, 2.0, 5.0)  # seconds before each reconnection attempt; the last one repeats

Forget = Callable[[str | None, str | None], None]  # (integration key or None for all, connection id or None for all)
log = logging.getLogger("unigate")


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (without the ``+driver``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def payload(origin: str, integration_key: str | None, connection_id: str | None) -> str:
    message = json.dumps({"from": origin, "integration": integration_key, "connection": connection_id})
    if len(message) <= MAX_PAYLOAD:
        return message
    return json.dumps({"from": origin, "integration": None, "connection": None})  # too long to name: everything


def parse(message: str) -> tuple[str, str | None, str | None] | None:
    """(origin, integration key, connection id) of a notification, or None when it is not one of ours."""
    try:
        data = json.loads(message)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    origin, key, connection = data.get("from"), data.get("integration"), data.get("connection")
    if not isinstance(origin, str) or not all(v is None or isinstance(v, str) for v in (key, connection)):
        return None
    return origin, key, connection


class ConnectionChanges:
    """Publishes this server's connection changes and calls ``forget`` for the other servers' (PostgreSQL only)."""

    def __init__(self, database_url: str, engine: AsyncEngine, forget: Forget) -> None:
        self.enabled = make_url(database_url).get_backend_name() == "postgresql"
        self._url = libpq_url(database_url) if self.enabled else ""
        self.engine = engine
        self.forget = forget
        self.origin = secrets.token_hex(8)  # this process's own notifications come back to it: ignored
        self.connected = asyncio.Event()  # set while the listener holds its connection
        self._pending: list[tuple[str | None, str | None]] = []
        self._sender: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen, waiting for the first connection a few seconds at most (it keeps trying in the background)."""
        if not self.enabled or self._listener is not None:
            return
        self._listener = asyncio.create_task(self._listen())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), timeout=5.0)

    async def stop(self) -> None:
        """Send what is still pending, then stop listening."""
        if self._sender is not None:
            with contextlib.suppress(Exception):
                await self._sender
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    def publish(self, integration_key: str | None, connection_id: str | None) -> None:
        """Tell the other servers, soon after the caller's commit (changes arriving meanwhile go out together)."""
        if not self.enabled:
            return
        change = (integration_key, connection_id)
        if change not in self._pending:
            self._pending.append(change)
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send())

    async def _send(self) -> None:
        while self._pending:
            changes, self._pending = self._pending, []
            try:
                async with self.engine.begin() as connection:  # delivered together when this commits
                    for key, connection_id in changes:
                        await connection.execute(
                            text("SELECT pg_notify(:channel, :payload)"),
                            {"channel": CHANNEL, "payload": payload(self.origin, key, connection_id)},
                        )
            except Exception:  # the other servers' caches still expire (UNIGATE_CONNECTION_CACHE_TTL)
                log.warning("could not tell the other servers of %d connection change(s)", len(changes), exc_info=True)

    async def _listen(self) -> None:
        failures = 0
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True, connect_timeout=10)
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if failures:
                        log.info("listening for connection changes again")
                        self.forget(None, None)  # what was said while away is lost
                    failures = 0
                    self.connected.set()
                    await self._receive(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.connected.clear()
                wait = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                log.warning(
                    "lost the database connection listening for connection changes (%s); retrying in %s s",
                    type(exc).__name__,
                    wait,
                )
                await asyncio.sleep(wait)

    async def _receive(self, conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            async for notice in conn.notifies(timeout=HEALTH_SECONDS):
                parsed = parse(notice.payload)
                if parsed is not None and parsed[0] != self.origin:
                    self.forget(parsed[1], parsed[2])
            await asyncio.wait_for(conn.execute("SELECT 1"), timeout=HEALTH_TIMEOUT)  # raises when the link is gone
