"""The shipped migrations give exactly the models' schema, and go down and up again."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import MetaData, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url

from flask_statuspages import StatusPages, migrate, rules
from flask_statuspages.models import Base

from .conftest import PG_URL

(HEAD,) = ScriptDirectory(str(migrate.VERSIONS_DIR.parent)).get_heads()


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


def _standalone_app(database_url: str) -> tuple[Flask, StatusPages]:
    """An app on ``database_url`` with the extension's own Flask-SQLAlchemy."""
    app = Flask("migrations")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config.update(SECRET_KEY="s", SERVER_NAME="localhost")
    return app, StatusPages(app)


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
    app, _ = _standalone_app(empty_database_url)
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
    app, _ = _standalone_app(empty_database_url)
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


@pytest.fixture
def migrated_by_host(empty_database_url, tmp_path, monkeypatch):
    """docs/migrations.md: a host whose Flask-Migrate ran our branch from its own history."""
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
        yield app, db.engine
        db.engine.dispose()


# Flask-Migrate's generated env.py still tries the older get_engine() first.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_flask_migrate_recipe(migrated_by_host) -> None:
    import flask_migrate

    app, engine = migrated_by_host
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [HEAD]
    flask_migrate.downgrade(revision="statuspages@base")
    assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())


# ------------------------------------------- a history kept somewhere else


def _fingerprint(engine) -> dict[str, object]:
    """Every table with its columns, indexes and rows: equal means the database is unchanged."""
    found: dict[str, object] = {}
    inspector = inspect(engine)
    with engine.connect() as conn:
        for name in sorted(inspector.get_table_names()):
            columns = [c["name"] for c in inspector.get_columns(name)]
            indexes = sorted(i["name"] or "" for i in inspector.get_indexes(name))
            rows = sorted(map(repr, conn.execute(text(f"SELECT * FROM {name}")).all()))
            found[name] = (columns, indexes, rows)
    return found


