"""Who may see a page: visibility, IP allow-lists and password sessions.

Every public route starts with :func:`visible_page`, which reads the page's
access columns and public version (cached per process while no page changed,
see :mod:`.freshness`; else one small query) and raises the answer a visitor
gets when the page is hidden from them: 404 for a private,
disabled or unknown page and for an address outside the allow-list (so
nothing tells them the page exists), 401 ``password_required`` for a locked
page.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import after_this_request, current_app, g, request
from sqlalchemy import bindparam, event, select
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from werkzeug.security import check_password_hash

from . import freshness, rules, tokens
from .audience import Viewer
from .clients import client_address
from .errors import ApiError, not_found
from .models import Page, PageAccessUser, PageAccessUserComponent, PageAccessUserMetric
from .state import UNRESOLVED, db_session, get_state

log = logging.getLogger(__name__)

#: The header an API client may send its page-session token in (or ``Authorization: Bearer``).
SESSION_HEADER = "X-Statuspages-Page-Session"

_COLUMNS = (
    Page.id,
    Page.slug,
    Page.public_version,
    Page.is_public,
    Page.enabled,
    Page.password_hash,
    Page.ip_allowlist,
    Page.custom_domain,
    Page.custom_domain_verified_at,
    Page.robots_noindex,
    Page.redirect_to_https,
    Page.audience_only,
)


@dataclass(frozen=True)
class PageRef:
    """What the public routes need to know about a page before its snapshot."""

    id: str
    slug: str
    version: int
    is_public: bool
    enabled: bool
    password_hash: str | None
    ip_allowlist: list[str]
    custom_domain: str | None
    custom_domain_verified_at: datetime | None
    robots_noindex: bool
    redirect_to_https: bool
    #: Only its signed-in page access users see it (``visibility: audience``).
    audience_only: bool = False

    @property
    def protected(self) -> bool:
        """Whether the page is shown to some visitors only (so never cached publicly)."""
        return self.password_hash is not None or bool(self.ip_allowlist) or self.audience_only

    @property
    def verified_domain(self) -> str | None:
        return self.custom_domain if self.custom_domain_verified_at else None


#: Built once: one of them runs on public requests when the page ref is not cached.
_LOOKUPS_BY = {
    "slug": select(*_COLUMNS).where(Page.slug == bindparam("value")),
    # Custom domains: only verified ones are served.
    "domain": select(*_COLUMNS).where(
        Page.custom_domain == bindparam("value"), Page.custom_domain_verified_at.is_not(None)
    ),
}


def page_ref(slug: str) -> PageRef | None:
    """The access columns of the page ``slug``: cached while no page changed
    (see :mod:`.freshness`), else in one query."""
    return _ref("slug", slug)


def page_ref_for_domain(domain: str) -> PageRef | None:
    """The page served for requests whose ``Host`` is ``domain`` (verified domains only)."""
    return _ref("domain", domain)


def _ref(by: str, value: str) -> PageRef | None:
    cache = page_ref_cache()
    seen = cache.current() if cache is not None else None
    key = f"{by}:{value}"
    if seen is not None:
        found = cache.get(key, seen)  # type: ignore[union-attr]
        if found is not None:
            return found
    if _in_transaction():
        # The session's connection: it must not be reset under the host's open
        # transaction. Not cached: what it reads may not be committed.
        return _session_ref(by, value)
    ref = _query_ref(value, by)
    if seen is not None and ref is not None:
        cache.put(key, seen, ref)  # type: ignore[union-attr]
    return ref


def page_ref_cache() -> freshness.Cached[PageRef] | None:
    """This app's page-ref cache; ``None`` where no change counter can be shared."""
    state = get_state()
    if state.page_refs is UNRESOLVED:
        state.page_refs = _make_cache(state.db.engine.url)
    return state.page_refs  # type: ignore[return-value]


def _make_cache(database_url: Any) -> freshness.Cached[PageRef] | None:
    config = current_app.config
    counter = freshness.counter_for(
        database_url,
        config["STATUSPAGES_REDIS_URL"],
        config["STATUSPAGES_CHANGE_COUNTER_FILE"],
    )
    return None if counter is None else freshness.Cached(counter)


