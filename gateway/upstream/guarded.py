"""Unigate's own outbound HTTP (token endpoints, credential checks, provider scripts, unified calls), SSRF-guarded.

``GuardedTransport`` refuses a URL whose scheme is not http or https, and a literal internal IP or an obviously
local name (``check_host``), before any connection; it sends the rest through the proxy's aiohttp sessions, whose
resolver drops internal addresses at connect time (``PublicOnlyResolver``), so a DNS answer cannot move a request
to an internal host either. ``guarded_client`` is the one way to build an outbound client; it never follows
redirects, so a 302 to an internal host goes back to the caller as an answer, and keeps no cookies from answers
(``Outbound.http`` serves every connection). ``UNIGATE_ALLOW_PRIVATE_HOSTS=true`` lifts the address checks (the
scheme check stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy

import aiohttp
import httpx

from gateway.errors import GatewayError
from gateway.upstream.ssrf import ForbiddenHost, check_host

SCHEMES = ("http", "https")
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class _NoStoredCookies(DefaultCookiePolicy):
    def set_ok(self, cookie: object, request: object) -> bool:
        return False


class ForbiddenHostError(GatewayError, httpx.TransportError):
    """A request Unigate refused to send: an internal or local host, or a scheme other than http(s).

    Both a ``GatewayError`` (a route that lets it through answers 400 ``forbidden_host``) and an httpx transport
    error (code that handles failed requests, such as a plugin's ``except httpx.HTTPError``, sees one).
    """

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(400, "forbidden_host", message)
        self._request = request

    @classmethod
    def internal(cls, reason: str, request: httpx.Request | None = None) -> ForbiddenHostError:
        """The refusal of an internal or local host, which ``UNIGATE_ALLOW_PRIVATE_HOSTS`` lifts."""
        return cls(f"Unigate may not call this host: {reason}; see UNIGATE_ALLOW_PRIVATE_HOSTS", request)


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks each request's URL, then sends it with ``inner`` (shared: closing this transport leaves it open)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, allow_private: bool) -> None:
        self.inner = inner
        self.allow_private = allow_private

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check_url(request.url, self.allow_private, request)
        try:
            return await self.inner.handle_async_request(request)
        except httpx.TransportError as exc:  # httpx_aiohttp maps connector errors to ConnectTimeout, keeping the cause
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ClientConnectorError):
                if isinstance(cause.os_error, ForbiddenHost):
                    raise ForbiddenHostError.internal(str(cause.os_error), request) from None
                raise httpx.ConnectError(str(cause), request=request) from cause  # not a timeout: no answer at all
            raise

    async def aclose(self) -> None:
        """Nothing to release: the gateway closes the shared sessions when it stops."""


def check_url(url: httpx.URL, allow_private: bool, request: httpx.Request | None = None) -> None:
    """Raise ``ForbiddenHostError`` for a URL Unigate may not call, before any connection is made."""
    if url.scheme not in SCHEMES:
        raise ForbiddenHostError(
            f"Unigate sends only http and https requests, not {url.scheme or 'this'}: URLs", request
        )
    if not url.host:
        raise ForbiddenHostError("Unigate may not call a URL without a host", request)
    try:
        check_host(url.host, allow_private)
    except ForbiddenHost as exc:
        raise ForbiddenHostError.internal(str(exc), request) from None


def guarded_client(
    transport: httpx.AsyncBaseTransport,
    *,
    auth: httpx.Auth | None = None,
    base_url: str = "",
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
) -> httpx.AsyncClient:
    """An httpx client for outbound calls: every request through ``transport`` (a ``GuardedTransport``, or a layer
    over one), redirects never followed, no cookies kept."""
    return httpx.AsyncClient(
        transport=transport,
        auth=auth,
        base_url=base_url,
        headers=headers,
        params=params,
        timeout=timeout,
        cookies=CookieJar(policy=_NoStoredCookies()),
        follow_redirects=False,
        trust_env=False,
    )
