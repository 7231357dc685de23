"""outbox: reminders, escalations and alerts waiting to be sent, one row per key

Revision ID: 0002_outbox
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("case_reference", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("purpose", sa.String(120), nullable=False),
        sa.Column("recipient", sa.String(160), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("to_address", sa.String(254)),
        sa.Column("subject_ref", sa.String(120), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("send_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(40)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'skipped')", name="ck_outbox_status"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
