"""``BodyTimeout`` bounds waits for the request body only: a slow response after a complete body is not cut."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from gateway.body_timeout import BodyTimeout
from gateway.errors import GatewayError
from gateway.testing.loopback import run_app

SECONDS = 0.5


async def slow_echo(request: Request) -> Response:
    body = await request.body()

    async def parts() -> AsyncIterator[bytes]:
        for _ in range(4):  # 4 x SECONDS: the response outlives the timeout, while Starlette awaits receive()
            await asyncio.sleep(SECONDS)
            yield body

    return StreamingResponse(parts())


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    return exc.response()


APP = BodyTimeout(
    Starlette(routes=[Route("/", slow_echo, methods=["POST"])], exception_handlers={GatewayError: _error}), SECONDS
)


async def test_a_slow_response_to_a_complete_body_is_not_cut() -> None:
    with run_app(APP) as url:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(url, content=b"ab")
    assert response.status_code == 200 and response.content == b"ab" * 4


def test_a_stalled_body_is_408_with_connection_close() -> None:
    with run_app(APP) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc")
            started, received = time.monotonic(), b""
            while chunk := sock.recv(65536):
                received += chunk
    assert received.startswith(b"HTTP/1.1 408 ") and b"connection: close" in received.lower()
    assert b'"request_timeout"' in received
    assert time.monotonic() - started < SECONDS + 3
