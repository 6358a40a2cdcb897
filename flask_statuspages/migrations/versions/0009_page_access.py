"""page access users: audience-only pages and who may see which components

Revision ID: 0009_page_access
Revises: 0008_metrics
Create Date: 2026-12-03

Every existing row is kept; existing pages are not audience-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_page_access"
down_revision = "0008_metrics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audience_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "statuspages_page_access_user",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("external_login", sa.String(length=255), nullable=True),
        sa.Column("components_only", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("metrics_only", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("login_nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_page_access_user_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_page_access_user")),
    )
    with op.batch_alter_table("statuspages_page_access_user", schema=None) as batch_op:
        batch_op.create_index(
            "uq_statuspages_page_access_user_page_email", ["page_id", "email_key"], unique=True
        )
    op.create_table(
        "statuspages_page_access_user_component",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("component_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["statuspages_component.id"],
            name=op.f(
                "fk_statuspages_page_access_user_component_component_id_statuspages_component"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["statuspages_page_access_user.id"],
            name=op.f(
                "fk_statuspages_page_access_user_component_user_id_statuspages_page_access_user"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "component_id", name=op.f("pk_statuspages_page_access_user_component")
        ),
    )
    with op.batch_alter_table("statuspages_page_access_user_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_page_access_user_component_component_id"),
            ["component_id"],
            unique=False,
        )

    op.create_table(
        "statuspages_page_access_user_metric",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("metric_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["statuspages_metric.id"],
            name=op.f("fk_statuspages_page_access_user_metric_metric_id_statuspages_metric"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["statuspages_page_access_user.id"],
            name=op.f(
                "fk_statuspages_page_access_user_metric_user_id_statuspages_page_access_user"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "metric_id", name=op.f("pk_statuspages_page_access_user_metric")
        ),
    )
    with op.batch_alter_table("statuspages_page_access_user_metric", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_page_access_user_metric_metric_id"),
            ["metric_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_page_access_user_metric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_page_access_user_metric_metric_id"))
    op.drop_table("statuspages_page_access_user_metric")
    with op.batch_alter_table("statuspages_page_access_user_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_page_access_user_component_component_id"))
    op.drop_table("statuspages_page_access_user_component")
    with op.batch_alter_table("statuspages_page_access_user", schema=None) as batch_op:
        batch_op.drop_index("uq_statuspages_page_access_user_page_email")
    op.drop_table("statuspages_page_access_user")
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_column("audience_only")
