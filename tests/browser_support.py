"""What the browser tests stand on: a live server, an admin client over HTTP,
a second origin for the widget, a scene with history, and axe-core.

Everything here is real: the app is served by werkzeug on a loopback port,
Debian's Chromium is driven by Playwright, and the test data goes in through
the admin API like a host application would send it (only the past, which no
API can write, is set in the database directly).
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import delete, select
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from flask_statuspages.models import (
    Component,
    ComponentStatusChange,
    Incident,
    Maintenance,
    utcnow,
)

from .conftest import iso

CHROMIUM = "/usr/bin/chromium"
#: Quiet, sandbox-free headless Chromium: no updates, no sync, no phoning home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent.parent / "docs" / "screenshots"
#: The README's pictures: the browser context options of each.
SHOTS: dict[str, dict[str, Any]] = {
    "light.png": {"viewport": {"width": 1280, "height": 1000}},
    "dark.png": {"viewport": {"width": 1280, "height": 1000}, "color_scheme": "dark"},
    "mobile.png": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}
PREFIX = "/api/ext/cockpit-pro/status-pages"
SITE = "/status"
OWNER = "acme"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def screenshot_folder(tmp_path: Path) -> Path:
    """Where a test's pictures go: docs/screenshots/ with ``STATUSPAGES_SCREENSHOTS=1``
    (``make screenshots``), else ``tmp_path`` (the pictures are still taken and checked)."""
    return SCREENSHOTS if os.environ.get("STATUSPAGES_SCREENSHOTS") == "1" else tmp_path


def photograph(page: Page, target: Path) -> None:
    """A full-page picture of ``page`` into ``target``, once the page fits its screen."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{target.name}: the page is {overflow}px wider than the screen"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 10_000


# ------------------------------------------------------------ live servers


class _QuietHandler(WSGIRequestHandler):
    """Errors still logged; the access log would drown a failure's output."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class LiveServer:
    """A WSGI app served on a loopback port from a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self.server: BaseWSGIServer = make_server(
            host, 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class OtherOrigin:
    """A plain HTTP server on another port (or loopback address): a stranger's site.

    ``pages[path]`` is the HTML it answers for ``path``.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------ admin client


class HttpError(AssertionError):
    pass


class Admin:
    """The admin API of the live server, over real HTTP, as one tenant."""

    def __init__(self, base_url: str, owner: str = OWNER) -> None:
        self.base = base_url + PREFIX
        self.owner = owner

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("X-Owner", self.owner)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise HttpError(f"{method} {path}: {error.code} {error.read()[:500]!r}") from None
        return json.loads(raw) if raw else None

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body)


# ------------------------------------------------------------------- scene


ACTIVE_MESSAGE = """We are investigating **elevated error rates** on the checkout API.

- Payments may fail for some cards
- Retrying usually works

Follow [the API changelog](https://example.com/changelog) for details."""

MAINTENANCE_MESSAGE = """We move the database to **faster disks**.

Writes may pause for up to a minute; reads are not affected."""


def hour(hours_from_now: float) -> datetime:
    """A whole hour, ``hours_from_now`` hours from now (negative: in the past)."""
    return utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours_from_now)


@dataclass
class Scene:
    """A status page worth looking at: groups, incidents, maintenance (in progress,
    upcoming and done), and 45 days of history."""

    page: dict[str, Any]
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    active: dict[str, Any] = field(default_factory=dict)
    past: dict[str, Any] = field(default_factory=dict)
    maintenance: dict[str, Any] = field(default_factory=dict)
    upcoming: dict[str, Any] = field(default_factory=dict)
    done: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.page["slug"])

    @property
    def id(self) -> str:
        return str(self.page["id"])


COMPONENTS = [
    # name, group, status now
    ("Website", "Frontend", "operational"),
    ("Dashboard", "Frontend", "operational"),
    ("Checkout API", "Backend", "degraded_performance"),
    ("Database", "Backend", "operational"),
    ("Email delivery", "Notifications", "operational"),
]


