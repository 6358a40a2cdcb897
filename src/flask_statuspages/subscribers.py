"""Subscribers of a page, and the verification of their subscription."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from . import mail, signals, tokens
from .changes import commit, event
from .errors import ApiError, conflict, not_found
from .links import external_url
from .models import Page, Subscriber, new_id, utcnow
from .state import db_session

STATES = ("pending", "verified")


def subscribers_of(page_id: str, state: str | None = None) -> Any:
    query = (
        select(Subscriber)
        .where(Subscriber.page_id == page_id)
        .order_by(Subscriber.created_at, Subscriber.id)
    )
    if state == "pending":
        query = query.where(Subscriber.verified_at.is_(None))
    elif state == "verified":
        query = query.where(Subscriber.verified_at.is_not(None))
    return query


def get_subscriber(page: Page, subscriber_id: str) -> Subscriber:
    subscriber = db_session().scalar(subscribers_of(page.id).where(Subscriber.id == subscriber_id))
    if subscriber is None:
        raise not_found("Subscriber")
    return subscriber


def _already_subscribed(page_id: str, data: dict[str, Any]) -> bool:
    channel = Subscriber.email if "email" in data else Subscriber.webhook_url
    value = data.get("email") or data.get("webhook_url")
    query = select(Subscriber.id).where(Subscriber.page_id == page_id, channel == value)
    return db_session().scalar(query) is not None


def verify_token_for(subscriber: Subscriber) -> str:
    return tokens.dump(tokens.Purpose.VERIFY, {"s": subscriber.id, "p": subscriber.page_id})


def create_subscriber(page: Page, data: dict[str, Any]) -> tuple[Subscriber, str]:
    """Subscribe ``data["email"]`` or ``data["webhook_url"]``; returns it and its verify token.

    An email subscriber is sent the verification link at once.
    """
    if _already_subscribed(page.id, data):
        raise conflict("This address is already subscribed to the page.")
    subscriber = Subscriber(id=new_id(), page_id=page.id, **data)
    if subscriber.webhook_url:
        subscriber.secret = secrets.token_hex(32)
    token = verify_token_for(subscriber)  # before the write: a signing error leaves nothing
    session = db_session()
    session.add(subscriber)
    try:
        commit(event(signals.subscriber_created, subscriber=subscriber))
    except IntegrityError:
        session.rollback()
        raise conflict("This address is already subscribed to the page.") from None
    if subscriber.email:
        send_verification_email(page, subscriber, token)
    return subscriber, token


def send_verification_email(page: Page, subscriber: Subscriber, token: str) -> bool:
    link = external_url("statuspages.verify_subscriber", page_id=page.id, token=token)
    message = mail.build_message(
        "verify",
        subscriber.email or "",
        f"Confirm your subscription to {page.name}",
        page=page,
        verify_url=link,
    )
    return mail.send(message)


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
    subscriber = db_session().scalar(
        select(Subscriber).where(Subscriber.id == payload.get("s"), Subscriber.page_id == page_id)
    )
    if subscriber is None:
        raise not_found("Subscriber")
    # A conditional update, so that of two concurrent clicks only one says "verified".
    first: CursorResult[Any] = db_session().execute(  # type: ignore[assignment]
        update(Subscriber)
        .where(Subscriber.id == subscriber.id, Subscriber.verified_at.is_(None))
        .values(verified_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    commit(*([event(signals.subscriber_verified, subscriber=subscriber)] if first.rowcount else []))
    return subscriber


def delete_subscriber(subscriber: Subscriber) -> None:
    db_session().delete(subscriber)
    commit(event(signals.subscriber_deleted, subscriber=subscriber))
