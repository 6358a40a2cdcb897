"""notifications

Revision ID: 0002_notifications
Revises: 0001_initial
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_notifications"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statuspages_event",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("component_ids", sa.JSON(), nullable=False),
        sa.Column("subscriber_id", sa.String(length=32), nullable=True),
        sa.Column("base_url", sa.String(length=2048), nullable=True),
        sa.Column("fanout_cursor", sa.String(length=32), nullable=True),
        sa.Column("fanned_out_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_event_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["statuspages_subscriber.id"],
            name=op.f("fk_statuspages_event_subscriber_id_statuspages_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_event")),
    )
    with op.batch_alter_table("statuspages_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_event_fanned_out_at"), ["fanned_out_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_statuspages_event_page_id"), ["page_id"], unique=False)

    op.create_table(
        "statuspages_subscriber_component",
        sa.Column("subscriber_id", sa.String(length=32), nullable=False),
        sa.Column("component_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["statuspages_component.id"],
            name=op.f("fk_statuspages_subscriber_component_component_id_statuspages_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["statuspages_subscriber.id"],
            name=op.f("fk_statuspages_subscriber_component_subscriber_id_statuspages_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "subscriber_id", "component_id", name=op.f("pk_statuspages_subscriber_component")
        ),
    )
    with op.batch_alter_table("statuspages_subscriber_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_subscriber_component_component_id"),
            ["component_id"],
            unique=False,
        )

    op.create_table(
        "statuspages_delivery",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("subscriber_id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["statuspages_event.id"],
            name=op.f("fk_statuspages_delivery_event_id_statuspages_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_delivery_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["statuspages_subscriber.id"],
            name=op.f("fk_statuspages_delivery_subscriber_id_statuspages_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_delivery")),
    )
    with op.batch_alter_table("statuspages_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statuspages_delivery_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_statuspages_delivery_page_created", ["page_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statuspages_delivery_subscriber_id"), ["subscriber_id"], unique=False
        )
        batch_op.create_index(
            "uq_statuspages_delivery_event_subscriber", ["event_id", "subscriber_id"], unique=True
        )

    with op.batch_alter_table("statuspages_subscriber", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failure_streak", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("quarantined_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("components_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_subscriber", schema=None) as batch_op:
        batch_op.drop_column("components_only")
        batch_op.drop_column("quarantined_at")
        batch_op.drop_column("failure_streak")

    with op.batch_alter_table("statuspages_delivery", schema=None) as batch_op:
        batch_op.drop_index("uq_statuspages_delivery_event_subscriber")
        batch_op.drop_index(batch_op.f("ix_statuspages_delivery_subscriber_id"))
        batch_op.drop_index("ix_statuspages_delivery_page_created")
        batch_op.drop_index("ix_statuspages_delivery_due")

    op.drop_table("statuspages_delivery")
    with op.batch_alter_table("statuspages_subscriber_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_subscriber_component_component_id"))

    op.drop_table("statuspages_subscriber_component")
    with op.batch_alter_table("statuspages_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_event_page_id"))
        batch_op.drop_index(batch_op.f("ix_statuspages_event_fanned_out_at"))

    op.drop_table("statuspages_event")
