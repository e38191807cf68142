"""Server tags, server groups and their members, host aggregates, migrations.

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-02 07:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime)]


def upgrade():
    op.create_table(
        "tags",
        sa.Column("resource_id", sa.String(36), primary_key=True),
        sa.Column("tag", sa.String(80), primary_key=True))
    op.create_index("tags_tag_idx", "tags", ["tag"])
    op.create_table(
        "instance_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(255)),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("policy", sa.String(255), nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        *_timestamps())
    op.create_table(
        "instance_group_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("instance_groups.id"), nullable=False),
        sa.Column("instance_uuid", sa.String(36), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("group_id", "instance_uuid",
                            name="uniq_instance_group_members0group_id0instance_uuid"))
    op.create_index("instance_group_members_instance_uuid_idx", "instance_group_members",
                    ["instance_uuid"])
    op.create_table(
        "aggregates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        *_timestamps())
    op.create_table(
        "aggregate_hosts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("aggregate_id", sa.Integer, sa.ForeignKey("aggregates.id"), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("host", "aggregate_id",
                            name="uniq_aggregate_hosts0host0aggregate_id"))
    op.create_table(
        "aggregate_metadata",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("aggregate_id", sa.Integer, sa.ForeignKey("aggregates.id"), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("aggregate_id", "key",
                            name="uniq_aggregate_metadata0aggregate_id0key"))
    op.create_index("aggregate_metadata_key_idx", "aggregate_metadata", ["key"])
    _create_migrations()


def _create_migrations():
    op.create_table(
        "migrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        *[sa.Column(name, sa.String(255)) for name in (
            "source_compute", "dest_compute", "source_node", "dest_node", "dest_host")],
        sa.Column("old_instance_type_id", sa.Integer),
        sa.Column("new_instance_type_id", sa.Integer),
        sa.Column("instance_uuid", sa.String(36)),
        sa.Column("status", sa.String(255)),
        sa.Column("migration_type", sa.String(255)),
        sa.Column("hidden", sa.Boolean, nullable=False),
        *[sa.Column(name, sa.BigInteger) for name in (
            "memory_total", "memory_processed", "memory_remaining", "disk_total",
            "disk_processed", "disk_remaining")],
        sa.Column("cross_cell_move", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("project_id", sa.String(255)),
        *_timestamps(),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Integer, nullable=False))
    op.create_index("migrations_instance_uuid_and_status_idx", "migrations",
                    ["deleted", "instance_uuid", "status"])
    op.create_index("migrations_updated_at_idx", "migrations", ["updated_at"])
