#!/usr/bin/env python
"""Metric benchmarks of flask-statuspages (see bench/README.md).

    python bench/metrics_bench.py            # full run on SQLite (about 2 minutes)
    python bench/metrics_bench.py --quick    # fewer, shorter rounds (about 30 seconds)
    python bench/metrics_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Two ratios, each against a baseline measured in the same run, round after round
(the two sides one after the other), each the median of its rounds' ratios:

(1) points/s written by ``POST {prefix}/<page_id>/metrics/<metric_id>/data``
    (batches of 3,000 points, through the whole app: JSON, validation, one
    upsert, commit, signals) / points/s of a bare DB-API ``executemany`` of the
    same rows into the same table, committed per batch (target >= 0.5);
(2) requests/s of the HTML page and of the page JSON of a page with 10 metrics
    of 30 days at one point per minute (432,000 readings) / the same page
    without metrics (target >= 0.8); the first answer after a change (the
    snapshot built, the charts aggregated) is timed beside it.

Requests are WSGI calls in this process (no sockets: the cost measured is the
app's). It is a measurement, not a test: it prints figures and exits 0 whatever
they are. With ``--database-url`` (PostgreSQL) a throwaway database is made
beside the one named and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

OWNER = "bench"
PREFIX = "/api/ext/cockpit-pro/status-pages"
SITE = "/status"
BATCH = 3000
METRICS = 10
DAYS = 30
INGEST_TARGET = 0.5
PAGE_TARGET = 0.8


def say(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ database


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A fresh database: a SQLite file in a temporary directory, or a PostgreSQL
    database made beside ``url``'s and dropped afterwards."""
    if not url:
        folder = tempfile.mkdtemp(prefix="statuspages-metrics-bench-")
        try:
            yield f"sqlite:///{folder}/bench.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"statuspages_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(database_url: str) -> Any:
    """A host app with the extension, as a production host would configure it."""
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    from flask_statuspages import StatusPages

    app = Flask("statuspages_metrics_bench")
    app.config.update(
        SECRET_KEY="bench-secret",
        SQLALCHEMY_DATABASE_URI=database_url,
        STATUSPAGES_QUEUE="inline",
        STATUSPAGES_PUBLIC_RATE_LIMIT="100000000 per minute",
        STATUSPAGES_API_RATE_LIMIT=None,  # the scenes are set up through the admin API
        STATUSPAGES_PUBLIC_URL="http://127.0.0.1",
    )
    db = SQLAlchemy(app)
    ext = StatusPages(app, db=db)
    ext.owner_loader(lambda: OWNER)
    with app.app_context():
        ext.create_all()
    return app


# ------------------------------------------------------------------ WSGI calls


def _environ(path: str, method: str = "GET", body: bytes | None = None) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        path=path,
        method=method,
        base_url="http://127.0.0.1/",
        data=body,
        content_type="application/json" if body is not None else None,
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app: Any, environ: dict[str, Any], expect: str = "200") -> bytes:
    """One WSGI call of ``app``; its body."""
    import io

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith(expect):
            raise RuntimeError(f"{environ['PATH_INFO']} answered {status}")

    environ = dict(environ)
    if "wsgi.input" in environ and isinstance(environ["wsgi.input"], io.BytesIO):
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].getvalue())
    chunks = app(environ, start_response)
    try:
        return b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()


def api(app: Any, method: str, path: str, body: Any, expect: str = "201") -> Any:
    raw = json.dumps(body).encode()
    return json.loads(call(app, _environ(PREFIX + path, method, raw), expect) or b"null")


# ------------------------------------------------------------------ (1) ingest


