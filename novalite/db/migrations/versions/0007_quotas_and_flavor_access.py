"""Quotas (limits per project, user and class; create locks and reservations) and
private flavors' project access.

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-02 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0010"
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime)]


def _limit_table(name, owner_columns, unique):
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        *owner_columns,
        sa.Column("resource", sa.String(255), nullable=False),
        sa.Column("hard_limit", sa.Integer, nullable=False),
        *_timestamps(),
        sa.UniqueConstraint(*unique, name=f"uniq_{name}0" + "0".join(unique)),
    )


def upgrade():
    op.create_table(
        "flavor_projects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("flavor_id", sa.Integer, sa.ForeignKey("flavors.id"), nullable=False),
        sa.Column("project_id", sa.String(255), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("flavor_id", "project_id",
                            name="uniq_flavor_projects0flavor_id0project_id"),
    )
    _limit_table("quotas", [sa.Column("project_id", sa.String(255), nullable=False)],
                 ("project_id", "resource"))
    _limit_table("project_user_quotas",
                 [sa.Column("project_id", sa.String(255), nullable=False),
                  sa.Column("user_id", sa.String(255), nullable=False)],
                 ("user_id", "project_id", "resource"))
    op.create_index("project_user_quotas_project_id_idx", "project_user_quotas",
                    ["project_id"])
    _limit_table("quota_classes", [sa.Column("class_name", sa.String(255), nullable=False)],
                 ("class_name", "resource"))
    op.create_table(
        "quota_locks",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("owner", sa.String(255), primary_key=True),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_table(
        "quota_reservations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("instances", sa.Integer, nullable=False),
        sa.Column("cores", sa.Integer, nullable=False),
        sa.Column("ram", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("quota_reservations_project_id_idx", "quota_reservations",
                    ["project_id"])
