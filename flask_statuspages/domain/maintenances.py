"""Scheduled maintenance: windows announced ahead, started and completed on time.

A window with ``auto_transition`` (the default) is moved by the worker
(:func:`advance_due`, run by every queue's drain): ``scheduled`` becomes
``in_progress`` at ``scheduled_for`` and ``completed`` at
``scheduled_until``. An admin may also move it by hand (``verifying`` is
only ever set by hand). While a window is open, its operational components
are ``under_maintenance`` (recorded like any status change, so uptime bars
show it); they come back when it completes. Subscribers hear
``maintenance.scheduled``, ``maintenance.started`` and
``maintenance.completed``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from .. import rules, signals
from ..changes import Event, commit, event
from ..errors import not_found, validation_error
from ..models import Component, Maintenance, MaintenanceUpdate, Page, utcnow
from ..notify import outbox
from ..state import db_session
from . import components

OPEN_STATUSES = ("in_progress", "verifying")
log = logging.getLogger(__name__)

#: Windows moved per call of :func:`advance_due` (each in its own transaction).
ADVANCE_BATCH = 100


def maintenances_of(page_id: str, status: str | None = None) -> Any:
    query = (
        select(Maintenance)
        .where(Maintenance.page_id == page_id)
        .options(selectinload(Maintenance.updates))
        .order_by(Maintenance.scheduled_for.desc(), Maintenance.id)
    )
    return query if status is None else query.where(Maintenance.status == status)


def get_maintenance(page: Page, maintenance_id: str) -> Maintenance:
    found = db_session().scalar(maintenances_of(page.id).where(Maintenance.id == maintenance_id))
    if found is None:
        raise not_found("Maintenance")
    return found


def _append_update(maintenance: Maintenance, message: str | None) -> None:
    maintenance.updates.insert(
        0,
        MaintenanceUpdate(status=maintenance.status, message=message, seq=len(maintenance.updates)),
    )


def _affect_components(maintenance: Maintenance) -> list[Event]:
    """Put the window's components under maintenance, or back, as its status says."""
    if not maintenance.component_ids:
        return []
    session = db_session()
    events: list[Event] = []
    affected = session.scalars(
        select(Component).where(
            Component.page_id == maintenance.page_id,
            Component.id.in_(maintenance.component_ids),
        )
    )
    for component in affected:
        new = rules.maintenance_component_status(component.status, maintenance.status)
        if new is not None:
            events += components.move_status(component, new)
    return events


def _moved(maintenance: Maintenance, old_status: str | None, now: datetime) -> list[Event]:
    """Timestamps, components, notifications and signals of a status change."""
    status, events = maintenance.status, []
    if status in OPEN_STATUSES and old_status not in OPEN_STATUSES:
        maintenance.started_at = maintenance.started_at or now
        maintenance.completed_at = None
        kind = "maintenance.started"
        events.append(event(signals.maintenance_started, maintenance=maintenance))
    elif status == "completed":
        maintenance.completed_at = now
        maintenance.started_at = maintenance.started_at or now
        kind = "maintenance.completed"
        events.append(event(signals.maintenance_completed, maintenance=maintenance))
    elif status == "scheduled" and old_status is None:
        kind = "maintenance.scheduled"
    else:
        return events
    outbox.record(
        maintenance.page,
        kind,
        maintenance=maintenance,
        component_ids=list(maintenance.component_ids),
    )
    return [*events, *_affect_components(maintenance)]


def create_maintenance(page: Page, data: dict[str, Any]) -> Maintenance:
    component_ids = list(dict.fromkeys(data.pop("component_ids", None) or []))
    components.check_on_page(page, component_ids)
    now = utcnow()
    maintenance = Maintenance(
        page_id=page.id, page=page, updates=[], component_ids=component_ids, **data
    )
    maintenance.auto_transition = data.get("auto_transition", True)
    if maintenance.status is None:
        maintenance.status = "scheduled"
        if maintenance.auto_transition:
            maintenance.status = (
                rules.maintenance_status_due(
                    "scheduled", maintenance.scheduled_for, maintenance.scheduled_until, now
                )
                or "scheduled"
            )
    _append_update(maintenance, data.get("message"))
    db_session().add(maintenance)
    db_session().flush()
    events = [event(signals.maintenance_created, maintenance=maintenance)]
    events += _moved(maintenance, None, now)
    commit(*events)
    return maintenance


