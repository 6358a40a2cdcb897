"""The operator console: the server-rendered pages where the host's staff run their
status pages, at ``STATUSPAGES_CONSOLE_PREFIX`` (default ``/status-admin``).

It is a second blueprint with the admin API's rules, not a client of it:

* who may enter is the same ``owner_loader``; without an owner the console sends
  the browser to ``STATUSPAGES_CONSOLE_LOGIN_URL`` with ``next=`` (as Flask-Login's
  ``login_view``), or answers 401 when none is set;
* every form passes :mod:`..intake` (the cross-site rule, the size limit, urlencoded
  bodies only) before its view;
* every write calls the Python API (:mod:`..api`): the same schemas, domain
  operations, tenancy, signals and notifications as the REST routes.

Each screen is a module of this package with a ``register(bp)`` function; the
templates are in ``templates/statuspages/console/`` and the style and script in
``static/console/`` (a host overrides any of them with a same-named file of its
own, see docs/console.md). It works without JavaScript; ``console.js`` makes it
live through the page's event stream.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from . import (
    access_users,
    components,
    deliveries,
    gate,
    incident_templates,
    incidents,
    live,
    maintenances,
    metrics,
    pages,
    subscribers,
)

BLUEPRINT = "statuspages_console"
SCREENS = (
    pages,
    components,
    incidents,
    incident_templates,
    maintenances,
    subscribers,
    deliveries,
    metrics,
    access_users,
    live,
)


def create_console_blueprint(app: Flask) -> Blueprint:
    prefix = app.config["STATUSPAGES_CONSOLE_PREFIX"].rstrip("/")
    bp = Blueprint(
        BLUEPRINT,
        "flask_statuspages",
        url_prefix=prefix or None,
        template_folder="templates",
        static_folder="static/console",
        static_url_path="/static",
    )
    for screen in SCREENS:
        screen.register(bp)
    gate.install(app, bp)
    return bp
