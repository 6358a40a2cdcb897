#!/usr/bin/env python
"""Notification benchmarks of flask-statuspages (see bench/README.md).

    python bench/notify.py            # full run (a few minutes)
    python bench/notify.py --quick    # smaller N, for a smoke run
    python bench/notify.py --profile  # also profile the extension's paths

Three ratios, each against a baseline measured in the same run:

(a) request-path cost of ``POST {prefix}/{page_id}/incidents`` on a page with
    100,000 verified subscribers / the same on a page with 100 (target < 1.5);
(b) email throughput through the extension / a bare ``smtplib`` loop over one
    connection to the same local SMTP sink (target >= 0.5);
(c) webhook throughput through the extension / a bare sequential
    ``requests.Session`` loop to the same local receiver (target >= 1.0).

It is a measurement, not a test: it prints figures and exits 0 whatever they
are. It talks to 127.0.0.1 only, and removes what it creates (a throwaway
PostgreSQL database or SQLite temp dir, Redis db 14, the sink processes).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import multiprocessing as mp
import os
import pstats
import secrets
import shutil
import signal
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

REDIS_URL = "redis://127.0.0.1:6379/14"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
PUBLIC_URL = "http://127.0.0.1:5000"
OWNER = "bench"
#: No loop below runs longer than this (seconds); a sink process lives at most this long.
HARD_LIMIT = 900

TARGETS = {
    "a": ("< 1.5", lambda r: r < 1.5),
    "b": (">= 0.5", lambda r: r >= 0.5),
    "c": (">= 1.0", lambda r: r >= 1.0),
}


def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def spread(values: list[float]) -> str:
    """p10..p90 in ms (or min..max for short lists)."""
    ordered = sorted(values)
    if len(ordered) >= 10:
        deciles = statistics.quantiles(ordered, n=10)
        low, high = deciles[0], deciles[-1]
    else:
        low, high = ordered[0], ordered[-1]
    return f"{low * 1000:.1f}..{high * 1000:.1f} ms"


# --------------------------------------------------------------- the sinks
# Each sink runs in a process of its own, so its work does not compete for
# this process's GIL with the code being measured (the same for both sides).


def _wait_for_stop(stop: Any) -> None:
    """Until told to stop, the parent is gone, or HARD_LIMIT has passed."""
    parent = os.getppid()
    deadline = time.monotonic() + HARD_LIMIT
    while not stop.wait(1) and time.monotonic() < deadline:
        if os.getppid() != parent:
            return


def _smtp_sink_main(port: int, count: Any, nbytes: Any, ready: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            with count.get_lock():
                count.value += 1
            with nbytes.get_lock():
                nbytes.value += len(envelope.content)
            return "250 Message accepted for delivery"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    _wait_for_stop(stop)
    controller.stop()


def _http_sink_main(port: Any, count: Any, nbytes: Any, ready: Any, stop: Any) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with count.get_lock():
                count.value += 1
            with nbytes.get_lock():
                nbytes.value += len(body)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer.request_queue_size = 128  # concurrent connects must not be dropped
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    port.value = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    ready.set()
    _wait_for_stop(stop)
    server.shutdown()
    server.server_close()


class Sink:
    """A sink process and its shared counters (messages/requests and bytes received)."""

    def __init__(self, kind: str) -> None:
        ctx = mp.get_context("spawn")
        self.count = ctx.Value("q", 0)
        self.nbytes = ctx.Value("q", 0)
        self._ready = ctx.Event()
        self._stop = ctx.Event()
        if kind == "smtp":
            self.port = free_port()
            target: Callable[..., None] = _smtp_sink_main
            port_arg: Any = self.port
        else:
            port_arg = ctx.Value("i", 0)
            target = _http_sink_main
        self.process = ctx.Process(
            target=target,
            args=(port_arg, self.count, self.nbytes, self._ready, self._stop),
            name=f"statuspages-bench-{kind}-sink",
            daemon=True,
        )
        self.process.start()
        if not self._ready.wait(30):
            self.close()
            raise RuntimeError(f"the {kind} sink did not start")
        if kind != "smtp":
            self.port = int(port_arg.value)

    def counters(self) -> tuple[int, int]:
        return int(self.count.value), int(self.nbytes.value)

    def close(self) -> None:
        self._stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# ------------------------------------------------------------ environment


class Environment:
    """The throwaway database, the Redis db, the sinks: all removed by ``close``."""

    def __init__(self, force_sqlite: bool) -> None:
        self.pg_name: str | None = None
        self.tmpdir: str | None = None
        self.sinks: list[Sink] = []
        self.redis: Any = None
        self.database_url, self.database_label = self._database(force_sqlite)

    def _database(self, force_sqlite: bool) -> tuple[str, str]:
        if not force_sqlite:
            try:
                import psycopg

                name = f"statuspages_bench_{secrets.token_hex(4)}"
                with psycopg.connect(PG_DSN, autocommit=True) as conn:
                    version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
                    conn.execute(f'CREATE DATABASE "{name}"')
                self.pg_name = name
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                return url, f"PostgreSQL {version} (throwaway database {name})"
            except Exception as exc:  # not reachable: SQLite
                say(f"PostgreSQL not usable ({type(exc).__name__}: {exc}); using SQLite")
        self.tmpdir = tempfile.mkdtemp(prefix="statuspages_bench_")
        path = os.path.join(self.tmpdir, "bench.db")
        return f"sqlite:///{path}", f"SQLite (temporary file {path})"

    def connect_redis(self) -> None:
        from redis import Redis

        self.redis = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        self.redis.ping()
        self.redis.flushdb()

    def sink(self, kind: str) -> Sink:
        sink = Sink(kind)
        self.sinks.append(sink)
        return sink

    def close(self) -> None:
        for sink in self.sinks:
            with contextlib.suppress(Exception):
                sink.close()
        if self.redis is not None:
            with contextlib.suppress(Exception):
                self.redis.flushdb()
                self.redis.close()
        if self.pg_name is not None:
            try:
                import psycopg

                with psycopg.connect(PG_DSN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            except Exception as exc:
                say(f"warning: could not drop database {self.pg_name}: {exc}")
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


# ------------------------------------------------------------------- apps


class Bench:
    """One host app with the extension, on the throwaway database, queue ``rq``."""

    def __init__(self, env: Environment, smtp_port: int) -> None:
        from flask import Flask
        from flask_sqlalchemy import SQLAlchemy

        from flask_statuspages import StatusPages

        app = Flask("statuspages_bench")
        app.config.update(
            SECRET_KEY="bench-secret",
            SQLALCHEMY_DATABASE_URI=env.database_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_port,
            MAIL_SUPPRESS_SEND=False,
            MAIL_DEFAULT_SENDER="status@example.com",
            # The production shape: the request records the event and queues
            # a job; workers (here: this script, calling drain()) send.
            STATUSPAGES_QUEUE="rq",
            STATUSPAGES_REDIS_URL=REDIS_URL,
            # Workers build links without a request.
            STATUSPAGES_PUBLIC_URL=PUBLIC_URL,
            # The webhook receiver is on loopback.
            STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True,
            # Pages and incidents are opened through the admin API as fast as it goes.
            STATUSPAGES_API_RATE_LIMIT=None,
        )
        self.app = app
        self.db = SQLAlchemy(app)
        self.ext = StatusPages(app, db=self.db)
        self.ext.owner_loader(lambda: OWNER)
        self.prefix = app.config["STATUSPAGES_URL_PREFIX"].rstrip("/")
        self.client = app.test_client()
        self.pg = env.database_url.startswith("postgresql")
        with app.app_context():
            self.ext.create_all()

    def close(self) -> None:
        with self.app.app_context():
            self.db.session.remove()
            self.db.engine.dispose()

    def make_page(self, name: str) -> str:
        response = self.client.post(self.prefix + "/", json={"name": name})
        if response.status_code != 201:
            raise RuntimeError(f"creating a page answered {response.status_code}: {response.json}")
        return str((response.json or {})["id"])

    def create_incident(self, page_id: str, title: str) -> float:
        """POST an incident; the wall time of the request (seconds)."""
        body = {
            "title": title,
            "message": "We are investigating elevated error rates on the API.",
            "severity": "major",
        }
        started = time.perf_counter()
        response = self.client.post(f"{self.prefix}/{page_id}/incidents", json=body)
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"creating an incident answered {response.status_code}")
        return elapsed

    def add_subscribers(
        self, page_id: str, count: int, *, email: bool = True, hook_port: int = 0
    ) -> None:
        """Bulk-insert ``count`` verified subscribers (emails, or webhooks to the receiver)."""
        from sqlalchemy import insert, text

        from flask_statuspages.models import Subscriber, new_id, utcnow

        now = utcnow()
        tag = page_id[:8]
        with self.app.app_context():
            session = self.db.session
            for start in range(0, count, 10_000):
                rows = []
                for i in range(start, min(count, start + 10_000)):
                    row: dict[str, Any] = {
                        "id": new_id(),
                        "page_id": page_id,
                        "verified_at": now,
                        "created_at": now,
                        "failure_streak": 0,
                    }
                    if email:
                        row["email"] = f"user{i}.{tag}@example.com"
                    else:
                        row["webhook_url"] = f"http://127.0.0.1:{hook_port}/hooks/{tag}/{i}"
                        row["secret"] = secrets.token_hex(16)
                    rows.append(row)
                session.execute(insert(Subscriber), rows)
            session.commit()
            if self.pg:  # what autovacuum does soon after a bulk load
                with self.db.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))

    def drain(self) -> float:
        """Run the worker's drain() in an app context; its wall time (seconds)."""
        from flask_statuspages.notify.worker import drain

        with self.app.app_context():
            started = time.perf_counter()
            done = drain(max_seconds=HARD_LIMIT / 3)
            elapsed = time.perf_counter() - started
            self.db.session.remove()
        if not done:
            say("  warning: drain() stopped at its time bound with work left")
        return elapsed

    def delivery_counts(self, page_id: str) -> dict[str, int]:
        from sqlalchemy import func, select

        from flask_statuspages.models import Delivery

        with self.app.app_context():
            rows = self.db.session.execute(
                select(Delivery.status, func.count())
                .where(Delivery.page_id == page_id)
                .group_by(Delivery.status)
            ).all()
            self.db.session.remove()
        return {status: count for status, count in rows}

    def last_errors(self, page_id: str, limit: int = 3) -> list[str]:
        from sqlalchemy import select

        from flask_statuspages.models import Delivery

        with self.app.app_context():
            errors = self.db.session.scalars(
                select(Delivery.last_error)
                .where(Delivery.page_id == page_id, Delivery.last_error.is_not(None))
                .limit(limit)
            ).all()
            self.db.session.remove()
        return [e or "" for e in errors]

    def latest_payload(self, page_id: str) -> dict[str, Any]:
        from sqlalchemy import select

        from flask_statuspages.models import NotificationEvent

        with self.app.app_context():
            payload = self.db.session.scalar(
                select(NotificationEvent.payload)
                .where(NotificationEvent.page_id == page_id)
                .order_by(NotificationEvent.created_at.desc())
                .limit(1)
            )
            self.db.session.remove()
        return dict(payload or {})

    def reset(self) -> None:
        """Empty every table (between parts, so no part drains another's events)."""
        with self.app.app_context():
            self.db.session.remove()
            self.ext.drop_all()
            self.ext.create_all()


