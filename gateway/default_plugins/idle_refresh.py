"""A built-in plugin: every ``UNIGATE_IDLE_REFRESH_INTERVAL`` seconds, refresh OAuth connections unused for a day,
so providers whose refresh tokens expire when idle (Nango issue 1203) do not revoke them. 0 turns it off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlmodel import col, or_, select

from gateway.auth.refresh import fresh_credentials
from gateway.auth.services import ConnectionServices
from gateway.errors import GatewayError
from gateway.plugins import hookimpl
from gateway.store.tables import Connection
from gateway.store.types import utcnow

IDLE = timedelta(days=1)
logger = logging.getLogger("unigate.refresh")
_tasks: dict[int, asyncio.Task[None]] = {}


async def refresh_idle_connections(gateway: ConnectionServices, idle: timedelta = IDLE) -> int:
    """Refresh each refreshable connection not used (nor refreshed) for ``idle``; returns how many were refreshed."""
    cutoff = utcnow() - idle
    query = select(Connection.id).where(
        col(Connection.credentials_type).in_(("OAUTH2", "OAUTH2_CC")),
        col(Connection.refresh_exhausted).is_(False),
        or_(col(Connection.last_fetched_at).is_(None), col(Connection.last_fetched_at) < cutoff),
        or_(col(Connection.last_refresh_at).is_(None), col(Connection.last_refresh_at) < cutoff),
        col(Connection.created_at) < cutoff,
    )
    async with gateway.sessions() as session:
        ids = list((await session.exec(query)).all())
    refreshed = 0
    for connection_pk in ids:
        try:
            await fresh_credentials(gateway.tokens, int(connection_pk or 0), force=True)
            refreshed += 1
        except GatewayError as exc:  # recorded on the connection; the next one is tried
            logger.warning("idle refresh of connection %s failed: %s", connection_pk, exc.code)
    return refreshed


async def _loop(gateway: ConnectionServices, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):
            count = await refresh_idle_connections(gateway)
            if count:
                logger.info("refreshed %d idle connections", count)


@hookimpl
def startup(gateway: ConnectionServices) -> None:
    interval = gateway.settings.idle_refresh_interval
    if interval > 0:
        _tasks[id(gateway)] = asyncio.create_task(_loop(gateway, interval), name="unigate-idle-refresh")


@hookimpl
async def shutdown(gateway: ConnectionServices) -> None:
    task = _tasks.pop(id(gateway), None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
