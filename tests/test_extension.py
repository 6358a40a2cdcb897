"""Mounting the extension: factories, several apps, the host's db or our own."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy

from flask_statuspages import StatusPages
from flask_statuspages.extension import DEFAULT_CONFIG
from flask_statuspages.state import get_state


def _app(tmp_path, name: str = "host", **config) -> Flask:
    app = Flask(name, instance_path=str(tmp_path / name))
    app.config.update({"SECRET_KEY": "s", "SERVER_NAME": "status.example.com", **config})
    return app


def test_factory_pattern_and_config_defaults(tmp_path) -> None:
    statuspages = StatusPages()
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.db")
    statuspages.init_app(app)
    assert app.extensions["statuspages"].extension is statuspages
    for key, value in DEFAULT_CONFIG.items():
        assert app.config[key] == value
    assert "statuspages" in app.blueprints
    assert any(
        r.rule.startswith(DEFAULT_CONFIG["STATUSPAGES_URL_PREFIX"])
        for r in app.url_map.iter_rules()
    )


def test_init_twice_raises(tmp_path) -> None:
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    StatusPages(app)
    with pytest.raises(RuntimeError, match="already initialised"):
        StatusPages(app)


def test_use_before_init_raises_with_the_fix(tmp_path) -> None:
    app = _app(tmp_path)
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        get_state()


def test_host_db_is_used_and_tables_live_there(tmp_path) -> None:
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/host.db")
    db = SQLAlchemy(app)
    statuspages = StatusPages(app, db=db)
    with app.app_context():
        statuspages.create_all()
        assert get_state().db is db
        assert statuspages.session is db.session
        from sqlalchemy import inspect

        names = inspect(db.engine).get_table_names()
        assert names and all(n.startswith("statuspages_") for n in names)


def test_registered_sqlalchemy_is_picked_up(tmp_path) -> None:
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db = SQLAlchemy(app)
    StatusPages(app)
    with app.app_context():
        assert get_state().db is db


def test_own_db_defaults_to_sqlite_in_the_instance_folder(tmp_path) -> None:
    app = _app(tmp_path)
    statuspages = StatusPages(app)
    with app.app_context():
        statuspages.create_all()
        assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///statuspages.db"
        assert (tmp_path / "host" / "statuspages.db").exists()


def test_several_apps_in_one_process_are_independent(tmp_path) -> None:
    statuspages = StatusPages()
    statuspages.owner_loader(lambda: "acme")
    apps = []
    for name, prefix in (("one", "/status-api"), ("two", "/other/api")):
        app = _app(
            tmp_path,
            name,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/{name}.db",
            STATUSPAGES_URL_PREFIX=prefix,
        )
        statuspages.init_app(app)
        with app.app_context():
            statuspages.create_all()
        apps.append((app, prefix))
    (one, one_prefix), (two, two_prefix) = apps
    assert one.test_client().post(one_prefix + "/", json={"name": "Only here"}).status_code == 201
    assert one.test_client().get(one_prefix + "/").json["pagination"]["total"] == 1
    assert two.test_client().get(two_prefix + "/").json["pagination"]["total"] == 0
    assert two.test_client().get(one_prefix + "/").status_code == 404
    assert one.test_client().get(one_prefix + "/openapi.json").json["paths"].keys() != (
        two.test_client().get(two_prefix + "/openapi.json").json["paths"].keys()
    )


def test_hosts_flask_mail_is_kept(tmp_path) -> None:
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    mail = Mail(app)
    host_state = app.extensions["mail"]
    StatusPages(app)
    assert app.extensions["mail"] is host_state
    assert mail is not None


def test_without_flask_mail_one_is_set_up_from_mail_config(tmp_path) -> None:
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://", MAIL_SERVER="smtp.example.org")
    StatusPages(app)
    assert app.extensions["mail"].server == "smtp.example.org"


def test_missing_secret_key_fails_at_init_app_naming_both_keys(tmp_path) -> None:
    from flask_statuspages import tokens

    app = _app(tmp_path, SECRET_KEY=None, SQLALCHEMY_DATABASE_URI="sqlite://")
    with pytest.raises(RuntimeError) as refused:
        StatusPages(app)
    assert "SECRET_KEY" in str(refused.value) and "STATUSPAGES_SECRET_KEY" in str(refused.value)
    assert "statuspages" not in app.extensions and "statuspages" not in app.blueprints
    app.config["STATUSPAGES_SECRET_KEY"] = "own"
    StatusPages(app)
    with app.app_context():
        assert tokens.load(tokens.Purpose.VERIFY, tokens.dump(tokens.Purpose.VERIFY, {})) == {}


@pytest.mark.parametrize("queue", ["thread", "inline"])
def test_one_hook_on_the_host_app_which_starts_the_thread_queue(tmp_path, queue) -> None:
    app = _app(
        tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.db", STATUSPAGES_QUEUE=queue
    )
    app.add_url_rule("/host", "host", lambda: "the host's own route")
    StatusPages(app)
    hooks = app.before_request_funcs
    assert len(hooks[None]) == 1, "one hook on every request of the host app"
    assert set(hooks) - {None} <= {
        "statuspages",
        "statuspages_site",
        "statuspages_console",
    }, "the rest on ours only"
    state = app.extensions["statuspages"]
    assert app.test_client().get("/host").text == "the host's own route"
    if queue == "thread":  # started by the first request, on any route
        try:
            assert state.queue._thread is not None and state.queue._thread.is_alive()
        finally:
            state.queue.stop()
