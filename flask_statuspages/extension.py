"""The ``StatusPages`` extension object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, request
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy

from . import domains, i18n, links, realtime
from .api import PythonApi
from .models import Base
from .notify.queues import ThreadQueue, make_queue
from .ratelimit import RateLimits, check_api_limit
from .realtime import make_broker
from .snapshot import SnapshotCache, install_version_hook
from .state import EXTENSION_KEY, State, get_state

#: Every configuration key with its default; see docs/configuration.md.
DEFAULT_CONFIG: dict[str, Any] = {
    "STATUSPAGES_URL_PREFIX": "/api/ext/cockpit-pro/status-pages",
    "STATUSPAGES_SECRET_KEY": None,
    "STATUSPAGES_VERIFY_MAX_AGE": 172800,
    "STATUSPAGES_PUBLIC_URL": None,
    "STATUSPAGES_MAX_PAGES_PER_OWNER": None,
    "STATUSPAGES_MAIL_SENDER": None,
    "STATUSPAGES_MAX_CONTENT_LENGTH": 256 * 1024,
    "STATUSPAGES_TRUSTED_ORIGINS": (),
    "STATUSPAGES_QUEUE": "thread",
    "STATUSPAGES_REDIS_URL": None,
    "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": False,
    "STATUSPAGES_WEBHOOK_TIMEOUT": 5,
    "STATUSPAGES_WEBHOOK_CONCURRENCY": 8,
    "STATUSPAGES_RETRY_BACKOFF": 30,
    "STATUSPAGES_MAX_ATTEMPTS": 8,
    "STATUSPAGES_QUARANTINE_AFTER": 10,
    "STATUSPAGES_DELIVERY_LEASE": 300,
    "STATUSPAGES_POLL_INTERVAL": 5,
    "STATUSPAGES_SUBSCRIBE_RATE_LIMIT": "5 per minute;30 per hour",
    "STATUSPAGES_SITE_PREFIX": "/status",
    "STATUSPAGES_CONSOLE_PREFIX": "/status-admin",
    "STATUSPAGES_CONSOLE_LOGIN_URL": None,
    "STATUSPAGES_CNAME_TARGET": None,
    "STATUSPAGES_DNS_NAMESERVERS": None,
    "STATUSPAGES_DNS_TIMEOUT": 3.0,
    "STATUSPAGES_PAGE_SESSION_MAX_AGE": 7 * 24 * 3600,
    "STATUSPAGES_VIEWER_LINK_MAX_AGE": 15 * 60,
    "STATUSPAGES_PUBLIC_RATE_LIMIT": "300 per minute",
    "STATUSPAGES_AUTH_RATE_LIMIT": "5 per 5 minutes",
    "STATUSPAGES_API_RATE_LIMIT": "60 per minute;10 per second",
    "STATUSPAGES_SNAPSHOT_CACHE_SIZE": 256,
    "STATUSPAGES_UPTIME_MIN_SPAN": 3600,
    "STATUSPAGES_CHANGE_COUNTER_FILE": None,
    "STATUSPAGES_SSE_HEARTBEAT": 15,
    "STATUSPAGES_SSE_MAX_DURATION": 300,
    "STATUSPAGES_SSE_MAX_PER_CLIENT": None,
    "STATUSPAGES_SSE_MAX_PER_PROCESS": None,
    "STATUSPAGES_METRIC_RETENTION_DAYS": 90,
    "STATUSPAGES_METRIC_PRUNE_INTERVAL": 600,
}

#: Used only when the extension brings its own Flask-SQLAlchemy and none is configured.
DEFAULT_DATABASE_URI = "sqlite:///statuspages.db"

OwnerLoader = Callable[[], Any]
PageLimitLoader = Callable[[str], "int | None"]
ViewerLoader = Callable[[Any], "str | None"]
F = TypeVar("F", bound=Callable[..., Any])


class StatusPages:
    """Status pages for a Flask application.

    ::

        db = SQLAlchemy(app)
        statuspages = StatusPages(app, db=db)

    or, with an application factory, ``statuspages = StatusPages()`` and later
    ``statuspages.init_app(app, db=db)``. Without ``db`` the extension uses the
    app's registered Flask-SQLAlchemy instance, or a private one configured by
    ``SQLALCHEMY_DATABASE_URI`` (default: SQLite ``statuspages.db`` in the
    instance folder).
    """

    def __init__(self, app: Flask | None = None, *, db: SQLAlchemy | None = None) -> None:
        self.db = db
        self._own_db: SQLAlchemy | None = None
        self.owner_loader_callback: OwnerLoader | None = None
        self.page_limit_loader_callback: PageLimitLoader | None = None
        self.viewer_loader_callback: ViewerLoader | None = None
        operations = PythonApi()
        #: Status pages, in-process (:class:`flask_statuspages.api.Pages`).
        self.pages = operations.pages
        #: Components of a page (:class:`flask_statuspages.api.Components`).
        self.components = operations.components
        #: Incidents of a page (:class:`flask_statuspages.api.Incidents`).
        self.incidents = operations.incidents
        #: Maintenance windows of a page (:class:`flask_statuspages.api.Maintenances`).
        self.maintenances = operations.maintenances
        #: Subscribers of a page (:class:`flask_statuspages.api.Subscribers`).
        self.subscribers = operations.subscribers
        #: The record of a page's notifications (:class:`flask_statuspages.api.Deliveries`).
        self.deliveries = operations.deliveries
        #: Component groups of a page (:class:`flask_statuspages.api.Groups`).
        self.groups = operations.groups
        #: Incident templates of a page (:class:`flask_statuspages.api.IncidentTemplates`).
        self.incident_templates = operations.incident_templates
        #: Metrics of a page and their readings (:class:`flask_statuspages.api.Metrics`).
        self.metrics = operations.metrics
        #: Page access users of a page (:class:`flask_statuspages.api.PageAccessUsers`).
        self.page_access_users = operations.page_access_users
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, *, db: SQLAlchemy | None = None) -> None:
        """Set the extension up on ``app``: config defaults, blueprints, commands, state.

        Set the ``STATUSPAGES_*`` keys before calling it. ``db`` (here or in
        the constructor) is the Flask-SQLAlchemy instance whose database and
        session the extension uses. Raises ``RuntimeError`` when called twice
        on one app.
        """
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "flask-statuspages is already initialised on this application;"
                " call init_app once per app."
            )
        for key, value in DEFAULT_CONFIG.items():
            app.config.setdefault(key, value)
        _check_secret_key(app)
        links.check_config(app)
        check_api_limit(app.config)
        queue = make_queue(app)
        app.extensions[EXTENSION_KEY] = State(
            extension=self,
            db=self._database_for(app, db or self.db),
            queue=queue,
            rate_limits=RateLimits(app.config["STATUSPAGES_REDIS_URL"] or "memory://"),
            snapshots=SnapshotCache(app.config["STATUSPAGES_SNAPSHOT_CACHE_SIZE"]),
            broker=make_broker(app),
        )
        install_version_hook()
        realtime.connect(app, app.extensions[EXTENSION_KEY].broker)
        if "mail" not in app.extensions:
            Mail(app)  # the host has no Flask-Mail: one from its MAIL_* settings
        i18n.init_app(app)

        from .cli import statuspages_cli
        from .views import create_blueprint, json_routing_errors
        from .views.site import create_site_blueprint, html_routing_errors

        app.register_blueprint(create_blueprint(app))
        routing_errors = [json_routing_errors(app.config["STATUSPAGES_URL_PREFIX"])]
        site_prefix = app.config["STATUSPAGES_SITE_PREFIX"]
        if site_prefix is not None:
            app.register_blueprint(create_site_blueprint(app))
            if site_prefix.rstrip("/"):  # at the root, every 404 of the host would be ours
                routing_errors.append(html_routing_errors(site_prefix.rstrip("/")))
        if app.config["STATUSPAGES_CONSOLE_PREFIX"] is not None:
            from .console import create_console_blueprint

            app.register_blueprint(create_console_blueprint(app))
        # Retries due after a restart are picked up once the app serves again.
        starts = queue.ensure_started if isinstance(queue, ThreadQueue) else None
        app.before_request(_before_app_request(routing_errors, starts))
        app.cli.add_command(statuspages_cli)

    def _database_for(self, app: Flask, db: SQLAlchemy | None) -> SQLAlchemy:
        if db is not None:
            return db
        registered = app.extensions.get("sqlalchemy")
        if registered is not None:
            return registered  # type: ignore[no-any-return]
        if self._own_db is None:
            self._own_db = SQLAlchemy()
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", DEFAULT_DATABASE_URI)
        self._own_db.init_app(app)
        return self._own_db

    def owner_loader(self, callback: F) -> F:
        """Register the function that returns the caller's tenant key (or ``None``: 401).

        It runs inside the request of every admin route. Without one, the
        built-in loader accepts ``Authorization: Bearer`` API tokens.
        """
        self.owner_loader_callback = callback
        return callback

    def viewer_loader(self, callback: F) -> F:
        """Register ``callback(request) -> email | None``: who is looking at an
        audience-only page, by the host's own login. The email must be one of
        the page's access users to see it; else (or ``None``) a sign-in link's
        session still counts, and without one the visitor must sign in."""
        self.viewer_loader_callback = callback
        return callback

    def page_limit_loader(self, callback: F) -> F:
        """Register ``owner -> int | None``: how many pages an owner may have."""
        self.page_limit_loader_callback = callback
        return callback

    def create_all(self) -> None:
        """Create the extension's tables (quick starts and tests; production migrates)."""
        Base.metadata.create_all(get_state().db.engine)

    def drop_all(self) -> None:
        """Drop the extension's tables (tests)."""
        Base.metadata.drop_all(get_state().db.engine)

    @property
    def session(self) -> Any:
        """The SQLAlchemy session the extension's writes go through."""
        return get_state().db.session


