"""Deliveries: the log of the page's notifications, newest first, filtered by status,
each with its subscriber, event, attempts, last error and next attempt; retrying a
failed one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import selectinload

from .. import i18n, rules
from ..domain import deliveries as domain
from ..labels import status_label
from ..models import Delivery, Page
from . import forms
from .paging import choice, paged, wanted_screen
from .rendering import render
from .screens import done, owned_page, statuspages


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/deliveries"
    bp.add_url_rule(base, "deliveries", deliveries)
    bp.add_url_rule(base + "/<delivery_id>/retry", "retry_delivery", retry, methods=["POST"])


def deliveries(page_id: str) -> Response:
    """The log, newest first, a screen at a time."""
    page = owned_page(page_id)
    status, invalid = choice(request.args, "status", rules.DELIVERY_STATUSES)
    return _log(page, status, invalid, 422 if invalid else 200, wanted_screen())


def _log(
    page: Page, status: str, invalid: forms.Invalid | None, code: int, screen: int
) -> Response:
    query = domain.deliveries_of(page.id, status or None).options(selectinload(Delivery.subscriber))
    return render(
        "deliveries.html",
        code,
        page=page,
        chosen=status,
        invalid=invalid,
        statuses=[(name, status_label(name)) for name in rules.DELIVERY_STATUSES],
        listed=paged(query, screen),
        about=event_about,
    )


def event_about(payload: dict[str, Any]) -> str:
    """What an event is about: the incident, maintenance or component it names."""
    for key, name in (("incident", "title"), ("maintenance", "title"), ("component", "name")):
        found = payload.get(key)
        if isinstance(found, dict) and found.get(name):
            return str(found[name])
    return ""


def retry(page_id: str, delivery_id: str) -> ResponseReturnValue:
    """Send a failed delivery again, with a fresh set of attempts."""
    page = owned_page(page_id)
    delivery = statuspages().deliveries.get(page, delivery_id)
    _retried, invalid = forms.attempt(lambda: statuspages().deliveries.retry(page, delivery))
    if invalid is not None:
        return _log(page, "", invalid, 409, 1)
    status = forms.control("status") or ""
    kept = {"status": status} if status in rules.DELIVERY_STATUSES else {}
    message = i18n.gettext("The delivery will be sent again shortly.")
    return done(message, ".deliveries", page_id=page.id, **kept)
