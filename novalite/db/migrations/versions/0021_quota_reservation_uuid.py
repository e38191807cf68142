"""Quota reservations carry a uuid their creator chose, so that a create whose
connection dropped as its reservation committed finds it instead of holding twice.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-03 02:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("quota_reservations", sa.Column("uuid", sa.String(36)))
    op.create_index("quota_reservations_uuid_idx", "quota_reservations", ["uuid"],
                    unique=True)