def _session_ref(by: str, value: str) -> PageRef | None:
    found = db_session().execute(_LOOKUPS_BY[by], {"value": value}).one_or_none()
    return None if found is None else PageRef(*found)


def _query_ref(value: str, by: str = "slug") -> PageRef | None:
    """One query, on a driver connection kept aside for this lookup.

    The statement is SQLAlchemy's, compiled once per dialect. Running it on a
    driver connection of our own skips the ORM session, Core's result
    machinery and the pool's checkout and reset, which together cost several
    times the query on the hottest path of the extension (about 50 µs against
    7 µs on SQLite, measured with ``bench/public.py --profile``).
    """
    engine = get_state().db.engine
    if isinstance(engine.pool, _SHARED_POOLS):  # in-memory SQLite: the only connection
        return _session_ref(by, value)
    sql, positional = _compiled(by, engine.dialect)
    row = _lookup_connections(engine).fetch(sql, (value,) if positional else {"value": value})
    if row is None:
        return None
    values = list(row)
    if isinstance(values[6], str):  # JSON kept as text (SQLite)
        values[6] = json.loads(values[6])
    return PageRef(*values)


def _in_transaction() -> bool:
    """Whether this context's session has a transaction open (without making a session:
    most public requests never need one)."""
    scoped = db_session()
    return bool(scoped.registry.has() and scoped().in_transaction())


#: Pools that hand every checkout the same connection as the session's.
_SHARED_POOLS = (StaticPool, SingletonThreadPool)


@functools.lru_cache(maxsize=16)
def _compiled(by: str, dialect: Any) -> tuple[str, bool]:
    compiled = _LOOKUPS_BY[by].compile(dialect=dialect)
    return str(compiled), bool(compiled.positiontup)


class LookupConnections:
    """A few driver connections, outside the pool, that only run the access lookup.

    Each read runs alone, with no transaction around it (autocommit on
    PostgreSQL; on SQLite a bare ``SELECT`` opens none), so it sees every
    committed change: nothing is cached here but the connections. Idle ones
    wait on a stack (``list.pop``/``append`` are atomic), at most :data:`IDLE`;
    one that fails is dropped and the read retried once on a new one, so a
    database restart costs one error at most.
    """

    IDLE = 16

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._idle: list[Any] = []
        self._pid = os.getpid()

    def fetch(self, sql: str, params: Any) -> Any:
        if self._pid != os.getpid():  # forked: the parent's connections are not ours
            self._idle, self._pid = [], os.getpid()
        try:
            connection = self._idle.pop()
        except IndexError:
            connection = self._connect()
        else:
            try:
                return self._fetch_on(connection, sql, params)
            except Exception:
                log.info("dropping a failed lookup connection", exc_info=True)
                connection = self._connect()
        return self._fetch_on(connection, sql, params)

    def _fetch_on(self, connection: Any, sql: str, params: Any) -> Any:
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()  # read to the end: an open SQLite statement holds a lock
            cursor.close()
        except Exception:
            with contextlib.suppress(Exception):
                connection.close()
            raise
        if len(self._idle) < self.IDLE:
            self._idle.append(connection)
        else:
            connection.close()
        return rows[0] if rows else None

    def close(self, *args: Any) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(Exception):
                connection.close()

    def _connect(self) -> Any:
        proxied = self.engine.raw_connection()
        connection = proxied.driver_connection
        proxied.detach()  # ours from now on: never reset or handed out by the pool
        if self.engine.dialect.name == "postgresql":
            connection.autocommit = True  # one round trip: no BEGIN, no ROLLBACK
        return connection


_LOOKUPS: weakref.WeakKeyDictionary[Any, LookupConnections] = weakref.WeakKeyDictionary()
_LOOKUPS_LOCK = threading.Lock()


def _lookup_connections(engine: Any) -> LookupConnections:
    try:
        return _LOOKUPS[engine]
    except KeyError:
        with _LOOKUPS_LOCK:
            if engine not in _LOOKUPS:
                _LOOKUPS[engine] = LookupConnections(engine)
                # engine.dispose() closes ours too, as it does the pool's.
                event.listen(engine, "engine_disposed", _LOOKUPS[engine].close)
            return _LOOKUPS[engine]


