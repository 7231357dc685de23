"""cases, append-only case events, contributors and advice requests

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE_GUARDS = [
    f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
    "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    """CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$""",
    """CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
       FOR EACH ROW EXECUTE FUNCTION case_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("child_given_name", sa.String(200)),
        sa.Column("child_family_name", sa.String(200)),
        sa.Column("child_date_of_birth", sa.Date),
        sa.Column("caseworker", sa.String(120), index=True),
        sa.Column("team", sa.String(120)),
        sa.Column("setting", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage", sa.String(30), nullable=False, index=True),
        sa.Column("next_due", sa.Date, index=True),
        sa.Column("exceptions_apply", sa.Boolean, nullable=False),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.UniqueConstraint("case_id", "sequence"),
    )
    op.create_table(
        "contributors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(30), nullable=False),
        sa.Column("team", sa.String(120)),
        sa.Column("email", sa.String(254)),
        sa.Column("escalation_email", sa.String(254)),
    )
    op.create_table(
        "advice_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("agency", sa.String(30), nullable=False),
        sa.Column("contributor_id", sa.Integer, sa.ForeignKey("contributors.id")),
        sa.Column("requested_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("received_on", sa.Date),
        sa.UniqueConstraint("case_id", "key"),
    )
    op.create_index("ix_advice_requests_pending_due", "advice_requests", ["received_on", "due_on"])
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER case_events_append_only ON case_events")
        op.execute("DROP FUNCTION case_events_append_only()")
    op.drop_table("advice_requests")
    op.drop_table("contributors")
    op.drop_table("case_events")
    op.drop_table("cases")
