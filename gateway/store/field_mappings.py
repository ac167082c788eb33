"""Field mappings: which provider field each unified ``custom_fields`` name stands for, per resource.

An integration's mapping applies to all its connections; a connection's own mapping overrides it name by name.
``FieldMappings`` reads the effective mapping of a connection for each unified call, cached for a few seconds
(``UNIGATE_CONNECTION_CACHE_TTL``) and forgotten in this process when a mapping is written.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.store.tables import FieldMapping, Integration
from gateway.store.types import utcnow

Mappings = dict[str, dict[str, str]]  # resource -> unified custom field name -> provider field name


async def read_mappings(session: AsyncSession, integration_id: int, connection_id: str = "") -> Mappings:
    """The mappings of one scope: the integration's (``connection_id`` empty) or one connection's own."""
    query = select(FieldMapping).where(
        FieldMapping.integration_id == integration_id, FieldMapping.connection_id == connection_id
    )
    rows = (await session.exec(query.order_by(col(FieldMapping.resource)))).all()
    return {row.resource: dict(row.mapping) for row in rows if row.mapping}


def merged(integration: Mappings, connection: Mappings) -> Mappings:
    """The integration's mappings with a connection's names put over them."""
    result = {resource: dict(names) for resource, names in integration.items()}
    for resource, names in connection.items():
        result.setdefault(resource, {}).update(names)
    return result


async def replace_mappings(
    session: AsyncSession, integration_id: int, connection_id: str, mappings: Mapping[str, Mapping[str, str]]
) -> None:
    """Make ``mappings`` the scope's whole mapping (resources left out lose theirs); the caller commits."""
    scope = (col(FieldMapping.integration_id) == integration_id) & (col(FieldMapping.connection_id) == connection_id)
    await session.exec(delete(FieldMapping).where(scope))
    for resource, names in mappings.items():
        if names:
            session.add(
                FieldMapping(
                    integration_id=integration_id,
                    connection_id=connection_id,
                    resource=resource,
                    mapping=dict(names),
                    updated_at=utcnow(),
                )
            )


class FieldMappings:
    """The effective mappings of connections, cached per (integration key, connection id) for ``ttl`` seconds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], ttl: float) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, Mappings]] = {}

    async def effective(self, integration_key: str, connection_id: str) -> Mappings:
        key = (integration_key, connection_id)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        async with self._sessions() as session:
            found = (
                await session.exec(select(Integration.id).where(Integration.unique_key == integration_key))
            ).first()
            result: Mappings = {}
            if found is not None:
                own = await read_mappings(session, found)
                result = merged(own, await read_mappings(session, found, connection_id))
        self._cache[key] = (time.monotonic() + self._ttl, result)
        return result

    def forget(self, integration_key: str) -> None:
        """Drop the cached mappings of an integration's connections (after a write)."""
        for key in [k for k in self._cache if k[0] == integration_key]:
            del self._cache[key]
