"""Subscribers of a page: subscribing, verification, quarantine, unsubscribing."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import netguard, rules, signals, tokens
from ..changes import commit, event
from ..errors import ApiError, conflict, not_found, validation_error
from ..links import external_url
from ..models import (
    Delivery,
    NotificationEvent,
    Page,
    Subscriber,
    SubscriberComponent,
    new_id,
    utcnow,
)
from ..notify import outbox
from ..state import db_session
from . import components


def subscribers_of(page_id: str, state: str | None = None, text: str | None = None) -> Any:
    """The page's subscribers, oldest first; ``state`` filters, ``text`` is a part of
    their email or webhook URL (any case)."""
    query = (
        select(Subscriber)
        .where(Subscriber.page_id == page_id)
        .options(selectinload(Subscriber.component_links))
        .order_by(Subscriber.created_at, Subscriber.id)
    )
    if state == "pending":
        query = query.where(Subscriber.verified_at.is_(None))
    elif state == "verified":
        query = query.where(
            Subscriber.verified_at.is_not(None), Subscriber.quarantined_at.is_(None)
        )
    elif state == "quarantined":
        query = query.where(Subscriber.quarantined_at.is_not(None))
    if text:
        query = query.where(
            or_(
                Subscriber.email.icontains(text, autoescape=True),
                Subscriber.webhook_url.icontains(text, autoescape=True),
            )
        )
    return query


def get_subscriber(page: Page, subscriber_id: str) -> Subscriber:
    subscriber = db_session().scalar(subscribers_of(page.id).where(Subscriber.id == subscriber_id))
    if subscriber is None:
        raise not_found("Subscriber")
    return subscriber


def existing_subscriber(page_id: str, data: dict[str, Any]) -> Subscriber | None:
    channel = Subscriber.email if data.get("email") else Subscriber.webhook_url
    value = data.get("email") or data.get("webhook_url")
    query = select(Subscriber).where(Subscriber.page_id == page_id, channel == value)
    return db_session().scalar(query)


def verify_token_for(subscriber: Subscriber) -> str:
    return tokens.dump(tokens.Purpose.VERIFY, {"s": subscriber.id, "p": subscriber.page_id})


def _check_webhook_url(url: str | None) -> None:
    """Refuse a webhook that is, or resolves to, a private address.

    A name that does not resolve now is accepted: it is checked again at
    every delivery, which is where the guard matters.
    """
    if not url:
        return
    try:
        netguard.check_url(url)
    except netguard.UnsafeUrl as exc:
        raise validation_error({"webhook_url": [str(exc)]}) from None
    except netguard.Unresolvable:
        pass


def _record_verification(page: Page, subscriber: Subscriber, token: str) -> None:
    """Queue the verification message: an email with the link, or a webhook event."""
    verify_url = external_url("statuspages.verify_subscriber", page_id=page.id, token=token)
    extra: dict[str, Any] = {"verify_url": verify_url}
    if subscriber.webhook_url:
        extra["secret"] = subscriber.secret  # how a publicly subscribed receiver learns it
    outbox.record(page, "subscription.verify", subscriber=subscriber, **extra)


def create_subscriber(page: Page, data: dict[str, Any]) -> tuple[Subscriber, str]:
    """Subscribe ``data["email"]`` or ``data["webhook_url"]``; returns it and its verify token.

    The verification message (email link, or webhook event) is queued with it.
    """
    component_ids = sorted(set(data.pop("component_ids", None) or []))
    _check_webhook_url(data.get("webhook_url"))
    components.check_on_page(page, component_ids)
    if existing_subscriber(page.id, data) is not None:
        raise conflict("This address is already subscribed to the page.")
    subscriber = Subscriber(id=new_id(), page_id=page.id, **data)
    subscriber.component_links = [SubscriberComponent(component_id=c) for c in component_ids]
    subscriber.components_only = bool(component_ids)
    if subscriber.webhook_url:
        subscriber.secret = secrets.token_hex(32)
    token = verify_token_for(subscriber)  # before the write: a signing error leaves nothing
    session = db_session()
    session.add(subscriber)
    _record_verification(page, subscriber, token)
    try:
        commit(event(signals.subscriber_created, subscriber=subscriber))
    except IntegrityError:
        session.rollback()
        raise conflict("This address is already subscribed to the page.") from None
    return subscriber, token


def subscribe_publicly(page: Page, data: dict[str, Any]) -> None:
    """A visitor subscribes; the answer never tells whether the address was known.

    A new address is subscribed; one still pending gets a new verification
    message; a verified one is left as it is. A page whose subscriptions are
    off (``subscriptions_enabled``) is 404: visitors have no subscribe route. A channel
    the page does not take (``allow_email_subscribers``, ``allow_webhook_subscribers``)
    is 422 naming its field.
    """
    if not page.subscriptions_enabled:
        raise ApiError(404, "This page does not take subscriptions.")
    refused = rules.refused_channels(
        data, email=page.allow_email_subscribers, webhook=page.allow_webhook_subscribers
    )
    if refused:
        raise validation_error(refused)
    try:
        create_subscriber(page, dict(data))
    except ApiError as error:
        if error.status != 409:
            raise
        known = existing_subscriber(page.id, data)
        if known is not None and known.verified_at is None:
            resend_verification(page, known)


def resend_verification(page: Page, subscriber: Subscriber) -> str:
    """Queue a new verification message for a pending subscriber; returns the new token."""
    if subscriber.verified_at is not None:
        raise conflict("This subscriber is already verified.")
    token = verify_token_for(subscriber)
    _record_verification(page, subscriber, token)
    commit()
    return token


def reactivate(subscriber: Subscriber) -> Subscriber:
    """Lift a quarantine: what the subscriber was owed meanwhile goes out."""
    if subscriber.quarantined_at is None:
        raise conflict("This subscriber is not quarantined.")
    subscriber.quarantined_at = None
    subscriber.failure_streak = 0
    db_session().execute(
        update(Delivery)
        .where(Delivery.subscriber_id == subscriber.id, Delivery.status == "pending")
        .values(next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    outbox.mark_pending()
    commit()
    return subscriber


def verify_subscriber(page_id: str, token: str) -> Subscriber:
    """Verify the subscription ``token`` was made for; verifying twice is harmless."""
    max_age = current_app.config["STATUSPAGES_VERIFY_MAX_AGE"]
    try:
        payload = tokens.load(tokens.Purpose.VERIFY, token, max_age=max_age)
    except tokens.TokenExpired:
        raise ApiError(400, "This verification link has expired.", code="token_expired") from None
    except tokens.TokenInvalid:
        payload = None
    if not isinstance(payload, dict) or payload.get("p") != page_id:
        raise ApiError(400, "This verification link is not valid.", code="invalid_token")
    subscriber = _subscriber_of(payload)
    # A conditional update, so that of two concurrent clicks only one says "verified".
    first: CursorResult[Any] = db_session().execute(  # type: ignore[assignment]
        update(Subscriber)
        .where(Subscriber.id == subscriber.id, Subscriber.verified_at.is_(None))
        .values(verified_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    commit(*([event(signals.subscriber_verified, subscriber=subscriber)] if first.rowcount else []))
    return subscriber


def _subscriber_of(payload: dict[str, Any]) -> Subscriber:
    subscriber = db_session().scalar(
        select(Subscriber).where(
            Subscriber.id == payload.get("s"), Subscriber.page_id == payload.get("p")
        )
    )
    if subscriber is None:
        raise not_found("Subscriber")
    return subscriber


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    """The subscriber an unsubscribe link was made for (the links never expire)."""
    try:
        payload = tokens.load(tokens.Purpose.UNSUBSCRIBE, token)
    except (tokens.TokenInvalid, tokens.TokenExpired):
        raise ApiError(400, "This unsubscribe link is not valid.", code="invalid_token") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "This unsubscribe link is not valid.", code="invalid_token")
    return _subscriber_of(payload)


def delete_subscriber(subscriber: Subscriber) -> None:
    session = db_session()
    session.execute(delete(Delivery).where(Delivery.subscriber_id == subscriber.id))
    session.execute(
        delete(NotificationEvent).where(NotificationEvent.subscriber_id == subscriber.id)
    )
    session.execute(
        delete(SubscriberComponent).where(SubscriberComponent.subscriber_id == subscriber.id)
    )
    session.delete(subscriber)
    commit(event(signals.subscriber_deleted, subscriber=subscriber))


def reach(page_id: str, component_ids: Any = ()) -> dict[str, int]:
    """How many subscribers a notification about ``component_ids`` (none: the whole page)
    would reach now, by channel: ``{"email": n, "webhook": m}``. The rule is the fan-out's
    (:func:`..notify.fanout.recipients`): verified ones, and those limited to components
    only when one of theirs is touched. Forms show it before anything is sent."""
    by_email = Subscriber.email.is_not(None)
    query = (
        select(by_email, func.count())
        .where(Subscriber.page_id == page_id, Subscriber.verified_at.is_not(None))
        .group_by(by_email)
    )
    ids = list(component_ids or ())
    if ids:
        touched = select(SubscriberComponent.subscriber_id).where(
            SubscriberComponent.subscriber_id == Subscriber.id,
            SubscriberComponent.component_id.in_(ids),
        )
        query = query.where(or_(Subscriber.components_only.is_(False), exists(touched)))
    counts = {"email": 0, "webhook": 0}
    for is_email, count in db_session().execute(query):
        counts["email" if is_email else "webhook"] = count
    return counts
