"""Database engines: one URL setting, the right driver for async serving and for sync migrations.

A SQLite database file is created by Unigate, with mode 0600 in a folder of mode 0700, before SQLite opens it;
SQLite gives its ``-wal`` and ``-shm`` files the database file's mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.private_paths import private_file

SQLITE_PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=10000")


class DatabaseUrlError(ValueError):
    """The database URL names a database Unigate cannot use."""


def parse_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseUrlError(
            "UNIGATE_DATABASE_URL is not a database URL; use sqlite:///path/to/unigate.db "
            "or postgresql+psycopg://user@host:5432/dbname"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"UNIGATE_DATABASE_URL: {parsed.get_backend_name()} is not supported; use sqlite or postgresql+psycopg"
        )
    return parsed


def async_url(url: str) -> URL:
    """The URL with the async driver: aiosqlite for SQLite, psycopg 3 for PostgreSQL."""
    parsed = parse_database_url(url)
    driver = "sqlite+aiosqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver)


def sync_url(url: str) -> URL:
    """The URL with a sync driver, for Alembic and maintenance commands."""
    parsed = parse_database_url(url)
    driver = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver)


def _apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for in-memory databases and ``file:`` URIs."""
    if url.get_backend_name() != "sqlite" or is_memory(url) or str(url.database).startswith("file:"):
        return None
    return Path(str(url.database))


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _apply_sqlite_pragmas)
    path = sqlite_file(engine.url)
    if path is not None:

        def create_private(*_args: Any) -> None:
            private_file(path)

        event.listen(engine, "do_connect", create_private)


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_engine_for(url: str) -> AsyncEngine:
    """The serving engine; an in-memory SQLite database is one shared connection (tests, the plugin kit)."""
    target = async_url(url)
    options: dict[str, Any] = {"pool_pre_ping": target.get_backend_name() == "postgresql"}
    if is_memory(target):
        options["poolclass"] = StaticPool
    engine = create_async_engine(target, **options)
    configure_sqlite(engine.sync_engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
