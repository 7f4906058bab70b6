"""One row's history (issue 25): an index on (tbl, row_id), so that every version of one row
is found without reading the whole table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rows_tbl_row_id", "data_rows", ["tbl", "row_id"])


def downgrade() -> None:
    op.drop_index("ix_rows_tbl_row_id", table_name="data_rows")
