"""records and sync states

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:27:42.197825
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_pk", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("record_id", sa.String(length=512), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_modified_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_action", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pruned_at", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seen_run", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["connection_pk"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connection_pk", "model", "record_id", name="uq_records_object"),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_listing", ["connection_pk", "model", "last_modified_at", "id"], unique=False)

    op.create_table(
        "sync_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_pk", sa.Integer(), nullable=False),
        sa.Column("sync_name", sa.String(length=255), nullable=False),
        sa.Column("checkpoint", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("frequency", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_run_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["connection_pk"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connection_pk", "sync_name", name="uq_sync_states_sync"),
    )
    with op.batch_alter_table("sync_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_states_connection_pk"), ["connection_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_states_next_run_at"), ["next_run_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("sync_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_states_next_run_at"))
        batch_op.drop_index(batch_op.f("ix_sync_states_connection_pk"))

    op.drop_table("sync_states")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_listing")

    op.drop_table("records")
