#!/usr/bin/env python
"""Public-face benchmarks of flask-statuspages under gunicorn (see bench/README.md).

    python bench/public.py                      # full run on SQLite (about 4 minutes)
    python bench/public.py --quick              # fewer, shorter rounds (under a minute)
    python bench/public.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/statuspages_bench
    python bench/public.py --profile            # also profile one request of each kind

Three ratios, each against a baseline measured in the same run: in every
round the two servers (started afresh for it) are measured one after the
other, and each ratio is the median of the rounds' ratios:

(a) requests/s of ``GET {prefix}/public/<slug>`` (the page JSON) / a bare
    Flask route answering the same response, headers included (target >= 0.8);
    a bare route answering the same body alone is measured beside it;
(b) the same for the HTML page ``GET {site}/<slug>`` (one captured response:
    its nonce differs per answer) (target >= 0.8);
(c) requests/s of the JSON (and HTML) of a page with 500 components and
    20,000 past incidents / the same of a page with 5 components (target >= 0.8).

It is a measurement, not a test: it prints figures and exits 0 whatever they
are. Everything listens on 127.0.0.1 only. The same file is the gunicorn app
module (``public:extension_app()`` and ``public:bare_app()``), configured by
environment variables.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import multiprocessing as mp
import os
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

OWNER = "bench"
RATE_LIMIT = "100000000 per minute"
TARGET = 0.8
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
#: gunicorn settings shared by every server, so both sides of a ratio run alike.
#: One worker by default: with two, each round's keep-alive connections are
#: shared out by whichever worker wakes first to accept them, and a round where
#: one worker took them all ran at less than half the rate of one where they
#: were split (measured: 2,200 against 5,100 req/s, same bare server), which
#: made every ratio a lottery.
GUNICORN_ARGS = ["-w", "1", "-k", "gthread", "--threads", "4", "--keep-alive", "10"]
#: With two CPUs or more, servers run on the first and the load on the second,
#: so neither takes time from the other (``taskset``; empty when not possible).
SERVER_CPUS: list[str] = []
LOAD_CPUS: list[str] = []
CONNECTIONS = 8
#: No server or load process lives longer than this (seconds).
HARD_LIMIT = 900

BIG_COMPONENTS = 500
BIG_INCIDENTS = 20_000
HISTORY_DAYS = 730

ENV_DATABASE = "STATUSPAGES_BENCH_DATABASE_URL"
ENV_REDIS = "STATUSPAGES_BENCH_REDIS_URL"
ENV_COUNTER = "STATUSPAGES_BENCH_CHANGE_COUNTER_FILE"
ENV_BODIES = "STATUSPAGES_BENCH_BODIES"
#: Where the bare server answers a captured body without the extension's headers.
BODY_ONLY = "/body-only"
#: Headers the server or the response object sets by itself, not the view.
TRANSPORT_HEADERS = {
    "connection",
    "content-length",
    "content-type",
    "date",
    "keep-alive",
    "server",
    "transfer-encoding",
}


def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------- the apps gunicorn serves


def extension_app(database_url: str | None = None, redis_url: str | None = None) -> Any:
    """A host app with the extension, as a production host would configure it.

    Rate limits stay on (their cost is part of the request) but are set so
    high that they never answer 429; notifications run inline (no reader
    writes, so the queue is never used on this path).
    """
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    from flask_statuspages import StatusPages

    app = Flask("statuspages_bench")
    app.config.update(
        SECRET_KEY="bench-secret",
        SQLALCHEMY_DATABASE_URI=database_url or os.environ[ENV_DATABASE],
        STATUSPAGES_QUEUE="inline",
        STATUSPAGES_PUBLIC_RATE_LIMIT=RATE_LIMIT,
        # The scene is set up through the admin API as fast as it goes: no API limit.
        STATUSPAGES_API_RATE_LIMIT=None,
        STATUSPAGES_REDIS_URL=redis_url or os.environ.get(ENV_REDIS) or None,
        STATUSPAGES_CHANGE_COUNTER_FILE=os.environ.get(ENV_COUNTER) or None,
        # Where links point (a production host sets it; never a visitor's Host).
        STATUSPAGES_PUBLIC_URL="http://127.0.0.1",
    )
    db = SQLAlchemy(app)
    ext = StatusPages(app, db=db)
    ext.owner_loader(lambda: OWNER)
    return app


def bare_app(manifest: str | None = None, database_url: str | None = None) -> Any:
    """The baseline: plain Flask routes answering what the extension answered,
    in the same host app as :func:`extension_app` without the extension.

    Per captured answer, two routes: at the same path, the same response (its
    body, ``Content-Type`` and every header the extension sent, ``ETag``, CORS
    and security headers included); under :data:`BODY_ONLY`, the same body
    with its ``Content-Type`` alone.

    What the host has whether or not it installs the extension is on both sides:
    its secret key (Flask's cookie session is opened on every request) and its
    Flask-SQLAlchemy (whose teardown runs after every request).
    """
    from flask import Flask, Response
    from flask_sqlalchemy import SQLAlchemy

    app = Flask("statuspages_bench_bare")
    app.config.update(
        SECRET_KEY="bench-secret",
        SQLALCHEMY_DATABASE_URI=database_url or os.environ[ENV_DATABASE],
    )
    SQLAlchemy(app)
    with open(manifest or os.environ[ENV_BODIES]) as fh:
        entries = json.load(fh)
    for number, entry in enumerate(entries):
        with open(entry["file"], "rb") as body_file:
            body = body_file.read()
        content_type = entry["content_type"]
        headers = [tuple(header) for header in entry["headers"]]

        def same_response(
            body: bytes = body, content_type: str = content_type, headers: Any = headers
        ) -> Response:
            return Response(body, content_type=content_type, headers=headers)

        def same_body(body: bytes = body, content_type: str = content_type) -> Response:
            return Response(body, content_type=content_type)

        app.add_url_rule(entry["path"], f"response{number}", same_response)
        app.add_url_rule(BODY_ONLY + entry["path"], f"body{number}", same_body)
    return app


# ------------------------------------------------------------------ database


class Database:
    """The benchmark's database: a temporary SQLite file, or the one given.

    A given database gets the extension's tables dropped and created afresh,
    and dropped again at the end; it is refused if it holds pages that are
    not the benchmark's own.
    """

    def __init__(self, url: str | None) -> None:
        self.tmpdir: str | None = None
        if url is None:
            self.tmpdir = tempfile.mkdtemp(prefix="statuspages_bench_public_")
            url = f"sqlite:///{os.path.join(self.tmpdir, 'bench.db')}"
        self.url = url
        self.postgres = url.startswith("postgresql")
        self._engine: Any = None

    def label(self) -> str:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        if not self.postgres:
            return f"SQLite (temporary file {make_url(self.url).database})"
        engine = create_engine(self.url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return f"PostgreSQL {version} (database {make_url(self.url).database})"

    def ensure_exists(self) -> None:
        """Create the PostgreSQL database named in the URL if it is missing."""
        if not self.postgres:
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        engine.dispose()

    def refuse_foreign_pages(self, engine: Any) -> None:
        from sqlalchemy import inspect, text

        if "statuspages_page" not in inspect(engine).get_table_names():
            return
        with engine.connect() as conn:
            foreign = conn.execute(
                text("SELECT count(*) FROM statuspages_page WHERE owner <> :owner"),
                {"owner": OWNER},
            ).scalar()
        if foreign:
            raise SystemExit(
                f"{self.url} holds {foreign} pages that are not the benchmark's: give an empty"
                " database (for example statuspages_bench)."
            )

    def backend_cpu(self) -> float:
        """User + system CPU of the PostgreSQL backends serving this database (0 on SQLite).

        The servers' queries cost CPU there too; reading ``/proc`` works because
        PostgreSQL runs on this machine.
        """
        if not self.postgres:
            return 0.0
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            self._engine = create_engine(self.url, poolclass=NullPool)
        with self._engine.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": make_url(self.url).database},
            ).scalars()
            return sum(_cpu_of(pid) for pid in pids)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


@dataclass
class Pages:
    small: str
    big: str


class Setup:
    """Creates the schema and the two pages through an in-process app."""

    def __init__(self, database: Database) -> None:
        self.app = extension_app(database.url, redis_url="")
        self.ext = self.app.extensions["statuspages"].extension
        self.db = self.app.extensions["statuspages"].db
        self.prefix = self.app.config["STATUSPAGES_URL_PREFIX"].rstrip("/")
        self.client = self.app.test_client()
        with self.app.app_context():
            database.refuse_foreign_pages(self.db.engine)
            self.ext.drop_all()
            self.ext.create_all()

    def api(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(self.prefix + path, json=body)
        if response.status_code != 201:
            raise RuntimeError(f"POST {path} answered {response.status_code}: {response.json}")
        return dict(response.json or {})

    def populate(self, postgres: bool) -> Pages:
        small = self.api("/", {"name": "Bench Small", "slug": "bench-small"})
        for number in range(5):
            self.api(
                f"/{small['id']}/components",
                {
                    "name": f"Service {number}",
                    "description": "Serves the public API.",
                    "group_name": "Backend" if number < 3 else "Frontend",
                    "display_order": number,
                },
            )
        big = self.api("/", {"name": "Bench Big", "slug": "bench-big"})
        with self.app.app_context():
            insert_history(self.db.session, big["id"], random.Random(20240))
            if postgres:
                with self.db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                ) as conn:
                    from sqlalchemy import text

                    conn.execute(text("ANALYZE"))
        return Pages(small["slug"], big["slug"])

    def drop(self) -> None:
        with self.app.app_context():
            self.db.session.remove()
            self.ext.drop_all()
            self.db.engine.dispose()


def _bulk(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    for start in range(0, len(rows), 5000):
        session.execute(insert(model.__table__), rows[start : start + 5000])


def insert_history(session: Any, page_id: str, rng: random.Random) -> None:
    """500 components with a few status dips, 20,000 resolved incidents over two years."""
    from flask_statuspages.models import (
        Component,
        ComponentStatusChange,
        Incident,
        IncidentUpdate,
        new_id,
    )

    now = datetime.now(timezone.utc)
    start = now - timedelta(days=HISTORY_DAYS)
    components, changes = [], []
    for number in range(BIG_COMPONENTS):
        component_id = new_id()
        components.append(
            {
                "id": component_id,
                "page_id": page_id,
                "name": f"Service {number:03d}",
                "description": "One of many services.",
                "status": "operational",
                "display_order": number,
                "group_name": f"Region {number // 20:02d}",
                "show_uptime": True,
                "created_at": start,
                "updated_at": start,
            }
        )
        changes.append(_change(component_id, None, "operational", start))
        for _dip in range(2):  # a few status changes, some inside the uptime window
            began = now - timedelta(minutes=rng.randrange(60, HISTORY_DAYS // 4 * 24 * 60))
            bad = rng.choice(("degraded_performance", "partial_outage", "major_outage"))
            changes.append(_change(component_id, "operational", bad, began))
            ended = began + timedelta(minutes=rng.randrange(5, 240))
            changes.append(_change(component_id, bad, "operational", min(ended, now)))
    incidents, updates = [], []
    for number in range(BIG_INCIDENTS):
        created = start + timedelta(seconds=rng.randrange(0, (HISTORY_DAYS * 86400) - 7200))
        identified = created + timedelta(minutes=rng.randrange(5, 60))
        resolved = identified + timedelta(minutes=rng.randrange(5, 240))
        incident_id = new_id()
        incidents.append(
            {
                "id": incident_id,
                "page_id": page_id,
                "title": f"Elevated error rates #{number}",
                "message": "Some requests to the **API** failed; see the timeline below.",
                "severity": ("minor", "major", "critical")[number % 3],
                "status": "resolved",
                "resolved_at": resolved,
                "created_at": created,
                "updated_at": resolved,
            }
        )
        for seq, (status, at, message) in enumerate(
            (
                ("investigating", created, "We are looking into it."),
                ("identified", identified, "A bad deploy; rolling back."),
                ("resolved", resolved, "All requests succeed again."),
            )
        ):
            updates.append(
                {
                    "id": new_id(),
                    "incident_id": incident_id,
                    "seq": seq,
                    "status": status,
                    "message": message,
                    "created_at": at,
                }
            )
    _bulk(session, Component, components)
    _bulk(session, ComponentStatusChange, changes)
    _bulk(session, Incident, incidents)
    _bulk(session, IncidentUpdate, updates)
    session.commit()


def _change(component_id: str, old: str | None, new: str, at: datetime) -> dict[str, Any]:
    from flask_statuspages.models import new_id

    return {
        "id": new_id(),
        "component_id": component_id,
        "old_status": old,
        "new_status": new,
        "changed_at": at,
    }


# ------------------------------------------------------------------- servers


class Server:
    """A gunicorn serving one of this module's app factories on a free port."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], logdir: str) -> None:
        self.name = name
        self.port = free_port()
        self.log = os.path.join(logdir, f"{name}.log")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *GUNICORN_ARGS,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--pythonpath",
            BENCH_DIR,
            "--log-level",
            "warning",
            "--error-logfile",
            self.log,
            "--graceful-timeout",
            "5",
            app_spec,
        ]
        self.process = subprocess.Popen(
            ["timeout", str(HARD_LIMIT), *SERVER_CPUS, *command],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.base + path, timeout=5):
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the {self.name} server did not start; see {self.log}:\n{self.tail()}")

    def tail(self) -> str:
        with contextlib.suppress(OSError), open(self.log) as fh:
            return "".join(fh.readlines()[-20:])
        return ""

    def workers(self) -> list[int]:
        """The gunicorn workers' pids (children of the master, under ``timeout``)."""
        found = []
        for pid in _children(self.process.pid):
            found.extend(_children(pid))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU of the workers so far."""
        return sum(_cpu_of(pid) for pid in self.workers())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a live process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(child) for child in fh.read().split()]
    except OSError:
        return []


def fetch(url: str) -> tuple[int, Any, bytes]:
    """Status, headers and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# ---------------------------------------------------------------------- load


