"""A small host application that mounts flask-statuspages.

From this folder::

    flask --app app statuspages db upgrade
    flask --app app statuspages demo --owner acme
    flask --app app run --host 127.0.0.1 --port 5000

The app has its own users, each in an organisation; the organisation is the
tenant that owns status pages. They sign in on the app's own login page (a
session cookie: the operator console at /status-admin), or send HTTP Basic auth
or an API token (the admin API).
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, jsonify, redirect, render_template_string, request, session, url_for
from flask_sqlalchemy import SQLAlchemy
from werkzeug.wrappers import Response

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
    """The caller's organisation: HTTP Basic auth, else the signed-in session, else a
    ``Bearer`` API token."""
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return organisation_of(auth.username or "", auth.password or "")
    user = session.get("user")
    if isinstance(user, str) and user in USERS:
        return USERS[user][1]
    return owner_from_token()


def organisation_of(username: str, password: str) -> str | None:
    """The user's organisation when the password is theirs, else ``None``."""
    known, organisation = USERS.get(username, ("", None))
    if hmac.compare_digest(known.encode(), password.encode()):
        return organisation
    return None


@statuspages.page_limit_loader
def pages_allowed(organisation: str) -> int | None:
    return PLANS.get(organisation, 1)


PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Example host app</title></head>
<body>
  <nav aria-label="Site">
    <a href="{{ url_for('home') }}">Home</a> ·
    <a href="{{ console_url }}">Status console</a> ·
    {%- if user %}
    <form method="post" action="{{ url_for('logout') }}" style="display:inline">
      Signed in as {{ user }} <button type="submit">Sign out</button>
    </form>
    {%- else %}
    <a href="{{ url_for('login') }}">Sign in</a>
    {%- endif %}
  </nav>
  <main>
  {{ body|safe }}
  </main>
</body>
</html>
"""

HOME = """
  <h1>Example host app</h1>
  <p>This app mounts flask-statuspages at <code>{{ prefix }}</code>, and its operator
  console at <a href="{{ console_url }}">{{ console_url }}</a> (sign in as
  <code>alice</code> / <code>alice-password</code>).</p>
  <ul>
    <li><a href="{{ console_url }}">The status console</a> (sign in first)</li>
    <li><a href="{{ status_url }}">The demo status page</a> (HTML, no login)</li>
    <li><a href="{{ public_url }}">The demo page's public JSON</a> (no login)</li>
    <li><a href="{{ openapi_url }}">The OpenAPI document</a></li>
    <li><a href="{{ hooks_url }}">The webhooks this app received</a> at
      <code>{{ hooks_url }}</code> (subscribe that URL to try webhooks)</li>
  </ul>
  <p>Admin routes need a login: <code>alice</code> / <code>alice-password</code>
  (organisation acme) or <code>bob</code> / <code>bob-password</code> (globex).</p>
  <pre>curl -u alice:alice-password {{ pages_url }}</pre>
"""

LOGIN = """
  <h1>Sign in</h1>
  {%- if error %}<p role="alert" id="login-error">{{ error }}</p>{% endif %}
  <form method="post" action="{{ url_for('login', next=next) if next else url_for('login') }}">
    <p><label for="username">Username</label><br>
    <input id="username" name="username" autocomplete="username" value="{{ username }}"
      required></p>
    <p><label for="password">Password</label><br>
    <input id="password" name="password" type="password" autocomplete="current-password"
      required></p>
    <p><button type="submit">Sign in</button></p>
  </form>
"""


def page(title: str, template: str, **context: Any) -> str:
    """``template`` rendered inside the app's frame (its navigation and sign-out)."""
    frame = {"console_url": url_for("statuspages_console.home"), "user": session.get("user")}
    body = render_template_string(template, **frame, **context)
    return render_template_string(PAGE, title=title, body=body, **frame)


def home() -> str:
    return page(
        "Home",
        HOME,
        prefix=url_for("statuspages.list_pages"),
        status_url=url_for("statuspages_site.status_page", slug="acme-status", _external=True),
        hooks_url=url_for("webhooks", _external=True),
        public_url=url_for("statuspages.public_page", slug="acme-status", _external=True),
        openapi_url=url_for("statuspages.openapi", _external=True),
        pages_url=url_for("statuspages.list_pages", _external=True),
    )


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/status-admin/...``), else ``None``:
    an absolute URL, ``//host`` or ``/\\host`` would send the user elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def login() -> Any:
    """The app's own login: a session cookie, then back to ``next`` (a local path)."""
    wanted = safe_next(request.args.get("next"))
    if request.method == "GET":
        return page("Sign in", LOGIN, next=wanted, error=None, username="")
    username = request.form.get("username", "")
    if organisation_of(username, request.form.get("password", "")) is None:
        error = "Unknown user or wrong password."
        return page("Sign in", LOGIN, next=wanted, error=error, username=username), 401
    session.clear()
    session["user"] = username
    return redirect(wanted or url_for("statuspages_console.home"), code=303)


def logout() -> Response:
    session.clear()
    return redirect(url_for("home"), code=303)


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
        # The console (at /status-admin) sends a visitor who is not signed in here.
        STATUSPAGES_CONSOLE_LOGIN_URL="/login",
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    db.init_app(app)
    statuspages.init_app(app, db=db)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.add_url_rule("/hooks/status", "webhooks", receive_webhook, methods=["POST"])
    app.add_url_rule("/hooks/status", "list_webhooks", list_webhooks, methods=["GET"])
    return app


app = create_app()
