"""PostgreSQL under concurrent writes: no 500, no duplicate slug, limits hold."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from .conftest import PREFIX, _reset_postgres, header_owner, make_app

THREADS = 20


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
