"""Tables added in the same round as migrations: ``editor_state`` (an editor disabled, and a
generation that ends their sessions), ``known_clients`` (the clients an editor logged in
from, not slowed by others' wrong passwords) and ``attachment_files`` (files attached to
rows as evidence, kept once per content).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor_state",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        "known_clients",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("client", sa.String(200), primary_key=True),
        sa.Column("last_ok", sa.Float, nullable=False),
    )
    op.create_table(
        "attachment_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("editor", sa.String(64), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in ("attachment_files", "known_clients", "editor_state"):
        op.drop_table(table)
