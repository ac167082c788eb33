"""The ``ProviderContext`` of a unified call: the connection named by the headers and its outbound client.

The context itself is ``gateway.upstream.provider_context`` (credentials on the base URL only, SSRF guard, one
refresh, the proxy's retries); its failures are typed (``gateway.provider.failures``) and answered by the
application's error handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request

from gateway.errors import GatewayError
from gateway.provider import Provider, ProviderContext
from gateway.runtime import Gateway
from gateway.upstream.provider_context import provider_context


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


@asynccontextmanager
async def unified_context(request: Request) -> AsyncIterator[tuple[Provider | None, ProviderContext]]:
    """The provider serving the connection the headers name (None if no plugin does) and its context."""
    gateway: Gateway = request.app.state.gateway
    key, connection_id = connection_headers(request)
    services = (gateway.live, gateway.providers, gateway.outbound)
    async with provider_context(*services, key, connection_id, gateway.field_mappings) as opened:
        yield opened
