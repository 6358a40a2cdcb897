"""Example data for ``flask statuspages demo`` and the example app."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .components import create_component, update_component
from .incidents import create_incident, update_incident
from .models import Component, ComponentStatusChange, Page, utcnow
from .pages import create_page
from .state import db_session

DEMO_COMPONENTS = [
    ("Website", "Frontend", "operational"),
    ("API", "Backend", "degraded_performance"),
    ("Database", "Backend", "operational"),
    ("Background jobs", "Backend", "operational"),
    ("Email delivery", "Notifications", "operational"),
]


#: Past outages per component: (days ago, status, minutes), for the uptime bars.
OUTAGES = {
    "API": [
        (12, "partial_outage", 180),
        (47, "major_outage", 35),
        (63, "degraded_performance", 90),
    ],
    "Database": [(40, "major_outage", 45)],
    "Email delivery": [(3, "partial_outage", 60), (81, "partial_outage", 240)],
}
HISTORY_DAYS = 90


def _backdate_with_outages(component: Component, outages: list[tuple[int, str, int]]) -> None:
    """Pretend ``component`` has existed for 90 days, with ``outages`` on its record."""
    session = db_session()
    now = utcnow()
    created = now - timedelta(days=HISTORY_DAYS)
    component.created_at = created
    for change in session.scalars(
        select(ComponentStatusChange).where(ComponentStatusChange.component_id == component.id)
    ):
        change.changed_at = created
    for days_ago, status, minutes in outages:
        start = now - timedelta(days=days_ago, hours=3)
        session.add_all(
            [
                ComponentStatusChange(
                    component_id=component.id,
                    old_status="operational",
                    new_status=status,
                    changed_at=start,
                ),
                ComponentStatusChange(
                    component_id=component.id,
                    old_status=status,
                    new_status="operational",
                    changed_at=start + timedelta(minutes=minutes),
                ),
            ]
        )
    session.commit()


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
        component = create_component(
            page, {"name": name, "group_name": group, "display_order": order}
        )
        _backdate_with_outages(component, OUTAGES.get(name, []))
        if status != "operational":
            update_component(component, {"status": status})
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
