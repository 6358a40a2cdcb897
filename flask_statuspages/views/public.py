"""Routes for visitors and outside tools: no authentication.

Every ``/public/<slug>/...`` route checks the visitor's access first
(:func:`access.visible_page`), then answers from the page's snapshot.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g, jsonify, redirect, request, stream_with_context

from .. import access, audience, history
from ..clients import client_address
from ..domain import page_access, subscribers
from ..errors import ApiError
from ..intake import FORM, JSON, MULTIPART
from ..realtime import socket_closed, stream
from ..schemas import (
    AuthInput,
    HistoryQuery,
    HistorySchema,
    MessageSchema,
    PageSessionSchema,
    PublicPageSchema,
    SignInInput,
    SubscriberInput,
    UptimeQuery,
    UptimeSchema,
)
from ..snapshot import get_snapshot
from ..state import db_session, get_state
from ..streamslots import configured_caps
from .embeds import page_urls
from .responses import cache_control, snapshot_response
from .routing import Routes, html_page, wants_html

routes = Routes(tag="Public")
PUBLIC_LIMIT = "STATUSPAGES_PUBLIC_RATE_LIMIT"


def _json(snapshot: Any) -> str:
    return json.dumps(snapshot.data["public"], separators=(",", ":"))


@routes.route(
    "/public/<slug>",
    "GET",
    auth=False,
    response=PublicPageSchema,
    errors=(304, 401, 404, 429),
    rate_limit=PUBLIC_LIMIT,
)
def public_page(slug: str) -> Any:
    """The public face of a page: overall status, components, active and recent incidents.

    Answers with an ``ETag``; ``If-None-Match`` with it gives 304.
    """
    return snapshot_response(access.visible_page(slug), "json", "application/json", _json)


@routes.route(
    "/public/<slug>/history",
    "GET",
    auth=False,
    query=HistoryQuery,
    response=HistorySchema,
    errors=(401, 404, 422, 429),
    rate_limit=PUBLIC_LIMIT,
)
def public_history(slug: str, query: dict[str, Any]) -> Any:
    """Past incidents and maintenance windows by month, newest first.

    ``months`` months from ``offset`` months ago; a window is listed once
    completed, in the month it was scheduled to start in.
    """
    ref = access.visible_page(slug)
    months, offset = query["months"], query["offset"]
    incidents = history.months_of_incidents(ref.id, months, offset)
    maintenances = history.months_of_maintenances(ref.id, months, offset)
    found = HistorySchema().dump(
        {
            "months": [
                {**month, "maintenances": windows["maintenances"]}
                for month, windows in zip(incidents, maintenances, strict=True)
            ]
        }
    )
    return jsonify({"months": audience.filter_months(found["months"], access.viewer_for(ref))})


@routes.route(
    "/public/<slug>/components/<component_id>/uptime",
    "GET",
    auth=False,
    query=UptimeQuery,
    response=UptimeSchema,
    errors=(401, 404, 422, 429),
    rate_limit=PUBLIC_LIMIT,
)
def component_uptime(slug: str, component_id: str, query: dict[str, Any]) -> Any:
    """Daily uptime of one component over the last ``days`` days (1..365).

    ``offset`` moves the window back: it ends ``offset`` days before today
    (seed 003). A component younger than the window is measured from
    ``since``; below ``min_span_seconds`` of data there is no figure
    (``uptime`` null, ``uptime_reason`` ``too_little_data``).
    """
    ref = access.visible_page(slug)
    access.check_component_visible(ref, component_id)
    days, offset = query["days"], query["offset"]
    component, uptime = history.component_uptime(ref.id, component_id, days, offset)
    return {
        "component": component,
        "days": days,
        "offset": offset,
        "since": uptime.since,
        "observed_seconds": uptime.observed_seconds,
        "min_span_seconds": history.uptime_min_span(),
        "uptime": uptime.ratio,
        "uptime_reason": "too_little_data" if uptime.too_little_data else None,
        "history": uptime.days,
    }


@routes.route(
    "/public/<slug>/auth",
    "POST",
    auth=False,
    body=AuthInput,
    response=PageSessionSchema,
    errors=(401, 404, 422, 429),
    rate_limit="STATUSPAGES_AUTH_RATE_LIMIT",
)
def unlock_page(slug: str, body: dict[str, Any]) -> Any:
    """Unlock a password-protected page: a page-session token, also set as a cookie.

    Attempts are rate-limited per address (``STATUSPAGES_AUTH_RATE_LIMIT``).
    """
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref) or ref.password_hash is None:
        raise ApiError(404, "Page not found.")
    access.require_https(ref)  # never a password over plain http
    access.keep_from_search_engines(ref)
    token = access.unlock(ref, body["password"])
    max_age = current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"]
    response = jsonify(PageSessionSchema().dump({"token": token, "expires_in": max_age}))
    response.headers["Cache-Control"] = "no-store"
    access.set_session_cookie(response, ref, token)
    return response


def _audience_page(slug: str) -> access.PageRef:
    """The audience-only page ``slug``, if this visitor may know it exists; else 404."""
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref):
        raise ApiError(404, "Page not found.")
    if not ref.audience_only:
        access.check(ref)  # a locked page is 401 here too, as on every public route
        raise ApiError(404, "This page is not for page access users only: nobody signs in.")
    access.keep_from_search_engines(ref)
    return ref


def page_url(ref: access.PageRef) -> str:
    """Where a viewer goes once signed in: the HTML page (on the custom domain when the
    request came there), or its JSON without the site."""
    return page_urls(ref.slug).page


def domain_root() -> str | None:
    """The root of the page's verified custom domain, when this request came there."""
    return request.host_url.rstrip("/") if g.get("statuspages_custom_domain") else None


