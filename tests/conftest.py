"""Fixtures: a fresh app per test, on SQLite and (when configured) PostgreSQL.

``STATUSPAGES_TEST_DATABASE_URL`` points the suite at a PostgreSQL database;
every database test then runs on both backends. With ``CI`` set, a missing
PostgreSQL is an error and any skipped test fails the run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

from flask_statuspages import StatusPages, signals
from flask_statuspages.models import Base

PREFIX = "/api/ext/cockpit-pro/status-pages"
PG_URL = os.environ.get("STATUSPAGES_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("STATUSPAGES_TEST_REDIS_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]

if IN_CI and not (PG_URL and REDIS_URL):
    raise pytest.UsageError(
        "CI runs need STATUSPAGES_TEST_DATABASE_URL (PostgreSQL) and STATUSPAGES_TEST_REDIS_URL."
    )

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped:
        print(f"\nCI forbids skipped tests; skipped: {_skipped}")
        session.exitstatus = 1


# ------------------------------------------------------------ databases

_pg_schema_ready = False


def _reset_postgres(db: SQLAlchemy) -> None:
    global _pg_schema_ready
    engine = db.engine
    if not _pg_schema_ready:
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        _pg_schema_ready = True
        return
    with engine.begin() as conn:  # DELETE beats TRUNCATE on tables this small
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def database_url(backend: str, tmp_path: Any) -> str:
    if backend == "postgresql":
        assert PG_URL
        return PG_URL
    return f"sqlite:///{tmp_path / 'status.db'}"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database for the test, emptied before and after."""
    if not REDIS_URL:
        pytest.skip("set STATUSPAGES_TEST_REDIS_URL to run Redis tests")
    from redis import Redis

    client = Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def pg_url() -> str:
    if not PG_URL:
        pytest.skip("set STATUSPAGES_TEST_DATABASE_URL to run PostgreSQL-only tests")
    return PG_URL


# ------------------------------------------------------------------ apps


def header_owner() -> str | None:
    """The test apps' owner loader: the tenant named in ``X-Owner``."""
    return request.headers.get("X-Owner")


def make_app(database_url: str, **config: Any) -> tuple[Flask, StatusPages, SQLAlchemy]:
    app = Flask("statuspages_test")
    app.config.update(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 1,  # nothing listens: tests that want mail start an SMTP server
            "MAIL_DEFAULT_SENDER": "status@example.com",
            "STATUSPAGES_QUEUE": "inline",
            # Links in emails and webhooks come from a trusted host, not a request's Host.
            "SERVER_NAME": "localhost",
            # The suite makes admin calls as fast as it can: the API's rate limit (on by
            # default) is tested where a test asks for it (tests/test_api_limits.py).
            "STATUSPAGES_API_RATE_LIMIT": None,
            **config,
        }
    )
    db = SQLAlchemy(app)
    ext = StatusPages(app, db=db)
    return app, ext, db


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app_bundle(
    database_url: str, backend: str, app_config: dict[str, Any]
) -> Iterator[tuple[Flask, StatusPages, SQLAlchemy]]:
    app, ext, db = make_app(database_url, **app_config)
    ext.owner_loader(header_owner)
    with app.app_context():
        if backend == "postgresql":
            _reset_postgres(db)
        else:
            ext.create_all()
    yield app, ext, db
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(app_bundle: tuple[Flask, StatusPages, SQLAlchemy]) -> Flask:
    return app_bundle[0]


@pytest.fixture
def ext(app_bundle: tuple[Flask, StatusPages, SQLAlchemy]) -> StatusPages:
    return app_bundle[1]


@pytest.fixture
def db(app_bundle: tuple[Flask, StatusPages, SQLAlchemy]) -> SQLAlchemy:
    return app_bundle[2]


