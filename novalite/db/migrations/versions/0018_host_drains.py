"""Host drains and their items.

Revision ID: 0018
Revises: 0007
Create Date: 2026-12-02 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "host_drains",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("max_outbound", sa.Integer, nullable=False),
        sa.Column("max_parallel", sa.Integer, nullable=False),
        sa.Column("conductor", sa.String(255)),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
    op.create_index("host_drains_host_status_idx", "host_drains", ["host", "status"])
    op.create_table(
        "host_drain_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("drain_uuid", sa.String(36), nullable=False),
        sa.Column("instance_uuid", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("move", sa.String(16)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("migration_uuid", sa.String(36)),
        sa.Column("avoid_hosts", sa.Text, nullable=False),
        sa.Column("message", sa.String(255)),
        sa.Column("started_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
    op.create_index("host_drain_items_drain_status_idx", "host_drain_items",
                    ["drain_uuid", "status"])