def update_maintenance(maintenance: Maintenance, data: dict[str, Any]) -> Maintenance:
    """Apply ``data``; a status change or a message adds an entry to the timeline."""
    if "component_ids" in data:
        data["component_ids"] = list(dict.fromkeys(data["component_ids"] or []))
        components.check_on_page(maintenance.page, data["component_ids"])
    start = data.get("scheduled_for", maintenance.scheduled_for)
    end = data.get("scheduled_until", maintenance.scheduled_until)
    if end <= start:
        raise validation_error({"scheduled_until": ["Must be after scheduled_for."]})
    old_status = maintenance.status
    for key, value in data.items():
        setattr(maintenance, key, value)
    moved = maintenance.status != old_status
    if moved or data.get("message"):
        _append_update(maintenance, data.get("message"))
    events = [event(signals.maintenance_updated, maintenance=maintenance)]
    if moved:
        events += _moved(maintenance, old_status, utcnow())
    commit(*events)
    return maintenance


def delete_maintenance(maintenance: Maintenance) -> None:
    session = db_session()
    events: list[Event] = []
    if maintenance.status in OPEN_STATUSES:  # give its components back
        maintenance.status = "completed"
        events = _affect_components(maintenance)
    session.execute(
        delete(MaintenanceUpdate).where(MaintenanceUpdate.maintenance_id == maintenance.id)
    )
    session.delete(maintenance)
    commit(*events, event(signals.maintenance_deleted, maintenance=maintenance))


def due_query(now: datetime) -> Any:
    """Automatic windows that should have moved by ``now``."""
    return select(Maintenance).where(
        Maintenance.auto_transition.is_(True),
        or_(
            (Maintenance.status == "scheduled") & (Maintenance.scheduled_for <= now),
            Maintenance.status.in_(OPEN_STATUSES) & (Maintenance.scheduled_until <= now),
        ),
    )


def advance_due(now: datetime | None = None) -> int:
    """Move every automatic window that is due; how many moved.

    Rows are locked (``SKIP LOCKED`` on PostgreSQL) so two workers never move
    one window twice; each move commits on its own. A window that fails to move
    is taken off automatic transitions (see :func:`_stop_automatic`), so it can
    neither hold up the windows after it nor the deliveries the drain sends next.
    """
    now = now or utcnow()
    session = db_session()
    moved = 0
    for _ in range(ADVANCE_BATCH):
        maintenance = session.scalar(
            due_query(now)
            .order_by(Maintenance.scheduled_for)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if maintenance is None:
            break
        maintenance_id = maintenance.id
        try:
            _advance(maintenance, now)
        except Exception:
            session.rollback()
            if not _stop_automatic(maintenance_id):
                break
            continue
        moved += 1
    session.rollback()
    return moved


def _advance(maintenance: Maintenance, now: datetime) -> None:
    old_status = maintenance.status
    maintenance.status = (
        rules.maintenance_status_due(
            old_status, maintenance.scheduled_for, maintenance.scheduled_until, now
        )
        or old_status
    )
    _append_update(maintenance, None)
    events = [event(signals.maintenance_updated, maintenance=maintenance)]
    commit(*events, *_moved(maintenance, old_status, now))


def _stop_automatic(maintenance_id: str) -> bool:
    """Turn off the automatic transitions of a window that failed to move (logged);
    whether that worked. Left due, it would fail again at every drain, first in line."""
    log.exception(
        "maintenance window %s could not move; its automatic transitions are turned off "
        "(move it through the API)",
        maintenance_id,
    )
    session = db_session()
    try:
        session.execute(
            update(Maintenance)
            .where(Maintenance.id == maintenance_id)
            .values(auto_transition=False)
        )
        session.commit()
    except Exception:
        session.rollback()
        log.exception("maintenance window %s: automatic transitions not turned off", maintenance_id)
        return False
    return True


def next_transition() -> datetime | None:
    """When the earliest automatic window is due to move."""
    session = db_session()
    starts = session.scalar(
        select(Maintenance.scheduled_for)
        .where(Maintenance.auto_transition.is_(True), Maintenance.status == "scheduled")
        .order_by(Maintenance.scheduled_for)
        .limit(1)
    )
    ends = session.scalar(
        select(Maintenance.scheduled_until)
        .where(Maintenance.auto_transition.is_(True), Maintenance.status.in_(OPEN_STATUSES))
        .order_by(Maintenance.scheduled_until)
        .limit(1)
    )
    return min((t for t in (starts, ends) if t is not None), default=None)
