"""The extension's own Alembic migrations, run with the app's database engine.

Revisions live in ``flask_statuspages/migrations/versions`` on the branch
``statuspages``. Run standalone (``flask statuspages db upgrade``) they keep
their version in ``statuspages_alembic_version`` so they never meet the
host's own Alembic history; hosts on Flask-Migrate can instead add the folder
to their ``version_locations`` (see docs/migrations.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config

from .state import get_state

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "statuspages_alembic_version"


@contextmanager
def alembic_config() -> Iterator[Config]:
    """An Alembic config bound to a connection of the current app's engine."""
    config = Config()
    config.set_main_option("script_location", str(VERSIONS_DIR.parent))
    with get_state().db.engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["version_table"] = VERSION_TABLE
        yield config


def upgrade(revision: str = "heads") -> None:
    with alembic_config() as config:
        command.upgrade(config, revision)


def downgrade(revision: str) -> None:
    with alembic_config() as config:
        command.downgrade(config, revision)


def current() -> None:
    with alembic_config() as config:
        command.current(config, verbose=False)
