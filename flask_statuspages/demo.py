"""Example data for ``flask statuspages demo`` and the example app."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from .domain.components import create_component, update_component
from .domain.incidents import create_incident, update_incident
from .domain.pages import create_page
from .models import Component, ComponentStatusChange, Incident, Page, utcnow
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
#: How long ago the active incident was opened, and when its cause was identified.
ACTIVE_FOR = timedelta(minutes=45)
IDENTIFIED_FOR = timedelta(minutes=20)


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
            _backdate_last_change(component, utcnow() - ACTIVE_FOR)
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
    _backdate_timeline(active, utcnow() - ACTIVE_FOR, utcnow() - IDENTIFIED_FOR)
    past = create_incident(
        page,
        {
            "title": "Delayed email notifications",
            "message": "Emails are queued.",
            "severity": "major",
        },
    )
    update_incident(past, {"status": "resolved", "message": "The queue has drained."})
    _backdate_timeline(past, *_outage_window("Email delivery", 0))
    return page


def _backdate_last_change(component: Component, when: datetime) -> None:
    """Date ``component``'s latest status change ``when`` (the active incident's start)."""
    change = db_session().scalar(
        select(ComponentStatusChange)
        .where(ComponentStatusChange.component_id == component.id)
        .order_by(ComponentStatusChange.changed_at.desc(), ComponentStatusChange.id.desc())
        .limit(1)
    )
    if change is not None:
        change.changed_at = when
        db_session().commit()


def _outage_window(component: str, index: int) -> tuple[datetime, datetime]:
    """Start and end of the ``index``-th past outage of ``component`` in ``OUTAGES``."""
    days_ago, _status, minutes = OUTAGES[component][index]
    start = utcnow() - timedelta(days=days_ago, hours=3)
    return start, start + timedelta(minutes=minutes)


def _backdate_timeline(incident: Incident, opened: datetime, last: datetime) -> None:
    """Move an incident and its whole timeline to ``opened`` .. ``last``.

    Its first update is when it was opened, its last one at ``last`` (the resolution,
    when it is resolved), and any between are spread evenly, so the incident's dates
    agree with its timeline.
    """
    timeline = sorted(incident.updates, key=lambda update: (update.created_at, update.seq))
    step = (last - opened) / max(len(timeline) - 1, 1)
    for n, update in enumerate(timeline):
        update.created_at = opened + step * n
    incident.created_at = opened
    incident.updated_at = last
    if incident.resolved_at is not None:
        incident.resolved_at = last
    db_session().commit()
