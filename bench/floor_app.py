"""The floor for a Python gateway: a bare Starlette route forwarding to the upstream with a shared aiohttp client.

Run by bench/proxy.py as ``uvicorn bench.floor_app:app`` with UPSTREAM set to the upstream's base URL.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

UPSTREAM = os.environ.get("UPSTREAM", "http://127.0.0.1:8080")
session: aiohttp.ClientSession | None = None


async def forward(request: Request) -> Response:
    assert session is not None
    async with session.request(
        request.method, UPSTREAM + request.url.path.removeprefix("/proxy"), data=await request.body()
    ) as upstream:
        body = await upstream.read()
        return Response(body, status_code=upstream.status, media_type=upstream.headers.get("content-type"))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global session
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    yield
    await session.close()


app = Starlette(routes=[Route("/proxy/{path:path}", forward, methods=["GET", "POST"])], lifespan=lifespan)
