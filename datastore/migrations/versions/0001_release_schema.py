"""The store's schema as the release before migrations made it (``metadata.create_all``).

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("editor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.Column("source_name", sa.Text, nullable=True),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
    )
    op.create_table(
        "data_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tbl", sa.String(32), nullable=False),
        sa.Column("row_id", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("cells", sa.Text, nullable=False),
        sa.Column("since", sa.Integer, nullable=False),
        sa.Column("until", sa.Integer, nullable=True),
    )
    op.create_index("ix_rows_tbl_since", "data_rows", ["tbl", "since"])
    op.create_index("ix_rows_until", "data_rows", ["until"])
    op.create_index("ix_rows_row_id", "data_rows", ["row_id"])
    op.create_table(
        "publication_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("institution_id", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("editor", sa.String(64), nullable=False),
        sa.Column("since", sa.Integer, nullable=False),
        sa.Column("until", sa.Integer, nullable=True),
    )
    op.create_table(
        "editors",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("institutions", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("editor", sa.String(64), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("audit", "throttle", "editors", "publication_files", "data_rows",
                  "versions", "meta"):
        op.drop_table(table)
