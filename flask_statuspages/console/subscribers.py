"""Subscribers: the list (searched, filtered by state, fifty a screen), adding one by
hand, resending a verification, lifting a quarantine, removing one, and the CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n, rules
from ..domain import subscribers as domain
from ..labels import status_label
from ..models import Page, Subscriber
from ..schemas import SubscriberInput, format_timestamp
from ..state import db_session
from . import forms
from .export import csv_download, csv_lines
from .paging import choice, paged, wanted_screen
from .rendering import render, section_of
from .screens import confirm, done, owned_page, statuspages

SECTION = "statuspages_console.subscribers"
CSV_HEADER = ("id", "channel", "address", "state", "components", "created_at", "verified_at")


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/subscribers"
    one = base + "/<subscriber_id>"
    bp.add_url_rule(base, "subscribers", subscribers)
    bp.add_url_rule(base + ".csv", "subscribers_csv", subscribers_csv)
    bp.add_url_rule(base + "/new", "new_subscriber", new_subscriber, methods=["GET", "POST"])
    bp.add_url_rule(one + "/resend", "resend_verification", resend, methods=["POST"])
    bp.add_url_rule(one + "/reactivate", "reactivate_subscriber", reactivate, methods=["POST"])
    bp.add_url_rule(one + "/delete", "delete_subscriber", delete, methods=["GET", "POST"])
    section_of(
        SECTION,
        *(f"statuspages_console.{name}" for name in ("new_subscriber", "delete_subscriber")),
    )


@dataclass(frozen=True)
class Search:
    """What the list is narrowed to: a part of the address, a state."""

    text: str = ""
    state: str = ""

    def args(self) -> dict[str, str]:
        """As query arguments (the empty ones left out)."""
        return {name: value for name, value in (("q", self.text), ("state", self.state)) if value}


def _search(source: Any) -> tuple[Search, forms.Invalid | None]:
    state, invalid = choice(source, "state", rules.SUBSCRIBER_STATES)
    return Search(str(source.get("q", "")).strip()[:320], state), invalid


def subscribers(page_id: str) -> Response:
    """The page's subscribers, oldest first, a screen at a time."""
    page = owned_page(page_id)
    search, invalid = _search(request.args)
    return _list(page, search, invalid, 422 if invalid else 200, wanted_screen())


def _list(
    page: Page, search: Search, invalid: forms.Invalid | None, status: int, screen: int
) -> Response:
    query = domain.subscribers_of(page.id, search.state or None, search.text or None)
    return render(
        "subscribers.html",
        status,
        page=page,
        search=search,
        invalid=invalid,
        states=[(state, status_label(state)) for state in rules.SUBSCRIBER_STATES],
        listed=paged(query, screen),
        component_names=_component_names(page),
    )


def _component_names(page: Page) -> dict[str, str]:
    return {c.id: c.name for c in statuspages().components.list(page)}


def subscribers_csv(page_id: str) -> ResponseReturnValue:
    """The subscribers the list shows (every screen of it) as CSV: no secret in it."""
    page = owned_page(page_id)
    search, invalid = _search(request.args)
    if invalid is not None:
        return subscribers(page_id)
    query = domain.subscribers_of(page.id, search.state or None, search.text or None)
    names = _component_names(page)
    return csv_download(f"subscribers-{page.slug}.csv", csv_lines(CSV_HEADER, _rows(query, names)))


def _rows(query: Any, names: dict[str, str]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query``, read 500 at a time as the download goes."""
    for subscriber in db_session().scalars(query.execution_options(yield_per=500)):
        yield (
            subscriber.id,
            "email" if subscriber.email else "webhook",
            subscriber.email or subscriber.webhook_url,
            subscriber.state,
            "; ".join(names.get(c, c) for c in subscriber.component_ids),
            format_timestamp(subscriber.created_at),
            format_timestamp(subscriber.verified_at) if subscriber.verified_at else "",
        )


def new_subscriber(page_id: str) -> ResponseReturnValue:
    """Subscribe an address or a webhook by hand; it is sent a verification as usual."""
    page = owned_page(page_id)
    if request.method == "GET":
        return _subscriber_form(page, {}, None)
    values = forms.read(SubscriberInput())
    for channel in ("email", "webhook_url"):
        if not values.get(channel):
            values.pop(channel, None)
    created, invalid = forms.attempt(lambda: statuspages().subscribers.create(page, **values))
    if invalid is not None:
        return _subscriber_form(page, values, invalid, 422)
    assert created is not None
    subscriber = created[0]
    message = i18n.gettext(
        "%(address)s was added; a verification message is on its way.",
        address=subscriber.email or subscriber.webhook_url,
    )
    return done(message, ".subscribers", page_id=page.id)


def _subscriber_form(
    page: Page, values: dict[str, Any], invalid: forms.Invalid | None, status: int = 200
) -> Response:
    return render(
        "subscriber_new.html",
        status,
        page=page,
        values=values,
        invalid=invalid,
        components=statuspages().components.list(page),
    )


def _subscriber(page: Page, subscriber_id: str) -> Subscriber:
    found: Subscriber = statuspages().subscribers.get(page, subscriber_id)
    return found


def _back(page: Page, message: str) -> Any:
    """To the list the operator acted from (its search and screen kept)."""
    search, _invalid = _search({name: forms.control(name) or "" for name in ("q", "state")})
    screen = forms.control("page") or ""
    extra = {"page": screen} if screen.isdigit() else {}
    return done(message, ".subscribers", page_id=page.id, **search.args(), **extra)


def _refused(page: Page, invalid: forms.Invalid) -> Response:
    """A one-button action the API refused (409): the list again, saying why."""
    return _list(page, Search(), invalid, 409, 1)


def resend(page_id: str, subscriber_id: str) -> ResponseReturnValue:
    """Send a pending subscriber a new verification message."""
    page = owned_page(page_id)
    subscriber = _subscriber(page, subscriber_id)
    _token, invalid = forms.attempt(
        lambda: statuspages().subscribers.resend_verification(page, subscriber)
    )
    if invalid is not None:
        return _refused(page, invalid)
    address = subscriber.email or subscriber.webhook_url
    return _back(
        page, i18n.gettext("A new verification message was sent to %(address)s.", address=address)
    )


def reactivate(page_id: str, subscriber_id: str) -> ResponseReturnValue:
    """Lift a quarantine: what the subscriber was owed meanwhile goes out."""
    page = owned_page(page_id)
    subscriber = _subscriber(page, subscriber_id)
    _done, invalid = forms.attempt(lambda: statuspages().subscribers.reactivate(page, subscriber))
    if invalid is not None:
        return _refused(page, invalid)
    address = subscriber.email or subscriber.webhook_url
    return _back(page, i18n.gettext("%(address)s receives notifications again.", address=address))


def delete(page_id: str, subscriber_id: str) -> ResponseReturnValue:
    """Remove a subscriber (a confirmation first): it hears nothing more."""
    page = owned_page(page_id)
    subscriber = _subscriber(page, subscriber_id)
    address = subscriber.email or subscriber.webhook_url or ""
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Remove %(address)s?", address=address),
            i18n.gettext(
                "This subscriber will hear nothing more from the page, and its delivery"
                " log goes with it. It can subscribe again."
            ),
            url_for(".delete_subscriber", page_id=page.id, subscriber_id=subscriber.id),
            i18n.gettext("Remove subscriber"),
            url_for(".subscribers", page_id=page.id),
        )
    statuspages().subscribers.delete(page, subscriber)
    return done(
        i18n.gettext("%(address)s was removed.", address=address), ".subscribers", page_id=page.id
    )
