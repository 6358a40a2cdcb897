"""The record of notifications sent to a page's subscribers, for its admins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..changes import commit
from ..errors import conflict, not_found
from ..models import Delivery, Page, utcnow
from ..notify import outbox
from ..state import db_session


def deliveries_of(page_id: str, status: str | None = None) -> Any:
    query = (
        select(Delivery)
        .where(Delivery.page_id == page_id)
        .options(selectinload(Delivery.event))
        .order_by(Delivery.created_at.desc(), Delivery.id)
    )
    return query if status is None else query.where(Delivery.status == status)


def get_delivery(page: Page, delivery_id: str) -> Delivery:
    delivery = db_session().scalar(deliveries_of(page.id).where(Delivery.id == delivery_id))
    if delivery is None:
        raise not_found("Delivery")
    return delivery


def retry_delivery(delivery: Delivery) -> Delivery:
    """Send a failed delivery again, with a fresh set of attempts."""
    if delivery.status != "failed":
        raise conflict(f"Only a failed delivery can be retried; this one is {delivery.status}.")
    if delivery.subscriber.quarantined_at is not None:
        raise conflict("The subscriber is quarantined; reactivate it first.")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    outbox.mark_pending()
    commit()
    return delivery
