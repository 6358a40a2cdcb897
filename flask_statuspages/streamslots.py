"""Caps on the event streams a server process holds: per client address and in all.

An open stream holds what serves it for its whole life: a thread under a
threaded server, a greenlet (and one of gunicorn's ``--worker-connections``)
under gevent. Without caps, one address opening streams took every thread of
every worker, and the public JSON and the host's own routes timed out. Each
stream takes a slot here first; beyond a cap the answer is 503 with
``Retry-After``.

The counts are per process, also with Redis: what a cap protects (threads,
connections) belongs to a process, and counts kept in Redis would outlive a
worker that dies with streams open. So one address holds at most the client
cap in each process; the public rate limit, shared through Redis, bounds how
fast it can open them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from .errors import ApiError

#: Defaults when the keys are ``None``: (streams per process, streams per client address).
THREADED_DEFAULTS = (4, 2)
GREENLET_DEFAULTS = (800, 20)
#: Seconds a client turned away waits before it tries again.
RETRY_AFTER = 30


def runs_on_greenlets() -> bool:
    """Whether gevent or eventlet has patched the sockets (a ``gevent`` worker, say)."""
    gevent = sys.modules.get("gevent.monkey")
    if gevent is not None and gevent.is_module_patched("socket"):
        return True
    eventlet = sys.modules.get("eventlet.patcher")
    return eventlet is not None and bool(eventlet.is_monkey_patched("socket"))


@dataclass(frozen=True)
class Caps:
    per_process: int
    per_client: int


def configured_caps() -> Caps:
    """The caps of this process: the configured ones, else the defaults of its server kind."""
    config = current_app.config
    per_process, per_client = GREENLET_DEFAULTS if runs_on_greenlets() else THREADED_DEFAULTS
    if config["STATUSPAGES_SSE_MAX_PER_PROCESS"] is not None:
        per_process = config["STATUSPAGES_SSE_MAX_PER_PROCESS"]
    if config["STATUSPAGES_SSE_MAX_PER_CLIENT"] is not None:
        per_client = config["STATUSPAGES_SSE_MAX_PER_CLIENT"]
    return Caps(per_process, per_client)


class StreamSlots:
    """The open streams of this process, counted in all and per client address."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._per_client: dict[str, int] = {}
        self._total = 0

    @property
    def open(self) -> int:
        return self._total

    def take(self, client: str, caps: Caps) -> Callable[[], None]:
        """A slot for ``client``, or 503 ``too_many_streams``; call the result to free it."""
        with self._lock:
            held = self._per_client.get(client, 0)
            if self._total >= caps.per_process:
                raise _busy("This server holds as many live streams as it can.")
            if held >= caps.per_client:
                raise _busy("Too many live streams are open from your address.")
            self._per_client[client] = held + 1
            self._total += 1
        freed = [False]

        def free() -> None:
            with self._lock:
                if freed[0]:
                    return  # the stream's end and the response's close both free it
                freed[0] = True
                self._total -= 1
                left = self._per_client[client] - 1
                if left:
                    self._per_client[client] = left
                else:
                    del self._per_client[client]

        return free


def _busy(message: str) -> ApiError:
    return ApiError(
        503,
        message + " Poll the page JSON, or try again later.",
        code="too_many_streams",
        headers={"Retry-After": str(RETRY_AFTER)},
    )
