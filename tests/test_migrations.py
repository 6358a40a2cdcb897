"""The shipped migrations give exactly the models' schema, and go down and up again."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from flask_statuspages import StatusPages, migrate
from flask_statuspages.models import Base

from .conftest import PG_URL


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    assert PG_URL
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"statuspages_mig_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _diff(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [
            d
            for d in compare_metadata(context, Base.metadata)
            if not (d[0] == "remove_table" and d[1].name == migrate.VERSION_TABLE)
        ]


def _tables(engine) -> set[str]:
    return {t for t in inspect(engine).get_table_names() if t != migrate.VERSION_TABLE}


def test_upgrade_matches_models_downgrade_and_upgrade_again(empty_database_url) -> None:
    app = Flask("migrations")
    app.config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    app.config.update(SECRET_KEY="s", SERVER_NAME="localhost")
    StatusPages(app)
    with app.app_context():
        engine = app.extensions["statuspages"].db.engine
        migrate.upgrade()
        assert _tables(engine) == set(Base.metadata.tables)
        assert _diff(engine) == []
        migrate.downgrade("base")
        assert _tables(engine) == set()
        migrate.upgrade()
        assert _diff(engine) == []
        engine.dispose()


def test_cli_db_upgrade(empty_database_url) -> None:
    app = Flask("migrations_cli")
    app.config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    app.config.update(SECRET_KEY="s", SERVER_NAME="localhost")
    StatusPages(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["statuspages", "db", "upgrade"]).exit_code == 0
    with app.app_context():
        engine = app.extensions["statuspages"].db.engine
        assert _tables(engine) == set(Base.metadata.tables)
        result = runner.invoke(args=["statuspages", "db", "current"])
        assert result.exit_code == 0
        assert runner.invoke(args=["statuspages", "db", "downgrade", "base"]).exit_code == 0
        assert _tables(engine) == set()
        engine.dispose()


# Flask-Migrate's generated env.py still tries the older get_engine() first.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_flask_migrate_recipe(empty_database_url, tmp_path, monkeypatch) -> None:
    """docs/migrations.md: the host's Flask-Migrate runs our branch from its own history."""
    import os

    import flask_migrate
    from flask_sqlalchemy import SQLAlchemy

    monkeypatch.chdir(tmp_path)
    # The generated env.py's fileConfig() would disable every logger of the test process.
    monkeypatch.setattr("logging.config.fileConfig", lambda *args, **kwargs: None)
    app = Flask("host_with_migrate")
    app.config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    app.config.update(SECRET_KEY="s", SERVER_NAME="localhost")
    db = SQLAlchemy(app)
    StatusPages(app, db=db)

    def include_name(name, type_, parent_names):
        return type_ != "table" or not name.startswith("statuspages_")

    migrate_ext = flask_migrate.Migrate(app, db, include_name=include_name)

    @migrate_ext.configure
    def add_statuspages_migrations(config):
        own = os.path.join(config.get_main_option("script_location"), "versions")
        config.set_main_option("path_separator", "os")
        config.set_main_option(
            "version_locations", os.pathsep.join([own, str(migrate.VERSIONS_DIR)])
        )
        return config

    with app.app_context():
        flask_migrate.init()
        flask_migrate.upgrade(revision="statuspages@head")
        engine = db.engine
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert list(versions) == ScriptDirectory(str(migrate.VERSIONS_DIR.parent)).get_heads()
        flask_migrate.downgrade(revision="statuspages@base")
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
        engine.dispose()