# ----------------------------------------------------------------- (a)


def part_a(bench: Bench, requests_per_size: int, sizes: tuple[int, int]) -> float:
    small, big = sizes
    say(f"(a) request-path cost: POST {bench.prefix}/<page_id>/incidents")
    started = time.perf_counter()
    pages = {}
    for size in sizes:
        pages[size] = bench.make_page(f"Bench A {size}")
        bench.add_subscribers(pages[size], size)
    elapsed = time.perf_counter() - started
    say(f"    inserted {small:,} + {big:,} verified subscribers in {elapsed:.1f} s")
    jobs_before = bench_queue_length()
    for i in range(5):  # warm-up, not measured
        for size in sizes:
            bench.create_incident(pages[size], f"warm-up {i}")
    times: dict[int, list[float]] = {small: [], big: []}
    for i in range(requests_per_size):
        order = sizes if i % 2 == 0 else sizes[::-1]
        for size in order:
            times[size].append(bench.create_incident(pages[size], f"Incident {i}"))
    jobs_queued = bench_queue_length() - jobs_before
    deliveries = sum(sum(bench.delivery_counts(p).values()) for p in pages.values())
    for size in sizes:
        say(
            f"    {size:>7,} subscribers: median {median_ms(times[size]):7.2f} ms"
            f"  (p10..p90 {spread(times[size])}, {len(times[size])} requests)"
        )
    ratio = statistics.median(times[big]) / statistics.median(times[small])
    say(
        f"    sanity: {jobs_queued} RQ jobs queued by the requests;"
        f" deliveries written on the request path: {deliveries}"
    )
    report("a", f"median({big:,}) / median({small:,})", ratio)
    return ratio