def iso(moment: datetime) -> str:
    """A timestamp as the admin API takes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiClient:
    """The Flask test client, speaking as one tenant, with the prefix built in."""

    def __init__(self, app: Flask, owner: str | None) -> None:
        self.client = app.test_client()
        self.owner = owner

    def as_owner(self, owner: str | None) -> ApiClient:
        return ApiClient(self.client.application, owner)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        merged = {"X-Owner": self.owner} if self.owner else {}
        return {**merged, **(headers or {})}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        return self.client.open(PREFIX + path, method=method, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)

    # Shortcuts that assert success, for setting a scene.
    def make_page(self, **body: Any) -> dict[str, Any]:
        response = self.post("/", json={"name": "Acme Status", **body})
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def make_component(self, page_id: str, **body: Any) -> dict[str, Any]:
        response = self.post(f"/{page_id}/components", json={"name": "API", **body})
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def make_incident(self, page_id: str, **body: Any) -> dict[str, Any]:
        response = self.post(f"/{page_id}/incidents", json={"title": "Outage", **body})
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def make_maintenance(
        self, page_id: str, start: datetime, hours: float = 2, **body: Any
    ) -> dict[str, Any]:
        """A maintenance window from ``start`` (one already begun starts at once)."""
        body = {
            "title": "Database upgrade",
            "scheduled_for": iso(start),
            "scheduled_until": iso(start + timedelta(hours=hours)),
            **body,
        }
        response = self.post(f"/{page_id}/maintenances", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def make_subscriber(self, page_id: str, **body: Any) -> dict[str, Any]:
        body = body or {"webhook_url": "https://hooks.example.com/status"}
        response = self.post(f"/{page_id}/subscribers", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app, "acme")


# --------------------------------------------------------------- helpers


def make_metric(app: Flask, page_id: str, name: str = "Latency") -> str:
    """A metric of the page, written directly (its routes are not this branch's): its id."""
    from flask_statuspages.models import Metric

    with app.app_context():
        session = app.extensions["statuspages"].db.session
        metric = Metric(page_id=page_id, name=name, suffix="ms")
        session.add(metric)
        session.commit()
        metric_id = metric.id
        session.remove()
    return metric_id


@pytest.fixture
def recorded_signals(app: Flask) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every signal of ``flask_statuspages.signals`` sent by ``app``, in order."""
    received: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for name in dir(signals):
        sig = getattr(signals, name)
        if not hasattr(sig, "connect") or name.startswith("_"):
            continue

        def receiver(sender: Any, _name: str = name, **payload: Any) -> None:
            assert sender is app
            received.append((_name, payload))

        sig.connect(receiver, sender=app)
        receivers.append((sig, receiver))
    yield received
    for sig, receiver in receivers:
        sig.disconnect(receiver)


@contextmanager
def count_queries(db: SQLAlchemy) -> Iterator[list[str]]:
    """The SQL statements run on ``db``'s engine inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # type: ignore[no-any-return]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.raw: list[bytes] = []
        self.sessions = 0  # SMTP conversations (EHLO/HELO), one per connection
        self._arrived = threading.Condition()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_EHLO(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.raw.append(envelope.content)
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[Any]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return self.messages


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


class WebhookReceiver:
    """A real HTTP server on loopback that records every POST it receives.

    ``plan`` scripts its answers, one per request: a status code, or
    ``("hang", seconds)`` to answer late; when the plan runs out it answers 204.
    """

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict[str, Any]] = []
        self.plan: list[Any] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    action = receiver.plan.pop(0) if receiver.plan else 204
                if isinstance(action, tuple):
                    time.sleep(action[1])
                    action = 204
                with receiver._arrived:
                    receiver.requests.append(
                        {"headers": dict(self.headers), "body": body, "status": action}
                    )
                    receiver._arrived.notify_all()
                self.send_response(action)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default 5 drops concurrent connects: 1 s stalls

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def accepted(self) -> list[dict[str, Any]]:
        """The requests answered 2xx."""
        return [r for r in self.requests if 200 <= r["status"] < 300]

    def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)
        return self.requests


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    hook._thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()
