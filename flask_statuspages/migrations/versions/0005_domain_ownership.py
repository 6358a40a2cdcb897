"""custom domains: unique once verified, not when claimed

Revision ID: 0005_domain_ownership
Revises: 0004_maintenance
Create Date: 2026-12-03

A page may claim a domain that another page claims too; only a verified
domain is unique (a partial unique index). Ownership is proved by a TXT
record whose value is derived from the secret key and the page id, so no
column is added. Domains verified before this revision stay verified.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_domain_ownership"
down_revision = "0004_maintenance"
branch_labels = None
depends_on = None

VERIFIED = sa.text("custom_domain_verified_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_constraint("uq_statuspages_page_custom_domain", type_="unique")
        batch_op.create_index(
            "uq_statuspages_page_verified_domain",
            ["custom_domain"],
            unique=True,
            sqlite_where=VERIFIED,
            postgresql_where=VERIFIED,
        )


def downgrade() -> None:
    """Back to one claim per domain: fails if two pages claim one (resolve that first)."""
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_index("uq_statuspages_page_verified_domain")
        batch_op.create_unique_constraint("uq_statuspages_page_custom_domain", ["custom_domain"])
