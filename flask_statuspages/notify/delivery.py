"""Claiming due deliveries, sending them, and recording what happened."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select, update

from .. import audience, rules, signals
from ..models import Delivery, NotificationEvent, Page, Subscriber, SubscriberComponent
from ..state import db_session
from . import email, webhook
from .jobs import Job, error_text

log = logging.getLogger(__name__)

CLAIM_BATCH = 250


def claim(now: datetime, limit: int = CLAIM_BATCH) -> list[Job]:
    """Take up to ``limit`` due deliveries for this worker.

    The rows are locked only while they are marked (``FOR UPDATE SKIP LOCKED``
    on PostgreSQL, so concurrent workers take different rows); the mark is a
    lease: a worker that dies mid-send leaves them due again once it expires.
    """
    session = db_session()
    lease = now + timedelta(seconds=current_app.config["STATUSPAGES_DELIVERY_LEASE"])
    due = (
        select(Delivery.id)
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            Subscriber.quarantined_at.is_(None),
        )
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Delivery)
    )
    candidates = list(session.scalars(due))
    if not candidates:
        session.rollback()
        return []
    # The update checks again that each row is still due: where rows are not
    # locked (SQLite), a concurrent worker's claim makes it skip them.
    ids = list(
        session.scalars(
            update(Delivery)
            .where(
                Delivery.id.in_(candidates),
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now,
            )
            .values(attempts=Delivery.attempts + 1, next_attempt_at=lease)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    session.commit()
    if not ids:
        return []
    rows = session.execute(
        select(
            Delivery.id,
            Delivery.channel,
            Delivery.attempts,
            Delivery.event_id,
            Delivery.page_id,
            Subscriber.id,
            Subscriber.email,
            Subscriber.webhook_url,
            Subscriber.secret,
        )
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Delivery.id.in_(ids))
    ).all()
    # A batch mostly shares a few events: read (and decode) each payload once.
    events = {
        event_id: (payload, base_url)
        for event_id, payload, base_url in session.execute(
            select(
                NotificationEvent.id, NotificationEvent.payload, NotificationEvent.base_url
            ).where(NotificationEvent.id.in_({row[3] for row in rows}))
        )
    }
    limited = _audience_components(session, rows)
    session.rollback()  # end the read: sending takes long and must hold no transaction
    return [
        Job(
            delivery_id=row[0],
            channel=row[1],
            attempts=row[2],
            payload=as_seen_by(events[row[3]][0], limited.get(row[5])),
            page_id=row[4],
            subscriber_id=row[5],
            email=row[6],
            webhook_url=row[7],
            secret=row[8],
            base_url=events[row[3]][1],
        )
        for row in rows
    ]


def _audience_components(session: Any, rows: Any) -> dict[str, frozenset[str]]:
    """The components each subscriber of an audience-only page chose: all they may
    hear of (they subscribed as a viewer, to components they see)."""
    subscribers = {row[5] for row in rows}
    found: dict[str, set[str]] = {}
    for subscriber_id, component_id in session.execute(
        select(SubscriberComponent.subscriber_id, SubscriberComponent.component_id)
        .join(Subscriber, Subscriber.id == SubscriberComponent.subscriber_id)
        .join(Page, Page.id == Subscriber.page_id)
        .where(SubscriberComponent.subscriber_id.in_(subscribers), Page.audience_only.is_(True))
    ):
        found.setdefault(subscriber_id, set()).add(component_id)
    return {subscriber: frozenset(ids) for subscriber, ids in found.items()}


def as_seen_by(payload: dict[str, Any], visible: frozenset[str] | None) -> dict[str, Any]:
    """An event's payload naming only the components in ``visible`` (``None``: all)."""
    if visible is None:
        return payload
    trimmed = dict(payload)
    for key in ("incident", "maintenance"):
        if isinstance(payload.get(key), dict):
            trimmed[key] = audience.trim_item(payload[key], visible)
    update = payload.get("incident_update")
    if isinstance(update, dict) and update.get("components"):
        moved = [c for c in update["components"] if c["id"] in visible]
        trimmed["incident_update"] = {**update, "components": moved}
    return trimmed


#: Each channel's sender: it puts every job's outcome into the results as it is known.
CHANNELS: dict[str, Callable[[list[Job], dict[str, str | None]], None]] = {
    "email": email.send_batch,
    "webhook": webhook.send_batch,
}


def send(jobs: list[Job]) -> dict[str, str | None]:
    """Send every job on its channel: delivery id -> error, or None once delivered.

    A channel fails only its own jobs; a job without an outcome gets an error,
    so every claimed delivery is recorded.
    """
    results: dict[str, str | None] = {}
    for channel, send_batch in CHANNELS.items():
        batch = [j for j in jobs if j.channel == channel]
        if not batch:
            continue
        try:
            send_batch(batch, results)
        except Exception as exc:  # a defect of ours: what went out is still recorded as sent
            log.exception("flask-statuspages: sending %s notifications failed", channel)
            for job in batch:
                results.setdefault(job.delivery_id, error_text(exc))
    for job in jobs:
        results.setdefault(job.delivery_id, f"no channel {job.channel!r}")
    return results


def record(jobs: list[Job], results: dict[str, str | None], now: datetime) -> None:
    """Mark sent and failed deliveries, reschedule the others, then send the signals."""
    session = db_session()
    config = current_app.config
    sent = [j for j in jobs if results[j.delivery_id] is None]
    failed = [j for j in jobs if results[j.delivery_id] is not None]
    if sent:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([j.delivery_id for j in sent]))
            .values(status="sent", sent_at=now, next_attempt_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
        _reset_streaks([j.subscriber_id for j in sent if j.channel == "webhook"])
    given_up = []
    for job in failed:
        final = job.attempts >= int(config["STATUSPAGES_MAX_ATTEMPTS"])
        delay = rules.retry_delay(
            job.attempts, float(config["STATUSPAGES_RETRY_BACKOFF"]), random.uniform(0.8, 1.2)
        )
        values: dict[str, Any] = {"last_error": storable(results[job.delivery_id] or "")}
        values.update(
            {"status": "failed"} if final else {"next_attempt_at": now + timedelta(seconds=delay)}
        )
        session.execute(
            update(Delivery)
            .where(Delivery.id == job.delivery_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if final:
            given_up.append(job)
    _count_failures([j.subscriber_id for j in failed if j.channel == "webhook"], now)
    session.commit()
    _signal(signals.notification_sent, [j.delivery_id for j in sent])
    _signal(signals.notification_failed, [j.delivery_id for j in given_up])


def storable(error: str) -> str:
    """An error text any database stores: no NUL (PostgreSQL refuses it), no lone
    surrogate, at most 2,000 characters; a text that cannot be recorded would
    leave the whole batch unrecorded."""
    text = error.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return text[:2000]


def _reset_streaks(subscriber_ids: list[str]) -> None:
    if subscriber_ids:
        db_session().execute(
            update(Subscriber)
            .where(Subscriber.id.in_(subscriber_ids), Subscriber.failure_streak != 0)
            .values(failure_streak=0)
            .execution_options(synchronize_session=False)
        )


def _count_failures(subscriber_ids: list[str], now: datetime) -> None:
    """One more failure in a row for each; quarantine those that reach the limit."""
    limit = int(current_app.config["STATUSPAGES_QUARANTINE_AFTER"])
    for subscriber_id in subscriber_ids:
        db_session().execute(
            update(Subscriber)
            .where(Subscriber.id == subscriber_id)
            .values(
                failure_streak=Subscriber.failure_streak + 1,
                quarantined_at=case(
                    (Subscriber.failure_streak + 1 >= limit, now),
                    else_=Subscriber.quarantined_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )


def _signal(signal: Any, delivery_ids: list[str]) -> None:
    if not delivery_ids or not signal.receivers:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    deliveries = db_session().scalars(select(Delivery).where(Delivery.id.in_(delivery_ids)))
    for delivery in deliveries:
        signal.send(app, delivery=delivery)


def give_up_exhausted(now: datetime) -> list[str]:
    """Fail the deliveries due again after their last allowed attempt left no outcome.

    A worker that died mid-send (or a fault before :func:`record`) leaves its
    claimed rows to come due when the lease ends; those that used every
    attempt are failed here instead of being claimed beyond
    ``STATUSPAGES_MAX_ATTEMPTS``.
    """
    session = db_session()
    max_attempts = int(current_app.config["STATUSPAGES_MAX_ATTEMPTS"])
    exhausted = (
        Delivery.status == "pending",
        Delivery.next_attempt_at <= now,
        Delivery.attempts >= max_attempts,
    )
    # Read first: the write (a lock on SQLite) only when there is something to fail.
    candidates = list(session.scalars(select(Delivery.id).where(*exhausted).limit(CLAIM_BATCH)))
    if not candidates:
        session.rollback()
        return []
    lost = f"no outcome was recorded for attempt {max_attempts} (the worker stopped while sending)"
    ids = list(
        session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(candidates), *exhausted)
            .values(status="failed", last_error=func.coalesce(Delivery.last_error, lost))
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    session.commit()
    return ids


def deliver_due(now: datetime) -> int:
    """Claim, send and record one batch; the number of deliveries handled."""
    exhausted = give_up_exhausted(now)
    _signal(signals.notification_failed, exhausted)
    jobs = claim(now)
    if jobs:
        record(jobs, send(jobs), now)
    return len(jobs) + len(exhausted)
