"""A page's past: incidents and maintenance by month, and the uptime of one component."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import rules
from .errors import not_found
from .models import Component, ComponentStatusChange, Incident, Maintenance, utcnow
from .state import db_session


def month_start(day: date, months_back: int) -> date:
    """The first day of the month ``months_back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _month_range(today: date, months: int, offset: int) -> tuple[datetime, datetime]:
    """The UTC instants bounding ``months`` months, ``offset`` months back from today's."""
    first = month_start(today, offset + months - 1)
    end = month_start(today, offset - 1)
    return (
        datetime.combine(first, time.min, tzinfo=timezone.utc),
        datetime.combine(end, time.min, tzinfo=timezone.utc),
    )


def months_of_incidents(
    page_id: str, months: int, offset: int, now: datetime | None = None
) -> list[dict[str, Any]]:
    """``[{"month": date, "incidents": [Incident, ...]}]``, newest month first.

    ``offset`` months are skipped from the current one; every month of the
    range is listed, with no incidents when it was quiet. An incident belongs
    to the month it started in.
    """
    today = (now or utcnow()).date()
    start_at, end_at = _month_range(today, months, offset)
    rows = db_session().scalars(
        select(Incident)
        .where(Incident.page_id == page_id)
        .where(Incident.started_at >= start_at, Incident.started_at < end_at)
        .options(selectinload(Incident.updates))
        .order_by(Incident.started_at.desc(), Incident.id)
    )
    by_month: dict[date, list[Incident]] = {
        month_start(today, offset + n): [] for n in range(months)
    }
    for incident in rows:
        by_month[incident.started_at.date().replace(day=1)].append(incident)
    return [{"month": month, "incidents": found} for month, found in by_month.items()]


def months_of_maintenances(
    page_id: str, months: int, offset: int, now: datetime | None = None
) -> list[dict[str, Any]]:
    """``[{"month": date, "maintenances": [Maintenance, ...]}]``, newest month first.

    The same months as :func:`months_of_incidents`, in one query. Only
    completed windows are history (the others are on the page itself); a
    window belongs to the month it was scheduled to start in.
    """
    today = (now or utcnow()).date()
    start_at, end_at = _month_range(today, months, offset)
    rows = db_session().scalars(
        select(Maintenance)
        .where(Maintenance.page_id == page_id, Maintenance.status == "completed")
        .where(Maintenance.scheduled_for >= start_at, Maintenance.scheduled_for < end_at)
        .options(selectinload(Maintenance.updates))
        .order_by(Maintenance.scheduled_for.desc(), Maintenance.id)
    )
    by_month: dict[date, list[Maintenance]] = {
        month_start(today, offset + n): [] for n in range(months)
    }
    for maintenance in rows:
        by_month[maintenance.scheduled_for.date().replace(day=1)].append(maintenance)
    return [{"month": month, "maintenances": found} for month, found in by_month.items()]


def uptime_min_span() -> float:
    """Seconds of data a component needs before any uptime figure is given."""
    return float(current_app.config["STATUSPAGES_UPTIME_MIN_SPAN"])


def page_component(page_id: str, component_id: str) -> Component:
    """The component ``component_id`` of the page (404: none)."""
    component = db_session().scalar(
        select(Component).where(Component.page_id == page_id, Component.id == component_id)
    )
    if component is None:
        raise not_found("Component")
    return component


def status_changes(component_id: str, since: datetime) -> list[rules.StatusChange]:
    """The component's recorded status changes from ``since`` on, oldest first."""
    rows = db_session().execute(
        select(
            ComponentStatusChange.changed_at,
            ComponentStatusChange.old_status,
            ComponentStatusChange.new_status,
        )
        .where(
            ComponentStatusChange.component_id == component_id,
            ComponentStatusChange.changed_at >= since,
        )
        .order_by(ComponentStatusChange.changed_at, ComponentStatusChange.id)
    )
    return [(c.changed_at, c.old_status, c.new_status) for c in rows]


def component_uptime(
    page_id: str, component_id: str, days: int, offset: int = 0, now: datetime | None = None
) -> tuple[Component, rules.Uptime]:
    """One component of the page and its uptime over ``days`` days ending ``offset`` days
    before today (404: no such component).

    A window in the past ends at the midnight after its last day; the changes
    recorded since it began are read up to now, as the first one after it
    tells the status the component was in at its end.
    """
    now = now or utcnow()
    component = page_component(page_id, component_id)
    first_day, end = rules.uptime_window(now.date(), days, offset)
    since = datetime.combine(first_day, time.min, tzinfo=timezone.utc)
    return component, rules.uptime(
        status_changes(component_id, since),
        component.status,
        first_day,
        days,
        min(now, end),
        born=component.created_at,
        min_span=uptime_min_span(),
    )
