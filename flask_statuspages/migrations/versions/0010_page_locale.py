"""page locale: the language of a page's HTML, visitor pages and emails

Revision ID: 0010_page_locale
Revises: 0009_page_access
Create Date: 2026-12-03

Existing pages get none: they follow each visitor's Accept-Language, as before
(when everything was English).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_page_locale"
down_revision = "0009_page_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statuspages_page", schema=None) as batch_op:
        batch_op.drop_column("locale")
