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

The admin API is limited per API token (or per owner, when the host's owner
loader authenticates) by ``STATUSPAGES_API_RATE_LIMIT``, with the moving-window
strategy, in the same storage: Statuspage's "1 request per second, measured on
a 60 second rolling window", that is ``"60 per minute"``, plus ``"10 per
second"`` so that a burst cannot spend the whole minute at once.

A storage that cannot be reached lets requests through (and logs it): a
status page must stay up when Redis does not.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.datastructures import Headers

from .clients import client_address

log = logging.getLogger(__name__)

NAMESPACE = "statuspages"
#: The config key of the admin API's limit per token or owner.
API_LIMIT = "STATUSPAGES_API_RATE_LIMIT"


@dataclass(frozen=True)
class Usage:
    """The tightest limit after a hit, for ``X-RateLimit-*`` headers."""

    limit: int
    remaining: int
    reset_at: float

    def set_headers(self, headers: Headers) -> None:
        """``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (a Unix time, in seconds)."""
        headers["X-RateLimit-Limit"] = str(self.limit)
        headers["X-RateLimit-Remaining"] = str(self.remaining)
        headers["X-RateLimit-Reset"] = str(math.ceil(self.reset_at))


class RateLimited(Exception):
    """A client went over a limit; ``retry_after`` seconds until it may try again.
    ``usage``, when known, is that limit's, for the ``X-RateLimit-*`` headers."""

    def __init__(self, limit: str, retry_after: int, usage: Usage | None = None) -> None:
        super().__init__(limit)
        self.limit = limit
        self.retry_after = retry_after
        self.usage = usage


def check_api_limit(config: Mapping[str, Any]) -> None:
    """At ``init_app``: ``STATUSPAGES_API_RATE_LIMIT`` is ``None`` or in the ``limits``
    notation; a typo fails when the app starts, not silently on each request."""
    value = config.get(API_LIMIT)
    if value is None:
        return
    try:
        _api_limits(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{API_LIMIT}: {value!r} is not a rate limit such as '60 per minute;10 per second'"
            " (or None for no limit)."
        ) from None


@lru_cache(maxsize=16)
def _api_limits(limits: str) -> tuple[RateLimitItem, ...]:
    """The limits of ``limits``, the shortest window first: a request refused by the
    burst limit is not counted in the longer windows."""
    return tuple(sorted(parse_many(limits), key=lambda item: item.get_expiry()))


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
        self.moving_window = MovingWindowRateLimiter(self.storage)

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

    def hit_api(self, config_key: str, identity: str) -> Usage | None:
        """Count one admin request of ``identity`` (a token's hash, or an owner) against
        the moving-window limits in ``config_key`` (``None``: no limit).

        Raises :class:`RateLimited` past any of them; returns the usage of the limit
        with the fewest requests left, for the headers.
        """
        limits = current_app.config.get(config_key)
        if not limits:
            return None
        try:
            items = _api_limits(limits)
            windows = self.moving_window
            tightest = None
            for item in items:
                allowed = windows.hit(item, NAMESPACE, "api", identity)
                reset_at, remaining = windows.get_window_stats(item, NAMESPACE, "api", identity)
                usage = Usage(item.amount, max(0, remaining), reset_at)
                if not allowed:
                    wait = max(1, math.ceil(reset_at - time.time()))
                    raise RateLimited(str(item), wait, usage)
                if tightest is None or usage.remaining < tightest.remaining:
                    tightest = usage
            return tightest
        except RateLimited:
            raise
        except Exception:  # the storage is away: stay up
            log.warning("rate limit storage unreachable; request let through", exc_info=True)
        return None

    def reset(self) -> None:
        """Forget every count (tests)."""
        self.storage.reset()
