"""Recording what subscribers should hear, inside the transaction of the change."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..links import external_url, request_base_url
from ..models import Component, Incident, NotificationEvent, Page, Subscriber
from ..schemas import PublicComponentSchema, PublicIncidentSchema
from ..state import db_session

#: Session flag telling :func:`flask_statuspages.changes.commit` to wake the queue.
PENDING_FLAG = "statuspages_notify"

_incident_schema = PublicIncidentSchema()
_component_schema = PublicComponentSchema()


def page_summary(page: Page) -> dict[str, Any]:
    return {
        "id": page.id,
        "name": page.name,
        "slug": page.slug,
        "url": _public_url(page),
        "theme": page.theme,
    }


def _public_url(page: Page) -> str | None:
    """The page for people (its custom domain once verified), else its public JSON."""
    if page.custom_domain and page.custom_domain_verified_at:
        return f"https://{page.custom_domain}/"
    site_on = current_app.config["STATUSPAGES_SITE_PREFIX"] is not None
    endpoint = "statuspages_site.status_page" if site_on else "statuspages.public_page"
    try:
        return external_url(endpoint, slug=page.slug)
    except RuntimeError:  # no request and no STATUSPAGES_PUBLIC_URL
        return None


def record(
    page: Page,
    kind: str,
    *,
    incident: Incident | None = None,
    component: Component | None = None,
    component_ids: list[str] | None = None,
    subscriber: Subscriber | None = None,
    **extra: Any,
) -> NotificationEvent:
    """Add an event to the session; it is committed, or not, with the change."""
    session = db_session()
    session.flush()  # ids and defaults, for the payload
    payload: dict[str, Any] = {"event": kind, "page": page_summary(page), **extra}
    payload["incident"] = _incident_schema.dump(incident) if incident is not None else None
    payload["component"] = _component_schema.dump(component) if component is not None else None
    event = NotificationEvent(
        page_id=page.id,
        kind=kind,
        payload=payload,
        component_ids=component_ids or [],
        subscriber_id=subscriber.id if subscriber is not None else None,
        base_url=request_base_url(),
    )
    session.add(event)
    mark_pending()
    return event


def mark_pending() -> None:
    """Wake the queue after the next commit (new events, or deliveries due again)."""
    db_session().info[PENDING_FLAG] = True