def bench_queue_length() -> int:
    from redis import Redis
    from rq import Queue

    from flask_statuspages.notify.queues import RQ_QUEUE_NAME

    with Redis.from_url(REDIS_URL) as conn:
        return len(Queue(RQ_QUEUE_NAME, connection=conn))


def report(part: str, label: str, ratio: float) -> None:
    target, ok = TARGETS[part]
    verdict = "met" if ok(ratio) else "MISSED"
    say(f"    RATIO ({part}) {label} = {ratio:.2f}   target {target}   [{verdict}]")
    RESULTS[part] = ratio


RESULTS: dict[str, float] = {}


# ----------------------------------------------------------------- (b), (c)

#: The worker's steps, timed (when they exist) to show where a drain's time goes.
PHASES = (
    ("flask_statuspages.notify.worker", "fan_out_batch", "fan-out"),
    ("flask_statuspages.notify.delivery", "claim", "claim"),
    ("flask_statuspages.notify.delivery", "send", "send"),
    ("flask_statuspages.notify.delivery", "record", "record"),
)


@contextlib.contextmanager
def timed_phases() -> Iterator[dict[str, float]]:
    """Wall time spent in each step of drain() (a thin wrapper; microseconds a call)."""
    import importlib

    spent: dict[str, float] = {}
    patched = []
    for module_name, attr, label in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, attr, None)
        if original is None:
            continue

        def timed(*args: Any, _f: Any = original, _l: str = label, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_l] = spent.get(_l, 0.0) + time.perf_counter() - started

        setattr(module, attr, timed)
        patched.append((module, attr, original))
    try:
        yield spent
    finally:
        for module, attr, original in patched:
            setattr(module, attr, original)


