"""The ``ProviderContext`` of one connection, built from the services alone (no HTTP request needed).

``ctx.http`` comes from ``Outbound.for_connection``: base URL, headers and query parameters of the connection
(through ``LiveConnections``, the proxy's cache), credentials only for the base URL's origin, the SSRF guard, one
refresh when the provider refuses a renewable credential, and the proxy's retries. Unified calls (per request) and
background action runs both open their context here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from gateway.provider import Provider, ProviderContext
from gateway.registry import ProviderRegistry
from gateway.store.field_mappings import FieldMappings
from gateway.upstream.connection_auth import Renew
from gateway.upstream.live import LiveConnection, LiveConnections
from gateway.upstream.outbound import Outbound


def _renewer(connections: LiveConnections) -> Renew:
    async def renew(live: LiveConnection) -> LiveConnection:
        connections.forget(live.integration_key, live.connection_id)
        return await connections.get(live.integration_key, live.connection_id, force_refresh=True)

    return renew


@asynccontextmanager
async def provider_context(
    live: LiveConnections,
    providers: ProviderRegistry,
    outbound: Outbound,
    key: str,
    connection_id: str,
    field_mappings: FieldMappings | None = None,
) -> AsyncIterator[tuple[Provider | None, ProviderContext]]:
    """The provider serving connection ``connection_id`` of integration ``key`` (None if no plugin does) and its
    context (with the connection's field mappings when ``field_mappings`` is given); 404
    ``unknown_provider_config`` / ``unknown_connection`` when either is missing."""
    found = await live.get(key, connection_id)
    mappings = await field_mappings.effective(key, connection_id) if field_mappings is not None else {}
    provider = providers.get(found.provider)
    client = outbound.for_connection(found, provider, _renewer(live))
    ctx = ProviderContext(
        found.provider,
        key,
        connection_id,
        dict(found.connection_config),
        {},
        client,
        catalog_entry=found.entry,
        field_mappings=mappings,
    )
    try:
        yield provider, ctx
    finally:
        await client.aclose()
