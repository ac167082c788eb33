"""``GET|POST|PUT|PATCH|DELETE /proxy/{path}``: one call to the connection's provider, with its credentials.

Kept lean for speed: no database access when the connection is cached, bodies and answers stream through, and
the request log is queued for a background writer. A 401 from the provider refreshes the token once and retries;
other failures are retried as ``Retries``/``Retry-On`` and the catalog's ``proxy.retry`` say, within
``UNIGATE_PROXY_MAX_RETRY_WAIT`` seconds of waiting in all.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import GatewayError
from gateway.metrics import ACTIVE_STREAMS
from gateway.metrics import RETRIES as RETRIED
from gateway.provider import UpstreamError
from gateway.provider.failures import UpstreamFailure, UpstreamTimeout, UpstreamUnreachable
from gateway.proxy.headers import downstream_headers, upstream_headers
from gateway.proxy.targets import check_base_url_override, upstream_url
from gateway.runtime import Gateway
from gateway.upstream.oauth1_signing import FORM
from gateway.upstream.policy import RetryBudget, decide
from gateway.upstream.refreshable import can_refresh
from gateway.upstream.ssrf import ForbiddenHost, check_host

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
BUFFER_LIMIT = 8 * 1024 * 1024  # bodies up to this size are kept, so the call can be retried
READ_WHOLE_LIMIT = 256 * 1024  # answers up to this size are read at once; larger ones stream
MAX_RETRIES = 10
RETRIES = re.compile(r"[0-9]{1,2}")  # ASCII digits: str.isdigit() also takes "²", which int() refuses


def _control(request: Request) -> tuple[str, str, int, set[int], str | None, bool]:
    headers = request.headers
    connection_id, key = headers.get("connection-id", ""), headers.get("provider-config-key", "")
    missing = [name for name, value in (("Connection-Id", connection_id), ("Provider-Config-Key", key)) if not value]
    if missing:
        raise GatewayError(
            400, "invalid_headers", f"Missing header {' and '.join(missing)}; name the connection to call"
        )
    retries_text = headers.get("retries", "0") or "0"
    if not RETRIES.fullmatch(retries_text) or int(retries_text) > MAX_RETRIES:
        raise GatewayError(400, "invalid_headers", f"Retries: send a whole number from 0 to {MAX_RETRIES}")
    retry_on_text = headers.get("retry-on", "")
    try:
        retry_on = {int(code) for code in retry_on_text.split(",") if code.strip()}
    except ValueError:
        raise GatewayError(
            400, "invalid_headers", "Retry-On: send status codes separated by commas, e.g. 409,423"
        ) from None
    override = headers.get("base-url-override") or None
    decompress = headers.get("decompress", "").lower() == "true"
    return connection_id, key, int(retries_text), retry_on, override, decompress


async def _body(request: Request) -> tuple[bytes | AsyncIterator[bytes] | None, bool]:
    """The request body: bytes when small enough to replay, else a stream; and whether it can be replayed."""
    length = request.headers.get("content-length")
    if request.method in ("GET", "DELETE") and not length and "transfer-encoding" not in request.headers:
        return None, True
    if length is not None and length.isdigit() and int(length) <= BUFFER_LIMIT:
        return await request.body(), True
    return request.stream(), False


def _path(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    return str(raw.decode("latin-1"))[len("/proxy") :]


async def proxy(request: Request) -> Response:
    gateway: Gateway = request.app.state.gateway
    await gateway.api_keys.authenticate(request)
    started = time.perf_counter()
    connection_id, key, retries, retry_on, override, decompress = _control(request)
    live = await gateway.live.get(key, connection_id)
    base = check_base_url_override(override) if override else live.auth.base_url
    url = upstream_url(base, _path(request), request.scope.get("query_string", b""), live.auth.query)
    host = urlsplit(url).hostname or ""
    try:
        check_host(host, gateway.settings.allow_private_hosts)
    except ForbiddenHost as exc:
        raise GatewayError(
            400, "forbidden_host", f"Unigate may not call {exc}; see UNIGATE_ALLOW_PRIVATE_HOSTS"
        ) from None
    body, replayable = await _body(request)
    session = gateway.outbound.sessions.get(decompress)
    provider = gateway.providers.get(live.provider)
    budget: RetryBudget | None = None  # built on the first failure: the hot path never needs it
    attempts, waited, refreshed = 0, 0.0, False
    while True:
        attempts += 1
        headers = upstream_headers(request.headers.raw, live.auth.headers)
        if live.oauth1 is not None:
            headers["authorization"] = _oauth1_header(live.oauth1, request.method, url, headers, body)
        try:
            response = await session.request(request.method, url, headers=headers, data=body, allow_redirects=False)
        except (aiohttp.ClientError, TimeoutError) as exc:
            if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, ForbiddenHost):
                raise GatewayError(400, "forbidden_host", f"Unigate may not call {exc.os_error}") from None
            if isinstance(exc.__cause__, GatewayError):  # reading the caller's streamed body failed (a 408 stall)
                raise exc.__cause__ from None
            error = UpstreamError(None, exception=exc)
            failure: UpstreamFailure | None = _network_failure(live.provider, host, exc)
        else:
            if response.status < 400:
                return _answer(gateway, request, live, response, decompress, started, attempts)
            payload = await response.read()
            error, failure = UpstreamError(response.status, dict(response.headers), payload), None
        resolution, specific = gateway.classify(provider, error)
        budget = budget or RetryBudget.of(gateway.settings, live.entry, retries, frozenset(retry_on))
        decision = decide(
            error,
            resolution,
            specific,
            attempt=attempts,
            waited=waited,
            budget=budget,
            refreshable=can_refresh(live.credentials),
            refreshed=refreshed,
            replayable=replayable,
        )
        if decision.action == "refresh":
            refreshed = True
            gateway.live.forget(key, connection_id)
            live = await gateway.live.get(key, connection_id, force_refresh=True)
            if replayable:
                continue
        elif decision.action == "retry":
            waited += decision.delay
            RETRIED.labels(live.provider).inc()
            await asyncio.sleep(decision.delay)
            continue
        if failure is not None:
            _log(gateway, request, live, failure.status, started, attempts, failure.code)
            message = f"Proxy call failed: {failure.message} after {attempts} attempt(s)"
            raise type(failure)(live.provider, message)
        _log(gateway, request, live, error.status or 502, started, attempts, None)
        return Response(
            error.body,
            status_code=error.status or 502,
            headers=_headers_dict(downstream_headers(_encoded(error.headers), decompress)),
        )


def _network_failure(provider: str, host: str, exc: Exception) -> UpstreamFailure:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamUnreachable(provider, f"cannot connect to {host}")
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return UpstreamTimeout(provider, f"{host} did not answer in time")
    return UpstreamFailure(provider, f"{host}: {type(exc).__name__}")


def _oauth1_header(auth: Any, method: str, url: str, headers: dict[str, str], body: Any) -> str:
    """OAuth 1.0a signature of this call; form bodies are part of the signature, other bodies are not."""
    form = FORM in headers.get("content-type", "") and isinstance(body, bytes)
    _, signed, _ = auth.sign(method, url, {"Content-Type": FORM} if form else {}, body.decode() if form else b"")
    return str(signed["Authorization"])


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


def _headers_dict(pairs: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in pairs}


def _log(
    gateway: Gateway, request: Request, live: Any, status: int, started: float, attempts: int, error: str | None
) -> None:
    gateway.call_log.record(
        integration_key=live.integration_key,
        connection_id=live.connection_id,
        provider=live.provider,
        method=request.method,
        path=_path(request)[:2000],
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        attempts=attempts,
        error=error,
    )


def _answer(
    gateway: Gateway,
    request: Request,
    live: Any,
    response: aiohttp.ClientResponse,
    decompress: bool,
    started: float,
    attempts: int,
) -> Response:
    headers = downstream_headers(response.raw_headers, decompress)
    _log(gateway, request, live, response.status, started, attempts, None)
    length = response.content_length
    if length is not None and length <= READ_WHOLE_LIMIT and not decompress:
        return _WholeAnswer(response, headers)
    streaming = _CountedStream(
        response.content.iter_any(), status_code=response.status, background=BackgroundTask(response.release)
    )
    streaming.raw_headers = headers
    return streaming


class _CountedStream(StreamingResponse):
    """A streamed answer, counted in ``unigate_active_streams`` while it is sent."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        ACTIVE_STREAMS.inc()
        try:
            await super().__call__(scope, receive, send)
        finally:
            ACTIVE_STREAMS.dec()


class _WholeAnswer(Response):
    """A small answer, read in one go once the response starts (cheaper than streaming chunks)."""

    def __init__(self, upstream: aiohttp.ClientResponse, headers: list[tuple[bytes, bytes]]) -> None:
        self.upstream = upstream
        self.status_code = upstream.status
        self.background = None
        self.raw_headers = headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            body = await self.upstream.read()
        finally:
            self.upstream.release()
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": [*self.raw_headers, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class ProxyFastPath:
    """ASGI middleware answering ``/proxy/...`` directly, ahead of the router and exception middleware: the hot
    path pays for none of the other routes. Errors are rendered as everywhere else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/proxy/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method not in METHODS:
            response: Response = GatewayError(
                405, "method_not_allowed", f"/proxy accepts {', '.join(METHODS)}"
            ).response()
        else:
            try:
                response = await proxy(request)
            except GatewayError as exc:
                response = exc.response()
            except UpstreamFailure as exc:
                response = exc.as_gateway_error().response()
        await response(scope, receive, send)
