"""Reading and writing integrations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.errors import GatewayError, not_found
from gateway.store.tables import Integration


def unknown_integration(key: str) -> GatewayError:
    return not_found("not_found", f"Integration does not exist: {key!r}; list them with GET /integrations")


async def get_integration(session: AsyncSession, unique_key: str, *, for_update: bool = False) -> Integration | None:
    """The integration; ``for_update`` locks its row until the commit (on SQLite see ``store.locking``)."""
    query = select(Integration).where(Integration.unique_key == unique_key)
    if for_update:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def require_integration(
    session: AsyncSession, unique_key: str, code: str = "not_found", *, for_update: bool = False
) -> Integration:
    integration = await get_integration(session, unique_key, for_update=for_update)
    if integration is None:
        error = unknown_integration(unique_key)
        error.code = code
        raise error
    return integration


async def list_integrations(session: AsyncSession) -> Sequence[Integration]:
    return (await session.exec(select(Integration).order_by(col(Integration.unique_key)))).all()


def duplicate_key(unique_key: str) -> GatewayError:
    return GatewayError(
        409,
        "duplicate_provider_config",
        f"unique_key: an integration named {unique_key!r} already exists; choose another unique_key",
    )


async def ensure_key_free(session: AsyncSession, unique_key: str) -> None:
    if await get_integration(session, unique_key) is not None:
        raise duplicate_key(unique_key)