@routes.route(
    "/public/<slug>/sign-in",
    "POST",
    auth=False,
    body=SignInInput,
    response=MessageSchema,
    status=202,
    errors=(404, 422, 429),
    rate_limit="STATUSPAGES_AUTH_RATE_LIMIT",
)
def sign_in(slug: str, body: dict[str, Any]) -> dict[str, str]:
    """Ask for a sign-in link to an audience-only page, sent to ``email``.

    The answer is the same whether the address is one of the page's access
    users or not; only theirs get the link, good once within
    ``STATUSPAGES_VIEWER_LINK_MAX_AGE`` seconds. Rate-limited per address
    (``STATUSPAGES_AUTH_RATE_LIMIT``).
    """
    ref = _audience_page(slug)
    page_access.request_sign_in(ref, body["email"], page_url(ref), domain_root())
    return {"message": SIGN_IN_SENT}


#: What a sign-in request is told, known address or not.
SIGN_IN_SENT = "If this address may see the page, a sign-in link is on its way to it."


@routes.route(
    "/public/<slug>/sign-in/<token>",
    "GET",
    "POST",
    auth=False,
    response=PageSessionSchema,
    errors=(404,),
    produces=("text/html",),
    # The button of the page the link opens posts a form.
    consumes=(JSON, FORM),
)
def follow_sign_in_link(slug: str, token: str) -> Any:
    """A sign-in link: ``GET`` asks to confirm, ``POST`` signs in (once).

    ``POST`` sets the viewer's session cookie (scoped to the page) and, for a
    browser, goes to the page (303); a JSON client gets the session token,
    which it may send as ``Authorization: Bearer``.
    """
    ref = _audience_page(slug)
    if request.method == "GET":
        page = access.load_page(ref)
        return html_page("sign_in_link.html", page=page, page_name=page.name)
    try:
        user = page_access.use_sign_in_link(ref, token)
    except ApiError as error:
        if wants_html():
            return html_page(
                "sign_in_link.html",
                error.status,
                page=access.load_page(ref),
                error=error,
                page_url=page_url(ref),
            )
        raise
    session_token = access.viewer_session_token(user)
    if wants_html():
        response = redirect(page_url(ref), 303)
    else:
        max_age = current_app.config["STATUSPAGES_PAGE_SESSION_MAX_AGE"]
        response = jsonify(
            PageSessionSchema().dump({"token": session_token, "expires_in": max_age})
        )
    response.headers["Cache-Control"] = "no-store"
    access.set_viewer_cookie(response, ref, session_token)
    return response


@routes.route(
    "/public/<slug>/sign-out",
    "POST",
    auth=False,
    status=204,
    errors=(404,),
)
def sign_out(slug: str) -> Response:
    """Sign out of an audience-only page: its session cookie is removed."""
    ref = _audience_page(slug)
    response = Response(status=204)
    access.clear_viewer_cookie(response, ref)
    return response


