"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from gateway.store.migrate import current_revision
from gateway.store.readiness import head_revision
from gateway.store.tables import SQLModel


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    assert current_revision(database_url) == head_revision() == "0009"
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []
