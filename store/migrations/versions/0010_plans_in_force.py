"""plans in force and their review events (annual reviews and phase transfers)

- ``plans``: one row per EHC plan in force, from a request the product carried or imported as it stood; its
  year group (with the academic year it was recorded for), setting, caseworker and team; who added it, and when; projections of its
  review events (stage, next statutory date, next review date); and orchestration's progress with it.
- ``plan_events``: the append-only record of each plan's reviews (triggers refuse UPDATE and DELETE).
- ``ix_outbox_case_reference``: a plan's messages (reminders, countdowns) have no case id; `ehc outbox --case`
  finds them by the plan reference they carry.

Revision ID: 0010_plans_in_force
Revises: 0009_orchestration_progress
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_plans_in_force"
down_revision = "0009_orchestration_progress"
branch_labels = None
depends_on = None

_SQLITE_GUARDS = [
    f"CREATE TRIGGER plan_events_no_{verb.lower()} BEFORE {verb} ON plan_events "
    "BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    """CREATE FUNCTION plan_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'plan_events is append-only'; END $$""",
    """CREATE TRIGGER plan_events_append_only BEFORE UPDATE OR DELETE ON plan_events
       FOR EACH ROW EXECUTE FUNCTION plan_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_ref", sa.String(40), nullable=False, unique=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), index=True),
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("last_review", sa.Date),
        sa.Column("year_group", sa.String(3), nullable=False),
        sa.Column("year_group_year", sa.Integer, nullable=False),
        sa.Column("setting", sa.String(120)),
        sa.Column("caseworker", sa.String(120), index=True),
        sa.Column("team", sa.String(120)),
        sa.Column("planned_post16_transfer", sa.Date),
        sa.Column("added_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("next_due", sa.Date),
        sa.Column("next_review_by", sa.Date, index=True),
        sa.Column("events_acted_on", sa.Integer, nullable=False, server_default="0"),
        sa.Column("acted_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_plans_stage_next_due", "plans", ["stage", "next_due"])
    op.create_index("ix_plans_setting", "plans", ["setting"])
    op.create_table(
        "plan_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.UniqueConstraint("plan_id", "sequence"),
    )
    op.create_index("ix_outbox_case_reference", "outbox", ["case_reference"])
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER plan_events_append_only ON plan_events")
        op.execute("DROP FUNCTION plan_events_append_only()")
    op.drop_index("ix_outbox_case_reference", "outbox")
    op.drop_table("plan_events")
    op.drop_index("ix_plans_setting", "plans")
    op.drop_index("ix_plans_stage_next_due", "plans")
    op.drop_table("plans")
