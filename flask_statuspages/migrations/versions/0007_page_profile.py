"""page profile: the status embed config, subscriber channels, names, emails, analytics

Revision ID: 0007_page_profile
Revises: 0006_incident_workflow
Create Date: 2026-12-03

Every existing row is kept. Each page gets the default status embed config
(bottom-left; white text on dark red for incidents, on dark blue for
maintenance) and takes email and webhook subscribers, as it did before; the
new profile fields are empty (names and emails as before, no redirect, no
analytics).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_page_profile"
down_revision = "0006_incident_workflow"
branch_labels = None
depends_on = None

#: The embed columns, their width and their default (``rules.EMBED_DEFAULTS`` today;
#: written out so this revision stays what it was).
EMBED_COLUMNS = (
    ("embed_position", 16, "bottom-left"),
    ("embed_incident_background_color", 7, "#b91c1c"),
    ("embed_incident_text_color", 7, "#ffffff"),
    ("embed_maintenance_background_color", 7, "#1d4ed8"),
    ("embed_maintenance_text_color", 7, "#ffffff"),
)
CHANNEL_COLUMNS = ("allow_email_subscribers", "allow_webhook_subscribers")
#: Profile columns that may be empty.
PROFILE_COLUMNS = (
    ("company_name", sa.String(length=255)),
    ("page_name", sa.String(length=255)),
    ("notifications_from_email", sa.String(length=320)),
    ("notifications_email_footer", sa.Text()),
    ("ga_tracking", sa.String(length=32)),
)


def upgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        for name in CHANNEL_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
            )
        for name, length, default in EMBED_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), server_default=default, nullable=False)
            )
        for name, type_ in PROFILE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(
            sa.Column("redirect_to_https", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_column("redirect_to_https")
        for name, _type in reversed(PROFILE_COLUMNS):
            batch_op.drop_column(name)
        for name, _length, _default in reversed(EMBED_COLUMNS):
            batch_op.drop_column(name)
        for name in reversed(CHANNEL_COLUMNS):
            batch_op.drop_column(name)
