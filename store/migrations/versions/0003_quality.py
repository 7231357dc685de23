"""plan quality review: plan documents, automatic reviews, reviewer scores, moderation, grade history

Revision ID: 0003_quality
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_quality"
down_revision = "0001"
branch_labels = None
depends_on = None

# The record of who scored what, moderation and every grade a plan had: rows are added, never changed.
APPEND_ONLY = ("qa_reviewer_scores", "qa_moderations", "qa_grade_history")


def _sqlite_guards(table: str) -> list[str]:
    return [f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END" for verb in ("UPDATE", "DELETE")]


def _postgres_guards(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def upgrade() -> None:
    op.create_table(
        "qa_plan_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("attached_by", sa.String(120), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "stage", "content_sha256"),
        sa.CheckConstraint("stage IN ('draft', 'final')", name="ck_qa_plan_documents_stage"),
    )
    op.create_table(
        "qa_automatic_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("qa_plan_documents.id"), nullable=False, index=True),
        sa.Column("rubric_key", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("weighted_score", sa.Float, nullable=False),
        sa.Column("uncapped_grade", sa.String(30), nullable=False),
        sa.Column("grade", sa.String(30), nullable=False),
        sa.Column("cap_reasons", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "rubric_key"),
    )
    op.create_table(
        "qa_reviewer_scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("qa_plan_documents.id"), nullable=False, index=True),
        sa.Column("criterion", sa.String(60), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 4", name="ck_qa_reviewer_scores_score"),
    )
    op.create_table(
        "qa_moderations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("qa_plan_documents.id"), nullable=False, index=True),
        sa.Column("criterion", sa.String(60), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('raised', 'resolved')", name="ck_qa_moderations_status"),
    )
    op.create_table(
        "qa_grade_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("qa_plan_documents.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("weighted_score", sa.Float, nullable=False),
        sa.Column("grade", sa.String(30), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        for statement in (_postgres_guards(table) if postgres else _sqlite_guards(table)):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    for table in ("qa_grade_history", "qa_moderations", "qa_reviewer_scores", "qa_automatic_reviews",
                  "qa_plan_documents"):
        op.drop_table(table)
