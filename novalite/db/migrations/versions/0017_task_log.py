"""Task log: each host's run of the instance usage audit per period.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(255), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("period_beginning", sa.DateTime, nullable=False),
        sa.Column("period_ending", sa.DateTime, nullable=False),
        sa.Column("message", sa.String(255), nullable=False),
        sa.Column("task_items", sa.Integer),
        sa.Column("errors", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.UniqueConstraint("task_name", "host", "period_beginning", "period_ending",
                            name="uniq_task_name0host0period_beginning0period_ending"))
