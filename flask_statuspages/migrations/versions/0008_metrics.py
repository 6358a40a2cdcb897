"""metrics: numbers over time on a page, tied to components, and their points

Revision ID: 0008_metrics
Revises: 0007_page_profile
Create Date: 2026-12-03

New tables only: no existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_metrics"
down_revision = "0007_page_profile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statuspages_metric",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("suffix", sa.String(length=32), nullable=True),
        sa.Column("y_axis_min", sa.Float(), nullable=True),
        sa.Column("y_axis_max", sa.Float(), nullable=True),
        sa.Column("y_axis_hidden", sa.Boolean(), nullable=False),
        sa.Column("decimal_places", sa.Integer(), nullable=False),
        sa.Column("tooltip_description", sa.Text(), nullable=True),
        sa.Column("display", sa.Boolean(), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_metric_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_metric")),
    )
    with op.batch_alter_table("statuspages_metric", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_metric_page_id"), ["page_id"], unique=False
        )

    op.create_table(
        "statuspages_metric_component",
        sa.Column("metric_id", sa.String(length=32), nullable=False),
        sa.Column("component_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["statuspages_component.id"],
            name=op.f("fk_statuspages_metric_component_component_id_statuspages_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["statuspages_metric.id"],
            name=op.f("fk_statuspages_metric_component_metric_id_statuspages_metric"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "metric_id", "component_id", name=op.f("pk_statuspages_metric_component")
        ),
    )
    with op.batch_alter_table("statuspages_metric_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_metric_component_component_id"),
            ["component_id"],
            unique=False,
        )

    op.create_table(
        "statuspages_metric_point",
        sa.Column("metric_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["statuspages_metric.id"],
            name=op.f("fk_statuspages_metric_point_metric_id_statuspages_metric"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("metric_id", "ts", name=op.f("pk_statuspages_metric_point")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("statuspages_metric_point")
    with op.batch_alter_table("statuspages_metric_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_metric_component_component_id"))
    op.drop_table("statuspages_metric_component")
    with op.batch_alter_table("statuspages_metric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_metric_page_id"))
    op.drop_table("statuspages_metric")