def load_page(ref: PageRef) -> Page:
    page = db_session().get(Page, ref.id)
    if page is None:  # deleted since the check
        raise not_found("Page")
    return page


def visible_page(slug: str) -> PageRef:
    """The page ``slug`` if the current visitor may see it; else 404 or 401."""
    ref = page_ref(slug)
    if ref is None:
        raise not_found("Page")
    check(ref)
    return ref


def check(ref: PageRef) -> None:
    if rules.hidden(ref.is_public, ref.enabled):
        raise not_found("Page")
    if ref.ip_allowlist and not rules.ip_allowed(ref.ip_allowlist, client_address()):
        raise not_found("Page")
    require_https(ref)
    keep_from_search_engines(ref)
    if ref.password_hash is not None and not has_session(ref):
        raise ApiError(
            401,
            "This page is password-protected: unlock it with POST .../auth.",
            code="password_required",
        )
    if ref.audience_only and current_viewer(ref) is None:
        raise ApiError(
            401,
            "This page is for its page access users: sign in with POST .../sign-in.",
            code="sign_in_required",
        )


def https_url(ref: PageRef) -> str | None:
    """Where a plain-http request for the page ``ref`` should go, when the page asks for
    https (``redirect_to_https``); ``None`` for an https request (as the app sees the
    scheme: behind a proxy, through the host's ``ProxyFix``) or a page that does not ask."""
    if not ref.redirect_to_https or request.scheme != "http":
        return None
    return "https://" + request.url.removeprefix("http://")


def require_https(ref: PageRef) -> None:
    """308 to the same URL over https when the page asks for it: 308, not 301, so a
    POST stays a POST (with its body) instead of turning into a GET."""
    location = https_url(ref)
    if location is not None:
        raise ApiError(
            308,
            "This page is served over https only.",
            code="https_required",
            headers={"Location": location},
        )


def keep_from_search_engines(ref: PageRef) -> None:
    """``X-Robots-Tag: noindex`` on this request's answer when the page asks for it
    (``robots_noindex``); called once the visitor may know the page exists."""
    if ref.robots_noindex:
        after_this_request(_noindex)


def _noindex(response: Any) -> Any:
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def reachable(ref: PageRef) -> bool:
    """Whether the page exists for this visitor, locked or not (the password form may show)."""
    if rules.hidden(ref.is_public, ref.enabled):
        return False
    return not ref.ip_allowlist or rules.ip_allowed(ref.ip_allowlist, client_address())


# ------------------------------------------------------ password sessions


def cookie_name(ref: PageRef) -> str:
    return f"statuspages_page_{ref.id}"


