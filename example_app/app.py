"""A small host application that mounts flask-statuspages.

From this folder::

    flask --app app statuspages db upgrade
    flask --app app statuspages demo --owner acme
    flask --app app run --host 127.0.0.1 --port 5000

The app has its own users (HTTP Basic auth), each in an organisation; the
organisation is the tenant that owns status pages.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections import deque
from typing import Any

from flask import Flask, jsonify, render_template_string, request, url_for
from flask_sqlalchemy import SQLAlchemy

from flask_statuspages import StatusPages, owner_from_token

db = SQLAlchemy()
statuspages = StatusPages()

#: The host's users: name -> (password, organisation). A real app keeps password hashes.
USERS = {
    "alice": ("alice-password", "acme"),
    "bob": ("bob-password", "globex"),
}

#: Pages an organisation may have, by plan (``None``: unlimited).
PLANS = {"acme": 3, "globex": None}


@statuspages.owner_loader
def current_organisation() -> str | None:
    """The caller's organisation: HTTP Basic auth first, else a ``Bearer`` API token."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return owner_from_token()
    password, organisation = USERS.get(auth.username or "", ("", None))
    if hmac.compare_digest(password.encode(), (auth.password or "").encode()):
        return organisation
    return None


@statuspages.page_limit_loader
def pages_allowed(organisation: str) -> int | None:
    return PLANS.get(organisation, 1)


HOME = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Example host app</title></head>
<body>
  <h1>Example host app</h1>
  <p>This app mounts flask-statuspages at <code>{{ prefix }}</code>.</p>
  <ul>
    <li><a href="{{ status_url }}">The demo status page</a> (HTML, no login)</li>
    <li><a href="{{ public_url }}">The demo page's public JSON</a> (no login)</li>
    <li><a href="{{ openapi_url }}">The OpenAPI document</a></li>
    <li><a href="{{ hooks_url }}">The webhooks this app received</a> at
      <code>{{ hooks_url }}</code> (subscribe that URL to try webhooks)</li>
  </ul>
  <p>Admin routes need a login: <code>alice</code> / <code>alice-password</code>
  (organisation acme) or <code>bob</code> / <code>bob-password</code> (globex).</p>
  <pre>curl -u alice:alice-password {{ pages_url }}</pre>
</body>
</html>
"""


def home() -> str:
    return render_template_string(
        HOME,
        prefix=url_for("statuspages.list_pages"),
        status_url=url_for("statuspages_site.status_page", slug="acme-status", _external=True),
        hooks_url=url_for("webhooks", _external=True),
        public_url=url_for("statuspages.public_page", slug="acme-status", _external=True),
        openapi_url=url_for("statuspages.openapi", _external=True),
        pages_url=url_for("statuspages.list_pages", _external=True),
    )


#: The last webhooks the app received at ``/hooks/status``, newest last.
RECEIVED: deque[dict[str, Any]] = deque(maxlen=50)
_received_lock = threading.Lock()


def receive_webhook() -> tuple[str, int]:
    """A webhook receiver on the app itself, so the tour sends nothing off the machine.

    It keeps the event (with its ``X-Statuspages-*`` headers) and logs it. A real
    receiver checks the signature first: see docs/notifications.md.
    """
    try:
        event = json.loads(request.get_data())
    except ValueError:
        return "Not JSON.", 400
    headers = {k: v for k, v in request.headers.items() if k.startswith("X-Statuspages-")}
    with _received_lock:
        RECEIVED.append({"headers": headers, **event})
    print(f"webhook received: {event.get('event')}", flush=True)
    return "", 204


def list_webhooks() -> Any:
    """The webhooks received, oldest first."""
    with _received_lock:
        return jsonify(list(RECEIVED))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-change-me"),
        # A relative SQLite path lands in the instance folder (example_app/instance/).
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///example.db"),
        MAIL_SERVER=os.environ.get("MAIL_SERVER", "localhost"),
        MAIL_PORT=int(os.environ.get("MAIL_PORT", "8025")),
        MAIL_DEFAULT_SENDER="status@example.com",
        STATUSPAGES_PUBLIC_URL=os.environ.get("STATUSPAGES_PUBLIC_URL", "http://127.0.0.1:5000"),
        # The tour subscribes this app's own receiver (/hooks/status) on loopback, which the
        # SSRF guard refuses by default. Only this example turns it off: never in production.
        STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True,
        # The tour and the docs' examples call the admin API as fast as a script can, so
        # no limit here unless one is given (say "60 per minute;10 per second", the
        # default of any other app: see docs/api.md, "Rate limits").
        STATUSPAGES_API_RATE_LIMIT=os.environ.get("STATUSPAGES_API_RATE_LIMIT") or None,
    )
    app.config.update(config or {})
    db.init_app(app)
    statuspages.init_app(app, db=db)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/hooks/status", "webhooks", receive_webhook, methods=["POST"])
    app.add_url_rule("/hooks/status", "list_webhooks", list_webhooks, methods=["GET"])
    return app


app = create_app()
