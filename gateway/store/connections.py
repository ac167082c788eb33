"""Reading and writing connections.

``for_update=True`` locks the rows read until the commit (PostgreSQL ``FOR UPDATE``); on SQLite call
``gateway.store.locking.begin_write`` first.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.errors import GatewayError, not_found
from gateway.store.tables import Connection, Integration


def unknown_connection(connection_id: str, integration_key: str) -> GatewayError:
    return not_found(
        "unknown_connection",
        f"No connection {connection_id!r} for integration {integration_key!r}; "
        "check connection_id and provider_config_key (GET /connections lists them)",
    )


async def find_connection(
    session: AsyncSession, integration_key: str, connection_id: str, *, for_update: bool = False
) -> tuple[Connection, Integration] | None:
    query = (
        select(Connection, Integration)
        .join(Integration, Connection.integration_id == Integration.id)  # type: ignore[arg-type]
        .where(Integration.unique_key == integration_key, Connection.connection_id == connection_id)
    )
    if for_update:
        query = query.with_for_update(of=Connection)
    row = (await session.exec(query)).first()
    return None if row is None else (row[0], row[1])


async def require_connection(
    session: AsyncSession, integration_key: str, connection_id: str, *, for_update: bool = False
) -> tuple[Connection, Integration]:
    found = await find_connection(session, integration_key, connection_id, for_update=for_update)
    if found is None:
        raise unknown_connection(connection_id, integration_key)
    return found


async def require_connections(
    session: AsyncSession, integration_key: str, connection_ids: Sequence[str], *, for_update: bool = False
) -> list[Connection]:
    """All the named connections of one integration, or 404 naming the first one missing.

    Locked rows are locked in id order, so two requests naming the same connections cannot deadlock.
    """
    query = (
        select(Connection)
        .join(Integration, Connection.integration_id == Integration.id)  # type: ignore[arg-type]
        .where(Integration.unique_key == integration_key, Connection.connection_id.in_(connection_ids))  # type: ignore[attr-defined]
    )
    if for_update:
        query = query.order_by(col(Connection.id)).with_for_update(of=Connection)
    found = {c.connection_id: c for c in (await session.exec(query)).all()}
    for connection_id in connection_ids:
        if connection_id not in found:
            raise unknown_connection(connection_id, integration_key)
    return [found[c] for c in connection_ids]
