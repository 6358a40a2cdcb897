"""Routes for visitors and outside tools: no authentication."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from .. import snapshot, subscribers
from ..errors import ApiError
from ..schemas import MessageSchema, PublicPageSchema, SubscriberInput
from .routing import Routes, html_page, wants_html

routes = Routes(tag="Public")


@routes.route("/public/<slug>", "GET", auth=False, response=PublicPageSchema, errors=(404,))
def public_page(slug: str) -> Any:
    """The public face of a page: overall status, components, active and recent incidents."""
    return jsonify(snapshot.build_snapshot(snapshot.public_page(slug)))


@routes.route(
    "/public/<slug>/subscribe",
    "POST",
    auth=False,
    body=SubscriberInput,
    response=MessageSchema,
    status=202,
    errors=(404, 429),
    rate_limit="STATUSPAGES_SUBSCRIBE_RATE_LIMIT",
)
def subscribe(slug: str, body: dict[str, Any]) -> dict[str, str]:
    """A visitor subscribes by email or webhook, to the page or some of its components.

    The answer is the same whether the address is new, pending or already
    verified, and never carries the verification token: it goes by email, or
    in a ``subscription.verify`` event to the webhook.
    """
    subscribers.subscribe_publicly(snapshot.public_page(slug), body)
    return {"message": "Check your inbox (or your webhook) to confirm the subscription."}


@routes.route(
    "/unsubscribe/<token>",
    "GET",
    "POST",
    auth=False,
    response=MessageSchema,
    errors=(400, 404),
    produces=("text/html",),
)
def unsubscribe(token: str) -> Any:
    """One-click unsubscribe (RFC 8058): ``GET`` asks to confirm, ``POST`` unsubscribes.

    The link is in every notification email and its ``List-Unsubscribe`` header.
    """
    try:
        subscriber = subscribers.subscriber_for_unsubscribe(token)
    except ApiError as error:
        if error.status == 404:  # a genuine link, already used: unsubscribing is idempotent
            subscriber = None
        elif wants_html():
            return html_page("unsubscribe.html", error.status, error=error)
        else:
            raise
    if subscriber is None:
        done = {"message": "Already unsubscribed."}
        return html_page("unsubscribe.html", done=True) if wants_html() else done
    page_name, address = subscriber.page.name, subscriber.email or subscriber.webhook_url
    if request.method == "GET":
        return html_page("unsubscribe.html", page_name=page_name, address=address)
    subscribers.delete_subscriber(subscriber)
    if wants_html():
        return html_page("unsubscribe.html", page_name=page_name, address=address, done=True)
    return {"message": f"Unsubscribed from {page_name}."}
