"""Rate limits of the public routes, per client address.

Built on ``limits``, the library that does Flask-Limiter's counting: the same
limit notation (``"5 per minute;30 per hour"``), the fixed-window strategy,
and the same storages (process memory, or Redis when
``STATUSPAGES_REDIS_URL`` is set, so every process shares the counts).
A hit is the fixed-window strategy's own step, one ``incr`` of the storage,
on a key whose limit-and-bucket part is built once per limit. Through the
strategy, ``limits`` built the whole key again on every hit: counting then
took about 20 of the 60 microseconds a page's JSON costs over a bare Flask
route under gunicorn, and half of that with the key built once.
Flask-Limiter itself is not used: it installs ``before_request``,
``after_request`` and ``teardown_request`` hooks on the whole application,
which would run (and add headers) on every route of the host app, and cost
each public request two limit evaluations (about 0.4 ms measured) where one
counter increment is needed.

A storage that cannot be reached lets requests through (and logs it): a
status page must stay up when Redis does not.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string

from .clients import client_address

log = logging.getLogger(__name__)

NAMESPACE = "statuspages"


class RateLimited(Exception):
    """A client went over a limit; ``retry_after`` seconds until it may try again."""

    def __init__(self, limit: str, retry_after: int) -> None:
        super().__init__(limit)
        self.limit = limit
        self.retry_after = retry_after


@dataclass(frozen=True)
class Usage:
    """The tightest limit after a hit, for ``X-RateLimit-*`` headers."""

    limit: int
    remaining: int
    reset_at: float


@lru_cache(maxsize=64)
def _counters(limits: str, bucket: str) -> tuple[tuple[RateLimitItem, str], ...]:
    """Each limit of ``limits`` with its counters' key prefix in ``bucket`` (the client follows)."""
    return tuple((item, item.key_for(NAMESPACE, bucket) + "/") for item in parse_many(limits))


class SweptMemoryStorage(MemoryStorage):
    """``limits``' memory storage, minus a thread start on most requests.

    The original schedules a 10 ms ``threading.Timer`` to drop expired
    counters whenever the previous one has finished, so under steady traffic
    it starts a thread every few requests (a twentieth of a public request's
    time under gunicorn, profiled). Expired counters are already ignored when
    read; here they are swept at most once a second, by the request that finds
    the sweep due.
    """

    SWEEP_EVERY = 1.0
    _next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - overrides the private hook
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


class RateLimits:
    """Counters per ``(bucket, client address)`` in the configured storage."""

    def __init__(self, storage_uri: str) -> None:
        self.storage: Storage = (
            SweptMemoryStorage()
            if storage_uri.startswith("memory://")
            else cast(Storage, storage_from_string(storage_uri))  # a sync URI: a sync storage
        )

    def hit(self, config_key: str, bucket: str, *, report: bool = False) -> Usage | None:
        """Count one request of this client against the limits in ``config_key``.

        Raises :class:`RateLimited` past any of them. With ``report``, returns
        the first limit's usage (one more storage read), for the headers.
        """
        client = client_address() or "unknown"
        storage = self.storage
        try:
            counters = _counters(current_app.config[config_key], bucket)
            for item, prefix in counters:
                key = prefix + client
                if storage.incr(key, item.get_expiry()) > item.amount:
                    retry_after = int(storage.get_expiry(key) - time.time()) + 1
                    raise RateLimited(str(item), max(1, retry_after))
            if report and counters:
                item, prefix = counters[0]
                key = prefix + client
                remaining = max(0, item.amount - storage.get(key))
                return Usage(item.amount, remaining, storage.get_expiry(key))
        except RateLimited:
            raise
        except Exception:  # the storage is away: stay up
            log.warning("rate limit storage unreachable; request let through", exc_info=True)
        return None

    def reset(self) -> None:
        """Forget every count (tests)."""
        self.storage.reset()
