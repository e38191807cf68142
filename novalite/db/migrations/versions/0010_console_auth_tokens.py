"""Console auth tokens: what a console URL opens, until when.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "console_auth_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(255), nullable=False, unique=True),
        sa.Column("console_type", sa.String(255), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("internal_access_path", sa.String(255)),
        sa.Column("instance_uuid", sa.String(36), nullable=False),
        sa.Column("access_url_base", sa.String(255)),
        sa.Column("expires", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
    op.create_index("console_auth_tokens_instance_uuid_idx", "console_auth_tokens",
                    ["instance_uuid"])
    op.create_index("console_auth_tokens_token_hash_instance_uuid_idx",
                    "console_auth_tokens", ["token_hash", "instance_uuid"])
