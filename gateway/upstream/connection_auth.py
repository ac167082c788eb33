"""The auth layer of a connection's outbound client (an ``httpx.Auth`` flow): credentials on, refresh once.

Each request must stay on the connection's base URL origin (scheme, host, port): the credentials never go
elsewhere (``OutsideBaseUrl``). The connection's headers are applied, and OAUTH1 connections sign each request
(form bodies are part of the signature). An answer that refuses the credentials (a 401, or what the provider's
classification calls expired) refreshes or re-mints them once, when they can be (``can_refresh``), and sends the
request again; still refused, or not renewable, it raises ``UpstreamUnauthorized``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import httpx

from gateway.provider.failures import OutsideBaseUrl, UpstreamUnauthorized
from gateway.upstream.classify import wants_refresh
from gateway.upstream.live import LiveConnection
from gateway.upstream.oauth1_signing import sign_request
from gateway.upstream.refreshable import can_refresh
from gateway.upstream.retrying import RESOLUTION

Renew = Callable[[LiveConnection], Awaitable[LiveConnection]]  # forget the cached connection, load it refreshed


class ConnectionAuth(httpx.Auth):
    requires_request_body = True  # OAuth 1 signs form bodies; every request may be sent twice

    def __init__(self, live: LiveConnection, renew: Renew) -> None:
        self.live = live
        self.renew = renew
        self.origin = origin(live.auth.base_url)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        provider = self.live.provider
        if origin(request.url) != self.origin:
            raise OutsideBaseUrl(provider, f"{provider} pointed to {request.url.host}, outside its base URL")
        response = yield self._apply(request)
        if not _refused(response):
            return
        if not can_refresh(self.live.credentials):
            raise _unauthorized(provider, response.status_code)
        self.live = await self.renew(self.live)
        response = yield self._apply(request)
        if _refused(response):
            raise _unauthorized(provider, response.status_code)

    def _apply(self, request: httpx.Request) -> httpx.Request:
        for name, value in self.live.auth.headers.items():
            request.headers[name] = value
        if self.live.oauth1 is not None:
            sign_request(request, self.live.oauth1)
        return request

    def sync_auth_flow(self, request: httpx.Request) -> Any:
        raise RuntimeError("a connection's outbound client is asynchronous")


def _refused(response: httpx.Response) -> bool:
    return wants_refresh(response.status_code, response.extensions.get(RESOLUTION))


def _unauthorized(provider: str, status: int) -> UpstreamUnauthorized:
    return UpstreamUnauthorized(
        provider, f"{provider} refused the connection's credentials ({status}); reconnect the connection"
    )


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port; a default port counts as none (``https://a:443`` is ``https://a``)."""
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host.lower(), parsed.port
