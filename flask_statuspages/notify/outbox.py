"""Recording what subscribers should hear, inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from .. import rules
from ..links import external_url, request_base_url
from ..models import Component, Incident, Maintenance, NotificationEvent, Page, Subscriber
from ..schemas import PublicComponentSchema, PublicIncidentSchema, PublicMaintenanceSchema
from ..state import db_session

#: Session flag telling :func:`flask_statuspages.changes.commit` to wake the queue.
PENDING_FLAG = "statuspages_notify"

_incident_schema = PublicIncidentSchema()
_component_schema = PublicComponentSchema()
_maintenance_schema = PublicMaintenanceSchema()


def page_summary(page: Page, base_url: str | None = None) -> dict[str, Any]:
    return {
        "id": page.id,
        "name": rules.display_name(page.name, page.page_name),
        "company_name": page.company_name,
        "slug": page.slug,
        "url": _public_url(page, base_url),
        "theme": page.theme,
    }


def _public_url(page: Page, base_url: str | None) -> str | None:
    """The page for people (its custom domain once verified), else its public JSON."""
    if page.custom_domain and page.custom_domain_verified_at:
        return f"https://{page.custom_domain}/"
    site_on = current_app.config["STATUSPAGES_SITE_PREFIX"] is not None
    endpoint = "statuspages_site.status_page" if site_on else "statuspages.public_page"
    try:
        return external_url(endpoint, base_url, slug=page.slug)
    except RuntimeError:  # no request and no STATUSPAGES_PUBLIC_URL
        return None


def _last_base_url(page: Page) -> str | None:
    """For work done outside a request (a maintenance window starting on time):
    the base URL of the page's latest change made in one."""
    return db_session().scalar(
        select(NotificationEvent.base_url)
        .where(NotificationEvent.page_id == page.id, NotificationEvent.base_url.is_not(None))
        .order_by(NotificationEvent.created_at.desc())
        .limit(1)
    )


def record(
    page: Page,
    kind: str,
    *,
    incident: Incident | None = None,
    component: Component | None = None,
    maintenance: Maintenance | None = None,
    component_ids: list[str] | None = None,
    subscriber: Subscriber | None = None,
    **extra: Any,
) -> NotificationEvent:
    """Add an event to the session; it is committed, or not, with the change."""
    session = db_session()
    session.flush()  # ids and defaults, for the payload
    base_url = request_base_url() or _last_base_url(page)
    payload = payload_of(
        page,
        kind,
        base_url,
        incident=incident,
        component=component,
        maintenance=maintenance,
        **extra,
    )
    event = NotificationEvent(
        page_id=page.id,
        kind=kind,
        payload=payload,
        component_ids=component_ids or [],
        subscriber_id=subscriber.id if subscriber is not None else None,
        base_url=base_url,
    )
    session.add(event)
    mark_pending()
    return event


def payload_of(
    page: Page,
    kind: str,
    base_url: str | None,
    *,
    incident: Incident | None = None,
    component: Component | None = None,
    maintenance: Maintenance | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What subscribers receive of an event (the webhook body, the email's matter);
    the console previews it before anything is saved."""
    payload: dict[str, Any] = {"event": kind, "page": page_summary(page, base_url), **extra}
    payload["incident"] = _incident_schema.dump(incident) if incident is not None else None
    payload["component"] = _component_schema.dump(component) if component is not None else None
    if maintenance is not None:
        payload["maintenance"] = _maintenance_schema.dump(maintenance)
    return payload


def mark_pending() -> None:
    """Wake the queue after the next commit (new events, or deliveries due again)."""
    db_session().info[PENDING_FLAG] = True
