"""webhooks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:37:34.161537
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", gateway.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_deliveries_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "webhook_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("primary_url", sa.Text(), nullable=True),
        sa.Column("secondary_url", sa.Text(), nullable=True),
        sa.Column("on_auth_creation", sa.Boolean(), nullable=False),
        sa.Column("on_auth_refresh_error", sa.Boolean(), nullable=False),
        sa.Column("on_sync_completion_always", sa.Boolean(), nullable=False),
        sa.Column("on_sync_error", sa.Boolean(), nullable=False),
        sa.Column("on_async_action_completion", sa.Boolean(), nullable=False),
        sa.Column("signing_key", sa.Text(), nullable=True),
        sa.Column("updated_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:

    op.drop_table("webhook_settings")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_due")

    op.drop_table("webhook_deliveries")
