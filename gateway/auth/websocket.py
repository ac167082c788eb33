"""The WebSocket Nango's frontend SDK opens at ``/`` to learn how a browser authorisation ended.

On connect the server sends ``{"message_type": "connection_ack", "ws_client_id": ...}``; the SDK passes that id to
``/oauth/connect/...`` and, when the callback completes, gets ``{"message_type": "success", ...}`` or
``{"message_type": "error", ...}``. Sockets are kept per process: with several workers, the callback reaches the
SDK when it lands on the worker holding the socket (the callback page's postMessage reaches the opener anyway).
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect


class Notifier:
    def __init__(self) -> None:
        self.sockets: dict[str, WebSocket] = {}

    async def serve(self, websocket: WebSocket) -> None:
        await websocket.accept()
        client_id = secrets.token_urlsafe(16)
        self.sockets[client_id] = websocket
        try:
            await websocket.send_json({"message_type": "connection_ack", "ws_client_id": client_id})
            while True:
                await websocket.receive_text()  # the SDK sends nothing; this waits for the close
        except WebSocketDisconnect:
            pass
        finally:
            self.sockets.pop(client_id, None)

    async def notify(self, client_id: str | None, message: dict[str, Any]) -> bool:
        socket = self.sockets.get(client_id or "")
        if socket is None:
            return False
        with contextlib.suppress(Exception):  # a socket that went away is not the callback's problem
            await socket.send_json(message)
            return True
        return False


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