def measure_throughput(
    part: str,
    bench: Bench,
    sink: Sink,
    page: str,
    n: int,
    rounds: int,
    bare: Callable[[], float],
    unit: str,
) -> float:
    """Alternate bare loop and extension drain(); print medians; the throughput ratio."""
    walls: dict[str, list[float]] = {"ours": [], "bare": []}
    cpus: dict[str, list[float]] = {"ours": [], "bare": []}
    sizes: dict[str, int] = {}
    phases: list[dict[str, float]] = []
    problems: list[str] = []
    for r in range(rounds):
        for side in ("bare", "ours") if r % 2 == 0 else ("ours", "bare"):
            before, bytes_before = sink.counters()
            if side == "bare":
                cpu = time.process_time()
                walls[side].append(bare())
            else:
                bench.create_incident(page, f"Incident {r}")  # queues a job; nothing sent yet
                with timed_phases() as spent:
                    cpu = time.process_time()
                    walls[side].append(bench.drain())
                phases.append(spent)
            cpus[side].append(time.process_time() - cpu)
            after, bytes_after = sink.counters()
            sizes[side] = (bytes_after - bytes_before) // max(1, after - before)
            if after - before != n:
                problems.append(f"{side} round {r}: the sink got {after - before} of {n}")

    rates = {side: n / statistics.median(walls[side]) for side in walls}
    for side, label in (("ours", "extension (drain)"), ("bare", "bare loop")):
        runs = ", ".join(f"{t:.2f}" for t in walls[side])
        say(
            f"    {label:<18} median {statistics.median(walls[side]):6.2f} s"
            f" -> {rates[side]:6.0f} {unit}/s   (runs: {runs} s)"
        )
    say(
        "    CPU of this process per delivery (median): extension"
        f" {statistics.median(cpus['ours']) / n * 1000:.2f} ms,"
        f" bare {statistics.median(cpus['bare']) / n * 1000:.2f} ms"
    )
    labels = [label for _, _, label in PHASES if any(label in p for p in phases)]
    if labels:
        shares = ", ".join(
            f"{label} {statistics.median(p.get(label, 0.0) for p in phases):.2f} s"
            for label in labels
        )
        say(f"    drain() steps (median wall): {shares}")
    say(
        f"    average size received: extension {sizes.get('ours', 0):,} B,"
        f" bare {sizes.get('bare', 0):,} B"
    )
    counts = bench.delivery_counts(page)
    say(f"    deliveries recorded: {counts} (expected sent: {n * rounds:,})")
    for problem in problems:
        say(f"    WARNING: {problem}")
    if counts.get("sent", 0) != n * rounds:
        say(f"    WARNING: not every delivery was sent; errors: {bench.last_errors(page)}")
    ratio = rates["ours"] / rates["bare"]
    report(part, "extension / bare (throughput)", ratio)
    return ratio


