"""the contributor portal and the parent's view: signed links and the advice sent through them

``portal_links`` holds each link's purpose (one advice request, or a parent's
view of one case), when it expires and when it was used; its ``id_hash`` is
the SHA-256 of the random id inside the link's signed token, so no usable
link is stored. ``advice_documents`` records each advice file a contributor
uploaded (kept outside the web root under a random name, with its size and
SHA-256) or their declaration that there are no needs in their area.

Revision ID: 0007_portal
Revises: 0006_web
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_portal"
down_revision = "0006_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("advice_key", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("purpose IN ('advice', 'parent')", name="ck_portal_links_purpose"),
        sa.CheckConstraint("(purpose = 'advice') = (advice_key IS NOT NULL)", name="ck_portal_links_advice_key"),
    )
    op.create_table(
        "advice_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("advice_key", sa.String(120), nullable=False),
        sa.Column("stored_name", sa.String(64), unique=True),
        sa.Column("original_filename", sa.String(255)),
        sa.Column("content_type", sa.String(100)),
        sa.Column("size_bytes", sa.Integer),
        sa.Column("sha256", sa.String(64)),
        sa.Column("no_needs_reason", sa.Text),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        sa.CheckConstraint("(stored_name IS NULL) <> (no_needs_reason IS NULL)",
                           name="ck_advice_documents_file_or_reason"),
    )


def downgrade() -> None:
    op.drop_table("advice_documents")
    op.drop_table("portal_links")