def build_scene(admin: Admin, app: Flask, db: SQLAlchemy, slug: str, **page: Any) -> Scene:
    """A page named after ``slug``, through the admin API, then given a past."""
    scene = Scene(
        admin.post(
            "/",
            {
                "name": "Acme Status",
                "slug": slug,
                "description": "Live status of Acme's website, API and background services.",
                "theme": {"primary_color": "#0e7490"},
                "uptime_days": 30,
                **page,
            },
        )
    )
    for order, (name, group, status) in enumerate(COMPONENTS):
        scene.components[name] = admin.post(
            f"/{scene.id}/components",
            {"name": name, "group_name": group, "status": status, "display_order": order},
        )
    past = admin.post(
        f"/{scene.id}/incidents",
        {
            "title": "Delayed email notifications",
            "message": "Emails are queued and go out late.",
            "severity": "major",
        },
    )
    scene.past = admin.put(
        f"/{scene.id}/incidents/{past['id']}",
        {"status": "resolved", "message": "The queue has drained; all emails went out."},
    )
    active = admin.post(
        f"/{scene.id}/incidents",
        {"title": "Elevated checkout errors", "message": ACTIVE_MESSAGE, "severity": "minor"},
    )
    scene.active = admin.put(
        f"/{scene.id}/incidents/{active['id']}",
        {"status": "identified", "message": "A bad deploy was found; rolling it back."},
    )
    add_maintenance(admin, scene)
    with app.app_context():
        give_history(db, scene)
    return scene


def add_maintenance(admin: Admin, scene: Scene) -> None:
    """One window in progress (it puts the Database under maintenance), one coming, one done."""
    path = f"/{scene.id}/maintenances"
    database, email = scene.components["Database"]["id"], scene.components["Email delivery"]["id"]
    scene.maintenance = admin.post(
        path,
        {
            "title": "Database storage upgrade",
            "message": MAINTENANCE_MESSAGE,
            "scheduled_for": iso(hour(-1)),
            "scheduled_until": iso(hour(2)),
            "component_ids": [database],
        },
    )
    scene.upcoming = admin.post(
        path,
        {
            "title": "Email provider switch",
            "message": "Emails sent during the window go out *a few minutes late*.",
            "scheduled_for": iso(hour(24 * 3 + 2)),
            "scheduled_until": iso(hour(24 * 3 + 4)),
            "component_ids": [email],
        },
    )
    scene.done = admin.post(
        path,
        {
            "title": "Network switch replacement",
            "message": "Replaced as planned; no downtime.",
            "scheduled_for": iso(hour(-24 * 5)),
            "scheduled_until": iso(hour(-24 * 5 + 1)),
            "component_ids": [scene.components["Website"]["id"]],
        },
    )


def give_history(db: SQLAlchemy, scene: Scene) -> None:
    """Backdate the scene: components 45 days old with a few bad days, the past incident 3 days,
    the maintenance windows to their times."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    born = now - timedelta(days=45)
    outages = {  # component name: (days ago, status, hours)
        "Checkout API": [(2, "partial_outage", 5), (9, "major_outage", 2)],
        "Database": [(9, "degraded_performance", 3)],
        "Email delivery": [(3, "major_outage", 6), (17, "partial_outage", 4)],
    }
    session = db.session
    for name, component in scene.components.items():
        row = session.get(Component, component["id"])
        assert row is not None
        row.created_at = born  # a flush touching the component bumps the page's version
        session.execute(
            delete(ComponentStatusChange).where(ComponentStatusChange.component_id == row.id)
        )
        session.add(
            ComponentStatusChange(
                component_id=row.id, old_status=None, new_status="operational", changed_at=born
            )
        )
        for days_ago, status, hours in outages.get(name, []):
            start = now - timedelta(days=days_ago, hours=-8)
            session.add(
                ComponentStatusChange(
                    component_id=row.id,
                    old_status="operational",
                    new_status=status,
                    changed_at=start,
                )
            )
            session.add(
                ComponentStatusChange(
                    component_id=row.id,
                    old_status=status,
                    new_status="operational",
                    changed_at=start + timedelta(hours=hours),
                )
            )
        if row.status != "operational":
            session.add(
                ComponentStatusChange(
                    component_id=row.id,
                    old_status="operational",
                    new_status=row.status,
                    changed_at=now - timedelta(hours=1),
                )
            )
    past = session.scalar(select(Incident).where(Incident.id == scene.past["id"]))
    assert past is not None
    past.started_at = past.created_at = now - timedelta(days=3, hours=2)
    past.resolved_at = now - timedelta(days=3)
    for update in past.updates:
        update.created_at = past.created_at if update.status != "resolved" else past.resolved_at
    ongoing = session.get(Maintenance, scene.maintenance["id"])
    done = session.get(Maintenance, scene.done["id"])
    assert ongoing is not None and done is not None
    ongoing.started_at = ongoing.scheduled_for
    for entry in ongoing.updates:  # started on time, by the worker
        entry.created_at = ongoing.scheduled_for
    done.started_at, done.completed_at = done.scheduled_for, done.scheduled_until
    for entry in done.updates:
        entry.created_at = done.scheduled_until
    session.commit()


# ------------------------------------------------------------------- checks


def serious_violations(results: dict[str, Any]) -> list[dict[str, Any]]:
    """axe-core violations a visitor would actually be hurt by."""
    return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)
