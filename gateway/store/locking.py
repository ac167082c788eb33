"""Read-modify-write without lost updates: the rows a request reads stay as read until it commits.

On PostgreSQL the query that reads the rows locks them (``select(...).with_for_update()``; a concurrent writer
waits, then reads the committed result). SQLite locks the whole database rather than rows and ignores
``FOR UPDATE``; there the transaction starts with ``BEGIN IMMEDIATE``, which takes the write lock before the first
read (waiting up to the connection's busy timeout), so nothing read can change before the commit.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.store.engine import is_memory


async def begin_write(session: AsyncSession) -> None:
    """Make the session's transaction a writer's from its first read; call it before reading.

    On PostgreSQL this does nothing: lock the rows by reading them ``with_for_update()``.
    """
    connection = await session.connection()
    # An in-memory database (tests, the plugin kit) is one connection that every session shares, so sessions are
    # not isolated from each other at all, and another session's transaction may be open on it already.
    if connection.dialect.name == "sqlite" and not is_memory(connection.engine.url):
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