def email_bodies(bench: Bench, page_id: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the extension's own notification, to build bare copies of."""
    from flask_statuspages.notify import email as email_channel
    from flask_statuspages.notify.jobs import Job

    payload = bench.latest_payload(page_id)
    job = Job(
        delivery_id="x" * 32,
        channel="email",
        attempts=1,
        payload=payload,
        page_id=page_id,
        subscriber_id="y" * 32,
        email="someone@example.com",
        webhook_url=None,
        secret=None,
    )
    with bench.app.app_context():
        message = email_channel.build(job)
        return str(message.subject), message.body or "", message.html or ""


#: CRLF like Flask-Mail's ``policy.SMTP``; long header lines (the unsubscribe
#: URL) kept whole, as the extension's messages keep them.
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)


def bare_smtp(port: int, count: int, subject: str, text: str, html: str) -> float:
    """Build and send ``count`` text+HTML messages over one smtplib connection."""
    sender = "status@example.com"
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        for i in range(count):
            recipient = f"user{i}@example.com"
            link = f"{PUBLIC_URL}/unsubscribe/{secrets.token_urlsafe(60)}"
            message = EmailMessage(policy=SMTP_POLICY)
            message["Subject"] = subject
            message["From"] = sender
            message["To"] = recipient
            message["Date"] = formatdate(localtime=True)
            message["Message-ID"] = make_msgid()
            message["List-Unsubscribe"] = f"<{link}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            smtp.sendmail(sender, [recipient], message.as_bytes())
    finally:
        smtp.quit()
    return time.perf_counter() - started


