"""socket messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "socket_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ws_client_id", sa.String(length=64), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", gateway.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("socket_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_socket_messages_ws_client_id"), ["ws_client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("socket_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_socket_messages_ws_client_id"))
    op.drop_table("socket_messages")
