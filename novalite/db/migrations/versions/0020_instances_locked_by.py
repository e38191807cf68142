"""Instances record who locked them, 'owner' or 'admin', as Nova's ``locked_by`` does.

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 14:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("instances", sa.Column("locked_by", sa.String(5)))
