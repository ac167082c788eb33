"""Turning unique-constraint races into 409 answers."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.errors import GatewayError


async def commit_or_conflict(session: AsyncSession, conflict: GatewayError) -> None:
    """Commit; a unique-constraint race becomes ``conflict`` (a 409) instead of a server error."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise conflict from None