def part_b(bench: Bench, sink: Sink, n: int, rounds: int) -> float:
    say(f"(b) email throughput: {n:,} deliveries to a local SMTP sink (aiosmtpd, own process)")
    say(f"    {rounds} rounds, bare loop and extension alternating")
    page = bench.make_page("Bench Email")
    bench.add_subscribers(page, n)
    warm = bench.make_page("Bench Email warm-up")
    bench.add_subscribers(warm, 50)
    bench.create_incident(warm, "Warm-up")  # warms templates, pools, code paths
    bench.drain()
    subject, text, html = email_bodies(bench, warm)
    bare_smtp(sink.port, 50, subject, text, html)
    return measure_throughput(
        "b",
        bench,
        sink,
        page,
        n,
        rounds,
        lambda: bare_smtp(sink.port, n, subject, text, html),
        "messages",
    )


def bare_http(port: int, tag: str, count: int, payload: dict[str, Any]) -> float:
    """POST ``count`` JSON bodies sequentially over one requests.Session."""
    import requests

    from flask_statuspages.models import utcnow
    from flask_statuspages.schemas import format_timestamp

    started = time.perf_counter()
    with requests.Session() as http:
        for i in range(count):
            body = json.dumps(
                {**payload, "sent_at": format_timestamp(utcnow())}, separators=(",", ":")
            ).encode()
            response = http.post(
                f"http://127.0.0.1:{port}/hooks/{tag}/{i}",
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=5,
            )
            if response.status_code != 204:
                raise RuntimeError(f"the receiver answered {response.status_code}")
    return time.perf_counter() - started


def part_c(bench: Bench, sink: Sink, n: int, rounds: int) -> float:
    concurrency = bench.app.config["STATUSPAGES_WEBHOOK_CONCURRENCY"]
    say(
        f"(c) webhook throughput: {n:,} deliveries to a local receiver"
        " (ThreadingHTTPServer, HTTP/1.1 keep-alive, own process)"
    )
    say(
        f"    {rounds} rounds, bare loop and extension alternating;"
        f" STATUSPAGES_WEBHOOK_CONCURRENCY={concurrency} (default)"
    )
    page = bench.make_page("Bench Webhook")
    bench.add_subscribers(page, n, email=False, hook_port=sink.port)
    warm = bench.make_page("Bench Webhook warm-up")
    bench.add_subscribers(warm, 50, email=False, hook_port=sink.port)
    bench.create_incident(warm, "Warm-up")
    bench.drain()
    payload = bench.latest_payload(warm)
    bare_http(sink.port, "warm", 50, payload)
    return measure_throughput(
        "c",
        bench,
        sink,
        page,
        n,
        rounds,
        lambda: bare_http(sink.port, "bare", n, payload),
        "requests",
    )


# ------------------------------------------------------------- profiling


def print_profile(title: str, stats: pstats.Stats, total: float, limit: int = 22) -> None:
    say(f"--- profile: {title} (wall {total:.2f} s; cumulative time, top {limit})")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(limit)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    for line in lines[start:]:
        if line.strip():
            say("    " + line.rstrip())
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(12)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    say(f"--- profile: {title} (own time, top 12)")
    for line in lines[start:]:
        if line.strip():
            say("    " + line.rstrip())


