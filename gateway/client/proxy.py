"""The proxy for one connection: calls to the provider with the connection's credentials, sync and async.

Answers are the provider's own (status, headers, body) as ``httpx.Response``: a provider's 404 is not raised, since
it is the provider's answer to read. ``stream`` reads the answer as it arrives. Headers passed in ``headers`` reach
the provider (as ``Nango-Proxy-<Name>``); ``retries`` and ``base_url_override`` set the gateway's own headers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx


def proxy_headers(
    scope: Mapping[str, str],
    headers: Mapping[str, str] | None,
    retries: int | None,
    retry_on: str | None,
    base_url_override: str | None,
) -> dict[str, str]:
    """The gateway's headers for one proxied call, the caller's headers forwarded under ``Nango-Proxy-``."""
    out = {**scope, **{f"Nango-Proxy-{name}": value for name, value in (headers or {}).items()}}
    for name, value in (("Retries", retries), ("Retry-On", retry_on), ("Base-Url-Override", base_url_override)):
        if value is not None:
            out[name] = str(value)
    return out


def proxy_path(path: str) -> str:
    return "/proxy/" + path.lstrip("/")


class Proxy:
    """``conn.proxy.get("/user/repos")``; ``with conn.proxy.stream("GET", "/big") as r: r.iter_bytes()``."""

    def __init__(self, http: httpx.Client, scope: Mapping[str, str]) -> None:
        self._http = http
        self._scope = dict(scope)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | Iterator[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
        retry_on: str | None = None,
        base_url_override: str | None = None,
    ) -> httpx.Response:
        sent = proxy_headers(self._scope, headers, retries, retry_on, base_url_override)
        return self._http.request(method, proxy_path(path), params=params, json=json, content=content, headers=sent)

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> httpx.Response:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> httpx.Response:
        return self.request("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> httpx.Response:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", path, **options)

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        content: bytes | Iterator[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
        base_url_override: str | None = None,
    ) -> Iterator[httpx.Response]:
        """The answer unread: iterate ``iter_bytes()`` as the provider sends it; a body may be an iterator too."""
        sent = proxy_headers(self._scope, headers, retries, None, base_url_override)
        with self._http.stream(method, proxy_path(path), params=params, content=content, headers=sent) as response:
            yield response


class AsyncProxy:
    """``await conn.proxy.get("/user/repos")``; ``async with conn.proxy.stream("GET", "/big") as r: ...``."""

    def __init__(self, http: httpx.AsyncClient, scope: Mapping[str, str]) -> None:
        self._http = http
        self._scope = dict(scope)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | AsyncIterator[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
        retry_on: str | None = None,
        base_url_override: str | None = None,
    ) -> httpx.Response:
        sent = proxy_headers(self._scope, headers, retries, retry_on, base_url_override)
        return await self._http.request(
            method, proxy_path(path), params=params, json=json, content=content, headers=sent
        )

    async def get(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("GET", path, **options)

    async def post(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("POST", path, **options)

    async def put(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("PUT", path, **options)

    async def patch(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("PATCH", path, **options)

    async def delete(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("DELETE", path, **options)

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        content: bytes | AsyncIterator[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int | None = None,
        base_url_override: str | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """The answer unread: ``async for chunk in response.aiter_bytes()`` as the provider sends it."""
        sent = proxy_headers(self._scope, headers, retries, None, base_url_override)
        async with self._http.stream(
            method, proxy_path(path), params=params, content=content, headers=sent
        ) as response:
            yield response
