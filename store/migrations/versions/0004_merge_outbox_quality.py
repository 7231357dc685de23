"""Join the outbox (0002) and quality review (0003) branches, built side by side.

Revision ID: 0004
Revises: 0002_outbox, 0003_quality
"""

revision = "0004"
down_revision = ("0002_outbox", "0003_quality")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
