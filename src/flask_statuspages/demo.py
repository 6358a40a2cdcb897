"""Example data for ``flask statuspages demo`` and the example app."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .components import create_component
from .incidents import create_incident, update_incident
from .models import Page, utcnow
from .pages import create_page
from .state import db_session

DEMO_COMPONENTS = [
    ("Website", "Frontend", "operational"),
    ("API", "Backend", "degraded_performance"),
    ("Database", "Backend", "operational"),
    ("Background jobs", "Backend", "operational"),
    ("Email delivery", "Notifications", "operational"),
]


def seed_demo(owner: str) -> Page | None:
    """Create the "Acme Status" page for ``owner``, unless it already has pages."""
    if db_session().scalar(select(Page.id).where(Page.owner == owner)) is not None:
        return None
    page = create_page(
        owner,
        {
            "name": "Acme Status",
            "description": "Live status of Acme's website, API and background services.",
            "theme": {"primary_color": "#0e7490"},
        },
    )
    for order, (name, group, status) in enumerate(DEMO_COMPONENTS):
        create_component(
            page, {"name": name, "group_name": group, "status": status, "display_order": order}
        )
    active = create_incident(
        page,
        {
            "title": "Elevated API latency",
            "message": "We are investigating slower responses from the API.",
            "severity": "minor",
        },
    )
    update_incident(
        active,
        {
            "status": "identified",
            "message": "A slow database query was found; a fix is rolling out.",
        },
    )
    past = create_incident(
        page,
        {
            "title": "Delayed email notifications",
            "message": "Emails are queued.",
            "severity": "major",
        },
    )
    update_incident(past, {"status": "resolved", "message": "The queue has drained."})
    past.created_at = utcnow() - timedelta(days=3)
    past.resolved_at = utcnow() - timedelta(days=3) + timedelta(hours=1)
    db_session().commit()
    return page
