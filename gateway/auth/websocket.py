"""The WebSocket Nango's frontend SDK opens at ``/`` to learn how a browser authorisation ended.

On connect the server sends ``{"message_type": "connection_ack", "ws_client_id": ...}``; the SDK passes that id to
``/oauth/connect/...`` and, when the callback completes, gets ``{"message_type": "success", ...}`` or
``{"message_type": "error", ...}``. The callback may land on another worker (or another Unigate process on the same
database) than the socket: then the message goes through the ``socket_messages`` table, which each worker holding
sockets polls (every ``POLL_SECONDS``, only while it holds some) and empties.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.store.tables import SocketMessage
from gateway.store.types import utcnow

POLL_SECONDS = 0.25
KEEP = timedelta(minutes=10)  # undelivered messages older than this are dropped (the SDK gave up long before)
log = logging.getLogger("unigate")


class Notifier:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.sockets: dict[str, WebSocket] = {}
        self._poller: asyncio.Task[None] | None = None

    async def serve(self, websocket: WebSocket) -> None:
        await websocket.accept()
        client_id = secrets.token_urlsafe(16)
        self.sockets[client_id] = websocket
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll())
        try:
            await websocket.send_json({"message_type": "connection_ack", "ws_client_id": client_id})
            while True:
                await websocket.receive_text()  # the SDK sends nothing; this waits for the close
        except WebSocketDisconnect:
            pass
        finally:
            self.sockets.pop(client_id, None)

    async def notify(self, client_id: str | None, message: dict[str, Any]) -> None:
        """Send ``message`` to the socket ``client_id``: directly if this worker holds it, else through the table."""
        if not client_id:
            return
        if client_id in self.sockets:
            await self._send(client_id, message)
            return
        try:
            async with self.sessions() as session:
                session.add(SocketMessage(ws_client_id=client_id[:64], message=message))
                await session.commit()
        except SQLAlchemyError:  # the browser's callback page still reports the outcome to its opener
            log.warning("a socket message could not be stored", exc_info=True)

    async def _send(self, client_id: str, message: dict[str, Any]) -> None:
        socket = self.sockets.get(client_id)
        if socket is not None:
            with contextlib.suppress(Exception):  # a socket that went away is not the callback's problem
                await socket.send_json(message)

    async def _poll(self) -> None:
        """Deliver the messages other workers left for this worker's sockets, while it holds any."""
        while self.sockets:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await self._deliver()
            except Exception:  # the database is briefly unavailable: try again on the next tick
                log.warning("socket messages could not be read; retrying", exc_info=True)

    async def _deliver(self) -> None:
        ids = list(self.sockets)
        if not ids:
            return
        async with self.sessions() as session:
            mine = col(SocketMessage.ws_client_id).in_(ids)
            rows = list((await session.exec(select(SocketMessage).where(mine).order_by(col(SocketMessage.id)))).all())
            stale = col(SocketMessage.created_at) < utcnow() - KEEP
            done = col(SocketMessage.id).in_([row.id for row in rows])
            await session.exec(delete(SocketMessage).where(done | stale))
            await session.commit()
        for row in rows:
            await self._send(row.ws_client_id, row.message)


def success_message(integration_key: str, connection_id: str) -> dict[str, Any]:
    return {
        "message_type": "success",
        "provider_config_key": integration_key,
        "connection_id": connection_id,
        "is_pending": False,
    }


def error_message(
    integration_key: str | None, connection_id: str | None, error_type: str, description: str
) -> dict[str, Any]:
    return {
        "message_type": "error",
        "provider_config_key": integration_key,
        "connection_id": connection_id,
        "error_type": error_type,
        "error_desc": description,
    }
