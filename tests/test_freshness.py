"""Page refs cached per process while no page changed, and never stale.

A change made by any process (another app, another OS process, a worker) is
seen by the very next public request everywhere; between changes, public
requests do not touch the database.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from flask_statuspages import access, freshness, models

from .conftest import PREFIX, ApiClient, header_owner, make_app


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The slugs looked up in the database (the driver-level query is not an
    engine event, so ``count_queries`` cannot see it)."""
    seen: list[str] = []
    real = access._query_ref

    def counting(value: str, *args: Any) -> Any:
        seen.append(value)
        return real(value, *args)

    monkeypatch.setattr(access, "_query_ref", counting)
    yield seen


# ------------------------------------------------------------------ counters


def test_a_file_counter_is_shared_by_every_mapping_of_it(tmp_path) -> None:
    path = str(tmp_path / "db.sqlite-statuspages-version")
    writer, reader = freshness.FileCounter(path), freshness.FileCounter(path)
    assert reader.value() == 0
    writer.bump()
    writer.bump()
    assert reader.value() == 2
    with open(path, "rb") as fh:
        assert len(fh.read()) == 8


def test_a_file_counter_that_cannot_be_opened_reads_nothing(tmp_path) -> None:
    counter = freshness.FileCounter(str(tmp_path / "missing-dir" / "version"))
    assert counter.value() is None
    counter.bump()  # nothing to move, and no error
    cache: freshness.Cached[str] = freshness.Cached(counter)
    assert cache.current() is None


def test_where_the_counter_lives(tmp_path) -> None:
    sqlite = freshness.counter_for(make_url(f"sqlite:///{tmp_path}/status.db"), None)
    assert isinstance(sqlite, freshness.FileCounter)
    assert sqlite.path == f"{tmp_path}/status.db-statuspages-version"
    # SQLite is on one host: its file wins over Redis.
    both = freshness.counter_for(make_url(f"sqlite:///{tmp_path}/s.db"), "redis://127.0.0.1:1/0")
    assert isinstance(both, freshness.FileCounter)
    assert freshness.counter_for(make_url("sqlite://"), None) is None
    postgres = make_url("postgresql+psycopg://postgres@127.0.0.1/x")
    assert freshness.counter_for(postgres, None) is None
    redis = freshness.counter_for(postgres, "redis://127.0.0.1:1/0")
    assert isinstance(redis, freshness.RedisCounter)
    # One host, by the operator's word: a file for any database.
    chosen = freshness.counter_for(postgres, "redis://127.0.0.1:1/0", str(tmp_path / "v"))
    assert isinstance(chosen, freshness.FileCounter) and chosen.path == str(tmp_path / "v")


def test_cached_values_are_dropped_when_the_counter_moves(tmp_path) -> None:
    counter = freshness.FileCounter(str(tmp_path / "version"))
    cache: freshness.Cached[str] = freshness.Cached(counter)
    seen = cache.current()
    cache.put("a", seen, "old")
    assert cache.get("a", cache.current()) == "old"
    cache.changed()
    assert cache.get("a", cache.current()) is None
    cache.put("a", seen, "read before the change")  # refused: read under the old value
    assert cache.get("a", cache.current()) is None


# ------------------------------------------------------------ through the app


def _two_apps(database_url: str, **config: Any) -> tuple[ApiClient, Any, Any]:
    writer_app, writer_ext, writer_db = make_app(database_url, **config)
    writer_ext.owner_loader(header_owner)
    with writer_app.app_context():
        writer_ext.create_all()
    reader_app, _, reader_db = make_app(database_url, **config)
    return ApiClient(writer_app, "acme"), reader_app, (writer_app, writer_db, reader_app, reader_db)


def _dispose(apps: Any) -> None:
    writer_app, writer_db, reader_app, reader_db = apps
    for app, db in ((writer_app, writer_db), (reader_app, reader_db)):
        with app.app_context():
            db.engine.dispose()


def _counter_config(backend: str, where: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """SQLite needs nothing (the file beside it); other databases count in Redis, or
    in a file named by the setting (on one host)."""
    if where == "file":
        path = request.getfixturevalue("tmp_path") / "counter"
        return {"STATUSPAGES_CHANGE_COUNTER_FILE": str(path)}
    if backend == "sqlite":
        return {}
    return {"STATUSPAGES_REDIS_URL": request.getfixturevalue("redis_url")}


@pytest.mark.parametrize("where", ["default", "file"])
def test_reads_between_changes_skip_the_database_and_are_never_stale(
    database_url, backend, where, request, lookups
) -> None:
    config = _counter_config(backend, where, request)
    writer, reader_app, apps = _two_apps(database_url, **config)
    page = writer.make_page(name="Cached")
    component = writer.make_component(page["id"], name="API")
    reader = reader_app.test_client()
    url = f"{PREFIX}/public/{page['slug']}"
    html = f"{reader_app.config['STATUSPAGES_SITE_PREFIX']}/{page['slug']}"
    assert reader.get(url).json["components"][0]["status"] == "operational"
    assert reader.get(html).status_code == 200
    lookups.clear()
    for _ in range(3):
        assert reader.get(url).status_code == 200
        assert reader.get(html).status_code == 200
    assert lookups == []
    writer.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    assert reader.get(url).json["components"][0]["status"] == "major_outage"
    assert "Major outage" in reader.get(html).text
    writer.put(f"/{page['id']}", json={"password": "open sesame"})
    assert reader.get(url).status_code == 401
    writer.put(f"/{page['id']}", json={"is_public": False})
    assert reader.get(url).status_code == 404
    assert reader.get(html).status_code == 404
    writer.delete(f"/{page['id']}")
    assert reader.get(url).status_code == 404
    _dispose(apps)


def test_a_change_made_by_another_os_process_is_seen_on_the_next_request(tmp_path) -> None:
    """A real second process (as another gunicorn worker, or the worker) writes the file."""
    database_url = f"sqlite:///{tmp_path / 'shared.db'}"
    writer, reader_app, apps = _two_apps(database_url)
    page = writer.make_page(name="Shared")
    component = writer.make_component(page["id"], name="API")
    reader = reader_app.test_client()
    url = f"{PREFIX}/public/{page['slug']}"
    assert reader.get(url).json["components"][0]["status"] == "operational"
    script = textwrap.dedent(
        f"""
        from tests.conftest import ApiClient, header_owner, make_app
        app, ext, db = make_app({database_url!r})
        ext.owner_loader(header_owner)
        response = ApiClient(app, "acme").put(
            "/{page["id"]}/components/{component["id"]}", json={{"status": "partial_outage"}}
        )
        assert response.status_code == 200, response.json
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert reader.get(url).json["components"][0]["status"] == "partial_outage"
    _dispose(apps)


def test_a_lookup_in_an_open_transaction_is_not_cached(app, db) -> None:
    """What an open transaction reads may be rolled back: it must not be remembered."""
    with app.test_request_context():
        db.session.add(models.Page(owner="acme", name="Draft", slug="draft", theme={}))
        db.session.flush()
        assert access.page_ref("draft") is not None
        db.session.rollback()
    with app.test_request_context():
        assert access.page_ref("draft") is None


def test_lookup_connections_close_with_the_engine(app, db, api) -> None:
    page = api.make_page()
    with app.app_context():
        engine = db.engine
        assert access._query_ref(page["slug"]) is not None
        lookups = access._LOOKUPS[engine]
        assert lookups._idle
        engine.dispose()
        assert lookups._idle == []
        # And it reconnects when used again.
        assert access._query_ref(page["slug"]) is not None
