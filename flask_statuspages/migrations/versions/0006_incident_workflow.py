"""incident workflow: affected components, groups, templates, postmortems, page fields

Revision ID: 0006_incident_workflow
Revises: 0005_domain_ownership
Create Date: 2026-12-03

Every existing row is kept. Each distinct ``group_name`` of a page becomes a
group (ordered by the first display order of its components) and its
components join it; incidents get an empty map of affected components and
start when they were created; updates keep their status.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0006_incident_workflow"
down_revision = "0005_domain_ownership"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statuspages_component_group",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("collapsed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_component_group_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_component_group")),
    )
    with op.batch_alter_table("statuspages_component_group", schema=None) as batch_op:
        batch_op.create_index(
            "uq_statuspages_component_group_page_name", ["page_id", "name"], unique=True
        )

    op.create_table(
        "statuspages_incident_template",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("page_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["statuspages_page.id"],
            name=op.f("fk_statuspages_incident_template_page_id_statuspages_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statuspages_incident_template")),
    )
    with op.batch_alter_table("statuspages_incident_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_incident_template_page_id"), ["page_id"], unique=False
        )

    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("support_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("privacy_url", sa.String(length=2048), nullable=True))
        for name, default in (
            ("hide_branding", sa.false()),
            ("robots_noindex", sa.false()),
            ("subscriptions_enabled", sa.true()),
        ):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=default, nullable=False)
            )
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )

    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.String(length=32), nullable=True))
    _groups_from_names()
    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statuspages_component_group_id"), ["group_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_statuspages_component_group_id_statuspages_component_group"),
            "statuspages_component_group",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("group_name")

    with op.batch_alter_table("statuspages_incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("components", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.add_column(sa.Column("postmortem", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("postmortem_published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("postmortem_updated_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE statuspages_incident SET started_at = created_at")
    with op.batch_alter_table("statuspages_incident", schema=None) as batch_op:
        batch_op.alter_column("started_at", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("statuspages_incident_update", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16), nullable=True)
        batch_op.add_column(
            sa.Column("components", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))


def _groups_from_names() -> None:
    """One group per distinct ``(page, group_name)``; its components join it."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT page_id, group_name, MIN(display_order) FROM statuspages_component"
            " WHERE group_name IS NOT NULL GROUP BY page_id, group_name"
        )
    ).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # the models keep naive UTC
    for page_id, name, order in rows:
        group_id = uuid.uuid4().hex
        connection.execute(
            sa.text(
                "INSERT INTO statuspages_component_group"
                " (id, page_id, name, description, display_order, collapsed,"
                " created_at, updated_at)"
                " VALUES (:id, :page_id, :name, NULL, :order, :collapsed, :now, :now)"
            ),
            {
                "id": group_id,
                "page_id": page_id,
                "name": name,
                "order": order or 0,
                "collapsed": False,
                "now": now,
            },
        )
        connection.execute(
            sa.text(
                "UPDATE statuspages_component SET group_id = :id"
                " WHERE page_id = :page_id AND group_name = :name"
            ),
            {"id": group_id, "page_id": page_id, "name": name},
        )


def downgrade() -> None:
    """Back to group names; updates without a status take their incident's."""
    op.execute(
        "UPDATE statuspages_incident_update SET status = (SELECT i.status FROM"
        " statuspages_incident i WHERE i.id = statuspages_incident_update.incident_id)"
        " WHERE status IS NULL"
    )
    with op.batch_alter_table("statuspages_incident_update", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
        batch_op.drop_column("components")
        batch_op.alter_column("status", existing_type=sa.String(length=16), nullable=False)
    with op.batch_alter_table("statuspages_incident", schema=None) as batch_op:
        for name in (
            "postmortem_updated_at",
            "postmortem_published_at",
            "postmortem",
            "components",
            "started_at",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_name", sa.String(length=255), nullable=True))
    op.execute(
        "UPDATE statuspages_component SET group_name = (SELECT g.name FROM"
        " statuspages_component_group g WHERE g.id = statuspages_component.group_id)"
    )
    with op.batch_alter_table("statuspages_component", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_statuspages_component_group_id_statuspages_component_group"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_statuspages_component_group_id"))
        batch_op.drop_column("group_id")

    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        for name in (
            "time_zone",
            "subscriptions_enabled",
            "robots_noindex",
            "hide_branding",
            "privacy_url",
            "support_url",
            "website_url",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("statuspages_incident_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statuspages_incident_template_page_id"))
    op.drop_table("statuspages_incident_template")
    with op.batch_alter_table("statuspages_component_group", schema=None) as batch_op:
        batch_op.drop_index("uq_statuspages_component_group_page_name")
    op.drop_table("statuspages_component_group")
