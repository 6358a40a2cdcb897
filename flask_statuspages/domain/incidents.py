"""Incidents of a page and their timeline of updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .. import rules, signals
from ..changes import Event, commit, event
from ..errors import not_found
from ..models import Incident, IncidentUpdate, Page, utcnow
from ..notify import outbox
from ..state import db_session
from . import templates


def incidents_of(page_id: str, status: str | None = None) -> Any:
    query = (
        select(Incident)
        .where(Incident.page_id == page_id)
        .options(selectinload(Incident.updates))
        .order_by(Incident.created_at.desc(), Incident.id)
    )
    return query if status is None else query.where(Incident.status == status)


def unresolved_incidents(page_id: str) -> Any:
    return incidents_of(page_id).where(Incident.status != "resolved")


def get_incident(page: Page, incident_id: str) -> Incident:
    incident = db_session().scalar(incidents_of(page.id).where(Incident.id == incident_id))
    if incident is None:
        raise not_found("Incident")
    return incident


def _append_update(incident: Incident, message: str | None) -> None:
    incident.updates.insert(
        0,
        IncidentUpdate(status=incident.status, message=message, seq=len(incident.updates)),
    )


def create_incident(page: Page, data: dict[str, Any]) -> Incident:
    data = templates.fill(page, data)  # a template_id gives the fields not given
    incident = Incident(page_id=page.id, updates=[], **data)
    incident.status = incident.status or "investigating"
    incident.severity = incident.severity or "minor"
    incident.resolved_at = rules.resolved_at_after(None, incident.status, None, utcnow())
    _append_update(incident, data.get("message"))
    db_session().add(incident)
    outbox.record(page, "incident.created", incident=incident)
    commit(event(signals.incident_created, incident=incident))
    return incident


def update_incident(incident: Incident, data: dict[str, Any]) -> Incident:
    """Apply ``data``; a status change or a message adds an entry to the timeline."""
    old_status, old_resolved_at = incident.status, incident.resolved_at
    for key, value in data.items():
        setattr(incident, key, value)
    status_changed = incident.status != old_status
    if status_changed or data.get("message"):
        _append_update(incident, data.get("message"))
    incident.resolved_at = rules.resolved_at_after(
        old_status, incident.status, old_resolved_at, utcnow()
    )
    events: list[Event] = [event(signals.incident_updated, incident=incident)]
    resolved = status_changed and incident.status == "resolved"
    if resolved:
        events.append(event(signals.incident_resolved, incident=incident))
    if status_changed or data.get("message"):
        kind = "incident.resolved" if resolved else "incident.updated"
        outbox.record(incident.page, kind, incident=incident)
    commit(*events)
    return incident


def delete_incident(incident: Incident) -> None:
    session = db_session()
    session.execute(delete(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id))
    session.delete(incident)
    commit(event(signals.incident_deleted, incident=incident))