def _state(ref: access.PageRef) -> dict[str, Any]:
    """The stream's first event: the page JSON as it is now, with its version."""
    try:
        current = access.page_ref(ref.slug) or ref
        snapshot = get_snapshot(current)
        return {**snapshot.data["public"], "version": snapshot.ref.version}
    finally:
        _release_connection()


def _release_connection() -> None:
    """Give the session's connection back to the pool: a stream holds none while it waits.

    Else each open stream keeps one checked out until it ends, and a few
    streams exhaust the pool for every other request. ``close`` rather than
    ``rollback``: objects loaded by the host's hooks stay readable, detached.
    """
    db_session().close()


@routes.route(
    "/public/<slug>/events",
    "GET",
    auth=False,
    errors=(401, 404, 429, 503),
    produces=("text/event-stream",),
    rate_limit=PUBLIC_LIMIT,
)
def events(slug: str) -> Response:
    """Server-Sent Events: component changes, incidents and updates, as they happen.

    The first event is ``state`` (the whole public page) unless ``Last-Event-ID``
    names an event still in the backlog, in which case the missed events come
    first. A comment every ``STATUSPAGES_SSE_HEARTBEAT`` seconds keeps it open.
    Beyond ``STATUSPAGES_SSE_MAX_PER_CLIENT`` streams from one address, or
    ``STATUSPAGES_SSE_MAX_PER_PROCESS`` in the server process: 503
    ``too_many_streams`` with ``Retry-After``.
    """
    ref = access.visible_page(slug)
    # The first state is built once subscribed: a change made meanwhile is in it or comes live.
    response = event_stream(ref.id, lambda: _state(ref), access.viewer_for(ref))
    response.headers["Cache-Control"] = cache_control(ref).replace("no-cache", "no-store")
    return response


def event_stream(page_id: str, state: Any, viewer: Any = None) -> Response:
    """The SSE answer of a page's stream (:func:`..realtime.stream`) for ``viewer``
    (``None``: everything), resumed from ``Last-Event-ID``, holding one of the process's
    stream slots and no database connection while it waits; ``no-store``."""
    config = current_app.config
    last_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    extension = get_state()
    body = stream(
        extension.broker,
        page_id,
        last_id,
        state,
        config["STATUSPAGES_SSE_HEARTBEAT"],
        config["STATUSPAGES_SSE_MAX_DURATION"],
        socket_closed(request.environ),
        viewer,
    )
    free = extension.stream_slots.take(client_address() or "unknown", configured_caps())
    response = Response(stream_with_context(body), mimetype="text/event-stream")
    # Servers close every response, iterated to its end or not: the slot cannot leak.
    response.call_on_close(free)
    _release_connection()
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.route(
    "/public/<slug>/subscribe",
    "POST",
    auth=False,
    body=SubscriberInput,
    envelope="subscriber",
    response=MessageSchema,
    status=202,
    errors=(401, 404, 422, 429),
    rate_limit="STATUSPAGES_SUBSCRIBE_RATE_LIMIT",
)
def subscribe(slug: str, body: dict[str, Any]) -> dict[str, str]:
    """A visitor subscribes by email or webhook, to the page or some of its components.

    The answer is the same whether the address is new, pending or already
    verified, and never carries the verification token: it goes by email, or
    in a ``subscription.verify`` event to the webhook.
    """
    ref = access.visible_page(slug)
    body = audience.subscription_for(body, access.viewer_for(ref))
    subscribers.subscribe_publicly(access.load_page(ref), body)
    return {"message": "Check your inbox (or your webhook) to confirm the subscription."}


@routes.route(
    "/unsubscribe/<token>",
    "GET",
    "POST",
    auth=False,
    response=MessageSchema,
    errors=(400, 404),
    produces=("text/html",),
    # RFC 8058: mail providers post "List-Unsubscribe=One-Click" in either form encoding.
    consumes=(JSON, FORM, MULTIPART),
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
    page, address = subscriber.page, subscriber.email or subscriber.webhook_url
    page_name = page.name
    if request.method == "GET":
        return html_page("unsubscribe.html", page=page, page_name=page_name, address=address)
    subscribers.delete_subscriber(subscriber)
    if wants_html():
        return html_page(
            "unsubscribe.html", page=page, page_name=page_name, address=address, done=True
        )
    return {"message": f"Unsubscribed from {page_name}."}
