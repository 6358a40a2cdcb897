"""Who may see a page: visibility, IP allow-lists and password sessions.

Every public route starts with :func:`visible_page`, which costs one small
query (the page's access columns and its public version) and raises the
answer a visitor gets when the page is hidden from them: 404 for a private,
disabled or unknown page and for an address outside the allow-list (so
nothing tells them the page exists), 401 ``password_required`` for a locked
page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, request
from sqlalchemy import bindparam, select
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from werkzeug.security import check_password_hash

from . import rules, tokens
from .errors import ApiError, not_found
from .models import Page
from .state import db_session, get_state

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

    @property
    def protected(self) -> bool:
        """Whether the page is shown to some visitors only (so never cached publicly)."""
        return self.password_hash is not None or bool(self.ip_allowlist)

    @property
    def verified_domain(self) -> str | None:
        return self.custom_domain if self.custom_domain_verified_at else None


#: Built once: this query runs on every public request.
_BY_SLUG = select(*_COLUMNS).where(Page.slug == bindparam("slug"))


def page_ref(slug: str) -> PageRef | None:
    """The access columns of the page ``slug``: from the page-ref cache when it is
    current (with Redis), else in one query."""
    state = get_state()
    cache = state.page_refs
    version = cache.version() if cache is not None else None
    if version is not None:
        found = cache.get(slug, version)  # type: ignore[union-attr]
        if found is not None:
            return found
    ref = _query_ref(slug)
    if version is not None and ref is not None:
        cache.put(slug, version, ref)  # type: ignore[union-attr]
    return ref


def _query_ref(slug: str) -> PageRef | None:
    """One query, straight on a pooled driver connection.

    The statement is SQLAlchemy's, compiled once per dialect; running it on
    the DBAPI cursor skips the ORM session and Core's result machinery, which
    cost more than the query itself on the hottest path of the extension
    (about 100 µs against 20 µs on SQLite, measured in ``bench/public.py``).
    """
    engine = get_state().db.engine
    session = db_session()()  # this thread's session, not its scoped proxy
    if session.in_transaction() or isinstance(engine.pool, _SHARED_POOLS):
        # The session's connection: a pooled one handed back would be reset, and
        # with these pools (in-memory SQLite) it is the session's own.
        found = session.execute(_BY_SLUG, {"slug": slug}).one_or_none()
        return None if found is None else PageRef(*found)
    sql, positional = _compiled(engine.dialect)
    connection = engine.raw_connection()
    # On PostgreSQL, one round trip: no BEGIN before the SELECT, no ROLLBACK after.
    autocommit = engine.dialect.name == "postgresql"
    try:
        if autocommit:
            connection.driver_connection.autocommit = True  # type: ignore[union-attr]
        cursor = connection.cursor()
        cursor.execute(sql, (slug,) if positional else {"slug": slug})
        row = cursor.fetchone()
        cursor.close()
    finally:
        if autocommit:
            connection.driver_connection.autocommit = False  # type: ignore[union-attr]
        connection.close()
    if row is None:
        return None
    values = list(row)
    if isinstance(values[6], str):  # JSON kept as text (SQLite)
        values[6] = json.loads(values[6])
    return PageRef(*values)


#: Pools that hand every checkout the same connection as the session's.
_SHARED_POOLS = (StaticPool, SingletonThreadPool)


@functools.lru_cache(maxsize=8)
def _compiled(dialect: Any) -> tuple[str, bool]:
    compiled = _BY_SLUG.compile(dialect=dialect)
    return str(compiled), bool(compiled.positiontup)


class PageRefCache:
    """Page refs by slug, trusted while a global counter in Redis is unchanged.

    Every commit that changes what visitors see increments the counter
    (:func:`snapshot.install_version_hook`) before the request that made it
    answers, so a reader that finds the counter as it was when it cached a
    ref knows no page changed since: public reads then cost one Redis ``GET``
    instead of a database query, and are never stale in any process. Any
    change empties the cache; writes are rare next to reads. Without Redis
    (or when it cannot be reached) every read queries the database.
    """

    KEY = "statuspages:public-version"
    SIZE = 4096

    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.redis: Any = Redis.from_url(redis_url, socket_timeout=1)
        self._entries: dict[str, PageRef] = {}
        self._version: bytes | None = None

    def version(self) -> bytes | None:
        try:
            return self.redis.get(self.KEY) or b"0"  # type: ignore[no-any-return]
        except Exception:
            return None

    def get(self, slug: str, version: bytes) -> PageRef | None:
        if version != self._version:
            self._entries, self._version = {}, version
        return self._entries.get(slug)

    def put(self, slug: str, version: bytes, ref: PageRef) -> None:
        if version == self._version and len(self._entries) < self.SIZE:
            self._entries[slug] = ref

    def bump(self) -> None:
        try:
            self.redis.incr(self.KEY)
        except Exception:  # readers fall back to queries when they cannot read it either
            log.warning("could not announce a public change to Redis", exc_info=True)


def page_ref_for_domain(domain: str) -> PageRef | None:
    """The page served for requests whose ``Host`` is ``domain`` (verified domains only)."""
    row = (
        db_session()
        .execute(
            select(*_COLUMNS).where(
                Page.custom_domain == domain, Page.custom_domain_verified_at.is_not(None)
            )
        )
        .one_or_none()
    )
    return None if row is None else PageRef(*row)


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
    if not rules.ip_allowed(ref.ip_allowlist, request.remote_addr):
        raise not_found("Page")
    if ref.password_hash is not None and not has_session(ref):
        raise ApiError(
            401,
            "This page is password-protected: unlock it with POST .../auth.",
            code="password_required",
        )


def reachable(ref: PageRef) -> bool:
    """Whether the page exists for this visitor, locked or not (the password form may show)."""
    return not rules.hidden(ref.is_public, ref.enabled) and rules.ip_allowed(
        ref.ip_allowlist, request.remote_addr
    )


# ------------------------------------------------------ password sessions


def cookie_name(ref: PageRef) -> str:
    return f"statuspages_page_{ref.id}"


def _fingerprint(password_hash: str) -> str:
    """Changes with the password, so changing it ends every session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def unlock(ref: PageRef, password: str) -> str:
    """A page-session token for ``ref`` if ``password`` is right; else 401."""
    if ref.password_hash is None or not check_password_hash(ref.password_hash, password):
        raise ApiError(401, "Wrong password.", code="password_required")
    return tokens.dump(
        tokens.Purpose.PAGE_SESSION, {"p": ref.id, "f": _fingerprint(ref.password_hash)}
    )


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