@dataclass
class LoadResult:
    requests: int
    seconds: float
    failures: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_WRK_DONE = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
_WRK_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk_load(url: str, seconds: int, connections: int) -> LoadResult:
    """``wrk`` with one thread: it needs far less CPU than the servers it drives."""
    out = subprocess.run(
        [*LOAD_CPUS, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    done = _WRK_DONE.search(out)
    if done is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    bad, sockets = _WRK_BAD.search(out), _WRK_SOCKET.search(out)
    failures = (int(bad[1]) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return LoadResult(int(done[1]), float(done[2]) * _UNITS[done[3]], failures)


def _python_load_main(url: str, seconds: float, connections: int, out: Any) -> None:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    counts = [0] * connections
    failures = [0] * connections
    deadline = time.monotonic() + seconds

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", parts.path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[slot] += 1
                else:
                    failures[slot] += 1
            except (OSError, http.client.HTTPException):
                failures[slot] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((sum(counts), time.monotonic() - started, sum(failures)))


def python_load(url: str, seconds: int, connections: int) -> LoadResult:
    """Without ``wrk``: threads of a separate process, each on a keep-alive connection."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=_python_load_main, args=(url, seconds, connections, out))
    process.start()
    try:
        requests, elapsed, failures = out.get(timeout=seconds + 60)
    finally:
        process.join(10)
        if process.is_alive():
            process.terminate()
    return LoadResult(requests, elapsed, failures)


# --------------------------------------------------------------- measurement


@dataclass
class Target:
    """One URL on one server, and every round's figures for it."""

    server: Server
    path: str
    body_bytes: int
    rates: list[float] = field(default_factory=list)
    cpu_per_request: list[float] = field(default_factory=list)
    db_cpu_per_request: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def cpu_us(self) -> float:
        return statistics.median(self.cpu_per_request) * 1e6

    @property
    def best_rate(self) -> float:
        """The fastest round: interference from other work only ever slows a round down."""
        return max(self.rates)

    @property
    def best_cpu_us(self) -> float:
        return min(self.cpu_per_request) * 1e6

    @property
    def db_cpu_us(self) -> float:
        return statistics.median(self.db_cpu_per_request) * 1e6


@dataclass
class Pair:
    """The same path on the extension's server and on the bare one."""

    kind: str  # JSON or HTML
    size: str  # small (5 components) or big (500 components, 20,000 incidents)
    extension: Target
    bare: Target  # the same response
    body_only: Target | None = None  # the same body, with its Content-Type alone

    @property
    def targets(self) -> list[Target]:
        return [self.extension, self.bare] + ([self.body_only] if self.body_only else [])

    @property
    def label(self) -> str:
        page = "5 components" if self.size == "small" else "500 comp. + 20,000 incidents"
        return f"{self.kind}, {page}"


def measure(
    target: Target, seconds: int, load: Callable[..., LoadResult], database: Database
) -> None:
    cpu_before, db_before = target.server.cpu_seconds(), database.backend_cpu()
    result = load(target.server.base + target.path, seconds, CONNECTIONS)
    cpu, db_cpu = target.server.cpu_seconds() - cpu_before, database.backend_cpu() - db_before
    requests = max(result.requests, 1)
    target.rates.append(result.rate)
    target.cpu_per_request.append(cpu / requests)
    target.db_cpu_per_request.append(db_cpu / requests)
    target.failures += result.failures


def warm_up(target: Target, max_runs: int, load: Callable[..., LoadResult]) -> None:
    """Load ``target`` in runs of 1 s until its rate settles (at most ``max_runs`` runs).

    Each worker thread of the extension builds the snapshot and its renderings
    on its first request, which takes seconds for the big page: that is not the
    steady state. The bare server needs one run.
    """
    started = time.monotonic()
    url = target.server.base + target.path
    previous = load(url, 1, CONNECTIONS).rate
    for _run in range(max_runs - 1 if target.server.name == "extension" else 0):
        rate = load(url, 1, CONNECTIONS).rate
        if previous > 0 and abs(rate - previous) <= 0.25 * max(rate, previous):
            break
        previous = rate
    took = time.monotonic() - started
    if took > 3:
        say(f"  warm-up of {target.server.name} {target.path} took {took:.0f} s")


def run_rounds(
    pairs: list[Pair],
    rounds: int,
    seconds: int,
    warmup_runs: int,
    load: Callable[..., LoadResult],
    database: Database,
    restart: Callable[[], dict[str, Server]] | None = None,
) -> None:
    """Measure every target once per round. With ``restart``, each round after the
    first runs on servers started afresh (by name), warmed up again."""
    for number in range(rounds):
        if number and restart is not None:
            servers = restart()
            for pair in pairs:
                for target in pair.targets:
                    target.server = servers[target.server.name]
        if number == 0 or restart is not None:
            for pair in pairs:
                for target in pair.targets:
                    warm_up(target, warmup_runs, load)
        for pair in pairs:
            # The sides take turns going first, so a drift in the machine's load is shared.
            targets = pair.targets
            shift = number % len(targets)
            for target in targets[shift:] + targets[:shift]:
                measure(target, seconds, load, database)
        say(
            f"  round {number + 1}/{rounds}: "
            + ", ".join(
                f"{p.kind} {p.size} {p.extension.rates[-1]:.0f}/{p.bare.rates[-1]:.0f}"
                for p in pairs
            )
        )


def verdict(ratio: float) -> str:
    return "met" if ratio >= TARGET else "MISSED"


def paired(top: Target, bottom: Target) -> float:
    """The median over rounds of ``top``'s rate divided by ``bottom``'s in the same round.

    Both were measured within seconds of each other, on servers of the same
    age: a round's ratio is steadier than its rates, which follow the machine.
    """
    return statistics.median(t / b for t, b in zip(top.rates, bottom.rates, strict=True))


def paired_cost(cheap: Target, dear: Target) -> float:
    """The median over rounds of ``cheap``'s CPU per request divided by ``dear``'s."""
    return statistics.median(
        c / d for c, d in zip(cheap.cpu_per_request, dear.cpu_per_request, strict=True)
    )


def report(pairs: list[Pair], postgres: bool) -> None:
    """The table: medians of every round, CPU per request, body size, each round's rate."""
    db_head = f"{'db CPU':>9}" if postgres else ""
    say()
    say(
        f"{'':<40}{'ext req/s':>10}{'bare req/s':>11}{'ratio':>7}"
        f"{'ext CPU':>10}{'bare CPU':>10}{db_head}{'body':>11}"
    )
    for pair in pairs:
        ext, bare = pair.extension, pair.bare
        db_cpu = f"{ext.db_cpu_us:>7.0f}us" if postgres else ""
        say(
            f"{pair.label:<40}{ext.rate:>10.0f}{bare.rate:>11.0f}{paired(ext, bare):>7.2f}"
            f"{ext.cpu_us:>8.0f}us{bare.cpu_us:>8.0f}us{db_cpu}{_size(ext.body_bytes):>11}"
        )
        if pair.body_only is not None:
            only = pair.body_only
            say(
                f"{'  bare, same body only':<40}{'':>10}{only.rate:>11.0f}"
                f"{paired(ext, only):>7.2f}{'':>10}{only.cpu_us:>8.0f}us"
            )
        # Without a body-only route, "body" has no target to pair with.
        for side, target in zip(("ext", "bare", "body"), pair.targets, strict=False):
            runs = " ".join(f"{r:.0f}" for r in target.rates)
            bad = f"  ({target.failures} FAILED requests)" if target.failures else ""
            say(f"    {side:<5}{runs}{bad}")


def summarize(pairs: list[Pair]) -> None:
    found = {(p.kind, p.size): p for p in pairs}
    say()
    say("Summary")
    for part, kind in (("a", "JSON"), ("b", "HTML")):
        pair = found.get((kind, "small"))
        if pair is None:
            say(f"  ({part}) {kind}, extension / bare: not measured")
            continue
        ratio = paired(pair.extension, pair.bare)
        say(
            f"  ({part}) {kind} of the 5-component page, extension / bare (same response){'':<2}"
            f"{ratio:5.2f}  target >= {TARGET}  {verdict(ratio)}"
        )
        cpu_ratio = paired_cost(pair.bare, pair.extension)
        say(f"      (by CPU per request, bare / extension: {cpu_ratio:.2f})")
        ext, bare = pair.extension, pair.bare
        say(
            f"      (best rounds: {ext.best_rate / bare.best_rate:.2f} by rate,"
            f" {bare.best_cpu_us / ext.best_cpu_us:.2f} by CPU)"
        )
        if pair.body_only is not None:
            only = pair.body_only
            say(
                f"      (against the same body with its Content-Type alone:"
                f" {paired(ext, only):.2f}, by CPU {paired_cost(only, ext):.2f})"
            )
    for kind in ("JSON", "HTML"):
        small, big = found.get((kind, "small")), found.get((kind, "big"))
        if small is None or big is None:
            say(f"  (c) {kind}, big page / small page: not measured")
            continue
        ratio = paired(big.extension, small.extension)
        say(
            f"  (c) {kind}, big page / 5-component page, extension{'':<19}"
            f"{ratio:5.2f}  target >= {TARGET}  {verdict(ratio)}"
        )
        bare_ratio = paired(big.bare, small.bare)
        cpu_ratio = paired_cost(small.extension, big.extension)
        say(
            f"      (by CPU per request, small / big: {cpu_ratio:.2f}; bare routes serving the"
            f" same two bodies: {bare_ratio:.2f}; extension / bare on the big page:"
            f" {paired(big.extension, big.bare):.2f})"
        )


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


# ------------------------------------------------------------------- profile


def _environ(path: str) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, base_url="http://127.0.0.1/")
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _call(app: Any, environ: dict[str, Any]) -> None:
    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"{environ['PATH_INFO']} answered {status}")

    body = app(dict(environ), start_response)
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()


def _calls(app: Any, environ: dict[str, Any], calls: int) -> None:
    for _ in range(calls):
        _call(app, environ)


def _warm_calls(app: Any, environ: dict[str, Any]) -> int:
    """Warm ``app`` up; how many calls fit in about a second."""
    started = time.process_time()
    _calls(app, environ, 20)
    each = max((time.process_time() - started) / 20, 1e-6)
    return max(20, min(2000, int(1.0 / each)))


def per_call_us(app: Any, path: str) -> float:
    """CPU time of one in-process call (best of three runs: the machine may be shared)."""
    environ = _environ(path)
    calls = _warm_calls(app, environ)
    best = float("inf")
    for _run in range(3):
        started = time.process_time()
        for _ in range(calls):
            _call(app, environ)
        best = min(best, time.process_time() - started)
    return best / calls * 1e6


def _where(filename: str, line: int, name: str) -> str:
    """``package/file.py:line name`` for our code; ``package name`` for the others."""
    if "flask_statuspages/" in filename:
        return f"flask_statuspages/{filename.split('flask_statuspages/', 1)[1]}:{line} {name}"
    if "site-packages/" in filename:
        module = filename.split("site-packages/", 1)[1].removesuffix(".py")
        return f"{module}:{line} {name}"
    if filename.startswith(("~", "<")):
        return f"(builtin) {name}"
    return f"{os.path.basename(filename)}:{line} {name}"


def _package(filename: str) -> str:
    if "flask_statuspages/" in filename:
        return "flask_statuspages/" + filename.split("flask_statuspages/", 1)[1]
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    return "(builtins)" if filename.startswith(("~", "<")) else "(stdlib)"


def profile_path(label: str, app: Any, path: str) -> None:
    """cProfile of in-process WSGI calls: self time per package, then the costly calls."""
    environ = _environ(path)
    calls = _warm_calls(app, environ)
    profile = cProfile.Profile(time.process_time)
    profile.runcall(_calls, app, environ, calls)
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values())
    say()
    say(f"--- {label}: {path}, {calls} calls, {total / calls * 1e6:.0f} us CPU per call profiled")
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _cum, _callers) in stats.items():
        by_package[_package(filename)] = by_package.get(_package(filename), 0.0) + tottime
    say("  self time by package or module of ours, us per call:")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:12]:
        say(f"    {seconds / calls * 1e6:8.1f}  {package}")
    say("  calls taking >= 3% of the time (cumulative, nested: a caller includes its callees):")
    costly = [
        (cum, _where(*key))
        for key, (_cc, _nc, _tt, cum, _callers) in stats.items()
        if 0.03 * total <= cum < 0.9 * total
    ]
    for cum, where in sorted(costly, reverse=True)[:24]:
        say(f"    {cum / calls * 1e6:8.1f}  {where}")


