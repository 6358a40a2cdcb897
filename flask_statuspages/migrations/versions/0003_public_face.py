"""public face: visibility, branding, uptime settings, public version

Revision ID: 0003_public_face
Revises: 0002_notifications
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_public_face"
down_revision = "0002_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("ip_allowlist", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("custom_domain_verified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("header_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("footer_html", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("uptime_days", sa.Integer(), nullable=False, server_default="90")
        )
        batch_op.add_column(
            sa.Column("show_uptime", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "show_incident_history", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
        batch_op.add_column(
            sa.Column("public_version", sa.Integer(), nullable=False, server_default="1")
        )

    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_uptime", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.drop_column("show_uptime")

    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        for column in (
            "public_version",
            "show_incident_history",
            "show_uptime",
            "uptime_days",
            "footer_html",
            "header_html",
            "custom_domain_verified_at",
            "ip_allowlist",
            "password_hash",
            "enabled",
        ):
            batch_op.drop_column(column)
