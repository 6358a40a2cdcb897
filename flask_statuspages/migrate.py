"""The extension's own Alembic migrations, run with the app's database engine.

Revisions live in ``flask_statuspages/migrations/versions`` on the branch
``statuspages``. Run standalone (``flask statuspages db upgrade``) they keep
their version in ``statuspages_alembic_version`` so they never meet the
host's own Alembic history; hosts on Flask-Migrate can instead add the folder
to their ``version_locations`` (see docs/migrations.md).

Before writing anything, each command looks at where the database's history
is kept (:func:`locate`). When it is not ours to move (:func:`refusal`) the
command raises :class:`HistoryElsewhere` and the database is left untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from .models import Base
from .state import get_state

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "statuspages_alembic_version"
#: Where a host's Alembic (Flask-Migrate) records its history.
HOST_VERSION_TABLE = "alembic_version"


class HistoryElsewhere(RuntimeError):
    """The extension's tables are not ours to migrate here; the message says what to run."""


@dataclass(frozen=True)
class History:
    """Where the database keeps the history of the extension's tables."""

    #: Revisions in ``statuspages_alembic_version`` (empty when absent or empty).
    own: tuple[str, ...]
    #: Our revisions recorded in the host's ``alembic_version``.
    host: tuple[str, ...]
    #: Whether the host has an ``alembic_version`` table at all.
    host_alembic: bool
    #: Whether any of the extension's tables exists.
    tables: bool
    #: The extension's tables that do not exist (all of them in an empty database).
    missing: tuple[str, ...] = ()


def script_directory() -> ScriptDirectory:
    return ScriptDirectory(str(VERSIONS_DIR.parent))


def locate(connection: Connection) -> History:
    """Read, without writing, where the history of the extension's tables is kept."""
    names = set(inspect(connection).get_table_names())
    ours = {script.revision for script in script_directory().walk_revisions()}
    own = _versions(connection, VERSION_TABLE) if VERSION_TABLE in names else ()
    host = _versions(connection, HOST_VERSION_TABLE) if HOST_VERSION_TABLE in names else ()
    return History(
        own=own,
        host=tuple(v for v in host if v in ours),
        host_alembic=HOST_VERSION_TABLE in names,
        tables=bool(names & set(Base.metadata.tables)),
        missing=tuple(sorted(set(Base.metadata.tables) - names)),
    )


def _versions(connection: Connection, table: str) -> tuple[str, ...]:
    rows = connection.execute(text(f"SELECT version_num FROM {table}")).scalars()
    return tuple(sorted(rows))


def refusal(history: History, action: str, revision: str) -> str | None:
    """Why ``flask statuspages db ACTION REVISION`` must not run here, in one line.

    ``None`` when it may. The host's history wins when it records our
    revisions; tables without any recorded revision (``create_all``) must be
    stamped before they are migrated.
    """
    if history.host:
        return (
            f"The statuspages tables are migrated by your app's Alembic history"
            f" ({HOST_VERSION_TABLE} holds {', '.join(history.host)});"
            f" run `flask db {action} {_host_target(revision)}` instead."
        )
    if action == "stamp" or history.own or not history.tables:
        return None
    also = (
        " (or `flask db stamp statuspages@head` if your Flask-Migrate runs these migrations)"
        if history.host_alembic
        else ""
    )
    return (
        "The statuspages tables exist but no revision is recorded for them (made by"
        " create_all?); if they match this version's models, record that with"
        f" `flask statuspages db stamp head`{also}, then run this again."
    )


def missing_tables() -> str | None:
    """What to run, in one line, when some of the extension's tables do not exist."""
    with _transaction(get_state().db.engine) as connection:
        history = locate(connection)
    if not history.missing:
        return None
    run = "flask db upgrade statuspages@head" if history.host else "flask statuspages db upgrade"
    shown = ", ".join(history.missing[:3]) + (", ..." if len(history.missing) > 3 else "")
    return f"The statuspages tables are not all there (no {shown}); run `{run}` first."


def _host_target(revision: str) -> str:
    if revision in ("head", "heads"):
        return "statuspages@head"
    if revision == "base":
        return "statuspages@base"
    return revision


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction around everything a command does, DDL included.

    PostgreSQL has transactional DDL; SQLite has it too, but its Python
    driver commits before each DDL statement unless left in autocommit and
    told ``BEGIN`` by hand, which is done here on this one connection only
    (or by the app's own ``begin`` hook, SQLAlchemy's recipe for SQLite).
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection.begin():
            if not getattr(connection.connection.dbapi_connection, "in_transaction", False):
                connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")


@contextmanager
def alembic_config(action: str = "current", revision: str = "heads") -> Iterator[Config]:
    """An Alembic config bound to a connection of the current app's engine.

    The connection is in one transaction; :class:`HistoryElsewhere` is raised
    before anything is written when the command must not run.
    """
    config = Config()
    config.set_main_option("script_location", str(VERSIONS_DIR.parent))
    with _transaction(get_state().db.engine) as connection:
        reason = refusal(locate(connection), action, revision)
        if reason is not None:
            raise HistoryElsewhere(reason)
        config.attributes["connection"] = connection
        config.attributes["version_table"] = VERSION_TABLE
        yield config


def upgrade(revision: str = "heads") -> None:
    with alembic_config("upgrade", revision) as config:
        command.upgrade(config, revision)


def downgrade(revision: str) -> None:
    with alembic_config("downgrade", revision) as config:
        command.downgrade(config, revision)


def stamp(revision: str) -> None:
    """Record REVISION as the tables' version without running any migration.

    Stamping ``head`` first checks that the tables are the models' own: tables
    made by an older version's ``create_all()`` would else never get what
    they lack.
    """
    with alembic_config("stamp", revision) as config:
        if revision in ("head", "heads"):
            differences = schema_differences(config.attributes["connection"])
            if differences:
                raise HistoryElsewhere(
                    f"The statuspages tables differ from this version's models"
                    f" ({len(differences)}, e.g. {differences[0]}); stamp the revision"
                    " they match instead, then upgrade."
                )
        command.stamp(config, revision)


def schema_differences(connection: Connection) -> list[str]:
    """How the extension's tables in the database differ from its models, one per line."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "include_name": lambda name, type_, parents: (
                type_ != "table" or name in Base.metadata.tables
            ),
        },
    )
    return [_describe(diff) for diff in compare_metadata(context, Base.metadata)]


def _describe(diff: Any) -> str:
    if isinstance(diff, list):  # modify_* come as lists of (kind, schema, table, column, ...)
        kind, _schema, table, column = diff[0][:4]
        return f"{kind} {table}.{column}"
    return f"{diff[0]} {getattr(diff[1], 'name', diff[1])}"


def current() -> str:
    """Where the extension's tables are, in one line, wherever their history is kept."""
    with _transaction(get_state().db.engine) as connection:
        history = locate(connection)
    heads = set(script_directory().get_heads())

    def revisions(found: tuple[str, ...]) -> str:
        return ", ".join(f"{r} (head)" if r in heads else r for r in found)

    if history.host:
        return (
            f"{revisions(history.host)}, in your app's {HOST_VERSION_TABLE}:"
            " migrated with `flask db`, not `flask statuspages db`."
        )
    if history.own:
        return revisions(history.own)
    reason = refusal(history, "current", "heads")
    return reason or "No revision: the tables do not exist yet (`flask statuspages db upgrade`)."
