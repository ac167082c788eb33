"""The ``ProviderContext`` of a unified call: the connection named by the headers and its outbound client.

``ctx.http`` comes from ``Outbound.for_connection``: base URL, headers and query parameters of the connection
(through ``gateway.live``, the proxy's cache), credentials only for the base URL's origin, the SSRF guard, one
refresh when the provider refuses a renewable credential, and the proxy's retries. Its failures are typed
(``gateway.provider.failures``) and answered by the application's error handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request

from gateway.errors import GatewayError
from gateway.provider import Provider, ProviderContext
from gateway.runtime import Gateway
from gateway.upstream.connection_auth import Renew
from gateway.upstream.live import LiveConnection, LiveConnections


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


def _renewer(connections: LiveConnections) -> Renew:
    async def renew(live: LiveConnection) -> LiveConnection:
        connections.forget(live.integration_key, live.connection_id)
        return await connections.get(live.integration_key, live.connection_id, force_refresh=True)

    return renew


@asynccontextmanager
async def unified_context(request: Request) -> AsyncIterator[tuple[Provider | None, ProviderContext]]:
    """The provider serving the connection the headers name (None if no plugin does) and its context."""
    gateway: Gateway = request.app.state.gateway
    key, connection_id = connection_headers(request)
    live = await gateway.live.get(key, connection_id)
    provider = gateway.providers.get(live.provider)
    client = gateway.outbound.for_connection(live, provider, _renewer(gateway.live))
    ctx = ProviderContext(
        live.provider, key, connection_id, dict(live.connection_config), {}, client, catalog_entry=live.entry
    )
    try:
        yield provider, ctx
    finally:
        await client.aclose()
