"""Expanding an event into deliveries: in batches, resumable, never twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from ..models import (
    Delivery,
    NotificationEvent,
    Subscriber,
    SubscriberComponent,
    new_id,
    utcnow,
)
from ..state import db_session

BATCH_SIZE = 1000


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> None:
    """Insert deliveries; one that exists already (a re-run batch) is left alone."""
    session = db_session()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(Delivery).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(Delivery).on_conflict_do_nothing()
    else:  # MySQL / MariaDB: INSERT IGNORE skips the rows the unique index refuses
        statement = insert(Delivery).prefix_with("IGNORE")
    session.execute(statement, rows)


def recipients(event: NotificationEvent) -> Any:
    """The subscribers ``event`` reaches, by id (the order batches resume in).

    Those verified when it happened; a quarantined one too (its deliveries
    wait for the reactivation); one limited to components only when the event
    touches one of them, or the whole page.
    """
    query = select(Subscriber.id, Subscriber.email).order_by(Subscriber.id)
    if event.subscriber_id is not None:
        return query.where(Subscriber.id == event.subscriber_id)
    query = query.where(
        Subscriber.page_id == event.page_id,
        Subscriber.verified_at.is_not(None),
        Subscriber.verified_at <= event.created_at,
    )
    if event.component_ids:
        touched = select(SubscriberComponent.subscriber_id).where(
            SubscriberComponent.subscriber_id == Subscriber.id,
            SubscriberComponent.component_id.in_(event.component_ids),
        )
        query = query.where(or_(Subscriber.components_only.is_(False), exists(touched)))
    return query


def claim_event() -> NotificationEvent | None:
    """An event still to expand, locked for this transaction (others skip it)."""
    query = (
        select(NotificationEvent)
        .where(NotificationEvent.fanned_out_at.is_(None))
        .order_by(NotificationEvent.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db_session().scalar(query)


def fan_out_batch() -> int:
    """Write the next batch of deliveries of one event and commit; 0 when none is left."""
    session = db_session()
    event = claim_event()
    if event is None:
        session.rollback()
        return 0
    query = recipients(event).limit(BATCH_SIZE)
    if event.fanout_cursor is not None:
        query = query.where(Subscriber.id > event.fanout_cursor)
    batch = session.execute(query).all()
    now = utcnow()
    if batch:
        _insert_ignoring_duplicates(
            [
                {
                    "id": new_id(),
                    "event_id": event.id,
                    "subscriber_id": subscriber_id,
                    "page_id": event.page_id,
                    "channel": "email" if email else "webhook",
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for subscriber_id, email in batch
            ]
        )
        event.fanout_cursor = batch[-1][0]
    if len(batch) < BATCH_SIZE:
        event.fanned_out_at = now
    session.commit()
    return len(batch) or 1
