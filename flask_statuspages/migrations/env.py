"""Alembic environment of the extension's standalone migrations (``flask statuspages db``)."""

from __future__ import annotations

from alembic import context

from flask_statuspages.models import Base

config = context.config
context.configure(
    connection=config.attributes["connection"],
    target_metadata=Base.metadata,
    version_table=config.attributes.get("version_table", "statuspages_alembic_version"),
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