def _assert_refused(result, expected: str) -> None:
    """One line saying what to run instead, a non-zero exit, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert expected in lines[0]


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_cli_refuses_a_history_kept_by_the_hosts_alembic(migrated_by_host) -> None:
    app, engine = migrated_by_host
    before = _fingerprint(engine)
    assert migrate.VERSION_TABLE not in before
    runner = app.test_cli_runner()
    upgrade = runner.invoke(args=["statuspages", "db", "upgrade"])
    _assert_refused(upgrade, "run `flask db upgrade statuspages@head` instead")
    assert f"alembic_version holds {HEAD}" in upgrade.output
    downgrade = runner.invoke(args=["statuspages", "db", "downgrade", "base"])
    _assert_refused(downgrade, "run `flask db downgrade statuspages@base` instead")
    stamp = runner.invoke(args=["statuspages", "db", "stamp", "head"])
    _assert_refused(stamp, "run `flask db stamp statuspages@head` instead")
    assert _fingerprint(engine) == before
    current = runner.invoke(args=["statuspages", "db", "current"])
    assert current.exit_code == 0
    assert current.output == (
        f"{HEAD} (head), in your app's alembic_version:"
        " migrated with `flask db`, not `flask statuspages db`.\n"
    )


def test_cli_asks_to_stamp_tables_made_by_create_all(empty_database_url) -> None:
    app, ext = _standalone_app(empty_database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        engine = ext.session.get_bind()
        ext.create_all()
        before = _fingerprint(engine)
        upgrade = runner.invoke(args=["statuspages", "db", "upgrade"])
        _assert_refused(upgrade, "record that with `flask statuspages db stamp head`")
        assert "flask db stamp" not in upgrade.output  # no Alembic of the host's here
        assert _fingerprint(engine) == before
        current = runner.invoke(args=["statuspages", "db", "current"])
        assert "`flask statuspages db stamp head`" in current.output
        stamped = runner.invoke(args=["statuspages", "db", "stamp", "head"])
        assert stamped.exit_code == 0, stamped.output
        assert runner.invoke(args=["statuspages", "db", "current"]).output == f"{HEAD} (head)\n"
        assert runner.invoke(args=["statuspages", "db", "upgrade"]).exit_code == 0
        assert _diff(engine) == []
        engine.dispose()


def test_create_all_beside_a_hosts_alembic_names_both_stamps(empty_database_url) -> None:
    app, ext = _standalone_app(empty_database_url)
    with app.app_context():
        engine = ext.session.get_bind()
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('9f1ad19d94ce')"))
        ext.create_all()
        before = _fingerprint(engine)
        result = app.test_cli_runner().invoke(args=["statuspages", "db", "upgrade"])
        _assert_refused(result, "`flask statuspages db stamp head` (or `flask db stamp")
        assert _fingerprint(engine) == before
        engine.dispose()


def test_a_failing_upgrade_leaves_nothing_half_done(empty_database_url) -> None:
    """The last revision fails (its index name is taken): no table and no version remain."""
    app, _ = _standalone_app(empty_database_url)
    with app.app_context():
        engine = app.extensions["statuspages"].db.engine
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE host_thing (id INTEGER PRIMARY KEY)"))
            conn.execute(
                text(
                    "CREATE INDEX ix_statuspages_maintenance_update_maintenance_id"
                    " ON host_thing (id)"
                )
            )
        before = _fingerprint(engine)
        with pytest.raises(Exception, match="ix_statuspages_maintenance_update_maintenance_id"):
            migrate.upgrade()
        assert _fingerprint(engine) == before
        engine.dispose()


def test_cli_says_in_one_line_what_is_missing_and_writes_nothing(empty_database_url) -> None:
    app, _ = _standalone_app(empty_database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        engine = app.extensions["statuspages"].db.engine
        for args in (
            ["create-token", "acme"],
            ["list-tokens"],
            ["revoke-token", "x"],
            ["demo"],
            ["worker", "--burst"],
        ):
            result = runner.invoke(args=["statuspages", *args])
            _assert_refused(result, "run `flask statuspages db upgrade` first")
        for args in (["upgrade", "nonsense"], ["stamp", "nonsense"], ["downgrade", "nonsense"]):
            result = runner.invoke(args=["statuspages", "db", *args])
            _assert_refused(result, "Can't locate revision identified by 'nonsense'")
        assert _fingerprint(engine) == {}
        engine.dispose()


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_missing_tables_of_a_host_history_name_its_command(migrated_by_host) -> None:
    app, engine = migrated_by_host
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE statuspages_api_token"))
    result = app.test_cli_runner().invoke(args=["statuspages", "list-tokens"])
    _assert_refused(result, "(no statuspages_api_token); run `flask db upgrade statuspages@head`")


def test_stamping_head_checks_the_tables_first(empty_database_url) -> None:
    """Tables made by an older version's create_all() are stamped at what they match."""
    app, ext = _standalone_app(empty_database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        engine = ext.session.get_bind()
        # As made by create_all() before maintenance windows existed: 0003's tables, unrecorded.
        upgraded = runner.invoke(args=["statuspages", "db", "upgrade", "0003_public_face"])
        assert upgraded.exit_code == 0, upgraded.output
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE statuspages_alembic_version"))
        before = _fingerprint(engine)
        refused = runner.invoke(args=["statuspages", "db", "stamp", "head"])
        _assert_refused(refused, "differ from this version's models (")
        assert "e.g. add_table statuspages_" in refused.output
        assert _fingerprint(engine) == before
        stamped = runner.invoke(args=["statuspages", "db", "stamp", "0003_public_face"])
        assert stamped.exit_code == 0, stamped.output
        assert runner.invoke(args=["statuspages", "db", "upgrade"]).exit_code == 0
        assert _diff(engine) == []
        engine.dispose()


def test_sqlite_apps_that_begin_transactions_themselves_migrate_too(tmp_path) -> None:
    """SQLAlchemy's recipe for transactional SQLite (its own BEGIN in a "begin" hook)."""
    app, ext = _standalone_app(f"sqlite:///{tmp_path / 'recipe.db'}")
    with app.app_context():
        engine = ext.session.get_bind()

        @event.listens_for(engine, "connect")
        def driver_in_autocommit(dbapi_connection, record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def emit_begin(connection):
            connection.exec_driver_sql("BEGIN")

        migrate.upgrade()
        assert _diff(engine) == []
        migrate.downgrade("base")
        assert _tables(engine) == set()
        engine.dispose()


# ------------------------------------------ an upgrade keeps what was there

_BEFORE_GROUPS = "0005_domain_ownership"
_T0 = datetime(2026, 11, 1, 12, 0)  # naive UTC, as the tables keep it


def _at(minutes: int) -> datetime:
    return _T0 + timedelta(minutes=minutes)


def _page(page_id: str, slug: str) -> dict[str, Any]:
    return {
        "id": page_id,
        "owner": "acme",
        "name": slug.title(),
        "slug": slug,
        "is_public": True,
        "theme": {},
        "enabled": True,
        "ip_allowlist": [],
        "uptime_days": 90,
        "show_uptime": True,
        "show_incident_history": True,
        "public_version": 1,
        "created_at": _T0,
        "updated_at": _T0,
    }


def _component(cid: str, page_id: str, group_name: str | None, order: int) -> dict[str, Any]:
    return {
        "id": cid,
        "page_id": page_id,
        "name": cid.upper(),
        "status": "operational",
        "display_order": order,
        "group_name": group_name,
        "show_uptime": True,
        "created_at": _T0,
        "updated_at": _T0,
    }


def _rows_before_groups() -> dict[str, list[dict[str, Any]]]:
    """A row (or more) in every table of 0005, in an order their foreign keys accept."""
    return {
        "statuspages_api_token": [
            {"id": "t1", "owner": "acme", "token_hash": "0" * 64, "created_at": _T0}
        ],
        "statuspages_page": [_page("p1", "one"), _page("p2", "two")],
        "statuspages_component": [
            _component("api", "p1", "Backend", 2),
            _component("db", "p1", "Backend", 1),
            _component("cdn", "p1", "Edge", 5),
            _component("web", "p1", None, 0),
            _component("x", "p2", "Backend", 3),  # the same name on another page
        ],
        "statuspages_component_status_change": [
            {
                "id": "sc1",
                "component_id": "api",
                "old_status": None,
                "new_status": "operational",
                "changed_at": _T0,
            },
        ],
        "statuspages_incident": [
            {
                "id": "i1",
                "page_id": "p1",
                "title": "Down",
                "message": "Oops",
                "severity": "major",
                "status": "resolved",
                "resolved_at": _at(30),
                "created_at": _at(5),
                "updated_at": _at(30),
            },
            {
                "id": "i2",
                "page_id": "p2",
                "title": "Slow",
                "message": None,
                "severity": "minor",
                "status": "investigating",
                "resolved_at": None,
                "created_at": _at(7),
                "updated_at": _at(7),
            },
        ],
        "statuspages_incident_update": [
            {
                "id": "u1",
                "incident_id": "i1",
                "seq": 0,
                "status": "investigating",
                "message": "Oops",
                "created_at": _at(5),
            },
            {
                "id": "u2",
                "incident_id": "i1",
                "seq": 1,
                "status": "resolved",
                "message": None,
                "created_at": _at(30),
            },
        ],
        "statuspages_maintenance": [
            {
                "id": "m1",
                "page_id": "p1",
                "title": "Upgrade",
                "message": None,
                "status": "scheduled",
                "scheduled_for": _at(600),
                "scheduled_until": _at(660),
                "auto_transition": True,
                "component_ids": ["db"],
                "created_at": _T0,
                "updated_at": _T0,
            },
        ],
        "statuspages_maintenance_update": [
            {
                "id": "mu1",
                "maintenance_id": "m1",
                "seq": 0,
                "status": "scheduled",
                "message": "Planned",
                "created_at": _T0,
            },
        ],
        "statuspages_subscriber": [
            {
                "id": "s1",
                "page_id": "p1",
                "email": "ops@acme.com",
                "verified_at": _T0,
                "created_at": _T0,
                "failure_streak": 0,
                "components_only": True,
            },
            {
                "id": "s2",
                "page_id": "p1",
                "webhook_url": "https://hooks.acme.com/x",
                "secret": "k",
                "created_at": _T0,
                "failure_streak": 2,
                "components_only": False,
            },
        ],
        "statuspages_subscriber_component": [{"subscriber_id": "s1", "component_id": "api"}],
        "statuspages_event": [
            {
                "id": "e1",
                "page_id": "p1",
                "kind": "incident.created",
                "payload": {"a": 1},
                "component_ids": [],
                "created_at": _at(5),
            },
        ],
        "statuspages_delivery": [
            {
                "id": "d1",
                "event_id": "e1",
                "subscriber_id": "s1",
                "page_id": "p1",
                "channel": "email",
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": _at(5),
                "sent_at": _at(6),
                "created_at": _at(5),
            },
        ],
    }


def _all(engine, table) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(table)).mappings())


