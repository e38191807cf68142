"""Volume snapshots, the snapshot a volume was made from, and the one a block device
mapping makes its volume from.

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-02 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("volumes", sa.Column("snapshot_id", sa.String(36)))
    op.add_column("block_device_mappings", sa.Column("snapshot_id", sa.String(36)))
    op.create_table(
        "volume_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("volume_uuid", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=255), nullable=False),
        sa.Column("progress", sa.String(length=255), nullable=True),
        sa.Column("volume_size", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("display_description", sa.String(length=255), nullable=True),
        sa.Column("snapshot_metadata", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("volume_snapshots_volume_uuid_idx", "volume_snapshots", ["volume_uuid"])
    op.create_index("volume_snapshots_project_id_deleted_idx", "volume_snapshots",
                    ["project_id", "deleted"])
