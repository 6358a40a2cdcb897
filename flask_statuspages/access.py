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

from flask import after_this_request, current_app, request
from sqlalchemy import bindparam, event, select
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from werkzeug.security import check_password_hash

from . import freshness, rules, tokens
from .clients import client_address
from .errors import ApiError, not_found
from .models import Page
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

    @property
    def protected(self) -> bool:
        """Whether the page is shown to some visitors only (so never cached publicly)."""
        return self.password_hash is not None or bool(self.ip_allowlist)

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
