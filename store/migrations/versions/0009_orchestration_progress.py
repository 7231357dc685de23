"""how far orchestration has got with each case (docs/decisions/0001-orchestration-per-event.md)

- ``cases.events_acted_on``: how many of the case's casework events orchestration has acted on. A pass sets
  it, in its last transaction, to the count it read; a case whose count of casework events is higher is
  behind, and the catch-up hands it to orchestration again. Existing cases start at 0, so the first
  catch-up after this upgrade walks each once (every side effect is keyed, so nothing is repeated).
- ``cases.acted_at``: when that last pass finished.

Revision ID: 0009_orchestration_progress
Revises: 0008_caseload_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_orchestration_progress"
down_revision = "0008_caseload_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as table:
        table.add_column(sa.Column("events_acted_on", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as table:
        table.drop_column("acted_at")
        table.drop_column("events_acted_on")
