"""the web app: local accounts, browser sessions and the audit log

``users`` holds argon2 hashes, never passwords; ``web_sessions`` is keyed by
the SHA-256 of each session cookie's random token, so no usable token is
stored; ``audit_log`` records sign-ins, sign-outs and every refusal, and is
append-only like the case events (triggers refuse UPDATE and DELETE).

Revision ID: 0006_web
Revises: 0005_service_messages
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_web"
down_revision = "0005_service_messages"
branch_labels = None
depends_on = None

GUARDED = "audit_log"


def _guards(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"""CREATE FUNCTION {GUARDED}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '{GUARDED} is append-only'; END $$""",
            f"""CREATE TRIGGER {GUARDED}_append_only BEFORE UPDATE OR DELETE ON {GUARDED}
                FOR EACH ROW EXECUTE FUNCTION {GUARDED}_append_only()""",
        ]
    return [f"CREATE TRIGGER {GUARDED}_no_{verb.lower()} BEFORE {verb} ON {GUARDED} "
            f"BEGIN SELECT RAISE(ABORT, '{GUARDED} is append-only'); END" for verb in ("UPDATE", "DELETE")]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, unique=True),
        sa.Column("display_name", sa.String(120)),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("team", sa.String(120)),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('caseworker', 'manager', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("client_address", sa.String(64)),
        sa.Column("detail", sa.String(400)),
    )
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    for statement in _guards(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {GUARDED}_append_only ON {GUARDED}")
        op.execute(f"DROP FUNCTION {GUARDED}_append_only()")
    op.drop_table("audit_log")
    op.drop_table("web_sessions")
    op.drop_table("users")
