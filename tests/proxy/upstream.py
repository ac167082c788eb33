"""A loopback HTTP server the proxy tests call through Unigate: it echoes what reached it and misbehaves on demand."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


class EchoUpstream:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.valid_tokens: set[str] | None = None  # when set, bearer tokens outside it get 401
        self.raw_headers: list[list[tuple[bytes, bytes]]] = []  # of each echoed request, as the server read them

    async def echo(self, request: Request) -> Response:
        self.hits[request.url.path] += 1
        self.raw_headers.append(list(request.scope["headers"]))
        body = await request.body()
        authorization = request.headers.get("authorization", "")
        if self.valid_tokens is not None and authorization.removeprefix("Bearer ") not in self.valid_tokens:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return JSONResponse(
            {
                "method": request.method,
                "path": request.scope["raw_path"].decode(),
                "query": request.scope["query_string"].decode(),
                "headers": dict(request.headers),
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "body_length": len(body),
            },
            headers={
                "link": '<https://example.test/next>; rel="next"',
                "set-cookie": "s=1",
                "x-upstream": "yes",
                "access-control-allow-origin": "*",
            },
        )

    async def status(self, request: Request) -> Response:
        self.hits[request.url.path] += 1
        code = int(request.path_params["code"])
        headers = {k[2:]: v for k, v in request.query_params.items() if k.startswith("h-")}
        return JSONResponse({"error": f"status {code}"}, status_code=code, headers=headers)

    async def flaky(self, request: Request) -> Response:
        """Fails with the given status ``fail`` times per key, then succeeds."""
        key = request.query_params.get("key", "k")
        self.hits[key] += 1
        if self.hits[key] <= int(request.query_params.get("fail", "2")):
            return JSONResponse(
                {"error": "try later"},
                status_code=int(request.query_params.get("status", "503")),
                headers={"retry-after": request.query_params.get("after", "0")},
            )
        return JSONResponse({"ok": True, "attempt": self.hits[key]})

    async def slow(self, request: Request) -> Response:
        await asyncio.sleep(float(request.query_params.get("seconds", "2")))
        return JSONResponse({"slow": True})

    async def stream(self, request: Request) -> Response:
        size, chunk = int(request.query_params.get("bytes", "1000000")), b"x" * 65536

        async def chunks() -> AsyncIterator[bytes]:
            sent = 0
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                sent += len(piece)
                yield piece

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    async def gzipped(self, request: Request) -> Response:
        return Response(
            gzip.compress(json.dumps({"zipped": True}).encode()),
            media_type="application/json",
            headers={"content-encoding": "gzip"},
        )

    def app(self) -> Any:
        return Starlette(
            routes=[
                Route("/base/status/{code:int}", self.status, methods=["GET", "POST"]),
                Route("/base/flaky", self.flaky, methods=["GET", "POST", "PUT"]),
                Route("/base/slow", self.slow),
                Route("/base/stream", self.stream),
                Route("/base/gzip", self.gzipped),
                Route("/base/{rest:path}", self.echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            ]
        )