def _fingerprint(password_hash: str) -> str:
    """Changes with the password, so changing it ends every session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def unlock(ref: PageRef, password: str) -> str:
    """A page-session token for ``ref`` if ``password`` is right; else 401.

    A password with a NUL is always wrong: none is stored with one, and the hash
    check ignores a trailing NUL (``"s3cret\\x00"`` would pass for ``"s3cret"``).
    """
    stored = ref.password_hash
    if stored is None or "\x00" in password or not check_password_hash(stored, password):
        raise ApiError(401, "Wrong password.", code="password_required")
    return tokens.dump(tokens.Purpose.PAGE_SESSION, {"p": ref.id, "f": _fingerprint(stored)})


def _presented_tokens() -> list[str]:
    found = []
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        found.append(auth[7:].strip())
    if request.headers.get(SESSION_HEADER):
        found.append(request.headers[SESSION_HEADER])
    return found


def has_session(ref: PageRef) -> bool:
    assert ref.password_hash is not None
    candidates = _presented_tokens()
    cookie = request.cookies.get(cookie_name(ref))
    if cookie:
        candidates.append(cookie)
    max_age = current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"]
    expected = {"p": ref.id, "f": _fingerprint(ref.password_hash)}
    for token in candidates:
        try:
            payload: Any = tokens.load(tokens.Purpose.PAGE_SESSION, token, max_age=max_age)
        except (tokens.TokenInvalid, tokens.TokenExpired):
            continue
        if payload == expected:
            return True
    return False


def set_session_cookie(response: Any, ref: PageRef, token: str) -> None:
    response.set_cookie(
        cookie_name(ref),
        token,
        max_age=current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"],
        path="/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


# ------------------------------------------------------ viewers (audience pages)

#: Where a request keeps the viewers it resolved, by page id.
_VIEWERS = "statuspages_viewers"
#: What an audience page shows someone not signed in: no component at all.
NOBODY = Viewer(component_ids=frozenset(), metric_ids=frozenset())


def viewer_cookie_name(ref: PageRef) -> str:
    return f"statuspages_viewer_{ref.id}"


def current_viewer(ref: PageRef) -> Viewer | None:
    """Who is looking at the audience page ``ref``: a page access user signed in (by
    the host's ``viewer_loader``, else by a sign-in link's cookie); ``None`` if nobody.

    Resolved once per request and page.
    """
    known: dict[str, Viewer | None] = g.setdefault(_VIEWERS, {})
    if ref.id not in known:
        user = _loaded_user(ref) or _session_user(ref)
        known[ref.id] = None if user is None else viewer_of(user)
    return known[ref.id]


def viewer_for(ref: PageRef) -> Viewer | None:
    """The viewer whose view of ``ref`` this request renders: ``None`` (everything) on
    a page that is not audience-only, :data:`NOBODY` when nobody is signed in."""
    if not ref.audience_only:
        return None
    return current_viewer(ref) or NOBODY


def check_component_visible(ref: PageRef, component_id: str) -> None:
    """404 (as for a component that does not exist) if this viewer may not see it."""
    viewer = viewer_for(ref)
    if viewer is not None and not viewer.sees_component(component_id):
        raise not_found("Component")


def viewer_of(user: PageAccessUser) -> Viewer:
    components = None
    if user.components_only:
        rows = db_session().scalars(
            select(PageAccessUserComponent.component_id).where(
                PageAccessUserComponent.user_id == user.id
            )
        )
        components = frozenset(rows)
    metrics = None
    if user.metrics_only:
        found = db_session().scalars(
            select(PageAccessUserMetric.metric_id).where(PageAccessUserMetric.user_id == user.id)
        )
        metrics = frozenset(found)
    return Viewer(email=user.email, component_ids=components, metric_ids=metrics)


def access_user(page_id: str, email: str) -> PageAccessUser | None:
    """The page's access user with ``email`` (in any case)."""
    return db_session().scalar(
        select(PageAccessUser).where(
            PageAccessUser.page_id == page_id, PageAccessUser.email_key == email.strip().lower()
        )
    )


def _loaded_user(ref: PageRef) -> PageAccessUser | None:
    loader = get_state().extension.viewer_loader_callback
    if loader is None:
        return None
    email = loader(request)
    if not email or not isinstance(email, str):
        return None
    return access_user(ref.id, email)


def _session_user(ref: PageRef) -> PageAccessUser | None:
    candidates = _presented_tokens()
    cookie = request.cookies.get(viewer_cookie_name(ref))
    if cookie:
        candidates.append(cookie)
    max_age = current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"]
    for token in candidates:
        try:
            payload: Any = tokens.load(tokens.Purpose.VIEWER_SESSION, token, max_age=max_age)
        except (tokens.TokenInvalid, tokens.TokenExpired):
            continue
        if not isinstance(payload, dict) or payload.get("p") != ref.id:
            continue
        user = db_session().get(PageAccessUser, str(payload.get("u")))
        if user is not None and user.page_id == ref.id:
            return user
    return None


def sign_in_link_token(user: PageAccessUser) -> str:
    """A sign-in link's token: good once (the user's nonce changes when it is used)."""
    return tokens.dump(
        tokens.Purpose.VIEWER_LINK, {"p": user.page_id, "u": user.id, "n": user.login_nonce}
    )


def viewer_session_token(user: PageAccessUser) -> str:
    return tokens.dump(tokens.Purpose.VIEWER_SESSION, {"p": user.page_id, "u": user.id})


def set_viewer_cookie(response: Any, ref: PageRef, token: str) -> None:
    response.set_cookie(
        viewer_cookie_name(ref),
        token,
        max_age=current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"],
        path="/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


def clear_viewer_cookie(response: Any, ref: PageRef) -> None:
    response.delete_cookie(
        viewer_cookie_name(ref), path="/", secure=request.is_secure, httponly=True, samesite="Lax"
    )