def _check_secret_key(app: Flask) -> None:
    """Tokens (subscription, unsubscribe, page sessions) are signed: a key must be set."""
    if not (app.config["STATUSPAGES_SECRET_KEY"] or app.config.get("SECRET_KEY")):
        raise RuntimeError(
            "flask-statuspages signs its tokens (subscription, unsubscribe, page"
            " sessions): set SECRET_KEY, or STATUSPAGES_SECRET_KEY to keep them apart"
            " from Flask's sessions, before init_app."
        )


def _before_app_request(
    routing_errors: list[Callable[[], Any]], start_queue: Callable[[], None] | None
) -> Callable[[], Any]:
    """The one hook the extension puts on every request of the host app.

    It starts the notification thread if it does not run (``thread`` queue),
    routes verified custom domains to the page's views, and answers 404 and
    405 under our prefixes in our own format (routing errors never reach a
    blueprint's handlers). One hook, with cheap exits, because it runs on the
    host's own routes too.
    """

    def statuspages_before_request() -> Any:
        if start_queue is not None:
            start_queue()
        answer = domains.serve_custom_domains()
        if answer is None and request.routing_exception is not None:
            for routing_error in routing_errors:
                answer = routing_error()
                if answer is not None:
                    break
        return answer

    return statuspages_before_request
