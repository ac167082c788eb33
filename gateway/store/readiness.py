"""Whether the database can serve this Unigate: reachable, and at the newest migration (``GET /ready``)."""

from __future__ import annotations

import asyncio
from functools import cache

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.migrate import alembic_config


@cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def database_problem(engine: AsyncEngine, timeout: float = 5.0) -> str | None:
    """What keeps the database from serving, in words, or None when it is ready."""
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"the database is unreachable ({type(exc).__name__})"
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            revision = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except Exception:
        revision = None
    if revision is None:
        return "the database has no migrations applied; run `unigate migrate`"
    if revision != head_revision():
        return f"the database schema is at migration {revision}, not {head_revision()}; run `unigate migrate`"
    return None