@contextlib.contextmanager
def profiled_webhook_threads() -> Iterator[list[cProfile.Profile]]:
    """Profile ``webhook.send`` in the sending pool's threads too (cProfile sees one thread)."""
    from flask_statuspages.notify import webhook

    original = webhook.send
    profiles: list[cProfile.Profile] = []
    local = threading.local()

    def send(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            return original(*args, **kwargs)
        profile = getattr(local, "profile", None)
        if profile is None:
            # CPU time of this thread (wall time would count waiting for the GIL)
            profile = local.profile = cProfile.Profile(time.thread_time)
            profiles.append(profile)
        return profile.runcall(original, *args, **kwargs)

    webhook.send = send  # type: ignore[assignment]
    try:
        yield profiles
    finally:
        webhook.send = original  # type: ignore[assignment]


def profile_request(bench: Bench, page_id: str, size: int) -> None:
    profile = cProfile.Profile()
    started = time.perf_counter()
    for i in range(20):
        profile.runcall(bench.create_incident, page_id, f"Profiled {i}")
    print_profile(
        f"20 incident-create requests, {size:,} subscribers",
        pstats.Stats(profile),
        time.perf_counter() - started,
    )


def profile_drains(bench: Bench, email_page: str, hook_page: str, n: int) -> None:
    bench.create_incident(email_page, "Profiled email incident")
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.runcall(bench.drain)
    print_profile(f"drain() of {n:,} emails", pstats.Stats(profile), time.perf_counter() - started)

    bench.create_incident(hook_page, "Profiled webhook incident")
    profile = cProfile.Profile()
    with profiled_webhook_threads() as thread_profiles:
        started = time.perf_counter()
        profile.runcall(bench.drain)
        total = time.perf_counter() - started
    print_profile(f"drain() of {n:,} webhooks, main thread", pstats.Stats(profile), total)
    if thread_profiles:
        stats = pstats.Stats(thread_profiles[0])
        for extra in thread_profiles[1:]:
            stats.add(extra)
        print_profile(
            f"webhook.send in the {len(thread_profiles)} pool threads (CPU time, summed)",
            stats,
            total,
        )


# ------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller N (a smoke run)")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, profile the extension's path of each part",
    )
    args = parser.parse_args()

    n = 300 if args.quick else 2000
    rounds = 3 if args.quick else 5
    requests_per_size = 30
    sizes = (100, 100_000)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    started = time.perf_counter()
    say(f"flask-statuspages notification benchmark ({'quick' if args.quick else 'full'} run)")
    env = Environment(args.sqlite)
    bench: Bench | None = None
    try:
        say(f"database: {env.database_label}")
        try:
            env.connect_redis()
        except Exception as exc:
            say(f'Redis at {REDIS_URL} is needed (queue "rq"): {type(exc).__name__}: {exc}')
            return 2
        say(
            f"queue: rq on {REDIS_URL} (flushed at start and end);"
            " the worker side: drain() called by this script"
        )
        smtp_sink = env.sink("smtp")
        http_sink = env.sink("http")
        say(f"sinks: SMTP 127.0.0.1:{smtp_sink.port}, HTTP 127.0.0.1:{http_sink.port}")
        bench = Bench(env, smtp_sink.port)
        say()
        part_a(bench, requests_per_size, sizes)
        bench.reset()  # part (a)'s events were never fanned out: no drain may meet them
        say()
        part_b(bench, smtp_sink, n, rounds)
        say()
        part_c(bench, http_sink, n, rounds)
        say()
        say("Summary")
        labels = {
            "a": "request time, 100,000 vs 100 subscribers",
            "b": "email throughput, extension / bare smtplib",
            "c": "webhook throughput, extension / bare requests",
        }
        for part in "abc":
            target, ok = TARGETS[part]
            ratio = RESULTS[part]
            say(
                f"  ({part}) {labels[part]:<48} {ratio:6.2f}  target {target:<6}"
                f" {'met' if ok(ratio) else 'MISSED'}"
            )
        if args.profile:
            say()
            say("Profiles (extra runs after the measurements; not part of the ratios)")
            bench.reset()
            big = max(sizes)
            page = bench.make_page("Profile A")
            bench.add_subscribers(page, big)
            profile_request(bench, page, big)
            bench.reset()  # those events are never drained
            email_page = bench.make_page("Profile Email")
            bench.add_subscribers(email_page, n)
            hook_page = bench.make_page("Profile Webhook")
            bench.add_subscribers(hook_page, n, email=False, hook_port=http_sink.port)
            profile_drains(bench, email_page, hook_page, n)
        say()
        say(f"total time {time.perf_counter() - started:.0f} s")
        return 0
    except KeyboardInterrupt:
        say("interrupted; cleaning up")
        return 130
    finally:
        if bench is not None:
            with contextlib.suppress(Exception):
                bench.close()
        env.close()


if __name__ == "__main__":
    sys.exit(main())
