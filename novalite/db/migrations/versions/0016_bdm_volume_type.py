"""Block device mappings keep the volume type asked for (API 2.67).

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-02 10:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("block_device_mappings", sa.Column("volume_type", sa.String(255)))
