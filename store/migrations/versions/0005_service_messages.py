"""outbox: service-level messages (the weekly report to its distribution list), with attachments

A weekly report email is about the service, not one case: its outbox rows
have no case (``case_id`` and ``case_reference`` may be NULL) and name the
files to attach (``attachments``, a JSON list of paths, read at send time).

Revision ID: 0005_service_messages
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_service_messages"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:  # SQLite cannot ALTER a column's nullability in place
        batch.alter_column("case_id", existing_type=sa.Integer, nullable=True)
        batch.alter_column("case_reference", existing_type=sa.String(40), nullable=True)
        batch.add_column(sa.Column("attachments", sa.JSON))


def downgrade() -> None:
    # Rows without a case cannot survive the NOT NULL constraints: the service messages go with the column.
    op.execute("DELETE FROM outbox WHERE case_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attachments")
        batch.alter_column("case_reference", existing_type=sa.String(40), nullable=False)
        batch.alter_column("case_id", existing_type=sa.Integer, nullable=False)