def ingest_round(app: Any, page_id: str, batches: int, start: int) -> tuple[float, float]:
    """Points/s through the route and through a bare ``executemany``, ``batches``
    batches each, into fresh metrics (so both sides insert, not update)."""
    from flask_statuspages.state import db_session

    metric = api(app, "POST", f"/{page_id}/metrics", {"name": f"Ingest {start}"})
    bare = api(app, "POST", f"/{page_id}/metrics", {"name": f"Bare {start}"})
    bodies = []
    rows = []
    for batch in range(batches):
        first = start + batch * BATCH
        points = [{"timestamp": first + i, "value": (i % 97) * 1.5} for i in range(BATCH)]
        bodies.append(
            _environ(
                f"{PREFIX}/{page_id}/metrics/{metric['id']}/data",
                "POST",
                json.dumps({"data": points}).encode(),
            )
        )
        rows.append([(bare["id"], p["timestamp"], p["value"]) for p in points])

    started = time.perf_counter()
    for environ in bodies:
        call(app, environ, "201")
    route_rate = batches * BATCH / (time.perf_counter() - started)

    with app.app_context():
        engine = db_session().get_bind()
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            sql = (
                "INSERT INTO statuspages_metric_point (metric_id, ts, value)"
                f" VALUES ({mark}, {mark}, {mark})"
            )
            started = time.perf_counter()
            for batch_rows in rows:
                cursor.executemany(sql, batch_rows)
                connection.commit()
            bare_rate = batches * BATCH / (time.perf_counter() - started)
        finally:
            connection.close()
    return route_rate, bare_rate


def bench_ingest(app: Any, rounds: int, batches: int) -> None:
    say(f"(1) ingest: {rounds} rounds of {batches} batches of {BATCH:,} points")
    page = api(app, "POST", "/", {"name": "Ingest", "slug": "ingest"})
    now = int(time.time())
    ratios = []
    start = now - 80 * 86400  # inside the retention window, far from other rounds
    for number in range(rounds):
        route_rate, bare_rate = ingest_round(app, page["id"], batches, start)
        start += batches * BATCH + 1
        ratios.append(route_rate / bare_rate)
        say(
            f"    round {number + 1}: route {route_rate:,.0f} points/s,"
            f" bare executemany {bare_rate:,.0f} points/s, ratio {ratios[-1]:.2f}"
        )
    ratio = statistics.median(ratios)
    say(
        f"    median ratio {ratio:.2f} (target >= {INGEST_TARGET}): {verdict(ratio, INGEST_TARGET)}"
    )


# ------------------------------------------------------------------ (2) page