def profile_all(database: Database, manifest: str, pairs: list[Pair]) -> None:
    """In-process: the WSGI call cost of each path, extension vs bare, then the profiles."""
    ext = extension_app(database.url, redis_url="")
    bare = bare_app(manifest, database.url)
    say()
    say("Profiles: in-process WSGI calls, no HTTP, CPU time (extra runs, not part of the ratios)")
    for pair in pairs:
        path = pair.extension.path
        ext_us, bare_us = per_call_us(ext, path), per_call_us(bare, path)
        say(f"  {pair.label:<40} extension {ext_us:6.0f} us/call   bare {bare_us:6.0f} us/call")
    for pair in pairs:
        profile_path(f"extension, {pair.label}", ext, pair.extension.path)
    profile_path(f"bare, {pairs[0].label}", bare, pairs[0].extension.path)


# ---------------------------------------------------------------------- main


def capture(server: Server, path: str, tmpdir: str, entries: list[dict[str, Any]]) -> int | None:
    """Fetch ``path`` once; note its answer for the bare server. ``None`` when not 200."""
    status, headers, body = fetch(server.base + path)
    if status != 200:
        say(f"  {path} answered {status}: {body[:120]!r}")
        return None
    name = os.path.join(tmpdir, f"body{len(entries)}")
    with open(name, "wb") as fh:
        fh.write(body)
    entries.append(
        {
            "path": path,
            "file": name,
            "content_type": headers.get("Content-Type", ""),
            "headers": [
                (key, value)
                for key, value in headers.items()
                if key.lower() not in TRANSPORT_HEADERS
            ],
        }
    )
    return len(body)


