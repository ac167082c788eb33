"""The ``ProviderContext`` of a unified call: the connection named by the headers and an authenticated client.

``ctx.http`` is an httpx client whose base URL, headers and query parameters come from the connection (through
``gateway.live``, the proxy's cache). It only sends the credentials to the base URL's origin, refuses internal
hosts unless ``UNIGATE_ALLOW_PRIVATE_HOSTS`` is set, refreshes a refreshable token once when the provider refuses it,
and retries rate limits and transient failures as the proxy does (catalog hints, ``Retry-After``, classification).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from starlette.requests import Request

from gateway.errors import GatewayError
from gateway.provider import Provider, ProviderContext, UpstreamError
from gateway.runtime import Gateway
from gateway.upstream.classify import wants_refresh
from gateway.upstream.live import LiveConnection
from gateway.upstream.retry import retryable_status, wait_seconds


def connection_headers(request: Request) -> tuple[str, str]:
    """``(Provider-Config-Key, Connection-Id)``; 400 naming the missing header."""
    connection_id = request.headers.get("connection-id", "")
    key = request.headers.get("provider-config-key", "")
    missing = [name for name, value in (("Connection-Id", connection_id), ("Provider-Config-Key", key)) if not value]
    if missing:
        raise GatewayError(
            400, "invalid_headers", f"Missing header {' and '.join(missing)}; name the connection to call"
        )
    return key, connection_id


class ProviderResponse(httpx.Response):
    """A provider's answer whose ``json()`` parses with orjson (about twice as fast on large pages)."""

    def json(self, **kwargs: Any) -> Any:
        if kwargs:
            return super().json(**kwargs)
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError:
            return super().json()  # what orjson refuses (NaN, huge integers) the json module may still read


class ConnectionTransport(httpx.AsyncBaseTransport):
    """Adds the connection's credentials to each request; refreshes them once, retries rate limits and failures.

    A credential still refused after a refresh answers 502 ``upstream_unauthorized``; a rate limit still in force
    after ``UNIGATE_UNIFIED_RETRIES`` retries (or a wait longer than ``UNIGATE_PROXY_MAX_RETRY_WAIT``) answers 429
    ``rate_limited`` with ``Retry-After``. Other failures go back to the resource script, which keeps their meaning.
    """

    def __init__(self, gateway: Gateway, live: LiveConnection) -> None:
        self.gateway = gateway
        self.live = live
        self.provider = gateway.providers.get(live.provider)
        self.origin = _origin(live.auth.base_url)
        self.inner = gateway.outbound  # shared and SSRF-guarded: its connection pool outlives each call

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if _origin(str(request.url)) != self.origin:
            raise GatewayError(
                502, "upstream_error", f"{self.live.provider} pointed to {request.url.host}, outside its base URL"
            )
        if self.live.oauth1 is not None:
            raise GatewayError(501, "not_supported", "Unified endpoints do not support OAUTH1 connections yet")
        settings = self.gateway.settings
        retry_config = (self.live.entry.get("proxy") or {}).get("retry") or {}
        attempts, waited, refreshed = 0, 0.0, False
        while True:
            attempts += 1
            response = await self._send(request)
            if response.status_code < 400:
                return response
            body = await response.aread()
            error = UpstreamError(response.status_code, dict(response.headers), body)
            resolution, specific = self.gateway.classify(self.provider, error)
            if wants_refresh(error.status, resolution):
                if self.live.refreshable and not refreshed:
                    refreshed = True
                    await self._refresh()
                    continue
                raise GatewayError(
                    502,
                    "upstream_unauthorized",
                    f"{self.live.provider} refused the connection's credentials ({response.status_code}); "
                    "reconnect the connection",
                )
            delay = None
            if retryable_status(response.status_code, error.headers, retry_config, set(), resolution, specific):
                delay = wait_seconds(
                    attempts - 1, error.headers, body, retry_config, settings.proxy_backoff_seconds, resolution
                )
                if attempts <= settings.unified_retries and waited + delay <= settings.proxy_max_retry_wait:
                    waited += delay
                    await asyncio.sleep(delay)
                    continue
            if resolution is not None and resolution.failure == "rate_limited":
                wait = math.ceil(delay or 0)
                raise GatewayError(
                    429,
                    "rate_limited",
                    f"{self.live.provider} is rate limiting this connection; retry in {wait} s",
                    headers={"Retry-After": str(wait)},
                )
            return response

    async def _refresh(self) -> None:
        key, connection_id = self.live.integration_key, self.live.connection_id
        self.gateway.live.forget(key, connection_id)
        self.live = await self.gateway.live.get(key, connection_id, force_refresh=True)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        for name, value in self.live.auth.headers.items():
            request.headers[name] = value
        response = await self.inner.handle_async_request(request)
        return ProviderResponse(
            response.status_code, headers=response.headers, stream=response.stream, extensions=response.extensions
        )

    async def aclose(self) -> None:
        """Nothing to release: the shared transport is closed when the gateway stops."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


@asynccontextmanager
async def unified_context(request: Request) -> AsyncIterator[tuple[Provider | None, ProviderContext]]:
    """The provider serving the connection the headers name (None if no plugin does) and its context."""
    gateway: Gateway = request.app.state.gateway
    key, connection_id = connection_headers(request)
    live = await gateway.live.get(key, connection_id)
    client = httpx.AsyncClient(
        base_url=live.auth.base_url,
        params=live.auth.query,
        transport=ConnectionTransport(gateway, live),
        timeout=httpx.Timeout(gateway.settings.proxy_read_timeout, connect=10.0),
        follow_redirects=False,
    )
    ctx = ProviderContext(
        live.provider, key, connection_id, dict(live.connection_config), {}, client, catalog_entry=live.entry
    )
    try:
        yield gateway.providers.get(live.provider), ctx
    finally:
        await client.aclose()
