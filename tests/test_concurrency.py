"""Concurrent writes: no 500, no duplicate slug, and the page limit holds on every database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest

from .conftest import PREFIX, _reset_postgres, header_owner, make_app

THREADS = 20
CREATES = 30
LIMIT = 3


@pytest.fixture
def pg_app(pg_url):
    app, ext, db = make_app(pg_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 2})
    ext.owner_loader(header_owner)
    with app.app_context():
        _reset_postgres(db)
    yield app
    with app.app_context():
        db.engine.dispose()


def _race(app, bodies, owner="acme"):
    barrier = Barrier(len(bodies))

    def create(body):
        client = app.test_client()
        barrier.wait()
        return client.post(PREFIX + "/", json=body, headers={"X-Owner": owner})

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(create, bodies))


def test_twenty_threads_same_name_all_succeed_with_distinct_slugs(pg_app) -> None:
    responses = _race(pg_app, [{"name": "Acme Status"}] * THREADS)
    assert [r.status_code for r in responses] == [201] * THREADS, [r.json for r in responses]
    slugs = {r.json["slug"] for r in responses}
    expected = {"acme-status"} | {f"acme-status-{n}" for n in range(2, THREADS + 1)}
    assert slugs == expected


def test_concurrent_creates_respect_the_page_limit(pg_app) -> None:
    pg_app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"] = 3
    responses = _race(pg_app, [{"name": f"P{n}"} for n in range(10)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 3 + [403] * 7


def test_concurrent_same_explicit_slug_one_wins(pg_app) -> None:
    responses = _race(pg_app, [{"name": "X", "slug": "contested"}] * 8)
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7


# ------------------------------------------- the page limit on every database


@pytest.fixture
def limited_app(database_url, backend):
    app, ext, db = make_app(
        database_url,
        STATUSPAGES_MAX_PAGES_PER_OWNER=LIMIT,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": CREATES + 2},
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        _reset_postgres(db) if backend == "postgresql" else ext.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def _assert_limit_held(app, codes, errors) -> None:
    assert sorted(codes) == [201] * LIMIT + [403] * (CREATES - LIMIT), codes
    assert set(errors) == {"page_limit_reached"}
    listed = app.test_client().get(PREFIX + "/", headers={"X-Owner": "acme"})
    assert listed.json["pagination"]["total"] == LIMIT


def test_thirty_simultaneous_creates_make_exactly_the_limit(limited_app) -> None:
    responses = _race(limited_app, [{"name": f"P{n}"} for n in range(CREATES)])
    errors = [r.json["error"]["code"] for r in responses if r.status_code == 403]
    _assert_limit_held(limited_app, [r.status_code for r in responses], errors)


#: Runs in each process of the next test: 10 threads that create at the same instant.
RACER = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from tests.conftest import PREFIX, header_owner, make_app

url, start, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
app, ext, db = make_app(url, STATUSPAGES_MAX_PAGES_PER_OWNER=int(sys.argv[4]))
ext.owner_loader(header_owner)
clients = [app.test_client() for _ in range(count)]

def create(n):
    time.sleep(max(0.0, start - time.time()))
    r = clients[n].post(PREFIX + "/", json={"name": "P"}, headers={"X-Owner": "acme"})
    return r.status_code, (r.json.get("error") or {}).get("code")

with ThreadPoolExecutor(count) as pool:
    print(json.dumps(list(pool.map(create, range(count)))))
"""


def test_creates_from_several_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    app, ext, db = make_app(url, STATUSPAGES_MAX_PAGES_PER_OWNER=LIMIT)
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
        db.engine.dispose()
    processes, per_process = 3, CREATES // 3
    start = time.time() + 3  # every process imported and ready by then
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, url, str(start), str(per_process), str(LIMIT)],
            stdout=subprocess.PIPE,
            env=env,
        )
        for _ in range(processes)
    ]
    results = []
    for racer in racers:
        out, _ = racer.communicate(timeout=60)
        assert racer.returncode == 0
        results += json.loads(out)
    codes = [status for status, _ in results]
    errors = [code for status, code in results if status == 403]
    _assert_limit_held(app, codes, errors)


def test_a_create_inside_the_hosts_open_sqlite_transaction_keeps_it(tmp_path: Path) -> None:
    from sqlalchemy import text

    from flask_statuspages.domain import pages

    app, ext, db = make_app(f"sqlite:///{tmp_path / 'host.db'}", STATUSPAGES_MAX_PAGES_PER_OWNER=1)
    with app.app_context():
        ext.create_all()
        db.session.execute(text("CREATE TABLE host_note (body TEXT)"))
        db.session.execute(text("INSERT INTO host_note VALUES ('before')"))  # opens a transaction
        pages.create_page("acme", {"name": "Mine"})  # commits the host's write with the page
        db.session.execute(text("INSERT INTO host_note VALUES ('again')"))
        with pytest.raises(Exception, match="allows 1 status pages"):
            pages.create_page("acme", {"name": "Two"})
        db.session.commit()  # the host's second write is still its own to commit
        assert db.session.scalar(text("SELECT count(*) FROM host_note")) == 2
        assert db.session.scalar(text("SELECT count(*) FROM statuspages_page")) == 1
        db.engine.dispose()