def test_upgrade_keeps_every_row_and_turns_group_names_into_groups(empty_database_url) -> None:
    app, _ = _standalone_app(empty_database_url)
    with app.app_context():
        engine = app.extensions["statuspages"].db.engine
        migrate.upgrade(_BEFORE_GROUPS)
        old = MetaData()
        old.reflect(engine)
        rows = _rows_before_groups()
        assert set(rows) == set(old.tables) - {migrate.VERSION_TABLE}, "a row in every table"
        with engine.begin() as conn:
            for name, items in rows.items():
                for item in items:  # one by one: the rows of a table set different columns
                    conn.execute(old.tables[name].insert().values(**item))

        migrate.upgrade()
        assert _diff(engine) == []
        tables = Base.metadata.tables
        for name, items in rows.items():
            key = "component_id" if name == "statuspages_subscriber_component" else "id"
            kept = {row[key] for row in _all(engine, tables[name])}
            assert kept == {item[key] for item in items}, name

        groups = {(g["page_id"], g["name"]): g for g in _all(engine, tables[_GROUP_TABLE])}
        assert {k: g["display_order"] for k, g in groups.items()} == {
            ("p1", "Backend"): 1,  # ordered by the first display order of their components
            ("p1", "Edge"): 5,
            ("p2", "Backend"): 3,
        }
        assert all(not g["collapsed"] and g["description"] is None for g in groups.values())
        members = {c["id"]: c["group_id"] for c in _all(engine, tables["statuspages_component"])}
        assert members == {
            "api": groups["p1", "Backend"]["id"],
            "db": groups["p1", "Backend"]["id"],
            "cdn": groups["p1", "Edge"]["id"],
            "web": None,
            "x": groups["p2", "Backend"]["id"],
        }
        for incident in _all(engine, tables["statuspages_incident"]):
            assert incident["components"] == {}
            assert incident["started_at"] == incident["created_at"]
            assert incident["postmortem"] is None
        updates = _all(engine, tables["statuspages_incident_update"])
        assert {u["id"]: u["status"] for u in updates} == {"u1": "investigating", "u2": "resolved"}
        assert all(u["components"] == [] and u["edited_at"] is None for u in updates)
        for page in _all(engine, tables["statuspages_page"]):
            assert page["subscriptions_enabled"] and page["time_zone"] == "UTC"
            assert not page["hide_branding"] and not page["robots_noindex"]
            assert page["allow_email_subscribers"] and page["allow_webhook_subscribers"]
            embed = {k.removeprefix("embed_"): v for k, v in page.items() if "embed_" in k}
            assert embed == rules.EMBED_DEFAULTS  # 0007: the status embed's defaults

        migrate.downgrade(_BEFORE_GROUPS)
        back = MetaData()
        back.reflect(engine)
        assert _GROUP_TABLE not in back.tables
        names = {
            c["id"]: c["group_name"] for c in _all(engine, back.tables["statuspages_component"])
        }
        assert names == {c["id"]: c["group_name"] for c in rows["statuspages_component"]}
        statuses = {u["id"]: u["status"] for u in _all(engine, back.tables[_UPDATE_TABLE])}
        assert statuses == {"u1": "investigating", "u2": "resolved"}
        engine.dispose()


_GROUP_TABLE = "statuspages_component_group"
_UPDATE_TABLE = "statuspages_incident_update"
