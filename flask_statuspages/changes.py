"""Writes commit once, then tell the world.

Every write of the domain modules ends in :func:`commit`, which commits the
session and only then sends the signals the change caused, so a receiver
never sees a change that could still roll back.
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import Signal
from flask import current_app

from .notify.outbox import PENDING_FLAG
from .state import db_session, get_state

log = logging.getLogger(__name__)

Event = tuple[Signal, dict[str, Any]]


def event(signal: Signal, **payload: Any) -> Event:
    return signal, payload


def commit(*events: Event) -> None:
    """Commit; then send ``events``' signals and wake the notification queue."""
    session = db_session()
    session.commit()
    notify = session.info.pop(PENDING_FLAG, False)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for signal, payload in events:
        try:
            signal.send(app, **payload)
        except Exception:
            # The change is committed: a failing receiver must not turn it into an
            # error answer that invites the client to write it twice.
            log.exception("a receiver of %s failed", getattr(signal, "name", signal))
    if notify:
        get_state().queue.poke()
