"""Authenticated routes: pages, components, incidents, subscribers (seed 000 and more).

Each view takes the validated input, calls one domain function, and hands back
what the declared response schema serialises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from ..domain import components, deliveries, groups, incidents, maintenances, pages, subscribers
from ..domain.components import ordered_components
from ..errors import ApiError
from ..schemas import (
    ComponentInput,
    ComponentSchema,
    DeliveryListQuery,
    DeliverySchema,
    Extended,
    IncidentInput,
    IncidentListQuery,
    IncidentSchema,
    MaintenanceInput,
    MaintenanceListQuery,
    MaintenanceSchema,
    PageCreateInput,
    PageDetailSchema,
    PageInput,
    PageSchema,
    PaginationQuery,
    ResentSchema,
    SubscriberCreatedSchema,
    SubscriberInput,
    SubscriberListQuery,
    SubscriberSchema,
    VerifiedSchema,
)
from ..state import db_session, get_state
from .routing import Routes, html_page, wants_html

routes = Routes(tag="Pages")


@dataclass
class OffsetPage:
    """A list from any row (``skip``), not only from the start of a page: the envelope
    says ``skip`` beside the page its first row falls on."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    pages: int
    skip: int


def paginate(select: Any, query: dict[str, Any]) -> Any:
    """A page of ``select``'s rows; ``take`` (``per_page``) and ``skip`` (any offset)
    where the query schema takes them."""
    per_page = query.get("take") or query["per_page"]
    if query.get("skip") is None:
        return get_state().db.paginate(
            select, page=query["page"], per_page=per_page, error_out=False
        )
    session, skip = db_session(), query["skip"]
    total = session.scalar(sa.select(sa.func.count()).select_from(select.order_by(None).subquery()))
    items = list(session.scalars(select.offset(skip).limit(per_page)))
    pages = -(-(total or 0) // per_page)
    return OffsetPage(items, skip // per_page + 1, per_page, total or 0, pages, skip)


# ---------------------------------------------------------------- pages


@routes.route("/", "GET", query=PaginationQuery, response=PageSchema, paginated=True)
def list_pages(owner: str, query: dict[str, Any]) -> Pagination:
    """List your status pages."""
    select = pages.owned_pages(owner).order_by(pages.Page.created_at, pages.Page.id)
    return paginate(select, query)


@routes.route(
    "/",
    "POST",
    body=PageCreateInput,
    envelope="page",
    response=PageSchema,
    status=201,
    location=lambda page: url_for(".get_page", page_id=page.id),
    errors=(403, 409),
)
def create_page(owner: str, body: dict[str, Any]) -> pages.Page:
    """Create a status page; the slug is made from the name unless given.

    ``groups`` and ``components`` (seed 001) are made with it, in one transaction:
    a bad one refuses the whole request, naming its field (``components.1.name``).
    """
    return pages.create_page(owner, body)


@routes.route("/<page_id>", "GET", response=PageDetailSchema, errors=(404,))
def get_page(owner: str, page_id: str) -> Extended:
    """Get a page with its groups, components and active incidents."""
    page = pages.get_owned_page(owner, page_id)
    session = db_session()
    return Extended(
        page,
        groups=groups.with_members(session.scalars(groups.ordered_groups(page.id)).all()),
        components=session.scalars(ordered_components(page.id)).all(),
        active_incidents=session.scalars(incidents.unresolved_incidents(page.id)).all(),
    )


@routes.route(
    "/<page_id>",
    "PUT",
    "PATCH",
    body=PageInput,
    envelope="page",
    partial=True,
    response=PageSchema,
    errors=(404, 409),
)
def update_page(owner: str, page_id: str, body: dict[str, Any]) -> pages.Page:
    """Update a page's settings (any subset of fields)."""
    return pages.update_page(pages.get_owned_page(owner, page_id), body)


@routes.route("/<page_id>", "DELETE", status=204, errors=(404,))
def delete_page(owner: str, page_id: str) -> None:
    """Delete a page with its components, incidents and subscribers."""
    pages.delete_page(pages.get_owned_page(owner, page_id))


# ----------------------------------------------------------- components


@routes.route(
    "/<page_id>/components",
    "GET",
    query=PaginationQuery,
    response=ComponentSchema,
    paginated=True,
    errors=(404,),
    tag="Components",
)
def list_components(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's components, by display order then name."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(ordered_components(page.id), query)


@routes.route(
    "/<page_id>/components",
    "POST",
    body=ComponentInput,
    envelope="component",
    response=ComponentSchema,
    status=201,
    location=lambda c: url_for(".get_component", page_id=c.page_id, component_id=c.id),
    errors=(404,),
    tag="Components",
)
def create_component(owner: str, page_id: str, body: dict[str, Any]) -> Any:
    """Add a component to a page."""
    return components.create_component(pages.get_owned_page(owner, page_id), body)


@routes.route(
    "/<page_id>/components/<component_id>",
    "GET",
    response=ComponentSchema,
    errors=(404,),
    tag="Components",
)
def get_component(owner: str, page_id: str, component_id: str) -> Any:
    """Get one component."""
    return components.get_component(pages.get_owned_page(owner, page_id), component_id)


@routes.route(
    "/<page_id>/components/<component_id>",
    "PUT",
    "PATCH",
    body=ComponentInput,
    envelope="component",
    partial=True,
    response=ComponentSchema,
    errors=(404,),
    tag="Components",
)
def update_component(owner: str, page_id: str, component_id: str, body: dict[str, Any]) -> Any:
    """Update a component's status or details."""
    page = pages.get_owned_page(owner, page_id)
    return components.update_component(components.get_component(page, component_id), body)


@routes.route(
    "/<page_id>/components/<component_id>",
    "DELETE",
    status=204,
    errors=(404,),
    tag="Components",
)
def delete_component(owner: str, page_id: str, component_id: str) -> None:
    """Remove a component."""
    page = pages.get_owned_page(owner, page_id)
    components.delete_component(components.get_component(page, component_id))


# ------------------------------------------------------------ incidents


@routes.route(
    "/<page_id>/incidents",
    "GET",
    query=IncidentListQuery,
    response=IncidentSchema,
    paginated=True,
    errors=(404,),
    tag="Incidents",
)
def list_incidents(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's incidents, newest first; ``?status=`` filters (``open``: unresolved).

    ``take`` and ``skip`` are aliases of pagination: ``take`` is ``per_page``, ``skip`` a
    number of rows to skip (any number); the envelope then adds ``skip``.
    """
    page = pages.get_owned_page(owner, page_id)
    return paginate(incidents.incidents_of(page.id, query.get("status")), query)


@routes.route(
    "/<page_id>/incidents",
    "POST",
    body=IncidentInput,
    envelope="incident",
    response=IncidentSchema,
    status=201,
    location=lambda i: url_for(".get_incident", page_id=i.page_id, incident_id=i.id),
    errors=(404,),
    tag="Incidents",
)
def create_incident(owner: str, page_id: str, body: dict[str, Any]) -> Any:
    """Open an incident on a page."""
    return incidents.create_incident(pages.get_owned_page(owner, page_id), body)


@routes.route(
    "/<page_id>/incidents/<incident_id>",
    "GET",
    response=IncidentSchema,
    errors=(404,),
    tag="Incidents",
)
def get_incident(owner: str, page_id: str, incident_id: str) -> Any:
    """Get one incident with its timeline of updates."""
    return incidents.get_incident(pages.get_owned_page(owner, page_id), incident_id)


@routes.route(
    "/<page_id>/incidents/<incident_id>",
    "PUT",
    "PATCH",
    body=IncidentInput,
    envelope="incident",
    partial=True,
    response=IncidentSchema,
    errors=(404,),
    tag="Incidents",
)
def update_incident(owner: str, page_id: str, incident_id: str, body: dict[str, Any]) -> Any:
    """Update an incident; resolving sets ``resolved_at``, a message adds an update."""
    page = pages.get_owned_page(owner, page_id)
    return incidents.update_incident(incidents.get_incident(page, incident_id), body)


@routes.route(
    "/<page_id>/incidents/<incident_id>",
    "DELETE",
    status=204,
    errors=(404,),
    tag="Incidents",
)
def delete_incident(owner: str, page_id: str, incident_id: str) -> None:
    """Delete an incident and its updates."""
    page = pages.get_owned_page(owner, page_id)
    incidents.delete_incident(incidents.get_incident(page, incident_id))


# ---------------------------------------------------------- maintenance


@routes.route(
    "/<page_id>/maintenances",
    "GET",
    query=MaintenanceListQuery,
    response=MaintenanceSchema,
    paginated=True,
    errors=(404,),
    tag="Maintenance",
)
def list_maintenances(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's maintenance windows, latest start first; ``?status=`` filters."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(maintenances.maintenances_of(page.id, query.get("status")), query)


@routes.route(
    "/<page_id>/maintenances",
    "POST",
    body=MaintenanceInput,
    envelope="maintenance",
    response=MaintenanceSchema,
    status=201,
    location=lambda m: url_for(".get_maintenance", page_id=m.page_id, maintenance_id=m.id),
    errors=(404,),
    tag="Maintenance",
)
def create_maintenance(owner: str, page_id: str, body: dict[str, Any]) -> Any:
    """Schedule a maintenance window (subscribers hear ``maintenance.scheduled``)."""
    return maintenances.create_maintenance(pages.get_owned_page(owner, page_id), body)


@routes.route(
    "/<page_id>/maintenances/<maintenance_id>",
    "GET",
    response=MaintenanceSchema,
    errors=(404,),
    tag="Maintenance",
)
def get_maintenance(owner: str, page_id: str, maintenance_id: str) -> Any:
    """Get one maintenance window with its timeline."""
    return maintenances.get_maintenance(pages.get_owned_page(owner, page_id), maintenance_id)


@routes.route(
    "/<page_id>/maintenances/<maintenance_id>",
    "PUT",
    "PATCH",
    body=MaintenanceInput,
    envelope="maintenance",
    partial=True,
    response=MaintenanceSchema,
    errors=(404,),
    tag="Maintenance",
)
def update_maintenance(owner: str, page_id: str, maintenance_id: str, body: dict[str, Any]) -> Any:
    """Reschedule, move or annotate a maintenance window; a message adds an update."""
    page = pages.get_owned_page(owner, page_id)
    return maintenances.update_maintenance(maintenances.get_maintenance(page, maintenance_id), body)


@routes.route(
    "/<page_id>/maintenances/<maintenance_id>",
    "DELETE",
    status=204,
    errors=(404,),
    tag="Maintenance",
)
def delete_maintenance(owner: str, page_id: str, maintenance_id: str) -> None:
    """Cancel a maintenance window (its components come back if it was under way)."""
    page = pages.get_owned_page(owner, page_id)
    maintenances.delete_maintenance(maintenances.get_maintenance(page, maintenance_id))


# ----------------------------------------------------------- subscribers


@routes.route(
    "/<page_id>/subscribers",
    "GET",
    query=SubscriberListQuery,
    response=SubscriberSchema,
    paginated=True,
    errors=(404,),
    tag="Subscribers",
)
def list_subscribers(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's subscribers; ``?state=pending|verified|quarantined`` filters."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(subscribers.subscribers_of(page.id, query.get("state")), query)


@routes.route(
    "/<page_id>/subscribers",
    "POST",
    body=SubscriberInput,
    envelope="subscriber",
    response=SubscriberCreatedSchema,
    status=201,
    location=lambda s: url_for(".get_subscriber", page_id=s.page_id, subscriber_id=s.id),
    errors=(404, 409),
    tag="Subscribers",
)
def create_subscriber(owner: str, page_id: str, body: dict[str, Any]) -> Extended:
    """Subscribe an email address or a webhook URL; returns its ``verify_token``.

    An email subscriber is also sent the verification link; a webhook gets a
    ``subscription.verify`` event carrying it. ``component_ids`` limits the
    subscription to events touching those components.
    """
    page = pages.get_owned_page(owner, page_id)
    subscriber, token = subscribers.create_subscriber(page, body)
    return Extended(subscriber, verify_token=token)


@routes.route(
    "/<page_id>/subscribers/<subscriber_id>",
    "GET",
    response=SubscriberSchema,
    errors=(404,),
    tag="Subscribers",
)
def get_subscriber(owner: str, page_id: str, subscriber_id: str) -> Any:
    """Get one subscriber."""
    return subscribers.get_subscriber(pages.get_owned_page(owner, page_id), subscriber_id)


@routes.route(
    "/<page_id>/subscribers/<subscriber_id>",
    "DELETE",
    status=204,
    errors=(404,),
    tag="Subscribers",
)
def delete_subscriber(owner: str, page_id: str, subscriber_id: str) -> None:
    """Unsubscribe."""
    page = pages.get_owned_page(owner, page_id)
    subscribers.delete_subscriber(subscribers.get_subscriber(page, subscriber_id))


@routes.route(
    "/<page_id>/subscribers/<subscriber_id>/resend",
    "POST",
    response=ResentSchema,
    errors=(404, 409),
    tag="Subscribers",
)
def resend_verification(owner: str, page_id: str, subscriber_id: str) -> Extended:
    """Send a pending subscriber a new verification message."""
    page = pages.get_owned_page(owner, page_id)
    subscriber = subscribers.get_subscriber(page, subscriber_id)
    return Extended(subscriber, verify_token=subscribers.resend_verification(page, subscriber))


@routes.route(
    "/<page_id>/subscribers/<subscriber_id>/reactivate",
    "POST",
    response=SubscriberSchema,
    errors=(404, 409),
    tag="Subscribers",
)
def reactivate_subscriber(owner: str, page_id: str, subscriber_id: str) -> Any:
    """Lift a subscriber's quarantine; its pending deliveries go out again."""
    page = pages.get_owned_page(owner, page_id)
    return subscribers.reactivate(subscribers.get_subscriber(page, subscriber_id))


# ----------------------------------------------------------- deliveries


@routes.route(
    "/<page_id>/deliveries",
    "GET",
    query=DeliveryListQuery,
    response=DeliverySchema,
    paginated=True,
    errors=(404,),
    tag="Deliveries",
)
def list_deliveries(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List the notifications of a page, newest first; ``?status=`` filters."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(deliveries.deliveries_of(page.id, query.get("status")), query)


@routes.route(
    "/<page_id>/deliveries/<delivery_id>/retry",
    "POST",
    response=DeliverySchema,
    errors=(404, 409),
    tag="Deliveries",
)
def retry_delivery(owner: str, page_id: str, delivery_id: str) -> Any:
    """Send a failed delivery again."""
    page = pages.get_owned_page(owner, page_id)
    return deliveries.retry_delivery(deliveries.get_delivery(page, delivery_id))


@routes.route(
    "/<page_id>/subscribers/verify/<token>",
    "GET",
    auth=False,
    response=VerifiedSchema,
    errors=(400, 404),
    produces=("text/html",),
    tag="Subscribers",
)
def verify_subscriber(page_id: str, token: str) -> Any:
    """Verify a subscription (no authentication: the signed token is the proof).

    Browsers (``Accept: text/html``) get a confirmation page instead of JSON.
    """
    if not wants_html():
        return subscribers.verify_subscriber(page_id, token)
    try:
        subscriber = subscribers.verify_subscriber(page_id, token)
    except ApiError as error:
        return html_page("verify_failed.html", error.status, error=error)
    return html_page("verified.html", page=subscriber.page)