def load_readings(app: Any, metric_ids: list[str], now: int) -> None:
    """30 days at one point per minute for each metric, written in bulk."""
    from flask_statuspages.models import MetricPoint
    from flask_statuspages.state import db_session

    first = now - DAYS * 86400 + 120
    with app.app_context():
        session = db_session()
        table: Any = MetricPoint.__table__
        for n, metric_id in enumerate(metric_ids):
            rows = [
                {"metric_id": metric_id, "ts": ts, "value": 100 + (ts // 60 + n) % 50}
                for ts in range(first - first % 60, now, 60)
            ]
            for chunk in range(0, len(rows), 20_000):
                session.execute(table.insert(), rows[chunk : chunk + 20_000])
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(__import__("sqlalchemy").text("ANALYZE statuspages_metric_point"))
            session.commit()


def make_page(app: Any, slug: str, metrics: int) -> tuple[str, list[str]]:
    page = api(app, "POST", "/", {"name": f"Page {slug}", "slug": slug})
    for name in ("API", "Web", "Database", "Queue", "Search"):
        api(app, "POST", f"/{page['id']}/components", {"name": name})
    ids = [
        api(app, "POST", f"/{page['id']}/metrics", {"name": f"Metric {n}", "suffix": "ms"})["id"]
        for n in range(metrics)
    ]
    return page["id"], ids


def rate(app: Any, environ: dict[str, Any], seconds: float) -> float:
    """Answers per second of ``environ``, over about ``seconds``."""
    calls = 0
    started = time.perf_counter()
    while True:
        for _ in range(50):
            call(app, environ)
        calls += 50
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return calls / elapsed


def first_answer_ms(app: Any, page_id: str, environ: dict[str, Any]) -> float:
    """The first answer after a change (a page edit): snapshot built, page rendered."""
    api(app, "PATCH", f"/{page_id}", {"description": uuid.uuid4().hex}, "200")
    started = time.perf_counter()
    call(app, environ)
    return (time.perf_counter() - started) * 1000


def bench_page(app: Any, rounds: int, seconds: float) -> None:
    say(
        f"(2) public page: {METRICS} metrics x {DAYS} days at 1 point/min"
        f" ({METRICS * DAYS * 1440:,} readings) vs no metrics; {rounds} rounds of {seconds:g} s"
    )
    now = int(time.time())
    plain_id, _ = make_page(app, "plain", 0)
    rich_id, metric_ids = make_page(app, "rich", METRICS)
    started = time.perf_counter()
    load_readings(app, metric_ids, now)
    say(f"    readings loaded in {time.perf_counter() - started:.1f} s")
    paths = {
        "HTML page": f"{SITE}/{{slug}}",
        "page JSON": f"{PREFIX}/public/{{slug}}",
    }
    for label, path in paths.items():
        plain = _environ(path.format(slug="plain"))
        rich = _environ(path.format(slug="rich"))
        size_plain, size_rich = len(call(app, plain)), len(call(app, rich))
        ratios = []
        for number in range(rounds):
            if number % 2:  # alternate which side goes first
                rich_rate = rate(app, rich, seconds)
                pair = (rate(app, plain, seconds), rich_rate)
            else:
                plain_rate = rate(app, plain, seconds)
                pair = (plain_rate, rate(app, rich, seconds))
            ratios.append(pair[1] / pair[0])
            say(
                f"    {label} round {number + 1}: without {pair[0]:,.0f} req/s,"
                f" with metrics {pair[1]:,.0f} req/s, ratio {ratios[-1]:.2f}"
            )
        ratio = statistics.median(ratios)
        say(
            f"    {label}: {size_plain:,} B without, {size_rich:,} B with;"
            f" median ratio {ratio:.2f} (target >= {PAGE_TARGET}): {verdict(ratio, PAGE_TARGET)}"
        )
    html_plain, html_rich = _environ(f"{SITE}/plain"), _environ(f"{SITE}/rich")
    firsts_plain = [first_answer_ms(app, plain_id, html_plain) for _ in range(3)]
    firsts_rich = [first_answer_ms(app, rich_id, html_rich) for _ in range(3)]
    say(
        f"    first HTML answer after a change: {statistics.median(firsts_plain):.1f} ms"
        f" without, {statistics.median(firsts_rich):.1f} ms with metrics (median of 3)"
    )
    for period in ("day", "week", "month"):
        environ = _environ(f"{PREFIX}/public/rich/metrics?period={period}")
        api(app, "PATCH", f"/{rich_id}", {"description": uuid.uuid4().hex}, "200")
        started = time.perf_counter()
        call(app, environ)
        first = (time.perf_counter() - started) * 1000
        say(
            f"    GET /public/rich/metrics?period={period}: first {first:.1f} ms,"
            f" then {rate(app, environ, seconds / 2):,.0f} req/s"
        )


def verdict(ratio: float, target: float) -> str:
    return "meets the target" if ratio >= target else "BELOW the target"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 5
    batches = 5 if args.quick else 20
    seconds = 1.0 if args.quick else 3.0
    with database(args.database_url) as url:
        backend = url.split(":", 1)[0]
        say(f"flask-statuspages metric benchmarks on {backend}{' (quick)' if args.quick else ''}")
        app = make_app(url)
        try:
            bench_ingest(app, rounds, batches)
            bench_page(app, rounds, seconds)
        finally:
            with app.app_context():
                app.extensions["statuspages"].db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
