"""scheduled maintenance

Revision ID: 0004_maintenance
Revises: 0003_public_face
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_maintenance"
down_revision = "0003_public_face"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statuspages_maintenance",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=False),
        sa.Column("scheduled_until", sa.DateTime(), nullable=False),
        sa.Column("auto_transition", sa.Boolean(), nullable=False),
        sa.Column("component_ids", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_maintenance_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_maintenance")),
    )
    with op.batch_alter_table("statuspages_maintenance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statuspages_maintenance_page_scheduled", ["page_id", "scheduled_for"], unique=False
        )
        batch_op.create_index(
            "ix_statuspages_maintenance_status_scheduled", ["status", "scheduled_for"], unique=False
        )

    op.create_table(
        "statuspages_maintenance_update",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("maintenance_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["maintenance_id"],
            ["statuspages_maintenance.id"],
            name=op.f("fk_statuspages_maintenance_update_maintenance_id_statuspages_maintenance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_maintenance_update")),
    )
    with op.batch_alter_table("statuspages_maintenance_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_maintenance_update_maintenance_id"),
            ["maintenance_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_maintenance_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_maintenance_update_maintenance_id"))
    op.drop_table("statuspages_maintenance_update")
    with op.batch_alter_table("statuspages_maintenance", schema=None) as batch_op:
        batch_op.drop_index("ix_statuspages_maintenance_status_scheduled")
        batch_op.drop_index("ix_statuspages_maintenance_page_scheduled")
    op.drop_table("statuspages_maintenance")
