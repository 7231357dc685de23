"""indexes for the web caseload over thousands of open cases (docs/PERFORMANCE.md, "The web app")

- ``ix_advice_requests_case_pending``: each case's advice still awaited, by due date (a partial index: only
  rows with nothing received). The caseload's next statutory date and RAG read a case's earliest awaited
  advice with one probe of it, and only for the rows that need it.
- ``ix_cases_stage_team_received``: the open cases of the teams a person sees, counted from the index alone.
- ``ix_cases_stage_caseworker``: the caseworkers named on open cases, for the caseload's filter, from the
  index alone.

Revision ID: 0008_caseload_indexes
Revises: 0007_portal
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_caseload_indexes"
down_revision = "0007_portal"
branch_labels = None
depends_on = None

PENDING = sa.text("received_on IS NULL")


def upgrade() -> None:
    op.create_index("ix_advice_requests_case_pending", "advice_requests", ["case_id", "due_on"],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("ix_cases_stage_team_received", "cases", ["stage", "team", "received"])
    op.create_index("ix_cases_stage_caseworker", "cases", ["stage", "caseworker"])


def downgrade() -> None:
    op.drop_index("ix_cases_stage_caseworker", "cases")
    op.drop_index("ix_cases_stage_team_received", "cases")
    op.drop_index("ix_advice_requests_case_pending", "advice_requests")
