"""Draining the outbox: fan-out first, then every delivery that is due."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import func, select

from ..domain.maintenances import advance_due, next_transition
from ..domain.metrics import prune_points_if_due
from ..models import Delivery, NotificationEvent, utcnow
from ..state import db_session
from .delivery import deliver_due
from .fanout import fan_out_batch


def drain(now: datetime | None = None, max_seconds: float | None = None) -> bool:
    """Move due maintenance windows, prune old metric readings (every
    ``STATUSPAGES_METRIC_PRUNE_INTERVAL`` seconds), then do all the notification work
    that is due; ``True`` when none is left.

    ``now`` pins the clock (for retries in tests and ``--burst`` runs);
    ``max_seconds`` bounds a run, so a queue job yields to others.
    """
    started = time.monotonic()
    advance_due(now)
    prune_points_if_due()
    while True:
        progressed = fan_out_batch() + deliver_due(now or utcnow())
        if not progressed:
            return True
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            return False


def next_due() -> datetime | None:
    """When the earliest pending delivery, unexpanded event or window transition is due."""
    session = db_session()
    if session.scalar(
        select(NotificationEvent.id).where(NotificationEvent.fanned_out_at.is_(None)).limit(1)
    ):
        return utcnow()
    due = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
    )
    transition = next_transition()
    session.rollback()
    return min((t for t in (due, transition) if t is not None), default=None)
