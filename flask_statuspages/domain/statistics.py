"""One component's statistics: its status and since when, its uptime over four windows,
the incidents that affected it and what is open on it now.

Five queries whatever the history (the component, its status changes of the
last 90 days, its last change, the page's incidents that name it, the page's
open maintenance windows); the figures come from the functions that draw the
HTML page's bars (:func:`rules.uptime`), so the two always agree.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Text, cast, or_, select

from .. import rules
from ..history import page_component, status_changes, uptime_min_span
from ..models import ComponentStatusChange, Incident, Maintenance, utcnow
from ..state import db_session
from .maintenances import OPEN_STATUSES

#: The uptime windows: name and days (``None``: the last 24 hours, to the second).
UPTIME_WINDOWS = (("24h", None), ("7d", 7), ("30d", 30), ("90d", 90))
#: Days of incidents counted (those that started in them), as the longest uptime window.
INCIDENT_DAYS = 90


def component_statistics(
    page_id: str, component_id: str, now: datetime | None = None
) -> dict[str, Any]:
    """The statistics of the component ``component_id`` of the page (404: none)."""
    now = now or utcnow()
    component = page_component(page_id, component_id)
    first_day, _end = rules.uptime_window(now.date(), INCIDENT_DAYS)
    window_start = datetime.combine(first_day, time.min, tzinfo=timezone.utc)
    changes = status_changes(component.id, window_start)
    since = rules.status_since(_last_change(component.id), component.status, component.created_at)
    incidents = _incidents_naming(page_id, component.id, window_start)
    counted = [i for i in incidents if i.started_at >= window_start]
    return {
        "component": component,
        "status": component.status,
        "status_since": since,
        "status_duration_seconds": (now - since).total_seconds() if since else None,
        "uptime": {name: _uptime(changes, component, days, now) for name, days in UPTIME_WINDOWS},
        "incidents": {
            "days": INCIDENT_DAYS,
            "since": window_start,
            "count": len(counted),
            "resolved": sum(1 for i in counted if i.resolved_at is not None),
            "mean_time_to_resolve_seconds": rules.mean_time_to_resolve(
                (i.started_at, i.resolved_at) for i in counted
            ),
        },
        "open_incidents": [
            {**i._asdict(), "component_status": i.components[component.id]}
            for i in incidents
            if i.status != "resolved"
        ],
        "open_maintenances": _open_maintenances(page_id, component.id),
    }


def _uptime(
    changes: list[rules.StatusChange], component: Any, days: int | None, now: datetime
) -> dict[str, Any]:
    """One window's figure, as the uptime route (``days``) or the bars compute it."""
    born, min_span = component.created_at, uptime_min_span()
    if days is None:
        start = now - timedelta(hours=24)
        figure = rules.span_uptime(
            [c for c in changes if c[0] >= start],
            component.status,
            start,
            now,
            born=born,
            min_span=min_span,
        )
    else:
        first_day, _end = rules.uptime_window(now.date(), days)
        start = datetime.combine(first_day, time.min, tzinfo=timezone.utc)
        figure = rules.uptime(
            [c for c in changes if c[0] >= start],
            component.status,
            first_day,
            days,
            now,
            born=born,
            min_span=min_span,
        )
    return {
        "start": start,
        "uptime": figure.ratio,
        "uptime_reason": "too_little_data" if figure.too_little_data else None,
        "since": figure.since,
        "observed_seconds": figure.observed_seconds,
    }


def _last_change(component_id: str) -> tuple[datetime, str] | None:
    row = (
        db_session()
        .execute(
            select(ComponentStatusChange.changed_at, ComponentStatusChange.new_status)
            .where(ComponentStatusChange.component_id == component_id)
            .order_by(ComponentStatusChange.changed_at.desc(), ComponentStatusChange.id.desc())
            .limit(1)
        )
        .first()
    )
    return None if row is None else (row.changed_at, row.new_status)


def _incidents_naming(page_id: str, component_id: str, since: datetime) -> list[Any]:
    """The page's incidents that name the component, started since ``since`` or still open.

    The JSON map is matched on its text first (the same on SQLite and
    PostgreSQL), which keeps most rows in the database; the exact test is
    :func:`rules.affects`.
    """
    rows = db_session().execute(
        select(
            Incident.id,
            Incident.title,
            Incident.status,
            Incident.severity,
            Incident.started_at,
            Incident.resolved_at,
            Incident.components,
        )
        .where(Incident.page_id == page_id)
        .where(or_(Incident.started_at >= since, Incident.status != "resolved"))
        .where(cast(Incident.components, Text).contains(f'"{component_id}"', autoescape=True))
        .order_by(Incident.started_at.desc(), Incident.id)
    )
    return [row for row in rows if rules.affects(row.components, component_id)]


def _open_maintenances(page_id: str, component_id: str) -> list[dict[str, Any]]:
    rows = db_session().execute(
        select(
            Maintenance.id,
            Maintenance.title,
            Maintenance.status,
            Maintenance.scheduled_for,
            Maintenance.scheduled_until,
            Maintenance.component_ids,
        )
        .where(Maintenance.page_id == page_id, Maintenance.status.in_(OPEN_STATUSES))
        .order_by(Maintenance.scheduled_for, Maintenance.id)
    )
    return [row._asdict() for row in rows if component_id in (row.component_ids or [])]