def _counter_label(database: Database, redis_url: str | None, counter_file: str) -> str:
    """Where page refs are validated (see flask_statuspages/freshness.py)."""
    if counter_file:
        return f"file {counter_file} (STATUSPAGES_CHANGE_COUNTER_FILE)"
    if not database.postgres:
        return "file beside the SQLite database"
    if redis_url:
        return "Redis (one GET per request)"
    return "none: one query per request"


def pin_cpus(wanted: bool) -> None:
    """Servers on this process's first CPU, the load generator on its last one."""
    cpus = sorted(os.sched_getaffinity(0))
    if wanted and len(cpus) >= 2 and shutil.which("taskset"):
        SERVER_CPUS[:] = ["taskset", "-c", ",".join(map(str, cpus[:-1]))]
        LOAD_CPUS[:] = ["taskset", "-c", str(cpus[-1])]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 1 s (a smoke run)")
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to use instead of a temporary SQLite file"
    )
    parser.add_argument(
        "--redis-url",
        help="keep the rate limits (and, not on SQLite, the change counter) in this Redis",
    )
    parser.add_argument(
        "--change-counter-file",
        action="store_true",
        help="set STATUSPAGES_CHANGE_COUNTER_FILE (a single-host deployment on PostgreSQL)",
    )
    parser.add_argument("--rounds", type=int, help="rounds per measurement (default 5; quick 3)")
    parser.add_argument("--seconds", type=int, help="seconds per measurement (default 3; quick 1)")
    parser.add_argument("--profile", action="store_true", help="profile in-process afterwards")
    parser.add_argument("--python-load", action="store_true", help="use http.client, not wrk")
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (default 4)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="gunicorn workers per server (default 1)"
    )
    parser.add_argument(
        "--no-pin", action="store_true", help="do not put servers and load on separate CPUs"
    )
    parser.add_argument(
        "--same-servers",
        action="store_true",
        help="keep the two servers for every round (default: start them afresh each round)",
    )
    args = parser.parse_args()
    GUNICORN_ARGS[GUNICORN_ARGS.index("--threads") + 1] = str(args.threads)
    GUNICORN_ARGS[GUNICORN_ARGS.index("-w") + 1] = str(args.workers)
    pin_cpus(not args.no_pin)

    rounds = args.rounds or (3 if args.quick else 5)
    seconds = args.seconds or (1 if args.quick else 3)
    warmup_runs = 3 if args.quick else 8
    load = python_load if args.python_load or not shutil.which("wrk") else wrk_load

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    began = time.perf_counter()
    say(f"flask-statuspages public-face benchmark ({'quick' if args.quick else 'full'} run)")
    database = Database(args.database_url)
    tmpdir = tempfile.mkdtemp(prefix="statuspages_bench_bodies_")
    setup: Setup | None = None
    running: list[Server] = []
    try:
        database.ensure_exists()
        say(f"database: {database.label()}")
        say(f"rate limits: {RATE_LIMIT}, in {args.redis_url or 'each worker memory'}")
        counter_file = os.path.join(tmpdir, "change-counter") if args.change_counter_file else ""
        say(f"change counter: {_counter_label(database, args.redis_url, counter_file)}")
        load_name = "wrk -t1" if load is wrk_load else "http.client threads (one process)"
        say(
            f"servers: gunicorn {' '.join(GUNICORN_ARGS)}, access log off; load: {load_name},"
            f" {CONNECTIONS} keep-alive connections; {rounds} rounds of {seconds} s,"
            f" {'the same servers' if args.same_servers else 'servers started afresh'}"
            " for each round"
        )
        say(
            f"CPUs: servers on {SERVER_CPUS[-1]}, load on {LOAD_CPUS[-1]}"
            if SERVER_CPUS
            else "CPUs: not pinned"
        )
        setup = Setup(database)
        started = time.perf_counter()
        pages = setup.populate(database.postgres)
        say(
            f"pages: '{pages.small}' (5 components), '{pages.big}' ({BIG_COMPONENTS} components,"
            f" {BIG_INCIDENTS:,} resolved incidents with 3 updates each over {HISTORY_DAYS} days,"
            f" {BIG_COMPONENTS * 5:,} status changes), inserted in"
            f" {time.perf_counter() - started:.1f} s"
        )

        env = {
            ENV_DATABASE: database.url,
            ENV_REDIS: args.redis_url or "",
            ENV_COUNTER: counter_file,
        }
        ext = Server("extension", "public:extension_app()", env, tmpdir)
        running.append(ext)
        prefix = setup.prefix
        site = setup.app.config["STATUSPAGES_SITE_PREFIX"]
        ext.wait_ready(f"{prefix}/public/{pages.small}")

        entries: list[dict[str, Any]] = []
        wanted = [
            ("JSON", "small", f"{prefix}/public/{pages.small}"),
            ("HTML", "small", f"{site}/{pages.small}"),
            ("JSON", "big", f"{prefix}/public/{pages.big}"),
            ("HTML", "big", f"{site}/{pages.big}"),
        ]
        sizes: dict[str, int] = {}
        for kind, size_name, path in wanted:
            size = None if site is None and kind == "HTML" else capture(ext, path, tmpdir, entries)
            if size is None:
                say(f"  {kind} of the {size_name} page: not measured (no 200 answer to capture)")
            else:
                sizes[path] = size
        manifest = os.path.join(tmpdir, "bodies.json")
        with open(manifest, "w") as fh:
            json.dump(entries, fh)
        bare_env = {**env, ENV_BODIES: manifest}
        bare = Server("bare", "public:bare_app()", bare_env, tmpdir)
        running.append(bare)
        bare.wait_ready(entries[0]["path"])

        def restart() -> dict[str, Server]:
            """Both servers stopped and started again: new processes, new memory layout."""
            while running:
                running.pop().stop()
            fresh = {
                "extension": Server("extension", "public:extension_app()", env, tmpdir),
                "bare": Server("bare", "public:bare_app()", bare_env, tmpdir),
            }
            running.extend(fresh.values())
            fresh["extension"].wait_ready(f"{prefix}/public/{pages.small}")
            fresh["bare"].wait_ready(entries[0]["path"])
            return fresh

        pairs = [
            Pair(
                kind,
                size_name,
                Target(ext, path, sizes[path]),
                Target(bare, path, sizes[path]),
                Target(bare, BODY_ONLY + path, sizes[path]) if size_name == "small" else None,
            )
            for kind, size_name, path in wanted
            if path in sizes
        ]
        say()
        run_rounds(
            pairs,
            rounds,
            seconds,
            warmup_runs,
            load,
            database,
            None if args.same_servers else restart,
        )
        report(pairs, database.postgres)
        summarize(pairs)
        for server in running:
            log = server.tail().strip()
            if log:
                say(f"\n{server.name} server log (last lines):\n{log}")
        if args.profile:
            profile_all(database, manifest, pairs)
        say()
        say(f"total time {time.perf_counter() - began:.0f} s")
        return 0
    except KeyboardInterrupt:
        say("interrupted; cleaning up")
        return 130
    finally:
        for server in running:
            with contextlib.suppress(Exception):
                server.stop()
        if setup is not None and database.tmpdir is None:
            with contextlib.suppress(Exception):
                setup.drop()
        shutil.rmtree(tmpdir, ignore_errors=True)
        database.close()


if __name__ == "__main__":
    sys.exit(main())
