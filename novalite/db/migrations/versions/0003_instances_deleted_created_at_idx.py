"""Index instances by (deleted, created_at) for listings across projects.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:50:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("instances_deleted_created_at_idx", "instances", ["deleted", "created_at"])
