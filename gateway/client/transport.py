"""Running a ``Call`` over httpx, synchronously or asynchronously; error answers raise typed exceptions."""

from __future__ import annotations

from typing import TypeVar

import httpx

from gateway.client.calls import Call
from gateway.client.errors import check

T = TypeVar("T")


class SyncTransport:
    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def run(self, call: Call[T]) -> T:
        response = self.http.request(call.method, call.path, params=call.params, json=call.json, headers=call.headers)
        return call.parse(check(response))


class AsyncTransport:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def run(self, call: Call[T]) -> T:
        response = await self.http.request(
            call.method, call.path, params=call.params, json=call.json, headers=call.headers
        )
        return call.parse(check(response))
