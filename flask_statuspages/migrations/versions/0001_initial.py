"""initial tables

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = ("statuspages",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statuspages_api_token",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_statuspages_api_token_token_hash")),
    )
    with op.batch_alter_table("statuspages_api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statuspages_api_token_owner"), ["owner"], unique=False)

    op.create_table(
        "statuspages_page",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("custom_domain", sa.String(length=253), nullable=True),
        sa.Column("theme", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_page")),
        sa.UniqueConstraint("custom_domain", name=op.f("uq_statuspages_page_custom_domain")),
        sa.UniqueConstraint("slug", name=op.f("uq_statuspages_page_slug")),
    )
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statuspages_page_owner_created", ["owner", "created_at"], unique=False
        )

    op.create_table(
        "statuspages_component",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_component_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_component")),
    )
    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_component_page_id"), ["page_id"], unique=False
        )

    op.create_table(
        "statuspages_incident",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_incident_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_incident")),
    )
    with op.batch_alter_table("statuspages_incident", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statuspages_incident_page_created", ["page_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_statuspages_incident_page_resolved", ["page_id", "resolved_at"], unique=False
        )
        batch_op.create_index(
            "ix_statuspages_incident_page_status", ["page_id", "status"], unique=False
        )

    op.create_table(
        "statuspages_subscriber",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("webhook_url", sa.String(length=2048), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_subscriber_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_subscriber")),
    )
    with op.batch_alter_table("statuspages_subscriber", schema=None) as batch_op:
        batch_op.create_index(
            "uq_statuspages_subscriber_page_email", ["page_id", "email"], unique=True
        )
        batch_op.create_index(
            "uq_statuspages_subscriber_page_webhook", ["page_id", "webhook_url"], unique=True
        )

    op.create_table(
        "statuspages_component_status_change",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("component_id", sa.String(length=32), nullable=False),
        sa.Column("old_status", sa.String(length=32), nullable=True),
        sa.Column("new_status", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["statuspages_component.id"],
            name=op.f("fk_statuspages_component_status_change_component_id_statuspages_component"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_component_status_change")),
    )
    with op.batch_alter_table("statuspages_component_status_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statuspages_status_change_component_at",
            ["component_id", "changed_at"],
            unique=False,
        )

    op.create_table(
        "statuspages_incident_update",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["statuspages_incident.id"],
            name=op.f("fk_statuspages_incident_update_incident_id_statuspages_incident"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_incident_update")),
    )
    with op.batch_alter_table("statuspages_incident_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_incident_update_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statuspages_incident_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_incident_update_incident_id"))

    op.drop_table("statuspages_incident_update")
    with op.batch_alter_table("statuspages_component_status_change", schema=None) as batch_op:
        batch_op.drop_index("ix_statuspages_status_change_component_at")

    op.drop_table("statuspages_component_status_change")
    with op.batch_alter_table("statuspages_subscriber", schema=None) as batch_op:
        batch_op.drop_index("uq_statuspages_subscriber_page_webhook")
        batch_op.drop_index("uq_statuspages_subscriber_page_email")

    op.drop_table("statuspages_subscriber")
    with op.batch_alter_table("statuspages_incident", schema=None) as batch_op:
        batch_op.drop_index("ix_statuspages_incident_page_status")
        batch_op.drop_index("ix_statuspages_incident_page_resolved")
        batch_op.drop_index("ix_statuspages_incident_page_created")

    op.drop_table("statuspages_incident")
    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_component_page_id"))

    op.drop_table("statuspages_component")
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_index("ix_statuspages_page_owner_created")

    op.drop_table("statuspages_page")
    with op.batch_alter_table("statuspages_api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_api_token_owner"))

    op.drop_table("statuspages_api_token")
