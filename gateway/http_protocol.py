"""The HTTP/1.1 protocol ``unigate serve`` runs: uvicorn's httptools protocol, with limits on request heads.

uvicorn waits forever for a request's headers (its keep-alive timeout only runs between requests) and lets them
grow without bound. Here a client must send its request line and headers within ``UNIGATE_HEADER_TIMEOUT``
seconds of connecting (or of starting its next request), or the connection is closed; and a head larger than
``UNIGATE_MAX_HEADER_BYTES`` is answered 431 and the connection closed. Stalled bodies are ``body_timeout``'s.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from gateway.settings import Settings

_TOO_LARGE = (
    b'{"error": {"code": "request_header_fields_too_large", "message": "The request line and headers are larger '
    b'than UNIGATE_MAX_HEADER_BYTES; send smaller headers"}}'
)


@functools.cache
def _settings() -> Settings:
    """The limits, read from the environment once per process (each worker is a process of its own)."""
    return Settings()


async def _refuse_head(scope: Any, receive: Any, send: Any) -> None:
    """The ASGI app that answers a request whose head was too large."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_TOO_LARGE)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 431, "headers": headers})
    await send({"type": "http.response.body", "body": _TOO_LARGE})


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` with a deadline for each request's head and a cap on its size."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = _settings()
        self.header_timeout = settings.header_timeout
        self.max_header_bytes = settings.max_header_bytes
        self.awaiting_head = True  # between the end of a request (or the connection's start) and its headers' end
        self.head_bytes = 0  # received while awaiting the head (an upper bound of its size)
        self.head_size = 0  # of the parsed request line and headers
        self.head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_clock()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.awaiting_head:
            self.head_bytes += len(data)
            if self.head_deadline is None:  # the first bytes of a kept-alive connection's next request
                self._start_head_clock()
        super().data_received(data)
        if self.awaiting_head and self.head_bytes > self.max_header_bytes and not self.transport.is_closing():
            self._stop_head_clock()
            self.transport.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE), _TOO_LARGE)
            )
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self.head_size += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self.head_size += len(name) + len(value) + 4

    def on_headers_complete(self) -> None:
        self.awaiting_head = False
        self._stop_head_clock()
        if self.head_size <= self.max_header_bytes:
            super().on_headers_complete()
            return
        app, self.app = self.app, _refuse_head
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.awaiting_head, self.head_bytes = True, 0

    def _start_head_clock(self) -> None:
        self.head_deadline = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _stop_head_clock(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_timed_out(self) -> None:
        self.head_deadline = None
        if self.transport.is_closing() or not self.awaiting_head:
            return
        if self.cycle is not None and not self.cycle.response_complete:  # a pipelined head behind a running request
            self._start_head_clock()
            return
        self.transport.close()
