"""Per-application state, kept in ``app.extensions["statuspages"]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from .streamslots import StreamSlots

if TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy
    from flask_sqlalchemy.session import Session
    from sqlalchemy.orm import scoped_session

    from .access import PageRef
    from .extension import StatusPages
    from .freshness import Cached
    from .notify.queues import Queue
    from .ratelimit import RateLimits
    from .realtime import MemoryBroker
    from .snapshot import SnapshotCache

EXTENSION_KEY = "statuspages"


class Unresolved:
    """A value worked out on first use, in an app context."""


UNRESOLVED = Unresolved()


@dataclass
class State:
    extension: StatusPages
    db: SQLAlchemy
    #: Where notification work is drained (``STATUSPAGES_QUEUE``).
    queue: Queue
    #: Rate limits of the public routes (in Redis when configured).
    rate_limits: RateLimits
    #: Public snapshots of pages, by public version.
    snapshots: SnapshotCache
    #: Where live events go (in memory, or Redis pub/sub when configured).
    broker: MemoryBroker
    #: Page refs cached per process while no page changed (``access.page_ref_cache``).
    page_refs: Cached[PageRef] | None | Unresolved = UNRESOLVED
    #: The event streams open in this process, against the caps (``streamslots``).
    stream_slots: StreamSlots = field(default_factory=StreamSlots)
    #: When this process last pruned old metric readings (``time.monotonic()``).
    metrics_pruned_at: float | None = None


def get_state() -> State:
    try:
        return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]
    except KeyError:
        raise RuntimeError(
            "flask-statuspages is not initialised on this application: call"
            " StatusPages(app) or statuspages.init_app(app) first."
        ) from None


def db_session() -> scoped_session[Session]:
    """The host's (or our own) Flask-SQLAlchemy session for the current app."""
    return get_state().db.session
